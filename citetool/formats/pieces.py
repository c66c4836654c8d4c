"""Each style's output for one record (a piece) and how pieces join into a whole.

Pieces are plain JSON data, so the cache can keep them and `export` can join thousands of
them without loading or rendering any record again. The joins here need no renderer: a
test checks that joining pieces gives exactly what the style's renderer gives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Record


def note(record: Record) -> str:
    """The full note (no pinpoint)."""
    from .chicago import note as render

    return render(record)


def short_note(record: Record) -> str:
    """The short note (no pinpoint)."""
    from .chicago import short_note as render

    return render(record)


def bibliography(record: Record) -> list[Any]:
    """The bibliography entry and the key Chicago sorts it by."""
    from .chicago import bibliography as render
    from .chicago import sort_key

    return [render(record), list(sort_key(record))]


def archive(record: Record) -> str:
    """The archive's citation and its URL line."""
    from .archive import citation

    return citation(record)


def _entry(record: Record, fields_of: str) -> list[str]:
    from . import bibtex

    key = bibtex.base_key(record)
    return [key, bibtex.write_entries([(key, record)], getattr(bibtex, fields_of))]


def biblatex(record: Record) -> list[str]:
    """The BibLaTeX entry under its base key."""
    return _entry(record, "biblatex_fields")


def bibtex(record: Record) -> list[str]:
    """The classic BibTeX entry under its base key."""
    return _entry(record, "bibtex_fields")


def csl_item(record: Record) -> str:
    """The CSL-JSON item as JSON text, indented as it stands inside the array."""
    from .csljson import item

    return "  " + _indented(item(record), "  ")


def _indented(value: Any, indent: str) -> str:
    """What json.dumps(value, ensure_ascii=False, indent=2) writes at this depth, without
    its pure-Python pretty printer (strings still go through json's C encoder)."""
    if isinstance(value, str):
        return _encode(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        body = ",\n".join(inner + _encode(str(k)) + ": " + _indented(v, inner)
                           for k, v in value.items())
        return "{\n" + body + "\n" + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = indent + "  "
        return "[\n" + ",\n".join(inner + _indented(v, inner) for v in value) + "\n" + (
            indent + "]")
    return json.dumps(value)


# --- joins: each yields the output in chunks; "".join(chunks) is the whole text -----------


def lines(pieces: Sequence[str], export: bool = False) -> Iterator[str]:
    """One piece per line, in the order given."""
    del export
    for i, piece in enumerate(pieces):
        yield ("\n" + piece) if i else piece


def sorted_lines(pieces: Sequence[list[Any]], export: bool = False) -> Iterator[str]:
    """Bibliography entries: in the order given for `cite`, sorted as Chicago sorts for export."""
    chosen = sorted(pieces, key=lambda p: tuple(p[1])) if export else pieces
    return lines([p[0] for p in chosen])


def entries(pieces: Sequence[list[str]], export: bool = False) -> Iterator[str]:
    """BibTeX entries with unique keys (a, b, ... on repeats), a blank line between them."""
    from .bibtex import unique_keys

    del export
    keys = unique_keys([p[0] for p in pieces])
    for i, ((base, text), key) in enumerate(zip(pieces, keys, strict=True)):
        if key != base:
            text = re.sub(r"^(@\w+\{)[^,\n]*,", lambda m, k=key: m.group(1) + k + ",", text,
                          count=1)
        yield ("\n\n" + text) if i else text


_encode = json.encoder.encode_basestring  # type: ignore[attr-defined]


def json_array(pieces: Sequence[str], export: bool = False) -> Iterator[str]:
    """One JSON array of the items (as json.dumps with indent=2 writes it)."""
    del export
    if not pieces:
        yield "[]"
        return
    yield "[\n"
    for i, piece in enumerate(pieces):
        yield (",\n" + piece) if i else piece
    yield "\n]"
