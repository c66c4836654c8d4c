"""Import of the archive's document pages: saved by a browser as HTML, or fetched by URL.

The pages in tests/fixtures/html are real pages of the archive's site, saved by a browser and
named as a browser names them (after the page title). Their records are kept as golden YAML in
tests/golden/html/<id>.yaml; regenerate with `CITETOOL_UPDATE_GOLDEN=1 pytest
tests/test_html_import.py` and review the diff. Fetching is tested against a real HTTP server on
127.0.0.1 that serves the pages at the archive's paths, and every way a fetch can fail.
"""

from __future__ import annotations

import http.server
import json
import os
import pty
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citetool import __version__, fetch, store
from citetool.cli import cli
from citetool.errors import CitetoolError
from citetool.formats import get
from citetool.importers import IMPORTERS, detect, load, load_many, run
from citetool.importers import html as html_in
from citetool.importers.derive import document_type

HERE = Path(__file__).parent
PAGES = HERE / "fixtures" / "html"
GOLDEN = HERE / "golden" / "html"
INDEX = [json.loads(line) for line in
         (PAGES / "index.jsonl").read_text(encoding="utf-8").splitlines()]
BY_ID = {row["record_id"]: row for row in INDEX}
IDS = sorted(BY_ID)


def _path(rid: str) -> Path:
    return PAGES / BY_ID[rid]["file"]


def _text(rid: str) -> str:
    return _path(rid).read_text(encoding="utf-8")


def _import(runner, folder, *args, input=None):
    return runner.invoke(cli, ["--records", str(folder), "import", *args], input=input)


def _one(text: str, name: str = "page.html"):
    """The record of one page, validated (raises CitetoolError like the CLI would report)."""
    [outcome] = run(text, name, "html")
    if outcome.error is not None:
        raise outcome.error
    return store.validate(outcome.raw, name)


# --- what the page itself says, read independently of the importer --------------------------

def _words(el) -> str:
    return " ".join(el.text_content().split())


def _facts(text: str) -> dict:
    """The Citation box, title, date, Author(s), Language and Type of a page, as a reader of the
    page sees them (the test's own reading, specific to the archive's current layout)."""
    doc = lxml.html.fromstring(text)
    box = doc.get_element_by_id("citation-text")
    url = _words(box.get_element_by_id("citation-url"))
    whole = _words(box)
    assert whole.endswith(url)

    def block(label):
        for h in doc.xpath("//main//*[self::h2 or self::h3]"):
            if _words(h).rstrip(":") == label:
                return h.getnext()
        return None

    authors = block("Author(s)")
    languages = block("Language")
    kind = block("Type")
    return {
        "citation": whole[: -len(url)].strip(), "url": url,
        "title": _words(doc.xpath("//main//h1")[0]),
        "date": _words(doc.xpath("//main//h2[contains(@class, 'date')]")[0]),
        "authors": [_words(li) for li in authors.iter("li")] if authors is not None else [],
        "languages": [_words(li) for li in languages.iter("li")] if languages is not None
        else [],
        "type": [x.strip() for x in kind.text_content().splitlines() if x.strip()]
        if kind is not None else [],
        "record_id": _words(block("Record ID")),
        "header_people": [_words(a) for a in doc.xpath("//header//a[contains(@href, "
                                                       "'/people/')]")],
    }


# --- every example page --------------------------------------------------------------------

