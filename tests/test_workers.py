"""Warm workers' own bookkeeping: what they import, what they forget between sessions, which cores they use."""

import os
import subprocess
import sys
import sysconfig
import types

import pytest

from cvgrade.harness import workers


def test_warm_imports_are_the_libraries_of_grader_and_reference(root):
    assert workers.warm_imports(root, "image_filtering") == ("numpy", "cv2")
    assert {"torch", "timm"} <= set(workers.warm_imports(root, "attention"))
    assert {"torch", "open_clip"} <= set(workers.warm_imports(root, "clip_scoring"))


def test_warming_up_freezes_the_heap_only_when_it_imported_something():
    # colorsys: a small stdlib module that nothing at interpreter start has imported
    probe = ("import gc, sys; from cvgrade.sandbox.zygote import warm_up\n"
             "assert 'colorsys' not in sys.modules\n"
             "warm_up(['colorsys']); after_import = gc.get_freeze_count()\n"
             "warm_up(['colorsys', 'no_such_library']); again = gc.get_freeze_count()\n"
             "print(after_import > 0, again == after_import)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]


def test_forgetting_course_modules_keeps_cvgrade_and_libraries_installed_inside_the_course(tmp_path, monkeypatch):
    course, site = tmp_path / "course", tmp_path / "course" / ".venv" / "lib" / "site-packages"
    paths = dict(sysconfig.get_paths(), purelib=str(site), platlib=str(site))
    monkeypatch.setattr(sysconfig, "get_paths", lambda: paths)
    earlier = types.ModuleType("loaded_before_the_session_x")  # not the session's: left alone, wherever it lives
    earlier.__file__ = str(course / "reference" / "loaded_before_the_session_x.py")
    monkeypatch.setitem(sys.modules, earlier.__name__, earlier)
    planted = {
        "test_topic_x": course / "graders" / "test_topic_x.py",
        "reference.topic_x": course / "reference" / "topic_x.py",
        "conftest": tmp_path / "elsewhere" / "conftest.py",
        "heavy_library_x": site / "heavy_library_x" / "__init__.py",
        "outside_x": tmp_path / "outside_x.py",
    }
    for name, file in planted.items():
        module = types.ModuleType(name)
        module.__file__ = str(file)
        monkeypatch.setitem(sys.modules, name, module)
    workers._forget_course_modules(course, set(sys.modules) - set(planted))
    left = {name for name in planted if name in sys.modules}
    assert left == {"heavy_library_x", "outside_x"}
    assert earlier.__name__ in sys.modules
    assert "cvgrade.harness.workers" in sys.modules


@pytest.mark.parametrize("cores, size, shares", [
    ({0, 1}, 1, [None]),
    ({0, 1}, 2, [{0}, {1}]),
    ({0, 1}, 3, [{0}, {1}, {0}]),
    (set(range(16)), 2, [set(range(8)), set(range(8, 16))]),
    (set(range(4, 10)), 4, [{4}, {5}, {6}, {7}]),
    ({3}, 2, [None, None]),
])
def test_core_shares_split_the_allowed_cores_evenly(monkeypatch, cores, size, shares):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: cores)
    assert workers.core_shares(size) == shares


def test_a_pinned_worker_runs_on_its_cores_only(tmp_path):
    core = min(os.sched_getaffinity(0))
    worker = workers.Worker(cores=frozenset({core}))
    try:
        worker._start()
        assert os.sched_getaffinity(worker.process.pid) == {core}
    finally:
        worker.stop()


def test_a_worker_compiles_the_course_into_its_own_scratch_folder_only(tmp_path):
    """Rewritten graders are cached across a worker's sessions, outside the course (nbgrader copies its folders)."""
    (tmp_path / "test_probe.py").write_text(
        "import sys, tempfile\nfrom pathlib import Path\n\n"
        "def test_probe():\n"
        "    assert not sys.dont_write_bytecode and sys.pycache_prefix.startswith(tempfile.gettempdir())\n"
        "    assert list(Path(sys.pycache_prefix).rglob('test_probe*.pyc')), 'the rewritten module was not cached'\n"
        "    import tabnanny  # a stdlib module that no worker has imported: its loader reads the stdlib's own cache\n"
        "    assert type(tabnanny.__loader__).__name__ == 'LibraryLoader'\n"
        "    assert not list(Path(sys.pycache_prefix).rglob('tabnanny*')), 'a library was compiled for the worker'\n")
    worker = workers.Worker()
    try:
        for _ in range(2):
            code = worker.run([str(tmp_path / "test_probe.py"), "-q", "-p", "no:cacheprovider", "--rootdir",
                               str(tmp_path)], tmp_path, tmp_path / "session.log")
            assert code == 0, (tmp_path / "session.log").read_text()
    finally:
        worker.stop()
    assert not list(tmp_path.rglob("__pycache__"))


def test_a_library_loader_reads_and_keeps_the_bytecode_beside_the_source(monkeypatch, tmp_path):
    """Under a private `sys.pycache_prefix`, a library's bytecode is still the one its own `__pycache__` holds."""
    import importlib.util
    import py_compile
    import tabnanny
    from pathlib import Path

    from cvgrade.harness.bytecode import LibraryLoader, library_folders

    assert os.path.join(os.path.realpath(os.path.dirname(tabnanny.__file__)), "") in library_folders()
    source = tmp_path / "library" / "probe.py"
    source.parent.mkdir()
    source.write_text("VALUE = 1\n")
    own = Path(py_compile.compile(str(source), doraise=True))  # no prefix yet: `library/__pycache__/`
    private = tmp_path / "private"
    monkeypatch.setattr(sys, "pycache_prefix", str(private))
    loader, asked = LibraryLoader("probe", str(source)), importlib.util.cache_from_source(str(source))
    assert asked.startswith(str(private)) and own.parent.name == "__pycache__"
    assert loader.get_data(asked) == own.read_bytes()
    loader.set_data(asked, b"not bytecode")
    assert own.read_bytes()[:4] == importlib.util.MAGIC_NUMBER and not private.exists()
    assert loader.get_data(str(source)) == source.read_bytes()  # any other file, as asked


def test_a_worker_collects_the_points_of_a_fresh_process_and_starts_the_zygotes_grading_needs(root):
    """What `release_topics(..., pool=...)` asks of each worker, against a collection in a new process."""
    from cvgrade.workflow import course

    topics = ["image_filtering", "features"]
    plans = dict((deny, preload) for preload, deny in workers.zygote_plans(root, [*topics, "vae"]))
    assert set(plans) == {("cv2",), ()}
    assert "cv2" not in plans[("cv2",)] and plans[("cv2",)][0] == "numpy" and "torch" in plans[()]
    worker = workers.Worker()
    try:
        assert course.topic_points(root, topics, worker) == course.topic_points(root, topics)
        assert worker.start_zygotes(workers.zygote_plans(root, topics)) == 0
    finally:
        worker.stop()
