"""Importers: archive pages, BibTeX/BibLaTeX and CSL-JSON into raw record data.

Like bibtexparser's pipeline, an importer never stops at the first broken entry: it returns
every entry as an Outcome, good (raw data) or failed (the error), and the caller decides.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import CitetoolError, UsageError
from .builder import Outcome

# name -> (module, file suffixes); the one place the list of import formats is written
IMPORTERS = {
    "page": ("citetool.importers.page", (".txt",)),
    "bibtex": ("citetool.importers.bibtex", (".bib", ".bibtex")),
    "csl-json": ("citetool.importers.csljson", (".json",)),
    "ris": ("citetool.importers.ris", (".ris",)),
}
MAX_BYTES = 64 * 1024 * 1024


def detect(text: str, name: str) -> str:
    """The import format of a file, from its suffix, else from its content."""
    suffix = Path(name).suffix.lower()
    for fmt, (_, suffixes) in IMPORTERS.items():
        if suffix in suffixes and suffix != ".txt":
            return fmt
    for fmt, (module, _) in IMPORTERS.items():
        if importlib.import_module(module).looks_like(text):
            return fmt
    raise CitetoolError(name, "cannot tell the format (use --from "
                       + ", ".join(IMPORTERS) + ")")


def decode(data: bytes, name: str) -> str:
    """Bytes of an input file as text: UTF-8 (a BOM allowed), within the size limit."""
    from ..yamlio import decode as decode_utf8

    return decode_utf8(data, name, MAX_BYTES)


def run(text: str, name: str, fmt: str | None = None) -> list[Outcome]:
    """Every entry of one input, parsed with the given format or the detected one."""
    if fmt is not None and fmt not in IMPORTERS:
        raise UsageError(None, f"unknown import format {fmt!r}")
    if "\x00" in text:
        raise CitetoolError(name, "binary data, not text")
    fmt = fmt or detect(text, name)
    module = importlib.import_module(IMPORTERS[fmt][0])
    try:
        parsed = module.parse(text, name)
    except CitetoolError as exc:
        return [Outcome(error=exc)]
    except RecursionError:
        return [Outcome(error=CitetoolError(name, "nested too deeply"))]
    # importers that build records themselves (pages) give (raw, error, kept) tuples
    return [p if isinstance(p, Outcome) else Outcome(*p) for p in parsed]


def read_file(name: str) -> bytes:
    """The bytes of an input file, within the size limit (decode() refuses more)."""
    try:
        with open(name, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise CitetoolError(name, "is a folder, not a file") from None
    except OSError as exc:
        raise CitetoolError(name, exc.strerror or "cannot be read") from None
