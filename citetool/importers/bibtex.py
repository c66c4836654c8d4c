"""BibTeX and BibLaTeX entries into records, LaTeX decoded (bibtexparser 2).

Broken blocks are collected as failures, as bibtexparser does, not raised: the good entries of
a file still import. Fields with no place in the model are kept in notes and reported.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import CitetoolError
from ..vocab import bibtex as vocab
from . import statement
from .builder import Draft, Outcome, build, ignore
from .common import agent, family_first, is_org

# pages as the exports write them: 'pp. 4-6', 'l. 34', 'khuu 74-81', 'pp. iv-x'
_PAGES = re.compile(r"^(?:pp?\.\s*)?(?P<p>(?:[a-z]{1,6}\.?\s)?(?:\d+|[ivxlcdm]+)[a-z]?"
                    r"(?:\s*[-\u2013]+\s*(?:\d+|[ivxlcdm]+)[a-z]?)?)$")
_ENTRY_KEY, _ENTRY_TYPE = "\x00key", "\x00type"  # the entry's key and type, beside its fields


def looks_like(text: str) -> bool:
    """Whether the text holds a BibTeX entry ('@type{')."""
    return bool(re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", text, re.M))


def _decode(value: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    # pylatexenc turns these into look-alike accents; keep the plain characters
    for command, char in _LITERALS.items():
        value = value.replace(command, char)
    text = LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False).latex_to_text(value)
    return " ".join(text.replace("\u00a0", " ").split())


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
    from ..model import parse_date

    text = fields.get("date", "").strip()
    if text:
        try:
            return parse_date(text)
        except ValueError:
            raise CitetoolError(where, f"cannot read the date {fields['date']!r}", "date") from None
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
        elif month in vocab.MONTHS:
            out["month"] = vocab.MONTHS.index(month) + 1
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


# --- field handlers, run in this order by the shared builder ---------------------------------


def _title_field(value: str, draft: Draft) -> None:
    title, kept = _title(value)
    draft.raw["title"] = title
    draft.phrases += kept
    if draft.fields.get(_ENTRY_TYPE) == "letter":
        from .derive import document_type

        if document_type(title) == "document":
            draft.raw["type"] = "letter"


def _url_field(value: str, draft: Draft) -> None:
    url = value.strip()
    if url:
        draft.raw["url"] = url


def _key_field(value: str, draft: Draft) -> None:
    url = draft.fields.get("url", "").strip()
    doc = re.search(r"/document/([^/?#\s]+)/?$", url)
    draft.raw["id"] = doc.group(1) if doc else re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-.")


def _short_field(value: str, draft: Draft) -> None:
    if "short_title" not in draft.raw and value.strip():
        draft.raw["short_title"] = _title(value)[0]


def _date_fields(value: str, draft: Draft) -> None:
    del value
    date = _date(dict(draft.fields), draft.where)
    if date:
        draft.raw["date"] = date


def _names_field(role: str) -> Any:
    def handle(value: str, draft: Draft) -> None:
        if value.strip():
            draft.raw[role] = _names(value)
    return handle


def _titleaddon_field(value: str, draft: Draft) -> None:
    draft.raw["recipients"] = _recipients(value)


def _credits_field(value: str, draft: Draft) -> None:
    """`addendum` and `note`: the dated note, who obtained, contributed or translated it."""
    del value
    credits_ = " ".join(_decode(draft.fields[k]) for k in ("addendum", "note")
                        if draft.fields.get(k))
    dated = re.search(rf"(?:^|\.\s+){vocab.DATED}([^.]+)(?:\.|$)", credits_)
    if dated:
        credits_ = credits_.replace(dated.group(0), ". " if dated.start() else "").strip(" .")
        if "date" in draft.raw:
            from ..model import parse_written

            try:
                draft.raw["date"] = parse_written(dated.group(1))
            except ValueError as exc:
                draft.fail(f"cannot read the date {dated.group(1)!r}: {exc}", "note")
    if credits_:
        found = statement.parse(credits_ + ".")
        for k in ("obtained_by", "contributed_by"):
            if k in found:
                draft.raw[k] = found[k]
        if "translators" in found and "translators" not in draft.raw:
            draft.raw["translators"] = found["translators"]
        draft.notes.update(found.get("notes", {}))


def _archive_fields(value: str, draft: Draft) -> None:
    del value
    fields = dict(draft.fields)
    archive = _decode(fields.get("organization") or fields.get("institution")
                      or fields.get("archive") or "")
    if not archive and fields.get("howpublished"):
        # classic BibTeX carries the archive as the last part of howpublished
        last = _decode(fields["howpublished"]).rsplit(",", 1)[-1].strip()
        archive = last if is_org(last) else ""
        fields["organization"] = archive
    if not archive:
        draft.fail("the entry names no archive (organization)", "organization")
    draft.raw["archive"] = archive
    source = _location(fields)
    if source:
        draft.raw["source"] = source


def _langid_field(value: str, draft: Draft) -> None:
    lang = value.strip()
    draft.raw["language"] = vocab.LANGUAGES.get(lang, "en")
    if lang and lang not in vocab.LANGUAGES:
        draft.keep("langid", lang)


def _origlanguage_field(value: str, draft: Draft) -> None:
    draft.raw["original_languages"] = [_decode(value).title()]


def _abstract_field(value: str, draft: Draft) -> None:
    draft.raw["summary"] = _decode(value)


def _keywords_field(value: str, draft: Draft) -> None:
    draft.raw["subjects"] = [k.strip() for k in _decode(value).split(",") if k.strip()]


# the handler table; fields read by another handler are listed with `ignore`
HANDLERS: dict[str, Any] = {
    "title": _title_field,
    _ENTRY_KEY: _key_field,
    "url": _url_field,
    "shorttitle": _short_field,
    "key": _short_field,
    "date": _date_fields,
    "year": _date_fields,
    "month": ignore,
    "day": ignore,
    "author": _names_field("authors"),
    "translator": _names_field("translators"),
    "titleaddon": _titleaddon_field,
    "addendum": _credits_field,
    "note": _credits_field,
    _ENTRY_TYPE: _archive_fields,  # every entry: it must name its archive
    "organization": ignore,
    "institution": ignore,
    "archive": ignore,
    "howpublished": ignore,
    "library": ignore,
    "pages": ignore,
    "langid": _langid_field,
    "origlanguage": _origlanguage_field,
    "abstract": _abstract_field,
    "keywords": _keywords_field,
    "archiveprefix": ignore,
}
assert set(HANDLERS) - {_ENTRY_KEY, _ENTRY_TYPE} == vocab.READ_FIELDS


def entry(key: str, entry_type: str, fields: dict[str, str], where: str) -> Outcome:
    """One entry's fields (raw LaTeX) as an outcome: raw record data or the error."""
    return build({_ENTRY_KEY: key, _ENTRY_TYPE: entry_type, **fields}, HANDLERS,
                 f"{where}#{key}", kept_as=_decode)


def parse(text: str, where: str) -> list[Outcome]:
    """Every entry's outcome: raw record data and the fields kept in notes, or the error."""
    import logging

    import bibtexparser

    # bibtexparser logs each broken block; we report them ourselves, one line each
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = bibtexparser.parse_string(text, parse_stack=[])
    out: list[Outcome] = []
    for block in library.failed_blocks:
        line = getattr(block, "start_line", None)
        at = f"{where}:{line + 1}" if isinstance(line, int) else where
        out.append(Outcome(error=CitetoolError(at, "broken BibTeX entry, skipped")))
    for ent in library.entries:
        fields = {f.key.lower(): _unbrace(f.value) for f in ent.fields}
        out.append(entry(ent.key, ent.entry_type.lower(), fields, where))
    if not out:
        raise CitetoolError(where, "no BibTeX entries found")
    return out


def _unbrace(value: str) -> str:
    """A field value without its outer braces or quotes (the LaTeX inside is kept)."""
    value = value.strip()
    if len(value) >= 2 and value[0] + value[-1] in ("{}", '""'):
        return value[1:-1]
    return value
