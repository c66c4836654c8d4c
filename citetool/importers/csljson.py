"""CSL-JSON (an array of items, or one item) into records: Zotero's and pandoc's format.

Each CSL variable has a small handler; the shared builder runs them (citetool.importers.builder)
with the vocabulary the CSL-JSON style writes (citetool.vocab.csljson).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import CitetoolError
from ..vocab import csljson as vocab
from .builder import Draft, Outcome, build, ignore

_NOCASE = re.compile(re.escape(vocab.NOCASE_OPEN) + "(.*?)" + re.escape(vocab.NOCASE_CLOSE),
                     re.S)
_TAGS = re.compile(r"</?(?:i|b|sup|sub|span)(?:\s[^>]*)?>")
_ITEM = "\x00item"  # the whole item, beside its variables


def looks_like(text: str) -> bool:
    """Whether the text is JSON shaped like CSL (an object or an array)."""
    return text.lstrip()[:1] in ("[", "{")


def _text(value: Any, draft: Draft, field: str) -> str:
    """A CSL string variable; numbers are accepted as text, other JSON types are errors."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        draft.fail(f"must be text, not {type(value).__name__}", field)
    return str(value)


def _title(value: Any) -> tuple[str, list[str]]:
    text = str(value)
    kept = _NOCASE.findall(text)
    return _TAGS.sub("", text), kept


