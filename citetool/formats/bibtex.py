"""BibTeX and BibLaTeX entries, written with bibtexparser from escaped field values.

There is no archival entry type: both use @misc, with the call number and pages in
`howpublished` so that standard styles print them (see the style guide).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import protect
from ..plain import is_org
from ..text import space_initials

if TYPE_CHECKING:
    from ..model import Organization, Person, Record

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _SPECIAL))
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_LANGIDS = {
    "en": "american", "en-US": "american", "en-GB": "british", "ru": "russian",
    "de": "ngerman", "fr": "french", "pl": "polish", "cs": "czech", "hu": "magyar",
    "es": "spanish", "it": "italian", "pt": "portuguese", "bg": "bulgarian", "ro": "romanian",
    "sk": "slovak", "uk": "ukrainian", "sr": "serbian", "hr": "croatian",
}  # fmt: skip


def escape(value: str, ascii_only: bool = False) -> str:
    """Escape text so LaTeX prints it: specials as commands, non-ASCII as accents for BibTeX."""
    out = _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], value)
    if ascii_only and not out.isascii():
        from pylatexenc.latexencode import unicode_to_latex

        # Greek stays text, as Cyrillic and CJK do: pylatexenc would make it math symbols
        # (\ensuremath{\alpha}) or Latin look-alikes (omicron as "o")
        parts = _GREEK_RUN.split(out)
        parts[0::2] = [
            unicode_to_latex(
                p, non_ascii_only=True, unknown_char_policy="keep", unknown_char_warning=False
            )
            for p in parts[0::2]
        ]
        out = "".join(parts)
    return out


_GREEK_RUN = re.compile("([\u0370-\u03ff\u1f00-\u1fff]+)")


def _protected_title(title: str, record: Record, ascii_only: bool) -> str:
    """The title escaped, with proper names in braces so styles keep their capitals."""
    spans = protect.spans(title, protect.record_phrases(record))
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(escape(title[last:start], ascii_only))
        out.append("{" + escape(title[start:end], ascii_only) + "}")
        last = end
    out.append(escape(title[last:], ascii_only))
    return "".join(out)


def _name(agent: Person | Organization, ascii_only: bool) -> str:
    """One name for a BibTeX name list: 'Family, Given' or a braced organization."""
    if is_org(agent):
        return "{" + escape(agent.org, ascii_only) + "}"
    family = " ".join(p for p in (agent.particle, agent.family) if p)
    parts = [escape(family, ascii_only)]
    if agent.suffix:
        parts.append(escape(agent.suffix, ascii_only))
    if agent.given:
        # "L.W." is one name token to BibTeX and biber, abbreviated to "L." alone
        parts.append(escape(space_initials(agent.given), ascii_only))
    if len(parts) == 1:
        return "{" + parts[0] + "}"
    return ", ".join(parts)


def names(agents: Sequence[Person | Organization], ascii_only: bool = False) -> str:
    """A BibTeX name list joined with ' and '."""
    return " and ".join(_name(a, ascii_only) for a in agents)


def _plain_name(agent: Person | Organization) -> str:
    from .archive import plain_name

    return plain_name(agent)


def _pages(pages: str) -> str:
    from ..text import pages_are_numeric, pages_plural

    body = escape(pages).replace("\u2013", "-").replace("-", "--")
    if not pages_are_numeric(pages):
        return body
    return ("pp.~" if pages_plural(pages) else "p.~") + body


def _howpublished(record: Record, ascii_only: bool, with_archive: bool) -> str:
    src = record.source
    parts = [
        src.call_number and escape(src.call_number, ascii_only),
        src.pages and _pages(src.pages),
        src.collection and escape(src.collection, ascii_only),
        escape(record.archive, ascii_only) if with_archive else "",
    ]
    return ", ".join(p for p in parts if p)


def _credits(record: Record) -> list[str]:
    out = []
    if record.obtained_by:
        out.append("Obtained by " + _and(record.obtained_by))
    if record.contributed_by:
        out.append("Contributed by " + _and(record.contributed_by))
    return out


def _and(agents: Sequence[Person | Organization]) -> str:
    from .archive import and_list

    return and_list([_plain_name(a) for a in agents])


def _titleaddon(record: Record) -> str:
    parts = []
    for agent in record.recipients:
        if is_org(agent):
            article = "" if agent.org.lower().startswith("the ") else "the "
            parts.append(article + "{" + escape(agent.org) + "}")
        else:
            parts.append(escape(_plain_name(agent)))
    if not parts:
        return ""
    return "to " + (" and ".join(parts) if len(parts) <= 2 else ", ".join(parts))


def biblatex_date(record: Record) -> str:
    """ISO 8601 / EDTF as biblatex reads it: partial, approximate (~) and ranges (/)."""
    date = record.date
    if date is None:
        return ""
    out = date.iso()
    if date.until is not None:
        out += "/" + date.until.iso()
    return out + ("~" if date.circa else "")


def base_key(record: Record) -> str:
    """An ASCII citation key: first author (or title) and year, e.g. 'petrov_1960'."""
    lead = record.authors or record.translators
    if lead:
        first = lead[0]
        source = first.org if is_org(first) else first.family
    else:
        source = " ".join(record.title.split()[:3])
    ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or "doc_" + re.sub(
        r"[^a-z0-9]+", "_", record.id.lower()
    )
    year = str(record.date.year) if record.date is not None else "nd"
    return f"{slug}_{year}"


def keys(records: Sequence[Record]) -> list[str]:
    """Unique keys for an export: repeated keys all get a, b, c ... in order."""
    return unique_keys([base_key(r) for r in records])


def unique_keys(bases: Sequence[str]) -> list[str]:
    """Base keys made unique: every key that repeats gets a, b, c ... in order."""
    counts: dict[str, int] = {}
    for key in bases:
        counts[key] = counts.get(key, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for key in bases:
        if counts[key] == 1:
            out.append(key)
            continue
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(key + _suffix(n))
    return out


def _suffix(n: int) -> str:
    """a, b, ..., z, aa, ab, ..."""
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(97 + rem) + letters
    return letters


def biblatex_fields(record: Record) -> list[tuple[str, str]]:
    """The fields of a BibLaTeX @misc entry, values already escaped and braced."""
    src = record.source
    fields = [
        ("author", names(record.authors)),
        ("title", _protected_title(record.title, record, False)),
        ("shorttitle", _protected_title(record.short_title, record, False)),
        ("titleaddon", _titleaddon(record)),
        ("date", biblatex_date(record)),
        ("translator", names(record.translators)),
        ("howpublished", _howpublished(record, False, with_archive=False)),
        ("library", src.call_number and escape(src.call_number)),
        ("organization", escape(record.archive)),
        ("url", record.url or ""),
        ("langid", _LANGIDS.get(record.language, "")),
        ("addendum", escape(". ".join(_credits(record)))),
    ]
    return [(k, "{" + v + "}") for k, v in fields if v]


def bibtex_fields(record: Record) -> list[tuple[str, str]]:
    """The fields of a classic BibTeX @misc entry (ASCII, LaTeX escapes, no day field)."""
    from .chicago import format_date

    note = []
    if record.translators:
        note.append("Translated by " + _and(record.translators))
    if record.date is not None and (record.date.day or record.date.until or record.date.circa):
        note.append("Dated " + format_date(record.date))
    note += _credits(record)
    date = record.date
    fields = [
        ("author", "{" + names(record.authors, True) + "}" if record.authors else ""),
        # BibTeX styles sort by author, else by key, and warn when both are missing
        ("key", "{" + escape(record.short_title, True) + "}" if not record.authors else ""),
        ("title", "{" + _protected_title(record.title, record, True) + "}"),
        ("howpublished", "{" + _howpublished(record, True, with_archive=True) + "}"),
        # undated: "n.d." as Chicago writes it (BibTeX styles warn about an empty year)
        ("year", "{" + str(date.year) + "}" if date else "{n.d.}"),
        ("month", _MONTHS[date.month - 1] if date and date.month else ""),
        ("note", "{" + escape(". ".join(note), True) + "}" if note else ""),
        ("url", "{" + record.url + "}" if record.url else ""),
    ]
    return [(k, v) for k, v in fields if v]


def _write(records: Sequence[Record], fields_of: object) -> str:
    return write_entries(list(zip(keys(records), records, strict=True)), fields_of)


def write_entries(keyed: Sequence[tuple[str, Record]], fields_of: object) -> str:
    """Entries under the given keys, written by bibtexparser, a blank line between them."""
    import bibtexparser
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field
    from bibtexparser.writer import BibtexFormat

    fmt = BibtexFormat()
    fmt.indent = "  "
    fmt.value_column = 15
    fmt.trailing_comma = True
    fmt.block_separator = "\n"
    entries = [
        Entry("misc", key, [Field(k, v) for k, v in fields_of(record)])  # type: ignore[operator]
        for key, record in keyed
    ]
    return bibtexparser.write_string(
        Library(entries), unparse_stack=[], bibtex_format=fmt
    ).rstrip("\n")


def render_biblatex(records: Sequence[Record], page: str | None = None) -> str:
    """BibLaTeX entries separated by a blank line."""
    del page
    return _write(records, biblatex_fields)


def render_bibtex(records: Sequence[Record], page: str | None = None) -> str:
    """Classic BibTeX entries separated by a blank line."""
    del page
    return _write(records, bibtex_fields)
