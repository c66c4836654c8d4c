"""The record model: every fact a citation of an archival document can need, validated.

Every field carries a description (shown by `citetool schema` and in editors), so this file is
the reference for what a record may hold.
"""

from __future__ import annotations

import calendar
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .plain import MONTHS, AgentMethods, DateMethods, RecordMethods

DOCUMENT_TYPES = (
    "agreement",
    "cable",
    "communique",
    "diary",
    "directive",
    "document",
    "instruction",
    "interview",
    "letter",
    "memorandum",
    "minutes",
    "note",
    "record-of-conversation",
    "report",
    "resolution",
    "speech",
    "statement",
    "telegram",
    "transcript",
)
DocumentType = Literal[DOCUMENT_TYPES]  # type: ignore[valid-type]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # control characters and line breaks
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum() accepts
# every byte but the control ones _CONTROL names: in UTF-8, a byte below 0x80 is always the
# character itself, so deleting these bytes leaves exactly the control characters (one C pass
# over a long text, several times faster than the regular expression)
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _CONTROL.match(chr(b)) or b > 0x7F)


def _has_control(value: str) -> bool:
    """Whether a (long) text holds a control character other than tab and line breaks."""
    try:
        return bool(value.encode("utf-8").translate(None, _NOT_CONTROL_BYTES))
    except UnicodeEncodeError:  # a lone surrogate
        return _CONTROL.search(value) is not None


def _clean_line(value: str) -> str:
    """Strip a one-line text field and refuse control characters and line breaks in it."""
    value = value.strip()
    # the common case in one C pass: printable (so no control character, no line break)
    # and starting with a letter or digit
    if value[:1].isalnum() and value.isprintable():
        return value
    if not value:
        raise ValueError("must not be empty")
    if _NOT_LINE.search(value):
        raise ValueError("must be one line of text without control characters")
    if not value[0].isalnum() and not _ALNUM.search(value):
        raise ValueError("must contain a letter or a digit")
    return value


Line = Annotated[str, Field(min_length=1, max_length=2000)]


