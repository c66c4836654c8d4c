"""One imported entry from its fields: small handlers fill the record, the builder does the rest.

Every importer of a field-based format (BibTeX, CSL-JSON, RIS) is a table of field handlers.
The builder runs them in the table's order, keeps every field without a handler in the
record's notes (and names it), fills what the source leaves out (type and short title from the
title, `translated` when there are translators, title phrases to keep as written), and turns
each entry into an Outcome: a broken entry is one error, and the rest of the batch still
imports. The importers of archive pages (text, HTML), which read a layout rather than fields,
hand their draft to `complete` for the same ending.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ..errors import CitetoolError


@dataclass
class Outcome:
    """One entry of an import: raw record data, or the error that stopped it."""

    raw: dict[str, Any] | None = None
    error: CitetoolError | None = None
    kept_in_notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        """(raw, error, kept_in_notes), so an outcome unpacks like a tuple."""
        return iter((self.raw, self.error, self.kept_in_notes))


@dataclass
class Draft:
    """The record being built from one entry, and what the handlers learnt on the way."""

    where: str
    fields: Mapping[str, Any]
    raw: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)  # title parts the source protects

    def keep(self, name: str, value: Any) -> None:
        """Keep a fact the model has no field for in the notes, and name it."""
        self.kept.append(name)
        self.notes[name] = value if isinstance(value, str) else json.dumps(
            value, ensure_ascii=False)

    def fail(self, reason: str, field: str | None = None) -> NoReturn:
        """Stop this entry with one error naming where it is and the field."""
        raise CitetoolError(self.where, reason, field)


Handler = Callable[[Any, Draft], None]


def ignore(value: Any, draft: Draft) -> None:
    """A handler for a field that another handler reads (through draft.fields)."""
    del value, draft


# what malformed input raises inside a handler (a wrong JSON type, a huge number, ...)
_MALFORMED = (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError)


def build(fields: Mapping[str, Any], handlers: Mapping[str, Handler], where: str,
          kept_as: Callable[[Any], Any] = lambda value: value) -> Outcome:
    """One entry: each field through its handler, in the table's order (a handler that reads
    several fields runs once, for the first of them); every other field to the notes, as
    `kept_as` gives it."""
    draft = Draft(where, fields)
    current: str | None = None
    done: set[Handler] = set()
    try:
        for name, handler in handlers.items():
            if name in fields and handler not in done:
                current = name
                done.add(handler)
                handler(fields[name], draft)
        current = None
        for name, value in fields.items():
            if name not in handlers:
                draft.keep(name, kept_as(value))
        return complete(draft)
    except CitetoolError as exc:
        return Outcome(error=exc)
    except _MALFORMED as exc:
        reason = f"cannot read this value ({type(exc).__name__})"
        return Outcome(error=CitetoolError(where, reason, current))


def complete(draft: Draft) -> Outcome:
    """The entry a draft holds, finished (see finish) and its keys in the model's order; the
    page importers, which read a layout rather than fields, end here too."""
    finish(draft)
    return Outcome(raw=ordered(draft.raw), kept_in_notes=draft.kept)


def finish(draft: Draft) -> None:
    """Fill what the source leaves out, from what it gives."""
    from .common import extra_phrases
    from .derive import document_type, short_title

    raw = draft.raw
    title = raw.get("title")
    if not title or not str(title).strip():
        draft.fail("the entry has no title", "title")
    if "type" not in raw:
        raw["type"] = document_type(title)
    if "short_title" not in raw:
        raw["short_title"] = short_title(title)
    if raw.get("translators") and "translated" not in raw:
        raw["translated"] = True
    keep = extra_phrases(draft.phrases, raw)
    if keep:
        raw["keep_case"] = keep
    if draft.notes:
        raw["notes"] = {**raw.get("notes", {}), **draft.notes}


def ordered(raw: dict[str, Any]) -> dict[str, Any]:
    """Keys in the model's order, so written YAML reads the same for every record."""
    from ..model import Record

    return {k: raw[k] for k in Record.model_fields if k in raw}
