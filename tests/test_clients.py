"""Real clients read the exports: pandoc (CSL-JSON and BibLaTeX), pdflatex with biber and
biblatex, pdflatex with bibtex and natbib. `.ci/run` installs them (Debian packages)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import STYLE, all_record_paths

from citetool import store
from citetool.cli import cli

TOOLS = ("pandoc", "pdflatex", "biber", "bibtex", "pdftotext")
MISSING = [t for t in TOOLS if shutil.which(t) is None]
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"client tests cannot run in CI: missing {', '.join(MISSING)}")


def needs(*tools: str):
    """Skip (outside CI) when a client is not installed."""
    absent = [t for t in tools if t in MISSING]
    return pytest.mark.skipif(bool(absent), reason=f"not installed: {', '.join(absent)}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every fixture and the seed, in one records folder."""
    folder = tmp_path_factory.mktemp("records")
    for path in all_record_paths():
        shutil.copy(path, folder / path.name)
    return folder


def _export(folder: Path, style: str, out: Path, *ids: str) -> None:
    from click.testing import CliRunner

    args = ["--records", str(folder), "export", *(ids or ["--all"]), "-s", style, "-o",
            str(out), "--force"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace",
                          timeout=300)


def _flat(text: str) -> str:
    """Text compared loosely: NFKC (ligatures), straight quotes, one space, no case."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"')
    return " ".join(text.split()).casefold()


def _squash(text: str) -> str:
    """Text as printed, compared without spaces and hyphens (TeX breaks lines at both)."""
    return re.sub(r"[\s\-\u2010]", "", _flat(text))


def _records(folder: Path) -> list:
    return [store.load_path(p) for p in sorted(folder.glob("*.yaml"))]


# --- pandoc --------------------------------------------------------------------------------

PAPER = "---\nnocite: '@*'\n---\n\nText.\n"


@needs("pandoc")
@pytest.mark.parametrize(("style", "name"), [("csl-json", "refs.json"), ("biblatex", "refs.bib")])
def test_pandoc_reads_the_export_without_warning(corpus, tmp_path, style, name):
    _export(corpus, style, tmp_path / name)
    (tmp_path / "paper.md").write_text(PAPER, encoding="utf-8")
    cmd = ["pandoc", "paper.md", "--citeproc", "--bibliography", name, "-t", "plain",
           "--wrap=none"]
    if STYLE is not None:
        cmd += ["--csl", str(STYLE)]
    done = _run(cmd, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # pandoc prints [WARNING] lines there
    body = done.stdout.split("Text.", 1)[1]
    entries = [p for p in body.split("\n\n") if p.strip()]
    records = _records(corpus)
    assert len(entries) == len(records)
    flat = _flat(body)
    for record in records:
        # CSL title-cases English titles; compare the words, not their case
        words = re.findall(r"\w+", record.title.casefold())
        assert all(w in flat for w in words), record.id


@needs("pandoc")
def test_pandoc_reads_back_title_date_and_translators(corpus, tmp_path):
    _export(corpus, "biblatex", tmp_path / "refs.bib")
    done = _run(["pandoc", "refs.bib", "-f", "biblatex", "-t", "csljson"], tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    items = {item["id"]: item for item in json.loads(done.stdout)}
    records = sorted(_records(corpus), key=lambda r: r.id)
    assert len(items) == len(records)
    for key, record in zip([r.id for r in records], records, strict=True):
        item = items[key]
        # pandoc turns biblatex's title case into CSL's sentence case (names in braces keep
        # their capitals) and appends the titleaddon (the recipient)
        title = re.sub(r"<[^>]+>", "", item["title"])
        assert _flat(title).startswith(_flat(record.title)), key
        for phrase in record.keep_case:
            assert phrase in title, (key, phrase)
        if record.date is not None:
            parts = item["issued"]["date-parts"]
            assert parts[0] == record.date.parts(), key
            if record.date.until is not None:
                assert parts[1] == record.date.until.parts(), key
        got = [t.get("family") or t.get("literal") for t in item.get("translator", [])]
        want = [t.org or t.family for t in record.translators]
        assert [_flat(g) for g in got] == [_flat(w) for w in want], key


# --- LaTeX ---------------------------------------------------------------------------------

def _latin(record) -> bool:
    """Whether pdflatex with T1 fonts can print every field (no CJK or Cyrillic)."""
    text = json.dumps(record.model_dump(mode="json", exclude={"text", "summary"}),
                      ensure_ascii=False)
    return all(ord(c) < 0x250 or c in "\u2013\u2014\u2018\u2019\u201c\u201d" for c in text)


def _latin_ids(folder: Path) -> list[str]:
    return [r.id for r in _records(folder) if _latin(r)]


BIBLATEX_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[american]{babel}
\usepackage{csquotes}
\usepackage[backend=biber,style=authoryear]{biblatex}
\usepackage{url}
\addbibresource{refs.bib}
\pagestyle{empty}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""

BIBTEX_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{natbib}
\usepackage{url}
\pagestyle{empty}
\begin{document}
\nocite{*}
\bibliographystyle{plainnat}
\bibliography{refs}
\end{document}
"""


