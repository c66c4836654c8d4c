"""Text rules shared by the renderers: CSL title case, quotes, page ranges, initials.

They follow what citeproc-js, the reference CSL processor, does with the official Chicago
style, so that citetool's own output equals the reference output.
"""

from __future__ import annotations

import functools
import re

from . import protect

# citeproc-js's stop words (CSL.SKIP_WORDS): not capitalized in title case
_SKIP = [
    "about", "above", "across", "afore", "after", "against", "al", "along", "alongside",
    "amid", "amidst", "among", "amongst", "anenst", "apropos", "apud", "around", "as",
    "aside", "astride", "at", "athwart", "atop", "barring", "before", "behind", "below",
    "beneath", "beside", "besides", "between", "beyond", "but", "by", "circa", "despite",
    "down", "during", "et", "except", "for", "forenenst", "from", "given", "in", "inside",
    "into", "lest", "like", "modulo", "near", "next", "notwithstanding", "of", "off", "on",
    "onto", "out", "over", "per", "plus", "pro", "qua", "sans", "since", "than", "through",
    " thru", "throughout", "thruout", "till", "to", "toward", "towards", "under",
    "underneath", "until", "unto", "up", "upon", "versus", "vs.", "v.", "vs", "v", "via",
    "vis-à-vis", "with", "within", "without", "according to", "ahead of", "apart from",
    "as for", "as of", "as per", "as regards", "aside from", "back to", "because of",
    "close to", "due to", "except for", "far from", "inside of", "instead of", "near to",
    "next to", "on to", "out from", "out of", "outside of", "prior to", "pursuant to",
    "rather than", "regardless of", "such as", "that of", "up to", "where as", "or", "yet",
    "so", "for", "and", "nor", "a", "an", "the", "de", "d'", "von", "van", "c", "ca",
]  # fmt: skip
# Same construction as citeproc-js (the words are used as regular expressions there too).
_SKIP_RE = re.compile(r"(?:(?:[?!:]*\s+|-|^)(?:" + "|".join(_SKIP) + r")(?=[!?:]*\s+|-|$))")
# citeproc-js splits a title at these marks and case-changes the strings between them
_TAG_RE = re.compile(
    "(\u2018|\u2019|\u201c|\u201d| \"| '|\"|'|[-\u2013\u2014/.,;?!:]|\\[|\\]|\\(|\\)"
    "|\x00|\x01)"
)
_SPACE_RE = re.compile("([\u00a0\u0020\u2000-\u200b\u205f\u3000]+)")
_NOCASE_OPEN, _NOCASE_CLOSE = "\x00", "\x01"


@functools.lru_cache(maxsize=1 << 16)
def _is_skip(lower: str) -> bool:
    """Whether a lowercased word is a stop word (memoized: titles share their words)."""
    return _SKIP_RE.search(lower) is not None


_FIRST_LETTER = re.compile(r"(\s*)(.)(.*)", re.S)
_GREEK = re.compile("[\u0370-\u03ff]$")
_END_PUNCT = re.compile(r"[!?:]$")
_PLURAL = re.compile("[-\u2013,&]")

def _capitalise(word: str) -> str:
    """Uppercase the first character, leaving a lone Greek letter alone."""
    m = _FIRST_LETTER.match(word)
    if not m or (_GREEK.match(m.group(2)) and not m.group(3)):
        return word
    return m.group(1) + m.group(2).upper() + m.group(3)


def _split_tags(text: str) -> tuple[list[str], list[str]]:
    """Split text into strings and the marks between them, as citeproc-js's Doppeler does."""
    pieces = _TAG_RE.split(text)
    strings, tags = pieces[0::2], pieces[1::2]
    for i in range(len(tags) - 1, -1, -1):
        if tags[i] == "'" and strings[i + 1]:
            strings[i + 1] = tags[i] + strings[i + 1]
            tags[i] = ""
    return strings, tags


