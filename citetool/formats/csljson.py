"""CSL-JSON: the input format of citeproc-js, Zotero and pandoc (schema v1.0.2)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import protect
from ..names import csl_name

if TYPE_CHECKING:
    from ..model import Date, Record

NOCASE_OPEN = '<span class="nocase">'
NOCASE_CLOSE = "</span>"


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
    return protect.wrap(text, spans, NOCASE_OPEN, NOCASE_CLOSE)


def item(record: Record) -> dict[str, Any]:
    """One record as a CSL-JSON item."""
    out: dict[str, Any] = {
        "id": record.id,
        "type": "manuscript",
        "title": csl_title(record.title, record),
        "title-short": csl_title(record.short_title, record),
    }
    for key, agents in (
        ("author", record.authors),
        ("recipient", record.recipients),
        ("translator", record.translators),
    ):
        if agents:
            out[key] = [csl_name(a) for a in agents]
    if record.date is not None:
        out["issued"] = csl_date(record.date)
    out["archive"] = record.archive
    src = record.source
    if src.call_number:
        out["archive_location"] = src.call_number
    if src.collection:
        out["archive_collection"] = src.collection
    if src.pages:
        out["page"] = src.pages
    if record.url:
        out["URL"] = record.url
    out["language"] = record.language
    if record.summary:
        out["abstract"] = record.summary
    custom: dict[str, Any] = {"document-type": record.type}
    for key, agents in (
        ("obtained-by", record.obtained_by),
        ("contributed-by", record.contributed_by),
    ):
        if agents:
            custom[key] = [csl_name(a) for a in agents]
    for key, value in (
        ("repository", src.repository),
        ("reprinted-in", src.reprinted_in),
        ("source-statement", record.source_statement),
        ("original-languages", record.original_languages),
        ("funders", record.funders),
        ("subjects", record.subjects),
        ("keep-case", record.keep_case),
        ("notes", record.notes),
    ):
        if value:
            custom[key] = value
    if record.translated:
        custom["translated"] = True
    if record.citation_layout != "current":
        custom["citation-layout"] = record.citation_layout
    if record.citation_title:
        custom["citation-title"] = record.citation_title
    out["custom"] = custom
    return out


def render(records: Sequence[Record], page: str | None = None) -> str:
    """A CSL-JSON array of the records, always an array."""
    del page  # a pinpoint belongs to a citation, not to the item data
    return json.dumps([item(r) for r in records], ensure_ascii=False, indent=2)
