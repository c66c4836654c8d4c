"""A cache of validated records and their rendered entries, so repeated runs skip YAML and pydantic.

One SQLite file in `$CITETOOL_CACHE_DIR`, else `$XDG_CACHE_HOME/citetool`, else
`~/.cache/citetool`. An entry is trusted only when the record file's path, size and mtime (in
nanoseconds), citetool's version and the schema version all equal what was stored. A file
modified too recently to be told apart from a later edit by its mtime ("racy", as git calls
it) is not cached until it settles. A cache that cannot be opened or written costs speed,
never an error: every failure here is swallowed and the caller reads the YAML as usual.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .plain import SCHEMA_VERSION

FILE_NAME = "records.sqlite3"
# mtimes on Linux move in coarse ticks (a few ms); whole-second file systems need more
_RACY_NS = 100_000_000
_RACY_WHOLE_SECOND_NS = 2_000_000_000


def stamp() -> str:
    """Tool version, schema version and the newest source file of citetool (so an edited
    renderer in a development checkout never reuses output of the old one)."""
    here = Path(__file__).parent
    newest = 0
    for folder in (here, here / "formats"):
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    newest = max(newest, entry.stat().st_mtime_ns)
    return f"{__version__}:{SCHEMA_VERSION}:{newest}"


def cache_dir() -> Path:
    """Where the cache lives: $CITETOOL_CACHE_DIR, else $XDG_CACHE_HOME/citetool."""
    explicit = os.environ.get("CITETOOL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "citetool"


@dataclass(frozen=True)
class Stat:
    """The parts of a file's status that key a cache entry."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> Stat:
        """The key of a file as it is now (raises OSError if it cannot be read)."""
        st = os.stat(path)
        return cls(st.st_size, st.st_mtime_ns)

    def settled(self, now_ns: int | None = None) -> bool:
        """Whether a later edit would surely change the mtime (see 'racy' above)."""
        now = time.time_ns() if now_ns is None else now_ns
        window = _RACY_WHOLE_SECOND_NS if self.mtime_ns % 1_000_000_000 == 0 else _RACY_NS
        return now - self.mtime_ns >= window


class Entry:
    """What the cache holds for one record file; JSON is parsed only when asked for."""

    __slots__ = ("_data", "search", "_renders")

    def __init__(self, data: dict[str, Any] | str, search: str,
                 renders: dict[str, Any] | str) -> None:
        self._data = data  # the validated record as JSON data, without its text
        self.search = search  # casefolded text that `--query` searches
        self._renders = renders  # per style: the record's piece (see formats.pieces)

    @property
    def data(self) -> dict[str, Any]:
        """The validated record as JSON data."""
        if isinstance(self._data, str):
            self._data = json.loads(self._data)
        return self._data

    @property
    def renders(self) -> dict[str, Any]:
        """The pieces kept for each style."""
        if isinstance(self._renders, str):
            self._renders = json.loads(self._renders)
        return self._renders

    def dumps(self) -> tuple[str, str]:
        """Data and renders as JSON text, for storing."""
        data = self._data if isinstance(self._data, str) else json.dumps(
            self._data, ensure_ascii=False)
        return data, json.dumps(self.renders, ensure_ascii=False)


class Cache:
    """The open cache; every method fails soft (returns nothing, stores nothing)."""

    def __init__(self, connection: Any) -> None:
        self._db = connection
        self._pending: list[tuple[Any, ...]] = []
        self._stamp = stamp()

    @classmethod
    def open(cls, enabled: bool = True) -> Cache | None:
        """Open (and create) the cache, or None if disabled or impossible."""
        if not enabled:
            return None
        try:
            import sqlite3

            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(folder / FILE_NAME, timeout=5, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entry (path TEXT PRIMARY KEY, size INTEGER, "
                "mtime_ns INTEGER, stamp TEXT, data TEXT, search TEXT, renders TEXT)"
            )
            return cls(db)
        except Exception:  # noqa: BLE001 - any failure only costs speed
            return None

    def get(self, path: Path, stat: Stat) -> Entry | None:
        """The entry for this file if every key matches, else None."""
        try:
            row = self._db.execute(
                "SELECT size, mtime_ns, stamp, data, search, renders FROM entry WHERE path = ?",
                (os.path.abspath(path),),
            ).fetchone()
        except Exception:  # noqa: BLE001
            return None
        if row is None or (row[0], row[1], row[2]) != (stat.size, stat.mtime_ns, self._stamp):
            return None
        return Entry(row[3], row[4], row[5])

    def get_many(self, items: Iterable[tuple[Path, Stat]]) -> Iterator[tuple[Path, Entry | None]]:
        """Entries for many files at once, in the order given (None where stale or absent)."""
        items = list(items)
        keys = [os.path.abspath(p) for p, _ in items]
        rows: dict[str, tuple[Any, ...]] = {}
        try:
            for folder in {os.path.dirname(k) for k in keys}:
                for row in self._db.execute(
                    "SELECT path, size, mtime_ns, stamp, data, search, renders FROM entry "
                    "WHERE path > ? AND path < ?",
                    (folder + os.sep, folder + chr(ord(os.sep) + 1)),
                ):
                    rows[row[0]] = row[1:]
        except Exception:  # noqa: BLE001
            rows = {}
        for key, (path, stat) in zip(keys, items, strict=True):
            row = rows.pop(key, None)
            if row is None or (row[0], row[1], row[2]) != (stat.size, stat.mtime_ns, self._stamp):
                yield path, None
            else:
                yield path, Entry(row[3], row[4], row[5])

    def put(self, path: Path, stat: Stat, entry: Entry) -> None:
        """Queue an entry (written by flush); racy files are not cached."""
        if not stat.settled():
            return
        data, renders = entry.dumps()
        self._pending.append((os.path.abspath(path), stat.size, stat.mtime_ns, self._stamp,
                              data, entry.search, renders))
        if len(self._pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        """Write queued entries in one transaction."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?, ?, ?, ?)", pending
                )
        except Exception:  # noqa: BLE001
            pass

    def close(self) -> None:
        """Flush and close."""
        self.flush()
        try:
            self._db.close()
        except Exception:  # noqa: BLE001
            pass
