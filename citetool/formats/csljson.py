"""CSL-JSON: the input format of citeproc-js, Zotero and pandoc (schema v1.0.2).

Which fact goes in which variable is the format's vocabulary (citetool.vocab.csljson), shared
with the CSL-JSON importer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .. import protect
from ..vocab import csljson as vocab
from .base import Style, unique_keys

if TYPE_CHECKING:
    from ..model import Date, Record


def csl_date(date: Date) -> dict[str, Any]:
    """A CSL date object: date-parts (two arrays for a range) and circa."""
    parts = [date.parts()]
    if date.until is not None:
        parts.append(date.until.parts())
    out: dict[str, Any] = {"date-parts": parts}
    if date.circa:
        out["circa"] = True
    return out


def csl_title(text: str, record: Record) -> str:
    """A title with its proper names in nocase spans, so no processor title-cases them."""
    spans = protect.spans(text, protect.record_phrases(record))
    return protect.wrap(text, spans, vocab.NOCASE_OPEN, vocab.NOCASE_CLOSE)


def item(record: Record) -> dict[str, Any]:
    """One record as a CSL-JSON item."""
    out: dict[str, Any] = {
        "id": record.id,
        "type": vocab.ITEM_TYPE,
        "title": csl_title(record.title, record),
        "title-short": csl_title(record.short_title, record),
    }
    for field, variable in vocab.NAME_VARIABLES.items():
        agents = getattr(record, field)
        if agents:
            out[variable] = [vocab.name(a) for a in agents]
    if record.date is not None:
        out["issued"] = csl_date(record.date)
    out["archive"] = record.archive
    src = record.source
    for field in ("call_number", "collection", "pages"):
        value = getattr(src, field)
        if value:
            out[vocab.SOURCE_VARIABLES[field]] = value
    if record.url:
        out["URL"] = record.url
    out["language"] = record.language
    if record.summary:
        out["abstract"] = record.summary
    custom: dict[str, Any] = {vocab.CUSTOM_OTHER["type"]: record.type}
    for field, key in vocab.CUSTOM_NAMES.items():
        agents = getattr(record, field)
        if agents:
            custom[key] = [vocab.name(a) for a in agents]
    for key, value in (
        (vocab.CUSTOM_SOURCE["repository"], src.repository),
        (vocab.CUSTOM_SOURCE["reprinted_in"], src.reprinted_in),
        (vocab.CUSTOM_OTHER["source_statement"], record.source_statement),
        (vocab.CUSTOM_OTHER["citation_title"], record.citation_title),
        *((vocab.CUSTOM_LISTS[f], getattr(record, f)) for f in
          ("original_languages", "funders", "subjects", "keep_case")),
        (vocab.CUSTOM_OTHER["notes"], record.notes),
    ):
        if value:
            custom[key] = value
    if record.translated:
        custom[vocab.CUSTOM_OTHER["translated"]] = True
    if record.citation_layout != "current":
        custom[vocab.CUSTOM_OTHER["citation_layout"]] = record.citation_layout
    out["custom"] = custom
    return out


_encode = json.encoder.encode_basestring  # type: ignore[attr-defined]


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


class CslJson(Style):
    """A CSL-JSON array of items (always an array)."""

    name = "csl-json"
    help = "CSL-JSON array (pandoc, Zotero, citeproc)"
    keyed = True

    def piece(self, record: Record, page: str | None = None) -> list[str]:
        """The item as JSON text indented as it stands in the array, and its author-year key
        (a pinpoint belongs to a citation, not to the item data)."""
        del page
        return ["  " + _indented(item(record), "  "), record.author_year_key(), record.id]

    def stream(self, pieces: Sequence[list[str]], export: bool = False,
               key: str = "id") -> Iterator[str]:
        """One JSON array of the items (as json.dumps with indent=2 writes it)."""
        del export
        if not pieces:
            yield "[]"
            return
        keys = [p[2] for p in pieces] if key != "author-year" else unique_keys(
            [p[1] for p in pieces])
        yield "[\n"
        for i, (piece, chosen) in enumerate(zip(pieces, keys, strict=True)):
            text = piece[0]
            if chosen != piece[2]:
                # the id is the item's first member: '  {\n    "id": "...",'
                head, _, rest = text.partition(",\n")
                text = head[: head.index('"id": ') + 6] + _encode(chosen) + ",\n" + rest
            yield (",\n" + text) if i else text
        yield "\n]"


CSL_JSON = CslJson()
