"""Many records at once: from the cache where it is fresh, else read, validated (on every core
for big batches) and cached for next time. Data flows one way: files -> entries -> callers.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache as cachemod
from .errors import CitetoolError

if TYPE_CHECKING:
    from .formats import Style
    from .model import Record

PARALLEL_MIN = 400  # below this, starting workers costs more than it saves
CHUNK = 100
WINDOW = 2000  # cached entries read at a time


@dataclass
class Loaded:
    """One record file's outcome: its cache entry, or the error that stopped it."""

    path: str  # absolute
    entry: cachemod.Entry | None = None
    error: CitetoolError | None = None

    @property
    def id(self) -> str:
        """The record id (the file name without .yaml)."""
        return os.path.basename(self.path)[:-5]

    def record(self) -> Any:
        """The record as a plain object (validated before), for filters and renderers."""
        from .plain import record

        return record(self.entry.data)  # type: ignore[union-attr]


def search_text(record: Any) -> str:
    """What `--query` searches: title, summary, call number and names, casefolded."""
    return " ".join(
        [record.title, record.summary or "", record.source.call_number or ""]
        + [a.reading() for a in record.names]
    ).casefold()


def listing(record: Any) -> list[str]:
    """The row `list` prints: id, ISO date, shown date, short title, authors, type."""
    date = record.date
    return [record.id, date.iso() if date else "", date.plain_text() if date else "undated",
            record.short_title, "; ".join(a.reading() for a in record.authors), record.type]


def _json(value: Any) -> cachemod.Json:
    return cachemod.Json(json.dumps(value, ensure_ascii=False))


def make_entry(record: Record, styles: Sequence[Style] = ()) -> cachemod.Entry:
    """A cache entry for a validated record, with pieces for the given styles (as JSON text,
    cheap to pass between processes and to store)."""
    # no style prints the text; the cache stays small without it
    data = cachemod.Json(record.model_dump_json(exclude={"text"}))
    return cachemod.Entry(data, search_text(record), _json(listing(record)),
                          {s.name: _json(s.piece(record)) for s in styles})


def _validate_files(paths: Sequence[str], style_names: Sequence[str]) -> list[tuple[Any, ...]]:
    """Read and validate files (in a worker or here): (path, stat, entry | None, error)."""
    from . import store
    from .formats import STYLES

    styles = [STYLES[n] for n in style_names]
    out: list[tuple[Any, ...]] = []
    for name in paths:
        path = Path(name)
        try:
            stat = cachemod.Stat.of(path)
            record = store.load_path(path)
            entry = make_entry(record, styles)
            # plain strings and ints cross between processes fastest
            out.append((name, (stat.size, stat.mtime_ns), (
                str(entry.row()[0]), entry.search, str(entry.row()[2]),
                [(k, str(v)) for k, v in entry.pieces.items()]), None))
        except CitetoolError as exc:
            out.append((name, None, None, (exc.path, exc.reason, exc.field)))
        except OSError as exc:
            out.append((name, None, None, (name, exc.strerror or "cannot be read", None)))
    return out


