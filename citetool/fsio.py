"""Atomic file writes: a temporary file in the same folder, fsync, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import CitetoolError


def write_atomic(path: Path, data: str, force: bool = False) -> None:
    """Write text to path so that readers see the old file or the new one, never a mix.

    An existing file is kept unless `force` is given.
    """
    path = Path(path)
    if path.exists() and not force:
        raise CitetoolError(str(path), "already exists (use --force to overwrite)")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CitetoolError(str(path), exc.strerror or "cannot be written") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not force and path.exists():
            raise CitetoolError(str(path), "already exists (use --force to overwrite)")
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise CitetoolError(str(path), exc.strerror or "cannot be written") from None
        raise