@pytest.mark.parametrize("rid", IDS)
def test_page_imports_into_its_golden_record(runner, tmp_path, rid):
    result = _import(runner, tmp_path, str(_path(rid)))
    assert result.exit_code == 0, result.stderr
    assert f"imported {rid} ->" in result.stderr
    written = (tmp_path / f"{rid}.yaml").read_text(encoding="utf-8")
    golden = GOLDEN / f"{rid}.yaml"
    if os.environ.get("CITETOOL_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("rid", IDS)
def test_archive_style_reproduces_the_citation_box(rid):
    facts = _facts(_text(rid))
    record = _one(_text(rid), _path(rid).name)
    text, url = get("archive").render([record]).split("\n")
    assert text == facts["citation"]
    assert url == facts["url"] == record.url
    assert record.id == facts["record_id"] == rid  # from the page, not the file name


@pytest.mark.parametrize("rid", IDS)
def test_title_date_authors_languages_and_type_come_from_the_page(rid):
    facts = _facts(_text(rid))
    record = _one(_text(rid))
    assert record.title == facts["title"]
    assert record.date.plain_text() == facts["date"]
    assert len(record.authors) == len(facts["authors"])
    for agent, heading in zip(record.authors, facts["authors"], strict=True):
        if agent.org:
            assert agent.org == heading
        else:  # 'Family, Given' inverted, whatever the order the name is shown in
            assert heading.startswith(agent.family + ",") or heading == agent.family
    assert record.original_languages == facts["languages"]
    if facts["type"]:
        assert record.notes["type"] == "; ".join(facts["type"])
    else:
        assert "type" not in record.notes and record.type == document_type(record.title)
    # the header's menus of featured people are not the document's
    names = {a.reading() for a in record.authors}
    for person in facts["header_people"]:
        if person not in facts["authors"]:
            assert not any(part in names for part in person.split(","))


def test_the_records_hold_what_the_catalog_says():
    yudin = _one(_text("114755"))
    assert yudin.type == "letter" and yudin.date.parts() == [1959, 5, 7]
    assert [a.model_dump(exclude_defaults=True) for a in yudin.authors] == [
        {"family": "Yudin", "given": "Pavel F."}]
    assert yudin.language == "en" and yudin.translated
    assert yudin.source.repository == "Chinese Foreign Ministry Archives (PRC FMA)"
    assert (yudin.source.call_number, yudin.source.pages) == ("PRC FMA 109-01354-04", "59")
    assert yudin.obtained_by[0].reading() == "Dai Chaowu"
    assert yudin.funders == ["Leon Levy Foundation"]
    assert "Sino-Soviet Relations" in yudin.subjects  # a topic
    assert "China--Foreign relations--India" in yudin.subjects  # a subject discussed
    assert yudin.notes["places"] == "China; India; Soviet Union; Tibet"
    assert yudin.text.startswith("[...]\n\nA Letter from Ambassador [Pavel] Yudin")
    assert "__CF$cv$params" not in yudin.text  # the script inside the text is left out

    ministry = _one(_text("114722"))
    assert ministry.authors[0].org == "China. Foreign Ministry"
    assert ministry.type == "document" and ministry.notes["type"] == "Message"

    politburo = _one(_text("134721"))  # two Types; the first the model knows wins
    assert politburo.type == "note" and politburo.notes["type"] == "Book Excerpt; Meeting Notes"
    assert len(politburo.authors) == 9 and not politburo.funders
    lukyanov = politburo.authors[5]
    assert (lukyanov.family, lukyanov.given) == ("Lukyanov", "A. I.")
    assert "Lukyanov, A. I. (Anatolii Ivanovich)" in politburo.notes["authors"]

    hua = _one(_text("208278"))
    assert hua.authors[0].family_first and hua.authors[0].reading() == "Hua Guofeng"
    assert hua.language == "it" and not hua.translated and hua.text is None  # a scan only

    paris = _one(_text("300401"))
    assert paris.authors[1].org == "United States. Embassy (France)"
    assert paris.notes["original classification"] == "Secret"
    assert [a.reading() for a in paris.contributed_by] == ["Bill Burr", "Leopoldo Nuti"]

    nyers = _one(_text("121884"))
    assert nyers.notes["contents"] == "Original; Transcript; Translation (English)"
    assert nyers.notes["associated"] == "Bush, George H.W.; John Paul II, Pope"
    assert nyers.obtained_by[0].reading() == "Béla Révész"  # after a quoted archive title
    assert nyers.source.call_number.endswith("28. ő. e.\u201d")

    yugoslav = _one(_text("117108"))
    assert yugoslav.short_title == "Recent Yugoslav Foreign Policy"  # not "On"
    assert yugoslav.type == "document" and "type" not in yugoslav.notes


# --- names of the Author(s) block ------------------------------------------------------------

@pytest.mark.parametrize(("heading", "expected"), [
    ("Mikoyan, Anastas Ivanovich", {"family": "Mikoyan", "given": "Anastas Ivanovich"}),
    ("Kim, Il Sung", {"family": "Kim", "given": "Il Sung", "family_first": True}),
    ("Mao, Zedong, 1893-1976", {"family": "Mao", "given": "Zedong", "family_first": True}),
    ("China. Foreign Ministry", {"org": "China. Foreign Ministry"}),
    ("Romania. Embassy (Korea : North)", {"org": "Romania. Embassy (Korea : North)"}),
    ("Korea (North). Chosŏn Nodongdang. Chungang Wiwŏnhoe",
     {"org": "Korea (North). Chosŏn Nodongdang. Chungang Wiwŏnhoe"}),
    ("Communist Party of the Soviet Union. Central Committee",
     {"org": "Communist Party of the Soviet Union. Central Committee"}),
    ("Gaulle, Charles de, 1890-1970", {"family": "Gaulle", "given": "Charles",
                                       "particle": "de"}),
    ("King, Martin Luther, Jr., 1929-1968", {"family": "King", "given": "Martin Luther",
                                             "suffix": "Jr."}),
    ("Wyderkowski", {"family": "Wyderkowski"}),
    ("Zimyanin, M.V.", {"family": "Zimyanin", "given": "M.V."}),
    ("John Paul II, Pope", {"family": "John Paul II"}),
    ("House, Edward Mandell", {"family": "House", "given": "Edward Mandell"}),
])
def test_catalog_headings_become_persons_or_organizations(heading, expected):
    agent, _ = html_in._author(heading)
    assert agent == expected


def test_a_name_the_model_refuses_is_reported_not_raised():
    page = _variant("114755", _pills("Author(s)", ["..., Pavel", "Yudin, Pavel F."]))
    page = page.replace("Ambassador Yudin's Letter", "Ambassador ... Yudin's Letter")
    with pytest.raises(CitetoolError, match="authors"):
        _one(page)


# --- pages unlike the examples ---------------------------------------------------------------

def _variant(rid: str, edit) -> str:
    """A fixture page changed by edit(tree), serialized again."""
    doc = lxml.html.fromstring(_text(rid))
    edit(doc)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


def _block(doc, label):
    for h in doc.xpath("//main//*[self::h2 or self::h3]"):
        if _words(h).rstrip(":") == label:
            return h
    raise AssertionError(label)


def _drop(label):
    def edit(doc):
        heading = _block(doc, label)
        box = heading.getparent()
        box.getparent().remove(box)
    return edit


def _pills(label, names):
    def edit(doc):
        ul = _block(doc, label).getnext()
        for li in list(ul):
            ul.remove(li)
        for name in names:
            ul.append(lxml.html.fromstring(
                f'<li class="pill-item"><a class="pill" href="/x"><span class="name">'
                f"<span>{name}</span></span></a></li>"))
    return edit


def _citation_date(old, new):
    def edit(doc):
        box = doc.get_element_by_id("citation-text")
        box.text = box.text.replace(old, new)
        doc.xpath("//main//h2[contains(@class, 'date')]")[0].text = new
    return edit


def test_no_type_no_authors_no_summary_no_donors():
    def edit(doc):
        for label in ("Type", "Author(s)", "Donors"):
            _drop(label)(doc)
        for block in doc.find_class("text-block"):
            block.drop_tree()
    record = _one(_variant("300401", edit))
    assert record.authors == [] and record.summary is None
    assert "type" not in record.notes and record.type == document_type(record.title)
    # the line under the title names the donor still
    assert record.funders == ["Carnegie Corporation of New York (CCNY)"]
    assert get("archive").render([record]).split("\n")[0] == _facts(_text("300401"))["citation"]


def test_several_languages_several_and_corporate_authors():
    page = _variant("114755", lambda doc: (
        _pills("Language", ["Russian", "Chinese"])(doc),
        _pills("Author(s)", ["Mikoyan, Anastas Ivanovich", "Kim, Il Sung",
                             "Romania. Embassy (Korea : North)"])(doc)))
    record = _one(page)
    assert record.original_languages == ["Russian", "Chinese"]
    assert [a.reading() for a in record.authors] == [
        "Anastas Ivanovich Mikoyan", "Kim Il Sung", "Romania. Embassy (Korea : North)"]


@pytest.mark.parametrize(("shown", "parts"), [("May 1959", [1959, 5]), ("1959", [1959]),
                                              ("c. 1959", [1959])])
def test_partial_dates(shown, parts):
    record = _one(_variant("114755", _citation_date("May 7, 1959", shown)))
    assert record.date.parts() == parts
    assert get("archive").render([record]).split(", ")[1] == shown


def test_an_unreadable_date_is_named():
    with pytest.raises(CitetoolError, match="cannot read the date 'May 7-9, 1959'"):
        _one(_variant("114755", _citation_date("May 7, 1959", "May 7-9, 1959")))


def test_entities_nested_markup_and_the_older_citation_layout():
    def edit(doc):
        h1 = doc.xpath("//main//h1")[0]
        for child in list(h1):
            h1.remove(child)
        h1.text = None
        h1.append(lxml.html.fromstring("<span>Ambassador  Yudin's <em>Letter</em> &amp; "
                                       "Note<br>\n to <b>Zhou</b> Enlai</span>"))
        box = doc.get_element_by_id("citation-text")
        box.text = box.text.replace(
            "\"Ambassador Yudin's Letter to Zhou Enlai\", May 7, 1959",
            "\u201cAmbassador Yudin's Letter & Note to Zhou Enlai,\u201d May 07, 1959")
    record = _one(_variant("114755", edit))
    assert record.title == "Ambassador Yudin's Letter & Note to Zhou Enlai"
    assert record.citation_layout == "legacy"
    assert get("archive").render([record]).startswith(
        "\u201cAmbassador Yudin's Letter & Note to Zhou Enlai,\u201d May 07, 1959, Wilson")


def test_the_citation_box_without_its_usual_ids():
    def edit(doc):
        box = doc.get_element_by_id("citation-text")
        box.set("id", "box-7f3a")  # found through the copy button that copies it
        for button in doc.xpath("//*[@data-clipboard-target]"):
            button.set("data-clipboard-target", "#box-7f3a")
        anchor = box.get_element_by_id("citation-url")
        del anchor.attrib["id"]  # the link whose text is a URL
    record = _one(_variant("300401", edit))
    facts = _facts(_text("300401"))
    assert get("archive").render([record]) == f"{facts['citation']}\n{facts['url']}"


def test_headings_inside_the_document_text_are_not_the_catalog():
    def edit(doc):
        pane = doc.get_element_by_id("translation-English")
        pane.insert(0, lxml.html.fromstring("<div><h2>Author(s):</h2><ul><li>Stalin, Joseph"
                                            "</li></ul><h3>Summary</h3><p>Not it.</p></div>"))
    record = _one(_variant("114755", edit))
    assert [a.family for a in record.authors] == ["Yudin"]
    assert record.summary.startswith("The Soviet Ambassador")
    assert record.text.startswith("Author(s):")  # it is the document's text


def test_a_saved_browser_check_page_says_to_save_the_real_page():
    with pytest.raises(CitetoolError, match="open the page in a browser, save it"):
        _one(CHALLENGE)


def test_a_search_page_is_not_a_document():
    with pytest.raises(CitetoolError, match="not an archive document page"):
        _one(SEARCH)


@pytest.mark.parametrize(("marker", "reason"), [
    ('<div class="modal fade" id="citation"', "no Citation box"),
    ("/document/114755</a>", "does not name Record ID 114755"),
    ('<section class="document-information">', "no Citation box"),
])
def test_a_page_cut_short_is_refused(marker, reason):
    text = _text("114755")
    cut = text.index(marker) + (len(marker) - 10 if marker.startswith("/doc") else 0)
    with pytest.raises(CitetoolError, match=reason):
        _one(text[:cut])


def _padded(text: str, size: int = 700 * 1024) -> str:
    """A complete save's size: inlined icon-font CSS in the head, a script after the body."""
    css = "".join(f'.fa-i{n}:before{{content:"\\f{n % 4096:03x}"}}\n' for n in range(size // 30))
    head, _, body = text.partition("</head>")
    return head + f"<style>{css}</style></head>" + body + "<script>var x = 1;</script>"


def test_a_complete_save_with_its_files_folder(runner, tmp_path):
    name = BY_ID["114755"]["file"]
    saved = tmp_path / "saved"
    files = saved / (name.removesuffix(".html") + "_files")
    files.mkdir(parents=True)
    (files / "styles.css").write_text("body{color:red}", encoding="utf-8")
    (files / "analytics.js").write_text("var a;", encoding="utf-8")
    text = _padded(_text("114755")).replace(
        "<head>", f'<head><link rel="stylesheet" href="./{files.name}/styles.css">', 1)
    (saved / name).write_text(text, encoding="utf-8")
    assert (saved / name).stat().st_size > 650 * 1024
    records = tmp_path / "records"
    records.mkdir()
    result = _import(runner, records, str(saved / name))
    assert result.exit_code == 0, result.stderr
    assert (records / "114755.yaml").read_text(encoding="utf-8") == (
        GOLDEN / "114755.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "html"), [
    ("<!DOCTYPE html><html><body></body></html>", True),
    ("\ufeff\n<!-- saved from url=(0052)https://x.org/ -->\n<html lang=en>", True),
    ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', True),
    ('[{"id": "a", "note": "<html> in a CSL abstract"}]', False),
    ("@misc{k, note = {<!DOCTYPE html>}}", False),
    ("Citation:\n\n<html>", False),
])
def test_looks_like_html(text, html):
    assert html_in.looks_like(text) is html


def test_suffix_content_and_from_pick_the_html_importer(runner, tmp_path):
    assert detect("", "page.HTM") == "html" and detect("", "x.html") == "html"
    assert detect(_text("114755"), "saved-page") == "html"  # CSS '@media (' is no BibTeX
    plain = tmp_path / "saved-page"
    plain.write_text(_text("114755"), encoding="utf-8")
    for n, args in enumerate(([str(plain)], ["--from", "html", str(plain)], ["-"])):
        out = tmp_path / f"r{n}"
        out.mkdir()
        result = _import(runner, out, *args, input=_text("114755"))
        assert result.exit_code == 0, result.stderr
        assert (out / "114755.yaml").exists()


def test_readme_and_help_name_every_import_format_and_urls(runner):
    readme = (HERE.parent / "README.md").read_text(encoding="utf-8")
    entry = next(x for x in readme.splitlines() if x.startswith("- `citetool import"))
    assert f"FILE|URL... [--from {'|'.join(IMPORTERS)}]" in entry
    helped = " ".join(runner.invoke(cli, ["import", "--help"]).output.split())
    assert f"[{'|'.join(IMPORTERS)}]" in helped and "URLs" in helped


def test_a_saved_page_in_the_character_set_it_declares(runner, tmp_path):
    text = _text("114755").replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    page = tmp_path / "saved.html"
    page.write_bytes(text.encode("cp1252"))
    out = tmp_path / "records"
    out.mkdir()
    result = _import(runner, out, str(page))
    assert result.exit_code == 0, result.stderr
    assert (out / "114755.yaml").read_text(encoding="utf-8") == (
        GOLDEN / "114755.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("charset", "reason"), [("no-such-set", "unknown character set"),
                                                 ("shift_jis", "not valid shift_jis (byte ")])
def test_a_page_that_declares_a_set_it_is_not_in(runner, tmp_path, charset, reason):
    page = tmp_path / "saved.html"
    page.write_bytes(_path("114755").read_bytes().replace(
        b'<meta charset="utf-8">', f'<meta charset="{charset}">'.encode()))
    result = _import(runner, tmp_path, str(page))
    assert result.exit_code == 1 and reason in result.stderr


def test_bytes_that_are_not_utf8_are_refused_and_a_real_replacement_character_is_kept(
        runner, tmp_path):
    data = _path("114755").read_bytes()
    bad = tmp_path / "bad.html"
    bad.write_bytes(data.replace(b"Letter to Zhou", b"Letter \xe0 Zhou"))
    result = _import(runner, tmp_path, str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"citetool: {bad}: not valid UTF-8 (byte ")
    odd = tmp_path / "odd.html"
    odd.write_bytes(data.replace(b"Letter to Zhou", "Letter \ufffd Zhou".encode()))
    result = _import(runner, tmp_path, str(odd))
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "not an HTML page"),
    (b"   \n", "not an HTML page"),
    (b"<html>\x00</html>", "binary data, not text"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not an archive document page"),
    (b"just words, saved with the wrong name", "not an archive document page"),
])
def test_a_file_named_html_that_is_no_page(runner, tmp_path, data, reason):
    page = tmp_path / "page.html"
    page.write_bytes(data)
    out = tmp_path / "records"
    out.mkdir()
    result = _import(runner, out, str(page))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"citetool: {page}: ") and reason in result.stderr
    assert result.stderr.count("\n") == 1 and list(out.iterdir()) == []


