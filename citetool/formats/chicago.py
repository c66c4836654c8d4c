"""Chicago notes and bibliography (CMOS 18), as the official CSL style renders archival items.

The style part (what goes where) is here; the text rules it uses (title case, quotes, page
ranges) are in citetool.text. Output equals citeproc-js's with chicago-notes-bibliography.csl
on citetool's own CSL-JSON; the conformance tests check that and list where we differ.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import protect, text
from ..plain import is_org

if TYPE_CHECKING:
    from ..model import Date, DatePoint, Organization, Person, Record

    Agent = Person | Organization

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# scripts written with spaces between names (citeproc-js's "romanesque" letters): Latin,
# Greek, Cyrillic, Hebrew, Arabic, Thai
_LATIN = re.compile(
    r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    r"\u0600-\u06ff\u0e01-\u0e5b\u1f00-\u1fff]"
)
# a period after these is dropped, as citeproc-js merges punctuation ("?" + "." is "?")
_TERMINAL = ".?!:;"



# --- names ---------------------------------------------------------------------------------


def _romanesque(person: Person) -> bool:
    """Whether a name is in a script written with spaces (citeproc-js's 'romanesque' test)."""
    return bool(_LATIN.search(person.family + (person.given or "")))


def display_name(agent: Agent) -> str:
    """A name in reading order: 'Jeffrey Wang', 'Shen Zhihua', '金日成', 'Charles de Gaulle'."""
    if is_org(agent):
        return text.curl(agent.org)
    given = text.space_initials(agent.given) if agent.given else ""
    family = " ".join(p for p in (agent.particle, agent.family) if p)
    if not _romanesque(agent):
        out = agent.family + given
    elif agent.family_first:
        out = " ".join(p for p in (family, given) if p)
    else:
        out = " ".join(p for p in (given, family) if p)
    if agent.suffix:
        out += " " + agent.suffix
    return text.curl(out)


def sort_name(agent: Agent) -> str:
    """A name inverted for the bibliography: 'Wang, Jeffrey', 'Gaulle, Charles de'."""
    if is_org(agent) or agent.family_first or not agent.given:
        return display_name(agent)
    if not _romanesque(agent):
        return display_name(agent)
    given = text.space_initials(agent.given)
    if agent.particle:
        given += " " + agent.particle
    out = f"{agent.family}, {given}"
    if agent.suffix:
        out += ", " + agent.suffix
    return text.curl(out)


def short_name(agent: Agent) -> str:
    """A name as short notes give it: the family name with its particle."""
    if is_org(agent):
        return display_name(agent)
    return text.curl(" ".join(p for p in (agent.particle, agent.family) if p))


def _and_list(names: list[str]) -> str:
    """Two names joined by 'and'; three or more with commas and a final 'and'."""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + ", and " + names[-1]


def note_names(agents: Sequence[Agent], short: bool = False) -> str:
    """Names in a note: one, two joined by 'and', three or more as 'X et al.'."""
    form = short_name if short else display_name
    if len(agents) >= 3:
        return form(agents[0]) + " et al."
    return _and_list([form(a) for a in agents])


def bib_names(agents: Sequence[Agent]) -> str:
    """Names leading a bibliography entry: the first inverted, seven or more cut to three."""
    names = [sort_name(agents[0])] + [display_name(a) for a in agents[1:]]
    if len(agents) >= 7:
        return ", ".join(names[:3]) + ", et al."
    if len(names) == 2:
        # the official style puts a comma before "and" only when a person comes second
        comma = "," if not is_org(agents[1]) else ""
        return f"{names[0]}{comma} and {names[1]}"
    return _and_list(names)


def bib_translators(agents: Sequence[Agent]) -> str:
    """Translators after the title of a bibliography entry, in reading order."""
    names = [display_name(a) for a in agents]
    if len(names) >= 7:
        return ", ".join(names[:3]) + ", et al."
    return _and_list(names)


# --- dates ---------------------------------------------------------------------------------


def _point(date: DatePoint) -> str:
    """One date: 'March 24, 1962', 'March 1962' or '1962'."""
    if date.month is None:
        return str(date.year)
    month = MONTHS[date.month - 1]
    if date.day is None:
        return f"{month} {date.year}"
    return f"{month} {date.day}, {date.year}"


def format_date(date: Date | None) -> str:
    """A date, range or approximate date the way the Chicago style prints it."""
    if date is None:
        return "n.d."
    end = date.until
    if end is None:
        out = _point(date)
    elif date.year != end.year or date.month is None:
        out = f"{_point(date)}\u2013{_point(end)}"
    elif date.day is None or end.day is None:
        out = f"{MONTHS[date.month - 1]}\u2013{_point(end)}"
    elif date.month != end.month:
        out = f"{MONTHS[date.month - 1]} {date.day}\u2013{_point(end)}"
    else:
        out = f"{MONTHS[date.month - 1]} {date.day}\u2013{end.day}, {end.year}"
    return f"[{out}?]" if date.circa else out


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
    if punct in ",." and out.endswith(tuple(text.CLOSERS)):
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
    return out.endswith(tuple(_TERMINAL) if punct == "." else punct) if punct else False


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
    return (_collate(name), _collate(record.title))


_NOT_WORD = re.compile(r"[^\w\s]")


def _collate(value: str) -> str:
    """A case- and accent-insensitive key that ignores punctuation."""
    folded = unicodedata.normalize("NFKD", value.casefold())
    if not folded.isascii():
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _NOT_WORD.sub("", folded).strip()


# --- the registered renderers --------------------------------------------------------------


def render_note(records: Sequence[Record], page: str | None = None) -> str:
    """Full notes, one per line."""
    return "\n".join(note(r, page) for r in records)


def render_short(records: Sequence[Record], page: str | None = None) -> str:
    """Short notes, one per line."""
    return "\n".join(short_note(r, page) for r in records)


def render_bibliography(records: Sequence[Record], page: str | None = None) -> str:
    """Bibliography entries, one per line, in the order given."""
    del page  # a bibliography entry cites the whole document
    return "\n".join(bibliography(r) for r in records)


def render_sorted_bibliography(records: Sequence[Record]) -> str:
    """A bibliography: entries sorted as Chicago sorts them, one per line."""
    return "\n".join(bibliography(r) for r in sorted(records, key=sort_key))
