"""Chicago notes and bibliography (CMOS 18), as the official CSL style renders archival items.

The style part (what goes where) is here; the text rules it uses (title case, quotes, page
ranges) are in citetool.text. Output equals citeproc-js's with chicago-notes-bibliography.csl
on citetool's own CSL-JSON; the conformance tests check that and list where we differ.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .. import protect, text
from ..plain import collate, is_org
from .base import Style, lines

if TYPE_CHECKING:
    from ..model import Date, Organization, Person, Record

    Agent = Person | Organization

# a period after these is dropped, as citeproc-js merges punctuation ("?" + "." is "?")
_TERMINAL = ".?!:;"
_TERMINALS = tuple(_TERMINAL)  # str.endswith takes a tuple; built once, not per part
_CLOSERS = tuple(text.CLOSERS)
_CLOSING_QUOTES = "\u2019\u201d"



# --- names ---------------------------------------------------------------------------------


def display_name(agent: Agent) -> str:
    """A name in reading order: 'Jeffrey Wang', 'Shen Zhihua', '金日成', 'Charles de Gaulle'."""
    return text.curl(agent.reading(spaced=True, scripts=True))


def sort_name(agent: Agent) -> str:
    """A name inverted for the bibliography: 'Wang, Jeffrey', 'Gaulle, Charles de'."""
    return text.curl(agent.inverted(spaced=True, scripts=True))


def short_name(agent: Agent) -> str:
    """A name as short notes give it: the family name with its particle."""
    return text.curl(agent.family_part())


def note_names(agents: Sequence[Agent], short: bool = False) -> str:
    """Names in a note: one, two joined by 'and', three or more as 'X et al.'."""
    form = short_name if short else display_name
    if len(agents) >= 3:
        return form(agents[0]) + " et al."
    return text.and_list([form(a) for a in agents])


def bib_names(agents: Sequence[Agent]) -> str:
    """Names leading a bibliography entry: the first inverted, seven or more cut to three."""
    names = [sort_name(agents[0])] + [display_name(a) for a in agents[1:]]
    if len(agents) >= 7:
        return ", ".join(names[:3]) + ", et al."
    if len(names) == 2:
        # the official style puts a comma before "and" only when a person comes second
        comma = "," if not is_org(agents[1]) else ""
        return f"{names[0]}{comma} and {names[1]}"
    return text.and_list(names)


def bib_translators(agents: Sequence[Agent]) -> str:
    """Translators after the title of a bibliography entry, in reading order."""
    names = [display_name(a) for a in agents]
    if len(names) >= 7:
        return ", ".join(names[:3]) + ", et al."
    return text.and_list(names)


# --- dates ---------------------------------------------------------------------------------


def format_date(date: Date | None) -> str:
    """A date, range or approximate date the way the Chicago style prints it."""
    return "n.d." if date is None else date.prose()


# --- titles and pages ----------------------------------------------------------------------


def _is_english(record: Record) -> bool:
    return record.language == "en" or record.language.startswith("en-")


def styled_title(record: Record, short: bool = False) -> str:
    """The title (or short title) title-cased for English items, with inner quotes curled."""
    raw = record.short_title if short else record.title
    keep = protect.spans(raw, protect.record_phrases(record))
    cased = text.title_case(raw, keep) if _is_english(record) else raw
    return text.curl(cased, inside=True, keep=keep if len(cased) == len(raw) else None)


def _attach(out: str, sep: str, part: str) -> str:
    """Append a part after a separator; a comma or period after quoted text goes inside its
    quotation marks (a period is dropped after text ending in . ? ! : or ;, a comma after
    a comma)."""
    if not out:
        return part
    punct, rest = sep[:1], sep[1:]
    if punct in ",." and out.endswith(_CLOSERS):
        body = out.rstrip(text.CLOSERS)
        closers = out[len(body) :]
        if _absorbs(body, punct):
            punct = ""
        return body + punct + closers + rest + part
    if _absorbs(out, punct):
        return out + rest + part
    return out + sep + part


def _absorbs(out: str, punct: str) -> bool:
    """Whether the text's last mark makes a following separator's punctuation redundant."""
    return out.endswith(_TERMINALS if punct == "." else punct) if punct else False


def _join(parts: list[tuple[str, str]]) -> str:
    """Join (separator, part) pairs, skipping empty parts."""
    out = ""
    for sep, part in parts:
        if part:
            out = _attach(out, sep, part)
    return out


def _end(sentence: str) -> str:
    """Close a citation with a period, inside a final quotation mark."""
    out = _attach(sentence, ".", "") if not sentence.endswith(".") else sentence
    return text.closing_marks(out)


def _pages(pages: str, labelled: bool) -> str:
    """Pages with en dashes; labelled 'p.'/'pp.' after a call number (CMOS 14.123)."""
    if not text.pages_are_numeric(pages):
        return pages
    out = text.page_range(pages)
    if not labelled:
        return out
    return ("pp. " if text.pages_plural(pages) else "p. ") + out


# --- the three forms -----------------------------------------------------------------------


def _quote(title: str) -> str:
    return f"\u201c{title}{text.CLOSE_DOUBLE}"


def note(record: Record, page: str | None = None) -> str:
    """The full (first) note."""
    src = record.source
    lead = ""
    if record.authors:
        lead = note_names(record.authors)
    elif record.translators:
        lead = note_names(record.translators) + ", trans."
    trans = ""
    if record.authors and record.translators:
        trans = "trans. " + note_names(record.translators)
    pages = page if page is not None else src.pages
    # an approximate date is bracketed and attaches to what precedes it without a comma
    date_sep = " " if record.date is not None and record.date.circa else ", "
    return _end(
        _join(
            [
                ("", lead),
                (", ", _quote(styled_title(record))),
                (", ", trans),
                (date_sep, format_date(record.date)),
                (", ", src.call_number and text.curl(src.call_number)),
                (", ", pages and _pages(pages, labelled=bool(src.call_number))),
                (", ", src.collection and text.curl(src.collection)),
                (", ", text.curl(record.archive)),
                (", ", record.url or ""),
            ]
        )
    )


def short_note(record: Record, page: str | None = None) -> str:
    """The shortened (later) note: author's family name and short title."""
    lead = ""
    if record.authors:
        lead = note_names(record.authors, short=True)
    elif record.translators:
        lead = note_names(record.translators, short=True)
    pin = ""
    if page:
        pin = text.page_range(page) if text.pages_are_numeric(page) else page
    return _end(
        _join([("", lead), (", ", _quote(styled_title(record, short=True))), (", ", pin)])
    )