class _Strict(BaseModel):
    """Base of every model here: unknown fields are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Person(_Strict, AgentMethods):
    """A person, with the parts of the name every format needs."""

    org: ClassVar[None] = None  # lets renderers ask any agent for .org cheaply

    family: Line = Field(
        description="Family name, or the single name of a person known by one name.",
    )
    given: Line | None = Field(None, description="Given names, as the person writes them.")
    particle: Line | None = Field(
        None, description="A particle kept with the family name, such as 'van' or 'de'."
    )
    suffix: Line | None = Field(None, description="A suffix such as 'Jr.' or 'III'.")
    family_first: bool = Field(
        False,
        description="Family name written first in every position (Chinese, Korean, "
        "Japanese, Hungarian names: 'Shen Zhihua').",
    )

    _clean = field_validator("family", "given", "particle", "suffix")(
        lambda cls, v: None if v is None else _clean_line(v)
    )


class Organization(_Strict, AgentMethods):
    """An organization (ministry, embassy, party committee) as author or recipient."""

    # lets renderers ask any agent for a person's parts cheaply
    family: ClassVar[None] = None
    given: ClassVar[None] = None
    particle: ClassVar[None] = None
    suffix: ClassVar[None] = None
    family_first: ClassVar[bool] = False

    org: Line = Field(description="The organization's name, in normal order.")

    _clean = field_validator("org")(lambda cls, v: _clean_line(v))


def _agent_kind(value: Any) -> str:
    """Tell a person from an organization by the keys a record gives."""
    if isinstance(value, dict):
        return "org" if "org" in value else "person"
    return "org" if isinstance(value, Organization) else "person"


Agent = Annotated[
    Annotated[Person, Tag("person")] | Annotated[Organization, Tag("org")],
    Discriminator(_agent_kind),
]


class DatePoint(_Strict, DateMethods):
    """A calendar date that may stop at the year or the month."""

    year: int = Field(ge=1, le=9999, description="Year (four digits).")
    month: int | None = Field(None, ge=1, le=12, description="Month, 1-12, if known.")
    day: int | None = Field(None, ge=1, le=31, description="Day of the month, if known.")

    @model_validator(mode="after")
    def _check_calendar(self) -> DatePoint:
        if self.day is not None:
            if self.month is None:
                raise ValueError("a day needs a month")
            last = calendar.monthrange(self.year, self.month)[1]
            if self.day > last:
                raise ValueError(f"day {self.day} is past the end of the month ({last})")
        return self



_ISO_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_point(text: str) -> dict[str, int]:
    """Turn '1962', '1962-03' or '1962-03-24' into date parts (ValueError if it is not one)."""
    m = _ISO_POINT.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    keys = ("year", "month", "day")
    return {k: int(v) for k, v in zip(keys, m.groups(), strict=True) if v is not None}


def parse_date(text: str) -> dict[str, Any]:
    """Turn the short text forms of a date into its fields: '1962-03-24', '1962-03', '1962',
    '1962~' (approximate) and '1962-03/1962-05' (a range). ValueError if it is none of them."""
    text = text.strip()
    out: dict[str, Any] = {}
    if text.endswith("~"):
        out["circa"] = True
        text = text[:-1]
    start, _, end = text.partition("/")
    out.update(parse_point(start))
    if end:
        out["until"] = parse_point(end)
    return out


_MONTH_NUMBERS = {name.lower(): i for i, name in enumerate(MONTHS, 1)}
_WRITTEN_POINT = re.compile(r"(?:(?P<month>[A-Za-z]+)\.?(?:\s+(?P<day>\d{1,2}))?)?,?\s*"
                            r"(?P<year>\d{4})?")
_DAY_YEAR = re.compile(r"(?P<day>\d{1,2}),\s*(?P<year>\d{4})")
_WRITTEN_RANGE = re.compile(r"\s*(?:\u2013|\u2014|\s-\s|\s+to\s+|(?<=\d)-(?=\d))\s*")


def _written_point(text: str, template: dict[str, int] | None = None) -> dict[str, int]:
    m = _WRITTEN_POINT.fullmatch(text.strip())
    if not m or not text.strip():
        raise ValueError(f"{text!r} is not a date")
    out: dict[str, int] = {}
    template = template or {}
    year = m["year"] or template.get("year")
    if year is None:
        raise ValueError(f"{text!r} has no year")
    out["year"] = int(year)
    if m["month"]:
        month = _MONTH_NUMBERS.get(m["month"].lower())
        if month is None:
            raise ValueError(f"unknown month {m['month']!r}")
        out["month"] = month
    if m["day"]:
        if "month" not in out:
            raise ValueError(f"{text!r} has a day but no month")
        out["day"] = int(m["day"])
    return out


def parse_written(text: str) -> dict[str, Any]:
    """Turn a date written in words into its fields, as the archive writes it ('March 24,
    1962', 'March 1962', '1962', 'c. 1962', 'May 1962 - June 1962', 'March 04, 1962') or as
    CMOS does ('March 24\u201326, 1962', 'March\u2013May 1962', '[1962?]').
    ValueError if it is none of them."""
    text = " ".join(text.split())
    out: dict[str, Any] = {}
    if text.startswith("[") and text.endswith("?]"):
        text, out["circa"] = text[1:-2], True
    for prefix in ("c. ", "ca. ", "circa "):
        if text.lower().startswith(prefix):
            text, out["circa"] = text[len(prefix):], True
    start, *rest = _WRITTEN_RANGE.split(text, maxsplit=1)
    if not rest:
        out.update(_written_point(start))
        return out
    # the start leaves out what it shares with the end: 'March 24\u201326, 1962'
    day_only = _DAY_YEAR.fullmatch(rest[0].strip())
    if day_only:
        out.update(_written_point(start, {"year": int(day_only["year"])}))
        if "day" not in out:
            raise ValueError(f"{text!r} is not a date")
        out["until"] = {"year": out["year"], "month": out["month"], "day": int(day_only["day"])}
        return out
    end = _written_point(rest[0])
    out.update(_written_point(start, end))
    out["until"] = end
    return out


class Date(DatePoint):
    """When the document was written: exact, partial, approximate or a range."""

    circa: bool = Field(False, description="The date is approximate ('ca. 1962').")
    until: DatePoint | None = Field(None, description="End of a range of dates.")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        """Accept the short text forms '1962-03-24', '1962-03', '1962~' and '1962/1963'."""
        return parse_date(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check_range(self) -> Date:
        if self.until is not None and self.until.parts() < self.parts():
            raise ValueError("a range must not end before it starts")
        return self


class Source(_Strict):
    """Where the original document is kept and how to find it there."""

    repository: Line | None = Field(
        None, description="The original repository, if the record names it apart from "
        "the call number."
    )
    call_number: Line | None = Field(
        None, description="The call number in the original repository, e.g. "
        "'PRC FMA 118-01025-02'."
    )
    pages: Line | None = Field(
        None, description="Pages or folios: '4-6', '12', 'l. 34', 'khuu 74-81'."
    )
    collection: Line | None = Field(None, description="The collection or fond, if any.")
    reprinted_in: Line | None = Field(
        None, description="Where the document was reprinted, as the archive states it."
    )

    _clean = field_validator("repository", "call_number", "pages", "collection", "reprinted_in")(
        lambda cls, v: None if v is None else _clean_line(v)
    )


_URL = re.compile(r"^https?://[^\s{}<>\"\\^`|]+$")


class Record(_Strict, RecordMethods):
    """One archival document and everything needed to cite it."""

    id: str = Field(
        pattern=ID_PATTERN,
        description="The archive's document id; the record's file is named <id>.yaml.",
    )
    type: DocumentType = Field(
        "document", description="What kind of document this is: " + ", ".join(DOCUMENT_TYPES)
    )
    title: Line = Field(description="The document's title as the archive gives it.")
    short_title: Line = Field(
        description="A short title of at most four words, in the title's order, for short "
        "notes."
    )
    keep_case: list[Line] = Field(
        default_factory=list,
        description="Words or phrases of the title kept exactly as written, never "
        "title-cased (proper names such as 'Hu-rak').",
    )
    date: Date | None = Field(None, description="When it was written; absent if undated.")
    authors: list[Agent] = Field(
        default_factory=list, description="Who wrote it: persons and organizations."
    )
    recipients: list[Agent] = Field(default_factory=list, description="To whom it was sent.")
    translators: list[Agent] = Field(
        default_factory=list, description="Who translated the text given."
    )
    obtained_by: list[Agent] = Field(
        default_factory=list, description="Who obtained the document for the archive."
    )
    contributed_by: list[Agent] = Field(
        default_factory=list, description="Who contributed the document to the archive."
    )
    archive: Line = Field(
        description="The archive that publishes the document, e.g. 'Wilson Center Digital "
        "Archive'."
    )
    url: str | None = Field(None, description="The document's permanent URL.")
    source: Source = Field(
        default_factory=Source, description="The original repository, call number, pages."
    )
    source_statement: Line | None = Field(
        None,
        description="The archive's provenance text, verbatim, as printed after its name in "
        "its recommended citation.",
    )
    citation_layout: Literal["current", "legacy"] = Field(
        "current",
        description="Layout of the archive's citation: 'current' (straight quotes, comma "
        "outside) or 'legacy' (curly quotes, comma inside, zero-padded day).",
    )
    citation_title: Line | None = Field(
        None,
        description="The title as the archive's citation prints it, quotation marks and comma "
        "included, verbatim, when the layout does not rebuild it from `title` (a stray space "
        "before the comma: '\u201cTalk with Pak Seong-cheol ,\u201d').",
    )
    language: str = Field(
        "en",
        pattern=LANGUAGE_PATTERN.pattern,
        description="BCP 47 code of the language of the text given (an English "
        "translation: 'en').",
    )
    translated: bool = Field(False, description="The text given is a translation.")
    original_languages: list[Line] = Field(
        default_factory=list, description="Language(s) of the original document, by name."
    )
    summary: str | None = Field(None, description="The archive's summary.")
    funders: list[Line] = Field(default_factory=list, description="Funding credits.")
    subjects: list[Line] = Field(default_factory=list, description="Subjects or keywords.")
    text: str | None = Field(None, description="The document's text, if kept.")
    notes: dict[str, str] = Field(
        default_factory=dict,
        description="Facts from an import that have no field here, kept rather than lost.",
    )

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        # an id names a file: one line as given (not stripped), and never a way out of the
        # records folder, as `cite` refuses it
        if isinstance(value, str) and (value != value.strip() or ".." in value):
            raise ValueError("an id is one word of letters, digits, '.', '_' or '-', "
                             "without '..' or spaces and line breaks")
        return value

    @field_validator("title", "short_title", "archive", "source_statement")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return None if value is None else _clean_line(value)

    @field_validator("keep_case", "original_languages", "funders", "subjects")
    @classmethod
    def _lines(cls, values: list[str]) -> list[str]:
        return [_clean_line(v) for v in values]

    @field_validator("short_title")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value.split()) > 4:
            raise ValueError("must be at most four words")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not _URL.match(value):
            raise ValueError(
                "must be an http(s) URL without spaces, braces, quotes or backslashes"
            )
        return value

    @field_validator("citation_title")
    @classmethod
    def _quoted_title(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        value = _clean_line(value)
        title = info.data.get("title")
        if value[0] not in "\"\u201c" or (title is not None and title not in value):
            raise ValueError("must be the title in quotation marks, as the archive's "
                             "citation prints it")
        return value

    @field_validator("summary", "text")
    @classmethod
    def _block(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if _has_control(value):
            raise ValueError("must not contain control characters")
        return value or None

