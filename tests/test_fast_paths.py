"""The fast paths taken for real-sized records give exactly what the plain checks give, and
the benchmark's records are of real size."""

from __future__ import annotations

import statistics

import pytest
from conftest import BUNDLED
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.generate import generate, seed_copies
from citetool import model, store
from citetool.errors import CitetoolError

# every kind of character the checks care about, and plenty of ordinary ones
_CHARS = st.one_of(
    st.characters(max_codepoint=0xA0),
    st.sampled_from(["\x85", "\u2028", "\u2029", "\u3000", "\ufeff", "\ud800", "\U0001f600",
                     "\u00a0", "\u200b", "П", "☐", "—"]),
    st.characters(),
)


def _reference_clean_line(value: str) -> str:
    """_clean_line as it was before its fast path."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if model._NOT_LINE.search(value):
        raise ValueError("must be one line of text without control characters")
    if not value[0].isalnum() and not model._ALNUM.search(value):
        raise ValueError("must contain a letter or a digit")
    return value


def _outcome(func, value):
    try:
        return func(value)
    except ValueError as exc:
        return str(exc)


@given(st.text(_CHARS, max_size=40))
def test_clean_line_equals_its_reference(value):
    assert _outcome(model._clean_line, value) == _outcome(_reference_clean_line, value)


@given(st.text(_CHARS, max_size=200))
def test_control_check_equals_the_regular_expression(value):
    assert model._has_control(value) == (model._CONTROL.search(value) is not None)


def test_a_control_character_deep_in_a_long_text_is_found():
    text = "A line of the document.\n" * 400
    for bad in ("\x00", "\x07", "\x0b", "\x1b", "\x7f"):
        middle = len(text) // 2
        assert model._has_control(text[:middle] + bad + text[middle:])
    assert not model._has_control(text + "\t\r\n☐")


def test_generated_records_are_of_real_size_and_valid(tmp_path):
    generate(tmp_path / "g", 60)
    sizes = []
    for path in sorted((tmp_path / "g").glob("*.yaml")):
        record = store.load_path(path)
        sizes.append(path.stat().st_size)
        assert len(record.text) > 2000 and max(map(len, record.text.split("\n"))) > 400
    seed = (BUNDLED / "115325.yaml").stat().st_size
    assert 0.7 * seed < statistics.median(sizes) < 1.4 * seed
    assert min(sizes) > 3000 and len(set(sizes)) > 30


def test_seed_copies_differ_only_in_their_ids(tmp_path):
    ids = seed_copies(tmp_path / "s", 3)
    records = [store.load(tmp_path / "s", rid) for rid in ids]
    seed = store.load(BUNDLED, "115325")
    for rid, record in zip(ids, records, strict=True):
        assert record.id == rid and record.url.endswith(rid)
        assert record.model_copy(update={"id": seed.id, "url": seed.url}) == seed


@pytest.mark.parametrize("bad", ["\\x01", "\\x7f", "\\e"])
def test_a_record_with_a_control_character_in_its_text_is_invalid(tmp_path, bad):
    seed = (BUNDLED / "115325.yaml").read_text(encoding="utf-8")
    head = seed[: seed.index("text: |-")]  # the text is the record's last field
    path = tmp_path / "115325.yaml"
    # a double-quoted escape is the one way YAML lets a control character in
    long = "A long text. " * 300
    path.write_text(head + f'text: "{long}{bad} and more"\n', encoding="utf-8")
    with pytest.raises(CitetoolError, match="control characters") as caught:
        store.load_path(path)
    assert caught.value.field == "text"
