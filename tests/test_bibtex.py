"""BibTeX and BibLaTeX: parse back, decode to the record's text, escape, keys."""

from __future__ import annotations

import re

import bibtexparser
import pytest
from pylatexenc.latex2text import LatexNodes2Text

from citetool.formats import bibtex
from citetool.formats.base import unique_keys

DECODE = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def decode(value: str) -> str:
    # pylatexenc maps \textasciicircum to U+02C6; LaTeX prints the ASCII circumflex. The
    # exports write straight quotes as TeX's quote ligatures (``a'' and `a'): read them back
    value = value.replace("``", '"').replace("''", '"').replace("`", "'")
    return DECODE.latex_to_text(value).replace("\u00a0", " ").replace("\u02c6", "^")


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_every_record_parses_back(records, style):
    text = (bibtex.BIBTEX if style == "bibtex" else bibtex.BIBLATEX).export(
        list(records.values()), key="author-year")
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks
    assert len(lib.entries) == len(records)
    by_key = {e.key: e for e in lib.entries}
    for key, record in zip(author_year_keys(list(records.values())), records.values(), strict=True):
        fields = {k: f.value for k, f in by_key[key].fields_dict.items()}
        assert decode(fields["title"]) == record.title, key
        if record.authors and style == "biblatex":
            decoded = decode(fields["author"])
            for agent in record.authors:
                part = agent.org or agent.family
                assert part in decoded
        pages = record.source.pages
        if pages and style == "biblatex" and re.fullmatch(r"\d+-\d+", pages):
            assert pages.replace("-", "--") in fields["howpublished"]
        if style == "biblatex" and record.translators:
            assert decode(fields["translator"]).count(" and ") == len(record.translators) - 1


def test_specials_escaped_and_latex_code_inert(records):
    text = bibtex.BIBLATEX.render([records["f22"]])
    assert r"\& Costs: 100\% of \$5 for \#1\_item \{draft\} \textasciitilde{}x" in text
    assert r"\textasciicircum{}y \textbackslash{}path" in text


def test_latex_commands_in_titles_are_escaped():
    from citetool.model import Record

    record = Record(id="x1", title=r"\input{/etc/passwd} \write18{rm -rf /} \def\x{}",
                    short_title="Injection", archive="A")
    out = bibtex.BIBLATEX.render([record])
    assert r"\input" not in out.replace(r"\textbackslash{}input", "")
    assert r"\write18" not in out.replace(r"\textbackslash{}write18", "")
    lib = bibtexparser.parse_string(out)
    assert not lib.failed_blocks


def test_classic_bibtex_is_ascii(records):
    # classic BibTeX cannot carry CJK, Korean, Arabic, Greek or Vietnamese letters at all
    # (nor all of Cyrillic); every letter with a LaTeX form is escaped
    other_scripts = {"f32", "f43", "f44", "f45", "f46", "f47", "f48"}
    latin = [r for r in records.values() if r.id not in other_scripts]
    assert bibtex.BIBTEX.render(latin).isascii()


def test_corporate_names_braced_and_people_inverted(records):
    out = bibtex.BIBLATEX.render([records["f06"]])
    assert "{{Government of the Czechoslovak Socialist Republic} and Dubček, Alexander}" in out


def test_dates(records):
    assert bibtex.biblatex_date(records["f08"]) == "1955~"
    assert bibtex.biblatex_date(records["f09"]) == "1962-03/1962-05"
    assert bibtex.biblatex_date(records["f02"]) == "1960-05"
    assert bibtex.biblatex_date(records["f11"]) == ""


def author_year_keys(records):
    return unique_keys([r.author_year_key() for r in records])


def test_keys_ascii_stable_unique(records):
    recs = list(records.values())
    keys = author_year_keys(recs)
    assert keys == author_year_keys(recs)
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert key.isascii() and not re.search(r"[\"#'(),={}%\s]", key)
    petrov = [k for k, r in zip(keys, recs, strict=True) if r.id in ("f02", "f31")]
    assert petrov == ["petrov_1960a", "petrov_1960b"]


def test_hyphenated_names_protected_not_whole_title(records):
    out = bibtex.BIBLATEX.render([records["f18"]])
    assert "{Hu-rak}" in out or "{Lee Hu-rak}" in out
    assert "title        = {{" not in out
    assert records["f18"].authors[0].reading() == "Lee Hu-rak"


