"""Records as plain Python objects, for rendering from the cache without pydantic or YAML.

The pydantic model (citetool.model) validates; these classes only carry data that was
validated before (the cache stores `Record.model_dump(mode="json")`). The methods the renderers
call live here in mixins that the pydantic classes share, so both kinds render alike.
"""

from __future__ import annotations

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


class DateMethods:
    """What renderers ask of a date point (no annotations here: pydantic would take them as
    fields of the models that share this mixin)."""

    def parts(self) -> list[int]:
        """The date as CSL date-parts: [year], [year, month] or [year, month, day]."""
        return [p for p in (self.year, self.month, self.day) if p is not None]  # type: ignore[attr-defined]

    def iso(self) -> str:
        """The date in ISO 8601, as precise as it is known."""
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
        if self.day is not None:
            out += f"-{self.day:02d}"
        return out


class RecordMethods:
    """What renderers ask of a record beyond its fields."""

    @property
    def names(self) -> list[Any]:
        """Every agent the record names, in every role."""
        return [*self.authors, *self.recipients, *self.translators, *self.obtained_by,
                *self.contributed_by]


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


class Person(_Plain):
    """A person, as validated before."""

    __slots__ = tuple(PERSON_FIELDS)
    org = None


class Organization(_Plain):
    """An organization, as validated before."""

    __slots__ = ("org",)


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
