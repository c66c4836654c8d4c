"""The README's recipes, run exactly as written, each in an empty folder."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
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
    "Records in a team's git repository": ("git",),
    "A script in Python": (),
    "Importing a document page from the archive": (),
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


HOOKS = yaml.safe_load((HERE.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)


def _run_hook(hook: dict, folder: Path) -> subprocess.CompletedProcess:
    """A hook as pre-commit runs it: its entry, then the staged files its `files` matches."""
    staged = _git(folder, "diff", "--cached", "--name-only").stdout.split()
    files = [f for f in staged if re.search(hook["files"], f)]
    assert files, f"{hook['id']} matches none of {staged}"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CITETOOL_RECORDS", None)
    return subprocess.run([*shlex.split(hook["entry"]), *files], cwd=folder, env=env,
                          capture_output=True, text=True)


def test_pre_commit_hooks_file_is_what_the_readme_names():
    # the fields pre-commit requires of a hook, a regex it can use, and the ids the README's
    # .pre-commit-config.yaml asks for
    assert isinstance(HOOKS, list)
    for hook in HOOKS:
        assert {"id", "name", "entry", "language", "files"} <= set(hook)
        assert hook["language"] == "python" and hook["entry"].startswith("citetool ")
        assert re.search(hook["files"], "records/300123.yaml")
        assert re.search(hook["files"], "team/records/300123.yaml")
        for other in ("records/record.schema.json", "README.md", "records/sub/a.yaml"):
            assert not re.search(hook["files"], other)
    config = re.search(r"```yaml\n(repos:.*?)```", README.read_text(encoding="utf-8"), re.S)
    wanted = [h["id"] for repo in yaml.safe_load(config.group(1))["repos"]
              for h in repo["hooks"]]
    assert wanted == [h["id"] for h in HOOKS] == ["citetool-validate", "citetool-fmt"]


def test_team_recipe_and_hooks(tmp_path, monkeypatch):
    # a user's global git settings (core.hooksPath, signing) must not change the outcome
    for name, value in {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
                        "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
                        "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"
                        }.items():
        monkeypatch.setenv(name, value)
    # the commit hook runs the installed command, as in the user's shell
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    _run_recipe("Records in a team's git repository", tmp_path)
    tracked = _git(tmp_path, "ls-files").stdout.split()
    assert "records/300123.yaml" in tracked and "citetool.toml" in tracked
    assert not [f for f in tracked if ".citetool" in f]  # import's lock stays out of git
    commits = _git(tmp_path, "rev-list", "--count", "HEAD").stdout.strip()
    assert commits == "1"

    good = (tmp_path / "records" / "300123.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "records" / "300124.yaml"
    bad.write_text(good.replace("'300123'", "'300124'").replace(
        "title: Telegram on the Border Talks", "title: Telegram: on the Border Talks"),
        encoding="utf-8")
    _git(tmp_path, "add", "records")
    for hook in HOOKS:
        done = _run_hook(hook, tmp_path)
        assert done.returncode == 1, (hook, done.stderr)
        assert "records/300124.yaml: title: a colon and space in an unquoted value" in done.stderr
    blocked = _git(tmp_path, "commit", "-q", "-m", "bad record")
    assert blocked.returncode != 0
    assert "300124.yaml: title: a colon and space in an unquoted value" in blocked.stderr
    assert _git(tmp_path, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    # valid but not in the canonical layout: validate passes, fmt --check names the file
    bad.write_text(good.replace("'300123'", "'300124'").replace(
        "title: Telegram on the Border Talks\n", "").replace(
        "archive:", "title: 'Telegram: on the Border Talks'\narchive:"), encoding="utf-8")
    _git(tmp_path, "add", "records")
    validate, fmt = (_run_hook(hook, tmp_path) for hook in HOOKS)
    assert validate.returncode == 0, validate.stderr
    assert fmt.returncode == 1 and fmt.stdout.split() == ["records/300124.yaml"]
    subprocess.run([*shlex.split(HOOKS[1]["entry"].replace(" --check", "")),
                    "records/300124.yaml"], cwd=tmp_path, check=True, capture_output=True,
                   env={**os.environ,
                        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})
    _git(tmp_path, "add", "records")
    assert all(_run_hook(hook, tmp_path).returncode == 0 for hook in HOOKS)
    assert _git(tmp_path, "commit", "-q", "-m", "second record").returncode == 0
    assert _git(tmp_path, "rev-list", "--count", "HEAD").stdout.strip() == "2"


def test_python_recipe(tmp_path):
    _run_recipe("A script in Python", tmp_path)
    lines = (tmp_path / "telegrams.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("115325 Ministry of Foreign Affairs and Ministry of Public "
                               "Security, \u201cTelegram")
    assert lines[1].endswith("5, Wilson Center Digital Archive, "
                             "https://digitalarchive.wilsoncenter.org/document/115325.")
    assert lines[2].startswith("error: None None no record with id 'no-such-record' in ")
    assert (tmp_path / "refs.bib").read_text(encoding="utf-8").startswith("@misc{115325,")


def test_html_import_recipe(tmp_path):
    name = "Ambassador Yudin's Letter to Zhou Enlai _ Wilson Center Digital Archive.html"
    shutil.copy(HERE / "fixtures" / "html" / name, tmp_path / name)  # the page the user saved
    _run_recipe("Importing a document page from the archive", tmp_path)
    record = (tmp_path / "records" / "114755.yaml").read_text(encoding="utf-8")
    assert record == (HERE / "golden" / "html" / "114755.yaml").read_text(encoding="utf-8")


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