@pytest.mark.parametrize("render", [bibtex.BIBTEX.render, bibtex.BIBLATEX.render])
def test_initials_are_separate_name_tokens(records, render):
    # "L.W." is one token to BibTeX and biber: abbreviated, it printed "L." alone
    from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

    entry = bibtexparser.parse_string(
        render([records["f20"]]),
        append_middleware=[SeparateCoAuthors(), SplitNameParts()]).entries[0]
    [name] = entry["author"]
    assert name.first == ["L.", "W."] and name.last == ["Henderson"]


# --- printed as sentences (issue 15, point 5) ----------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from citetool.importers import bibtex as bib_in  # noqa: E402
from citetool.model import Record  # noqa: E402


def _record(**fields):
    return Record.model_validate({"id": "x1", "short_title": "Short", "archive": "An Archive",
                                  **fields})


def _fields(style, record):
    text = (bibtex.BIBTEX if style == "bibtex" else bibtex.BIBLATEX).render([record])
    [entry] = bibtexparser.parse_string(text, parse_stack=[]).entries
    return {f.key: f.value for f in entry.fields}


@pytest.mark.parametrize(("text", "want"), [
    ("on 'German-Chinese Relations'", "on `German-Chinese Relations'"),
    ('on "Operation Mongoose"', "on ``Operation Mongoose''"),
    ("'Quoted' first", "`Quoted' first"),
    ("Mao's Talk", "Mao's Talk"),
    ("Soldiers' Letters", "Soldiers' Letters"),
    ("the '60s", "the '60s"),
    ('He said "she said \'no\'"', "He said ``she said `no'{}''"),
    ("(\"Aside\")", "(``Aside'')"),
    (r"Kov{\"a}cs and \'e", r"Kov{\"a}cs and \'e"),  # accents are not quotes
])
def test_straight_quotes_become_opening_and_closing(text, want):
    assert bibtex.latex_quotes(text) == want


@given(st.text(alphabet="ab \"'(", max_size=30))
def test_quotes_keep_their_kind_and_read_back(text):
    out = bibtex.latex_quotes(text)
    assert '"' not in out
    # every mark reads back as the straight quote it was written for
    # (as the importer reads them: `{}` separates marks, so it goes last)
    back = out.replace("``", '"').replace("''", '"').replace("`", "'").replace("{}", "")
    assert back == text


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_quoted_title_reads_back(style):
    record = _record(title="The 'Non-aligned' Bloc and \"Peaceful Coexistence\"")
    [(raw, error, _)] = bib_in.parse(getattr(bibtex, style.upper()).render([record]), "x")
    assert error is None and raw["title"] == record.title


def test_classic_title_braces_each_capital_and_reads_back():
    # classic styles lowercase every unbraced word but the first ("foreign minister pak");
    # the style guide: proper nouns braced, never the whole title
    record = _record(title="Conversation with Foreign Minister Pak Seong-cheol",
                     keep_case=["Foreign Minister"])
    title = _fields("bibtex", record)["title"]
    assert title == "{{Conversation} with {Foreign Minister} {Pak} {Seong-cheol}}"
    [(raw, _, _)] = bib_in.parse(bibtex.BIBTEX.render([record]), "x")
    assert raw["title"] == record.title and raw["keep_case"] == ["Foreign Minister"]
    # biblatex styles do not change case: the title is not braced whole there
    assert _fields("biblatex", record)["title"].startswith("{Conversation")


RECIPIENT_CASES = [
    # (title, recipients, what titleaddon says)
    ("Telegram on the Border", [{"org": "Chinese Embassy in North Korea"}],
     "To the {Chinese Embassy in North Korea}"),
    ("Telegram to the Chinese Embassy in North Korea", [{"org": "Chinese Embassy in North Korea"}],
     None),
    ("Letter to Comrade Stalin", [{"family": "Stalin", "given": "Joseph"}], None),
    ("Letter from Chiang Ching-kuo to Kim Yeong-ju",
     [{"family": "Kim", "given": "Yeong-ju", "family_first": True}], None),
    ("Letter to Kim and Mao", [{"family": "Kim", "given": "Il Sung", "family_first": True},
                               {"family": "Zhou", "given": "Enlai", "family_first": True}],
     "To Zhou Enlai"),
    ("Note on the Plenum", [{"family": "Ulbricht", "given": "Walter"},
                            {"org": "the Politburo"}],
     "To Walter Ulbricht and {the Politburo}"),
]


