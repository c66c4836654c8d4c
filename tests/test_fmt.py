"""`citetool fmt`: records rewritten in the canonical layout, only when they change."""

from __future__ import annotations

import pytest
from conftest import BUNDLED, FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from citetool import layout, store
from citetool.cli import cli

SEED = (BUNDLED / "115325.yaml").read_text(encoding="utf-8")
# the same record, valid, in another layout: flow style, other key order, a text date,
# no schema line, quoted keys, CRLF line ends
MESSY = (
    "title: \"Telegram from the Ministry of Foreign Affairs and the Ministry of Public "
    "Security on the Issue of Ethnic Koreans Crossing the Border to Korea\"\r\n"
    "'id': '115325'\r\ntype: telegram\r\nshort_title: Telegram on Ethnic Koreans\r\n"
    "date: 1962-03-24\r\nauthors: [{org: Ministry of Foreign Affairs}]\r\n"
    "archive: Wilson Center Digital Archive\r\n"
)


def run(runner, folder, *args):
    return runner.invoke(cli, ["--records", str(folder), "fmt", *args])


def test_fmt_rewrites_in_the_layout_import_writes_and_only_what_changes(runner, folder):
    messy = folder / "115325.yaml"
    messy.write_text(MESSY, encoding="utf-8", newline="")
    tidy = folder / "300123.yaml"
    tidy.write_text(store.to_yaml(store.load_path(messy)).replace("115325", "300123"),
                    encoding="utf-8")
    kept = tidy.stat().st_mtime_ns, tidy.stat().st_ino
    check = run(runner, folder, "--check")
    assert check.exit_code == 1 and check.stdout == f"{messy}\n"
    assert messy.read_bytes().decode("utf-8") == MESSY  # --check changes nothing
    result = run(runner, folder)
    assert result.exit_code == 0 and result.stdout == f"{messy}\n", result.output
    assert "1 of 2 records reformatted" in result.stderr
    text = messy.read_bytes().decode("utf-8")
    assert text == store.to_yaml(store.load_path(messy)) and "\r" not in text
    assert text.startswith(store.SCHEMA_LINE + "id: '115325'\ntype: telegram\ntitle: ")
    assert (tidy.stat().st_mtime_ns, tidy.stat().st_ino) == kept  # not rewritten
    again = run(runner, folder, "--check")
    assert again.exit_code == 0 and again.stdout == ""


def test_fmt_takes_ids_paths_and_stdin(runner, folder):
    path = folder / "115325.yaml"
    for args, stdin in ((["115325"], None), ([str(path)], None), (["-"], "115325\n")):
        path.write_text(MESSY, encoding="utf-8")
        result = runner.invoke(cli, ["--records", str(folder), "fmt", *args], input=stdin)
        assert result.exit_code == 0 and result.stdout == f"{path}\n", (args, result.output)
    missing = run(runner, folder, "nope")
    assert missing.exit_code == 1 and "no record with id 'nope'" in missing.stderr


@pytest.mark.parametrize(("text", "reason"), [
    (SEED.replace("short_title:", "shorttitle:"), "shorttitle: unknown field"),
    (SEED.replace("type: telegram", "type: telegram  # checked"),
     "has a comment (line 3), which the canonical layout cannot keep"),
    (SEED + "# the end\n", "has a comment (line 72)"),
])
def test_fmt_leaves_invalid_and_commented_records_as_they_are(runner, folder, text, reason):
    path = folder / "115325.yaml"
    path.write_text(text, encoding="utf-8")
    result = run(runner, folder)
    assert result.exit_code == 1 and reason in result.stderr, result.stderr
    assert "1 of 1 records could not be formatted" in result.stderr
    assert path.read_text(encoding="utf-8") == text


def test_fmt_keeps_every_fixture_record_the_same(runner, tmp_path):
    # the canonical layout changes how a record is written, never what it says
    for source in FIXTURES.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if layout.comment_line(text) is None:
            (tmp_path / source.name).write_text(text, encoding="utf-8")
    before = {p.name: store.load_path(p) for p in tmp_path.glob("*.yaml")}
    assert run(runner, tmp_path).exit_code == 0
    assert {p.name: store.load_path(p) for p in tmp_path.glob("*.yaml")} == before
    assert run(runner, tmp_path, "--check").exit_code == 0


NOT_COMMENTS = ["title: 'A # B'\n", 'title: "A # B"\n', "title: No.#5\n",
                "text: |\n  line one\n  # not a comment\n", "title: A#B\n"]


@pytest.mark.parametrize("text", NOT_COMMENTS)
def test_a_hash_inside_a_value_is_no_comment(text):
    assert layout.comment_line(store.SCHEMA_LINE + text) is None


ONE_LINE = [text for text in NOT_COMMENTS if "|" not in text]  # a block would take " # x" in


@given(st.sampled_from(ONE_LINE), st.sampled_from([" # note", "\n# note", "  #"]))
def test_a_comment_after_any_value_is_found(text, comment):
    assert layout.comment_line(text.rstrip("\n") + comment + "\n") is not None