def _validate_all(paths: list[str], style_names: Sequence[str],
                  workers: int) -> Iterator[list[tuple[Any, ...]]]:
    if workers <= 1 or len(paths) < PARALLEL_MIN:
        for start in range(0, len(paths), CHUNK):
            yield _validate_files(paths[start:start + CHUNK], style_names)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from . import model, yamlio  # noqa: F401
    from .formats import STYLES

    # imported once here, before the fork, rather than once in each worker: pydantic and the
    # model take 0.1 s to import, which every worker would pay again
    for name in style_names:
        STYLES[name]  # noqa: B018 - imports the style's module
    # smaller chunks at the end, so no worker idles while the other finishes a big one
    size = max(16, min(CHUNK, len(paths) // (workers * 8)))
    chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(_validate_files, chunks, [style_names] * len(chunks))


def one(path: Path, cache: cachemod.Cache | None) -> Any:
    """One record for rendering: plain from a fresh cache entry, else read and validated."""
    from . import store

    try:
        stat = cachemod.Stat.of(path)
    except OSError:
        stat = None
    if cache is not None and stat is not None:
        entry = cache.get(path, stat)
        if entry is not None:
            return Loaded(path, entry).record()
    record = store.load_path(path)
    if cache is not None and stat is not None:
        cache.put(path, stat, make_entry(record))
        cache.flush()
    return record


def load(paths: Sequence[str | Path], style: Style | None = None,
         cache: cachemod.Cache | None = None, workers: int | None = None,
         progress: Callable[[int], Any] | None = None, data: bool = False,
         search: bool = False, listing: bool = False, needle: str | None = None
         ) -> Iterator[Loaded]:
    """Every file's entry, in the order given, with what is asked for: the style's piece,
    the record data, the search text, the listing row. With a needle (--query, casefolded),
    entries that do not contain it come with an empty search text and no listing."""
    gc_was = gc.isenabled()
    gc.disable()  # batch work makes many small objects and no cycles
    files = [p if isinstance(p, str) and p.startswith(os.sep) else os.path.abspath(p)
             for p in paths]
    try:
        yield from _load(files, style, cache, workers or os.cpu_count() or 1,
                         progress or (lambda n: None), (data, search, listing), needle)
    finally:
        if gc_was:
            gc.enable()


def _load(paths: list[str], style: Style | None, cache: cachemod.Cache | None,
          workers: int, progress: Callable[[int], Any],
          wants: tuple[bool, bool, bool], needle: str | None) -> Iterator[Loaded]:
    stats: list[cachemod.Stat | None] = []
    stat = os.stat
    for path in paths:
        try:
            st = stat(path)
            stats.append(cachemod.Stat(st.st_size, st.st_mtime_ns))
        except OSError:
            stats.append(None)
    # cached entries first, window by window (memory stays bounded), then the rest read and
    # validated on every core: callers that need an order sort by id
    missing: list[str] = [p for p, s in zip(paths, stats, strict=True) if s is None]
    data, search, listing_ = wants
    known = [(p, s) for p, s in zip(paths, stats, strict=True) if s is not None]
    if cache is None:
        missing = list(paths)
        known = []
    for start in range(0, len(known), WINDOW):
        window = known[start:start + WINDOW]
        hits = 0
        for path, entry in cache.get_many(window, style.name if style else None,  # type: ignore[union-attr]
                                          data=data, search=search, listing=listing_,
                                          needle=needle):
            if entry is None:
                missing.append(path)
                continue
            hits += 1
            if style is not None and style.name not in entry.pieces:
                piece = style.piece(Loaded(path, entry).record())
                entry.pieces[style.name] = piece
                cache.put_piece(path, style.name, piece, entry.gen)  # type: ignore[union-attr]
            yield Loaded(path, entry)
        progress(hits)
    # a style outside the registry (a CSL style) renders here, not in the workers: its
    # engine is a V8 instance, which neither crosses processes nor survives a fork
    builtin = style is not None and _registered(style)
    names = [style.name] if style and builtin else []
    for chunk in _validate_all(missing, names, workers):
        for result in chunk:
            loaded = _from_row(result[0], result, cache)
            if style is not None and not builtin and loaded.entry is not None:
                piece = style.piece(loaded.record())
                loaded.entry.pieces[style.name] = piece
                if cache is not None:  # kept while the entry just cached (its gen) is
                    cache.put_piece(Path(loaded.path), style.name, piece, loaded.entry.gen)
            yield loaded
        progress(len(chunk))
    if cache is not None:
        cache.flush()


def _registered(style: Style) -> bool:
    from .formats import STYLES

    return STYLES.get(style.name) is style


def _from_row(path: str, result: tuple[Any, ...], cache: cachemod.Cache | None) -> Loaded:
    """A worker's result as a Loaded, cached if valid."""
    _, stat, row, error = result
    if error is not None:
        return Loaded(path, error=CitetoolError(error[0], error[1], error[2]))
    data, search, listing_, pieces = row
    entry = cachemod.Entry(cachemod.Json(data), search, cachemod.Json(listing_),
                           {k: cachemod.Json(v) for k, v in pieces})
    if cache is not None:
        cache.put(path, cachemod.Stat(*stat), entry)
    return Loaded(path, entry)
