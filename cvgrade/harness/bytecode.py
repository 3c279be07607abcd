"""Where a grading worker keeps compiled code: the course's in a private folder, each library's where it already is.

A worker compiles (and pytest assertion-rewrites) the course's graders,
references and conftest files once, into a folder of its own
(`sys.pycache_prefix`), never into the course folder. A prefix applies to every
module, though: alone, it would also hide every library's own `__pycache__`, and
each worker would compile torch, SciPy and the rest from source (importing
torch, torchvision, torchmetrics and scipy.stats took 27.5 s on one core
instead of 9.2 s). So the interpreter's library folders (stdlib and
site-packages, as `sysconfig` names them) get source loaders that read their
bytecode beside the source, as usual, and never write it there (the grading
environment's PYTHONDONTWRITEBYTECODE).
"""

from __future__ import annotations

import importlib.machinery as machinery
import importlib.util
import os
import sys
import sysconfig

_LIBRARY_PATHS = ("purelib", "platlib", "stdlib", "platstdlib")


def library_folders() -> tuple[str, ...]:
    """The interpreter's stdlib and site-packages folders, resolved, each ending in a separator."""
    return tuple({os.path.join(os.path.realpath(sysconfig.get_paths()[key]), "") for key in _LIBRARY_PATHS})


class LibraryLoader(machinery.SourceFileLoader):
    """A source loader that reads a module's bytecode from `__pycache__` beside it, whatever `sys.pycache_prefix`
    says, and leaves that cache as it is."""

    def _own_cache(self, path: str) -> str | None:
        """Where the bytecode the import system asks for at `path` really is; None when `path` is not bytecode."""
        if path != importlib.util.cache_from_source(self.path):
            return None
        return os.path.join(os.path.dirname(self.path), "__pycache__", os.path.basename(path))

    def get_data(self, path):
        return super().get_data(self._own_cache(path) or path)

    def set_data(self, path, data, *, _mode=0o666):
        if self._own_cache(path) is None:
            super().set_data(path, data, _mode=_mode)


def _library_finder_hook(folders: tuple[str, ...]):
    """A `sys.path_hooks` entry: a finder with `LibraryLoader` for folders inside `folders`; other entries decline."""
    details = [(machinery.ExtensionFileLoader, machinery.EXTENSION_SUFFIXES),
               (LibraryLoader, machinery.SOURCE_SUFFIXES),
               (machinery.SourcelessFileLoader, machinery.BYTECODE_SUFFIXES)]

    def hook(entry: str):
        folder = os.path.join(os.path.realpath(entry or "."), "")
        if not folder.startswith(folders) or not os.path.isdir(folder):
            raise ImportError("not a library folder")
        return machinery.FileFinder(entry, *details)

    return hook


def private_course_bytecode(folder: str) -> None:
    """Compile and cache everything but the libraries in `folder` (which only this process should read)."""
    sys.path_hooks.insert(0, _library_finder_hook(library_folders()))  # `sysconfig` imports its data first
    sys.pycache_prefix, sys.dont_write_bytecode = folder, False
    sys.path_importer_cache.clear()  # the finders made so far predate the hook
