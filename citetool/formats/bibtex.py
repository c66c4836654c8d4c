"""BibTeX and BibLaTeX entries, written with bibtexparser from escaped field values.

What goes in which field is the format's vocabulary (citetool.vocab.bibtex), shared with the
BibTeX importer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .. import protect
from ..plain import is_org, space_initials
from ..text import and_list, pages_are_numeric, pages_plural
from ..vocab import bibtex as vocab
from .base import Style, unique_keys

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
def escape(value: str, ascii_only: bool = False) -> str:
    """Escape text so LaTeX prints it: specials as commands, non-ASCII as accents for BibTeX."""
    out = _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], value)
    if ascii_only and not out.isascii():
        from pylatexenc.latexencode import unicode_to_latex

        out = unicode_to_latex(
            out, non_ascii_only=True, unknown_char_policy="keep", unknown_char_warning=False
        )
    return out


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


def _pages(pages: str) -> str:
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
        out.append(vocab.OBTAINED_BY + _and(record.obtained_by))
    if record.contributed_by:
        out.append(vocab.CONTRIBUTED_BY + _and(record.contributed_by))
    return out


def _and(agents: Sequence[Person | Organization]) -> str:
    return and_list([a.reading() for a in agents], serial=False)


def _titleaddon(record: Record) -> str:
    parts = []
    for agent in record.recipients:
        if is_org(agent):
            article = "" if agent.org.lower().startswith("the ") else "the "
            parts.append(article + "{" + escape(agent.org) + "}")
        else:
            parts.append(escape(agent.reading()))
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
        ("langid", vocab.LANGIDS.get(record.language, "")),
        ("addendum", escape(". ".join(_credits(record)))),
    ]
    return [(k, "{" + v + "}") for k, v in fields if v]


def bibtex_fields(record: Record) -> list[tuple[str, str]]:
    """The fields of a classic BibTeX @misc entry (ASCII, LaTeX escapes, no day field)."""
    note = []
    if record.translators:
        note.append(vocab.TRANSLATED_BY + _and(record.translators))
    if record.date is not None and (record.date.day or record.date.until or record.date.circa):
        note.append(vocab.DATED + record.date.prose())
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
        ("month", vocab.MONTHS[date.month - 1] if date and date.month else ""),
        ("note", "{" + escape(". ".join(note), True) + "}" if note else ""),
        ("url", "{" + record.url + "}" if record.url else ""),
    ]
    return [(k, v) for k, v in fields if v]


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
        Entry(vocab.ENTRY_TYPE, key, [Field(k, v) for k, v in fields_of(record)])  # type: ignore[operator]
        for key, record in keyed
    ]
    return bibtexparser.write_string(
        Library(entries), unparse_stack=[], bibtex_format=fmt
    ).rstrip("\n")


_HEAD = re.compile(r"^(@\w+\{)[^,\n]*,")


class _Entries(Style):
    """Entries with unique citation keys, a blank line between them."""

    keyed = True
    fields_of = staticmethod(biblatex_fields)

    def piece(self, record: Record, page: str | None = None) -> list[str]:
        """The entry under its author-year key, with the key and the record id beside it."""
        del page
        key = record.author_year_key()
        return [key, write_entries([(key, record)], type(self).fields_of), record.id]

    def stream(self, pieces: Sequence[list[str]], export: bool = False,
               key: str = "id") -> Iterator[str]:
        """The entries, each under its key: the record id, or author and year made unique."""
        del export
        if key == "author-year":
            keys = unique_keys([p[0] for p in pieces])
        else:
            keys = [p[2] for p in pieces]
        for i, (piece, chosen) in enumerate(zip(pieces, keys, strict=True)):
            text = piece[1]
            if chosen != piece[0]:
                text = _HEAD.sub(lambda m, k=chosen: m.group(1) + k + ",", text, count=1)
            yield ("\n\n" + text) if i else text


class BibLaTeX(_Entries):
    """BibLaTeX @misc entries, for biber."""

    name = "biblatex"
    help = "BibLaTeX @misc entries (biber)"
    fields_of = staticmethod(biblatex_fields)


class BibTeX(_Entries):
    """Classic BibTeX @misc entries (ASCII), for bibtex."""

    name = "bibtex"
    help = "classic BibTeX @misc entries"
    fields_of = staticmethod(bibtex_fields)


BIBLATEX, BIBTEX = BibLaTeX(), BibTeX()
