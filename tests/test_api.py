"""The library API that scripts use (and the command line is a layer over)."""

from __future__ import annotations

import json

import pytest

import citetool.api as citetool
from citetool.cli import cli
from citetool.errors import CitetoolError, UsageError


@pytest.fixture
def records(folder):
    return citetool.open(folder)


def test_select_with_the_cli_filters(records):
    assert [r.id for r in records.select(citetool.Query(type="telegram"))] == ["115325"]
    assert records.select(citetool.Query(type="memorandum", all=True)) == []
    assert [r.id for r in records.select(citetool.Query(since="1962-03", until="1962"))] == [
        "115325"]
    assert records.select(citetool.Query(author="wang")) == []  # translators are no authors
    assert [r.id for r in records.select(citetool.Query(text="KOREANS"))] == ["115325"]


@pytest.mark.parametrize(("query", "message"), [
    (citetool.Query(type="telgram"), "--type: unknown document type 'telgram'; "
                                     "did you mean 'telegram'?"),
    (citetool.Query(language="English"), "--language: 'English' is not a language code such "
                                         "as 'en' or 'ru', as records write it (did you mean "
                                         "'en'?)"),
    (citetool.Query(since="March 1962"), "--since: 'March 1962' is not a date of the form"),
])
def test_impossible_filters_are_errors_with_a_suggestion(records, query, message):
    with pytest.raises(UsageError) as info:
        records.select(query)
    assert str(info.value).startswith(message)


def test_render_cite_and_export(records, tmp_path):
    record = records.get("115325")
    assert citetool.render([record], "chicago-short", page="5") == records.cite(
        ["115325"], "chicago-short", page="5")
    out = tmp_path / "refs.bib"
    assert records.export(citetool.Query(all=True), "biblatex", output=out) is None
    text = out.read_text(encoding="utf-8")
    assert text == records.export(citetool.Query(ids=["115325"]), "biblatex")
    with pytest.raises(CitetoolError, match="already exists"):
        records.export(citetool.Query(all=True), "biblatex", output=out)


def test_an_export_that_selects_nothing_writes_nothing(records, tmp_path, runner, folder):
    with pytest.raises(CitetoolError, match="no records match; nothing written"):
        records.export(citetool.Query(type="memorandum"), "bibtex", output=tmp_path / "x.bib")
    assert not (tmp_path / "x.bib").exists()
    result = runner.invoke(cli, ["--records", str(folder), "export", "--type", "memorandum",
                                 "-s", "bibtex", "-o", str(tmp_path / "x.bib")])
    assert result.exit_code == 1 and "no records match" in result.output
    assert not (tmp_path / "x.bib").exists()


def test_page_refused_where_the_style_cannot_show_it(records, runner, folder):
    with pytest.raises(UsageError, match="the bibtex style cannot show a page"):
        records.cite(["115325"], "bibtex", page="5")
    result = runner.invoke(cli, ["--records", str(folder), "cite", "115325", "-s", "archive",
                                 "-p", "5"])
    assert result.exit_code == 2 and "cannot show a page" in result.output


def test_sort_orders(folder, runner):
    for rid, title, date in (("a1", "Zebra Telegram", "1970"), ("b2", "Alpha Memo", None)):
        text = (f"id: {rid}\ntitle: {title}\nshort_title: {title}\narchive: Archive\n"
                + (f"date: '{date}'\n" if date else ""))
        (folder / f"{rid}.yaml").write_text(text, encoding="utf-8")
    def order(*args):
        result = runner.invoke(cli, ["--records", str(folder), "list", "--json", *args])
        assert result.exit_code == 0, result.output
        return [json.loads(line)["id"] for line in result.output.splitlines()]
    assert order() == ["115325", "a1", "b2"]
    assert order("--sort", "date") == ["115325", "a1", "b2"]
    assert order("--sort", "title") == ["b2", "115325", "a1"]
    assert order("--sort", "author") == ["a1", "b2", "115325"]


def test_import_batch_reports_a_repeated_id(folder, tmp_path):
    items = [{"id": "dup", "title": "First", "archive": "A"},
             {"id": "dup", "title": "Second", "archive": "A"},
             {"id": "abc\n", "title": "Two lines", "archive": "A"},
             {"id": "a..b", "title": "Dots", "archive": "A"}]
    source = tmp_path / "items.json"
    source.write_text(json.dumps(items), encoding="utf-8")
    for force in (False, True):
        done = list(citetool.open(folder).import_files([source], force=force))
        assert [d.error is None for d in done] == [True, False, False, False]
        assert "id 'dup' is already in this batch" in str(done[1].error)
        assert done[2].error.field == "id" and done[3].error.field == "id"
        text = (folder / "dup.yaml").read_text(encoding="utf-8")
        assert "title: First" in text and "Second" not in text
        assert not list(folder.glob("a*b.yaml"))


@pytest.mark.parametrize("key", ["id", "author-year"])
def test_every_keyed_format_uses_the_same_key(records, key):
    import re

    import rispy

    ids = ["115325"]
    found = {
        "bibtex": re.findall(r"^@misc\{([^,]+),", records.cite(ids, "bibtex", key=key), re.M),
        "biblatex": re.findall(r"^@misc\{([^,]+),", records.cite(ids, "biblatex", key=key),
                               re.M),
        "csl-json": [i["id"] for i in json.loads(records.cite(ids, "csl-json", key=key))],
        "ris": [r["id"] for r in rispy.loads(records.cite(ids, "ris", key=key))],
    }
    want = ["115325"] if key == "id" else ["ministry_of_foreign_affairs_1962"]
    assert all(keys == want for keys in found.values()), found
    with pytest.raises(UsageError, match="unknown key"):
        records.cite(ids, "bibtex", key="doi")


def test_validate_by_id_path_or_all(folder, tmp_path):
    (folder / "bad.yaml").write_text("id: bad\ntitle: x\n", encoding="utf-8")
    found = citetool.validate(folder=folder)
    assert found.total == 2 and [p.field for p in found.problems] == ["short_title"]
    found = citetool.validate([str(folder / "115325.yaml")])  # a path needs no folder
    assert found.total == 1 and not found.problems
    found = citetool.validate(["115325", "nope"], folder=folder)
    assert found.total == 2 and "no record with id 'nope'" in str(found.problems[0])
