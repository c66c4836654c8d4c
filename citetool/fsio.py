"""Atomic file writes: a temporary file in the same folder, fsync, then rename or link."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import CitetoolError

LOCK_NAME = ".citetool.lock"


def _exists(path: Path) -> CitetoolError:
    return CitetoolError(str(path), "already exists (use --force to overwrite)")


def check_writable(path: Path, force: bool = False) -> None:
    """Refuse early, before any work, to replace an existing file without `force`."""
    if not force and path.exists() and path.is_file():
        raise _exists(path)


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


def write_atomic(path: Path, data: str | Iterable[str], force: bool = False) -> None:
    """Write text to path so that readers see the old file or the new one, never a mix.

    An existing file is kept unless `force` is given.
    """
    path = Path(path)
    if path.exists() and not force:
        raise _exists(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CitetoolError(str(path), exc.strerror or "cannot be written") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if isinstance(data, str):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        _publish(tmp, path, force)
        _sync_folder(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise CitetoolError(str(path), exc.strerror or "cannot be written") from None
        raise


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


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the records folder's lock: concurrent imports write one after the other."""
    import fcntl

    try:
        fd = os.open(Path(folder) / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise CitetoolError(str(folder), exc.strerror or "cannot be locked") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