# --- hostile input -------------------------------------------------------------------------

FRAGMENTS = ["</div>", "<div>", "</main>", "<main>", "<h3>Record ID</h3>", "<h2>Author(s):</h2>",
             "<li>", "</ul>", '"', "\u201c", ", ", "&amp;", "&#0;", "&#xD800;", "&#1114112;",
             "<script>", "</script>", "<!--", "-->", "<![CDATA[", "\x01", "\ufdd0", "\ufdd1",
             '<a id="citation-url">', '<div id="citation-text">', "<br>", "<style>", "\u2028",
             "https://x.org/document/1", "May 7, 1959, ", "<h1>", "</h1>"]
SOURCES = [_text(rid) for rid in ("114755", "300401")]


BYTES = [b"\xff", b"\xc3", b"\xe2\x80", b"\xef\xbb\xbf", b"\x00",
         b'<meta charset="windows-1252">', b'<meta charset="no-such-set">']


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # a page's repr
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SOURCES), st.lists(st.tuples(
    st.sampled_from(["cut", "drop", "insert"]), st.floats(0, 1), st.floats(0, 1),
    st.one_of(st.sampled_from(FRAGMENTS).map(str.encode), st.sampled_from(BYTES))),
    min_size=1, max_size=6))
def test_mutated_or_truncated_pages_give_a_record_or_a_clean_error(source, edits):
    data = source.encode("utf-8")
    for op, a, b, fragment in edits:
        i, j = sorted((int(a * len(data)), int(b * len(data))))
        data = {"cut": data[:j], "drop": data[:i] + data[j:],
                "insert": data[:i] + fragment + data[i:]}[op]
    try:  # the bytes, as a saved file is read
        for outcome in load(data, "page.html"):
            if outcome.raw is not None:
                store.validate(outcome.raw, "page.html")
    except CitetoolError:
        pass
    try:  # the text, as a fetched page is read
        _one(data.decode("utf-8"))
    except (CitetoolError, UnicodeDecodeError):
        pass


