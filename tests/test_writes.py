"""Writing through `-o` and into the records folder: devices, FIFOs, terminals and descriptors
are written into, never replaced; symlinks are followed; modes follow the umask or are kept;
killed writes leave nothing behind for long; the lock stays out of `git status`."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citetool import fsio
from citetool.cli import cli
from citetool.errors import CitetoolError

HERE = Path(__file__).parent
SEED_PAGE = HERE / "fixtures" / "sources" / "115325.txt"


def _export(runner, *args):
    return runner.invoke(cli, ["export", "115325", "-s", "bibtex", *args])


def _expected(runner) -> str:
    result = _export(runner)
    assert result.exit_code == 0
    return result.stdout


@pytest.fixture
def forget_sweeps():
    """Each test sees the folder sweep of a new process."""
    fsio._swept.clear()
    yield
    fsio._swept.clear()


# --- devices, FIFOs, terminals, descriptors -------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
@pytest.mark.parametrize("force", [False, True])
def test_a_device_is_written_into_not_replaced(runner, tmp_path, force):
    null = os.stat("/dev/null")
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, null.st_rdev)
    result = _export(runner, "-o", str(device), *(["--force"] if force else []))
    assert result.exit_code == 0, result.output
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == null.st_rdev
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def _read_fifo(fifo: Path, into: list[bytes]) -> None:
    with open(fifo, "rb") as reader:
        into.append(reader.read())


@pytest.mark.parametrize("force", [False, True])
def test_a_fifo_with_a_reader_receives_the_output(runner, tmp_path, force):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=_read_fifo, args=(fifo, got), daemon=True)
    reader.start()
    result = _export(runner, "-o", str(fifo), *(["--force"] if force else []))
    reader.join(5)
    if reader.is_alive():  # nothing opened the FIFO: release the reader before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
    assert result.exit_code == 0, result.output
    assert got == [_expected(runner).encode()]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_terminal_is_written_into(runner, tmp_path):
    master, slave = os.openpty()
    try:
        name = os.ttyname(slave)
        result = _export(runner, "-o", name, "--force")
        assert result.exit_code == 0, result.output
        chunks = []
        os.set_blocking(master, False)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                chunks.append(os.read(master, 65536))
            except BlockingIOError:
                if chunks:
                    break
                time.sleep(0.01)
        assert b"".join(chunks).replace(b"\r\n", b"\n") == _expected(runner).encode()
        assert stat.S_ISCHR(os.stat(name).st_mode)
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.parametrize("target", ["/dev/stdout", "/proc/self/fd/1"])
def test_dev_stdout_writes_to_standard_output(tmp_path, target):
    """Standard output is a pipe here, and a regular file below: both receive the text."""
    cmd = [sys.executable, "-m", "citetool", "export", "115325", "-s", "bibtex", "-o", target]
    piped = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0, piped.stderr
    expected = subprocess.run(cmd[:-2], capture_output=True, text=True, timeout=60).stdout
    assert piped.stdout == expected
    out = tmp_path / "out.bib"
    with open(out, "w") as handle:  # as `> out.bib`: created, so it exists (no --force)
        redirected = subprocess.run(cmd, stdout=handle, stderr=subprocess.PIPE, text=True,
                                    timeout=60)
    assert redirected.returncode == 0, redirected.stderr
    assert out.read_text() == expected
    assert stat.S_ISLNK(os.lstat("/dev/stdout").st_mode)


def test_a_link_to_a_descriptor_is_written_through(tmp_path):
    link = tmp_path / "out"
    link.symlink_to("/dev/stdout")
    cmd = [sys.executable, "-m", "citetool", "export", "115325", "-o", str(link), "--force"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "115325" in done.stdout or "Koreans" in done.stdout
    assert os.readlink(link) == "/dev/stdout"


# --- symlinks --------------------------------------------------------------------------------


def test_a_symlink_is_followed_and_its_file_replaced_atomically(runner, tmp_path):
    real = tmp_path / "real.bib"
    real.write_text("old\n")
    link = tmp_path / "link.bib"
    link.symlink_to("real.bib")
    before = os.stat(real).st_ino
    refused = _export(runner, "-o", str(link))
    assert refused.exit_code == 1 and "already exists" in refused.stderr
    assert real.read_text() == "old\n"
    result = _export(runner, "-o", str(link), "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "real.bib"
    assert real.read_text() == _expected(runner)
    assert os.stat(real).st_ino != before  # a new file renamed into place, not rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.bib", "real.bib"]


def test_a_dangling_symlink_creates_its_file(runner, tmp_path):
    link = tmp_path / "link.bib"
    link.symlink_to("sub/made.bib")
    (tmp_path / "sub").mkdir()
    result = _export(runner, "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and (tmp_path / "sub" / "made.bib").read_text() == _expected(runner)


def test_a_record_that_is_a_symlink_stays_one_on_import(runner, tmp_path):
    records = tmp_path / "records"
    (records / "store").mkdir(parents=True)
    (records / "store" / "115325.yaml").write_text("old\n")
    (records / "115325.yaml").symlink_to("store/115325.yaml")
    result = runner.invoke(cli, ["--records", str(records), "import", "--force",
                                 str(SEED_PAGE)])
    assert result.exit_code == 0, result.output
    assert (records / "115325.yaml").is_symlink()
    assert (records / "store" / "115325.yaml").read_text().startswith("# yaml-language")


# --- modes -----------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mask=st.integers(0, 0o777))
def test_a_new_file_gets_the_umask(tmp_path, mask):
    target = tmp_path / f"new{mask:o}.txt"
    old = os.umask(mask)
    try:
        fsio.write_atomic(target, "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~mask


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o600, 0o664, 0o444])
def test_a_replaced_file_keeps_its_mode(runner, tmp_path, mode):
    out = tmp_path / "refs.bib"
    out.write_text("old\n")
    out.chmod(mode)
    result = _export(runner, "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == mode
    assert out.read_text() == _expected(runner)


# --- interrupted writes ----------------------------------------------------------------------

KILLED_WRITER = """
import os, sys, time
from citetool import fsio
real_fsync = os.fsync
def slow_fsync(fd):
    real_fsync(fd)
    print("written", flush=True)
    time.sleep(60)
