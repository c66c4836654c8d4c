"""The archive's source statement taken apart: call number, pages, and who did what.

The statement is kept verbatim in the record as well; this only adds the structure that the
other styles need. Wordings handled: "Obtained by X and translated by Y and Z", "Obtained and
translated by X", "Obtained for NKIDP by X", "Contributed by X", "translated from the Polish by
X with Y", "Translated for CWIHP by X", "translation for CWIHP by X", "translation and editing by
X", "Reprinted in ...", credits that follow the call number inside its sentence ("..., 45-46,
obtained by X") or after a full stop with no space ("1140/1980.Obtained by X").

An organization named after a person, after a comma ("translated by X, CWIHP") or in
parentheses ("translated by X (National Security Archive)"), is that person's affiliation, not
a second translator: it goes to notes under "<verb> for" ("translated for"), the key that
"Translated for CWIHP by X" fills, several joined by "; ". An acronym alone ("Translated by
CWIHP") is never a translator either: notes["translated by"] keeps it.

A date that ends the location ("Renmin ribao, April 30, 1954") is not a page number.

Every pattern here runs in time linear in the statement: whitespace runs are collapsed first,
and no pattern can rescan an unbounded stretch from each of many starting points.
"""

from __future__ import annotations

import re
from typing import Any

from .common import (
    LANGUAGES,
    MONTHS,
    agent,
    is_acronym,
    is_org,
    language_code,
    valid_agents,
)

_VERBS = (r"(?:obtained|translated|contributed|transcribed|edited|donated|provided|compiled|"
          r"translation|transcription|editing)")
_CANONICAL = {"translation": "translated", "transcription": "transcribed", "editing": "edited"}
_ROLE = {"obtained": "obtained_by", "translated": "translators", "contributed": "contributed_by",
         "donated": "contributed_by", "provided": "contributed_by"}
_LANGUAGE_WORDS = "|".join(sorted((k.title() for k in LANGUAGES), key=len, reverse=True))
# A credit: a verb, at most ten more words (no sentence inside), then "by"; or a reprint note.
# Words are bounded too, so each try looks at a bounded stretch after its verb.
_CREDIT = re.compile(
    rf"(?:(?:{_LANGUAGE_WORDS}) (?=(?i:translation)))?"
    rf"\b(?i:{_VERBS})\b(?: [^ .;]{{1,80}}){{0,10}}? (?i:by) "
    r"|\b(?:Reprinted|Republished|Originally published|Published) in "
)
# Words that open a sentence of credits or notes after the location.
_OPENERS = {"Obtained", "Translated", "Contributed", "Transcribed", "Edited", "Donated",
            "Provided", "Compiled", "Translation", "Transcription", "Reprinted", "Republished",
            "Published", "Originally", "Excerpted", "Courtesy", "Document", "Copy", "Also"}
# Words a full stop follows without ending the sentence (initials are found by their length).
_ABBREVIATIONS = {"jr", "sr", "dr", "mr", "mrs", "ms", "prof", "st", "no", "nos", "vol", "vols",
                  "ed", "eds", "trans", "gen", "col", "lt", "capt", "amb", "hon", "rev", "op",
                  "ll", "ff", "pp", "fol", "fols", "ca", "cf", "co", "inc", "ltd", "corp", "nr"}
_CLOSERS = "\u201d\u2019\"')]"
_OPENING = "\u201c\u201e\u2018\"'(["
_CLAUSE_SPLIT = re.compile(rf"(?:[,;] (?:and )?| and | & )(?={_VERBS}\b)", re.I)
_VERB_HERE = re.compile(rf"\b{_VERBS}\b", re.I)
_CLAUSE = re.compile(rf"(?P<verb>{_VERBS})\b(?P<mid>.*?)\bby (?P<names>.+)", re.I)
_REPRINT = re.compile(r"(?:Reprinted|Republished|Published|Originally published) in (.+)")
_PAGES = re.compile(
    r"^(?:(?P<label>pp?|ll?|ff?|fol|fols|folios?|pages?|sheets?|list|listy|str|s|kk?|bl)\.?\s*)?"
    r"(?P<n>[0-9]{1,4}[a-z]?|[ivxlcdm]{1,7})(?:\s*[-\u2013]\s*(?:[0-9]{1,4}[a-z]?|[ivxlcdm]{1,7}))?$",
    re.I,
)
_MONTH_WORDS = "|".join([*MONTHS, *(m[:3] for m in MONTHS), "sept"])
# what comes before a year that is the end of a date, not a page ("April 30", "30 April", "Winter")
_DATE_BEFORE_YEAR = re.compile(
    rf"\b(?:{_MONTH_WORDS})\.?(?: \d{{1,2}}(?:\s*[-\u2013]\s*\d{{1,2}})?)?$"
    r"|\b(?:spring|summer|autumn|fall|winter)$",
    re.I,
)
_NAME_SEPARATOR = re.compile(r"(, (?:and |with )?| and | with | & )")
_HONORIFIC = re.compile(r"^(?:Dr|Prof|Professor|Mr|Mrs|Ms)\.? (?=\S)")
_BRACKETED = re.compile(r" ?[(\[]([^()\[\]]*)[)\]]")
_FROM_LANGUAGE = re.compile(r"\bfrom (?:the )?(?:original )?([A-Z][\w-]*)"
                            r"(?: (?:and|&) (?:the )?([A-Z][\w-]*))?")


