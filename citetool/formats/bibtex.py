"""BibTeX and BibLaTeX entries from escaped field values, laid out as bibtexparser writes them.

What goes in which field is the format's vocabulary (citetool.vocab.bibtex), shared with the
BibTeX importer.
"""

from __future__ import annotations

import functools
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
_SPECIAL_TABLE = str.maketrans(_SPECIAL)  # each special is one character: one pass


def escape(value: str, ascii_only: bool = False) -> str:
    """Escape text so LaTeX prints it: specials as commands, non-ASCII as accents for BibTeX."""
    out = value.translate(_SPECIAL_TABLE)
    if ascii_only and not out.isascii():
        # Greek stays text, as Cyrillic and CJK do: pylatexenc would make it math symbols
        # (\ensuremath{\alpha}) or Latin look-alikes (omicron as "o")
        parts = _GREEK_RUN.split(out)
        parts[0::2] = [_accents(p) if not p.isascii() else p for p in parts[0::2]]
        out = "".join(parts)
    return out


@functools.lru_cache(maxsize=4096)
def _accents(text: str) -> str:
    """Non-ASCII letters as LaTeX accents (pylatexenc; memoized, as names recur in a batch)."""
    from pylatexenc.latexencode import unicode_to_latex

    return unicode_to_latex(
        text, non_ascii_only=True, unknown_char_policy="keep", unknown_char_warning=False)


_OPENERS = frozenset(" \t([{\u2014/")
_LATEX_QUOTE = {('"', True): "``", ('"', False): "''", ("'", True): "`", ("'", False): "'"}


def latex_quotes(text: str) -> str:
    """Straight quotes as TeX's opening and closing quotes, chosen by position and keeping
    their kind: "a" becomes ``a'' and 'a' becomes `a'. An apostrophe stays ' (TeX prints it
    as one).

    TeX prints a straight " as a straight mark (and babel's German makes it a shorthand) and
    ' always as a closing quote, so '...' printed with two closing quotes. These ligatures
    print right with or without csquotes, in biblatex and classic BibTeX alike; `{}` keeps two
    adjacent marks apart, so that a single and a double closing quote do not join into ''' .
    """
    if '"' not in text and "'" not in text:
        return text
    out: list[str] = []
    last_open = False  # the previous character was an opening mark
    for i, ch in enumerate(text):
        if ch not in "\"'" or text[i - 1:i] == "\\":  # \" and \' are accents
            out.append(ch)
            last_open = False
            continue
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        opening = (prev in _OPENERS or last_open) and not nxt.isspace()
        if ch == "'" and opening and not _closes_later(text, i + 1):
            opening = False  # an elision ('60s), not a quotation
        mark = _LATEX_QUOTE[ch, opening]
        if out and out[-1][-1:] in ("`", "'"):
            out.append("{}")
        out.append(mark)
        last_open = opening
    return "".join(out)


def _closes_later(text: str, start: int) -> bool:
    """Whether a closing single quote follows: a straight one after a non-space and before a
    non-letter."""
    for j in range(start, len(text)):
        if text[j] == "'" and not text[j - 1].isspace() and (
                j + 1 == len(text) or not text[j + 1].isalnum()):
            return True
    return False


def _sentence(text: str) -> str:
    """A field printed as a sentence of its own (after a full stop) starts with a capital."""
    return text[:1].upper() + text[1:] if text[:1].islower() else text


_GREEK_RUN = re.compile("([\u0370-\u03ff\u1f00-\u1fff]+)")
_WORD = re.compile(r"[^\W\d_][\w\u2019'-]*")


def _protected_title(title: str, record: Record, ascii_only: bool,
                     capitals: bool = False) -> str:
    """The title escaped, with proper names in braces so styles keep their capitals; with
    `capitals`, every word that starts with a capital too."""
    spans = protect.spans(title, protect.record_phrases(record))
    if capitals:
        words = [m.span() for m in _WORD.finditer(title) if m.group()[0].isupper()]
        spans = protect.merge(spans + words)
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(escape(title[last:start], ascii_only))
        out.append("{" + escape(title[start:end], ascii_only) + "}")
        last = end
    out.append(escape(title[last:], ascii_only))
    return "".join(out)


def _name(agent: Person | Organization, ascii_only: bool) -> str:
    """One name for a BibTeX name list: 'Family, Given', or braced as one word: an
    organization, or a name written family name first ('{Shen Zhihua}')."""
    if is_org(agent):
        return "{" + escape(agent.org, ascii_only) + "}"
    if agent.family_first:
        # styles print given names first (or invert the first author): braced, the name is
        # printed as written everywhere and still sorts by the family name, which leads
        return "{" + escape(agent.reading(scripts=True), ascii_only) + "}"
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
    collection = src.collection if src.collection != record.archive else None
    parts = [
        src.call_number and escape(_sentence(src.call_number), ascii_only),
        src.pages and _pages(src.pages),
        collection and escape(_sentence(collection), ascii_only),
        escape(_sentence(record.archive), ascii_only) if with_archive else "",
    ]
    # styles print it after the title's full stop: 'P. 12', as biblatex writes a page prefix
    return _sentence(", ".join(p for p in parts if p))


def _credits(record: Record) -> list[str]:
    out = []
    if record.obtained_by:
        out.append(vocab.OBTAINED_BY + _and(record.obtained_by))
    if record.contributed_by:
        out.append(vocab.CONTRIBUTED_BY + _and(record.contributed_by))
    return out