fsio.os.fsync = slow_fsync
fsio.write_atomic(sys.argv[1], "new\\n" * 1000, force=True)
"""


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path, forget_sweeps):
    target = tmp_path / "115325.yaml"
    target.write_text("old\n")
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "written"
    [left] = _temps(tmp_path)
    # a live writer's file is never touched
    os.utime(tmp_path / left, (time.time() - 120, time.time() - 120))
    fsio.write_atomic(tmp_path / "other.yaml", "x\n")
    assert _temps(tmp_path) == [left]
    proc.kill()
    proc.wait()
    fsio._swept.clear()
    os.utime(tmp_path / left)
    fsio.write_atomic(tmp_path / "other2.yaml", "x\n")
    assert _temps(tmp_path) == [left]  # just died: could still be another host's writer
    os.utime(tmp_path / left, (time.time() - 120, time.time() - 120))
    fsio._swept.clear()
    fsio.write_atomic(tmp_path / "other3.yaml", "x\n")
    assert _temps(tmp_path) == []
    assert target.read_text() == "old\n"


def test_a_days_old_temporary_file_goes_whoever_wrote_it(tmp_path, forget_sweeps):
    stale = tmp_path / f".a.yaml.citetool-{os.getppid()}-0badc0de.tmp"
    stale.write_text("half")
    kept = tmp_path / ".notes.tmp"  # not ours: kept
    kept.write_text("mine")
    day = time.time() - 25 * 3600
    os.utime(stale, (day, day))
    os.utime(kept, (day, day))
    fsio.write_atomic(tmp_path / "b.yaml", "x\n")
    assert not stale.exists() and kept.exists()


def test_an_interrupted_write_cleans_up_at_once(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"

    def chunks():
        yield "start\n"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fsio.write_atomic(target, chunks())
    assert list(tmp_path.iterdir()) == []


# --- the lock --------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_lock_file_stays_out_of_git_status(runner, tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    git = ["git", "-C", str(records), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    (records / "README").write_text("records\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    result = runner.invoke(cli, ["--records", str(records), "import", str(SEED_PAGE)])
    assert result.exit_code == 0, result.output
    assert (records / fsio.LOCK_FOLDER / fsio.LOCK_NAME).exists()
    status = subprocess.run([*git, "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    # the record and the schema file (for editors) are meant to be committed; nothing else
    expected = ["?? 115325.yaml", "?? record.schema.json"]
    assert status.splitlines() == expected, status
    with fsio.locked(records):
        status = subprocess.run([*git, "status", "--porcelain", "--untracked-files=all"],
                                capture_output=True, text=True, check=True).stdout
        assert status.splitlines() == expected, status


def test_a_folder_that_cannot_hold_the_lock_is_one_clear_error(tmp_path):
    (tmp_path / fsio.LOCK_FOLDER).write_text("a file where the lock folder goes")
    with pytest.raises(CitetoolError, match=str(tmp_path)), fsio.locked(tmp_path):
        pass