# --- fetching from a local server ----------------------------------------------------------

SEARCH = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Search | Wilson Center Digital Archive</title></head><body>
<header><nav><h3>Featured People</h3><ul><li><a href="/people/mao-zedong">Mao, Zedong</a></li>
</ul></nav></header><main><h1>Search</h1><div class="results"><div class="card">
<h3><a href="/document/114755">Ambassador Yudin's Letter to Zhou Enlai</a></h3>
<p>May 7, 1959</p></div></div></main></body></html>"""
CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper" role="main">
<noscript><div>Enable JavaScript and cookies to continue</div></noscript></div>
<script>(function(){window._cf_chl_opt={cvId: '3'};}());</script></body></html>"""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output quiet
        pass

    def _send(self, status, body=b"", kind="text/html; charset=utf-8", headers=(),
              length=True):
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for key, value in headers:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - the standard library's name
        self.server.seen.append((self.path, self.headers.get("User-Agent")))
        path = urlsplit(self.path).path
        try:
            self.server.routes.get(path, lambda h: h._send(404, b"<h1>Not Found</h1>"))(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should


def _stall(h):
    time.sleep(6)
    h._send(200, SEARCH.encode())


def _drip(h):
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    for _ in range(120):
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(0.05)


ROUTES = {
    "/search": lambda h: h._send(200, SEARCH.encode()),
    "/challenge": lambda h: h._send(403, CHALLENGE.encode(), headers=[
        ("Server", "cloudflare"), ("cf-mitigated", "challenge")]),
    "/challenge-plain": lambda h: h._send(503, CHALLENGE.encode()),
    "/missing": lambda h: h._send(404, b"<html><title>Page not found</title></html>"),
    "/broken": lambda h: h._send(500, b"oops", kind="text/plain"),
    "/scan.pdf": lambda h: h._send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", kind="application/pdf"),
    "/big": lambda h: h._send(200, b" " * 300_000),
    "/big-unannounced": lambda h: h._send(200, b" " * 300_000, length=False),
    "/loop": lambda h: h._send(302, headers=[("Location", "/loop")]),
    "/hop": lambda h: h._send(301, headers=[("Location", "/document/114755")]),
    "/stall": _stall,
    "/drip": _drip,
}


@pytest.fixture(scope="module")
def server():
    routes = dict(ROUTES)
    for row in INDEX:
        body = (PAGES / row["file"]).read_bytes()
        slug = urlsplit(row["page"]).path
        for path in (f"/document/{row['record_id']}", slug):
            routes[path] = lambda h, body=body: h._send(200, body)
    latin = _text("114755").encode("cp1252")
    routes["/latin"] = lambda h: h._send(200, latin, kind="text/html; charset=windows-1252")
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.routes, srv.seen = routes, []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def quick(monkeypatch):
    """Short limits, so that timeouts and size limits show at once."""
    monkeypatch.setattr(fetch, "READ_TIMEOUT", 0.5)
    monkeypatch.setattr(fetch, "CONNECT_TIMEOUT", 0.5)
    monkeypatch.setattr(fetch, "TOTAL_TIMEOUT", 1.0)
    monkeypatch.setattr(fetch, "MAX_BYTES", 200_000)


@pytest.mark.parametrize("rid", IDS)
def test_a_page_by_url_gives_the_same_record_as_the_saved_file(runner, tmp_path, server, rid):
    _, base = server
    slug = urlsplit(BY_ID[rid]["page"]).path
    for path in (f"/document/{rid}", slug):
        out = tmp_path / path.replace("/", "_")
        out.mkdir()
        result = _import(runner, out, base + path)
        assert result.exit_code == 0, result.stderr
        assert (out / f"{rid}.yaml").read_text(encoding="utf-8") == (
            GOLDEN / f"{rid}.yaml").read_text(encoding="utf-8")


def test_user_agent_redirects_and_charset(runner, tmp_path, server):
    srv, base = server
    assert fetch.fetch(base + "/hop") == _path("114755").read_bytes()
    for path in ("/hop", "/document/114755"):  # the redirect is followed, with the same agent
        assert (path, fetch.USER_AGENT) in srv.seen
    assert fetch.USER_AGENT.startswith(f"citetool/{__version__} ")
    # a page sent in another character set reads the same
    assert _one(fetch.fetch(base + "/latin").decode("utf-8")) == _one(_text("114755"))


def test_many_urls_and_files_in_one_call(runner, tmp_path, server):
    _, base = server
    result = _import(runner, tmp_path, base + "/document/114755", str(_path("300401")),
                     base + "/missing", base + "/document/117108")
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.glob("*.yaml")) == [
        "114755.yaml", "117108.yaml", "300401.yaml"]
    assert f"citetool: {base}/missing: HTTP 404 Not Found" in result.stderr
    assert "1 failed, 3 written" in result.stderr


