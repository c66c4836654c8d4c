"""Manuscripts exported by reference managers (Zotero 7, Better BibTeX) import into the right
fields, and every style then prints each fact once (issue 15, point 7).

The fixtures (tests/fixtures/zotero/, see its README) are what Zotero and Better BibTeX write
for a Manuscript item with Archive, Loc. in Archive and Extra.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from citetool import store
from citetool.formats import STYLES
from citetool.importers import bibtex as bib_in
from citetool.importers import csljson as csl_in
from citetool.importers import run

ZOTERO = Path(__file__).parent / "fixtures" / "zotero"


def _imported() -> dict[str, object]:
    out = {}
    for path in sorted(ZOTERO.glob("*.bib")) + sorted(ZOTERO.glob("*.json")):
        for outcome in run(path.read_text(encoding="utf-8"), str(path)):
            assert outcome.error is None, outcome.error
            record = store.validate(outcome.raw, path.name)
            out[f"{path.stem}:{record.id}"] = record
    return out


RECORDS = _imported()
SHEN = {"family": "Shen", "given": "Zhihua", "family_first": True}

# what each manuscript must import as: never the archive's name for a call number
EXPECTED = {
    "betterbibtex:115325": {
        "archive": "Wilson Center Digital Archive", "type": "telegram",
        "source": {"call_number": "PRC FMA 118-01025-02"},
        "authors": [{"org": "Ministry of Foreign Affairs"}, {"org": "Ministry of Public Security"}],
        "translators": [{"family": "Wang", "given": "Jeffrey"},
                        {"family": "Kraus", "given": "Charles"}],
        "obtained_by": [SHEN], "date": {"year": 1962, "month": 3},
    },
    "betterbibtex:112980": {
        "archive": "History and Public Policy Program Digital Archive", "type": "letter",
        "source": {"call_number": "APRF f. 45, op. 1, d. 346"},
        "authors": [{"family": "Kim", "given": "Il Sung", "family_first": True}],
        "title": "Letter from Kim Il Sung to Stalin on the 'Southern Offensive'",
    },
    "betterbiblatex:111048": {
        "archive": "Wilson Center Digital Archive", "type": "telegram",
        "source": {"call_number": "PRC FMA 206-Y0050", "pages": "5-10"},
        "authors": [{"family": "Zhou", "given": "Enlai", "family_first": True}],
        "translators": [{"family": "Zhang", "given": "Shu Guang", "family_first": True}],
        "obtained_by": [{"family": "Chen", "given": "Jian", "family_first": True}],
        "notes": {"archive place": "Beijing", "urldate": "2024-05-02"},
    },
    "zotero:114600": {
        "archive": "Wilson Center Digital Archive", "type": "telegram",
        "source": {"call_number": "PRC FMA 118-01026-01"},
        "obtained_by": [{"family": "Dong", "given": "Wang", "family_first": True}],
        "date": {"year": 1962, "month": 4, "day": 7},
    },
    "zotero:121170": {
        "archive": "Wilson Center Digital Archive", "type": "record-of-conversation",
        "source": {"call_number": "AVPRF f. 0102, op. 14, d. 8", "pages": "12-19"},
        "recipients": [{"family": "Mao", "given": "Zedong", "family_first": True}],
        "translators": [{"family": "Goldberg", "given": "Gary"}],
        "obtained_by": [{"family": "Radchenko", "given": "Sergey"}],
    },
}


def test_every_manuscript_imports():
    assert sorted(RECORDS) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_manuscript_imports_into_the_right_fields(name):
    data = RECORDS[name].model_dump(mode="json", exclude_defaults=True)
    for field, want in EXPECTED[name].items():
        got = data.get(field)
        if isinstance(want, dict) and field != "date":
            got = {k: v for k, v in (got or {}).items() if k in want}
        assert got == want, field


def _facts(record) -> list[str]:
    """What a reader must find once: title, archive, call number, the credited people."""
    facts = [record.title, record.archive]
    if record.source.call_number:
        facts.append(record.source.call_number)
    facts += [a.reading() for a in (*record.translators, *record.obtained_by)]
    return facts


def _printed(style: str, record) -> str:
    """What a reader of this style sees: the text styles' text; of the data formats, the
    fields that standard styles print (biblatex's `library`, `shorttitle` and `namea`, and
    CSL-JSON's `custom`, are for programs)."""
    out = STYLES[style].render([record])
    if style in ("bibtex", "biblatex"):
        import bibtexparser

        [entry] = bibtexparser.parse_string(out, parse_stack=[]).entries
        hidden = {"library", "shorttitle", "namea", "key", "url", "langid"}
        return "\n".join(f.value for f in entry.fields if f.key not in hidden)
    if style == "csl-json":
        [item] = json.loads(out)
        return json.dumps({k: v for k, v in item.items() if k not in ("custom", "id")},
                          ensure_ascii=False)
    if style == "ris":
        return "\n".join(line for line in out.splitlines() if not line.startswith("ID "))
    return out


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fact_once_in_every_style(name, style):
    record = RECORDS[name]
    text = _printed(style, record)
    if style in ("bibtex", "biblatex"):
        text = bib_in._decode(text)
    flat = " ".join(text.split())
    for fact in _facts(record):
        count = len(re.findall(r"(?<!\w)" + re.escape(fact) + r"(?!\w)", flat))
        # a short style leaves most facts out; none prints one twice
        assert count <= 1, (fact, flat)
        if fact in (record.archive, record.source.call_number) and style in (
                "chicago-note", "chicago-bibliography", "archive", "bibtex", "biblatex", "ris",
                "csl-json"):
            assert count == 1, (fact, flat)


# --- the pieces, each on cases of its own ---------------------------------------------------


def _bib(fields: str) -> dict:
    [(raw, error, _)] = bib_in.parse("@unpublished{k1,\n title = {A Note},\n" + fields + "}",
                                     "x.bib")
    assert error is None, error
    return raw


@pytest.mark.parametrize(("fields", "call_number"), [
    # the archive in howpublished, Loc. in Archive in archive_location
    ("archive = {Some Archive}, howpublished = {Some Archive}, archive_location = {F 1/2}",
     "F 1/2"),
    # the archive before the call number in howpublished
    ("organization = {Some Archive}, howpublished = {Some Archive, F 1/2, pp. 3-4}", "F 1/2"),
    # only the archive: no call number at all
    ("institution = {Some Archive}, howpublished = {Some Archive}", None),
    # Zotero's Library Catalog in `library` is the archive, not a call number
    ("library = {Some Archive}, howpublished = {F 1/2}", "F 1/2"),
    # Better BibTeX puts a @misc's URL in howpublished
    ("archive = {Some Archive}, howpublished = {\\url{https://example.org/doc/1}}", None),
])
def test_the_archive_is_never_a_call_number(fields, call_number):
    raw = _bib(fields)
    assert raw["archive"] == "Some Archive"
    assert raw.get("source", {}).get("call_number") == call_number


@pytest.mark.parametrize(("name", "want"), [
    ("{{Ministry of Culture}}", {"org": "Ministry of Culture"}),
    ("{{{Ministry of Culture}}}", {"org": "Ministry of Culture"}),
    ("{{Kim Il Sung}}", {"family": "Kim", "given": "Il Sung", "family_first": True}),
    ("{Shen Zhihua}", {"family": "Shen", "given": "Zhihua", "family_first": True}),
    ("{Sukarno}", {"family": "Sukarno"}),
    ("{毛泽东}", {"family": "毛", "given": "泽东", "family_first": True}),
    ("{Barnes} {and} {Noble}", None),  # not one braced word
])
def test_braced_names(name, want):
    raw = _bib(f"organization = {{A}}, author = {{{name}}}")
    if want is not None:
        assert raw["authors"] == [want]
    else:
        assert "org" not in raw["authors"][0]


def test_extra_lines_and_a_statement_in_the_note():
    raw = _bib("archive = {Some Archive}, note = {Original Date: 1961\nArchive Place: Bonn\n"
               "B 12/345, 6-7. Obtained by Anna Yates and translated by Ri Song Chol.}")
    assert raw["source"] == {"call_number": "B 12/345", "pages": "6-7"}
    assert raw["obtained_by"] == [{"given": "Anna", "family": "Yates"}]
    assert raw["translators"] == [{"family": "Ri", "given": "Song Chol", "family_first": True}]
    assert raw["notes"] == {"original date": "1961", "archive place": "Bonn"}


def test_a_note_without_a_location_stays_a_note():
    raw = _bib("archive = {Some Archive}, note = {Some Archive. Copy from the ministry.}")
    assert "source" not in raw
    assert "Copy from the ministry" in json.dumps(raw["notes"])


def test_the_fields_win_over_the_note():
    raw = _bib("archive = {A}, archive_location = {F 9}, note = {F 1, 2. Obtained by X Y.}")
    assert raw["source"] == {"call_number": "F 9", "pages": "2"}


@pytest.mark.parametrize(("kind", "want"), [("Telegram", "telegram"),
                                            ("Record of Conversation", "record-of-conversation"),
                                            ("Postcard", None)])
def test_manuscript_type(kind, want):
    raw = _bib(f"organization = {{A}}, type = {{{kind}}}")
    assert raw["type"] == (want or "document")
    if want is None:
        assert raw["notes"]["type"] == kind


def _csl(item: dict) -> dict:
    [(raw, error, _)] = csl_in.parse(json.dumps({"archive": "Some Archive", "title": "A Note",
                                                 **item}), "x.json")
    assert error is None, error
    return raw


@pytest.mark.parametrize(("item_id", "url", "want"), [
    ("http://zotero.org/users/local/AbC/items/6FMKX3QZ", "https://a.org/document/123", "123"),
    ("http://zotero.org/users/local/AbC/items/6FMKX3QZ", None, "6FMKX3QZ"),
    ("kimLetter1950", "https://a.org/document/123", "kimLetter1950"),
])
def test_csl_item_ids(item_id, url, want):
    assert _csl({"id": item_id, "URL": url})["id"] == want


def test_csl_names_order_guessed_only_for_other_tools():
    name = {"family": "Kim", "given": "Yeong-ju"}
    assert _csl({"id": "a", "author": [name]})["authors"] == [{**name, "family_first": True}]
    # citetool's own export says so with static-ordering; its absence is an answer
    ours = {"id": "a", "author": [name], "custom": {"document-type": "letter"}}
    assert _csl(ours)["authors"] == [name]


def test_csl_note_and_archive_place():
    raw = _csl({"id": "a", "archive-place": "Moscow", "genre": "Cable",
                "note": "Archive Place: ignored\nWilson Center, RGANI f. 5, 3. "
                        "Contributed by Sergey Radchenko."})
    assert raw["type"] == "cable"
    assert raw["source"] == {"call_number": "Wilson Center, RGANI f. 5", "pages": "3"}
    assert raw["contributed_by"] == [{"given": "Sergey", "family": "Radchenko"}]
    assert raw["notes"]["archive-place"] == "Moscow"


def test_quote_ligatures_are_read_but_accents_stay():
    text = r"""@misc{k, organization = {A},
        title = {Caf\`e ``Zum L\"owen'' and `Caf\'e' Lenin}}"""
    [(raw, _, _)] = bib_in.parse(text, "x.bib")
    assert raw["title"] == "Caf\u00e8 \"Zum L\u00f6wen\" and 'Caf\u00e9' Lenin"
