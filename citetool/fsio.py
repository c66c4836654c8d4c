"""Safe file writes: atomic replacement of regular files, writing into everything else.

A regular file (or a symlink to one, which stays a symlink) is written to a temporary file in
the same folder, synced, then renamed or linked into place, so readers see the old file or the
new one, never a mix. A device, FIFO, terminal or a name of an open descriptor (/dev/stdout)
is written into, as a shell's `>` would: replacing /dev/null with a regular file, as root,
would break the system.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import CitetoolError

# the lock lives in a folder of its own whose .gitignore ignores everything, itself included:
# `git status` of a records folder stays clean, and every user of the folder shares the lock
LOCK_FOLDER = ".citetool"
LOCK_NAME = "lock"
_IGNORE_ALL = "# written by citetool: its lock file, never part of the records\n*\n"
# temporary files: ".<name>.citetool-<pid>-<random>.tmp", so a later run can tell which
# writer left one and remove it once that writer is gone
_TMP_MARK = ".citetool-"
_TMP = re.compile(r"^\..+\.citetool-(\d+)-[0-9a-f]+\.tmp$")
_STALE_DEAD_S = 60  # a dead writer's file, untouched this long: surely not another host's
_STALE_ANY_S = 24 * 3600  # any writer's: no write takes a day (and pids get reused)
_DESCRIPTOR = re.compile(
    r"^/(?:proc/(?:self|thread-self|\d+)/fd|dev/fd)/\d+$|^/dev/std(?:out|err)$")
_swept: set[str] = set()


def _exists(path: Path) -> CitetoolError:
    return CitetoolError(str(path), "already exists (use --force to overwrite)")


def _error(path: Path, exc: OSError) -> CitetoolError:
    return CitetoolError(str(path), exc.strerror or "cannot be written")


def _publish(tmp: str, path: Path, force: bool) -> None:
    """Put the finished temporary file in place: replace, or create only if absent."""
    if force:
        os.replace(tmp, path)
        return
    try:
        # link() fails if the target exists, so no check-then-write race can overwrite it
        os.link(tmp, path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if path.exists():  # a file system without hard links: check, then rename
            raise _exists(path) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def names_descriptor(path: str | os.PathLike[str]) -> bool:
    """Whether the path, or a link on the way to its file, names an open descriptor
    (/dev/stdout, /dev/fd/3, /proc/self/fd/1): the caller's stream, whatever it is."""
    name = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        if _DESCRIPTOR.match(name):
            return True
        try:
            target = os.readlink(name)
        except OSError:
            return False
        name = os.path.normpath(os.path.join(os.path.dirname(name), target))
    return False


def is_stream(path: str | os.PathLike[str]) -> bool:
    """Whether writing to the path means writing into it (a device, FIFO, socket, terminal
    or an open descriptor), not replacing a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # absent (or a dangling link): a new regular file
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode) or names_descriptor(path)


def check_writable(path: Path, force: bool = False) -> None:
    """Refuse early, before any work, to replace an existing file without `force` (a
    device, FIFO, terminal or descriptor is written into, so it is never refused)."""
    if not force and Path(path).is_file() and not names_descriptor(path):
        raise _exists(path)


def write_atomic(path: Path, data: str | Iterable[str], force: bool = False) -> None:
    """Write text to path so that readers see the old file or the new one, never a mix.

    An existing regular file is kept unless `force` is given, and then keeps its mode; a
    symlink is followed (its file is replaced, the link stays); devices, FIFOs, terminals
    and /dev/stdout are written into.
    """
    path = Path(path)
    if is_stream(path):
        _write_into(path, data)
        return
    # the file a symlink names is the one replaced; the link stays as it is
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        old = os.stat(real)
    except OSError:
        old = None
    if old is not None and not force:
        raise _exists(path)
    if old is not None and stat.S_ISDIR(old.st_mode):
        raise CitetoolError(str(path), "is a folder, not a file")
    folder = real.parent if str(real.parent) else Path(".")
    _sweep(folder)
    try:
        fd, tmp = _mkstemp(folder, real.name)
    except OSError as exc:
        raise _error(path, exc) from None
    try:
        _set_mode(fd, old)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if isinstance(data, str):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        _publish(tmp, real, force)
        _sync_folder(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _error(path, exc) from None
        raise


def _write_into(path: Path, data: str | Iterable[str]) -> None:
    """Write into a device, FIFO, terminal or descriptor, as a shell's `>` does (a FIFO
    waits for its reader); a descriptor's regular file is appended to, never truncated
    (the shell has already truncated it for `>`, and must not for `>>`)."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | (os.O_APPEND if names_descriptor(path) else 0))
    except OSError as exc:
        raise _error(path, exc) from None
    try:
        with open(fd, "w", encoding="utf-8", newline="\n", closefd=True) as handle:
            if isinstance(data, str):
                handle.write(data)
            else:
                handle.writelines(data)
    except OSError as exc:
        raise _error(path, exc) from None


def _mkstemp(folder: Path, name: str) -> tuple[int, str]:
    """A new temporary file beside the target, named so a later run can tell it is stale."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}{_TMP_MARK}{os.getpid()}-{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No usable temporary file name")


def _umask() -> int:
    """The process's umask, read without changing it where Linux allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _set_mode(fd: int, old: os.stat_result | None) -> None:
    """A new file gets the mode the umask allows (as a shell's `>` gives it); a replaced
    one keeps its mode, and its owner and group where allowed (as root)."""
    if old is None:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    if hasattr(os, "fchown"):
        with contextlib.suppress(OSError):
            os.fchown(fd, old.st_uid, old.st_gid)
    os.fchmod(fd, stat.S_IMODE(old.st_mode))


def _sweep(folder: Path) -> None:
    """Remove temporary files that killed writers left in the folder (once per process and
    folder: a records folder may hold a hundred thousand files)."""
    key = os.path.abspath(folder)
    if key in _swept:
        return
    _swept.add(key)
    now = time.time()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                match = _TMP.match(entry.name) if _TMP_MARK in entry.name else None
                if match is None:
                    continue
                with contextlib.suppress(OSError):
                    age = now - entry.stat(follow_symlinks=False).st_mtime
                    dead = not _alive(int(match.group(1)))
                    if age > _STALE_ANY_S or (dead and age > _STALE_DEAD_S):
                        os.unlink(entry.path)
    except OSError:
        pass


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX needs the folder synced too)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def lock_path(folder: Path) -> Path:
    """The records folder's lock file, in a subfolder git ignores (created if missing)."""
    where = Path(folder) / LOCK_FOLDER
    ignore = where / ".gitignore"
    if not ignore.exists():
        where.mkdir(exist_ok=True)
        with contextlib.suppress(CitetoolError):
            write_atomic(ignore, _IGNORE_ALL)
    return where / LOCK_NAME


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the records folder's lock: concurrent imports write one after the other."""
    import fcntl

    try:
        fd = os.open(lock_path(folder), os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise CitetoolError(str(folder), exc.strerror or "cannot be locked") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
