"""Records as plain Python objects, for rendering from the cache without pydantic or YAML.

The pydantic model (citetool.model) validates; these classes only carry data that was
validated before (the cache stores `Record.model_dump(mode="json")`). The methods the renderers
call live here in mixins that the pydantic classes share, so both kinds render alike.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

SCHEMA_VERSION = "2"  # of the record model; a change makes every cached record stale

# field -> default, in the model's order (a test keeps these equal to citetool.model)
PERSON_FIELDS = {"family": None, "given": None, "particle": None, "suffix": None,
                 "family_first": False}
SOURCE_FIELDS = {"repository": None, "call_number": None, "pages": None, "collection": None,
                 "reprinted_in": None}
RECORD_LISTS = ("keep_case", "authors", "recipients", "translators", "obtained_by",
                "contributed_by", "original_languages", "funders", "subjects")
RECORD_FIELDS = {"id": None, "type": "document", "title": None, "short_title": None,
                 "keep_case": (), "date": None, "authors": (), "recipients": (),
                 "translators": (), "obtained_by": (), "contributed_by": (), "archive": None,
                 "url": None, "source": None, "source_statement": None,
                 "citation_layout": "current", "citation_title": None, "language": "en",
                 "translated": False,
                 "original_languages": (), "summary": None, "funders": (), "subjects": (),
                 "text": None, "notes": None}


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
_INITIAL = re.compile(r"\.(?=\w)")
_NOT_WORD = re.compile(r"[^\w\s]")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def space_initials(given: str) -> str:
    """Initials are spaced: 'L.W.' -> 'L. W.' (one name token to BibTeX and biber otherwise)."""
    return _INITIAL.sub(". ", given)


def collate(value: str) -> str:
    """A case- and accent-insensitive sort key that ignores punctuation."""
    folded = unicodedata.normalize("NFKD", value.casefold())
    if not folded.isascii():
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _NOT_WORD.sub("", folded).strip()


class DateMethods:
    """What renderers ask of a date point (no annotations here: pydantic would take them as
    fields of the models that share this mixin)."""

    def parts(self) -> list[int]:
        """The date as CSL date-parts: [year], [year, month] or [year, month, day]."""
        return [p for p in (self.year, self.month, self.day) if p is not None]  # type: ignore[attr-defined]

    def iso(self) -> str:
        """The date in ISO 8601, as precise as it is known."""
        out = f"{self.year:04d}"  # type: ignore[attr-defined]
        if self.month is not None:  # type: ignore[attr-defined]
            out += f"-{self.month:02d}"  # type: ignore[attr-defined]
        if self.day is not None:  # type: ignore[attr-defined]
            out += f"-{self.day:02d}"  # type: ignore[attr-defined]
        return out

    def written(self, padded: bool = False) -> str:
        """This point in words: 'March 24, 1962', 'March 1962' or '1962' ('March 04' padded)."""
        year, month, day = self.year, self.month, self.day  # type: ignore[attr-defined]
        if month is None:
            return str(year)
        if day is None:
            return f"{MONTHS[month - 1]} {year}"
        return f"{MONTHS[month - 1]} {day:02d}, {year}" if padded else (
            f"{MONTHS[month - 1]} {day}, {year}")

    def plain_text(self, padded: bool = False) -> str:
        """The date as the archive writes it: 'c. ' if approximate, ' - ' between a range."""
        out = self.written(padded)
        until = getattr(self, "until", None)
        if until is not None:
            out += " - " + until.written(padded)
        return ("c. " + out) if getattr(self, "circa", False) else out

    def prose(self) -> str:
        """The date as CMOS writes it: ranges with en dashes ('March 24\u201326, 1962'),
        an approximate date bracketed with a question mark ('[1962?]')."""
        end = getattr(self, "until", None)
        month, day = self.month, self.day  # type: ignore[attr-defined]
        if end is None:
            out = self.written()
        elif self.year != end.year or month is None:  # type: ignore[attr-defined]
            out = f"{self.written()}\u2013{end.written()}"
        elif day is None or end.day is None:
            out = f"{MONTHS[month - 1]}\u2013{end.written()}"
        elif month != end.month:
            out = f"{MONTHS[month - 1]} {day}\u2013{end.written()}"
        else:
            out = f"{MONTHS[month - 1]} {day}\u2013{end.day}, {end.year}"
        return f"[{out}?]" if getattr(self, "circa", False) else out


class AgentMethods:
    """How a person or an organization is written, in every order a style needs."""

    def family_part(self) -> str:
        """The family name with its particle ('de Gaulle'); an organization's name."""
        if self.org is not None:  # type: ignore[attr-defined]
            return self.org  # type: ignore[attr-defined]
        return " ".join(p for p in (self.particle, self.family) if p)  # type: ignore[attr-defined]

    def romanesque(self) -> bool:
        """Whether the name is in a script written with spaces (citeproc-js's test)."""
        if self.org is not None:  # type: ignore[attr-defined]
            return True
        return bool(_LATIN.search(self.family + (self.given or "")))  # type: ignore[attr-defined]

    def reading(self, spaced: bool = False, scripts: bool = False) -> str:
        """Reading order: 'Jeffrey Wang', 'Shen Zhihua', 'Charles de Gaulle', 'Ministry of ...'.

        `spaced` spaces initials ('L. W.'); `scripts` writes a name in a script without
        spaces as one word ('金日成'), as citeproc-js does.
        """
        if self.org is not None:  # type: ignore[attr-defined]
            return self.org  # type: ignore[attr-defined]
        given = self.given or ""  # type: ignore[attr-defined]
        if spaced and given:
            given = space_initials(given)
        if scripts and not self.romanesque():
            out = self.family + given  # type: ignore[attr-defined]
        elif self.family_first:  # type: ignore[attr-defined]
            out = " ".join(p for p in (self.family_part(), given) if p)
        else:
            out = " ".join(p for p in (given, self.family_part()) if p)
        return f"{out} {self.suffix}" if self.suffix else out  # type: ignore[attr-defined]

    def inverted(self, spaced: bool = False, scripts: bool = False) -> str:
        """Inverted for a list sorted by name: 'Wang, Jeffrey', 'Gaulle, Charles de'; names
        written family name first, single names and organizations stay in reading order."""
        if self.org is not None or self.family_first or not self.given:  # type: ignore[attr-defined]
            return self.reading(spaced, scripts)
        if scripts and not self.romanesque():
            return self.reading(spaced, scripts)
        given = space_initials(self.given) if spaced else self.given  # type: ignore[attr-defined]
        if self.particle:  # type: ignore[attr-defined]
            given += " " + self.particle  # type: ignore[attr-defined]
        out = f"{self.family}, {given}"  # type: ignore[attr-defined]
        return f"{out}, {self.suffix}" if self.suffix else out  # type: ignore[attr-defined]

    def sort_key(self) -> str:
        """The key a bibliography sorts this name by (inverted, case and accents folded)."""
        if self.org is not None:  # type: ignore[attr-defined]
            return collate(self.org)  # type: ignore[attr-defined]
        return collate(self.inverted(spaced=True, scripts=True))