def _location(text: str) -> dict[str, str]:
    text = text.strip().rstrip(".,;").strip()
    if not text:
        return {}
    chunks = [c.strip() for c in text.split(",")]
    if len(chunks) > 1:
        m = _PAGES.match(chunks[-1])
        year = re.fullmatch(r"1[5-9]\d\d|20\d\d", chunks[-1])
        if m and not (year and _DATE_BEFORE_YEAR.search(chunks[-2])):
            label = (m["label"] or "").lower()
            pages = chunks[-1] if label not in ("p", "pp", "page", "pages") else chunks[-1][
                m.start("n"):]
            return {"call_number": ", ".join(chunks[:-1]), "pages": pages}
    return {"call_number": text}


def _sentence_ends(text: str) -> list[tuple[int, str]]:
    """Where sentences start after a full stop (not after an initial or 'Jr.'), and their
    first word."""
    out = []
    pos = 0
    tokens = text.split(" ")
    for token, following in zip(tokens, tokens[1:], strict=False):
        pos += len(token) + 1
        bare = token.rstrip(_CLOSERS)
        word = following.lstrip(_OPENING)
        if not bare.endswith(".") or not word[:1].isupper():
            continue
        before = bare[:-1].lstrip(_OPENING)
        if len(before) <= 1 or "." in before or before.lower() in _ABBREVIATIONS:
            continue
        out.append((pos, word))
    return out


def _credit_starts(text: str) -> list[tuple[int, str]]:
    """Where credits begin, and what precedes them: '' (start), '.', ',', ' ' (after a word)."""
    out = []
    for m in _CREDIT.finditer(text):
        start = m.start()
        before = text[max(0, start - 2):start]
        if start == 0:
            out.append((0, ""))
        elif before.endswith("."):
            out.append((start, "."))
        elif before in (", ", "; "):
            out.append((start, ","))
        elif before.endswith(" ") and text[start].isupper() and not before[0].isalpha():
            out.append((start, " "))  # a missing full stop: '001201/1965 Obtained by'

    return out


def _split(text: str) -> tuple[int, list[int]]:
    """Where the location ends, and where each sentence after it starts."""
    ends = _sentence_ends(text)
    credits = _credit_starts(text)
    head_end = len(text)
    for pos, word in [(0, text.split(" ", 1)[0].lstrip(_OPENING)), *ends]:
        if word.rstrip(_CLOSERS + ".,;:") in _OPENERS:
            head_end = pos
            break
    if credits and credits[0][0] < head_end:
        head_end = credits[0][0]
    starts = sorted({head_end, *(p for p, _ in ends if p > head_end),
                     *(p for p, kind in credits if p > head_end and kind in (".", " "))})
    return head_end, starts


def _names(text: str, verb: str) -> tuple[list[dict[str, Any]], list[str], list[str], str]:
    """Agents credited, their affiliations, languages named, and a trailing 'for ...'."""
    text = text.strip().rstrip(".").strip()
    languages: list[str] = []
    lang = _FROM_LANGUAGE.search(text)
    if lang and language_code(lang.group(1)):
        languages = [g for g in lang.groups() if g and language_code(g)]
        text = (text[:lang.start()] + text[lang.end():]).strip()
    for_whom = ""
    cut = text.find(" for ")
    if cut > 0 and not is_org(text[:cut]):  # not 'the Center for Korean Studies'
        for_whom = re.sub(r"^the ", "", text[cut + 5:].strip())
        text = text[:cut]
    affiliations = [g.strip() for g in _BRACKETED.findall(text) if g.strip()]
    text = _BRACKETED.sub("", text)
    parts = _NAME_SEPARATOR.split(text)
    items = [(parts[i].strip(" ,"), parts[i - 1] if i else "") for i in range(0, len(parts), 2)]
    out: list[dict[str, Any]] = []
    person_before = False
    for item, separator in items:
        item = _HONORIFIC.sub("", item)
        if not item or not re.search(r"[^\W_]", item):
            continue
        words = item.split()
        # 'CWIHP' or 'CWIHP staff': an organization, never a person's name
        acronym = is_acronym(words[0]) and all(w.islower() for w in words[1:])
        if person_before and (acronym or (separator.startswith(",") and is_org(item))):
            affiliations.append(re.sub(r"^the ", "", item))
            continue
        if acronym and verb == "translated":
            continue  # reported by the caller, never a translator
        named = {"org": item} if acronym else agent(item)
        out.append(named)
        person_before = "org" not in named
    return valid_agents(out), affiliations, languages, for_whom


