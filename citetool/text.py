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
# Compiled only for the rare word that holds one of _SKIP_MARKS: the pattern takes
# milliseconds to compile, which every `cite` would pay at start-up.
_SKIP_PATTERN = r"(?:(?:[?!:]*\s+|-|^)(?:" + "|".join(_SKIP) + r")(?=[!?:]*\s+|-|$))"
_SKIP_MARKS = frozenset("?!:-' ")
_SKIP_WORDS = frozenset(w for w in _SKIP if not _SKIP_MARKS & set(w) and "." not in w)
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
    if _SKIP_MARKS.isdisjoint(lower):
        # Without those marks the pattern can only match a whole run between white space,
        # and its "v." and "vs." match any character after the v or vs.
        return any(part in _SKIP_WORDS or (len(part) == 2 and part[0] == "v")
                   or (len(part) == 3 and part[:2] == "vs") for part in lower.split())
    return re.search(_SKIP_PATTERN, lower) is not None


_END_PUNCT = frozenset("!?:")  # a tag ending in one capitalizes the next word
_PLURAL = re.compile("[-\u2013,&]")


def _capitalise(word: str) -> str:
    """Uppercase the first character after any white space, leaving a lone Greek letter
    alone (citeproc-js's (\\s*)(.)(.*) without a pattern: this runs for most title words)."""
    rest = word.lstrip()
    if not rest:
        return word
    first = rest[0]
    if len(rest) == 1 and "\u0370" <= first <= "\u03ff":
        return word
    return word[:len(word) - len(rest)] + first.upper() + rest[1:]


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
    """CSL title case (citeproc-js's algorithm), leaving protected spans as written.

    Words with a quotation mark inside them ("Mun‘im", "Qur’an", "O’Neill") are always left as
    written: the letter after an 'ayn, a hamza or an apostrophe is never capitalized.
    """
    keep = protect.merge([*(keep or []), *protect.marked_words(text)])
    return _change_case(text, keep, title=True)


def capitalize_first(text: str) -> str:
    """CSL's capitalize-first: the first word's first letter, if the word is all lowercase."""
    if text == text.upper():
        return text  # no letter could change (call numbers such as "PRC FMA 118-01025-02")
    return _change_case(text, [], title=False)


def _change_case(text: str, keep: list[protect.Span], title: bool) -> str:
    """citeproc-js's text-case engine: title case, or capitalize-first."""
    if text.startswith("'"):
        # citeproc-js reads a leading straight quote as an opening one (" '")
        shifted = [(start + 1, end + 1) for start, end in keep]
        return _change_case(" " + text, shifted, title)[1:]
    marked = protect.wrap(text, keep, _NOCASE_OPEN, _NOCASE_CLOSE)
    strings, tags = _split_tags(marked)
    original = list(strings)
    # the engine's state: before the first word, after a mark that capitalizes the next
    # word, and where the last word case-changed stands (chunk, word)
    first, after_punct = True, False
    last: tuple[int, int] | None = None
    quotes: list[tuple[str, str, int | None]] = []  # (opener, closer, position) still open

    def words(chunk: str, index: int, following: str | None) -> str:
        nonlocal first, after_punct, last
        if not chunk.strip():
            return chunk
        parts = _SPACE_RE.split(chunk)
        items = parts[0::2]
        for j, word in enumerate(items):
            if not word:
                continue
            lower = word.lower()
            if not title:
                if first:
                    if word == lower:
                        items[j] = _capitalise(word)
                    first = False
                    break
                continue
            cap = False
            if len(word) > 1 and not _is_skip(lower):
                cap = True
            elif j == len(items) - 1 and following == "-":
                cap = True
            elif first or after_punct:
                cap = True
            if cap and word == lower:
                items[j] = _capitalise(word)
            after_punct = False
            first = False
            last = (index, j)
        parts[0::2] = items
        return "".join(parts)

    def restore(pos: int | None) -> None:
        # citeproc-js undoes the capital after a quotation mark that has no partner
        if pos is not None:
            strings[pos + 1] = original[pos + 1][:1] + strings[pos + 1][1:]

    depth = 0
    if strings and strings[0].strip():
        strings[0] = words(strings[0], 0, tags[0] if tags else None)
    for i, tag in enumerate(tags):
        if tag == _NOCASE_OPEN:
            depth += 1
        elif tag == _NOCASE_CLOSE and depth:
            depth -= 1
        if title and tag[-1:] in _END_PUNCT:
            after_punct = True
        chunk = strings[i + 1]
        if depth == 0:
            # citeproc-js passes no following mark here (a quirk kept for equal output)
            strings[i + 1] = words(chunk, i + 1, None)
        elif chunk.strip():
            last = None
        unpaired = _quote_state(quotes, tag, i)
        if unpaired is not None:
            restore(unpaired)
            last = None
        if chunk.strip():
            first = False
            after_punct = False
    for _, _, pos in quotes:
        restore(pos)
    if last is not None:
        si, wj = last
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


# the case engine's quotation marks: opener -> (the opener it nests, its closer)
_CASE_QUOTES = {' "': (" '", '"'), " '": (' "', "'"), "\u2018": ("\u2018", "\u2019"),
                "\u201c": ("\u201c", "\u201d")}