@pytest.mark.parametrize(("path", "reason"), [
    ("/missing", "HTTP 404 Not Found"),
    ("/broken", "HTTP 500 Internal Server Error"),
    ("/challenge", "the site answered with a browser check (HTTP 403) instead of the page: "
     "open the page in a browser, save it"),
    ("/challenge-plain", "browser check (HTTP 503)"),
    ("/search", "not an archive document page"),
    ("/scan.pdf", "not an HTML page (content type application/pdf)"),
    ("/big", "larger than"),
    ("/big-unannounced", "larger than"),
    ("/loop", "too many redirects (more than 5)"),
    ("/stall", "timed out waiting for data"),
    ("/drip", "timed out (the download took over 1 s)"),
])
def test_each_failure_is_one_line_exit_1_and_nothing_written(runner, tmp_path, server, quick,
                                                            path, reason):
    _, base = server
    started = time.monotonic()
    result = _import(runner, tmp_path, base + path)
    assert time.monotonic() - started < 5  # the stalling servers (6 s) are not waited for
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"citetool: {base}{path}: ")
    assert reason in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_dead_host_is_one_line(runner, tmp_path):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/document/114755"
    result = _import(runner, tmp_path, url)
    assert result.exit_code == 1
    assert result.stderr == f"citetool: {url}: cannot connect (connection refused)\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["http://", "https://[::1/x", "http:// spaces in/x"])