def _pdf_text(folder: Path) -> str:
    done = _run(["pdftotext", "-enc", "UTF-8", "main.pdf", "-"], folder)
    assert done.returncode == 0, done.stderr
    return _squash(done.stdout)


def _latex(folder: Path) -> subprocess.CompletedProcess[str]:
    done = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"], folder)
    assert done.returncode == 0, done.stdout[-3000:]
    return done


def _facts(record) -> list[str]:
    facts = [record.title, record.archive]
    if record.source.call_number:
        facts.append(record.source.call_number)
    if record.source.pages:
        facts.append(record.source.pages.replace("-", "\u2013"))
    facts += [t.org or t.family for t in record.translators]
    return facts


@needs("pdflatex", "biber", "pdftotext")
def test_biblatex_document_prints_every_fact(corpus, tmp_path):
    ids = _latin_ids(corpus)
    assert len(ids) >= 25  # the Latin-script part of the corpus, the seed included
    _export(corpus, "biblatex", tmp_path / "refs.bib", *ids)
    (tmp_path / "main.tex").write_text(BIBLATEX_DOC, encoding="utf-8")
    _latex(tmp_path)
    biber = _run(["biber", "main"], tmp_path)
    assert biber.returncode == 0, biber.stdout
    assert "WARN" not in biber.stdout and "ERROR" not in biber.stdout, biber.stdout
    _latex(tmp_path)
    text = _pdf_text(tmp_path)
    for record in (store.load(corpus, i) for i in ids):
        for fact in _facts(record):
            assert _squash(fact) in text, (record.id, fact)


@needs("pdflatex", "bibtex", "pdftotext")
def test_classic_bibtex_with_natbib_prints_every_fact(corpus, tmp_path):
    ids = _latin_ids(corpus)
    _export(corpus, "bibtex", tmp_path / "refs.bib", *ids)
    (tmp_path / "main.tex").write_text(BIBTEX_DOC, encoding="utf-8")
    _latex(tmp_path)
    bib = _run(["bibtex", "main"], tmp_path)
    assert bib.returncode == 0, bib.stdout
    assert "Warning--" not in bib.stdout, bib.stdout
    _latex(tmp_path)
    _latex(tmp_path)
    text = _pdf_text(tmp_path)
    for record in (store.load(corpus, i) for i in ids):
        for fact in _facts(record):
            assert _squash(fact) in text, (record.id, fact)


@needs("pandoc")
@pytest.mark.parametrize("key", ["id", "author-year"])
def test_one_key_works_with_every_export(corpus, tmp_path, key):
    # the same citation resolves whichever export pandoc is given (CSL-JSON or BibLaTeX)
    from click.testing import CliRunner

    cites = {}
    for style, name, reader in (("csl-json", "refs.json", "csljson"),
                                ("biblatex", "refs.bib", "biblatex")):
        result = CliRunner().invoke(cli, ["--records", str(corpus), "export", "--all", "-s",
                                          style, "--key", key, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        done = _run(["pandoc", name, "-f", reader, "-t", "csljson"], tmp_path)
        assert done.returncode == 0, done.stderr
        cites[style] = sorted(item["id"] for item in json.loads(done.stdout))
    assert cites["csl-json"] == cites["biblatex"]
    assert ("115325" in cites["biblatex"]) == (key == "id")
    (tmp_path / "paper.md").write_text(f"Leniency [@{cites['biblatex'][0]}].\n")
    for name in ("refs.json", "refs.bib"):
        done = _run(["pandoc", "paper.md", "--citeproc", "--bibliography", name, "-t", "plain"],
                    tmp_path)
        assert done.returncode == 0 and "not found" not in done.stderr, done.stderr