def bibliography(record: Record) -> str:
    """The bibliography entry."""
    src = record.source
    lead = ""
    if record.authors:
        lead = bib_names(record.authors)
    elif record.translators:
        lead = bib_names(record.translators) + ", trans."
    translated = ""
    if record.authors and record.translators:
        translated = "Translated by " + bib_translators(record.translators)
    location = ""
    if src.call_number:
        location = _join(
            [
                ("", text.curl(text.capitalize_first(src.call_number))),
                (", ", src.pages and _pages(src.pages, labelled=True)),
            ]
        )
    return _end(
        _join(
            [
                ("", lead),
                (". ", _quote(styled_title(record))),
                (". ", translated),
                (". ", format_date(record.date)),
                (". ", location),
                (". ", src.collection and text.curl(src.collection)),
                (". ", text.curl(record.archive)),
                (". ", record.url or ""),
            ]
        )
    )


def sort_key(record: Record) -> tuple[str, str]:
    """The bibliography's order: by authors (or title when there is none), then title."""
    lead = record.authors or record.translators
    if lead:
        # every name counts, as in the style's author-sort key: "X" sorts before "X and Y"
        name = " ".join(a.org if is_org(a) else sort_name(a) for a in lead)
    else:
        name = record.title
    return (collate(name), collate(record.title))


# --- the styles ----------------------------------------------------------------------------


class Note(Style):
    """The full (first) note."""

    name = "chicago-note"
    help = "Chicago full note (CMOS 18)"
    pinpoint = True

    def piece(self, record: Record, page: str | None = None) -> str:
        """The note, with the pinpoint page if given."""
        return note(record, page)


class ShortNote(Style):
    """The shortened (later) note."""

    name = "chicago-short"
    help = "Chicago short note"
    pinpoint = True

    def piece(self, record: Record, page: str | None = None) -> str:
        """The short note, with the pinpoint page if given."""
        return short_note(record, page)


class Bibliography(Style):
    """Bibliography entries: in the order given for `cite`, sorted as Chicago sorts for export."""

    name = "chicago-bibliography"
    help = "Chicago bibliography entry"

    def piece(self, record: Record, page: str | None = None) -> list[Any]:
        """The entry and the key Chicago sorts it by (a bibliography cites whole documents)."""
        del page
        return [bibliography(record), list(sort_key(record))]

    def stream(self, pieces: Sequence[list[Any]], export: bool = False,
               key: str = "id") -> Iterator[str]:
        """One entry per line; sorted as the official style sorts when exported."""
        del key
        chosen = sorted(pieces, key=lambda p: tuple(p[1])) if export else pieces
        return lines([p[0] for p in chosen])


NOTE, SHORT, BIBLIOGRAPHY = Note(), ShortNote(), Bibliography()
