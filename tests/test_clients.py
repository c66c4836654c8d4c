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
    """Text compared loosely: NFKC (ligatures), quotes straight and of one kind (readers
    choose single or double by nesting), one space, no case."""
    text = unicodedata.normalize("NFKC", text)
    for mark in ('"', "\u2018", "\u2019", "\u201c", "\u201d"):
        text = text.replace(mark, "'")
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
        # a name written family name first is one braced word, as pandoc reads it
        want = [t.org or (t.reading() if t.family_first else t.family)
                for t in record.translators]
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


# --- entries read as sentences (issue 15): real runs of biber and bibtex ----------------------

# Cases of the classes the exports must print right, beyond the corpus: a proper noun that no
# list of the record names ("Pak"), quotes in titles, recipients named in the title or not, a
# lowercase call number, pages alone, names written family name first (sorted among others)
SENTENCES = {
    "s1": {
        "title": "Record of Conversation with Foreign Minister Pak Seong-cheol on "
                 "'German-Chinese Relations'",
        "short_title": "Conversation with Pak", "date": "1962-04-02",
        "authors": [{"family": "Kim", "given": "Il Sung", "family_first": True}],
        "recipients": [{"org": "Embassy of the German Democratic Republic"}],
        "translators": [{"family": "Shen", "given": "Zhihua", "family_first": True}],
        "source": {"call_number": "f. 5, op. 30, d. 335", "pages": "4-6"},
    },
    "s2": {
        "title": 'Letter from Zhou Enlai to Comrade Ulbricht on the "Hallstein Doctrine"',
        "short_title": "Letter to Ulbricht", "date": "1958~",
        "authors": [{"family": "Zhou", "given": "Enlai", "family_first": True}],
        "recipients": [{"family": "Ulbricht", "given": "Walter"}],
        "source": {"pages": "12"},
    },
    "s3": {
        "title": "Memorandum on the 'Spirit of Camp David' and the Summit",
        "short_title": "Memorandum on Camp David", "date": "1959-10/1959-11",
        "authors": [{"family": "Yates", "given": "Anna"}],
        "recipients": [{"family": "Adenauer", "given": "Konrad"}],
        "obtained_by": [{"family": "Ri", "given": "Song Chol", "family_first": True}],
        "source": {"call_number": "BArch NY 4090/472"},
    },
}
ZOTERO = Path(__file__).parent / "fixtures" / "zotero"


@pytest.fixture(scope="module")
def sentences(tmp_path_factory):
    """The cases above and the reference-manager exports, imported, in one records folder."""
    import yaml

    from citetool import api

    folder = tmp_path_factory.mktemp("sentences")
    for key, data in SENTENCES.items():
        record = {"id": key, "archive": "Wilson Center Digital Archive", **data}
        (folder / f"{key}.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")
    records = api.open(folder, cache=False)
    done = list(records.import_files(sorted(ZOTERO.glob("*.bib")) + sorted(ZOTERO.glob("*.json"))))
    assert [d.error for d in done if d.error] == []
    return folder


def _printed(folder: Path) -> str:
    """The PDF's text as printed: case and quotes kept, one space between words."""
    done = _run(["pdftotext", "-enc", "UTF-8", "main.pdf", "-"], folder)
    assert done.returncode == 0, done.stderr
    return " ".join(unicodedata.normalize("NFKC", done.stdout).split())


def _tight(text: str) -> str:
    """Printed text without spaces and hyphens (TeX breaks lines at both), case kept."""
    return re.sub(r"[\s\-\u2010]", "", text)


def _bibliography(folder: Path, tmp_path: Path, engine: str) -> str:
    """The records' bibliography as printed: biblatex with biber, or a classic BibTeX style;
    without URLs, which TeX breaks anywhere (at full stops too)."""
    bib = tmp_path / "refs.bib"
    _export(folder, "biblatex" if engine == "biber" else "bibtex", bib)
    bib.write_text("".join(line for line in bib.read_text(encoding="utf-8").splitlines(True)
                           if not line.lstrip().startswith("url ")), encoding="utf-8")
    if engine == "biber":
        (tmp_path / "main.tex").write_text(BIBLATEX_DOC, encoding="utf-8")
        _latex(tmp_path)
        done = _run(["biber", "main"], tmp_path)
        assert done.returncode == 0 and "WARN" not in done.stdout, done.stdout
    else:
        doc = BIBTEX_DOC.replace("{plainnat}", "{" + engine + "}")
        (tmp_path / "main.tex").write_text(doc, encoding="utf-8")
        _latex(tmp_path)
        done = _run(["bibtex", "main"], tmp_path)
        assert done.returncode == 0 and "Warning--" not in done.stdout, done.stdout
        _latex(tmp_path)
    _latex(tmp_path)
    return _printed(tmp_path)