# a tag is a quotation mark when it starts with one, or ends in a space and a straight one
_CASE_QUOTE_START = frozenset("\u2018\u2019\u201c\u201d\"'")


def _quote_state(quotes: list[tuple[str, str, int | None]], tag: str, pos: int) -> int | None:
    """Track the case engine's quotation marks; the position of a mark left unpaired, if any."""
    if tag[:1] in _CASE_QUOTE_START:
        mark = tag[0]
    elif tag.endswith((' "', " '")):
        mark = tag[-2:]
    else:
        return None
    if mark in _CASE_QUOTES:
        nests, closer = _CASE_QUOTES[mark]
        if not quotes or mark == quotes[-1][0]:
            quotes.append((nests, closer, pos))
            return None
        previous = quotes.pop()[2]
        quotes.append((nests, closer, None))  # citeproc-js loses this one's position
        return previous
    if quotes and mark == quotes[-1][1]:
        quotes.pop()
        return None
    return pos


# --- quotation marks (citeproc-js's "flip-flop" of quotes, CMOS 6.11 and 13.30) -----------

# Letters between which a right single quotation mark is an apostrophe (citeproc-js's list).
_ROMANESQUE = (
    "[-0-9a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4"
    "\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218-\u021b\u202a-\u202e]"
)
_IN_WORD_MARK = re.compile(f"({_ROMANESQUE})\u2019({_ROMANESQUE})")
# opener -> (its closer, its kind). A straight quote opens after a space or an opening
# bracket (and, unlike citeproc-js, after "[" or a dash); "\x00" opens a protected span.
_OPENERS = {
    ' "': ('"', "d"), " '": ("'", "s"), '("': ('"', "d"), "('": ("'", "s"),
    '["': ('"', "d"), "['": ("'", "s"), '\u2014"': ('"', "d"), "\u2014'": ("'", "s"),
    '\u2013"': ('"', "d"), "\u2013'": ("'", "s"),
    "\u201c": ("\u201d", "D"), "\u2018": ("\u2019", "S"), _NOCASE_OPEN: (_NOCASE_CLOSE, "n"),
}  # fmt: skip
_STRAIGHT_OPENERS = {k for k, (_, kind) in _OPENERS.items() if kind in "ds"}
_FLIP_RE = re.compile(
    "(" + "|".join(re.escape(t) for t in _OPENERS) + "|\"|'|\u201d|\u2019|" + _NOCASE_CLOSE + ")"
)
_STRAY_DOUBLE = re.compile('"')
# a closing quotation mark, as curl() writes it (see closing_marks())
CLOSE_DOUBLE, CLOSE_SINGLE = "\ue001", "\ue002"
_CLOSING = {CLOSE_DOUBLE: "\u201d", CLOSE_SINGLE: "\u2019"}
CLOSERS = CLOSE_DOUBLE + CLOSE_SINGLE


def curl(text: str, inside: bool = False, keep: list[protect.Span] | None = None) -> str:
    """Typographic quotation marks and apostrophes, nested as citeproc-js nests them.

    Quoted text alternates double and single marks by depth: inside the citation's own
    quotation marks (`inside`), the first level is single, the next double again; outside,
    the first straight form met (or a typographic mark's own form) is the outer one. Straight
    marks open or close by position and pair up; an apostrophe inside or before a word
    (Workers’, O’Neill, ’68) stays an apostrophe. Closing marks come back as CLOSE_DOUBLE and
    CLOSE_SINGLE so that a following comma or period can move inside them: pass the finished
    citation through closing_marks(). `keep` are the title's protected spans: a quotation
    mark that opens inside one cannot close outside it (as in citeproc-js's nocase spans).
    An empty quotation ("‘’") prints nothing, as in citeproc-js. Deliberately unlike
    citeproc-js, which prints straight marks or unpaired curly ones there: a quote after "["
    or a dash opens; a straight single quote before a mark other than a letter can close; a
    typographic apostrophe that ends a word (Workers’) leaves the quotation around it paired;
    an unpaired straight double quote curls by position, in its depth's form.
    """
    if not _QUOTE_CHARS.search(text):
        return text
    marked = protect.wrap(text, keep, _NOCASE_OPEN, _NOCASE_CLOSE) if keep else text
    strings, tags = _flip_flop(marked)
    out = [_curl_stray(strings[0], inside)]
    stack: list[bool] = []  # True: double marks
    outer_single = next((t[-1] == "'" for t in tags if t in _STRAIGHT_OPENERS), False)
    empty = False
    for i, (tag, chunk) in enumerate(zip(tags, strings[1:], strict=True)):
        if empty:  # the closer of an empty quotation, which prints nothing
            empty = False
            out.append(_curl_stray(chunk, inside != bool(len(stack) % 2)))
            continue
        if tag in _OPENERS and not chunk and i + 1 < len(tags) and tags[i + 1] not in _OPENERS:
            empty = True
            continue
        if tag in _OPENERS:
            kind = _OPENERS[tag][1]
            if stack:
                double = not stack[-1]
            elif inside:
                double = False
            elif kind in "ds":
                double = (kind == "s") == outer_single
            else:
                double = kind == "D"
            stack.append(double)
            out.append("\u201c" if double else "\u2018")
        else:
            out.append(CLOSE_DOUBLE if stack.pop() else CLOSE_SINGLE)
        out.append(_curl_stray(chunk, inside != bool(len(stack) % 2)))
    return "".join(out).replace(_NOCASE_OPEN, "").replace(_NOCASE_CLOSE, "")


