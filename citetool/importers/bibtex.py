"""BibTeX and BibLaTeX entries into records, LaTeX decoded (bibtexparser 2).

Broken blocks are collected as failures, as bibtexparser does, not raised: the good entries of
a file still import. Fields with no place in the model are kept in notes and reported.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import CitetoolError
from ..vocab import bibtex as vocab
from .builder import Draft, Outcome, build, ignore
from .common import agent, document_kind, extra_lines, family_first, is_org, note_facts

# pages as the exports write them: 'pp. 4-6', 'l. 34', 'khuu 74-81', 'pp. iv-x'
_PAGES = re.compile(r"^(?:[Pp]p?\.\s*)?(?P<p>(?:[a-z]{1,6}\.?\s)?(?:\d+|[ivxlcdm]+)[a-z]?"
                    r"(?:\s*[-\u2013]+\s*(?:\d+|[ivxlcdm]+)[a-z]?)?)$")
_ENTRY_KEY, _ENTRY_TYPE = "\x00key", "\x00type"  # the entry's key and type, beside its fields


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
    # TeX's quote ligatures, as the exports write straight quotes ("a" as ``a'', 'a' as `a')
    value = _LIGATURE_QUOTE.sub(lambda m: '"' if len(m.group()) == 2 else "'", value)
    text = _DECODER.latex_to_text(value)
    return " ".join(text.replace("\u00a0", " ").split())


_DECODER: Any = None


_LITERALS = {"\\textasciicircum{}": "^"}
_LIGATURE_QUOTE = re.compile(r"(?<!\\)(?:``|''|`)")  # not \` or \' (accents)


def _names(value: str) -> list[dict[str, Any]]:
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    out: list[dict[str, Any]] = []
    for name in split_multiple_persons_names(value):
        name = name.strip()
        inner = _outer_group(name)
        if inner != name:  # one braced word, in one pair of braces or more ({{...}})
            while _outer_group(inner) != inner:
                inner = _outer_group(inner)
            out.append(_braced_name(_decode(inner)))
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


def _outer_group(value: str) -> str:
    """The value without braces that wrap all of it ('{{A {B}}}' -> '{A {B}}'), one level."""
    if not (value.startswith("{") and value.endswith("}")):
        return value
    depth = 0
    for i, ch in enumerate(value):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0 and i < len(value) - 1:
            return value  # '{A} and {B}': the first brace closes early
    return value[1:-1]


def _braced_name(inner: str) -> dict[str, Any]:
    """A name written as one braced word: an organization, a single name, or a person
    written family name first ('{Shen Zhihua}', '{金日成}'), as the exports write them."""
    if is_org(inner):
        return {"org": inner}
    words = inner.split()
    if len(words) == 1:
        if len(inner) in (2, 3) and not re.search(r"[A-Za-z]", inner):
            # a name in Chinese, Korean or Japanese script: nearly always a one-character
            # family name, then the given name
            return {"family": inner[0], "given": inner[1:], "family_first": True}
        return {"family": inner}
    person = agent(inner)
    return person if person.get("family_first") else {"org": inner}


def _title(value: str) -> tuple[str, list[str]]:
    """The decoded title and the phrases it protects with braces. A title braced as a whole,
    or with every capitalized word braced (as the classic BibTeX export writes it), protects
    its case: then only phrases of several words say more than that."""
    value = _outer_group(value)
    groups = list(re.finditer(r"(?<![\\A-Za-z])\{((?:[^{}]|\{[^{}]*\})+)\}", value))
    kept = [_decode(m.group(1)) for m in groups]
    outside = "".join(re.split(r"(?<![\\A-Za-z])\{(?:[^{}]|\{[^{}]*\})+\}", value))
    if kept and not any(w[:1].isupper() for w in _decode(outside).split()):
        kept = [k for k in kept if len(k.split()) > 1]
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
        # a date written whole in `year`: '[1962?]', 'March--May 1962', '1956--1957'
        try:
            from ..model import parse_written

            return parse_written(_decode(fields["year"]).replace("--", "\u2013"))
        except ValueError:
            raise CitetoolError(where, f"cannot read the year {fields['year']!r}",
                                "year") from None
    raw_month = fields.get("month", "").strip()
    month = raw_month.lower()[:3]
    if month:
        if month.isdigit():
            out["month"] = int(month)
        elif month in vocab.MONTHS:
            out["month"] = vocab.MONTHS.index(month) + 1
    days = _MONTH_DAYS.match(raw_month)
    if days and "month" in out:
        out["day"] = int(days["day"])
        if days["until"]:
            out["until"] = {"year": out["year"], "month": out["month"],
                            "day": int(days["until"])}
    return out


# the day in `month`, as the classic export writes it: 'mar # {~24,}', 'sep # {~1--30,}'
_MONTH_DAYS = re.compile(r"^[A-Za-z]+\s*#\s*[{\"]\s*~?\s*(?P<day>\d{1,2})"
                         r"(?:\s*-+\s*(?P<until>\d{1,2}))?\s*,?\s*[}\"]$")


def _recipients(addon: str) -> list[dict[str, Any]]:
    m = re.match(r"^[Tt]o\s+(.+)$", addon.strip())
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
    if _URL.match(fields.get("howpublished", "")):
        how = ""  # Better BibTeX writes a @misc's URL there: the url field has it
    archive = _decode(fields.get("organization", ""))
    # Zotero's "Loc. in Archive", as reference managers export it; never the archive itself
    library = next((v for v in (_decode(fields.get(k, "")) for k in ("library",
                                                                     "archive_location"))
                    if v and v != archive), "")
    source: dict[str, str] = {}
    # the archive's own name is never part of the location (exports put it in howpublished)
    chunks = [c.strip() for c in how.split(",") if c.strip() and c.strip() != archive]
    how = ", ".join(chunks)
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
    texts = []
    for k in ("addendum", "note"):
        if draft.fields.get(k):
            extra, rest = extra_lines(draft.fields[k])
            for key, line in extra.items():
                draft.keep(key, _decode(line))
            texts.append(_decode(rest))
    credits_ = " ".join(t for t in texts if t)
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
        note_facts(credits_, draft.raw, draft.notes, _archive(draft.fields))


_URL = re.compile(r"^\s*(?:\\url\{)?https?://", re.I)


def _type_field(value: str, draft: Draft) -> None:
    """`type`: the kind of document (Zotero's manuscript type, as Better BibTeX writes it)."""
    kind = document_kind(_decode(value))
    if kind:
        draft.raw["type"] = kind
    elif value.strip():
        draft.keep("type", _decode(value))


def _archive(fields: Any) -> str:
    """The archive an entry names in its own field (or in `library` without a call number in
    it, where Better BibTeX writes Zotero's "Library Catalog")."""
    named = _decode(fields.get("organization") or fields.get("institution")
                    or fields.get("archive") or "")
    library = _decode(fields.get("library", ""))
    if not named and is_org(library) and not re.search(r"\d", library):
        return library
    return named


def _archive_fields(value: str, draft: Draft) -> None:
    del value
    fields = dict(draft.fields)
    archive = _archive(fields)
    if not archive and fields.get("howpublished"):
        # classic BibTeX carries the archive as the last part of howpublished
        last = _decode(fields["howpublished"]).rsplit(",", 1)[-1].strip()
        archive = last if is_org(last) else ""
        fields["organization"] = archive
    if not archive:
        draft.fail("the entry names no archive (organization)", "organization")
    draft.raw["archive"] = archive
    fields["organization"] = archive  # the location never holds the archive's name
    # what the fields give wins over what a note's source statement gave
    source = {**draft.raw.get("source", {}), **_location(fields)}
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
    vocab.RECIPIENTS: _names_field("recipients"),  # every recipient: wins over titleaddon
    "addendum": _credits_field,
    "note": _credits_field,
    _ENTRY_TYPE: _archive_fields,  # every entry: it must name its archive
    "organization": ignore,
    "institution": ignore,
    "archive": ignore,
    "howpublished": ignore,
    "library": ignore,
    "archive_location": ignore,
    "type": _type_field,
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
