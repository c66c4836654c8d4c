"""CSL-JSON (an array of items, or one item) into records: Zotero's and pandoc's format."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import CitetoolError
from .common import extra_phrases
from .derive import document_type, short_title

_NOCASE = re.compile(r'<span class="nocase">(.*?)</span>', re.S)
_TAGS = re.compile(r"</?(?:i|b|sup|sub|span)(?:\s[^>]*)?>")
# CSL variables with a place in the model; every other key goes into notes.
_HANDLED = {"id", "type", "title", "title-short", "shortTitle", "author", "recipient",
            "translator", "issued", "archive", "archive_location", "archive_collection",
            "archive-place", "page", "URL", "language", "abstract", "custom", "keyword",
            "note"}
_CUSTOM_LISTS = {"original-languages": "original_languages", "funders": "funders",
                 "subjects": "subjects", "keep-case": "keep_case"}


def looks_like(text: str) -> bool:
    """Whether the text is JSON shaped like CSL (an object or an array)."""
    return text.lstrip()[:1] in ("[", "{")


def _title(value: Any) -> tuple[str, list[str]]:
    text = str(value)
    kept = _NOCASE.findall(text)
    return _TAGS.sub("", text), kept


def _agent(name: Any, where: str, field: str) -> dict[str, Any]:
    if not isinstance(name, dict):
        raise CitetoolError(where, "a name must be an object", field)
    if "literal" in name:
        return {"org": str(name["literal"])}
    if "family" not in name:
        raise CitetoolError(where, "a name needs 'family' or 'literal'", field)
    out: dict[str, Any] = {"family": str(name["family"])}
    if name.get("given"):
        out["given"] = str(name["given"])
    particle = name.get("non-dropping-particle") or name.get("dropping-particle")
    if particle:
        out["particle"] = str(particle)
    if name.get("suffix"):
        out["suffix"] = str(name["suffix"])
    if name.get("static-ordering"):
        out["family_first"] = True
    return out


def _agents(value: Any, where: str, field: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise CitetoolError(where, "names must be a list", field)
    return [_agent(n, where, field) for n in value]


def _point(parts: Any, where: str) -> dict[str, int]:
    if not isinstance(parts, list) or not 1 <= len(parts) <= 3:
        raise CitetoolError(where, "date-parts must hold one to three numbers", "issued")
    try:
        nums = [int(p) for p in parts]
    except (TypeError, ValueError):
        raise CitetoolError(where, "date-parts must be numbers", "issued") from None
    return dict(zip(("year", "month", "day"), nums, strict=False))


def _date(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CitetoolError(where, "a date must be an object", "issued")
    if "date-parts" not in value:
        raw = value.get("raw") or value.get("literal")
        if raw:
            from ..model import _parse_point

            try:
                return dict(_parse_point(str(raw)))
            except ValueError:
                raise CitetoolError(where, f"cannot read the date {raw!r}", "issued") from None
        raise CitetoolError(where, "a date needs date-parts", "issued")
    parts = value["date-parts"]
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        raise CitetoolError(where, "date-parts must hold one or two dates", "issued")
    out: dict[str, Any] = _point(parts[0], where)
    if len(parts) == 2:
        out["until"] = _point(parts[1], where)
    if value.get("circa"):
        out["circa"] = True
    return out


def item(data: Any, where: str) -> tuple[dict[str, Any], list[str]]:
    """One CSL item as raw record data, and the names of the fields kept in notes."""
    if not isinstance(data, dict):
        raise CitetoolError(where, "each CSL item must be an object")
    where = f"{where}#{data.get('id', '?')}"
    if "title" not in data:
        raise CitetoolError(where, "the item has no title", "title")
    title, kept = _title(data["title"])
    custom = data.get("custom") if isinstance(data.get("custom"), dict) else {}
    raw: dict[str, Any] = {"id": str(data.get("id", "")), "title": title}
    raw["type"] = custom.get("document-type") or document_type(title)
    short = data.get("title-short") or data.get("shortTitle")
    raw["short_title"] = _title(short)[0] if short else short_title(title)
    keep = list(custom.get("keep-case", [])) or kept
    for key, field in (("author", "authors"), ("recipient", "recipients"),
                       ("translator", "translators")):
        if key in data:
            raw[field] = _agents(data[key], where, key)
    if "issued" in data:
        raw["date"] = _date(data["issued"], where)
    for key, field in (("obtained-by", "obtained_by"), ("contributed-by", "contributed_by")):
        if key in custom:
            raw[field] = _agents(custom[key], where, f"custom.{key}")
    if data.get("archive"):
        raw["archive"] = str(data["archive"])
    else:
        raise CitetoolError(where, "the item names no archive", "archive")
    if data.get("URL"):
        raw["url"] = str(data["URL"])
    source = {k: str(data[v]) for k, v in (("call_number", "archive_location"),
                                           ("pages", "page"),
                                           ("collection", "archive_collection")) if data.get(v)}
    for key in ("repository", "reprinted-in"):
        if custom.get(key):
            source[key.replace("-", "_")] = str(custom[key])
    if source:
        raw["source"] = source
    if custom.get("source-statement"):
        raw["source_statement"] = str(custom["source-statement"])
    if custom.get("citation-layout"):
        raw["citation_layout"] = custom["citation-layout"]
    if custom.get("citation-title"):
        raw["citation_title"] = str(custom["citation-title"])
    if data.get("language"):
        raw["language"] = str(data["language"])
    # citetool's own exports say whether the text is a translation; others imply it
    ours = "document-type" in custom
    if custom.get("translated") or (not ours and data.get("translator")):
        raw["translated"] = True
    for key, field in _CUSTOM_LISTS.items():
        if key in custom and field != "keep_case":
            raw[field] = list(custom[key])
    if data.get("keyword") and "subjects" not in raw:
        raw["subjects"] = [k.strip() for k in str(data["keyword"]).split(",") if k.strip()]
    keep = extra_phrases(keep, raw)
    if keep:
        raw["keep_case"] = keep
    if data.get("abstract"):
        raw["summary"] = str(data["abstract"])
    notes = dict(custom.get("notes", {})) if isinstance(custom.get("notes"), dict) else {}
    extra = []
    for key, value in data.items():
        if key not in _HANDLED:
            extra.append(key)
            notes[key] = value if isinstance(value, str) else json.dumps(value,
                                                                         ensure_ascii=False)
    for key in ("note", "archive-place"):
        if data.get(key):
            extra.append(key)
            notes[key] = str(data[key])
    for key, value in custom.items():
        if key not in {"document-type", "obtained-by", "contributed-by", "repository",
                       "reprinted-in", "source-statement", "citation-layout", "translated",
                       "notes", *_CUSTOM_LISTS}:
            extra.append(f"custom.{key}")
            notes[f"custom.{key}"] = value if isinstance(value, str) else json.dumps(
                value, ensure_ascii=False)
    if notes:
        raw["notes"] = notes
    return raw, extra


def parse(text: str, where: str) -> list[tuple[dict[str, Any] | None, CitetoolError | None,
                                               list[str]]]:
    """Every item: (raw record, None, fields kept in notes), or (None, error, []) if broken."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CitetoolError(where, f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    items = data if isinstance(data, list) else [data]
    out: list[tuple[dict[str, Any] | None, CitetoolError | None, list[str]]] = []
    for i, entry in enumerate(items):
        try:
            raw, extra = item(entry, f"{where}[{i}]")
            out.append((raw, None, extra))
        except CitetoolError as exc:
            out.append((None, exc, []))
    return out
