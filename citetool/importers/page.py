"""A document page of the Wilson Center Digital Archive, in its text form, into a record.

The page gives a date line, the title, `Citation:` with the archive's citation and the URL,
then `Summary:`, `Credits:`, `Original Language:`, `Contents:` and the text. Both layouts of
the citation import: the current one (straight quotes, comma outside) and the older one (curly
quotes, comma inside, zero-padded day, "History and Public Policy Program Digital Archive").
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import CitetoolError
from . import statement
from .common import ARCHIVE_DATE, archive_date, is_org, language_code
from .derive import document_type, keep_case, parties, recipient_from_text, short_title

PERMANENT = "https://digitalarchive.wilsoncenter.org/document/"
_HEADERS = {
    "citation": "citation", "summary": "summary", "credits": "credits",
    "original language": "languages", "original languages": "languages",
    "contents": "contents", "subjects": "subjects", "keywords": "subjects",
    "subjects discussed": "subjects", "related documents": "related",
    "associated people & organizations": "associated", "associated places": "places",
    "associated topics": "subjects", "the document in its context": "context",
}  # fmt: skip
_URL = re.compile(r"^https?://\S+/document/(?P<id>[^/?#\s]+)/?(?:[?#]\S*)?$")
_CONTENT_ITEM = re.compile(
    r"^(?P<kind>Original Scan|Translation|Transcript|Transcription|Original)"
    r"(?:\s*[-\u2013:]\s*(?P<lang>[A-Za-z-]+))?$"
)
_FUNDING = re.compile(
    r"^(?:This document was )?made possible (?:with|through|by) (?:the )?(?:generous )?"
    r"(?:support|funding|grants?) (?:from|of) (?:the )?(?P<who>.+?)\.?$",
    re.I,
)
_ARCHIVE_NAME = re.compile(r"(?:Wilson Center|History and Public Policy Program) Digital Archive"
                           r"|[A-Z][\w&' -]*? Digital Archive")


def looks_like(text: str) -> bool:
    """Whether the text is an archive page (a Citation: header and a document URL)."""
    return bool(re.search(r"^\s*Citation:\s*$", text, re.M)) and "/document/" in text


def _sections(lines: list[str]) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """The lines before the first header, each known section's lines, and the text."""
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        key = _HEADERS.get(stripped[:-1].lower()) if stripped.endswith(":") else None
        if key:
            current = key
            sections.setdefault(key, [])
            if key == "contents":
                items = []
                rest = lines[i + 1:]
                j = 0
                while j < len(rest) and (not rest[j].strip()
                                         or _CONTENT_ITEM.match(rest[j].strip())):
                    if rest[j].strip():
                        items.append(rest[j].strip())
                    j += 1
                sections["contents"] = items
                return head, sections, rest[j:]
            continue
        if current is None:
            head.append(line)
        else:
            sections[current].append(line)
    return head, sections, []


def _paragraphs(lines: list[str]) -> list[str]:
    return [p for p in (x.strip() for x in lines) if p]


def _split_citation(cite: str, where: str) -> dict[str, Any]:
    """Title, date text, archive and statement of the archive's citation, and its layout."""
    if cite.startswith("\u201c"):
        layout, closing = "legacy", ",\u201d "
    elif cite.startswith('"'):
        layout, closing = "current", '", '
    else:
        raise CitetoolError(where, "the citation does not start with a quoted title",
                            "citation")
    archive = None
    unread = None  # the date text just before the archive name, if it could not be read
    for m in _ARCHIVE_NAME.finditer(cite):
        before = cite[: m.start()]
        tail = cite[m.end():]
        if not (tail.startswith(", ") or tail == "" or tail.startswith(".")):
            continue
        # the title ends at the last closing quote before the date that precedes the archive
        for q in [k.start() for k in re.finditer(re.escape(closing), before)][::-1]:
            between = before[q + len(closing):]
            date_text = between.rstrip().removesuffix(",").strip()
            if date_text == "" or ARCHIVE_DATE.fullmatch(date_text):
                archive = m.group()
                return {"layout": layout, "title": cite[1:q], "date": date_text,
                        "archive": archive, "statement": tail[2:].strip() or None}
            unread = unread or date_text
    if unread:
        raise CitetoolError(where, f"cannot read the date {unread!r} (citetool reads 'March 24, "
                            "1962', 'March 1962', '1962', 'c. 1962' and ranges of these)", "date")
    raise CitetoolError(where, "cannot find the title, date and archive in the citation",
                        "citation")


