"""Reading records: safe YAML, clear one-line errors naming file, field and reason."""

from __future__ import annotations

import os

import pytest
from conftest import BUNDLED
from hypothesis import given, settings
from hypothesis import strategies as st

from citetool import store, yamlio
from citetool.cli import cli
from citetool.errors import CitetoolError

SEED = (BUNDLED / "115325.yaml").read_text(encoding="utf-8")


def write(folder, name, data):
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("content", "field", "reason"),
    [
        ("a: &a [1]\nb: *a\n", None, "anchors and aliases are not allowed"),
        ("!!python/object/apply:os.system ['true']\n", None, "tag"),
        ("id: '1'\nid: '2'\n", "id", "duplicate key"),
        (b"id: '\xff'\n", None, "not valid UTF-8"),
        ("", None, "file is empty"),
        ("- a\n- b\n", None, "not a list"),
        ("id: [unclosed\n", None, "invalid YAML"),
        (SEED.replace("short_title:", "shorttitle:"), "shorttitle",
         "unknown field (did you mean 'short_title'?)"),
        (SEED.replace("year: 1962", "year: nineteen"), "date.year", "valid integer"),
        (SEED.replace("month: 3", "month: 13"), "date.month", "less than or equal to 12"),
        (SEED.replace("day: 24", "day: 31").replace("month: 3", "month: 2"), "date",
         "past the end of the month"),
        (SEED.replace("short_title: Telegram on Ethnic Koreans",
                      "short_title: One Two Three Four Five"), "short_title", "at most four"),
        (SEED.replace("https://digitalarchive.wilsoncenter.org/document/115325",
                      "https://x.org/{a b}"), "url", "http(s) URL"),
        (SEED.replace("type: telegram", "type: tweet"), "type", "unknown document type"),
        (SEED.replace("id: '115325'", "id: '999'"), "id", "does not match the file name"),
    ],
)
def test_bad_input_one_clear_error(tmp_path, runner, content, field, reason):
    path = write(tmp_path, "115325.yaml", content)
    with pytest.raises(CitetoolError) as info:
        store.load_path(path)
    err = info.value
    assert err.path == str(path)
    assert err.field == field
    assert reason in err.reason
    result = runner.invoke(cli, ["--records", str(tmp_path), "cite", "115325"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 30)]
    path = write(tmp_path, "115325.yaml", "\n".join(lines) + "\n")
    with pytest.raises(CitetoolError, match="aliases"):
        store.load_path(path)


def test_no_implicit_conversion():
    data = yamlio.load_text("a: no\nb: 0115\nc: 1962-03-24\nd: ~\ne: 1.5\n", "x")
    assert data == {"a": "no", "b": "0115", "c": "1962-03-24", "d": "~", "e": "1.5"}


def test_bom_and_crlf_are_accepted(tmp_path):
    path = write(tmp_path, "115325.yaml", b"\xef\xbb\xbf" + SEED.replace("\n", "\r\n").encode())
    assert store.load_path(path).title.startswith("Telegram from")


def test_oversized_file(tmp_path):
    path = write(tmp_path, "115325.yaml", SEED + "#" * (yamlio.MAX_BYTES + 10))
    with pytest.raises(CitetoolError, match="larger than the limit"):
        store.load_path(path)


@pytest.mark.parametrize("reported", [0, 10])
def test_file_read_whole_when_its_size_is_wrong(tmp_path, monkeypatch, reported):
    # a file may grow between fstat and read (here it "was" empty, or 10 bytes): read it all
    path = write(tmp_path, "115325.yaml", SEED)
    real = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result(
        (*real(fd)[:6], reported, *real(fd)[7:])))
    assert store.load_path(path).title.startswith("Telegram from")


def test_anchor_without_alias_is_harmless_and_alias_in_a_list_refused(tmp_path):
    ok = write(tmp_path, "115325.yaml", SEED.replace("title:", "title: &t", 1))
    assert store.load_path(ok).title.startswith("Telegram from")
    bad = write(tmp_path, "115325.yaml", SEED.replace("funders:", "x: &f [a]\nfunders:", 1)
                + "extra: [*f]\n")
    with pytest.raises(CitetoolError, match="anchors and aliases"):
        store.load_path(bad)


def test_symlink_outside_the_folder_is_refused(tmp_path):
    outside = write(tmp_path, "outside.yaml", SEED)
    folder = tmp_path / "records"
    folder.mkdir()
    os.symlink(outside, folder / "115325.yaml")
    with pytest.raises(CitetoolError, match="links outside"):
        store.load(folder, "115325")


def test_lookup_reads_one_file(folder, monkeypatch):
    write(folder, "broken.yaml", "id: [\n")
    opened = []

    def spy(real):
        def opener(path, *args, **kwargs):
            opened.append(str(path))
            return real(path, *args, **kwargs)
        return opener

    monkeypatch.setattr("builtins.open", spy(open))
    monkeypatch.setattr(os, "open", spy(os.open))
    store.load(folder, "115325")
    assert [p for p in opened if p.endswith(".yaml")] == [str(folder / "115325.yaml")]


def test_dates_in_short_text_form():
    from citetool.model import Date

    assert Date.model_validate("1962-03-24").parts() == [1962, 3, 24]
    circa = Date.model_validate("1962~")
    assert circa.circa and circa.parts() == [1962]
    rng = Date.model_validate("1962-03/1962-05")
    assert rng.until is not None and rng.until.parts() == [1962, 5]
    with pytest.raises(ValueError):
        Date.model_validate("1962-05/1962-03")


