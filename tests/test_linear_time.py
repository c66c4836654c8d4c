"""Format detection and page parsing take time linear in the input, whatever the input.

No absolute time limit: each case times the same work on an input and on one sixteen times
larger, in the same run, and requires the cost to grow at most 64-fold: linear work grows
16-fold (up to about 4x more when the larger input no longer fits the processor's caches), a
quadratic pattern 256-fold. Each figure is the best of several runs, in processor time (other
programs on a busy machine do not count), with the garbage collector paused.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citetool.errors import CitetoolError
from citetool.importers import bibtex, derive, detect, run, statement
from citetool.importers import page as page_in
from citetool.importers.common import agent, agents

SEED = (Path(__file__).parent / "fixtures" / "sources" / "115325.txt").read_text(encoding="utf-8")
CITE = SEED.split("Citation:\n\n", 1)[1].split("\n", 1)[0]
SIZE = 8_000  # characters of the smaller input
FACTOR = 16  # the larger input is this many times larger
GROWTH = 64  # the most its cost may grow


def _cost(work, text: str, repeat: int = 5) -> float:
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.process_time()
            try:
                work(text)
            except CitetoolError:
                pass
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def assert_linear(work, make) -> None:
    """work(make(n)) costs at most GROWTH times more at FACTOR * n than at n."""
    small, big = make(SIZE), make(FACTOR * SIZE)
    _cost(work, small, repeat=1)  # imports and caches
    t_small, t_big = _cost(work, small), _cost(work, big, repeat=3)
    assert t_big <= GROWTH * t_small + 1e-3, (t_small, t_big)


def _units(unit: str, n: int) -> str:
    return unit * max(1, n // len(unit))


def _in_page(where: str, filler: str) -> str:
    """The seed page with the filler put into one of its parts."""
    if where == "before":
        return filler + SEED
    if where == "title":
        return SEED.replace(CITE, CITE.replace('"Telegram', '"Telegram' + filler, 1))
    if where == "statement":
        return SEED.replace(CITE, CITE.replace("Obtained", filler + "Obtained", 1))
    if where == "citation":
        return SEED.replace(CITE, filler + CITE)
    if where == "after citation":
        return SEED.replace(CITE, CITE + filler)
    if where == "credits":
        return SEED.replace("Summary:", "Credits:\n\n" + filler + "\n\nSummary:")
    if where == "languages":
        return SEED.replace("Original Language:\n\n", "Original Language:\n\n" + filler)
    return SEED + filler  # the text


def _detect_and_parse(text: str) -> None:
    run(text, "page")


def _parse_page(text: str) -> None:
    run(text, "page.txt", "page")


# --- named adversarial inputs ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("work", "make"),
    [
        (_detect_and_parse, lambda n: "\n" * n),
        (_detect_and_parse, lambda n: " \n\t\n" * (n // 4)),
        (_detect_and_parse, lambda n: "\n" * n + SEED),
        (_detect_and_parse, lambda n: _units("@\n\n\n\n", n)),
        (_detect_and_parse, lambda n: _units("Citation: \n\n", n)),
        (lambda t: detect(t, "x"), lambda n: "\n" * n + "@misc{x, title={y}}"),
        (bibtex.looks_like, lambda n: _units(" \n", n)),
        (page_in.looks_like, lambda n: _units(" \n", n) + "/document/"),
    ],
    ids=["blank lines", "blank runs", "blank lines then a page", "@ lines", "Citation lines",
         "bibtex after blank lines", "bibtex looks_like", "page looks_like"],
)
def test_detection_is_linear(work, make):
    assert_linear(work, make)


@pytest.mark.parametrize(
    ("where", "unit"),
    [
        ("citation", "Aaaa Bbbb "),  # one long citation line (a 200 KB title)
        ("title", "Aaaa Bbbb "),
        ("title", "("),
        ("title", "(Kim (Il (Sung "),
        ("title", '", '),
        ("title", ",\u201d "),
        ("title", " Digital Archive"),
        ("citation", "A Digital Archive, "),
        ("citation", '", 1962, Wilson Center Digital Archive, '),
        ("statement", "."),
        ("statement", ", "),
        ("statement", '"'),
        ("statement", "Obtained by A. B. "),
        ("statement", "translated "),
        ("after citation", " " * 50 + "x"),
        ("credits", "made possible with support from the " + " " * 40 + "and "),
        ("credits", "Made possible by support from Fund A.\n"),
        ("languages", "Russian  ,  ;  and "),
        ("text", "\n\n\n\nTo the Ministry: x. "),
        ("before", "\n"),
    ],
)
def test_page_parsing_is_linear(where, unit):
    assert_linear(_parse_page, lambda n: _in_page(where, _units(unit, n)))


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("title", "_"), ("title", " (Kim_(2)"), ("statement", "Obtained by A_B_and "),
        ("citation", '"A Title"_,_1962,_Wilson Center Digital Archive, X._'),
        ("credits", "Made possible with support from the A_and the B"),
        ("languages", "Russian_,_Chinese_and_"), ("text", "To the_Ministry:_"),
    ],
)
def test_one_growing_run_parses_in_linear_time(where, text):
    assert_linear(_parse_page, lambda n: _in_page(where, _run(text, n)))


def _run(text: str, n: int) -> str:
    return text.replace("_", " " * n)


# each input either repeats a fragment or holds one run that grows with the input
def _case(name: str, work, make):
    return pytest.param(work, make, id=name)


parse = statement.parse
HELPER_INPUTS = [
    _case("credits", parse, lambda n: _units("Obtained by A. B. ", n)),
    _case("newspaper dates", parse, lambda n: _units("Renmin ribao, April 30, 1954. ", n)),
    _case("unread sentences", parse,
          lambda n: "Translated by X Y. " + _units("Some remark here. ", n)),
    _case("verbs and", parse, lambda n: _units("translated and ", n)),
    _case("verbs", parse, lambda n: _units("obtained obtained ", n)),
    _case("affiliations", parse, lambda n: _units("Translated by X (NSA), Y, CWIHP, ", n)),
    _case("edited", parse, lambda n: _units("Edited by A B. ", n)),
    _case("dots", parse, lambda n: _units("..... ", n)),
    _case("spaces before a comma", parse,
          lambda n: _run("Obtained by A B_, and translated by C D.", n)),
    _case("spaces between words", parse, lambda n: _run("F 1._Translated by A_B_for_the C.", n)),
    _case("dots in a name", parse, lambda n: "Translated by A" + "." * n + " B"),
    _case("long title", derive.short_title,
          lambda n: _units("Telegram from Kim Il Sung to ", n)),
    _case("open parentheses", derive.short_title, lambda n: "Telegram from " + "(" * n),
    _case("spaces before a parenthesis", derive.parties, lambda n: _run("Letter from A_(B", n)),
    _case("names", derive.parties, lambda n: _units("Letter from A, B and ", n)),
    _case("open parentheses in parties", derive.parties,
          lambda n: "Letter from A " + "(" * n + " to B"),
    _case("the the", derive.document_type, lambda n: _units("the ", n)),
    _case("salutation", derive.recipient_from_text, lambda n: _run("To the_Ministry", n)),
    _case("nested parentheses", derive.without_parentheses, lambda n: _units("(a (b) ", n)),
    _case("names and spaces", agents, lambda n: _units("Kim Il Sung, " + " " * 20, n)),
    _case("spaces in a name", agents, lambda n: _run("A_B, C_and_D", n)),
    _case("given name", agent, lambda n: _units("Wang an", n)),
]


@pytest.mark.parametrize(("work", "make"), HELPER_INPUTS)
def test_text_helpers_are_linear(work, make):
    # the BibTeX and CSL-JSON importers call these on fields of any length
    assert_linear(work, make)


def test_a_long_romanized_given_name_does_not_backtrack():
    # 'an' repeated could be split into syllables in exponentially many ways
    assert_linear(lambda t: agent("Wang " + t), lambda n: "an" * 12 + "x" + "a" * (n // 100))


# --- any repeated fragment, anywhere in a page -----------------------------------------------

FRAGMENT = st.sampled_from([
    "\n", " ", "\t", ".", ",", ";", '"', "\u201c", "\u201d", "(", ")", "[", "Citation:",
    "Digital Archive", ", ", "Obtained by ", "A. ", "and ", "translated ", "for ", "by ",
    "Wilson Center Digital Archive, ", "/document/1", "March 24, 1962, ", "@", "{", "an", "Kim ",
    "from ", "to ", "CWIHP", "April 30, 1954", "Translation - English", "Contents:",
])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENT, min_size=1, max_size=6).map("".join),
       st.sampled_from(["before", "title", "statement", "citation", "after citation",
                        "credits", "languages", "text"]),
       st.booleans())
def test_any_repeated_fragment_parses_in_linear_time(unit, where, detect_format):
    work = _detect_and_parse if detect_format else _parse_page
    assert_linear(work, lambda n: _in_page(where, _units(unit, n)))