def test_a_malformed_url_is_one_line(runner, tmp_path, url):
    result = _import(runner, tmp_path, url)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"citetool: {url}: ") and result.stderr.count("\n") == 1


def test_no_network_for_files(monkeypatch, runner, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was used")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    result = _import(runner, tmp_path, str(_path("114755")))
    assert result.exit_code == 0, result.stderr


def test_many_files_are_parsed_on_every_core_in_the_order_given(tmp_path):
    args = []
    for i in range(20):
        copy = tmp_path / f"page{i:02d}.html"
        shutil.copy(_path(IDS[i % len(IDS)]), copy)
        args.append(str(copy))
    args[3] = str(tmp_path / "missing.html")
    (tmp_path / "bad.html").write_text("<html><body>no page</body></html>", encoding="utf-8")
    args[7] = str(tmp_path / "bad.html")
    one = [(label, [(o.raw, o.error and str(o.error)) for o in outcomes])
           for label, outcomes in load_many(args, workers=1)]
    two = [(label, [(o.raw, o.error and str(o.error)) for o in outcomes])
           for label, outcomes in load_many(args, workers=2)]
    assert one == two and [label for label, _ in two] == args
    assert "No such file or directory" in two[3][1][0][1]
    assert "not an archive document page" in two[7][1][0][1]
    assert two[0][1][0][0]["id"] == IDS[0] and two[19][1][0][0]["id"] == IDS[19 % len(IDS)]


# --- a big batch at a terminal ---------------------------------------------------------------

def test_a_big_batch_shows_a_progress_bar_at_a_terminal(tmp_path):
    files = []
    page = _path("114755").read_bytes()
    for i in range(22):  # 22 documents: one id twice in a batch is imported once
        copy = tmp_path / f"page{i}.html"
        copy.write_bytes(page.replace(b"114755", str(900000 + i).encode()))
        files.append(str(copy))
    records = tmp_path / "records"
    records.mkdir()
    try:
        master, slave = pty.openpty()
    except OSError:  # pragma: no cover - a machine without pseudo-terminals
        pytest.skip("no pseudo-terminal on this machine")
    proc = subprocess.Popen([sys.executable, "-m", "citetool", "--records", str(records),
                             "import", "--force", *files], stderr=slave,
                            stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal is closed when the process ends
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=60) == 0
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "importing" in text and "100%" in text
    assert "imported 22 records into" in text and "imported 900000 ->" not in text
