"""No lost writes: failures and kills mid-write leave the old file; concurrent imports don't mix."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from citetool import fsio, store
from citetool.cli import cli
from citetool.errors import CitetoolError

HERE = Path(__file__).parent
SEED = HERE / "fixtures" / "sources" / "115325.txt"


@pytest.mark.parametrize("step", ["write", "fsync", "replace", "link"])
def test_a_failure_at_any_step_keeps_the_old_file(tmp_path, monkeypatch, step):
    target = tmp_path / "out.txt"
    force = step != "link"  # link() publishes a new file; replace() overwrites with --force
    if force:
        target.write_text("old\n")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if step == "write":
        monkeypatch.setattr(fsio.os, "fdopen", lambda *a, **k: (_ for _ in ()).throw(
            OSError(28, "No space left on device")))
    else:
        monkeypatch.setattr(fsio.os, step, boom)
    with pytest.raises(CitetoolError, match="No space left on device"):
        fsio.write_atomic(target, "new\n" * 1000, force=force)
    if force:
        assert target.read_text() == "old\n"
    # no temporary file is left, and no new file appears half-written
    assert [p.name for p in tmp_path.iterdir()] == (["out.txt"] if force else [])


def test_export_output_survives_a_failed_write(tmp_path, monkeypatch, runner):
    out = tmp_path / "refs.bib"
    out.write_text("old\n")
    monkeypatch.setattr(fsio.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(5, "EIO")))
    result = runner.invoke(cli, ["export", "115325", "-s", "biblatex", "-o", str(out), "--force"])
    assert result.exit_code == 1 and "EIO" in result.stderr
    assert out.read_text() == "old\n"


KILLED_WRITER = textwrap.dedent("""
    import os, sys, time
    from citetool import fsio
    real_fsync = os.fsync
    def slow_fsync(fd):
        real_fsync(fd)
        print("written", flush=True)
        time.sleep(60)  # killed here: data on disk in the temporary file, not yet renamed
    fsio.os.fsync = slow_fsync
    fsio.write_atomic(sys.argv[1], "new record\\n" * 10000, force=True)
""")


def test_a_write_killed_midway_leaves_the_old_file(tmp_path):
    target = tmp_path / "115325.yaml"
    target.write_text("old record\n")
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "written"
    proc.kill()
    proc.wait()
    assert target.read_text() == "old record\n"
    assert store.all_ids(tmp_path) and list(store.all_ids(tmp_path)) == ["115325"]


def _page_variant(tmp_path: Path, n: int) -> Path:
    text = SEED.read_text(encoding="utf-8").replace("Koreans Crossing", f"Koreans Crossing {n}")
    path = tmp_path / f"variant{n}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_concurrent_imports_of_one_id_leave_one_complete_record(tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    pages = [_page_variant(tmp_path, n) for n in range(4)]
    env = {**os.environ, "CITETOOL_RECORDS": str(records)}
    expected = set()
    for page in pages:
        dry = subprocess.run([sys.executable, "-m", "citetool", "import", "--dry-run", str(page)],
                             env=env, capture_output=True, text=True, check=True)
        expected.add(dry.stdout)
    for _ in range(3):
        procs = [subprocess.Popen([sys.executable, "-m", "citetool", "import", "--force",
                                   str(p)], env=env, stderr=subprocess.PIPE)
                 for p in pages]
        assert all(p.wait() == 0 for p in procs)
        final = (records / "115325.yaml").read_text(encoding="utf-8")
        assert final in expected
        store.load(records, "115325")
    assert sorted(p.name for p in records.iterdir() if not p.name.startswith(".")) == [
        "115325.yaml", "record.schema.json"]


def test_concurrent_imports_without_force_write_exactly_one(tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    pages = [_page_variant(tmp_path, n) for n in range(4)]
    env = {**os.environ, "CITETOOL_RECORDS": str(records)}
    procs = [subprocess.Popen([sys.executable, "-m", "citetool", "import", str(p)], env=env,
                              stderr=subprocess.PIPE) for p in pages]
    codes = sorted(p.wait() for p in procs)
    assert codes == [0, 1, 1, 1]
    store.load(records, "115325")


def test_without_hard_links_an_existing_file_is_still_kept(tmp_path, monkeypatch):
    import errno

    monkeypatch.setattr(fsio.os, "link", lambda *a: (_ for _ in ()).throw(
        OSError(errno.EPERM, "Operation not permitted")))
    target = tmp_path / "new.txt"
    fsio.write_atomic(target, "first\n")
    assert target.read_text() == "first\n"
    with pytest.raises(CitetoolError, match="already exists"):
        fsio.write_atomic(target, "second\n")
    assert target.read_text() == "first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]