def test_a_field_of_punctuation_only_is_refused():
    import pytest

    from citetool import store
    from citetool.errors import CitetoolError

    raw = {"id": "x1", "title": "Note", "short_title": "Note", "archive": "."}
    with pytest.raises(CitetoolError, match="archive: must contain a letter or a digit"):
        store.validate(raw, "x1.yaml")


YAML_BITS = [
    "id: x1\n", "title: T\n", "short_title: S\n", "archive: A\n", "date:\n", "  year: 1962\n",
    "authors:\n", "- org: O\n", "- family: F\n", "  given: G\n", "&a ", "*a", "!!python/object ",
    "{", "}", "[", "]", ": ", "- ", "  ", "\n", "'", '"', "#", "\t", "---\n", "...\n", "?",
    "source:\n", "  pages: 4-6\n", "keep_case: [", "url: http://x/{y}\n", "\ufeff", "\r\n",
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(YAML_BITS), max_size=30).map("".join),
))
def test_arbitrary_text_is_a_record_or_one_clean_error(text):
    """Fuzzing the loader: no traceback, only a valid record or a CitetoolError."""
    from citetool import store, yamlio
    from citetool.errors import CitetoolError

    try:
        raw = yamlio.load_text(yamlio.decode(text.encode("utf-8", "surrogatepass"), "f.yaml"),
                               "f.yaml")
        store.validate(raw, "f.yaml")
    except CitetoolError as exc:
        assert "\n" not in str(exc)


def test_an_error_message_is_always_one_line():
    err = CitetoolError("a\nb.yaml", "bad\rreason", "key\nname")
    assert str(err) == "a\\x0ab.yaml: key\\x0aname: bad\\x0dreason"


@pytest.mark.parametrize(("title", "reason"), [
    ("Note\nTwo", "one line of text"), ("Note\rTwo", "one line of text"),
    ("Note\x07", "one line of text"), ("No\x1fte", "one line of text"),
    ("___", "letter or a digit"), ("--.", "letter or a digit"), ("   ", "at least 1 character"),
])
def test_one_line_fields_refuse_breaks_controls_and_no_letters(title, reason):
    raw = {"id": "x1", "title": title, "short_title": "Note", "archive": "A"}
    with pytest.raises(CitetoolError, match=f"title: .*{reason}"):
        store.validate(raw, "x1.yaml")


def _reference_line_check(value):
    """The rule as first written, character by character."""
    value = value.strip()
    if not value:
        return "empty"
    if any(ord(c) < 32 and c != "\t" or c == "\x7f" for c in value):
        return "control"
    if not any(c.isalnum() for c in value):
        return "no letter"
    return value


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=12))
def test_one_line_check_equals_its_definition(value):
    from citetool.model import _clean_line

    expected = _reference_line_check(value)
    try:
        got = _clean_line(value)
    except ValueError as exc:
        got = {"must not be empty": "empty", "must contain a letter or a digit": "no letter"}.get(
            str(exc), "control")
    assert got == expected


@pytest.mark.parametrize("command", [["validate"], ["export", "--all"], ["cite", "x1"],
                                     ["list"]])
@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_record_name_that_is_no_file_is_reported_not_waited_on(tmp_path, command, kind):
    # opening a FIFO named like a record once blocked for ever, waiting for a writer
    import subprocess
    import sys

    write(tmp_path, "115325.yaml", SEED)
    target = tmp_path / "x1.yaml"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    result = subprocess.run([sys.executable, "-m", "citetool", "--records", str(tmp_path),
                             *command], capture_output=True, text=True, timeout=60)
    # list shows what it can and names what it skipped; the others fail
    assert result.returncode == (0 if command == ["list"] else 1)
    reason = "is not a regular file" if kind == "fifo" else "is a folder, not a record file"
    assert f"x1.yaml: {reason}" in result.stderr and "Traceback" not in result.stderr


# --- writing: libyaml's emitter where it writes what PyYAML's writes ------------------------

import yaml  # noqa: E402

_ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
_PROSE = st.lists(st.sampled_from(["word", "Kim Il Sung", " ", "\n", "\n\n", ": ", " #", "- ",
                                   "'", '"', "\u2019", "\u4e2d\u6587", "\u00e9", "\t", "\\",
                                   "\u2028", "\x85", "---", "...", "&a", "*b", "!t", "%", "@",
                                   "`", "|", ">", "?", "[x]", "{y}", ",", "1962", "null",
                                   "\U00020000", "\ufeff", "\x07"]),
                  max_size=20).map("".join)
_DATA = st.dictionaries(st.sampled_from(["id", "title", "text", "notes", "authors", "date"]),
                        st.one_of(_ANY_TEXT, _PROSE, st.lists(_PROSE, max_size=3),
                                  st.dictionaries(_PROSE, _PROSE, max_size=3),
                                  st.integers(), st.none(), st.booleans()),
                        max_size=6)


@settings(max_examples=500, deadline=None)
@given(_DATA)
def test_the_fast_emitter_writes_what_pyyamls_writes(data):
    # yamlio.dump uses libyaml's emitter unless a string is outside the BMP; either way the
    # text is PyYAML's emitter's, byte for byte, and reads back as the data
    reference = yaml.dump(data, Dumper=yamlio._Dumper, **yamlio._OPTIONS)
    assert yamlio.dump(data) == reference
    assert yaml.load(reference, Loader=yaml.CSafeLoader) == data


def test_a_name_outside_the_bmp_is_written_as_it_is():
    text = yamlio.dump({"title": "\U00020000\u4e2d"})
    assert text == "title: \U00020000\u4e2d\n"
