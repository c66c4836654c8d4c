"""The cache never serves stale or damaged output: pieces belong to the entry they were
rendered from, damaged rows and files are rebuilt, writes survive a crash."""

from __future__ import annotations

import gc
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import BUNDLED

from citetool import batch, cache, store
from citetool.cli import cli
from citetool.formats import STYLES

HOUR_NS = 3600 * 10**9
SEED = (BUNDLED / "115325.yaml").read_text(encoding="utf-8")


@pytest.fixture
def folder(tmp_path):
    """The seed record, dated an hour ago (settled)."""
    where = tmp_path / "records"
    where.mkdir()
    _write(where / "115325.yaml", SEED, HOUR_NS)
    return where


def _write(path, text, age_ns):
    path.write_text(text, encoding="utf-8")
    then = time.time_ns() - age_ns
    os.utime(path, ns=(then, then))


def _run(runner, folder, *args):
    result = runner.invoke(cli, ["--records", str(folder), *args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


def _db():
    return sqlite3.connect(cache.cache_dir() / cache.FILE_NAME)


EDITED = SEED.replace("Ethnic Koreans Crossing", "Edited Koreans Crossing")


def test_a_piece_rendered_from_an_entry_refreshed_meanwhile_is_never_served(runner, folder):
    """Run A renders a style's piece from the cached entry; meanwhile the file is edited and
    run B refreshes the entry; A then stores its piece. It must not be served for B's entry."""
    path = folder / "115325.yaml"
    _run(runner, folder, "validate")  # an entry, no chicago-note piece yet
    style = STYLES["chicago-note"]
    run_a = batch.load([path], style, cache.Cache.open())
    assert "Ethnic Koreans" in next(run_a).entry.piece(style.name)  # piece rendered, queued
    _write(path, EDITED, HOUR_NS // 2)
    assert "Edited Koreans" in _run(runner, folder, "export", "--all", "-s", "archive")
    list(run_a)  # run A ends: its queued piece is written now
    out = _run(runner, folder, "export", "--all", "-s", "chicago-note")
    assert "Edited Koreans" in out and "Ethnic Koreans" not in out
    assert "Edited Koreans" in _run(runner, folder, "cite", "115325")


def test_an_entry_from_before_an_edit_is_never_served(runner, folder):
    """A slow run that read the old file stores its entry after a run that read the new
    one: the old entry carries the old file's size and time, so it is not trusted."""
    path = folder / "115325.yaml"
    old = cache.Stat.of(path)
    slow = cache.Cache.open()
    entry = batch.make_entry(store.load_path(path), [STYLES["chicago-note"]])
    _write(path, EDITED, HOUR_NS // 2)
    assert "Edited" in _run(runner, folder, "export", "--all")
    slow.put(path, old, entry)
    slow.flush()
    assert "Edited" in _run(runner, folder, "export", "--all")
    assert "115325" in _run(runner, folder, "list", "--query", "edited koreans")


# --- damaged rows ----------------------------------------------------------------------------


def _damage(column: str, how: str) -> None:
    table = "piece" if column == "value" else "entry"
    with _db() as db:
        [value] = db.execute(f"SELECT {column} FROM {table}").fetchone()  # noqa: S608
        if how == "truncated":
            value = value[: len(value) // 2]
        elif how == "wrong date":
            value = value.replace("1962", "1926").replace("March", "April")
        else:
            value = "\x00garbage"
        db.execute(f"UPDATE {table} SET {column} = ?", (value,))  # noqa: S608


@pytest.mark.parametrize("how", ["truncated", "wrong date", "garbage"])
@pytest.mark.parametrize("column", ["data", "listing", "value", "search"])
def test_a_damaged_row_is_detected_and_rebuilt(runner, folder, column, how):
    want_export = _run(runner, folder, "--no-cache", "export", "--all")
    want_list = _run(runner, folder, "--no-cache", "list", "--json")
    want_cite = _run(runner, folder, "--no-cache", "cite", "115325", "-s", "archive")
    want_query = _run(runner, folder, "--no-cache", "list", "--query", "koreans")
    _run(runner, folder, "export", "--all")
    _damage(column, how)
    assert _run(runner, folder, "export", "--all") == want_export
    _damage(column, how) if column != "value" else None
    assert _run(runner, folder, "list", "--json") == want_list
    _damage(column, how) if column != "value" else None
    assert _run(runner, folder, "list", "--query", "koreans") == want_query
    _damage(column, how) if column != "value" else None
    assert _run(runner, folder, "cite", "115325", "-s", "archive") == want_cite
    # rebuilt: the next run is answered from the cache again, with the right text
    with _db() as db:
        rows = db.execute("SELECT data FROM entry").fetchall()
    assert len(rows) == 1 and "1962" in rows[0][0]


def test_a_damaged_cache_file_is_rebuilt(runner, folder):
    want = _run(runner, folder, "--no-cache", "export", "--all", "-s", "bibtex")
    _run(runner, folder, "export", "--all", "-s", "bibtex")
    gc.collect()  # the run's connection closes, as its process would have ended
    name = cache.cache_dir() / cache.FILE_NAME
    for suffix in ("-wal", "-shm"):
        if os.path.exists(str(name) + suffix):
            os.unlink(str(name) + suffix)
    data = bytearray(name.read_bytes())
    data[100:] = b"\xa5" * (len(data) - 100)  # pages overwritten, header kept
    name.write_bytes(bytes(data))
    assert _run(runner, folder, "export", "--all", "-s", "bibtex") == want
    gc.collect()
    # rebuilt, not merely bypassed: the entry is cached again
    with _db() as db:
        assert db.execute("SELECT count(*) FROM entry").fetchone()[0] == 1
    assert _run(runner, folder, "export", "--all", "-s", "bibtex") == want


def test_a_file_that_is_not_a_database_is_replaced(runner, folder):
    name = cache.cache_dir() / cache.FILE_NAME
    name.parent.mkdir(parents=True, exist_ok=True)
    name.write_bytes(b"garbage" * 1000)
    want = _run(runner, folder, "--no-cache", "export", "--all")
    assert _run(runner, folder, "export", "--all") == want
    with _db() as db:
        assert db.execute("SELECT count(*) FROM entry").fetchone()[0] == 1


def test_a_cache_of_an_older_layout_is_rebuilt(runner, folder):
    name = cache.cache_dir() / cache.FILE_NAME
    name.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(name)
    db.execute("CREATE TABLE entry (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
               " stamp TEXT, data TEXT, search TEXT, listing TEXT)")
    db.execute("CREATE TABLE piece (path TEXT, style TEXT, value TEXT,"
               " PRIMARY KEY (path, style))")
    db.commit()
    db.close()
    want = _run(runner, folder, "--no-cache", "export", "--all")
    assert _run(runner, folder, "export", "--all") == want
    with _db() as db:
        assert db.execute("SELECT count(*) FROM entry").fetchone()[0] == 1


# --- crash safety ----------------------------------------------------------------------------


def test_the_journal_survives_a_crash_of_the_machine():
    """WAL with synchronous=NORMAL: a power cut may lose the last writes, never the file
    (synchronous=OFF could leave it corrupt)."""
    opened = cache.Cache.open()
    assert opened is not None
    assert opened._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert opened._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


KILLED_FLUSH = """
import os, sys, time
from citetool import batch, cache, store
from pathlib import Path
c = cache.Cache.open()
paths = sorted(Path(sys.argv[1]).glob("*.yaml"))
class Slow:
    def __init__(self, db):
        self.db = db
    def __getattr__(self, name):
        return getattr(self.db, name)
    def __enter__(self):
        return self.db.__enter__()
    def __exit__(self, *exc):
        return self.db.__exit__(*exc)
    def executemany(self, sql, rows):
        out = self.db.executemany(sql, rows)
        if "INTO entry" in sql:
            print("inside", flush=True)
            time.sleep(60)
        return out
c._db = Slow(c._db)
for loaded in batch.load(paths, None, c):
    pass
"""


def test_a_writer_killed_mid_transaction_leaves_a_good_cache(runner, folder, tmp_path):
    for n in range(20):
        _write(folder / f"r{n}.yaml", SEED.replace("id: '115325'", f"id: 'r{n}'"), HOUR_NS)
    want = _run(runner, folder, "--no-cache", "export", "--all", "-s", "csl-json")
    proc = subprocess.Popen([sys.executable, "-c", KILLED_FLUSH, str(folder)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "inside"
    proc.kill()
    proc.wait()
    assert _run(runner, folder, "export", "--all", "-s", "csl-json") == want
    assert json.loads(want)[0]["id"] == "115325"
    shutil.rmtree(cache.cache_dir())
