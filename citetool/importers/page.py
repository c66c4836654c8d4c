"""A document page of the Wilson Center Digital Archive, in its text form, into a record.

The page gives a date line, the title, `Citation:` with the archive's citation and the URL,
then `Summary:`, `Credits:`, `Original Language:`, `Contents:` and the text. Both layouts of
the citation import: the current one (straight quotes, comma outside) and the older one (curly
quotes, comma inside, zero-padded day, "History and Public Policy Program Digital Archive").
What older pages vary besides (a stray space before the comma, the other quotation mark, the
comma on the other side) is kept verbatim in `citation_title`, so the archive style prints the
page's citation exactly.

Parsing takes time linear in the page: lines are compared, not searched with patterns that
could rescan a run of blank lines from each of its starts, and the title and statement are
refused beyond the model's 2000 characters before anything is derived from them.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import CitetoolError
from . import statement
from .builder import Draft, Outcome, complete
from .common import ARCHIVE_DATE, archive_date, is_org, language_code
from .derive import document_type, keep_case, parties, recipient_from_text

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
# An archive's name ends in "Digital Archive" and starts a run of name characters (after a
# comma, a quote or the date); both the run and the name are bounded, so each try is short.
_ARCHIVE_NAME = re.compile(r"(?<![\w&' -])[\w&' -]{0,160}? Digital Archive(?=, |\.|\Z)")
# The title's end: a closing quote and a comma in either order, a stray space allowed before;
# every start is tried (a title may itself end in a comma or a quote: '"Letter,",').
_TITLE_END = re.compile('(?=( *(?:,["\u201d]|["\u201d] *,)))')
_BEFORE_ARCHIVE = 90  # the closing quote and the date are within this many characters
_OPENING_QUOTES = {"\u201c": "legacy", '"': "current"}
TITLE_MAX = 2000  # as the model's one-line fields


def looks_like(text: str) -> bool:
    """Whether the text is an archive page (a Citation: header and a document URL)."""
    return "/document/" in text and any(line.strip() == "Citation:"
                                        for line in _lines(text))


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


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
    """Title, date text, archive and statement of the archive's citation, and its layout.

    Both layouts, and what older pages vary: the comma inside or outside the closing quote,
    a stray space before it ('Pak Seong-cheol ,'), a title that ends in a parenthesis. When the
    layout cannot rebuild the quoted title exactly, its verbatim form is returned too.
    """
    layout = _OPENING_QUOTES.get(cite[:1])
    if layout is None:
        raise CitetoolError(where, "the citation does not start with a quoted title",
                            "citation")
    unread = None  # the date text just before the archive name, if it could not be read
    for m in _ARCHIVE_NAME.finditer(cite):
        first = re.search(r"[A-Z]", m.group())
        if first is None:
            continue
        start = m.start() + first.start()
        low = max(1, start - _BEFORE_ARCHIVE)
        window = cite[low:start]
        # the title ends at the last closing quote before the date that precedes the archive
        for end in reversed(list(_TITLE_END.finditer(window))):
            between = window[end.end(1):]
            date_text = between.rstrip().removesuffix(",").strip()
            if date_text == "" or ARCHIVE_DATE.fullmatch(date_text):
                title_end = low + end.start()
                head = cite[:low + end.end(1)]
                title = cite[1:title_end].strip()
                layout = _layout(layout, date_text)
                quoted = (f"\u201c{title},\u201d" if layout == "legacy" else f'"{title}",')
                return {"layout": layout, "title": title, "date": date_text,
                        "archive": cite[start:m.end()],
                        "statement": cite[m.end() + 2:].strip() or None,
                        "quoted_title": None if head == quoted else head}
            unread = unread or date_text
    if unread:
        raise CitetoolError(where, f"cannot read the date {unread!r} (citetool reads 'March 24, "
                            "1962', 'March 1962', '1962', 'c. 1962' and ranges of these)", "date")
    raise CitetoolError(where, "cannot find the title, date and archive in the citation",
                        "citation")


def _layout(by_quote: str, date_text: str) -> str:
    """The layout whose dates read like this one ('March 04, 1962' is legacy), else the
    one the opening quote suggests."""
    day = re.search(r"\b(\d{1,2}),", date_text)
    if day and len(day.group(1)) == 1:
        return "current"
    if day and day.group(1).startswith("0"):
        return "legacy"
    return by_quote


def parse(text: str, where: str) -> list[Outcome]:
    """One page into one raw record (plain data for the model to validate)."""
    head, sections, body = _sections(_lines(text))
    if "citation" not in sections:
        raise CitetoolError(where, "not an archive page: no 'Citation:' section", "citation")
    cite_lines = _paragraphs(sections["citation"])
    urls = [p for p in cite_lines if _URL.match(p)]
    if not urls:
        raise CitetoolError(where, "the citation has no document URL", "url")
    rid = _URL.match(urls[0])["id"]  # type: ignore[index]
    cite = " ".join(p for p in cite_lines if not _URL.match(p))
    parts = _split_citation(cite, where)
    title = parts["title"]
    _check_title(title, where)
    if parts["statement"] and len(parts["statement"]) > TITLE_MAX:
        raise CitetoolError(where, f"the source statement is longer than {TITLE_MAX} "
                            "characters", "source_statement")
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
    if parts["quoted_title"]:
        raw["citation_title"] = parts["quoted_title"]
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
    phrases = keep_case(title, raw, " ".join(filter(None, [summary, text_body])))
    return [complete(Draft(where, {}, raw, notes, [], phrases))]


def _check_title(title: str, where: str) -> None:
    """Refuse a title no record can have before deriving anything from it."""
    if not title:
        raise CitetoolError(where, "the citation's title is empty", "title")
    if len(title) > TITLE_MAX:
        raise CitetoolError(where, f"the citation's title is longer than {TITLE_MAX} characters",
                            "title")
    if not re.search(r"[^\W_]", title):
        raise CitetoolError(where, f"the citation's title {title!r} has no letter or digit",
                            "title")
    if re.search(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]", title):
        raise CitetoolError(where, "the citation's title holds a control character or line break",
                            "title")


def _contents(raw: dict[str, Any], sections: dict[str, list[str]], found: dict[str, Any]) -> None:
    """Language of the text cited, whether it is a translation, and the original languages."""
    named = [name for para in _paragraphs(sections.get("languages", []))
             for name in re.split(r" ?(?:,|;|\band\b) ?", " ".join(para.split()))]
    originals = list(dict.fromkeys(n for n in [*named, *found.get("original_languages", [])]
                                   if n))
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
    seen: set[str] = set()
    for line in lines:
        m = _FUNDING.match(line)
        if not m:
            out.append(line.rstrip("."))
            seen.add(out[-1])
            continue
        who = m["who"]
        parts = [re.sub(r"^the\s+", "", p) for p in
                 re.split(r", ?(?:and )?| and (?=the |[A-Z])", " ".join(who.split())) if p]
        names = parts if all(is_org(p) for p in parts) else [who]
        for name in names:
            if name not in seen:
                out.append(name)
                seen.add(name)
    return out