def title_case(text: str, keep: list[protect.Span] | None = None) -> str:
    """CSL title case (citeproc-js's algorithm), leaving protected spans as written."""
    keep = keep or []
    marked = protect.wrap(text, keep, _NOCASE_OPEN, _NOCASE_CLOSE)
    strings, tags = _split_tags(marked)
    state = {"first": True, "after_punct": False, "last": None}

    def words(chunk: str, index: int, following: str | None) -> str:
        if not chunk.strip():
            return chunk
        parts = _SPACE_RE.split(chunk)
        items = parts[0::2]
        for j, word in enumerate(items):
            if not word:
                continue
            lower = word.lower()
            cap = False
            if len(word) > 1 and not _is_skip(lower):
                cap = True
            elif j == len(items) - 1 and following == "-":
                cap = True
            elif state["first"] or state["after_punct"]:
                cap = True
            if cap and word == lower:
                items[j] = _capitalise(word)
            state["after_punct"] = False
            state["first"] = False
            state["last"] = (index, j)
        parts[0::2] = items
        return "".join(parts)

    depth = 0
    if strings and strings[0].strip():
        strings[0] = words(strings[0], 0, tags[0] if tags else None)
    for i, tag in enumerate(tags):
        if tag == _NOCASE_OPEN:
            depth += 1
        elif tag == _NOCASE_CLOSE and depth:
            depth -= 1
        if _END_PUNCT.search(tag):
            state["after_punct"] = True
        chunk = strings[i + 1]
        if depth == 0:
            # citeproc-js passes no following mark here (a quirk kept for equal output)
            strings[i + 1] = words(chunk, i + 1, None)
        elif chunk.strip():
            state["last"] = None
        if chunk.strip():
            state["first"] = False
            state["after_punct"] = False
    if state["last"] is not None:
        si, wj = state["last"]
        parts = _SPACE_RE.split(strings[si])
        items = parts[0::2]
        word = items[wj]
        if len(word) > 1 and _is_skip(word.lower()):
            items[wj] = _capitalise(word)
            parts[0::2] = items
            strings[si] = "".join(parts)
    out = [strings[0]]
    for tag, chunk in zip(tags, strings[1:], strict=True):
        out += [tag, chunk]
    return "".join(out).replace(_NOCASE_OPEN, "").replace(_NOCASE_CLOSE, "")


_QUOTES = re.compile("[\"'\u2018\u2019\u201c\u201d]")


def curl(text: str, level: int = 1) -> str:
    """Typographic quotes inside a quoted title: doubles and singles become the inner pair.

    `level` 1 is inside the outer double quotes, so quotes there are single; their own
    inner quotes are double again. Apostrophes become right single quotes.
    """
    if not _QUOTES.search(text):
        return text
    pairs = [("\u201c", "\u201d"), ("\u2018", "\u2019")]
    out: list[str] = []
    stack: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        is_single = ch in "'\u2018\u2019"
        if ch in "\"\u201c\u201d" or (is_single and not (prev.isalnum() and nxt.isalnum())):
            kind = "s" if is_single else "d"
            opening = ch in "\u201c\u2018" or (
                ch in "\"'" and (prev.isspace() or prev in "([" or i == 0)
            )
            if kind == "s" and not opening and (not stack or stack[-1] != "s"):
                out.append("\u2019")  # a closing apostrophe (Soldiers')
                continue
            if opening:
                stack.append(kind)
                out.append(pairs[(level + len(stack) - 1) % 2][0])
            else:
                if stack and stack[-1] == kind:
                    out.append(pairs[(level + len(stack) - 1) % 2][1])
                    stack.pop()
                else:
                    out.append(pairs[level % 2][1])
            continue
        out.append("\u2019" if ch == "'" else ch)
    return "".join(out)


def apostrophes(text: str) -> str:
    """Straight apostrophes become typographic ones (O'Brien -> O’Brien)."""
    return text.replace("'", "\u2019")


_NUMERIC_PART = r"(?:[0-9]+[a-z]?|[ivxlcdm]+|[IVXLCDM]+)"
_NUMERIC_PAGES = re.compile(
    rf"^{_NUMERIC_PART}(?:\s*[-\u2013]\s*{_NUMERIC_PART})?"
    rf"(?:\s*[,&]\s*{_NUMERIC_PART}(?:\s*[-\u2013]\s*{_NUMERIC_PART})?)*$"
)
_RANGE = re.compile(r"([0-9]+)([a-z]*)\s*[-\u2013]\s*([0-9]+)([a-z]*)")


def pages_are_numeric(pages: str) -> bool:
    """Whether pages are plain numbers (labelled 'p.'/'pp.') or carry their own designator."""
    return bool(_NUMERIC_PAGES.match(pages.strip()))


def pages_plural(pages: str) -> bool:
    """Whether a page value names more than one page (a range or a list)."""
    return bool(_PLURAL.search(pages))


def _abbreviate(m: re.Match[str]) -> str:
    """One numeric range the Chicago way (CSL 'chicago-16'): 113-114 -> 113–14."""
    first, fsuf, last, lsuf = m.groups()
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    begin, end = int(first), int(last)
    if begin < end and begin > 100 and begin % 100:
        digits = str(end)
        for i in range(2, len(digits)):
            divisor = 10**i
            if begin // divisor == end // divisor:
                last, lsuf = str(end % divisor), ""
                break
    return f"{first}{fsuf}\u2013{last}{lsuf}"


def page_range(pages: str) -> str:
    """Numeric pages with en dashes and Chicago-abbreviated ranges."""
    out = _RANGE.sub(_abbreviate, pages)
    return out.replace("-", "\u2013")


def and_list(names: list[str], serial: bool = True) -> str:
    """'A', 'A and B', 'A, B, and C' (with the serial comma) or 'A, B and C' (without)."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + (", and " if serial else " and ") + names[-1]