_QUOTES_OR_APOSTROPHES = "\"'\u2018\u2019\u201c\u201d"
_QUOTE_CHARS = re.compile(f"[{_QUOTES_OR_APOSTROPHES}]")


def _curl_stray(chunk: str, single: bool) -> str:
    """Unpaired straight quotes in text at one depth: a double one opens at the start or after
    a space or bracket and closes elsewhere, in the depth's form; a single one is an
    apostrophe."""
    if '"' in chunk:
        opening, closing = ("\u2018", "\u2019") if single else ("\u201c", "\u201d")
        chunk = _STRAY_DOUBLE.sub(
            lambda m: opening if m.start() == 0 or m.string[m.start() - 1] in _OPENS_AFTER
            else closing, chunk)
    return chunk.replace("'", "\u2019")


_OPENS_AFTER = " \t\u00a0([{\u2014\u2013\u2018\u201c"


def _flip_flop(text: str) -> tuple[list[str], list[str]]:
    """Pair the quotation marks of a text: strings and the paired marks between them.

    A port of citeproc-js's FlipFlopper.processTags for quotation marks: a mark that finds no
    partner becomes text again, a stray straight single quote an apostrophe.
    """
    strings, tags = _split_quotes(" " + _IN_WORD_MARK.sub("\\1'\\2", text))
    forced: list[bool] = []  # citeproc-js indexes this by opener count, not by tag
    for i in range(len(tags) - 1):
        if tags[i] in _OPENERS:
            force = strings[i + 1] == "" and tags[i + 1] in ('"', "'")
            if force:
                tags[i + 1] = " " + tags[i + 1]
            forced.append(force)

    def was_forced(k: int) -> bool:
        return 0 <= k < len(forced) and forced[k]

    def as_text(k: int) -> None:
        failed = tags[k][1:] if was_forced(k - 1) else tags[k]
        strings[k + 1] = failed + strings[k + 1]
        tags[k] = ""

    nesting: list[tuple[str, int]] = []  # (closer, tag position) of the open marks
    for i, tag in enumerate(tags):
        following = strings[i + 1]
        if tag == "'" and following[:1].isalnum():
            strings[i + 1] = "\u2019" + following
            tags[i] = ""
            continue
        if tag == " '" and following[:1] == " ":
            strings[i + 1] = " \u2019" + following
            tags[i] = ""
            continue
        failed = False
        while True:
            if tag in _OPENERS:
                nesting.append((_OPENERS[tag][0], i))
                failed = False
                break
            if nesting and tag == nesting[-1][0]:
                closed = nesting.pop()
                failed = False
                if tag == _NOCASE_CLOSE:
                    tags[closed[1]] = tags[i] = ""
                break
            failed = True
            if tag in ("'", "\u2019"):
                # an apostrophe (Workers’), not a closing mark: unlike citeproc-js, a
                # typographic one does not undo the quotation around it
                strings[i + 1] = "\u2019" + strings[i + 1]
                tags[i] = ""
                break
            if not nesting:
                as_text(i)
                break
            as_text(nesting.pop()[1])
        if failed:
            strings[i + 1] = tags[i] + strings[i + 1]
            tags[i] = ""
    for _, pos in reversed(nesting):
        if tags[pos] in (" '", "'"):
            strings[pos + 1] = " \u2019" + strings[pos + 1]
        else:
            strings[pos + 1] = tags[pos] + strings[pos + 1]
        tags[pos] = ""
    out_strings, out_tags = [strings[0]], []
    for tag, chunk in zip(tags, strings[1:], strict=True):
        if tag:
            out_tags.append(tag)
            out_strings.append(chunk)
        else:
            out_strings[-1] += chunk
    for i, tag in enumerate(out_tags):
        # a straight opener took the space or bracket before it: give it back
        if tag in _STRAIGHT_OPENERS and not was_forced(i - 1):
            out_strings[i] += tag[:-1]
    out_strings[0] = out_strings[0][1:]
    return out_strings, out_tags


def _split_quotes(text: str) -> tuple[list[str], list[str]]:
    """Split text at quotation marks (an opener with the space or bracket before it)."""
    pieces = _FLIP_RE.split(text)
    return pieces[0::2], pieces[1::2]


def closing_marks(text: str) -> str:
    """Turn curl()'s closing marks into the typographic characters."""
    if CLOSE_DOUBLE not in text and CLOSE_SINGLE not in text:
        return text
    return text.replace(CLOSE_DOUBLE, _CLOSING[CLOSE_DOUBLE]).replace(
        CLOSE_SINGLE, _CLOSING[CLOSE_SINGLE]
    )


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
