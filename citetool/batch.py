"""Many records at once: from the cache where it is fresh, else read, validated (on every core
for big batches) and cached for next time. Data flows one way: files -> entries -> callers.
"""

from __future__ import annotations

import gc
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
CHUNK = 250
LIST_KEY = "@list"


@dataclass
class Loaded:
    """One record file's outcome: its cache entry, or the error that stopped it."""

    path: Path
    entry: cachemod.Entry | None = None
    error: CitetoolError | None = None

    @property
    def id(self) -> str:
        """The record id (the file name without .yaml)."""
        return self.path.name[:-5]

    def record(self) -> Any:
        """The record as a plain object (validated before), for filters and renderers."""
        from .plain import record

        return record(self.entry.data)  # type: ignore[union-attr]


def search_text(record: Any) -> str:
    """What `--query` searches: title, summary, call number and names, casefolded."""
    from .formats.archive import plain_name

    return " ".join(
        [record.title, record.summary or "", record.source.call_number or ""]
        + [plain_name(a) for a in record.names]
    ).casefold()


def listing(record: Any) -> list[str]:
    """The row `list` prints: id, ISO date, shown date, short title, authors, type."""
    from .formats.archive import archive_date, plain_name

    return [record.id, record.date.iso() if record.date else "",
            archive_date(record.date) or "undated", record.short_title,
            "; ".join(plain_name(a) for a in record.authors), record.type]


def make_entry(record: Record, styles: Sequence[Style] = ()) -> cachemod.Entry:
    """A cache entry for a validated record, with pieces for the given styles."""
    data = record.model_dump(mode="json")
    data.pop("text", None)  # no style prints the text; the cache stays small
    renders: dict[str, Any] = {LIST_KEY: listing(record)}
    for style in styles:
        renders[style.name] = style.piece(record)
    return cachemod.Entry(data, search_text(record), renders)


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
            out.append((name, stat, make_entry(record, styles), None))
        except CitetoolError as exc:
            out.append((name, None, None, (exc.path, exc.reason, exc.field)))
        except OSError as exc:
            out.append((name, None, None, (name, exc.strerror or "cannot be read", None)))
    return out


def _validate_all(paths: list[str], style_names: Sequence[str],
                  workers: int) -> Iterator[tuple[Any, ...]]:
    if workers <= 1 or len(paths) < PARALLEL_MIN:
        yield from _validate_files(paths, style_names)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [paths[i:i + CHUNK] for i in range(0, len(paths), CHUNK)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for result in pool.map(_validate_files, chunks, [style_names] * len(chunks)):
            yield from result


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


def load(paths: Sequence[Path], styles: Sequence[Style] = (), cache: cachemod.Cache | None = None,
         workers: int | None = None, progress: Callable[[int], Any] | None = None
         ) -> Iterator[Loaded]:
    """Every file's entry (with pieces for the styles), in the order given."""
    gc_was = gc.isenabled()
    gc.disable()  # batch work makes many small objects and no cycles
    try:
        yield from _load(paths, styles, cache, workers or os.cpu_count() or 1,
                         progress or (lambda n: None))
    finally:
        if gc_was:
            gc.enable()


def _load(paths: Sequence[Path], styles: Sequence[Style], cache: cachemod.Cache | None,
          workers: int, progress: Callable[[int], Any]) -> Iterator[Loaded]:
    stats: list[cachemod.Stat | None] = []
    for path in paths:
        try:
            stats.append(cachemod.Stat.of(path))
        except OSError:
            stats.append(None)
    found: dict[Path, cachemod.Entry] = {}
    if cache is not None:
        known = [(p, s) for p, s in zip(paths, stats, strict=True) if s is not None]
        for path, entry in cache.get_many(known):
            if entry is not None:
                found[path] = entry
    progress(len(found))
    missing = [str(p) for p in paths if p not in found]
    fresh: dict[str, tuple[Any, ...]] = {}
    if missing:
        for name, stat, entry, error in _validate_all(missing, [s.name for s in styles],
                                                      workers):
            fresh[name] = (stat, entry, error)
            progress(1)
            if entry is not None and cache is not None:
                cache.put(Path(name), stat, entry)
    for path, stat in zip(paths, stats, strict=True):
        entry = found.get(path)
        if entry is not None:
            todo = [s for s in styles if s.name not in entry.renders]
            if todo:
                record = Loaded(path, entry).record()
                for style in todo:
                    entry.renders[style.name] = style.piece(record)
                if cache is not None and stat is not None:
                    cache.put(path, stat, entry)
            yield Loaded(path, entry)
            continue
        stat_, entry, error = fresh[str(path)]
        if error is not None:
            yield Loaded(path, error=CitetoolError(error[0], error[1], error[2]))
        else:
            yield Loaded(path, entry)
    if cache is not None:
        cache.flush()
