"""Facts a page implies but does not state: document type, authors, short title, kept case."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .common import agents, valid_agents

_TYPES = (
    ("record of conversation", "record-of-conversation"),
    ("records of conversation", "record-of-conversation"),
    ("memorandum of conversation", "record-of-conversation"),
    ("minutes of conversation", "record-of-conversation"),
    ("transcript", "transcript"), ("telegram", "telegram"), ("cable", "cable"),
    ("ciphered telegram", "telegram"), ("memorandum", "memorandum"), ("memo", "memorandum"),
    ("letter", "letter"), ("minutes", "minutes"), ("report", "report"), ("note", "note"),
    ("notes", "note"), ("diary", "diary"), ("journal", "diary"), ("speech", "speech"),
    ("address", "speech"), ("remarks", "speech"), ("resolution", "resolution"),
    ("decision", "resolution"), ("decree", "directive"), ("directive", "directive"),
    ("order", "directive"), ("instruction", "instruction"), ("instructions", "instruction"),
    ("statement", "statement"), ("declaration", "statement"), ("communique", "communique"),
    ("communiqué", "communique"), ("agreement", "agreement"), ("treaty", "agreement"),
    ("protocol", "agreement"), ("interview", "interview"),
    ("conversation", "record-of-conversation"),
)  # fmt: skip
_COMPOUND_HEADS = re.compile(
    r"^(?:(?:Records?|Memorandum|Minutes|Transcript|Notes?|Summary) of (?:the )?"
    r"(?:Conversations?|Meetings?|Talks?|Discussions?|Negotiations?))\b",
    re.I,
)
_PREPOSITIONS = {"from", "to", "between", "with", "by", "on", "regarding", "concerning",
                 "about", "for", "in", "at", "of", "re", "re:", "and"}
_TOPIC = re.compile(r"\s(on|regarding|concerning|about|re:?)\s", re.I)
_FUNCTION = {"the", "a", "an", "of", "on", "to", "from", "and", "in", "at", "for", "by",
             "with", "between", "regarding", "concerning", "about"}
_GENERIC = re.compile(
    r"^(?:the |a |an )?(?:issues?|questions?|problems?|matters?|subject|topic|situation|"
    r"state|status|results?|outcome) (?:of|concerning|regarding|on|in) (?:the )?",
    re.I,
)


# one pattern per kind, the longest words first, compiled once
_TYPE_PATTERNS = [
    (re.compile(rf"(?:(?:ciphered|coded|draft|secret|top secret|urgent|excerpt from|"
                rf"excerpts from|the)\s+)*{re.escape(words)}\b"), kind)
    for words, kind in sorted(_TYPES, key=lambda t: -len(t[0]))
]


def document_type(title: str) -> str:
    """The model's document type from the title's first words ('Telegram from ...')."""
    lower = title.lower()
    for pattern, kind in _TYPE_PATTERNS:
        if pattern.match(lower):
            return kind
    return "document"


def _head(words: list[str], title: str) -> int:
    """How many leading words name the kind of document ('Telegram', 'Record of Conversation')."""
    m = _COMPOUND_HEADS.match(title)
    if m:
        return len(m.group().split())
    for i, word in enumerate(words):
        if word.lower().strip(",:") in _PREPOSITIONS or word.endswith((",", ":")):
            return max(i if not word.endswith((",", ":")) else i + 1, 1)
    return len(words)


def _trim(words: list[str]) -> list[str]:
    words = [w.rstrip(",:;") for w in words]
    while len(words) > 1 and words[-1].lower() in _FUNCTION:
        words.pop()
    return words


def short_title(title: str) -> str:
    """A short title of at most four words, in the title's order ('Telegram on Ethnic Koreans').

    The document kind, then the topic after 'on', 'regarding' ... with generic openings such as
    'the Issue of' left out; with no topic, the kind and the first party if it fits.
    """
    words = title.split()
    if len(words) <= 4:
        return " ".join(_trim(words)) or title
    n = _head(words, title)
    head = [w.rstrip(",:") for w in words[:n]][:4]
    rest = " ".join(words[n:])
    topic = _TOPIC.search(" " + rest + " ")
    if topic and len(head) < 4:
        after = (" " + rest + " ")[topic.end():].strip()
        after = _GENERIC.sub("", after)
        after = re.sub(r"^(?:the|a|an)\s+", "", after, flags=re.I)
        marker = topic.group(1).rstrip(":")
        picked = _trim((head + [marker] + after.split())[:4])
        if len(picked) > len(head) + 1:
            return " ".join(picked)
    party = re.match(r"(from|to|between|by|with)\s+(?:the\s+)?(.+?)(?=\s(?:to|on|regarding|"
                     r"concerning|about|and|for|in)\s|,|$)", rest)
    named = without_parentheses(party.group(2)).split() if party else []
    if party and named and len(head) + 1 + len(named) <= 4:
        return " ".join(_trim(head + [party.group(1)] + named))
    if party and named and len(head) <= 2:
        first = agents(" ".join(named))[:1]
        if first and "family" in first[0]:
            return " ".join(head + [party.group(1), first[0]["family"]])
    return " ".join(_trim(head)) or " ".join(words[:4])


_PARTY_END = (r"(?=\s(?i:on|regarding|concerning|about|re:?|during|after|before)\s"
              r"|,|$)")


def parties(title: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Authors and recipients named by the title ('... from A to B on ...', 'Letter, A to B')."""
    authors: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []
    words = title.split()
    n = _head(words, title)
    if _COMPOUND_HEADS.match(title):
        return [], []  # the people in a conversation are not its authors
    rest = " ".join(words[n:])
    m = re.match(rf"(?:from|by)\s+(?P<a>.+?)(?:\s+to\s+(?P<b>.+?))?{_PARTY_END}", rest)
    if m is None and words[n - 1].endswith(","):
        m = re.match(rf"(?P<a>.+?)\s+to\s+(?P<b>.+?){_PARTY_END}", rest)
    if m is None:
        m2 = re.match(rf"to\s+(?P<b>.+?){_PARTY_END}", rest)
        if m2:
            recipients = _party(m2["b"])
        return authors, recipients
    authors = _party(m["a"])
    if m["b"]:
        recipients = _party(m["b"])
    return authors, recipients