def _and(agents: Sequence[Person | Organization]) -> str:
    return and_list([a.reading() for a in agents], serial=False)


def _named_in(title: str, agent: Person | Organization, record: Record) -> bool:
    """Whether the title already names this recipient: an organization by its name, a person
    by the full name or by the family name alone ('Letter to Comrade Stalin'), not counting
    a family name inside another name the record gives ('Raúl Castro' for Fidel Castro)."""
    if _words(agent.reading()).search(title):
        return True
    if is_org(agent):
        return False
    for other in record.names:
        if other is not agent and not is_org(other):
            title = _words(other.reading()).sub(" ", title)
    return bool(_words(agent.family_part()).search(title))


def _words(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")


def unnamed_recipients(record: Record) -> list[Person | Organization]:
    """The recipients the title does not name: what `titleaddon` adds to the title."""
    return [a for a in record.recipients if not _named_in(record.title, a, record)]


def _titleaddon(record: Record) -> str:
    parts = []
    for agent in unnamed_recipients(record):
        if is_org(agent):
            article = "" if agent.org.lower().startswith("the ") else "the "
            parts.append(article + "{" + escape(agent.org) + "}")
        else:
            parts.append(escape(agent.reading()))
    if not parts:
        return ""
    # printed after the title's full stop: a sentence of its own
    return vocab.TO + (" and ".join(parts) if len(parts) <= 2 else ", ".join(parts))


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
        # every recipient, for readers, when the title names some of them
        (vocab.RECIPIENTS, names(record.recipients)
         if len(unnamed_recipients(record)) < len(record.recipients) else ""),
        ("date", biblatex_date(record)),
        ("translator", names(record.translators)),
        ("howpublished", _howpublished(record, False, with_archive=False)),
        ("library", src.call_number and escape(src.call_number)),
        ("organization", escape(_sentence(record.archive))),
        ("url", record.url or ""),
        ("langid", vocab.LANGIDS.get(record.language, "")),
        ("addendum", escape(". ".join(_credits(record)))),
    ]
    return [(k, "{" + (v if k == "url" else latex_quotes(v)) + "}") for k, v in fields if v]


def bibtex_fields(record: Record) -> list[tuple[str, str]]:
    """The fields of a classic BibTeX @misc entry (ASCII, LaTeX escapes, no day field)."""
    note = []
    if record.translators:
        note.append(vocab.TRANSLATED_BY + _and(record.translators))
    note += _credits(record)
    fields = [
        ("author", "{" + names(record.authors, True) + "}" if record.authors else ""),
        # BibTeX styles sort by author, else by key, and warn when both are missing
        ("key", "{" + escape(record.short_title, True) + "}" if not record.authors else ""),
        # the whole title braced: classic styles lowercase every unbraced word but the first,
        # and the record cannot tell a headline-style capital from a proper name ("Foreign
        # Minister Pak"), so the title prints as written, as biblatex and Chicago print it;
        # names and keep_case phrases keep their own braces inside, for readers
        # classic styles (plain) lowercase every unbraced title word but the first, and a
        # record cannot tell a headline capital from a proper noun ("Pak"): each capitalized
        # word is braced, never the whole title (the style guide's rule)
        ("title", "{" + _protected_title(record.title, record, True, capitals=True) + "}"),
        ("howpublished", "{" + _howpublished(record, True, with_archive=True) + "}"),
        *_year_month(record),
        ("note", "{" + escape(". ".join(note), True) + "}" if note else ""),
        ("url", "{" + record.url + "}" if record.url else ""),
    ]
    return [(k, v if k in ("url", "month") else latex_quotes(v)) for k, v in fields if v]


def _year_month(record: Record) -> list[tuple[str, str]]:
    """Classic BibTeX's `year` and `month`, which styles print as 'month year': the day rides
    in `month` ('mar # {~24,}' prints 'March 24, 1962'); an approximate date or a range over
    months is written whole in `year` ('[1962?]', 'March--May 1962'). No part prints twice."""
    date = record.date
    if date is None:
        # "n.d." as Chicago writes it (BibTeX styles warn about an empty year)
        return [("year", "{n.d.}")]
    end = date.until
    if date.circa or (end is not None and (
            date.day is None or end.day is None
            or (end.year, end.month) != (date.year, date.month))):
        return [("year", "{" + escape(date.prose().replace("\u2013", "--"), True) + "}")]
    fields = [("year", "{" + str(date.year) + "}")]
    if date.month:
        month = vocab.MONTHS[date.month - 1]
        if date.day:
            days = str(date.day) + (f"--{end.day}" if end is not None else "")
            month += " # {~" + days + ",}"
        fields.append(("month", month))
    return fields


def write_entries(keyed: Sequence[tuple[str, Record]], fields_of: object) -> str:
    """Entries under the given keys, a blank line between them, laid out as bibtexparser's
    writer lays them out (two-space indent, values from column 15, trailing commas).

    Written here rather than through bibtexparser's Library and writer, which cost as much
    as making the fields; tests/test_properties.py checks the text equals the writer's."""
    return "\n\n".join(_entry(key, fields_of(record)) for key, record in keyed)  # type: ignore[operator]


def _entry(key: str, fields: list[tuple[str, str]]) -> str:
    """One entry: its type and key, then a field a line."""
    lines = [f"@{vocab.ENTRY_TYPE}{{{key},"]
    lines += [f"  {name}{' ' * (_VALUE_COLUMN - len(name))} = {value}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines)


_VALUE_COLUMN = 12  # bibtexparser's value_column 15, less its " = "


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
