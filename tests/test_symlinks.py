"""Every command treats a symlinked record the same: one that links outside the records folder
is refused by `cite`, `export` (ids or --all), `validate` and `list`; one inside is a record."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import BUNDLED

from citetool import store
from citetool.cli import cli

SEED = (BUNDLED / "115325.yaml").read_text(encoding="utf-8")


def _record(rid: str) -> str:
    return SEED.replace("id: '115325'", f"id: '{rid}'").replace(
        "/document/115325", f"/document/{rid}")


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A records folder with the seed, a link to a record inside the folder (`alias`, in a
    subfolder) and one to a record outside it (`evil`)."""
    folder = tmp_path / "records"
    (folder / "store").mkdir(parents=True)
    (folder / "115325.yaml").write_text(SEED, encoding="utf-8")
    (folder / "store" / "alias.yaml").write_text(_record("alias"), encoding="utf-8")
    (folder / "alias.yaml").symlink_to(Path("store") / "alias.yaml")
    (tmp_path / "evil.yaml").write_text(_record("evil"), encoding="utf-8")
    (folder / "evil.yaml").symlink_to(tmp_path / "evil.yaml")
    return folder


def _run(runner, folder: Path, *args: str):
    return runner.invoke(cli, ["--records", str(folder), *args])


def test_cite_refuses_a_link_outside(runner, linked):
    result = _run(runner, linked, "cite", "evil")
    assert result.exit_code == 1 and "evil.yaml: links outside the records folder" in result.stderr
    assert _run(runner, linked, "cite", "alias").exit_code == 0


@pytest.mark.parametrize("how", [["evil"], ["--all"]])
def test_export_refuses_a_link_outside(runner, linked, tmp_path, how):
    out = tmp_path / "refs.json"
    result = _run(runner, linked, "export", *how, "-s", "csl-json", "-o", str(out))
    assert result.exit_code == 1
    assert "evil.yaml: links outside the records folder" in result.stderr
    assert not out.exists()


def test_export_all_skips_a_link_outside_when_asked(runner, linked):
    result = _run(runner, linked, "export", "--all", "-s", "csl-json", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "skipped: " in result.stderr and "links outside the records folder" in result.stderr
    assert [item["id"] for item in json.loads(result.stdout)] == ["115325", "alias"]


def test_validate_refuses_a_link_outside(runner, linked):
    result = _run(runner, linked, "validate")
    assert result.exit_code == 1
    assert "evil.yaml: links outside the records folder" in result.stderr
    assert "1 of 3 records are invalid" in result.stderr
    assert _run(runner, linked, "validate", "evil").exit_code == 1


def test_list_leaves_out_a_link_outside(runner, linked):
    result = _run(runner, linked, "list", "--json")
    assert "links outside the records folder" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["115325", "alias"]
    queried = _run(runner, linked, "list", "--query", "koreans", "--json")
    assert "evil" not in queried.stdout and "alias" in queried.stdout


def test_a_link_moved_outside_after_caching_is_refused(runner, linked, tmp_path):
    """The cache keys entries by path; a link retargeted since is still checked."""
    assert _run(runner, linked, "export", "--all", "-s", "csl-json",
                "--skip-invalid").exit_code == 0
    (tmp_path / "alias.yaml").write_text(_record("alias"), encoding="utf-8")
    (linked / "alias.yaml").unlink()
    (linked / "alias.yaml").symlink_to(tmp_path / "alias.yaml")
    result = _run(runner, linked, "export", "--all", "-s", "csl-json")
    assert result.exit_code == 1 and "alias.yaml: links outside" in result.stderr


def test_only_symlinks_are_resolved(linked, monkeypatch):
    """A folder of plain files costs no path resolution at all (a hundred thousand records)."""
    for n in range(50):
        (linked / f"r{n}.yaml").write_text(_record(f"r{n}"), encoding="utf-8")
    calls = []
    real = Path.resolve

    def counting(self, *args, **kwargs):
        calls.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "resolve", counting)
    problems = []
    files = store.all_files(linked, problems)
    assert len(files) == 52 and [p.path for p in problems] == [str(linked / "evil.yaml")]
    assert len(calls) == 3  # the folder once, the two links


def test_a_link_to_a_folder_named_like_a_record_inside_is_not_outside(runner, linked):
    os.symlink("store", linked / "dir.yaml")
    result = _run(runner, linked, "validate")
    assert "dir.yaml: is a folder, not a record file" in result.stderr
