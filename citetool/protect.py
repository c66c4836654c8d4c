"""Which parts of a title are proper names that title-casing must leave exactly as written."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Record

# A capitalized word with a lowercase part after a hyphen: a romanized East Asian given name
# ("Hu-rak", "Ching-kuo") or a prefixed compound Chicago keeps lowercase ("Anti-imperialist").
_HYPHENATED_NAME = re.compile(r"(?<![\w-])[A-Z]\w*(?:-\w+)*-[a-z]\w*")
# A word with a typographic quotation mark inside it: the 'ayn or hamza of a transliteration
# ("Mun‘im", "Qur’an", "al-Ba‘th") or a name like "O’Neill". CSL processors take the mark
# for a quotation mark and capitalize the letter after it ("Mun‘Im"). Not an English
# contraction ("don’t", "People’s", "we’ll"), which title case capitalizes as a word.
_MARKED_WORD = re.compile(
    r"[^\W\d_]+(?:(?:\u2018|\u2019(?!(?:ll|re|ve)\b)(?=[^\W\d_]{2}))[^\W\d_]+)+"
)

Span = tuple[int, int]


def spans(title: str, keep_case: Iterable[str] = ()) -> list[Span]:
    """Sorted, non-overlapping character spans of the title kept as written."""
    # each pattern needs its mark; most titles have neither, and searching costs more than
    # asking
    found: list[Span] = [m.span() for m in _HYPHENATED_NAME.finditer(title)] if "-" in title else []
    found += marked_words(title)
    for phrase in keep_case:
        found += _occurrences(title, phrase)
    return merge(found)


def automatic(phrase: str) -> bool:
    """Whether these rules protect a phrase by themselves (a record need not list it)."""
    return bool(_HYPHENATED_NAME.fullmatch(phrase) or _MARKED_WORD.fullmatch(phrase))


def marked_words(text: str) -> list[Span]:
    """Spans of the words with a quotation mark inside them (transliterations, O’Neill)."""
    if "\u2018" not in text and "\u2019" not in text:
        return []
    return [m.span() for m in _MARKED_WORD.finditer(text)]


def merge(found: list[Span]) -> list[Span]:
    """Sorted, non-overlapping spans covering the given ones."""
    found = sorted(found)
    merged: list[Span] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches


def _occurrences(text: str, phrase: str) -> list[Span]:
    r"""Where phrase stands as whole words: re's (?<!\w)phrase(?!\w), without compiling a
    pattern for every name of every record."""
    out = []
    start = text.find(phrase) if phrase else -1
    while start != -1:
        end = start + len(phrase)
        if not (start and _is_word(text[start - 1])) and not (
                end < len(text) and _is_word(text[end])):
            out.append((start, end))
        start = text.find(phrase, start + 1)
    return out


def wrap(title: str, protected: list[Span], before: str, after: str) -> str:
    """Put markers around each protected span (CSL nocase spans, BibTeX braces)."""
    out: list[str] = []
    last = 0
    for start, end in protected:
        out += [title[last:start], before, title[start:end], after]
        last = end
    out.append(title[last:])
    return "".join(out)


def record_phrases(record: Record) -> list[str]:
    """What a record's titles keep as written: its keep_case list and the names it gives."""
    return list(record.keep_case) + agent_phrases(record.names)


def agent_phrases(agents: Iterable[Any]) -> list[str]:
    """The names of persons and organizations as titles write them, in either order."""
    from .plain import is_org

    phrases: list[str] = []
    for agent in agents:
        if is_org(agent):
            phrases.append(agent.org)
        elif agent.given:
            family = " ".join(p for p in (agent.particle, agent.family) if p)
            phrases += [f"{agent.given} {family}", f"{family} {agent.given}"]
    return phrases
