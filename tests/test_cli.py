"""CLI behaviour and error paths, through click's runner."""

from __future__ import annotations

import json
import re

import pytest
from conftest import BUNDLED, FIXTURES, HERE

from citetool.cli import cli
from citetool.formats import STYLES

README = (HERE.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_has_help_and_is_in_the_readme(runner):
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help"
        assert f"citetool {name}" in README, f"{name} missing from the README"
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0


def test_every_style_is_in_the_readme():
    for name in STYLES:
        assert f"`{name}`" in README


def test_several_ids_in_order(runner):
    result = runner.invoke(cli, ["--records", str(FIXTURES), "cite", "f02", "f01"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Ivan Petrov,") and lines[1].startswith("“Report on the")


def test_several_ids_bibtex_blank_line_and_csl_array(runner):
    args = ["--records", str(FIXTURES), "cite", "f02", "f01"]
    bib = runner.invoke(cli, [*args, "--style", "biblatex"]).output
    assert "}\n\n@misc{" in bib
    data = json.loads(runner.invoke(cli, [*args, "--style", "csl-json"]).output)
    assert [d["id"] for d in data] == ["f02", "f01"]


def test_csl_json_is_an_array_for_one_id(runner):
    assert isinstance(json.loads(runner.invoke(cli, ["cite", "115325", "-s", "csl-json"]).output),
                      list)


@pytest.mark.parametrize(
    ("args", "code", "pattern"),
    [
        (["cite", "nope"], 1, r"no record with id 'nope'"),
        (["cite", "11532"], 1, r"did you mean 115325"),
        (["cite", "../etc/passwd"], 1, r"malformed id"),
        (["cite", "/abs"], 1, r"malformed id"),
        (["cite", "a\x00b"], 1, r"malformed id"),
        (["cite", ""], 1, r"malformed id"),
        (["cite", "115325", "--style", "nope"], 2, r"Invalid value for '--style'"),
        (["cite"], 2, r"Missing argument"),
        (["--records", "/does/not/exist", "cite", "x"], 1, r"records folder does not exist"),
    ],
)
def test_errors_are_one_line_with_exit_codes(runner, args, code, pattern):
    result = runner.invoke(cli, args)
    assert result.exit_code == code
    assert re.search(pattern, result.output)
    assert "Traceback" not in result.output
    if code == 1:
        assert len(result.output.strip().splitlines()) == 1


def test_records_env_variable(runner, monkeypatch):
    monkeypatch.setenv("CITETOOL_RECORDS", str(FIXTURES))
    assert runner.invoke(cli, ["cite", "f01"]).exit_code == 0
    assert runner.invoke(cli, ["cite", "115325"]).exit_code == 1


def test_validate_all_and_bad(runner, folder):
    assert runner.invoke(cli, ["--records", str(folder), "validate"]).exit_code == 0
    (folder / "bad.yaml").write_text("id: bad\ntitle: x\n", encoding="utf-8")
    result = runner.invoke(cli, ["--records", str(folder), "validate"])
    assert result.exit_code == 1
    assert re.search(r"bad\.yaml: short_title: required field is missing", result.output)
    single = runner.invoke(cli, ["validate", str(folder / "115325.yaml")])
    assert single.exit_code == 0


def test_export_all_sorted_bibliography(runner):
    result = runner.invoke(cli, ["--records", str(FIXTURES), "export", "--all",
                                 "--style", "chicago-bibliography"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(list(FIXTURES.glob("*.yaml")))
    assert lines[0].startswith("Adams, John")


def test_export_ids_from_stdin_and_filters(runner):
    result = runner.invoke(cli, ["--records", str(FIXTURES), "export", "-", "-s", "csl-json"],
                           input="# comment\nf01\n\nf02\n")
    assert [d["id"] for d in json.loads(result.output)] == ["f01", "f02"]
    result = runner.invoke(cli, ["--records", str(FIXTURES), "export", "--type", "letter",
                                 "--since", "1960", "--until", "1960-12", "-s", "csl-json"])
    assert sorted(d["id"] for d in json.loads(result.output)) == ["f02", "f31"]
    result = runner.invoke(cli, ["--records", str(FIXTURES), "export", "--query", "hu-rak",
                                 "-s", "csl-json"])
    assert [d["id"] for d in json.loads(result.output)] == ["f18"]


def test_export_lists_each_record_once_and_reads_several_ids_a_line(runner):
    # a repeated id once gave the same document twice, under keys ..a and ..b
    args = ["--records", str(FIXTURES), "export", "-s", "bibtex"]
    result = runner.invoke(cli, [*args, "f01", "f01"])
    assert result.exit_code == 0
    assert re.findall(r"^@misc\{([^,]+),", result.output, re.M) == ["f01"]
    result = runner.invoke(cli, [*args, "-"], input="f01 f02  # two\n# none\n\tf01\tf03\n")
    assert result.exit_code == 0, result.output
    assert len(re.findall(r"^@misc", result.output, re.M)) == 3


@pytest.mark.parametrize("page", ["", "   ", "5\n6", "5\x07"])
def test_cite_refuses_an_empty_or_broken_pinpoint(runner, page):
    # an empty --page once silently dropped the record's own pages from the note
    result = runner.invoke(cli, ["--records", str(FIXTURES), "cite", "f01", "--page", page])
    assert result.exit_code == 2
    assert "--page" in result.output and "Traceback" not in result.output


def test_cite_pinpoint_is_stripped(runner):
    result = runner.invoke(cli, ["--records", str(FIXTURES), "cite", "f01", "--page", " 5 "])
    assert result.exit_code == 0 and ", p. 5, " in result.output


def test_export_missing_id_writes_nothing(runner, tmp_path):
    out = tmp_path / "refs.bib"
    result = runner.invoke(cli, ["--records", str(FIXTURES), "export", "f01", "nope",
                                 "-s", "biblatex", "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    result = runner.invoke(cli, ["--records", str(FIXTURES), "export", "f01", "nope",
                                 "-s", "biblatex", "-o", str(out), "--skip-invalid"])
    assert result.exit_code == 0 and out.read_text().startswith("@misc{")
    assert "skipped:" in result.output


def test_export_output_not_overwritten_without_force(runner, tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("keep me")
    args = ["--records", str(FIXTURES), "export", "f01", "-s", "bibtex", "-o", str(out)]
    assert runner.invoke(cli, args).exit_code == 1
    assert out.read_text() == "keep me"
    assert runner.invoke(cli, [*args, "--force"]).exit_code == 0
    assert out.read_text().startswith("@misc{")


def test_list_and_show(runner):
    rows = runner.invoke(cli, ["--records", str(FIXTURES), "list", "--json", "--author",
                               "petrov"]).output.splitlines()
    assert sorted(json.loads(r)["id"] for r in rows) == ["f02", "f30", "f31"]
    table = runner.invoke(cli, ["list"]).output
    assert table.startswith("115325") and "Telegram on Ethnic Koreans" in table
    shown = runner.invoke(cli, ["show", "115325", "--json"]).output
    assert json.loads(shown)["source"]["call_number"] == "PRC FMA 118-01025-02"
    assert "call_number: PRC FMA 118-01025-02" in runner.invoke(cli, ["show", "115325"]).output


def test_schema_and_new(runner, folder):
    schema = json.loads(runner.invoke(cli, ["schema"]).output)
    assert schema["additionalProperties"] is False and "short_title" in schema["properties"]
    result = runner.invoke(cli, ["--records", str(folder), "new", "900001"])
    assert result.exit_code == 0
    again = runner.invoke(cli, ["--records", str(folder), "new", "900001"])
    assert again.exit_code == 1 and "--force" in again.output


def test_new_template_placeholders_are_refused_until_replaced(runner, folder):
    # the template's sample values once validated as they were, so an unedited record passed
    assert runner.invoke(cli, ["--records", str(folder), "new", "900001"]).exit_code == 0
    path = folder / "900001.yaml"
    fields = []
    for _ in range(20):
        result = runner.invoke(cli, ["--records", str(folder), "validate", "900001"])
        if result.exit_code == 0:
            break
        match = re.search(r"900001\.yaml: ([\w.]+): still the template's placeholder",
                          result.output)
        assert match, result.output
        fields.append(match.group(1))
        lines = path.read_text(encoding="utf-8").splitlines()
        key = fields[-1].rsplit(".", 1)[-1]
        at = next(i for i, line in enumerate(lines)
                  if re.match(rf"\s*(- )?{key}: 'TODO:", line))
        lines[at] = re.sub(r"'TODO:[^']*'", {"date": "1962-03-24", "type": "telegram",
                                               "short_title": "A Telegram"}.get(key, "'X Y'"),
                           lines[at])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert fields == ["type", "title", "short_title", "date", "authors.0.org",
                      "source.call_number", "source.pages"]
    assert runner.invoke(cli, ["--records", str(folder), "validate", "900001"]).exit_code == 0


def test_committed_schema_is_current(runner):
    """records/record.schema.json (which records name for editors) is what `schema` prints."""
    committed = json.loads((HERE.parent / "records" / "record.schema.json").read_text())
    assert committed == json.loads(runner.invoke(cli, ["schema"]).output)


def test_every_subpackage_is_packaged():
    """A non-editable install ships every subpackage (the list in pyproject.toml is explicit)."""
    import tomllib

    config = tomllib.loads((HERE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    root = HERE.parent
    found = {p.parent.relative_to(root).as_posix().replace("/", ".")
             for p in (root / "citetool").rglob("__init__.py")}
    assert {"citetool", "citetool.formats", "citetool.importers"} <= found
    assert found <= listed


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_output_is_utf8_whatever_the_locale(tmp_path, encoding):
    # curly quotes and non-Latin-1 names once raised UnicodeEncodeError with a traceback
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": encoding, "CITETOOL_RECORDS": str(FIXTURES)}
    env.pop("PYTHONUTF8", None)
    run = [sys.executable, "-m", "citetool"]
    cite = subprocess.run([*run, "--records", str(BUNDLED), "cite", "115325"], env=env,
                          capture_output=True)
    assert cite.returncode == 0, cite.stderr
    assert "\u201cTelegram" in cite.stdout.decode("utf-8")
    export = subprocess.run([*run, "export", "--all", "-s", "csl-json"], env=env,
                            capture_output=True)
    assert export.returncode == 0, export.stderr
    assert any(not c.isascii() and not "\u00a0" <= c <= "\u00ff"
               for c in export.stdout.decode("utf-8"))
    bad = tmp_path / "r\u00e9cords\u4e00"
    bad.mkdir()
    (bad / "x1.yaml").write_text("id: [\n", encoding="utf-8")
    error = subprocess.run([*run, "--records", str(bad), "validate"], env=env,
                           capture_output=True)
    assert error.returncode == 1
    message = error.stderr.decode("utf-8")
    assert "Traceback" not in message and "r\u00e9cords\u4e00" in message


@pytest.mark.parametrize("command", [["cite", "115325"], ["export", "--all"],
                                     ["export", "--all", "-s", "bibtex"], ["list"],
                                     ["show", "115325"]])
def test_a_full_disk_on_stdout_is_one_line_and_exit_1(command):
    # a write error on standard output once ended in a traceback
    import os
    import subprocess
    import sys

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "citetool", "--records", str(BUNDLED),
                                 *command], stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 1
    assert result.stderr == "citetool: standard output: No space left on device\n"


def test_export_to_a_closed_stdout_says_so_and_o_still_works(tmp_path):
    import subprocess
    import sys

    run = [sys.executable, "-m", "citetool", "--records", str(BUNDLED), "export", "--all"]
    result = subprocess.run(run, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: __import__("os").close(1))
    assert result.returncode == 1 and "standard output is closed" in result.stderr
    assert "Traceback" not in result.stderr
    out = tmp_path / "refs.txt"
    result = subprocess.run([*run, "-o", str(out)], stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: __import__("os").close(1))
    assert result.returncode == 0 and out.read_text(encoding="utf-8").startswith("Ministry")


def test_a_reader_that_stops_early_is_no_error_message(tmp_path):
    # `citetool export --all | head -1`: the broken pipe is quiet, no traceback
    import subprocess
    import sys

    folder = tmp_path / "many"
    folder.mkdir()
    seed = (BUNDLED / "115325.yaml").read_text(encoding="utf-8")
    for n in range(400):
        (folder / f"r{n}.yaml").write_text(seed.replace("id: '115325'", f"id: r{n}"),
                                           encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "citetool", "--no-cache", "--records",
                             str(folder), "export", "--all"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("Ministry")
    proc.stdout.close()
    assert proc.wait(timeout=60) == 1
    assert proc.stderr.read() == ""
