"""Hypothesis: importers never crash, and any page in the archive's pattern round-trips."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citetool import store
from citetool.errors import CitetoolError
from citetool.formats import get
from citetool.importers import IMPORTERS, run

ANY_TEXT = st.text(max_size=400)
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _import_all(text: str, fmt: str | None) -> None:
    try:
        outcomes = run(text, "fuzz", fmt)
    except CitetoolError:
        return
    for outcome in outcomes:
        if outcome.raw is not None:
            try:
                store.validate(outcome.raw, "fuzz")
            except CitetoolError:
                pass
        else:
            assert isinstance(outcome.error, CitetoolError)


@SETTINGS
@given(ANY_TEXT, st.sampled_from([None, *IMPORTERS]))
def test_arbitrary_text_gives_a_clean_error_or_a_record(text, fmt):
    _import_all(text, fmt)


FRAGMENTS = st.sampled_from([
    "Citation:", "Summary:", "Credits:", "Original Language:", "Contents:", "\n", "\n\n",
    '"', "\u201c", ",\u201d ", '", ', "https://x.org/document/1", "@misc{", "}", "{", "= {",
    "title", '[{"id": 1', '"title": "', "]", "March 24, 1962", "Obtained by ", " and ",
    "translated by ", "Wilson Center Digital Archive", ", ", ". ", "Translation - English",
])


@SETTINGS
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join),
       st.sampled_from([None, *IMPORTERS]))
def test_structured_garbage_gives_a_clean_error_or_a_record(text, fmt):
    _import_all(text, fmt)


NAME = st.sampled_from(["Jeffrey Wang", "Shen Zhihua", "Anna Kovács", "Kim Il Sung",
                        "Christian F. Ostermann", "the National Security Archive",
                        "L.W. Gluchowski", "Sergey Radchenko"])
NAMES = st.lists(NAME, min_size=1, max_size=3, unique=True).map(
    lambda n: n[0] if len(n) == 1 else ", ".join(n[:-1]) + " and " + n[-1])
CLAUSE = st.one_of(
    NAMES.map(lambda n: f"Obtained by {n}"),
    NAMES.map(lambda n: f"Obtained and translated by {n}"),
    NAMES.map(lambda n: f"Obtained for NKIDP by {n}"),
    NAMES.map(lambda n: f"Contributed by {n}"),
    NAMES.map(lambda n: f"Translated for CWIHP by {n}"),
    st.tuples(NAMES, NAMES).map(lambda t: f"Obtained by {t[0]} and translated by {t[1]}"),
    st.tuples(NAMES, NAME).map(lambda t: f"Translated from the Polish by {t[0]} with {t[1]}"),
    st.just("Reprinted in CWIHP Bulletin 5 (1995), 120"),
)
LOCATION = st.sampled_from(["PRC FMA 118-01025-02, 4-6. ", "AVPRF, f. 0102, op. 9, d. 45. ",
                            "RGANI, f. 5, op. 30, d. 1, ll. 3-4. ", "",
                            "SAPMO-BArch, DY 30/3386, 12. "])
STATEMENT = st.tuples(LOCATION, CLAUSE, st.booleans()).map(
    lambda t: t[0] + t[1] + ("." if t[2] else ""))
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
DATE = st.one_of(
    st.tuples(st.sampled_from(MONTHS), st.integers(1, 28), st.integers(1940, 1999)),
    st.tuples(st.sampled_from(MONTHS), st.none(), st.integers(1940, 1999)),
    st.tuples(st.none(), st.none(), st.integers(1940, 1999)),
)
TITLE = st.tuples(
    st.sampled_from(["Telegram", "Letter", "Memorandum of Conversation", "Report", "Cable",
                     "Note", "Minutes", "Record of Conversation"]),
    st.sampled_from(["from the Ministry of Foreign Affairs", "from Kim Il Sung to Mao Zedong",
                     "between Zhou Enlai and Anna Kovács", "", "by the Soviet Embassy",
                     "to the Central Committee"]),
    st.sampled_from(["on the Issue of Refugees", "Regarding Trade", "", "about the Talks"]),
).map(lambda t: " ".join(p for p in t if p))


def _page(title, date, statement, legacy, rid):
    month, day, year = date
    if legacy:
        shown = f"{month} {day:02d}, {year}" if day else (f"{month} {year}" if month else
                                                           str(year))
        cite = (f"\u201c{title},\u201d {shown}, History and Public Policy Program Digital "
                f"Archive, {statement}")
    else:
        shown = f"{month} {day}, {year}" if day else (f"{month} {year}" if month else str(year))
        cite = f'"{title}", {shown}, Wilson Center Digital Archive, {statement}'
    page = (f"{shown}\n\n{title}\n\nCitation:\n\n{cite}\n\n"
            f"https://digitalarchive.wilsoncenter.org/document/{rid}\n\nSummary:\n\nA summary."
            "\n\nOriginal Language:\n\nRussian\n\nContents:\n\nTranslation - English\n\nText.")
    return page, cite


@SETTINGS
@given(TITLE, DATE, STATEMENT, st.booleans(), st.integers(1, 999999))
def test_any_page_in_the_archive_pattern_reproduces_its_citation(title, date, statement,
                                                                  legacy, number):
    page, cite = _page(title, date, statement, legacy, number)
    [outcome] = run(page, "page.txt", None)
    assert outcome.error is None, outcome.error
    record = store.validate(outcome.raw, "page.txt")
    assert get("archive").render([record]).split("\n")[0] == cite
    assert len(record.short_title.split()) <= 4
    for style in ("chicago-note", "chicago-short", "biblatex", "csl-json"):
        assert get(style).render([record])
