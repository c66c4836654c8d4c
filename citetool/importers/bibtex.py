"""BibTeX and BibLaTeX entries into records, LaTeX decoded (bibtexparser 2).

Broken blocks are collected as failures, as bibtexparser does, not raised: the good entries of
a file still import. Fields with no place in the model are kept in notes and reported.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import CitetoolError
from . import statement
from .common import archive_date, extra_phrases, family_first, is_org
from .derive import document_type, short_title

_LANGIDS = {
    "american": "en", "english": "en", "USenglish": "en", "british": "en-GB",
    "UKenglish": "en-GB", "russian": "ru", "german": "de", "ngerman": "de", "french": "fr",
    "polish": "pl", "czech": "cs", "magyar": "hu", "hungarian": "hu", "spanish": "es",
    "italian": "it", "portuguese": "pt", "bulgarian": "bg", "romanian": "ro", "slovak": "sk",
    "ukrainian": "uk", "serbian": "sr", "croatian": "hr", "chinese": "zh", "korean": "ko",
    "japanese": "ja",
}  # fmt: skip
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_HANDLED = {"author", "title", "shorttitle", "titleaddon", "date", "year", "month", "day",
            "translator", "howpublished", "library", "organization", "institution", "url",
            "langid", "addendum", "note", "abstract", "keywords", "origlanguage", "pages",
            "archive", "archiveprefix", "key"}
# pages as the exports write them: 'pp. 4-6', 'l. 34', 'khuu 74-81', 'pp. iv-x'
_PAGES = re.compile(r"^(?:pp?\.\s*)?(?P<p>(?:[a-z]{1,6}\.?\s)?(?:\d+|[ivxlcdm]+)[a-z]?"
                    r"(?:\s*[-\u2013]+\s*(?:\d+|[ivxlcdm]+)[a-z]?)?)$")


def looks_like(text: str) -> bool:
    """Whether the text holds a BibTeX entry ('@type{')."""
    # possessive, and no newline before the '@': each line start is tried once (linear time)
    return bool(re.search(r"^[^\S\n]*+@\s*+[A-Za-z]++\s*+[{(]", text, re.M))


def _decode(value: str) -> str:
    global _DECODER
    if _DECODER is None:  # built once: building it costs more than decoding a field
        from pylatexenc.latex2text import LatexNodes2Text

        _DECODER = LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False)
    # pylatexenc turns these into look-alike accents; keep the plain characters
    for command, char in _LITERALS.items():
        value = value.replace(command, char)
    text = _DECODER.latex_to_text(value)
    return " ".join(text.replace("\u00a0", " ").split())


_DECODER: Any = None


_LITERALS = {"\\textasciicircum{}": "^"}


def _names(value: str) -> list[dict[str, Any]]:
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    out: list[dict[str, Any]] = []
    for name in split_multiple_persons_names(value):
        name = name.strip()
        if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
            inner = _decode(name[1:-1])
            if is_org(inner) or len(inner.split()) > 1:
                out.append({"org": inner})
            else:
                out.append({"family": inner})
            continue
        parts = parse_single_name_into_parts(name)
        person: dict[str, Any] = {"family": _decode(" ".join(parts.last))}
        if parts.first:
            person["given"] = _decode(" ".join(parts.first))
        if parts.von:
            person["particle"] = _decode(" ".join(parts.von))
        if parts.jr:
            person["suffix"] = _decode(" ".join(parts.jr))
        if family_first(person["family"], person.get("given")) and not parts.von:
            person["family_first"] = True
        out.append(person)
    return out


def _title(value: str) -> tuple[str, list[str]]:
    """The decoded title and the phrases it protects with braces."""
    kept = [_decode(m.group(1)) for m in
            re.finditer(r"(?<![\\A-Za-z])\{((?:[^{}]|\{[^{}]*\})+)\}", value)]
    return _decode(value), kept


def _date(fields: dict[str, str], where: str) -> dict[str, Any] | None:
    from ..model import _parse_point

    text = fields.get("date", "").strip()
    if text:
        circa = text.endswith("~")
        text = text.rstrip("~")
        try:
            start, _, end = text.partition("/")
            out: dict[str, Any] = dict(_parse_point(start))
            if end:
                out["until"] = dict(_parse_point(end))
        except ValueError:
            raise CitetoolError(where, f"cannot read the date {fields['date']!r}", "date") from None
        if circa:
            out["circa"] = True
        return out
    if fields.get("year", "").strip() in ("", "n.d.", "n. d.", "nd"):
        return None
    try:
        out = {"year": int(fields["year"].strip())}
    except ValueError:
        raise CitetoolError(where, f"cannot read the year {fields['year']!r}", "year") from None
    month = fields.get("month", "").strip().lower()[:3]
    if month:
        if month.isdigit():
            out["month"] = int(month)
        elif month in _MONTHS:
            out["month"] = _MONTHS.index(month) + 1
    return out


def _recipients(addon: str) -> list[dict[str, Any]]:
    m = re.match(r"^to\s+(.+)$", addon.strip())
    if not m:
        return []
    out = []
    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", m.group(1)):
        braced = re.fullmatch(r"(?:the\s+)?\{([^{}]+)\}", part.strip())
        if braced:
            out.append({"org": _decode(braced.group(1))})
        elif part.strip():
            from .common import agent

            out.append(agent(_decode(part)))
    return out


def _location(fields: dict[str, str]) -> dict[str, str]:
    how = _decode(fields.get("howpublished", ""))
    library = _decode(fields.get("library", ""))
    source: dict[str, str] = {}
    chunks = [c.strip() for c in how.split(",") if c.strip()] if how else []
    if library:
        source["call_number"] = library
        if how.startswith(library):
            chunks = [c.strip() for c in how[len(library):].split(",") if c.strip()]
    elif chunks:
        # classic BibTeX: call number, pages, collection and archive in howpublished
        cut = next((i for i, c in enumerate(chunks) if _PAGES.match(c)), len(chunks))
        if cut:
            source["call_number"] = ", ".join(chunks[:cut])
        chunks = chunks[cut:]
    if chunks and _PAGES.match(chunks[0]):
        source["pages"] = _PAGES.match(chunks[0])["p"].replace("\u2013", "-")  # type: ignore[index]
        chunks = chunks[1:]
    archive = _decode(fields.get("organization", ""))
    if chunks and chunks[-1] == archive:
        chunks = chunks[:-1]
    if chunks:
        source["collection"] = ", ".join(chunks)
    if fields.get("pages") and "pages" not in source:
        source["pages"] = _decode(fields["pages"]).replace("\u2013", "-")
    return source


def entry(key: str, entry_type: str, fields: dict[str, str], where: str
          ) -> tuple[dict[str, Any], list[str]]:
    """One entry's fields (raw LaTeX) as raw record data, and the fields kept in notes."""
    where = f"{where}#{key}"
    if "title" not in fields:
        raise CitetoolError(where, "the entry has no title", "title")
    title, kept = _title(fields["title"])
    url = fields.get("url", "").strip()
    doc = re.search(r"/document/([^/?#\s]+)/?$", url)
    rid = doc.group(1) if doc else re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-.")
    raw: dict[str, Any] = {"id": rid, "type": document_type(title), "title": title}
    if entry_type == "letter" and raw["type"] == "document":
        raw["type"] = "letter"
    short = fields.get("shorttitle") or fields.get("key")
    raw["short_title"] = _title(short)[0] if short else short_title(title)
    date = _date(fields, where)
    if date:
        raw["date"] = date
    for field, key_ in (("author", "authors"), ("translator", "translators")):
        if fields.get(field):
            raw[key_] = _names(fields[field])
    if fields.get("titleaddon"):
        raw["recipients"] = _recipients(fields["titleaddon"])
    notes: dict[str, str] = {}
    credits_ = " ".join(_decode(fields[k]) for k in ("addendum", "note") if fields.get(k))
    dated = re.search(r"(?:^|\.\s+)Dated ([^.]+)(?:\.|$)", credits_)
    if dated:
        credits_ = credits_.replace(dated.group(0), ". " if dated.start() else "").strip(" .")
        if date is not None:
            raw["date"] = archive_date(dated.group(1).replace(" to ", " - ")
                                       .replace("ca. ", "c. "), where)
    if credits_:
        found = statement.parse(credits_ + ".")
        for k in ("obtained_by", "contributed_by"):
            if k in found:
                raw[k] = found[k]
        if "translators" in found and "translators" not in raw:
            raw["translators"] = found["translators"]
        notes.update(found.get("notes", {}))
    archive = _decode(fields.get("organization") or fields.get("institution")
                      or fields.get("archive") or "")
    if not archive and fields.get("howpublished"):
        # classic BibTeX carries the archive as the last part of howpublished
        last = _decode(fields["howpublished"]).rsplit(",", 1)[-1].strip()
        archive = last if is_org(last) else ""
        fields = {**fields, "organization": archive}
    if not archive:
        raise CitetoolError(where, "the entry names no archive (organization)", "organization")
    raw["archive"] = archive
    if url:
        raw["url"] = url
    source = _location(fields)
    if source:
        raw["source"] = source
    lang = fields.get("langid", "").strip()
    raw["language"] = _LANGIDS.get(lang, "en")
    if raw.get("translators"):
        raw["translated"] = True
    if fields.get("origlanguage"):
        raw["original_languages"] = [_decode(fields["origlanguage"]).title()]
    if fields.get("abstract"):
        raw["summary"] = _decode(fields["abstract"])
    if fields.get("keywords"):
        raw["subjects"] = [k.strip() for k in _decode(fields["keywords"]).split(",") if k.strip()]
    keep = extra_phrases(kept, raw)
    if keep:
        raw["keep_case"] = keep
    extra = []
    for k, v in fields.items():
        if k not in _HANDLED:
            extra.append(k)
            notes[k] = _decode(v)
    if lang and lang not in _LANGIDS:
        extra.append("langid")
        notes["langid"] = lang
    if notes:
        raw["notes"] = notes
    return raw, extra


