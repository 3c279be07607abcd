"""A seccomp filter that the isolated child installs on itself before it imports student code.

It denies, for the calling process and everything it starts:

- new processes: `fork`, `vfork`, and `clone` without `CLONE_THREAD` fail with
  EPERM (threads still work); `clone3` fails with ENOSYS, so the C library falls
  back to `clone`, which the filter can inspect;
- network sockets: `socket()` for anything but `AF_UNIX` fails with EACCES;
- running another program: `execve` and `execveat` fail with EPERM;
- `open_by_handle_at` (opening a file by handle, past every path-based rule) fails with EPERM;
- x32 system calls (another way into the same kernel entry points) fail with EPERM.

This holds whoever runs the grader, root included, with or without bubblewrap;
`RLIMIT_NPROC` alone does not bind root. Only Linux on x86-64 and AArch64 is
supported; elsewhere `install` returns False and nothing is filtered.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_LD_ABS_W, _JEQ_K, _JSET_K, _JGE_K, _RET_K = 0x20, 0x15, 0x45, 0x35, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_CLONE_THREAD, _AF_UNIX, _X32_BIT = 0x00010000, 1, 0x40000000

# arch token, syscall numbers (None: no such call)
_ARCHES = {
    "x86_64": (0xC000003E, {"fork": 57, "vfork": 58, "execve": 59, "execveat": 322, "open_by_handle_at": 304,
                            "clone": 56, "clone3": 435, "socket": 41}),
    "aarch64": (0xC00000B7, {"fork": None, "vfork": None, "execve": 221, "execveat": 281, "open_by_handle_at": 265,
                             "clone": 220, "clone3": 435, "socket": 198}),
}


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k & 0xFFFFFFFF)


def program(machine: str | None = None) -> bytes | None:
    """The BPF program for this machine (or `machine`), or None where unsupported."""
    arch = _ARCHES.get(machine or platform.machine())
    if arch is None:
        return None
    token, nr = arch
    deny = lambda code: _insn(_RET_K, 0, 0, _ERRNO | code)  # noqa: E731
    body = [_insn(_LD_ABS_W, 0, 0, 4),                      # arch
            _insn(_JEQ_K, 1, 0, token),
            deny(errno.EPERM),                              # a foreign ABI
            _insn(_LD_ABS_W, 0, 0, 0)]                      # syscall number
    if token == 0xC000003E:
        body += [_insn(_JGE_K, 0, 1, _X32_BIT), deny(errno.EPERM)]
    for name in ("fork", "vfork", "execve", "execveat", "open_by_handle_at"):
        if nr[name] is not None:
            body += [_insn(_JEQ_K, 0, 1, nr[name]), deny(errno.EPERM)]
    body += [_insn(_JEQ_K, 0, 1, nr["clone3"]), deny(errno.ENOSYS),
             _insn(_JEQ_K, 0, 3, nr["clone"]),
             _insn(_LD_ABS_W, 0, 0, 16),                    # clone's flags (low word of args[0])
             _insn(_JSET_K, 5, 0, _CLONE_THREAD),           # a thread: allow
             deny(errno.EPERM),
             _insn(_JEQ_K, 0, 3, nr["socket"]),
             _insn(_LD_ABS_W, 0, 0, 16),                    # socket's domain
             _insn(_JEQ_K, 1, 0, _AF_UNIX),
             deny(errno.EACCES),
             _insn(_RET_K, 0, 0, _ALLOW)]
    return b"".join(body)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install() -> bool:
    """Install the filter on this process for good; False where the platform does not support it."""
    code = program()
    if code is None or platform.system() != "Linux":
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
    return True