def _agents(value: Any, draft: Draft, field: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        draft.fail("names must be a list", field)
    out = []
    for name in value:
        if not isinstance(name, dict):
            draft.fail("a name must be an object", field)
        if "literal" not in name and "family" not in name:
            draft.fail("a name needs 'family' or 'literal'", field)
        out.append(vocab.agent(name))
    return out


def _point(parts: Any, draft: Draft) -> dict[str, int]:
    if not isinstance(parts, list) or not 1 <= len(parts) <= 3:
        draft.fail("date-parts must hold one to three numbers", "issued")
    try:
        nums = [int(p) for p in parts]
    except (TypeError, ValueError, OverflowError):
        draft.fail("date-parts must be numbers", "issued")
    return dict(zip(("year", "month", "day"), nums, strict=False))


# --- variable handlers, run in this order by the shared builder ------------------------------


def _item(value: dict[str, Any], draft: Draft) -> None:
    """What holds for every item: its id and its archive."""
    draft.raw["id"] = _record_id(_text(value.get("id", ""), draft, "id"), value.get("URL"))
    if not value.get("archive"):
        draft.fail("the item names no archive", "archive")
    draft.raw["archive"] = _text(value["archive"], draft, "archive")


def _record_id(given: str, url: Any) -> str:
    """The item's id, or, when it cannot name a record file (Zotero writes its item URI,
    'http://zotero.org/users/local/AbC/items/6FMKX3QZ'), the archive's document id in the
    URL, else the URI's last segment."""
    from ..model import ID_PATTERN

    if re.match(ID_PATTERN, given) or "/" not in given:
        return given
    doc = re.search(r"/document/([^/?#\s]+)/?$", str(url or ""))
    if doc:
        return doc.group(1)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", given.rstrip("/").rsplit("/", 1)[-1]).strip("-.")


def _title_var(value: Any, draft: Draft) -> None:
    title, kept = _title(_text(value, draft, "title"))
    draft.raw["title"] = title
    draft.phrases += kept


def _short_var(value: Any, draft: Draft) -> None:
    if value and "short_title" not in draft.raw:
        draft.raw["short_title"] = _title(_text(value, draft, "title-short"))[0]


def _names_var(field: str, variable: str) -> Any:
    def handle(value: Any, draft: Draft) -> None:
        agents = _agents(value, draft, variable)
        custom = draft.fields.get("custom")
        if not (isinstance(custom, dict) and vocab.CUSTOM_OTHER["type"] in custom):
            # not citetool's own export, which marks the order (static-ordering): Zotero
            # writes 'Shen, Zhihua' as family and given, so the order is guessed as on import
            # from BibTeX and RIS
            from .common import family_first

            for a in agents:
                if "family" in a and "particle" not in a and family_first(
                        a["family"], a.get("given")):
                    a["family_first"] = True
        draft.raw[field] = agents
    return handle


def _issued(value: Any, draft: Draft) -> None:
    if not isinstance(value, dict):
        draft.fail("a date must be an object", "issued")
    if "date-parts" not in value:
        raw = value.get("raw") or value.get("literal")
        if not raw:
            draft.fail("a date needs date-parts", "issued")
        from ..model import parse_date, parse_written

        for parse in (parse_date, parse_written):
            try:
                draft.raw["date"] = parse(str(raw))
                return
            except ValueError:
                pass
        draft.fail(f"cannot read the date {raw!r}", "issued")
    parts = value["date-parts"]
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        draft.fail("date-parts must hold one or two dates", "issued")
    out: dict[str, Any] = _point(parts[0], draft)
    if len(parts) == 2:
        out["until"] = _point(parts[1], draft)
    if value.get("circa"):
        out["circa"] = True
    draft.raw["date"] = out


def _source_var(field: str, variable: str) -> Any:
    def handle(value: Any, draft: Draft) -> None:
        if value:
            draft.raw.setdefault("source", {})[field] = _text(value, draft, variable)
    return handle


def _url(value: Any, draft: Draft) -> None:
    if value:
        draft.raw["url"] = _text(value, draft, "URL")


def _language(value: Any, draft: Draft) -> None:
    if value:
        draft.raw["language"] = _text(value, draft, "language")


def _abstract(value: Any, draft: Draft) -> None:
    if value:
        draft.raw["summary"] = _text(value, draft, "abstract")


def _keyword(value: Any, draft: Draft) -> None:
    if value and "subjects" not in draft.raw:
        words = _text(value, draft, "keyword")
        draft.raw["subjects"] = [k.strip() for k in words.split(",") if k.strip()]


def _to_notes(variable: str) -> Any:
    def handle(value: Any, draft: Draft) -> None:
        if value:
            draft.keep(variable, _text(value, draft, variable))
    return handle


def _note(value: Any, draft: Draft) -> None:
    """Zotero's Extra field: 'Key: value' lines into notes, a source statement into the
    record's fields (who obtained it, translators, location) when the item lacks them."""
    from .common import extra_lines, note_facts

    if not value:
        return
    extra, rest = extra_lines(_text(value, draft, "note"))
    for key, line in extra.items():
        draft.keep(key, line)
    if rest.strip():
        note_facts(rest, draft.raw, draft.notes, str(draft.raw.get("archive", "")))


def _genre(value: Any, draft: Draft) -> None:
    """`genre`: the kind of document (Zotero's manuscript type), unless `custom` gives it."""
    from .common import document_kind

    kind = document_kind(_text(value, draft, "genre")) if value else None
    if kind and "type" not in draft.raw:
        draft.raw["type"] = kind
    elif value:
        draft.keep("genre", _text(value, draft, "genre"))


def _custom(value: Any, draft: Draft) -> None:
    """citetool's own facts in `custom` (and whatever else a tool put there, into notes)."""
    custom = value if isinstance(value, dict) else {}
    raw = draft.raw
    if custom.get(vocab.CUSTOM_OTHER["type"]):
        raw["type"] = _text(custom[vocab.CUSTOM_OTHER["type"]], draft, "custom.document-type")
    for field, key in vocab.CUSTOM_NAMES.items():
        if key in custom:
            raw[field] = _agents(custom[key], draft, f"custom.{key}")
    for field, key in vocab.CUSTOM_SOURCE.items():
        if custom.get(key):
            raw.setdefault("source", {})[field] = _text(custom[key], draft, f"custom.{key}")
    for field in ("source_statement", "citation_layout", "citation_title"):
        key = vocab.CUSTOM_OTHER[field]
        if custom.get(key):
            raw[field] = _text(custom[key], draft, f"custom.{key}")
    # citetool's own exports say whether the text is a translation; others imply it
    ours = vocab.CUSTOM_OTHER["type"] in custom
    if custom.get(vocab.CUSTOM_OTHER["translated"]):
        raw["translated"] = True
    elif ours:
        raw["translated"] = False
    for field, key in vocab.CUSTOM_LISTS.items():
        if key in custom:
            values = custom[key]
            if not isinstance(values, list):
                draft.fail("must be a list", f"custom.{key}")
            if field == "keep_case":
                draft.phrases[:0] = [_text(v, draft, f"custom.{key}") for v in values]
            else:
                raw[field] = [_text(v, draft, f"custom.{key}") for v in values]
    notes = custom.get(vocab.CUSTOM_OTHER["notes"])
    if isinstance(notes, dict):
        draft.notes.update({str(k): _text(v, draft, f"custom.notes.{k}")
                            for k, v in notes.items()})
    for key, other in custom.items():
        if key not in vocab.CUSTOM_KEYS:
            draft.keep(f"custom.{key}", other)


HANDLERS: dict[str, Any] = {
    _ITEM: _item,
    "title": _title_var,
    "custom": _custom,
    "title-short": _short_var,
    "shortTitle": _short_var,
    **{v: _names_var(f, v) for f, v in vocab.NAME_VARIABLES.items()},
    "issued": _issued,
    **{v: _source_var(f, v) for f, v in vocab.SOURCE_VARIABLES.items()},
    "URL": _url,
    "language": _language,
    "keyword": _keyword,
    "abstract": _abstract,
    "note": _note,
    "genre": _genre,
    "archive-place": _to_notes("archive-place"),
    "id": ignore,
    "type": ignore,
    "archive": ignore,
}
assert set(HANDLERS) - {_ITEM} == vocab.READ_VARIABLES


def item(data: Any, where: str) -> Outcome:
    """One CSL item as an outcome: raw record data or the error."""
    if not isinstance(data, dict):
        return Outcome(error=CitetoolError(where, "each CSL item must be an object"))
    return build({_ITEM: data, **data}, HANDLERS, f"{where}#{data.get('id', '?')}")


def parse(text: str, where: str) -> list[Outcome]:
    """Every item's outcome: raw record data and the fields kept in notes, or the error."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CitetoolError(where, f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (ValueError, RecursionError) as exc:
        raise CitetoolError(where, f"not valid JSON ({type(exc).__name__})") from None
    items = data if isinstance(data, list) else [data]
    return [item(entry, f"{where}[{i}]") for i, entry in enumerate(items)]
