"""Golden files: every record (fixtures and bundled) in every registered style.

Regenerate with `CITETOOL_UPDATE_GOLDEN=1 pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os

import pytest
from conftest import HERE, all_record_paths

from citetool import formats, store

GOLDEN = HERE / "golden"
CASES = [(p, s) for p in all_record_paths() for s in formats.STYLES]
EXTENSIONS = {"csl-json": "json", "bibtex": "bib", "biblatex": "bib", "ris": "ris"}


@pytest.mark.parametrize(("path", "style"), CASES, ids=[f"{p.stem}-{s}" for p, s in CASES])
def test_golden(path, style):
    record = store.load_path(path)
    out = formats.get(style).render([record]) + "\n"
    golden = GOLDEN / path.stem / f"{style}.{EXTENSIONS.get(style, 'txt')}"
    if os.environ.get("CITETOOL_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert golden.exists(), f"missing golden file {golden}"
    assert out == golden.read_text(encoding="utf-8")


def test_every_style_has_golden_files():
    for path in all_record_paths():
        names = {p.name.split(".")[0] for p in (GOLDEN / path.stem).iterdir()}
        assert names == set(formats.STYLES)
