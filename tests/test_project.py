"""Where the records are (found like git finds a repository), `init`, and write protection,
run as a user would: the installed `citetool` command in a fresh folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED, HERE

from citetool import project, store
from citetool.errors import CitetoolError

SEED = (BUNDLED / "115325.yaml").read_text(encoding="utf-8")
CITETOOL = shutil.which("citetool", path=str(Path(sys.executable).parent))


def citetool(*args: str, cwd: Path, env: dict[str, str] | None = None,
             **kwargs: object) -> subprocess.CompletedProcess:
    """The installed console script, with no records folder from the environment."""
    assert CITETOOL, "the citetool command is not installed in this environment"
    base = {k: v for k, v in os.environ.items() if k != store.ENV_RECORDS}
    return subprocess.run([CITETOOL, *args], cwd=cwd, env={**base, **(env or {})},
                          capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def record(folder: Path, rid: str) -> Path:
    """A valid record `rid` in folder (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{rid}.yaml"
    path.write_text(SEED.replace("id: '115325'", f"id: '{rid}'"), encoding="utf-8")
    return path


@pytest.fixture
def empty(tmp_path):
    """A fresh folder with no records/ or citetool.toml in it or above it."""
    for level in (tmp_path, *tmp_path.parents):
        if (level / "records").is_dir() or (level / project.PROJECT_FILE).exists():
            pytest.skip(f"{level} holds a records folder or project file")
    return tmp_path


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    return done.stderr


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_quick_start_works_from_any_folder(empty):
    done = citetool("cite", "115325", cwd=empty)
    assert done.returncode == 0, done.stderr
    assert "Telegram from the Ministry" in done.stdout
    missing = one_line_error(citetool("cite", "300123", cwd=empty))
    assert (f"no record with id '300123' in {BUNDLED} (the bundled sample records: no "
            "records/ folder or citetool.toml here or above)") in missing


def test_records_folder_is_found_from_the_current_folder_upward(empty):
    # a records/ folder in the folder a user works in was ignored for the bundled records
    record(empty / "proj" / "records", "300123")
    deep = empty / "proj" / "a" / "b"
    deep.mkdir(parents=True)
    for cwd in (empty / "proj", deep, empty / "proj" / "records"):
        done = citetool("cite", "300123", cwd=cwd)
        assert done.returncode == 0 and "Ethnic Koreans" in done.stdout, done.stderr
    assert ("no record with id '115325' in ./records (found from the current folder)"
            in one_line_error(citetool("cite", "115325", cwd=empty / "proj")))
    assert (f"in {empty / 'proj' / 'records'} (found from the current folder)"
            in one_line_error(citetool("show", "115325", cwd=deep)))


def test_citetool_toml_names_the_folder_and_the_default_style(empty):
    proj = empty / "proj"
    record(proj / "refs", "300123")
    (proj / "records").mkdir()  # the project file wins over a records/ beside it
    (proj / "citetool.toml").write_text('records = "refs"\nstyle = "chicago-short"\n',
                                        encoding="utf-8")
    sub = proj / "chapter"
    sub.mkdir()
    short = citetool("cite", "300123", cwd=sub)
    assert short.stdout == "Ministry of Foreign Affairs and Ministry of Public Security, " \
                           "“Telegram on Ethnic Koreans.”\n", short.stderr
    note = citetool("cite", "300123", "--style", "chicago-note", cwd=sub)
    assert note.stdout.startswith("Ministry of Foreign Affairs and Ministry of Public "
                                  "Security, “Telegram from the")
    exported = citetool("export", "300123", cwd=sub)
    assert exported.stdout == short.stdout
    missing = one_line_error(citetool("cite", "300999", cwd=sub))
    assert f"in {proj / 'refs'} (citetool.toml at {proj / 'citetool.toml'})" in missing
    # --records elsewhere: that folder, without the project file's defaults
    record(empty / "other", "300123")
    done = citetool("cite", "300123", "--records", str(empty / "other"), cwd=sub)
    assert done.stdout.startswith("Ministry of Foreign Affairs and Ministry of Public "
                                  "Security, “Telegram from the")


def test_project_file_exposes_the_key_default(tmp_path):
    (tmp_path / "records").mkdir()
    (tmp_path / "citetool.toml").write_text('key = "author-year"\n', encoding="utf-8")
    found = project.find(cwd=tmp_path, environ={})
    assert (found.key, found.style, found.folder) == ("author-year", None,
                                                      tmp_path / "records")
    assert found.config == tmp_path / "citetool.toml"


def test_the_project_key_is_every_export_s_default(empty):
    record(empty / "records", "300123")
    (empty / "citetool.toml").write_text('key = "author-year"\n', encoding="utf-8")
    bib = citetool("export", "--all", "-s", "biblatex", cwd=empty)
    assert bib.stdout.startswith("@misc{ministry_of_foreign_affairs_1962,"), bib.stderr
    csl = citetool("cite", "300123", "-s", "csl-json", cwd=empty)
    assert '"id": "ministry_of_foreign_affairs_1962"' in csl.stdout
    ids = citetool("export", "--all", "-s", "ris", "--key", "id", cwd=empty)
    assert "ID  - 300123" in ids.stdout  # the option wins over the project's default


@pytest.mark.parametrize(("text", "field", "reason"), [
    ('styl = "chicago-short"\n', "styl", "unknown setting (did you mean 'style'?)"),
    ('style = "chicago"\n', "style", "unknown style 'chicago' (did you mean"),
    ('key = "title"\n', "key", "unknown key 'title' (known: id, author-year)"),
    ("records = 3\n", "records", "must be a non-empty quoted text"),
    ('records = "nope"\n', "records", "folder ./nope does not exist"),
    ("records = \n", None, "invalid TOML"),
])
def test_project_file_mistakes_are_named(tmp_path, text, field, reason):
    (tmp_path / "citetool.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CitetoolError) as info:
        project.find(cwd=tmp_path, environ={})
    assert info.value.path == str(tmp_path / "citetool.toml")
    assert info.value.field == field and reason in info.value.reason


def test_a_bad_project_file_is_one_line_through_the_command(empty):
    (empty / "citetool.toml").write_text("records = [\n", encoding="utf-8")
    assert "citetool.toml: invalid TOML" in one_line_error(citetool("cite", "1", cwd=empty))


def test_global_options_before_or_after_the_command_and_their_order(empty):
    record(empty / "myrecs", "300123")
    record(empty / "envrecs", "300124")
    record(empty / "records", "300125")
    for args in (["cite", "300123", "--records", "myrecs"],
                 ["--records", "myrecs", "cite", "300123"],
                 ["cite", "--no-cache", "300123", "--records", "myrecs"],
                 ["show", "300123", "--records", "myrecs", "--json"],
                 ["validate", "300123", "--records", "myrecs"]):
        done = citetool(*args, cwd=empty)
        assert done.returncode == 0, (args, done.stderr)
    env = {store.ENV_RECORDS: "envrecs"}
    assert citetool("cite", "300124", cwd=empty, env=env).returncode == 0
    assert "in envrecs (from $CITETOOL_RECORDS)" in one_line_error(
        citetool("cite", "300125", cwd=empty, env=env))
    assert "in myrecs (from --records)" in one_line_error(
        citetool("cite", "300124", "--records", "myrecs", cwd=empty, env=env))
    assert citetool("cite", "300125", cwd=empty).returncode == 0
    assert "nope: records folder does not exist (from --records)" in one_line_error(
        citetool("cite", "1", "--records", "nope", cwd=empty))


def test_commands_that_write_never_write_into_the_bundled_records(empty):
    before = snapshot(BUNDLED)
    source = empty / "300123.bib"
    source.write_text("@misc{300123, title = {Note on X}, organization = {An Archive}}\n",
                      encoding="utf-8")
    for args in (["new", "300123"], ["import", str(source)], ["fmt"]):
        message = one_line_error(citetool(*args, cwd=empty))
        assert "run `citetool init` to create records/ and citetool.toml" in message
    for args in (["new", "300123", "--records", str(BUNDLED)],
                 ["--records", str(BUNDLED), "import", str(source)]):
        assert "read-only" in one_line_error(citetool(*args, cwd=empty))
    done = citetool("fmt", str(BUNDLED / "115325.yaml"), cwd=empty)
    assert done.returncode == 1 and "115325.yaml: is one of the bundled sample records, " \
        "which are read-only" in done.stderr
    assert citetool("import", "--dry-run", str(source), cwd=empty).returncode == 0
    assert snapshot(BUNDLED) == before


@pytest.mark.skipif(BUNDLED != HERE.parent / "records",
                    reason="citetool is not installed from this checkout in editable mode")
def test_the_checkouts_own_records_folder_is_the_read_only_bundled_one():
    # pytest runs from the checkout: its records/ is found from there, and must stay read-only
    found = project.find(cwd=HERE.parent, environ={})
    assert found.bundled and found.origin == project.FROM_FOLDER
    with pytest.raises(CitetoolError, match="bundled sample records are read-only"):
        found.writable()
    before = snapshot(BUNDLED)
    done = citetool("new", "300123", cwd=HERE.parent)
    assert "read-only (found from the current folder)" in one_line_error(done)
    assert snapshot(BUNDLED) == before


def test_init_makes_a_project_and_never_overwrites_it(empty):
    done = citetool("init", cwd=empty)
    assert done.returncode == 0, done.stderr
    assert (empty / "records" / "record.schema.json").is_file()
    config = (empty / "citetool.toml").read_text(encoding="utf-8")
    found = project.find(cwd=empty, environ={})
    assert found.folder == empty / "records" and found.style is None
    assert "no records found: the folder holds no .yaml files (citetool.toml at " \
           "./citetool.toml)" in one_line_error(citetool("validate", cwd=empty))
    assert citetool("new", "300123", cwd=empty).returncode == 0
    assert (empty / "records" / "300123.yaml").is_file()
    again = one_line_error(citetool("init", cwd=empty))
    assert "citetool.toml: already exists" in again
    assert (empty / "citetool.toml").read_text(encoding="utf-8") == config


def test_init_with_another_folder_name(empty):
    assert citetool("init", "--records", "refs", cwd=empty).returncode == 0
    record(empty / "refs", "300123")
    assert citetool("cite", "300123", cwd=empty).returncode == 0
    assert project.find(cwd=empty, environ={}).folder == empty / "refs"


def test_init_refuses_the_bundled_folder(tmp_path, monkeypatch):
    record(tmp_path / "records", "115325")
    monkeypatch.setattr(store, "bundled_records", lambda: tmp_path / "records")
    with pytest.raises(CitetoolError, match="bundled sample records"):
        project.init(tmp_path)
    assert not (tmp_path / "citetool.toml").exists()


def test_completion_reads_the_records_option_given_after_the_command(runner):
    from conftest import FIXTURES

    from citetool.cli import cli

    for words in (f"citetool cite --records {FIXTURES} f0",
                  f"citetool --records {FIXTURES} show f0"):
        env = {"_CITETOOL_COMPLETE": "bash_complete", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1)}
        result = runner.invoke(cli, [], prog_name="citetool", env=env)
        assert result.output.startswith("plain,f01\nplain,f02\n"), result.output


def test_no_cache_after_the_command_bypasses_the_cache(runner, tmp_path, monkeypatch):
    from citetool.cli import cli

    where = tmp_path / "c"
    monkeypatch.setenv("CITETOOL_CACHE_DIR", str(where))
    for command in (["cite", "115325"], ["export", "--all"], ["validate"]):
        result = runner.invoke(cli, [*command, "--no-cache", "--records", str(BUNDLED)])
        assert result.exit_code == 0, result.output
    assert not where.exists()
    assert runner.invoke(cli, ["cite", "115325", "--records", str(BUNDLED)]).exit_code == 0
    assert where.exists()


def test_a_deleted_current_folder_reads_the_bundled_records_and_init_says_so(empty):
    gone = empty / "gone"

    def enter_and_delete() -> None:
        gone.mkdir()
        os.chdir(gone)
        os.rmdir(gone)

    kwargs = {"preexec_fn": enter_and_delete}
    done = citetool("cite", "115325", cwd=empty, **kwargs)
    assert done.returncode == 0 and "Ethnic Koreans" in done.stdout, done.stderr
    assert "the current folder no longer exists" in one_line_error(
        citetool("init", cwd=empty, **kwargs))


def test_the_project_csl_style_is_the_default(empty):
    pytest.importorskip("py_mini_racer")
    record(empty / "records", "300123")
    (empty / "citetool.toml").write_text('csl = "apa"\n', encoding="utf-8")
    apa = citetool("cite", "300123", cwd=empty)
    assert apa.returncode == 0, apa.stderr
    assert apa.stdout.startswith("(Ministry of Foreign Affairs"), apa.stdout
    note = citetool("cite", "300123", "--style", "chicago-short", cwd=empty)
    assert note.stdout.startswith("Ministry of Foreign Affairs and Ministry"), note.stderr
    (empty / "citetool.toml").write_text('csl = "apa"\nstyle = "archive"\n', encoding="utf-8")
    assert "not both" in one_line_error(citetool("cite", "300123", cwd=empty))
