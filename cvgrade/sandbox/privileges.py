"""Leaving root behind in an isolated process: another user, no capabilities, no readable memory.

When the grader runs as the machine's root outside bubblewrap, every isolated
child becomes `CVGRADE_CHILD_USER` (default `nobody`): `drop` bounds the
capability set, clears the supplementary groups, sets every uid and gid, and
leaves no capability in any set, so the child can no longer raise its hard
resource limits, write root's files or signal root's processes. Where that
user cannot reach a folder the child must read (the Python installation under
a private /root, say), the child keeps exactly one capability,
CAP_DAC_READ_SEARCH (read and search past file permissions), and its Landlock
rules still decide what it may read; the seccomp filter denies
`open_by_handle_at`, the one call that capability would open beyond paths.
`not_dumpable` stops any other process of the same user from reading or
writing its memory (/proc/<pid>/mem) or tracing it.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

CHILD_USER_ENV = "CVGRADE_CHILD_USER"
DEFAULT_CHILD_USER = "nobody"
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_KILL, CAP_SETGID, CAP_SETUID, CAP_SETPCAP = 1, 2, 3, 5, 6, 7, 8
_PR_SET_DUMPABLE, _PR_SET_KEEPCAPS, _PR_CAPBSET_READ, _PR_CAPBSET_DROP = 4, 8, 23, 24
_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_CAPABILITY_VERSION_3 = 0x20080522


@dataclass(frozen=True)
class Identity:
    """Who an isolated child becomes: `user` (uid, gid), keeping CAP_DAC_READ_SEARCH only if `read_search`."""

    user: str
    uid: int
    gid: int
    read_search: bool = False


def machine_root() -> bool:
    """True for uid 0 of the initial user namespace (which can become any user), False inside bubblewrap too."""
    if os.geteuid() != 0:
        return False
    try:
        return Path("/proc/self/uid_map").read_text().split()[:3] == ["0", "0", "4294967295"]
    except OSError:
        return False


def child_identity(read_paths: list[str]) -> Identity:
    """The identity of `CVGRADE_CHILD_USER`; `read_search` if it cannot reach one of `read_paths`."""
    name = os.environ.get(CHILD_USER_ENV) or DEFAULT_CHILD_USER
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise ValueError(f"{CHILD_USER_ENV}={name!r}: there is no such user on this machine") from None
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        raise ValueError(f"{CHILD_USER_ENV}={name!r}: isolated children must run as an unprivileged user, not uid/gid 0")
    blocked = unreachable(entry.pw_uid, entry.pw_gid, read_paths)
    return Identity(name, entry.pw_uid, entry.pw_gid, read_search=bool(blocked))


def unreachable(uid: int, gid: int, paths: list[str]) -> list[str]:
    """The existing `paths` that user `uid`:`gid` (no other groups) cannot read by file permissions."""

    def allowed(info: os.stat_result, bit_for_owner: int) -> bool:
        if info.st_uid == uid:
            return bool(info.st_mode & bit_for_owner)
        if info.st_gid == gid:
            return bool(info.st_mode & (bit_for_owner >> 3))
        return bool(info.st_mode & (bit_for_owner >> 6))

    blocked = []
    for path in paths:
        target = Path(path)
        try:
            info = target.stat()
        except OSError:
            continue
        folders = [p for p in reversed(target.resolve().parents)] + ([target.resolve()] if stat.S_ISDIR(info.st_mode) else [])
        if not all(allowed(f.stat(), stat.S_IXUSR) for f in folders) or not allowed(info, stat.S_IRUSR):
            blocked.append(path)
    return blocked


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _prctl(option: int, arg: int, what: str) -> None:
    if _libc().prctl(option, arg, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({what}) failed")


def _bound_to(keep: set[int]) -> None:
    """Drop every capability the kernel knows but `keep` from the bounding set (needs CAP_SETPCAP)."""
    libc, cap = _libc(), 0
    while libc.prctl(_PR_CAPBSET_READ, cap, 0, 0, 0) >= 0:  # fails (EINVAL) past the last capability
        if cap not in keep:
            _prctl(_PR_CAPBSET_DROP, cap, f"PR_CAPBSET_DROP {cap}")
        cap += 1


def _set_capabilities(keep: set[int]) -> None:
    """Effective and permitted sets exactly `keep`, inheritable and ambient sets empty."""
    mask = sum(1 << cap for cap in keep)
    header = ctypes.create_string_buffer(struct.pack("<Ii", _CAPABILITY_VERSION_3, 0))
    data = ctypes.create_string_buffer(struct.pack("<6I", mask & 0xFFFFFFFF, mask & 0xFFFFFFFF, 0,
                                                   mask >> 32, mask >> 32, 0))
    if _libc().capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    _prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, "PR_CAP_AMBIENT_CLEAR_ALL")


def keep_only(capabilities: set[int]) -> None:
    """Stay this user but keep only `capabilities`, in every set and in the bounding set."""
    _bound_to(capabilities)
    _set_capabilities(capabilities)


def drop(identity: Identity) -> None:
    """Become `identity` for good: its uid and gid, no other group, no capability but CAP_DAC_READ_SEARCH if kept."""
    keep = {CAP_DAC_READ_SEARCH} if identity.read_search else set()
    _bound_to(keep)
    if keep:
        _prctl(_PR_SET_KEEPCAPS, 1, "PR_SET_KEEPCAPS")
    os.setgroups([])
    os.setresgid(identity.gid, identity.gid, identity.gid)
    os.setresuid(identity.uid, identity.uid, identity.uid)
    _set_capabilities(keep)
    if keep:
        _prctl(_PR_SET_KEEPCAPS, 0, "PR_SET_KEEPCAPS")


def not_dumpable() -> None:
    """No other process of this user may read or write this one's memory, or trace it."""
    _prctl(_PR_SET_DUMPABLE, 0, "PR_SET_DUMPABLE")

