"""The archive's source statement taken apart: call number, pages, and who did what.

The statement is kept verbatim in the record as well; this only adds the structure that the
other styles need. Wordings handled: "Obtained by X and translated by Y and Z", "Obtained and
translated by X", "Obtained for NKIDP by X", "Contributed by X", "translated from the Polish by
X with Y", "Translated for CWIHP by X", "Reprinted in ...".
"""

from __future__ import annotations

import re
from typing import Any

from .common import agents, language_code

_VERBS = r"(?:obtained|translated|contributed|transcribed|edited|donated|provided|compiled)"
_CREDIT_START = re.compile(
    r"(?:^|(?<=\.)\s+)(?=(?:Obtained|Contributed|Translated|Transcribed|Edited|Donated|Provided|"
    r"Compiled|Reprinted|Republished|Published|Originally|Excerpted|Courtesy|Document|Copy|"
    r"Also)\b)"
)
_CLAUSE_SPLIT = re.compile(rf"\s*(?:,|;)?\s+(?:and\s+)?(?={_VERBS}\b)|^(?={_VERBS}\b)", re.I)
_CLAUSE = re.compile(rf"^(?P<verb>{_VERBS})\b(?P<mid>.*?)\bby\s+(?P<names>.+)$", re.I | re.S)
_REPRINT = re.compile(r"^(?:Reprinted|Republished|Published|Originally published) in\s+(.+)$",
                      re.S)
_PAGES = re.compile(
    r"^(?:(?P<label>pp?|ll?|ff?|fol|fols|folios?|pages?|sheets?|list|listy|str|s)\.?\s*)?"
    r"(?P<n>[0-9]{1,4}[a-z]?|[ivxlcdm]{1,7})(?:\s*[-\u2013]\s*(?:[0-9]{1,4}[a-z]?|[ivxlcdm]{1,7}))?$",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[a-z]{2}\.)\s+(?=[A-Z])")
_ROLE = {"obtained": "obtained_by", "translated": "translators", "contributed": "contributed_by",
         "donated": "contributed_by", "provided": "contributed_by"}


def _location(text: str) -> dict[str, str]:
    text = text.strip().rstrip(".").strip()
    if not text:
        return {}
    chunks = [c.strip() for c in text.split(",")]
    if len(chunks) > 1:
        m = _PAGES.match(chunks[-1])
        if m:
            label = (m["label"] or "").lower()
            pages = chunks[-1] if label not in ("p", "pp", "page", "pages") else chunks[-1][
                m.start("n"):]
            return {"call_number": ", ".join(chunks[:-1]), "pages": pages}
    return {"call_number": text}


def parse(statement: str) -> dict[str, Any]:
    """The fields a source statement gives: source, obtained_by, translators, notes, ..."""
    out: dict[str, Any] = {}
    starts = [m.start() for m in _CREDIT_START.finditer(statement)]
    head_end = starts[0] if starts else len(statement)
    source = _location(statement[:head_end])
    notes: dict[str, str] = {}
    languages: list[str] = []
    # a sentence also ends at a period after a word (not after an initial or "Jr.")
    starts = sorted(set(starts) | {m.end() for m in _SENTENCE_END.finditer(statement)
                                   if m.end() > head_end})
    bounds = starts + [len(statement)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        sentence = statement[start:end].strip().rstrip(".").strip()
        if not sentence:
            continue
        reprint = _REPRINT.match(sentence)
        if reprint:
            source["reprinted_in"] = reprint.group(1).strip()
            continue
        pending: list[str] = []
        understood = False
        for clause in (c.strip() for c in _CLAUSE_SPLIT.split(sentence)):
            if not clause:
                continue
            verb_only = re.fullmatch(rf"({_VERBS})", clause, re.I)
            if verb_only:
                pending.append(verb_only.group(1).lower())
                continue
            m = _CLAUSE.match(clause)
            if not m:
                pending = []
                notes["provenance"] = (notes.get("provenance", "") + " " + clause).strip()
                continue
            understood = True
            names = agents(m["names"])
            mid = m["mid"]
            lang = re.search(r"from (?:the )?([A-Z][a-z-]+)", mid)
            if lang and language_code(lang.group(1)):
                languages.append(lang.group(1))
            for_whom = re.search(r"\bfor (.+?)\s*$", re.sub(r"from (?:the )?[A-Z][a-z-]+", "",
                                                          mid).strip())
            for verb in [*pending, m["verb"].lower()]:
                role = _ROLE.get(verb)
                if role:
                    out.setdefault(role, []).extend(names)
                else:
                    key = f"{verb} by"
                    notes[key] = "; ".join(filter(None, [notes.get(key), m["names"].strip()]))
                if for_whom:
                    notes[f"{verb} for"] = for_whom.group(1)
            pending = []
        if not understood and sentence not in notes.get("provenance", ""):
            notes["provenance"] = (notes.get("provenance", "") + " " + sentence).strip()
    if source:
        out["source"] = source
    if notes:
        out["notes"] = notes
    if languages:
        out["original_languages"] = languages
    return out