def parse(text: str, where: str) -> list[tuple[dict[str, Any], None, list[str]]]:
    """One page into one raw record (plain data for the model to validate)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    head, sections, body = _sections(lines)
    if "citation" not in sections:
        raise CitetoolError(where, "not an archive page: no 'Citation:' section", "citation")
    cite_lines = _paragraphs(sections["citation"])
    urls = [p for p in cite_lines if _URL.match(p)]
    if not urls:
        raise CitetoolError(where, "the citation has no document URL", "url")
    rid = _URL.match(urls[0])["id"]  # type: ignore[index]
    cite = " ".join(p for p in cite_lines if not _URL.match(p))
    parts = _split_citation(cite, where)
    title = parts["title"].strip()
    raw: dict[str, Any] = {"id": rid, "type": document_type(title), "title": title}
    head_text = _paragraphs(head)
    if head_text and head_text[-1] != title and len(head_text) >= 2:
        raw.setdefault("notes", {})["page title"] = head_text[-1]
    if parts["date"]:
        raw["date"] = archive_date(parts["date"], where)
    authors, recipients = parties(title)
    text_body = "\n".join(body).strip("\n") or None
    if not recipients and text_body:
        recipients = recipient_from_text(text_body)
    if authors:
        raw["authors"] = authors
    if recipients:
        raw["recipients"] = recipients
    found = statement.parse(parts["statement"]) if parts["statement"] else {}
    for key in ("translators", "obtained_by", "contributed_by"):
        if key in found:
            raw[key] = found[key]
    raw["archive"] = parts["archive"]
    raw["url"] = PERMANENT + rid
    if found.get("source"):
        raw["source"] = found["source"]
    if parts["statement"]:
        raw["source_statement"] = parts["statement"]
    raw["citation_layout"] = parts["layout"]
    _contents(raw, sections, found)
    summary = "\n\n".join(_paragraphs(sections.get("summary", [])))
    if summary:
        raw["summary"] = summary
    funders = _funders(_paragraphs(sections.get("credits", [])))
    if funders:
        raw["funders"] = funders
    subjects = _paragraphs(sections.get("subjects", []))
    if subjects:
        raw["subjects"] = subjects
    if text_body:
        raw["text"] = text_body
    notes = dict(raw.get("notes", {}))
    notes.update(found.get("notes", {}))
    for key in ("related", "associated", "places", "context"):
        if sections.get(key):
            notes[key] = "; ".join(_paragraphs(sections[key]))
    if notes:
        raw["notes"] = notes
    raw["short_title"] = short_title(title)
    kept = keep_case(title, raw, " ".join(filter(None, [summary, text_body])))
    if kept:
        raw["keep_case"] = kept
    return [(_ordered(raw), None, [])]


def _contents(raw: dict[str, Any], sections: dict[str, list[str]], found: dict[str, Any]) -> None:
    """Language of the text cited, whether it is a translation, and the original languages."""
    originals: list[str] = []
    for para in _paragraphs(sections.get("languages", [])):
        for name in re.split(r"\s*(?:,|;|\band\b)\s*", para):
            if name and name not in originals:
                originals.append(name)
    for name in found.get("original_languages", []):
        if name not in originals:
            originals.append(name)
    translation = transcript = None
    for item in sections.get("contents", []):
        m = _CONTENT_ITEM.match(item)
        if m and m["lang"]:
            if m["kind"] == "Translation" and translation is None:
                translation = m["lang"]
            elif m["kind"] != "Translation" and transcript is None:
                transcript = m["lang"]
    if translation:
        raw["language"] = language_code(translation) or "en"
        raw["translated"] = True
    elif transcript and language_code(transcript):
        raw["language"] = language_code(transcript)
    elif originals and language_code(originals[0]) and not raw.get("translators"):
        raw["language"] = language_code(originals[0])
    else:
        raw["language"] = "en"
    if raw.get("translators") and not translation:
        raw["translated"] = True
    if originals:
        raw["original_languages"] = originals


def _funders(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        m = _FUNDING.match(line)
        if not m:
            out.append(line.rstrip("."))
            continue
        who = m["who"]
        parts = [re.sub(r"^the\s+", "", p) for p in
                 re.split(r",\s*(?:and\s+)?|\s+and\s+(?=the\s|[A-Z])", who) if p]
        names = parts if all(is_org(p) for p in parts) else [who]
        out += [n for n in names if n not in out]
    return out


def _ordered(raw: dict[str, Any]) -> dict[str, Any]:
    """Keys in the model's order, so written YAML reads the same for every record."""
    from ..model import Record

    return {k: raw[k] for k in Record.model_fields if k in raw}