# abbreviations the styles and the records print before a lowercase word ("Trans. by",
# "pp. iv"); biblatex prints "URL" as a small-caps acronym, which pdftotext reads as "url"
_ABBREVIATIONS = {"Trans", "trans", "pp", "p", "al", "op", "d", "f", "No"}

ENGINES = [pytest.param("biber", marks=needs("pdflatex", "biber", "pdftotext")),
           pytest.param("plain", marks=needs("pdflatex", "bibtex", "pdftotext")),
           pytest.param("plainnat", marks=needs("pdflatex", "bibtex", "pdftotext"))]


@pytest.mark.parametrize("engine", ENGINES)
def test_entries_print_as_sentences(sentences, tmp_path, engine):
    text = _bibliography(sentences, tmp_path, engine)
    tight = _tight(text)
    # straight quotes print as opening and closing marks of their kind
    assert "\u2018GermanChineseRelations\u2019" in tight
    assert "\u201cHallsteinDoctrine\u201d" in tight
    assert "\u2018SpiritofCampDavid\u2019" in tight
    assert '"' not in text and "\u2019German" not in tight and "\u201dHallstein" not in tight
    # proper nouns keep their capitals, also where classic BibTeX lowercases titles
    assert "ForeignMinisterPakSeongcheol" in tight and "ComradeUlbricht" in tight
    assert "CampDavid" in tight
    # names written family name first print so, first author or not, without a comma
    for name in ("KimIlSung", "ZhouEnlai", "ShenZhihua", "RiSongChol"):
        assert name in tight, name
    for wrong in ("IlSungKim", "Kim,IlSung", "EnlaiZhou", "Zhou,Enlai", "ZhihuaShen",
                  "SongCholRi"):
        assert wrong not in tight, wrong
    # ... and sort by the family name: Kim, Yates, Zhou
    assert tight.index("KimIlSung") < tight.index("Yates") < tight.index("ZhouEnlai")
    # nothing lowercase after a full stop, but after an abbreviation or in a call number
    calls = [r.source.call_number for r in _records(sentences) if r.source.call_number]
    scan = text
    for call in calls:
        scan = scan.replace(call, "")
    lower = [m.group(0) for m in re.finditer(r"(\w+)\.\s+([a-z][\w:]*)", scan)
             if m.group(1) not in _ABBREVIATIONS and m.group(2) != "url:"]
    assert lower == []
    assert "F.5,op.30,d.335" in tight and "P.12" in tight


@pytest.mark.parametrize("engine", ENGINES)
def test_each_fact_prints_once(sentences, tmp_path, engine):
    text = _tight(_bibliography(sentences, tmp_path, engine))
    # a recipient the title names is not repeated; one it does not name is added once
    assert text.count("Ulbricht") == 1
    if engine == "biber":
        assert text.count("Adenauer") == 1 and "ToKonradAdenauer" in text
        assert "TotheEmbassyoftheGermanDemocraticRepublic" in text
    # the reference managers' manuscripts: each call number, archive and credit once
    once = ["PRCFMA11801025", "PRCFMA11801026", "PRCFMA206Y0050", "ObtainedbyDongWang",
            "APRFf.45,op.1,d.346", "AVPRFf.0102,op.14,d.8",
            "HistoryandPublicPolicyProgramDigitalArchive", "Weathersby", "Goldberg",
            "ObtainedbyChenJian", "ObtainedbySergeyRadchenko"]
    for fact in once:
        assert text.count(fact) == 1, fact
    assert text.count("ObtainedbyShenZhihua") == 1
