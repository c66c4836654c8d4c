"""RIS references (EndNote, Zotero, Mendeley exports) into records, parsed with rispy.

Each tag has a small handler; the shared builder runs them (citetool.importers.builder) with
the vocabulary the RIS style writes (citetool.vocab.ris). Tags with no place in the model are
kept in the record's notes under their rispy name.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import CitetoolError
from ..vocab import ris as vocab
from .builder import Draft, Outcome, build, ignore
from .common import family_first, is_org

_REF = "\x00reference"  # the whole reference, beside its tags
F = vocab.FIELDS


def looks_like(text: str) -> bool:
    """Whether the text holds a RIS reference (a 'TY  - ' line)."""
    return any(line.startswith("TY  -") for line in text.lstrip("\ufeff").splitlines()[:50])


def _one(value: Any) -> str:
    """A tag's value as one line of text (rispy gives lists for repeated tags)."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return str(value).strip()


def _reference(value: dict[str, Any], draft: Draft) -> None:
    """What holds for every reference: its id and its archive."""
    urls = value.get(F["url"]) or []
    doc = next((m for m in (re.search(r"/document/([^/?#\s]+)/?$", u) for u in urls) if m),
               None)
    rid = doc.group(1) if doc else re.sub(r"[^A-Za-z0-9._-]+", "-",
                                           _one(value.get(vocab.KEY, ""))).strip("-.")
    if not rid:
        draft.fail("the reference has no ID and no archive document URL", "ID")
    draft.raw["id"] = rid
    archive = value.get(F["archive"]) or value.get(vocab.PROVIDER)
    if not archive:
        draft.fail("the reference names no archive (DB)", "DB")
    draft.raw["archive"] = _one(archive)


def _set(field: str) -> Any:
    def handle(value: Any, draft: Draft) -> None:
        if _one(value):
            draft.raw[field] = _one(value)
    return handle


def _source(field: str) -> Any:
    def handle(value: Any, draft: Draft) -> None:
        if _one(value):
            draft.raw.setdefault("source", {}).setdefault(field, _one(value))
    return handle


def _agent(text: str) -> dict[str, Any]:
    """A RIS name; RIS cannot say a name is written family name first, so guess as for any
    inverted name ('Shen, Zhihua'); a name whose part before a comma reads as an organization
    is one ('Department of State, Bureau of Intelligence and Research'); 'Sukarno,' is a person."""
    before, _, after = text.partition(",")
    if after.strip() and len(before.split()) > 1 and is_org(before):
        return {"org": text.strip()}
    out = vocab.agent(text)
    if "family" in out and not out.get("particle") and family_first(out["family"],
                                                                    out.get("given")):
        out["family_first"] = True
    return out


def _names(field: str) -> Any:
    def handle(value: Any, draft: Draft) -> None:
        names = value if isinstance(value, list) else [value]
        draft.raw.setdefault(field, []).extend(_agent(str(n)) for n in names if str(n).strip())
    return handle


def _date(value: Any, draft: Draft) -> None:
    try:
        date = vocab.read_date(_one(value))
    except ValueError as exc:
        draft.fail(str(exc), "DA")
    if date is None and draft.fields.get(vocab.YEAR):
        date = vocab.read_date(_one(draft.fields[vocab.YEAR]) + "///")
    if date is not None:
        draft.raw["date"] = date


def _year(value: Any, draft: Draft) -> None:
    if "date" not in draft.raw and _one(value)[:4].isdigit():
        draft.raw["date"] = {"year": int(_one(value)[:4])}


def _url(value: Any, draft: Draft) -> None:
    urls = value if isinstance(value, list) else [value]
    if urls:
        draft.raw["url"] = _one(urls[0])
        for extra in urls[1:]:
            draft.keep("urls", _one(extra))


def _type(value: Any, draft: Draft) -> None:
    from ..model import DOCUMENT_TYPES

    kind = _one(value).lower()
    if kind in DOCUMENT_TYPES:
        draft.raw["type"] = kind
    elif kind:
        draft.keep("type_of_work", _one(value))


def _reference_type(value: Any, draft: Draft) -> None:
    if _one(value) != vocab.ITEM_TYPE:
        draft.keep("type_of_reference", _one(value))


def _keywords(value: Any, draft: Draft) -> None:
    words = value if isinstance(value, list) else [value]
    draft.raw["subjects"] = [_one(w) for w in words if _one(w)]


HANDLERS: dict[str, Any] = {
    _REF: _reference,
    F["title"]: _set("title"),
    "primary_title": _set("title"),
    F["short_title"]: _set("short_title"),
    F["authors"]: _names("authors"),
    "first_authors": _names("authors"),
    F["translators"]: _names("translators"),
    vocab.TRANSLATED_AUTHORS: _names("translators"),
    F["date"]: _date,
    vocab.YEAR: _year,
    "publication_year": _date,
    F["call_number"]: _source("call_number"),
    vocab.CALL_NUMBER: _source("call_number"),
    F["pages"]: _source("pages"),
    F["url"]: _url,
    F["language"]: _set("language"),
    F["summary"]: _set("summary"),
    F["subjects"]: _keywords,
    F["type"]: _type,
    vocab.TYPE: _reference_type,
    vocab.KEY: ignore,
    F["archive"]: ignore,
    vocab.PROVIDER: ignore,
}


def parse(text: str, where: str) -> list[Outcome]:
    """Every reference's outcome: raw record data and the tags kept in notes, or the error."""
    import rispy

    try:
        references = rispy.loads(text.lstrip("\ufeff"), skip_unknown_tags=False)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise CitetoolError(where, f"not valid RIS ({exc})") from None
    if not references:
        raise CitetoolError(where, "no RIS references found")
    out = []
    for i, ref in enumerate(references):
        label = f"{where}#{_one(ref.get(vocab.KEY, i + 1))}"
        out.append(build({_REF: ref, **ref}, HANDLERS, label, kept_as=_one))
    return out
