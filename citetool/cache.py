"""A cache of validated records and their rendered pieces, so repeated runs skip YAML and pydantic.

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
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .plain import SCHEMA_VERSION

FILE_NAME = "records.sqlite3"
# mtimes on Linux move in coarse ticks (a few ms); whole-second file systems need more
_RACY_NS = 100_000_000
_RACY_WHOLE_SECOND_NS = 2_000_000_000
_TABLES = (
    "CREATE TABLE IF NOT EXISTS entry (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
    " stamp TEXT, data TEXT, search TEXT, listing TEXT)",
    "CREATE TABLE IF NOT EXISTS piece (path TEXT, style TEXT, value TEXT,"
    " PRIMARY KEY (path, style))",
)


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


def _key(path: str | os.PathLike[str]) -> str:
    """The absolute path that keys an entry (callers with many paths pass them absolute)."""
    return path if isinstance(path, str) and path.startswith(os.sep) else os.path.abspath(path)


def cache_dir() -> Path:
    """Where the cache lives: $CITETOOL_CACHE_DIR, else $XDG_CACHE_HOME/citetool."""
    explicit = os.environ.get("CITETOOL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "citetool"


class Stat(NamedTuple):
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


class Json(str):
    """Text that is already JSON (as stored), told apart from a piece that is a string."""

    __slots__ = ()


class Entry:
    """What the cache holds for one record file; JSON is parsed only when asked for."""

    __slots__ = ("_data", "search", "_listing", "pieces")

    def __init__(self, data: dict[str, Any] | str | None, search: str | None,
                 listing: list[str] | str | None, pieces: dict[str, Any] | None = None) -> None:
        self._data = data  # the validated record as JSON data, without its text
        self.search = search  # casefolded text that `--query` searches
        self._listing = listing  # the row `list` prints
        self.pieces = pieces or {}  # style -> piece, as JSON text until asked for

    @property
    def data(self) -> dict[str, Any]:
        """The validated record as JSON data."""
        if isinstance(self._data, str):
            self._data = json.loads(self._data)
        return self._data  # type: ignore[return-value]

    @property
    def listing(self) -> list[str]:
        """The row `list` prints."""
        if isinstance(self._listing, str):
            self._listing = json.loads(self._listing)
        return self._listing  # type: ignore[return-value]

    def piece(self, style: str) -> Any:
        """One style's piece (see citetool.formats.pieces), or None if not kept."""
        value = self.pieces.get(style)
        if isinstance(value, Json):
            value = self.pieces[style] = json.loads(value)
        return value

    def row(self) -> tuple[str, str, str]:
        """Data, search text and listing as stored."""
        data = self._data if isinstance(self._data, str) else json.dumps(
            self._data, ensure_ascii=False)
        listing = self._listing if isinstance(self._listing, str) else json.dumps(
            self._listing, ensure_ascii=False)
        return data, self.search or "", listing


class Cache:
    """The open cache; every method fails soft (returns nothing, stores nothing)."""

    def __init__(self, connection: Any) -> None:
        self._db = connection
        self._entries: list[tuple[Any, ...]] = []
        self._pieces: list[tuple[str, str, str]] = []
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
            # a cache: losing the last writes to a power cut costs speed, nothing else
            db.execute("PRAGMA synchronous=OFF")
            for statement in _TABLES:
                db.execute(statement)
            return cls(db)
        except Exception:  # noqa: BLE001 - any failure only costs speed
            return None

    def get(self, path: Path, stat: Stat, style: str | None = None) -> Entry | None:
        """The entry for this file if every key matches, else None."""
        return next(self.get_many([(path, stat)], style=style, data=True))[1]

    def get_many(self, items: Iterable[tuple[Any, Stat]], style: str | None = None,
                 data: bool = False, search: bool = False, listing: bool = False,
                 needle: str | None = None) -> Iterator[tuple[Any, Entry | None]]:
        """Entries for many files, in the order given (None where stale or absent), holding
        only the columns asked for (and the style's piece, if kept). With a needle, SQLite
        does the --query search: `search` is then "" for entries that do not match, and the
        listing comes only with a match."""
        # the data comes along where the style's piece is missing, to render it from
        wanted = "e.data" if data else ("CASE WHEN p.value IS NULL THEN e.data END" if style
                                        else "NULL")
        params: tuple[str, ...] = ()
        if needle is not None:
            hit = "instr(e.search, ?) > 0"
            searched = f"CASE WHEN {hit} THEN e.search ELSE '' END"
            listed = f"CASE WHEN {hit} THEN e.listing END" if listing else "NULL"
            params = (needle, needle) if listing else (needle,)
        else:
            searched = "e.search" if search else "NULL"
            listed = "e.listing" if listing else "NULL"
        columns = ", ".join(["e.path", "e.size", "e.mtime_ns", "e.stamp", wanted, searched,
                             listed, "p.value"])
        batch: list[tuple[Path, Stat]] = []
        for item in items:
            batch.append(item)
            if len(batch) == 500:  # bounded memory however many records there are
                yield from self._lookup(batch, columns, params, style)
                batch = []
        yield from self._lookup(batch, columns, params, style)

    def _lookup(self, items: list[tuple[Any, Stat]], columns: str, params: tuple[str, ...],
                style: str | None) -> Iterator[tuple[Any, Entry | None]]:
        keys = [_key(p) for p, _ in items]
        rows: dict[str, tuple[Any, ...]] = {}
        if keys:
            marks = ", ".join("?" * len(keys))
            try:
                rows = {row[0]: row[1:] for row in self._db.execute(
                    f"SELECT {columns} FROM entry e LEFT JOIN piece p "  # noqa: S608
                    f"ON p.path = e.path AND p.style = ? WHERE e.path IN ({marks})",
                    (*params, style or "", *keys))}
            except Exception:  # noqa: BLE001
                rows = {}
        for key, (path, stat) in zip(keys, items, strict=True):
            row = rows.pop(key, None)
            if row is None or (row[0], row[1], row[2]) != (stat[0], stat[1], self._stamp):
                yield path, None
            else:
                pieces = {style: Json(row[6])} if style and row[6] is not None else {}
                yield path, Entry(row[3], row[4], row[5], pieces)

    def put(self, path: Path, stat: Stat, entry: Entry) -> None:
        """Queue an entry and its pieces (written by flush); racy files are not cached."""
        if not stat.settled():
            return
        key = _key(path)
        self._entries.append((key, stat.size, stat.mtime_ns, self._stamp, *entry.row()))
        for style in entry.pieces:
            self.put_piece(path, style, entry.pieces[style])
        if len(self._entries) + len(self._pieces) >= 5000:
            self.flush()

    def put_piece(self, path: Path, style: str, piece: Any) -> None:
        """Queue one style's piece for a file whose entry is (or is being) cached."""
        value = piece if isinstance(piece, Json) else json.dumps(piece, ensure_ascii=False)
        self._pieces.append((_key(path), style, value))

    def flush(self) -> None:
        """Write queued entries in one transaction (a new entry drops its old pieces)."""
        if not self._entries and not self._pieces:
            return
        entries, self._entries = self._entries, []
        pieces, self._pieces = self._pieces, []
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany("DELETE FROM piece WHERE path = ?",
                                     [(e[0],) for e in entries])
                self._db.executemany(
                    "INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?, ?, ?, ?)", entries)
                self._db.executemany("INSERT OR REPLACE INTO piece VALUES (?, ?, ?)", pieces)
        except Exception:  # noqa: BLE001
            pass
