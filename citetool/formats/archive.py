"""The archive's own recommended citation, then the permanent URL on its own line.

Pattern (style guide): `"<title>", <date>, <archive>, <source statement>`; the older layout
has curly quotes with the comma inside and a zero-padded day.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..plain import is_org
from .chicago import MONTHS

if TYPE_CHECKING:
    from ..model import Date, DatePoint, Organization, Person, Record


def plain_name(agent: Person | Organization) -> str:
    """A name in reading order as the archive writes it ('Shen Zhihua', 'Jeffrey Wang')."""
    if is_org(agent):
        return agent.org
    family = " ".join(p for p in (agent.particle, agent.family) if p)
    parts = [family, agent.given] if agent.family_first else [agent.given, family]
    out = " ".join(p for p in parts if p)
    return f"{out} {agent.suffix}" if agent.suffix else out


def and_list(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C' as the archive's statements join names."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _point(date: DatePoint, padded: bool) -> str:
    if date.month is None:
        return str(date.year)
    month = MONTHS[date.month - 1]
    if date.day is None:
        return f"{month} {date.year}"
    day = f"{date.day:02d}" if padded else str(date.day)
    return f"{month} {day}, {date.year}"


def archive_date(date: Date | None, padded: bool = False) -> str:
    """'March 24, 1962', 'March 1962' or '1962'; 'c.' for approximate, ' - ' for ranges."""
    if date is None:
        return ""
    out = _point(date, padded)
    if date.until is not None:
        out += " - " + _point(date.until, padded)
    return ("c. " + out) if date.circa else out


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
            clauses.append(f"{verb} by {and_list([plain_name(a) for a in agents])}")
    credit = " and ".join(clauses)
    credit = credit[:1].upper() + credit[1:]
    sentences = [s for s in (where, credit) if s]
    return " ".join(s if s.endswith(".") else s + "." for s in sentences)


def citation(record: Record) -> str:
    """The archive's recommended citation of one record, and its URL on the next line."""
    legacy = record.citation_layout == "legacy"
    date = archive_date(record.date, padded=legacy)
    rest = [p for p in (date, record.archive, statement(record)) if p]
    if record.citation_title:  # verbatim, as an older page printed it
        head = record.citation_title + " "
    elif legacy:
        head = f"\u201c{record.title},\u201d "
    else:
        head = f'"{record.title}", '
    out = head + ", ".join(rest)
    return f"{out}\n{record.url}" if record.url else out


def render(records: Sequence[Record], page: str | None = None) -> str:
    """Archive citations, one per record (each followed by its URL line)."""
    del page
    return "\n".join(citation(r) for r in records)
