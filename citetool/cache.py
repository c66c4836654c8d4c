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
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .plain import SCHEMA_VERSION

FILE_NAME = "records.sqlite3"
# mtimes on Linux move in coarse ticks (a few ms); whole-second file systems need more
_RACY_NS = 100_000_000
_RACY_WHOLE_SECOND_NS = 2_000_000_000
# the tables' layout; a cache file of another layout is emptied and made anew
LAYOUT = 3
# An entry's `gen` is new each time it is written (a random 62-bit start for each open cache,
# then counted up, so no two runs share one): a piece is stored, and served,
# only with the gen of the entry it was rendered from, so a run that renders a piece from an
# entry that another run has refreshed meanwhile (after an edit) cannot attach it to the new
# one. Every text column has a CRC-32 beside it: a damaged row reads as absent and is rebuilt.
_TABLES = (
    "CREATE TABLE entry (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
    " stamp TEXT, gen INTEGER, data TEXT, data_sum INTEGER, search TEXT, search_sum INTEGER,"
    " search_len INTEGER, listing TEXT, listing_sum INTEGER)",
    "CREATE TABLE piece (path TEXT, style TEXT, gen INTEGER, value TEXT, value_sum INTEGER,"
    " PRIMARY KEY (path, style))",
)
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def checksum(text: str) -> int:
    """The CRC-32 of a stored text (cheap next to parsing it; catches truncation and damage)."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _sound(text: Any, total: Any) -> bool:
    """Whether a column read back is the text that was stored (NULL when not asked for)."""
    return text is None or (text.__class__ is str and checksum(text) == total)


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

    __slots__ = ("_data", "search", "_listing", "pieces", "gen")

    def __init__(self, data: dict[str, Any] | str | None, search: str | None,
                 listing: list[str] | str | None, pieces: dict[str, Any] | None = None,
                 gen: int | None = None) -> None:
        self._data = data  # the validated record as JSON data, without its text
        self.search = search  # casefolded text that `--query` searches
        self._listing = listing  # the row `list` prints
        self.pieces = pieces or {}  # style -> piece, as JSON text until asked for
        self.gen = gen  # the stored row's generation (None until stored)

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


def _connect(name: Path) -> Any:
    """A connection to the cache file, its tables of the current layout.

    WAL with synchronous=NORMAL: a crash of citetool loses nothing that was committed, a
    crash of the machine or a power cut at worst the last transactions, never the file's
    integrity (synchronous=OFF, as before, could leave it corrupt). NORMAL syncs only at
    checkpoints in WAL mode, so a cache write costs no fsync of its own.
    """
    import sqlite3

    db = sqlite3.connect(name, timeout=5, isolation_level=None)
    try:
        # 16 KB pages hold several records' rows (2-3 KB each: 4 KB pages held one, half
        # empty): a third less file to write. Set before the file's first page is written;
        # an existing cache keeps its own size.
        db.execute("PRAGMA page_size=16384")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if db.execute("PRAGMA user_version").fetchone()[0] != LAYOUT:
            with db:
                db.execute("BEGIN IMMEDIATE")  # one process lays the tables out
                if db.execute("PRAGMA user_version").fetchone()[0] != LAYOUT:
                    for (table,) in db.execute(
                            "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                        db.execute(f'DROP TABLE "{table}"')
                    for statement in _TABLES:
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version={LAYOUT}")
    except BaseException:
        db.close()
        raise
    return db


def _damaged(exc: BaseException) -> bool:
    """Whether an SQLite error says the file is damaged or no database (not merely busy)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def _remove(name: Path) -> None:
    """Delete a damaged cache file and its journals (a cache: deleting it is always safe)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{name}{suffix}")
        except OSError:
            pass


class Cache:
    """The open cache; every method fails soft (returns nothing, stores nothing), and a
    damaged file is deleted and made anew."""

    def __init__(self, connection: Any, name: Path | None = None) -> None:
        self._db = connection
        self._name = name
        self._entries: list[tuple[Any, ...]] = []
        self._pieces: list[tuple[Any, ...]] = []
        self._stamp = stamp()
        self._gen = int.from_bytes(os.urandom(8)) >> 2  # fits SQLite's integer with room

    @classmethod
    def open(cls, enabled: bool = True) -> Cache | None:
        """Open (and create) the cache, or None if disabled or impossible."""
        if not enabled:
            return None
        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            name = folder / FILE_NAME
            try:
                db = _connect(name)
            except Exception as exc:
                if not _damaged(exc):
                    raise
                _remove(name)
                db = _connect(name)
            return cls(db, name)
        except Exception:  # noqa: BLE001 - any failure only costs speed
            return None

    def _failed(self, exc: BaseException) -> None:
        """After an error: a damaged file is replaced by an empty one; anything else (a busy
        or read-only file) is left as it is."""
        if not _damaged(exc) or self._name is None:
            return
        try:
            self._db.close()
        except Exception:  # noqa: BLE001
            pass
        _remove(self._name)
        try:
            self._db = _connect(self._name)
        except Exception:  # noqa: BLE001 - no cache for the rest of this run
            self._name = None

    def get(self, path: Path, stat: Stat, style: str | None = None) -> Entry | None:
        """The entry for this file if every key matches, else None."""
        return next(self.get_many([(path, stat)], style=style, data=True))[1]

    def get_many(self, items: Iterable[tuple[Any, Stat]], style: str | None = None,
                 data: bool = False, search: bool = False, listing: bool = False,
                 needle: str | None = None) -> Iterator[tuple[Any, Entry | None]]:
        """Entries for many files, in the order given (None where stale, absent or damaged),
        holding only the columns asked for (and the style's piece, if kept). With a needle,
        SQLite does the --query search: `search` is then "" for entries that do not match,
        and the listing comes only with a match."""
        # the data comes along where the style's piece is missing, to render it from
        wanted = "e.data" if data else ("CASE WHEN p.value IS NULL THEN e.data END" if style
                                        else "NULL")
        params: tuple[str, ...] = ()
        hit = "instr(e.search, ?) > 0"
        if needle is not None:
            searched = f"CASE WHEN {hit} THEN e.search ELSE '' END"
            listed = f"CASE WHEN {hit} THEN e.listing END" if listing else "NULL"
            params = (needle, needle, needle) if listing else (needle, needle)
        else:
            searched = "e.search" if search else "NULL"
            listed = "e.listing" if listing else "NULL"
        columns = ", ".join(["e.path", "e.size", "e.mtime_ns", "e.stamp", wanted, searched,
                             listed, "p.value", "e.gen", "e.data_sum", "e.search_sum",
                             "e.listing_sum", "p.value_sum",
                             # a miss is checked too (by length, in SQLite: a checksum of every
                             # row would cost a Python call each), so truncation cannot hide a
                             # match; a match comes back whole and is checksummed
                             f"CASE WHEN {hit} THEN NULL ELSE length(e.search) = e.search_len"
                             " END" if needle is not None else "NULL"])
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
                    f"ON p.path = e.path AND p.style = ? AND p.gen = e.gen "
                    f"WHERE e.path IN ({marks})",
                    (*params, style or "", *keys))}
            except Exception as exc:  # noqa: BLE001
                self._failed(exc)
                rows = {}
        for key, (path, stat) in zip(keys, items, strict=True):
            row = rows.pop(key, None)
            if row is None or (row[0], row[1], row[2]) != (stat[0], stat[1], self._stamp):
                yield path, None
                continue
            data, search, listing, value = row[3], row[4], row[5], row[6]
            searched_ok = _sound(search, row[9]) if row[12] is None else row[12] == 1
            if not (searched_ok and _sound(data, row[8]) and _sound(listing, row[10])):
                yield path, None  # damaged: read and validated again, and stored anew
                continue
            pieces = {}
            if style and value is not None:
                if _sound(value, row[11]):
                    pieces[style] = Json(value)
                elif data is None:
                    yield path, None  # a damaged piece and no data to render it from
                    continue
            yield path, Entry(data, search, listing, pieces, row[7])

    def put(self, path: Path, stat: Stat, entry: Entry) -> None:
        """Queue an entry and its pieces (written by flush); racy files are not cached."""
        if not stat.settled():
            return
        key = _key(path)
        data, search, listing = entry.row()
        self._gen += 1
        entry.gen = self._gen
        self._entries.append((key, stat.size, stat.mtime_ns, self._stamp, entry.gen, data,
                              checksum(data), search, checksum(search), len(search), listing,
                              checksum(listing)))
        for style in entry.pieces:
            self.put_piece(path, style, entry.pieces[style], entry.gen)
        if len(self._entries) + len(self._pieces) >= 5000:
            self.flush()

    def put_piece(self, path: Path, style: str, piece: Any, gen: int | None) -> None:
        """Queue one style's piece, rendered from the entry of generation `gen` (it is kept
        only while that entry is)."""
        if gen is None:
            return
        value = piece if isinstance(piece, Json) else json.dumps(piece, ensure_ascii=False)
        self._pieces.append((_key(path), style, gen, value, checksum(value)))

    def flush(self) -> None:
        """Write queued entries in one transaction (a new entry drops its old pieces; a
        piece is written only while its entry is the one it was rendered from)."""
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
                    "INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    entries)
                self._db.executemany(
                    "INSERT OR REPLACE INTO piece SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS"
                    " (SELECT 1 FROM entry WHERE path = ?1 AND gen = ?3)", pieces)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)

    def close(self) -> None:
        """Write what is queued and close the file (SQLite folds its journal back in here)."""
        self.flush()
        try:
            self._db.close()
        except Exception:  # noqa: BLE001 - a cache that cannot close loses nothing
            pass
