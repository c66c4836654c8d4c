"""Importers: archive pages, BibTeX/BibLaTeX and CSL-JSON into raw record data.

Like bibtexparser's pipeline, an importer never stops at the first broken entry: it returns
every entry as an Outcome, good (raw data) or failed (the error), and the caller decides.
"""

from __future__ import annotations

import gc
import importlib
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CitetoolError, UsageError

if TYPE_CHECKING:  # the CLI reads IMPORTERS at start-up; the builder is loaded to import
    from .builder import Outcome

# name -> (module, file suffixes); the one place the list of import formats is written
IMPORTERS = {
    "page": ("citetool.importers.page", (".txt",)),
    "html": ("citetool.importers.html", (".html", ".htm")),
    "bibtex": ("citetool.importers.bibtex", (".bib", ".bibtex")),
    "csl-json": ("citetool.importers.csljson", (".json",)),
    "ris": ("citetool.importers.ris", (".ris",)),
}
MAX_BYTES = 64 * 1024 * 1024


def by_suffix(name: str) -> str | None:
    """The import format a file's suffix names, if any (.txt says nothing: any text is)."""
    suffix = Path(name).suffix.lower()
    for fmt, (_, suffixes) in IMPORTERS.items():
        if suffix in suffixes and suffix != ".txt":
            return fmt
    return None


def detect(text: str, name: str) -> str:
    """The import format of a file, from its suffix, else from its content."""
    found = by_suffix(name)
    if found:
        return found
    for fmt, (module, _) in IMPORTERS.items():
        if importlib.import_module(module).looks_like(text):
            return fmt
    raise CitetoolError(name, "cannot tell the format (use --from " + ", ".join(IMPORTERS) + ")")


def read_source(arg: str) -> tuple[str, bytes]:
    """The label and bytes of one import argument: a file, '-' (stdin) or an http(s) URL."""
    import sys

    from .. import fetch

    if arg == "-":
        return "<stdin>", sys.stdin.buffer.read(MAX_BYTES + 1)
    if fetch.is_url(arg):
        return arg, fetch.fetch(arg)
    try:
        with open(arg, "rb") as handle:
            # a buffer of the file's own size: read(limit) allocates the whole limit (64 MB)
            info = os.fstat(handle.fileno())
            size = info.st_size if stat.S_ISREG(info.st_mode) else MAX_BYTES
            return arg, handle.read(min(size, MAX_BYTES) + 1)
    except IsADirectoryError:
        raise CitetoolError(arg, "is a folder, not a file") from None
    except OSError as exc:
        raise CitetoolError(arg, exc.strerror or "cannot be read") from None


PARALLEL_MIN = 16  # local files; fewer are parsed here (starting workers costs ~50 ms)
CHUNK = 8


def load_many(args: Sequence[str], fmt: str | None = None,
              workers: int | None = None) -> Iterator[tuple[str, list[Outcome]]]:
    """Each import argument's label and outcomes, in the order given; a file that cannot be
    read or a URL that cannot be fetched gives one failed outcome. Many local files are read
    and parsed on every core; stdin and URLs are read here, one at a time."""
    if fmt is not None and fmt not in IMPORTERS:
        raise UsageError(None, f"unknown import format {fmt!r}")
    from .. import fetch

    local = [a for a in args if a != "-" and not fetch.is_url(a)]
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(local) < PARALLEL_MIN:
        for arg in args:
            yield _load_one(arg, fmt)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [local[i:i + CHUNK] for i in range(0, len(local), CHUNK)]
    # imported once here, the workers inherit them from the fork instead of each importing
    # the parser and its libraries again
    for name in {fmt or by_suffix(a) for a in local} - {None}:
        importlib.import_module(IMPORTERS[name][0])
    importlib.import_module("citetool.model")
    with ProcessPoolExecutor(min(workers, len(chunks)),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        done = (row for chunk in pool.map(_load_files, chunks, [fmt] * len(chunks))
                for row in chunk)
        for arg in args:
            if arg == "-" or fetch.is_url(arg):
                yield _load_one(arg, fmt)
            else:
                label, rows = next(done)
                yield label, [_outcome(row) for row in rows]


def _load_one(arg: str, fmt: str | None) -> tuple[str, list[Outcome]]:
    from .builder import Outcome

    label = "<stdin>" if arg == "-" else arg
    try:
        label, data = read_source(arg)
        return label, load(data, label, fmt)
    except UsageError:
        raise
    except CitetoolError as exc:
        return label, [Outcome(error=exc)]


def _load_files(names: list[str], fmt: str | None) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """In a worker: each file's label and outcomes as plain tuples (a CitetoolError does not
    cross between processes as it is)."""
    gc.disable()  # many small objects and no cycles
    out = []
    for name in names:
        label, outcomes = _load_one(name, fmt)
        out.append((label, [(o.raw, o.error and (o.error.path, o.error.reason, o.error.field),
                             o.kept_in_notes) for o in outcomes]))
    return out


def _outcome(row: tuple[Any, ...]) -> Outcome:
    from .builder import Outcome

    raw, error, kept = row
    return Outcome(raw, error and CitetoolError(*error), kept)


def decode(data: bytes, name: str) -> str:
    """Bytes of an input file as text: UTF-8 (a BOM allowed), within the size limit."""
    from ..yamlio import decode as decode_utf8

    return decode_utf8(data, name, MAX_BYTES)


def load(data: bytes, name: str, fmt: str | None = None) -> list[Outcome]:
    """Every entry of one input's bytes: decoded as UTF-8 and parsed, or, for a format whose
    importer reads bytes (HTML, which declares its own character set), parsed from them."""
    chosen = fmt or by_suffix(name)
    if chosen in IMPORTERS:
        module = importlib.import_module(IMPORTERS[chosen][0])
        if hasattr(module, "parse_bytes"):
            if len(data) > MAX_BYTES:
                raise CitetoolError(name, f"file is larger than the limit of {MAX_BYTES} bytes")
            if b"\x00" in data:
                raise CitetoolError(name, "binary data, not text")
            return _outcomes(module.parse_bytes, data, name)
    return run(decode(data, name), name, fmt)


def run(text: str, name: str, fmt: str | None = None) -> list[Outcome]:
    """Every entry of one input, parsed with the given format or the detected one."""
    if fmt is not None and fmt not in IMPORTERS:
        raise UsageError(None, f"unknown import format {fmt!r}")
    if "\x00" in text:
        raise CitetoolError(name, "binary data, not text")
    fmt = fmt or detect(text, name)
    module = importlib.import_module(IMPORTERS[fmt][0])
    return _outcomes(module.parse, text, name)


def _outcomes(parse: Any, source: str | bytes, name: str) -> list[Outcome]:
    """The entries an importer's parse function finds; its error, if it gives up."""
    from .builder import Outcome

    try:
        parsed = parse(source, name)
    except CitetoolError as exc:
        return [Outcome(error=exc)]
    except RecursionError:
        return [Outcome(error=CitetoolError(name, "nested too deeply"))]
    return list(parsed)