def parse(text: str, where: str) -> list[tuple[dict[str, Any] | None, CitetoolError | None,
                                               list[str]]]:
    """Every entry: (raw record, None, fields kept in notes), or (None, error, []) if broken."""
    import logging

    import bibtexparser

    # bibtexparser logs each broken block; we report them ourselves, one line each
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = bibtexparser.parse_string(text, parse_stack=[])
    out: list[tuple[dict[str, Any] | None, CitetoolError | None, list[str]]] = []
    for block in library.failed_blocks:
        line = getattr(block, "start_line", None)
        at = f"{where}:{line + 1}" if isinstance(line, int) else where
        out.append((None, CitetoolError(at, "broken BibTeX entry, skipped"), []))
    for ent in library.entries:
        fields = {f.key.lower(): _unbrace(f.value) for f in ent.fields}
        try:
            raw, extra = entry(ent.key, ent.entry_type.lower(), fields, where)
            out.append((raw, None, extra))
        except CitetoolError as exc:
            out.append((None, exc, []))
    if not out:
        raise CitetoolError(where, "no BibTeX entries found")
    return out


def _unbrace(value: str) -> str:
    """A field value without its outer braces or quotes (the LaTeX inside is kept)."""
    value = value.strip()
    if len(value) >= 2 and value[0] + value[-1] in ("{}", '""'):
        return value[1:-1]
    return value
