"""Typography of the Chicago forms: quotation marks nested as citeproc-js nests them, in every
field Chicago prints, and title case that leaves transliteration marks alone.

The differential test at the end renders generated records with citeproc-js and the official
style (like tests/test_conformance.py) and requires equal text; the deliberate differences
from citeproc-js (see citetool.text.curl) are tested on their own here and kept out of the
generated records.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess

import pytest
from conftest import HERE, LOCALE, STYLE
from hypothesis import example, given
from hypothesis import strategies as st

from citetool import protect, text
from citetool.formats import bibtex, chicago, csljson
from citetool.model import Record


def record(title: str = "Report", **fields: object) -> Record:
    """A record with just the given fields (and the required ones)."""
    base = {"id": "t1", "title": title, "short_title": "Report",
            "archive": "Wilson Center Digital Archive"}
    return Record.model_validate({**base, **fields})


def curled(value: str, inside: bool = False) -> str:
    return text.closing_marks(text.curl(value, inside))


# --- quotation marks -----------------------------------------------------------------------


@pytest.mark.parametrize("title", [
    """Speech "On the 'Great Leap' Forward" """,
    "Speech \u201cOn the \u2018Great Leap\u2019 Forward\u201d",
    "Speech 'On the \"Great Leap\" Forward'",
])
def test_quotes_in_a_title_alternate_single_then_double(title):
    assert chicago.note(record(title.strip())).startswith(
        "\u201cSpeech \u2018On the \u201cGreat Leap\u201d Forward,\u2019\u201d")
    assert chicago.bibliography(record(title.strip())).startswith(
        "\u201cSpeech \u2018On the \u201cGreat Leap\u201d Forward.\u2019\u201d")


def test_three_levels_inside_a_title():
    assert curled("""A "B 'C "D" C' B" A""", inside=True) == (
        "A \u2018B \u201cC \u2018D\u2019 C\u201d B\u2019 A")


def test_every_field_gets_typographic_quotes_double_outside():
    rec = record(
        authors=[{"org": 'Ministry of Internal Affairs, Department "T"'}],
        archive='Archive of the "Memorial" Society',
        source={"call_number": "Fond 'Special' 5, op. 3", "pages": "4",
                "collection": 'Records of the "Near East" Department'},
    )
    note = chicago.note(rec)
    assert '"' not in note and "'" not in note
    assert note == (
        "Ministry of Internal Affairs, Department \u201cT,\u201d \u201cReport,\u201d n.d., "
        "Fond \u201cSpecial\u201d 5, op. 3, p. 4, Records of the \u201cNear East\u201d "
        "Department, Archive of the \u201cMemorial\u201d Society.")


def test_outside_a_title_the_first_straight_form_is_double_the_other_single():
    assert curled("Fond \"Special\" 5, op. 'Secret' 3") == (
        "Fond \u201cSpecial\u201d 5, op. \u2018Secret\u2019 3")
    assert curled("op. 'Secret' and \"Special\"") == (
        "op. \u201cSecret\u201d and \u2018Special\u2019")
    # a typographic mark keeps its own form there
    assert curled("\u2018Secret\u2019 files") == "\u2018Secret\u2019 files"


@pytest.mark.parametrize(("raw", "expected"), [
    ("Workers' Party", "Workers\u2019 Party"),
    ("O'Neill and Qur'an", "O\u2019Neill and Qur\u2019an"),
    ("'Tis the Season", "\u2019Tis the Season"),
    ("the '68 events", "the \u201968 events"),
    ('the "Soldiers\' Letters" file', "the \u201cSoldiers\u2019 Letters\u201d file"),
    ("People\u2019s Republic", "People\u2019s Republic"),
])
def test_apostrophes_stay_apostrophes(raw, expected):
    assert curled(raw) == expected


def test_comma_and_period_go_inside_a_quotation_that_ends_any_field():
    rec = record(source={"call_number": 'IPN BU 0296/215, "Lato-80"', "pages": "44-51",
                         "collection": 'Operation "Lato"'})
    assert "IPN BU 0296/215, \u201cLato-80,\u201d pp. 44\u201351, Operation \u201cLato,\u201d " \
        "Wilson" in chicago.note(rec)
    assert "IPN BU 0296/215, \u201cLato-80,\u201d pp. 44\u201351. Operation \u201cLato.\u201d " \
        "Wilson" in chicago.bibliography(rec)


def test_punctuation_stays_outside_an_apostrophe_that_ends_a_field():
    rec = record("The Soldiers'", source={"call_number": "Papers of the Soldiers'"})
    assert chicago.note(rec).startswith(
        "\u201cThe Soldiers\u2019,\u201d n.d., Papers of the Soldiers\u2019, Wilson")


def test_no_period_after_a_question_mark_or_colon_that_ends_a_field():
    rec = record(source={"call_number": 'File "Why Not?"', "collection": "Papers:"})
    assert "File \u201cWhy Not?\u201d Papers: Wilson" in chicago.bibliography(rec)


@pytest.mark.parametrize(("raw", "inside", "expected"), [
    # citeproc-js leaves these straight
    ('Talks ["Panmunjom"]', False, "Talks [\u201cPanmunjom\u201d]"),
    ('Talks\u2014"Panmunjom"', True, "Talks\u2014\u2018Panmunjom\u2019"),
    ("Delo 'Kim' ('Pak')", False, "Delo \u201cKim\u201d (\u201cPak\u201d)"),
    ('the "Workers\u2019 Party" line', True, "the \u2018Workers\u2019 Party\u2019 line"),
    ('the "Hundred Flowers', True, "the \u2018Hundred Flowers"),
    ('Fond "Special', False, "Fond \u201cSpecial"),
    ('Fond Special"', False, "Fond Special\u201d"),
])
def test_deliberate_differences_print_no_straight_mark(raw, inside, expected):
    assert curled(raw, inside) == expected


MARKS = "\"'\u2018\u2019\u201c\u201d"


@given(st.text(alphabet=st.sampled_from(list("ab Z.,:;?!()[]-\u2014") + list(MARKS)),
               max_size=40), st.booleans())
def test_curl_only_changes_marks(raw, inside):
    out = curled(raw, inside)
    assert '"' not in out and "'" not in out
    assert not set(out) & set(text.CLOSERS)
    # letters and punctuation stay, in order (an empty quotation may vanish)
    assert re.sub(f"[{MARKS}\\s]", "", out) == re.sub(f"[{MARKS}\\s]", "", raw)


# --- title case ----------------------------------------------------------------------------


@pytest.mark.parametrize("title", [
    "Note on the Meeting with Mun\u2018im about the Qur\u2019an",
    "The Ba\u2018th Party, al-Hurriya and the Journal Shu\u2019un Filastiniyya",
    "Telegram on Ma\u2019mun and Sa\u2018d",
    "Letter from O\u2019Neill",
    "Talks with Mun'im on the Qur'an and al-Ba'th",
])
def test_title_case_leaves_transliteration_marks_as_written(title):
    assert text.title_case(title) == title
    typeset = title.replace("'", "\u2019")
    assert chicago.note(record(title)).startswith(f"\u201c{typeset},\u201d")


def test_title_case_still_capitalizes_the_words_around_them():
    assert text.title_case("report on the ba\u2018th and the qur\u2019an schools") == (
        "Report on the ba\u2018th and the qur\u2019an Schools")
    # English contractions are words: we’ll is capitalized as a whole
    assert text.title_case("what we\u2019ll do") == "What We\u2019ll Do"
    assert text.title_case("the people\u2019s republic") == "The People\u2019s Republic"


def test_marked_words_are_protected_in_csl_json_and_bibtex():
    title = "Meeting with Mun\u2018im about the Qur\u2019an and People\u2019s Schools"
    rec = record(title)
    assert csljson.item(rec)["title"] == (
        'Meeting with <span class="nocase">Mun\u2018im</span> about the '
        '<span class="nocase">Qur\u2019an</span> and People\u2019s Schools')
    entry = bibtex.write_entries([("k", rec)], bibtex.biblatex_fields)
    assert "{Mun\u2018im}" in entry and "{Qur\u2019an}" in entry
    assert "{People" not in entry
    assert [title[a:b] for a, b in protect.marked_words(title)] == ["Mun\u2018im", "Qur\u2019an"]


def test_capitalize_first_skips_opening_marks():
    assert text.capitalize_first("f. 5, op. 30") == "F. 5, op. 30"
    assert text.capitalize_first("(\u201cspecial\u201d) file") == "(\u201cSpecial\u201d) file"
    assert text.capitalize_first("iPhone files") == "iPhone files"


# --- citeproc-js on generated records ------------------------------------------------------

RENDERER = HERE / "conformance" / "csl-render.cjs"
NODE_PATH = HERE / "conformance" / "node_modules"
MISSING = ("Node.js" if shutil.which("node") is None
           else "citeproc-js" if not (NODE_PATH / "citeproc").is_dir()
           else "the style files" if STYLE is None or LOCALE is None else "")
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"the typography tests need {MISSING} in CI")

# words and quotations as archives write them (typographic and straight marks, transliterations,
# possessives); not the cases where citetool deliberately differs from citeproc-js
WORDS = ["report", "on", "the", "Talks", "Mun\u2018im", "Shu\u2019un", "Qur\u2019an",
         "al-Ba\u2018th", "Ma\u2019mun", "O\u2019Neill", "O'Neill", "Qur'an", "Workers'",
         "People's", "don\u2019t", "we\u2019ll", "Kim", "of", "a", "Revolution", "peace",
         "Hu-rak", "anti-imperialist", "and", "1957", "Qasim\u2019s", "Pueblo", "to", "from",
         "People\u2019s"]
QUOTES = [('"', '"'), ("'", "'"), ("\u201c", "\u201d"), ("\u2018", "\u2019")]


def _phrase(rng: random.Random, depth: int = 0) -> str:
    words = [rng.choice(WORDS)]
    for _ in range(rng.randint(0, 3)):
        if rng.random() < 0.3 and depth < 3:
            opening, closing = rng.choice(QUOTES)
            single = opening in "'\u2018"
            paren = not single and rng.random() < 0.3
            after = rng.choice(["", "", ",", ".", ":", "?", ";"] + ([] if single else ["!"]))
            quoted = f"{opening}{_phrase(rng, depth + 1)}{closing}"
            words.append(f"({quoted})" if paren else quoted + after)
        else:
            words.append(rng.choice(WORDS))
    return " ".join(words)


def _generated(count: int) -> list[Record]:
    rng = random.Random(20240615)
    out = []
    for i in range(count):
        fields: dict = {"language": rng.choice(["en", "en", "en", "ru"]),
                        "source": {"call_number": _phrase(rng, 1)}}
        if rng.random() < 0.4:
            fields["source"]["collection"] = _phrase(rng, 1)
        if rng.random() < 0.4:
            fields["archive"] = _phrase(rng, 1)
        if rng.random() < 0.3:
            fields["authors"] = [{"org": f"{_phrase(rng, 1)} {i}"}]
        out.append(record(_phrase(rng), id=f"g{i}", **fields))
    return out


@pytest.mark.skipif(bool(MISSING), reason=f"not installed: {MISSING}")
def test_generated_records_equal_citeproc_js(tmp_path):
    records = {r.id: r for r in _generated(200)}
    items = tmp_path / "items.json"
    items.write_text(csljson.CSL_JSON.render(list(records.values())), encoding="utf-8")
    done = subprocess.run(["node", str(RENDERER), str(items), str(STYLE), str(LOCALE),
                           "bibliography"], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, NODE_PATH=str(NODE_PATH)))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == len(records)
    mismatches = [f"{r['id']}:\n  citetool: {ours}\n  citeproc: {r['text']}"
                  for r in rows if (ours := chicago.bibliography(records[r["id"]])) != r["text"]]
    assert not mismatches, "\n".join(mismatches[:10])


_WORD_CHARS = st.sampled_from(list("aofnvsdtheinrpu.'-?!: \t\n\u00a0\u2003\x1c\u00e0"))
_NEAR_STOP_WORDS = st.sampled_from(text._SKIP + ["vx", "vsz", "vz.", "x", "ofs", "v\u00e0"])


@given(st.one_of(
    st.text(_WORD_CHARS, max_size=12),
    st.tuples(st.lists(_NEAR_STOP_WORDS, min_size=1, max_size=3),
              st.sampled_from(["\t", "\n", "\u00a0", "\u2003", " ", "-", "?\t"]))
    .map(lambda words_sep: words_sep[1].join(words_sep[0])),
    st.text(max_size=12)))
@example("vsz")  # citeproc-js's "vs." matches any third letter
@example("vz")  # and "v." any second one
@example("x  thru")  # " thru" is a word after two spaces
def test_stop_word_test_equals_citeprocs_pattern(word: str) -> None:
    """The stop-word test without the compiled pattern answers as citeproc-js's pattern."""
    expected = re.search(text._SKIP_PATTERN, word) is not None
    assert text._is_skip.__wrapped__(word) is expected


_FIRST_LETTER = re.compile(r"(\s*)(.)(.*)", re.S)  # citeproc-js's pattern (the reference)


def _capitalise_by_pattern(word: str) -> str:
    m = _FIRST_LETTER.match(word)
    if not m or (re.match("[\u0370-\u03ff]$", m.group(2)) and not m.group(3)):
        return word
    return m.group(1) + m.group(2).upper() + m.group(3)


@given(st.text(st.sampled_from(list(" \t\n\u2003aßǆβΩ\u0370\u03ffé1'")), max_size=6))
@example("\u03b2")  # a lone Greek letter stays
@example(" \u03b2")
@example("ß")  # uppercases to two letters
def test_capitalising_without_the_pattern_equals_citeprocs_pattern(word: str) -> None:
    assert text._capitalise(word) == _capitalise_by_pattern(word)


@given(st.text(st.sampled_from(list(" aAß1-.'\"\u2018’ΩǅFMA")), max_size=10))
def test_capitalize_first_skips_only_what_it_would_leave_unchanged(value: str) -> None:
    assert text.capitalize_first(value) == text._change_case(value, [], title=False)