@pytest.mark.parametrize(("title", "recipients", "addon"), RECIPIENT_CASES)
def test_titleaddon_names_only_recipients_the_title_does_not(title, recipients, addon):
    record = _record(title=title, recipients=recipients)
    fields = _fields("biblatex", record)
    assert fields.get("titleaddon") == (addon and "{" + addon + "}")
    # every recipient still reads back, from `namea` when the addon leaves some out
    assert ("namea" in fields) == (len(recipients) > (addon or "").count(" and ") + bool(addon))
    [(raw, error, _)] = bib_in.parse(bibtex.BIBLATEX.render([record]), "x")
    assert error is None
    assert Record.model_validate(raw).recipients == record.recipients


def test_a_family_name_inside_another_name_does_not_name_the_recipient():
    record = _record(title="Memorandum from Raúl Castro on the Militia",
                     authors=[{"family": "Castro", "given": "Raúl"}],
                     recipients=[{"family": "Castro", "given": "Fidel"}])
    assert _fields("biblatex", record)["titleaddon"] == "{To Fidel Castro}"


@pytest.mark.parametrize(("source", "want"), [
    ({"pages": "12"}, "P.~12"),
    ({"pages": "4-6"}, "Pp.~4--6"),
    ({"call_number": "f. 5, op. 30, d. 335", "pages": "7"}, "F. 5, op. 30, d. 335, p.~7"),
    ({"pages": "l. 34"}, "L. 34"),
    ({"collection": "papers of the delegation"}, "Papers of the delegation"),
])
def test_howpublished_starts_a_sentence(source, want):
    record = _record(title="Note", source=source)
    assert _fields("biblatex", record)["howpublished"] == "{" + want + "}"
    assert _fields("bibtex", record)["howpublished"].startswith("{" + want)


def test_the_collection_is_not_the_archive_twice():
    record = _record(title="Note", source={"call_number": "A 1", "collection": "An Archive"})
    assert _fields("bibtex", record)["howpublished"] == "{A 1, An Archive}"


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_family_first_names_are_braced_and_read_back(style):
    people = [{"family": "Shen", "given": "Zhihua", "family_first": True},
              {"family": "Kim", "given": "Il Sung", "family_first": True},
              {"family": "金", "given": "日成", "family_first": True},
              {"family": "Wang", "given": "Jeffrey"}]
    record = _record(title="Note", authors=people)
    author = _fields(style, record)["author"]
    ascii_only = style == "bibtex"
    kim = bibtex.escape("金日成", ascii_only)
    assert author == "{{Shen Zhihua} and {Kim Il Sung} and {" + kim + "} and Wang, Jeffrey}"
    if not ascii_only:
        [(raw, _, _)] = bib_in.parse(bibtex.BIBLATEX.render([record]), "x")
        assert Record.model_validate(raw).authors == record.authors


@pytest.mark.parametrize(("date", "year", "month"), [
    ("1962-03-24", "{1962}", "mar # {~24,}"),
    ("1962-03", "{1962}", "mar"),
    ("1962", "{1962}", None),
    ({"year": 1964, "month": 9, "day": 1, "until": {"year": 1964, "month": 9, "day": 30}},
     "{1964}", "sep # {~1--30,}"),
    ("1962-03/1962-05", "{March--May 1962}", None),
    ("1956/1957", "{1956--1957}", None),
    ("1955~", "{[1955?]}", None),
    ({"year": 1962, "month": 12, "day": 30, "until": {"year": 1963, "month": 1, "day": 2}},
     "{December 30, 1962--January 2, 1963}", None),
])
def test_classic_dates_print_once_and_read_back(date, year, month):
    record = _record(title="Note", date=date)
    fields = _fields("bibtex", record)
    assert fields["year"] == year and fields.get("month") == month
    assert "Dated" not in fields.get("note", "")
    [(raw, error, _)] = bib_in.parse(bibtex.BIBTEX.render([record]), "x")
    assert error is None and Record.model_validate(raw).date == record.date
