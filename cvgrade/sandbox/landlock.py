"""Landlock, the kernel's unprivileged self-sandboxing, through its three system calls (ctypes, no dependency).

`restrict(rules)` confines the calling process, and every process it starts, to
the listed paths: each rule grants `READ` (read files, list folders), `LIST`
(list a folder only: its entries are reached through their own rules),
`WRITE` (read, create, write, rename, remove anything beneath; never execute)
or `DEVICE` (read, write and ioctl a device file). Nothing else can be opened,
and no file can be executed. Where the kernel's ABI allows it, the same call
also denies TCP bind and connect (ABI >= 4) and scopes signals and abstract
UNIX sockets to the process's own domain (ABI >= 6): it can no longer signal
or connect to any process outside it. A process can add layers, never remove
them; each layer narrows what the earlier ones allow.

Landlock applies to the calling thread and its future children only, so
`restrict` refuses to run in a process that already has other threads.
`abi()` is 0 where the kernel has no Landlock (before 5.13, or disabled at boot).
"""

from __future__ import annotations

import ctypes
import functools
import os
import stat
import struct

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same on x86-64 and AArch64
_CREATE_RULESET_VERSION = 1 << 0
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38
_O_PATH = getattr(os, "O_PATH", 0o10000000)

# filesystem rights (bit, first ABI that knows it)
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_REMOVE_DIR, _REMOVE_FILE, _MAKE_CHAR, _MAKE_DIR, _MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
_MAKE_SOCK, _MAKE_FIFO, _MAKE_BLOCK, _MAKE_SYM = 1 << 9, 1 << 10, 1 << 11, 1 << 12
_REFER, _TRUNCATE, _IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_ONLY = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | _IOCTL_DEV  # what a rule on a non-folder may grant
_NET_TCP = (1 << 0) | (1 << 1)                     # bind, connect (ABI 4)
_SCOPE_ALL = (1 << 0) | (1 << 1)                   # abstract UNIX sockets, signals (ABI 6)

READ = _READ_FILE | _READ_DIR
LIST = _READ_DIR
WRITE = _FS_BY_ABI[5] & ~_EXECUTE & ~_IOCTL_DEV & ~_MAKE_CHAR & ~_MAKE_BLOCK
DEVICE = _READ_FILE | _WRITE_FILE | _TRUNCATE | _IOCTL_DEV
ACCESS = {"read": READ, "list": LIST, "write": WRITE, "device": DEVICE}


def _libc():
    return ctypes.CDLL(None, use_errno=True)


@functools.cache
def abi() -> int:
    """The Landlock ABI version of this kernel; 0 where Landlock is unavailable."""
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    version = libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(0, int(version))


def _handled_fs(version: int) -> int:
    return _FS_BY_ABI[min(version, 5)]


def _ruleset_attr(version: int) -> bytes:
    """struct landlock_ruleset_attr, as long as this ABI knows it."""
    fields = [_handled_fs(version)]
    if version >= 4:
        fields.append(_NET_TCP)
    if version >= 6:
        fields.append(_SCOPE_ALL)
    return struct.pack(f"<{len(fields)}Q", *fields)


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


def restrict(rules: list[tuple[str, str]]) -> int:
    """Confine this process to `rules`, (path, "read" | "list" | "write" | "device") pairs; returns the ABI used.

    Missing paths are skipped. Raises OSError when the kernel refuses, and
    RuntimeError when Landlock is unavailable or the process has other threads.
    """
    version = abi()
    if version < 1:
        raise RuntimeError("Landlock is not available in this kernel")
    if _threads() != 1:
        raise RuntimeError(f"Landlock would confine only this thread, but the process has {_threads()} threads")
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    handled = _handled_fs(version)
    attr = _ruleset_attr(version)
    ruleset = libc.syscall(_CREATE_RULESET, attr, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        for path, kind in rules:
            try:
                fd = os.open(path, _O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                access = ACCESS[kind] & handled
                if not stat.S_ISDIR(os.fstat(fd).st_mode):
                    access &= _FILE_ONLY
                if not access:
                    continue
                beneath = struct.pack("<Qi", access, fd)  # struct landlock_path_beneath_attr, packed
                if libc.syscall(_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH), beneath,
                                ctypes.c_uint32(0)) != 0:
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
            finally:
                os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return version