class RecordMethods:
    """What renderers ask of a record beyond its fields."""

    @property
    def names(self) -> list[Any]:
        """Every agent the record names, in every role."""
        return [*self.authors, *self.recipients, *self.translators, *self.obtained_by,  # type: ignore[attr-defined]
                *self.contributed_by]  # type: ignore[attr-defined]

    def author_year_key(self) -> str:
        """An ASCII citation key: first author (or title) and year, e.g. 'petrov_1960'."""
        lead = self.authors or self.translators  # type: ignore[attr-defined]
        if lead:
            source = lead[0].org if lead[0].org is not None else lead[0].family
        else:
            source = " ".join(self.title.split()[:3])  # type: ignore[attr-defined]
        ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
        slug = _NOT_KEY.sub("_", ascii_text.lower()).strip("_") or "doc_" + _NOT_KEY.sub(
            "_", self.id.lower())  # type: ignore[attr-defined]
        date = self.date  # type: ignore[attr-defined]
        return f"{slug}_{date.year if date is not None else 'nd'}"


def is_org(agent: Any) -> bool:
    """Whether an agent (pydantic or plain) is an organization."""
    return getattr(agent, "org", None) is not None


class _Plain:
    __slots__: tuple[str, ...] = ()

    def __init__(self, **fields: Any) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"{type(self).__name__}({inner})"


class Person(_Plain, AgentMethods):
    """A person, as validated before."""

    __slots__ = tuple(PERSON_FIELDS)
    org = None


class Organization(_Plain, AgentMethods):
    """An organization, as validated before."""

    __slots__ = ("org",)
    family = given = particle = suffix = None
    family_first = False


class DatePoint(_Plain, DateMethods):
    """A date point, as validated before."""

    __slots__ = ("year", "month", "day")


class Date(_Plain, DateMethods):
    """A date, as validated before."""

    __slots__ = ("year", "month", "day", "circa", "until")


class Source(_Plain):
    """The original's location, as validated before."""

    __slots__ = tuple(SOURCE_FIELDS)


class Record(_Plain, RecordMethods):
    """A record, as validated before."""

    __slots__ = tuple(RECORD_FIELDS)


def _agent(data: dict[str, Any]) -> Person | Organization:
    if "org" in data:
        return Organization(org=data["org"])
    return Person(**{k: data.get(k, d) for k, d in PERSON_FIELDS.items()})


def _point(data: dict[str, Any]) -> DatePoint:
    return DatePoint(year=data["year"], month=data.get("month"), day=data.get("day"))


def record(data: dict[str, Any]) -> Record:
    """A plain record from validated JSON data (as `Record.model_dump(mode='json')` gives)."""
    fields = {k: data.get(k, d) for k, d in RECORD_FIELDS.items()}
    for key in ("authors", "recipients", "translators", "obtained_by", "contributed_by"):
        fields[key] = [_agent(a) for a in fields[key]]
    for key in ("keep_case", "original_languages", "funders", "subjects"):
        fields[key] = list(fields[key])
    date = fields["date"]
    if date is not None:
        until = date.get("until")
        fields["date"] = Date(year=date["year"], month=date.get("month"), day=date.get("day"),
                              circa=date.get("circa", False),
                              until=_point(until) if until else None)
    source = fields["source"] or {}
    fields["source"] = Source(**{k: source.get(k, d) for k, d in SOURCE_FIELDS.items()})
    fields["notes"] = dict(fields["notes"] or {})
    return Record(**fields)
