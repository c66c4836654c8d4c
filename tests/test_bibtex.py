"""BibTeX and BibLaTeX: parse back, decode to the record's text, escape, keys."""

from __future__ import annotations

import re

import bibtexparser
import pytest
from pylatexenc.latex2text import LatexNodes2Text

from citetool.formats import bibtex
from citetool.formats.archive import plain_name

DECODE = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def decode(value: str) -> str:
    # pylatexenc maps \textasciicircum to U+02C6; LaTeX prints the ASCII circumflex
    return DECODE.latex_to_text(value).replace("\u00a0", " ").replace("\u02c6", "^")


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_every_record_parses_back(records, style):
    render = bibtex.render_bibtex if style == "bibtex" else bibtex.render_biblatex
    text = render(list(records.values()))
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks
    assert len(lib.entries) == len(records)
    by_key = {e.key: e for e in lib.entries}
    for key, record in zip(bibtex.keys(list(records.values())), records.values(), strict=True):
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
    text = bibtex.render_biblatex([records["f22"]])
    assert r"\& Costs: 100\% of \$5 for \#1\_item \{draft\} \textasciitilde{}x" in text
    assert r"\textasciicircum{}y \textbackslash{}path" in text


def test_latex_commands_in_titles_are_escaped():
    from citetool.model import Record

    record = Record(id="x1", title=r"\input{/etc/passwd} \write18{rm -rf /} \def\x{}",
                    short_title="Injection", archive="A")
    out = bibtex.render_biblatex([record])
    assert r"\input" not in out.replace(r"\textbackslash{}input", "")
    assert r"\write18" not in out.replace(r"\textbackslash{}write18", "")
    lib = bibtexparser.parse_string(out)
    assert not lib.failed_blocks


def test_classic_bibtex_is_ascii(records):
    # classic BibTeX cannot carry CJK, Korean, Arabic, Greek or Vietnamese letters at all
    # (nor all of Cyrillic); every letter with a LaTeX form is escaped
    other_scripts = {"f32", "f43", "f44", "f45", "f46", "f47", "f48"}
    latin = [r for r in records.values() if r.id not in other_scripts]
    assert bibtex.render_bibtex(latin).isascii()


def test_corporate_names_braced_and_people_inverted(records):
    out = bibtex.render_biblatex([records["f06"]])
    assert "{{Government of the Czechoslovak Socialist Republic} and Dubček, Alexander}" in out


def test_dates(records):
    assert bibtex.biblatex_date(records["f08"]) == "1955~"
    assert bibtex.biblatex_date(records["f09"]) == "1962-03/1962-05"
    assert bibtex.biblatex_date(records["f02"]) == "1960-05"
    assert bibtex.biblatex_date(records["f11"]) == ""


def test_keys_ascii_stable_unique(records):
    recs = list(records.values())
    keys = bibtex.keys(recs)
    assert keys == bibtex.keys(recs)
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert key.isascii() and not re.search(r"[\"#'(),={}%\s]", key)
    petrov = [k for k, r in zip(keys, recs, strict=True) if r.id in ("f02", "f31")]
    assert petrov == ["petrov_1960a", "petrov_1960b"]


def test_hyphenated_names_protected_not_whole_title(records):
    out = bibtex.render_biblatex([records["f18"]])
    assert "{Hu-rak}" in out or "{Lee Hu-rak}" in out
    assert "title        = {{" not in out
    assert plain_name(records["f18"].authors[0]) == "Lee Hu-rak"


@pytest.mark.parametrize("render", [bibtex.render_bibtex, bibtex.render_biblatex])
def test_initials_are_separate_name_tokens(records, render):
    # "L.W." is one token to BibTeX and biber: abbreviated, it printed "L." alone
    from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

    entry = bibtexparser.parse_string(
        render([records["f20"]]),
        append_middleware=[SeparateCoAuthors(), SplitNameParts()]).entries[0]
    [name] = entry["author"]
    assert name.first == ["L.", "W."] and name.last == ["Henderson"]
