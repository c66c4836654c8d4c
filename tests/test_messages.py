"""The commonest record mistakes get one line that says what to do: `path: field: reason`."""

from __future__ import annotations

import pytest
import yaml
from conftest import BUNDLED
from hypothesis import given
from hypothesis import strategies as st

from citetool import store, yamlio
from citetool.cli import cli
from citetool.errors import CitetoolError

SEED = (BUNDLED / "115325.yaml").read_text(encoding="utf-8")
DATA = yaml.safe_load(SEED)


def error_of(tmp_path, text: str) -> CitetoolError:
    path = tmp_path / "115325.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CitetoolError) as info:
        store.load_path(path)
    assert info.value.path == str(path)
    return info.value


@pytest.mark.parametrize(("old", "new", "field", "reason"), [
    ("short_title: Telegram on Ethnic Koreans", "short_title: Telegram: Ethnic Koreans",
     "short_title", "a colon and space in an unquoted value (line 6, column 22): quote the "
     "value ('...' or \"...\")"),
    ("- org: Chinese Embassy in North Korea", "- org: Embassy: North Korea", "org",
     "a colon and space in an unquoted value (line 18, column 15)"),
    ("  year: 1962", "\tyear: 1962", "year", "a tab in the indentation (line 11, column 1): "
     "use spaces"),
    ("  month: 3", "  month: 3\n \tday: 4", "day", "a tab in the indentation"),
    ("archive: Wilson Center", "archive: @Wilson Center", "archive",
     "a value cannot start with '@' (line 28, column 10): quote the value"),
    ("language: en", "language: `en`", "language", "a value cannot start with '`'"),
    ("language: en", " language: en", "language", "check the indentation of this line"),
])
def test_yaml_mistakes_say_what_to_do(tmp_path, runner, old, new, field, reason):
    assert old in SEED
    err = error_of(tmp_path, SEED.replace(old, new, 1))
    assert (err.field, reason in err.reason) == (field, True), str(err)
    result = runner.invoke(cli, ["--records", str(tmp_path), "validate"])
    assert result.output.startswith(f"{tmp_path / '115325.yaml'}: {field}: ")
    assert result.exit_code == 1 and len(result.output.splitlines()) == 2  # + the summary


TEXT_FIELDS = ["title", "short_title", "archive", "source_statement"]
WORD = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1,
               max_size=8)


@given(st.sampled_from(TEXT_FIELDS), WORD, WORD)
def test_a_colon_in_any_unquoted_value_is_explained_and_quoting_fixes_it(field, left, right):
    value = f"{left}: {right}"
    lines = [line for line in SEED.splitlines() if not line.startswith(f"{field}:")
             and not line.startswith("  ")]  # drop the field and every nested/continued line
    text = "\n".join([*lines, f"{field}: {value}"]) + "\n"
    with pytest.raises(CitetoolError) as info:
        yamlio.load_text(text, "r.yaml")
    assert info.value.field == field and "quote the value" in info.value.reason
    quoted = text.replace(f"{field}: {value}", f"{field}: '{value}'")
    assert yamlio.load_text(quoted, "r.yaml")[field] == value


@pytest.mark.parametrize(("old", "new", "field", "hint"), [
    ("  given: Jeffrey", "  given_name: Jeffrey", "translators.0.given_name", "given"),
    ("  call_number: PRC", "  callnumber: PRC", "source.callnumber", "call_number"),
    ("  month: 3", "  mnth: 3", "date.mnth", "month"),
    ("- org: Ministry of Public Security", "- orgg: Ministry of Public Security",
     "authors.1.orgg", "org"),
    ("  family_first: true", "  familyfirst: true", "obtained_by.0.familyfirst",
     "family_first"),
    ("shorttitle", "shorttitle", "shorttitle", "short_title"),
])
def test_nested_field_typos_get_a_suggestion(tmp_path, old, new, field, hint):
    # only top-level fields got "did you mean" before
    text = SEED.replace("short_title:", "shorttitle:") if old == "shorttitle" else \
        SEED.replace(old, new, 1)
    err = error_of(tmp_path, text)
    assert (err.field, err.reason) == (field, f"unknown field (did you mean {hint!r}?)")


def test_a_typo_in_a_date_range_gets_a_suggestion(tmp_path):
    text = SEED.replace("  day: 24", "  day: 24\n  until:\n    yeer: 1963")
    err = error_of(tmp_path, text)
    assert (err.field, err.reason) == ("date.until.yeer", "unknown field (did you mean 'year'?)")


def _leaves(value, where=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _leaves(inner, f"{where}.{i}")
    else:
        yield where


def _replace(value, parts, new):
    if not parts:
        return new
    head, *rest = parts
    if isinstance(value, list):
        return [_replace(v, rest, new) if i == int(head) else v for i, v in enumerate(value)]
    return {k: _replace(v, rest, new) if k == head else v for k, v in value.items()}


@given(st.sampled_from(sorted(_leaves(DATA))), st.text(max_size=20))
def test_a_placeholder_anywhere_is_refused_naming_its_field(where, rest):
    raw = _replace(DATA, where.split("."), f"{store.PLACEHOLDER} {rest}")
    with pytest.raises(CitetoolError) as info:
        store.validate(raw, "r.yaml")
    assert info.value.field == where and "placeholder" in info.value.reason


def test_a_value_that_only_mentions_todo_is_no_placeholder():
    raw = {**DATA, "summary": "A list of what TODO: next"}
    assert store.validate(raw, "r.yaml").summary == raw["summary"]


@pytest.mark.parametrize("written", ['"TODO: the title"', '"\\x54ODO: the title"',
                                     '"TO\\\n  DO: the title"', "' TODO: the title'"])
def test_a_placeholder_in_a_record_file_is_refused_however_it_is_written(tmp_path, written):
    # reading a file looks for the placeholder only when its text could hold one: the
    # literal text, or an escape that writes it
    import yaml

    text = yaml.safe_dump({**DATA, "id": "r1", "title": "Placeholder"}, sort_keys=False,
                          allow_unicode=True)
    text = text.replace("title: Placeholder\n", f"title: {written}\n")
    assert written in text
    path = tmp_path / "r1.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CitetoolError, match="placeholder") as info:
        store.load_path(path)
    assert info.value.field == "title"
