"""The README's recipes, run exactly as written, each in an empty folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import BUNDLED, FIXTURES, HERE

from citetool import store

README = HERE.parent / "README.md"


def recipes() -> dict[str, tuple[list[str], dict[str, str]]]:
    """Recipe title -> (shell blocks, files named just before their block)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Recipes\n", 1)[1].split("\n## ", 1)[0]
    out = {}
    for part in section.split("\n### ")[1:]:
        title, body = part.split("\n", 1)
        shells = re.findall(r"```sh\n(.*?)```", body, re.S)
        files = dict(re.findall(r"`([\w.-]+)`:\n\n```\w*\n(.*?)```", body, re.S))
        out[title.strip()] = (shells, files)
    return out


RECIPES = recipes()
NEEDS = {
    "A LaTeX document with biblatex (biber)": ("pdflatex", "biber"),
    "Records in any script: LuaLaTeX with fontspec": ("lualatex", "biber", "pdftotext"),
    "A pandoc Markdown document": ("pandoc",),
    "Importing into Zotero": (),
}


def test_every_recipe_is_known():
    assert set(RECIPES) == set(NEEDS)


def _run_recipe(name: str, folder: Path, records: Path | None = None) -> None:
    absent = [t for t in NEEDS[name] if shutil.which(t) is None]
    if absent:
        if os.environ.get("CI"):
            raise RuntimeError(f"recipe {name!r} cannot run in CI: missing {absent}")
        pytest.skip(f"not installed: {', '.join(absent)}")
    shells, files = RECIPES[name]
    for file_name, content in files.items():
        (folder / file_name).write_text(content, encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CITETOOL_RECORDS", None)
    if records is not None:
        env["CITETOOL_RECORDS"] = str(records)
    for script in shells:
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=folder,
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_latex_recipe(tmp_path):
    name = "A LaTeX document with biblatex (biber)"
    _run_recipe(name, tmp_path)
    assert (tmp_path / "main.pdf").stat().st_size > 0
    log = (tmp_path / "main.blg").read_text()
    assert "WARN" not in log and "ERROR" not in log
    latex_log = (tmp_path / "main.log").read_text(errors="replace")
    assert "undefined" not in latex_log  # the \parencite key exists in the export
    text = subprocess.run(["pdftotext", "main.pdf", "-"], cwd=tmp_path, capture_output=True,
                          text=True).stdout if shutil.which("pdftotext") else ""
    assert not text or "Ministry of Foreign Affairs" in " ".join(text.split())


def test_pandoc_recipe(tmp_path):
    _run_recipe("A pandoc Markdown document", tmp_path)
    text = " ".join((tmp_path / "paper.txt").read_text(encoding="utf-8").split())
    assert "Ministry of Foreign Affairs and Ministry of Public Security" in text
    assert "Telegram from the Ministry" in text


def test_zotero_recipe(tmp_path):
    import jsonschema

    _run_recipe("Importing into Zotero", tmp_path)
    items = json.loads((tmp_path / "citetool-zotero.json").read_text(encoding="utf-8"))
    schema = json.loads((HERE / "conformance" / "csl-data.json").read_text(encoding="utf-8"))
    jsonschema.validate(items, schema)
    assert [i["id"] for i in items] == ["115325"]


def _words(value: str) -> list[str]:
    """The letters and digits of each word, compatibility forms folded (Arabic presentation
    forms and ligatures, as pdftotext gives them, are the same letters)."""
    value = unicodedata.normalize("NFKC", value)
    return [w for w in (re.sub(r"[\W_]", "", word) for word in value.split()) if w]


def test_lualatex_recipe_prints_every_script(tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(BUNDLED / "115325.yaml", records)
    scripts = [store.load_path(p) for p in sorted(FIXTURES.glob("*.yaml"))]
    scripts = [r for r in scripts if r.language != "en"]
    assert {"vi", "ru", "zh", "ko", "ar", "el"} <= {r.language for r in scripts}
    for record in scripts:
        shutil.copy(FIXTURES / f"{record.id}.yaml", records)
    work = tmp_path / "doc"
    work.mkdir()
    _run_recipe("Records in any script: LuaLaTeX with fontspec", work, records)
    log = (work / "main.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log  # LuaTeX's word for a glyph no font has
    assert "undefined" not in log and "Rerun" not in log
    blg = (work / "main.blg").read_text(encoding="utf-8")
    assert "WARN" not in blg and "ERROR" not in blg
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "main.pdf", "-"], cwd=work,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    printed = "".join(_words(done.stdout))
    for record in scripts:
        facts = [record.title, record.source.call_number or ""]
        facts += [part for agent in record.authors + record.recipients
                  for part in (agent.org, getattr(agent, "family", None),
                               getattr(agent, "given", None)) if part]
        for fact in facts:
            for word in _words(fact):
                assert word in printed, (record.id, word)