def _add_note(notes: dict[str, dict[str, None]], key: str, value: str) -> None:
    if value:
        notes.setdefault(key, {})[value] = None


def _credit(clause: str, pending: list[str], out: dict[str, Any],
            notes: dict[str, dict[str, None]], languages: list[str]) -> bool:
    """One 'verb ... by names' clause into roles and notes; False if it is not one."""
    verb_at = _VERB_HERE.search(clause)
    # a short subject may come first ("Document obtained by ..."), no location
    if verb_at is None or verb_at.start() > 40 or re.search(r"[\d,;]", clause[:verb_at.start()]):
        return False
    m = _CLAUSE.match(clause, verb_at.start())
    if not m:
        return False
    mid = m["mid"]
    lang = _FROM_LANGUAGE.search(mid)
    if lang:
        languages.extend(g for g in lang.groups() if g and language_code(g))
        mid = mid[:lang.start()] + mid[lang.end():]
    for_mid = re.search(r"\bfor (?:the )?(.+)", mid.strip())
    for verb in dict.fromkeys([*pending, _canonical(m["verb"])]):
        names, affiliations, more_languages, for_whom = _names(m["names"], verb)
        languages.extend(more_languages)
        lone = [] if names else [p.strip().rstrip(".") for p in
                                 _NAME_SEPARATOR.split(m["names"])[::2] if p.strip()
                                 and is_acronym(p.split()[0])]
        role = _ROLE.get(verb)
        if role and names:
            out.setdefault(role, []).extend(names)
        elif not role:
            _add_note(notes, f"{verb} by", m["names"].strip().rstrip("."))
        for where in (for_mid.group(1).strip() if for_mid else "", for_whom, *affiliations):
            _add_note(notes, f"{verb} for", where)
        if role and lone:
            _add_note(notes, f"{verb} by", " and ".join(p.rstrip(".") for p in lone))
    return True


def _canonical(verb: str) -> str:
    verb = verb.lower()
    return _CANONICAL.get(verb, verb)


def parse(statement: str) -> dict[str, Any]:
    """The fields a source statement gives: source, obtained_by, translators, notes, ..."""
    text = " ".join(statement.split())
    out: dict[str, Any] = {}
    head_end, starts = _split(text)
    source = _location(text[:head_end])
    notes: dict[str, dict[str, None]] = {}  # each value once, in order
    provenance: list[str] = []
    languages: list[str] = []
    bounds = [*starts, len(text)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        sentence = text[start:end].strip().rstrip(".").strip()
        if not sentence:
            continue
        reprint = _REPRINT.match(sentence)
        if reprint:
            source["reprinted_in"] = reprint.group(1).strip()
            continue
        pending: list[str] = []
        understood = False
        unread: list[str] = []
        for clause in (c.strip(" ,;") for c in _CLAUSE_SPLIT.split(sentence)):
            if not clause:
                continue
            if re.fullmatch(_VERBS, clause, re.I):
                pending.append(_canonical(clause))
                continue
            if _credit(clause, pending, out, notes, languages):
                understood = True
            else:
                unread.append(clause)
            pending = []
        provenance += unread if understood else [sentence]
    for role in ("obtained_by", "translators", "contributed_by"):
        if role in out:  # each name once, in the order given
            out[role] = list({tuple(sorted(a.items())): a for a in out[role]}.values())
    if source:
        out["source"] = source
    joined = {key: "; ".join(values) for key, values in notes.items()}
    if provenance:
        joined["provenance"] = " ".join(provenance)
    if joined:
        out["notes"] = joined
    if languages:
        out["original_languages"] = list(dict.fromkeys(languages))
    return out
