"""RIS as citetool writes and reads it (EndNote, Zotero, Mendeley): tags, names and dates.

A record is a manuscript (`TY  - MANSCPT`) with the archive in `DB`, the call number
("Loc. in Archive") in `AN`, the permanent URL in `UR`, translators in `A4` (read back from
`TA` as well), the date in `DA` (`YYYY/MM/DD/`, with what it cannot say in its fourth part:
`circa`, or the end of a range `until YYYY-MM-DD`) and `PY`, the document type in `M3`. Keys
are rispy's names for the tags.

RIS has no mark for organizations: as Zotero does, a person is written `Family, Given[, Suffix]`
(with a comma, even with a single name: `Sukarno,`) and an organization as one field without a
comma, and read back the same way.
"""

from __future__ import annotations

import re
from typing import Any

ITEM_TYPE = "MANSCPT"
# record field -> rispy key (the RIS tag in the comment)
FIELDS = {
    "title": "title",  # TI
    "short_title": "short_title",  # ST
    "authors": "authors",  # AU
    "translators": "subsidiary_authors",  # A4
    "date": "date",  # DA
    "archive": "name_of_database",  # DB
    "call_number": "accession_number",  # AN
    "pages": "start_page",  # SP
    "url": "urls",  # UR
    "language": "language",  # LA
    "summary": "abstract",  # AB
    "subjects": "keywords",  # KW
    "type": "type_of_work",  # M3
}
YEAR = "year"  # PY
KEY = "id"  # ID
TYPE = "type_of_reference"  # TY
TRANSLATED_AUTHORS = "translated_author"  # TA: translators, as some managers write them
PROVIDER = "database_provider"  # DP: the archive, when DB is missing
CALL_NUMBER = "call_number"  # CN: the call number, when AN is missing

_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "des", "la",
              "le", "ten", "ter", "vom", "zu", "dos", "das", "y", "al", "el", "ibn", "bin"}
_DATE = re.compile(r"^(\d{4})?/(\d{1,2})?/(\d{1,2})?/?(.*)$")
_UNTIL = re.compile(r"^until (\d{4}(?:-\d{2}(?:-\d{2})?)?)$")


def name(agent: Any) -> str:
    """One name as RIS writes it: 'Family, Given[, Suffix]' for a person, an organization
    as one field without a comma."""
    if agent.org is not None:
        return agent.org
    out = f"{agent.family_part()}, {agent.given or ''}".rstrip()
    return f"{out}, {agent.suffix}" if agent.suffix else out


def agent(text: str) -> dict[str, Any]:
    """A RIS name as the record model's agent (the inverse of `name`)."""
    text = text.strip()
    if "," not in text:
        return {"org": text}
    family, _, rest = (p.strip() for p in text.partition(","))
    given, _, suffix = (p.strip() for p in rest.partition(","))
    words = family.split()
    cut = 0
    while cut < len(words) - 1 and words[cut] in _PARTICLES:
        cut += 1
    out: dict[str, Any] = {"family": " ".join(words[cut:])}
    if cut:
        out["particle"] = " ".join(words[:cut])
    if given:
        out["given"] = given
    if suffix:
        out["suffix"] = suffix
    return out


def date(value: Any) -> str:
    """A record's date as RIS's DA: 'YYYY/MM/DD/' with 'circa' or 'until ...' last."""
    parts = [f"{value.year:04d}", f"{value.month:02d}" if value.month else "",
             f"{value.day:02d}" if value.day else ""]
    other = []
    if value.circa:
        other.append("circa")
    if value.until is not None:
        other.append(f"until {value.until.iso()}")
    return "/".join(parts) + "/" + " ".join(other)


def read_date(text: str) -> dict[str, Any] | None:
    """A DA (or Y1) value as the record's date; None when it holds no year."""
    from ..model import parse_point

    m = _DATE.match(text.strip())
    if not m or not m[1]:
        return None
    out: dict[str, Any] = {"year": int(m[1])}
    if m[2]:
        out["month"] = int(m[2])
        if m[3]:
            out["day"] = int(m[3])
    for word in m[4].split(" until "):
        word = word.strip()
        if word == "circa":
            out["circa"] = True
        elif word:
            until = _UNTIL.match(word if word.startswith("until ") else f"until {word}")
            if not until:
                raise ValueError(f"cannot read {m[4]!r} in the date")
            out["until"] = parse_point(until[1])
    return out
