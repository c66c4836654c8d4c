"""`-` reads record ids from standard input the same way for every command; show and validate
say what they cannot do rather than doing something else."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
import yaml
from conftest import FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from citetool import store
from citetool.cli import cli
from citetool.errors import CitetoolError

RECORDS = ["--records", str(FIXTURES)]
COMMANDS = {
    "cite": ["cite", "-s", "csl-json"],
    "export": ["export", "-s", "csl-json"],
    "show": ["show", "--json"],
    "validate": ["validate"],
}


def ids_out(command: str, output: str) -> list[str]:
    if command == "validate":
        return [output.split()[0]]  # "2 records valid"
    return [item["id"] for item in json.loads(output)]


@pytest.mark.parametrize("command", COMMANDS)
def test_dash_reads_ids_from_stdin_for_every_command(runner, command):
    result = runner.invoke(cli, [*RECORDS, *COMMANDS[command], "-"],
                           input="f02 # first\n\n  f01\t\n")
    assert result.exit_code == 0, result.output
    expected = {"validate": ["2"], "export": ["f01", "f02"]}  # export sorts by id
    assert ids_out(command, result.output) == expected.get(command, ["f02", "f01"])


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("text", "said"), [("", "was empty"), ("\n  \n", "was empty"),
                                            ("# f01\n", "held only comments")])
def test_empty_stdin_is_an_error_that_says_so(runner, command, text, said):
    result = runner.invoke(cli, [*RECORDS, *COMMANDS[command], "-"], input=text)
    assert result.exit_code == 1
    assert result.output == (f"citetool: standard input: {said}: no record ids to read "
                             "('-' reads ids separated by spaces or new lines)\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_closed_stdin_is_an_error_that_says_so(command):
    # with no file descriptor 0, Python sets sys.stdin to None
    done = subprocess.run([sys.executable, "-m", "citetool", *RECORDS, *COMMANDS[command],
                           "-"], capture_output=True, text=True,
                          preexec_fn=lambda: os.close(0))
    assert done.returncode == 1
    assert done.stderr == ("citetool: standard input: is closed: give the record ids as "
                           "arguments\n")


def test_dash_stands_where_it_is_given_once(runner):
    result = runner.invoke(cli, [*RECORDS, "cite", "-s", "csl-json", "f03", "-", "f01"],
                           input="f02\n")
    assert [d["id"] for d in json.loads(result.output)] == ["f03", "f02", "f01"]
    twice = runner.invoke(cli, [*RECORDS, "cite", "-", "-"], input="f02\n")
    assert twice.exit_code == 1 and "'-' may be given once" in twice.output


ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,10}", fullmatch=True)
GAP = st.sampled_from([" ", "\t", "\n", "  \n\n", " # a comment\n", "\r\n"])


@given(st.lists(st.tuples(ID, GAP), min_size=1))
def test_read_ids_keeps_every_id_in_order(pairs):
    text = "".join(rid + gap for rid, gap in pairs)
    assert store.read_ids(io.StringIO(text)) == [rid for rid, _ in pairs]


@given(st.lists(GAP))
def test_read_ids_without_ids_is_an_error(gaps):
    with pytest.raises(CitetoolError, match="no record ids to read"):
        store.read_ids(io.StringIO("".join(gaps)))


def test_show_several_records_and_the_forms_of_its_output(runner):
    one = json.loads(runner.invoke(cli, [*RECORDS, "show", "f01", "--json"]).output)
    assert one["id"] == "f01"
    several = json.loads(runner.invoke(cli, [*RECORDS, "show", "f01", "f02", "--json"]).output)
    assert [d["id"] for d in several] == ["f01", "f02"]
    shown = runner.invoke(cli, [*RECORDS, "show", "f01", "f02"]).output
    assert [d["id"] for d in yaml.safe_load_all(shown)] == ["f01", "f02"]


@pytest.mark.parametrize("flags", [["--yaml", "--json"], ["--json", "--yaml"]])
def test_show_yaml_and_json_together_is_a_usage_error(runner, flags):
    # the last flag given once won silently
    result = runner.invoke(cli, [*RECORDS, "show", "f01", *flags])
    assert result.exit_code == 2
    assert "--yaml and --json cannot be used together" in result.output


def test_validate_in_an_empty_folder_says_it_found_no_records(runner, tmp_path):
    # it printed "0 records valid" and exited 0
    result = runner.invoke(cli, ["--records", str(tmp_path), "validate"])
    assert result.exit_code == 1
    assert result.output == (f"citetool: {tmp_path}: no records found: the folder holds no "
                             ".yaml files (from --records)\n")
