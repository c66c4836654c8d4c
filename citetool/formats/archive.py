"""The archive's own recommended citation, then the permanent URL on its own line.

Pattern (style guide): `"<title>", <date>, <archive>, <source statement>`; the older layout
has curly quotes with the comma inside and a zero-padded day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import and_list
from .base import Style

if TYPE_CHECKING:
    from ..model import Record


def statement(record: Record) -> str:
    """The source statement: verbatim if the record has it, else rebuilt from the fields."""
    if record.source_statement:
        return record.source_statement
    src = record.source
    where = ", ".join(p for p in (src.call_number, src.pages) if p)
    clauses = []
    for verb, agents in (("obtained", record.obtained_by), ("contributed", record.contributed_by),
                         ("translated", record.translators)):
        if agents:
            clauses.append(f"{verb} by {and_list([a.reading() for a in agents], serial=False)}")
    credit = " and ".join(clauses)
    credit = credit[:1].upper() + credit[1:]
    sentences = [s for s in (where, credit) if s]
    return " ".join(s if s.endswith(".") else s + "." for s in sentences)


def citation(record: Record) -> str:
    """The archive's recommended citation of one record, and its URL on the next line."""
    legacy = record.citation_layout == "legacy"
    date = record.date.plain_text(padded=legacy) if record.date is not None else ""
    rest = [p for p in (date, record.archive, statement(record)) if p]
    if record.citation_title:  # verbatim, as an older page printed it
        head = record.citation_title + " "
    elif legacy:
        head = f"\u201c{record.title},\u201d "
    else:
        head = f'"{record.title}", '
    out = head + ", ".join(rest)
    return f"{out}\n{record.url}" if record.url else out


class Archive(Style):
    """The archive's recommended citation, each followed by its URL line."""

    name = "archive"
    help = "the archive's recommended citation and URL"

    def piece(self, record: Record, page: str | None = None) -> str:
        """The citation and its URL line (the archive's citation has no pinpoint)."""
        del page
        return citation(record)


ARCHIVE = Archive()