def _party(text: str) -> list[dict[str, Any]]:
    """Names from a title; a single word there is a place or body ('from Pyongyang')."""
    found = [{"org": a["family"]} if set(a) == {"family"} else a
             for a in agents(without_parentheses(text))]
    return valid_agents([a for a in found if _capitalized(a)])


def _capitalized(agent: dict[str, Any]) -> bool:
    """Whether a name from a title has a capital (or a letter of a script without case):
    'the' or '1' alone is no name."""
    text = " ".join(v for v in agent.values() if isinstance(v, str))
    return any(c.isalpha() and not c.islower() for c in text)


def without_parentheses(text: str) -> str:
    """The text without its parenthesized parts ('Kim Yeong-ju (2)' -> 'Kim Yeong-ju').

    Nested groups go with the outermost; an unclosed '(' stays. One pass, linear time.
    """
    spans: list[tuple[int, int]] = []
    opened: list[int] = []
    for m in re.finditer(r"[()]", text):
        if m.group() == "(":
            opened.append(m.start())
        elif opened:
            start = opened.pop()
            while spans and spans[-1][0] > start:
                spans.pop()  # inside this group
            spans.append((start, m.end()))
    out = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return " ".join("".join(out).split())


_SALUTATION = re.compile(r"^To(?:\s+the)?\s+(?P<who>[^:]{3,120}):\s*$")


def recipient_from_text(text: str) -> list[dict[str, Any]]:
    """The addressee of a telegram or letter from its opening 'To the ...:' line."""
    for line in text.split("\n")[:6]:
        plain = " ".join(re.sub(r"[\[\]]", "", line).split())
        m = _SALUTATION.match(plain)
        if m:
            who = m["who"] if m["who"].startswith("the ") else "the " + m["who"]
            return valid_agents(agents(who))
    return []


_SENTENCE_END = re.compile(r"(?<=[.!?:;\]])\s+|\n+")  # white space after its mark, or a break
_WORD_TOKEN = re.compile(r"[\w'-]+")


def words_by_case(body: str) -> tuple[set[str], set[str], set[str]]:
    """The prose's words capitalized after a sentence's first word, capitalized anywhere, and
    (lowercased) the words it writes in lower case. Counted rather than walked word by word:
    a word is capitalized mid-sentence when it is capitalized more often than it starts one."""
    tokens = _WORD_TOKEN.findall(body)
    capitalized = Counter(t for t in tokens if t[:1].isupper())
    starts = Counter(m.group() for piece in _SENTENCE_END.split(body)
                     if (m := _WORD_TOKEN.search(piece)))
    upper = {t for t, n in capitalized.items() if n > starts[t]}
    lower = {t.lower() for t in tokens if not t[:1].isupper()}
    return upper, set(capitalized), lower


def keep_case(title: str, raw: dict[str, Any], body: str) -> list[str]:
    """Title words that the page's own prose always capitalizes mid-sentence (proper nouns).

    Words inside names the record already gives are protected anyway and are left out.
    """
    from .. import protect
    from ..model import Organization, Person

    persons: list[Person] = []
    orgs: list[str] = []
    seen: set[tuple[tuple[str, Any], ...]] = set()
    for key in ("authors", "recipients", "translators", "obtained_by", "contributed_by"):
        for agent in raw.get(key, []):
            if tuple(sorted(agent.items())) in seen:
                continue
            seen.add(tuple(sorted(agent.items())))
            if "org" in agent:
                orgs.append(Organization(**agent).org)
            else:
                persons.append(Person(**agent))
    names = orgs + protect.agent_phrases(persons)
    covered = protect.spans(title, names)
    upper, seen, lower = words_by_case(body)
    runs: list[list[str]] = []
    last_end = -2
    for m in re.finditer(r"[\w'-]+", title):
        word = m.group()
        if m.start() == 0 or any(s <= m.start() < e for s, e in covered):
            continue
        if not word[:1].isupper() or word.lower() in lower or word not in seen or "-" in word:
            continue
        adjacent = title[last_end:m.start()] == " "
        if adjacent and runs:
            runs[-1].append(word)
        else:
            runs.append([word])
        last_end = m.end()
    out: list[str] = []
    for run in runs:
        # a run is kept if one of its words is capitalized mid-sentence in the prose
        if any(w in upper for w in run):
            phrase = " ".join(run)
            if phrase not in out:
                out.append(phrase)
    return out
