"""RIS: the exchange format of EndNote, Zotero and Mendeley, written with rispy.

Which fact goes in which tag is the format's vocabulary (citetool.vocab.ris), shared with the
RIS importer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..vocab import ris as vocab
from .base import Style, unique_keys

if TYPE_CHECKING:
    from ..model import Record

_ID_LINE = re.compile(r"^ID  - .*$", re.M)
_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def reference(record: Record, key: str) -> dict[str, Any]:
    """One record as rispy's reference: tag names to values (lists for repeated tags)."""
    src = record.source
    values: dict[str, Any] = {
        "title": record.title,
        "short_title": record.short_title,
        "authors": [vocab.name(a) for a in record.authors],
        "translators": [vocab.name(a) for a in record.translators],
        "date": vocab.date(record.date) if record.date is not None else None,
        "archive": record.archive,
        "call_number": src.call_number,
        "pages": src.pages,
        "url": [record.url] if record.url else [],
        "language": record.language,
        # RIS values are lines: a summary's paragraphs are joined
        "summary": one_line(record.summary) if record.summary else None,
        "subjects": record.subjects,
        "type": record.type,
    }
    out: dict[str, Any] = {vocab.TYPE: vocab.ITEM_TYPE, vocab.KEY: key}
    for field, tag in vocab.FIELDS.items():
        if values[field]:
            out[tag] = values[field]
        if field == "date" and record.date is not None:
            out[vocab.YEAR] = str(record.date.year)
    return out


def one_line(text: str) -> str:
    """Text as one RIS line: its line breaks (and the spaces around them) become one space."""
    return _BREAKS.sub(" ", text.strip())


def write(references: Sequence[dict[str, Any]]) -> str:
    """References as RIS text, a blank line between them."""
    import rispy

    class Writer(rispy.RisWriter):  # type: ignore[misc]
        def set_header(self, count: int) -> None:
            """No numbered line before each reference: EndNote reads them as garbage."""
            del count

    return rispy.dumps(list(references), implementation=Writer).rstrip("\n")


class Ris(Style):
    """RIS references (TY MANSCPT), for EndNote, Zotero and Mendeley."""

    name = "ris"
    help = "RIS references (EndNote, Zotero, Mendeley)"
    keyed = True

    def piece(self, record: Record, page: str | None = None) -> list[str]:
        """The reference under the record id, its author-year key and the id."""
        del page
        return [write([reference(record, record.id)]), record.author_year_key(), record.id]

    def stream(self, pieces: Sequence[list[str]], export: bool = False,
               key: str = "id") -> Iterator[str]:
        """The references, each under its key (ID), a blank line between them."""
        del export
        keys = unique_keys([p[1] for p in pieces]) if key == "author-year" else [
            p[2] for p in pieces]
        for i, (piece, chosen) in enumerate(zip(pieces, keys, strict=True)):
            text = piece[0]
            if chosen != piece[2]:
                text = _ID_LINE.sub(lambda m, k=chosen: "ID  - " + k, text, count=1)
            yield ("\n\n" + text) if i else text


RIS = Ris()
