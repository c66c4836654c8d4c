"""The validated-record cache: same output as without it, never stale, never an error."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BUNDLED, FIXTURES, all_record_paths
from hypothesis import given
from hypothesis import strategies as st

from citetool import batch, cache, plain, store
from citetool.cli import cli
from citetool.formats import STYLES
from citetool.model import Person, Record, Source

HOUR_NS = 3600 * 10**9


@pytest.fixture
def corpus(tmp_path):
    """A records folder with every fixture and the seed, files dated an hour ago (settled)."""
    folder = tmp_path / "records"
    folder.mkdir()
    for path in all_record_paths():
        shutil.copy(path, folder / path.name)
    old = time.time_ns() - HOUR_NS
    for path in folder.iterdir():
        os.utime(path, ns=(old, old))
    return folder


def _run(runner, folder, *args):
    result = runner.invoke(cli, ["--records", str(folder), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_plain_records_have_the_model_fields():
    assert list(plain.RECORD_FIELDS) == list(Record.model_fields)
    assert list(plain.PERSON_FIELDS) == list(Person.model_fields)
    assert list(plain.SOURCE_FIELDS) == list(Source.model_fields)


@pytest.mark.parametrize("style", list(STYLES))
def test_plain_records_render_like_validated_ones(records, style):
    chosen = STYLES[style]
    validated = sorted(records.values(), key=lambda r: r.id)
    plains = [plain.record(r.model_dump(mode="json")) for r in validated]
    for page in (None, "5", "l. 3"):
        assert chosen.render(plains, page) == chosen.render(validated, page)


@pytest.mark.parametrize("style", list(STYLES))
def test_pieces_survive_the_cache(records, style):
    # the cache keeps pieces as JSON: joined after a JSON round trip they must print the same
    chosen = STYLES[style]
    validated = sorted(records.values(), key=lambda r: r.id)
    pieces = [json.loads(json.dumps(chosen.piece(r), ensure_ascii=False)) for r in validated]
    assert chosen.join(pieces) == chosen.render(validated)
    assert chosen.join(pieces, export=True) == chosen.export(validated)


@pytest.mark.parametrize("style", list(STYLES))
def test_cached_output_equals_uncached(runner, corpus, style):
    ids = sorted(p.stem for p in corpus.glob("*.yaml"))
    cold = _run(runner, corpus, "--no-cache", "export", "--all", "-s", style)
    first = _run(runner, corpus, "export", "--all", "-s", style)
    second = _run(runner, corpus, "export", "--all", "-s", style)
    assert cold == first == second
    page = ["-p", "7"] if STYLES[style].pinpoint else []
    for rid in ids[:5]:
        want = _run(runner, corpus, "--no-cache", "cite", rid, "-s", style, *page)
        assert _run(runner, corpus, "cite", rid, "-s", style, *page) == want
        assert _run(runner, corpus, "cite", rid, "-s", style, *page) == want


def test_a_warm_cache_reads_no_yaml(runner, corpus, monkeypatch):
    want = _run(runner, corpus, "export", "--all", "-s", "biblatex")
    _run(runner, corpus, "cite", "115325")
    _run(runner, corpus, "list", "--query", "koreans")

    def no_yaml(*args, **kwargs):
        raise AssertionError("read a record file despite a fresh cache")

    monkeypatch.setattr(store, "load_path", no_yaml)
    assert _run(runner, corpus, "export", "--all", "-s", "biblatex") == want
    assert "Koreans" in _run(runner, corpus, "cite", "115325")
    assert "115325" in _run(runner, corpus, "list", "--query", "koreans")
    assert _run(runner, corpus, "validate").startswith(f"{len(list(corpus.glob('*.yaml')))} ")


def _edit_same_size(path: Path, old: str, new: str, mtime_ns: int) -> None:
    assert len(old.encode()) == len(new.encode())
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_an_edit_in_the_same_second_keeping_the_size_is_seen(runner, corpus):
    path = corpus / "115325.yaml"
    mtime = os.stat(path).st_mtime_ns
    assert "Ethnic Koreans" in _run(runner, corpus, "cite", "115325", "-s", "chicago-short")
    # same size, same second, one nanosecond later
    _edit_same_size(path, "Ethnic Koreans", "Ethnic Koryoin", mtime + 1)
    assert os.stat(path).st_size == os.stat(path).st_size
    out = _run(runner, corpus, "cite", "115325", "-s", "chicago-short")
    assert "Ethnic Koryoin" in out
    assert "Koryoin" in _run(runner, corpus, "export", "--all", "-s", "biblatex")


def test_a_file_edited_just_now_is_not_trusted(runner, corpus):
    path = corpus / "115325.yaml"
    now = time.time_ns()
    os.utime(path, ns=(now, now))
    assert "Ethnic Koreans" in _run(runner, corpus, "cite", "115325", "-s", "chicago-short")
    # an edit in the same clock tick gives the same size and the same mtime
    _edit_same_size(path, "Ethnic Koreans", "Ethnic Koryoin", now)
    assert "Koryoin" in _run(runner, corpus, "cite", "115325", "-s", "chicago-short")


def test_settled_depends_on_timestamp_resolution():
    now = 10**18
    assert not cache.Stat(1, now - 10**6).settled(now)
    assert cache.Stat(1, now - 10**9 + 7).settled(now)
    assert not cache.Stat(1, now - 10**9).settled(now)  # whole seconds: 2 s window
    assert cache.Stat(1, now - 3 * 10**9).settled(now)


def test_another_version_or_schema_is_not_trusted(runner, corpus, monkeypatch):
    _run(runner, corpus, "cite", "115325")
    monkeypatch.setattr(cache, "stamp", lambda: "9.9:2:0")

    calls = []
    real = store.load_path
    monkeypatch.setattr(store, "load_path", lambda p: calls.append(p) or real(p))
    _run(runner, corpus, "cite", "115325")
    assert calls  # the record was read again


def test_no_cache_writes_nothing(runner, corpus, tmp_path, monkeypatch):
    where = tmp_path / "c"
    monkeypatch.setenv("CITETOOL_CACHE_DIR", str(where))
    _run(runner, corpus, "--no-cache", "export", "--all", "-s", "csl-json")
    assert not where.exists()


def test_xdg_cache_home_is_the_default(runner, corpus, tmp_path, monkeypatch):
    monkeypatch.delenv("CITETOOL_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    _run(runner, corpus, "cite", "115325")
    assert (tmp_path / "xdg" / "citetool" / cache.FILE_NAME).is_file()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "citetool"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_cache_folder_costs_nothing_but_speed(runner, corpus, tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    monkeypatch.setenv("CITETOOL_CACHE_DIR", str(ro / "cache"))
    assert "Koreans" in _run(runner, corpus, "cite", "115325")


@pytest.mark.parametrize("kind", ["a file", "garbage", "wrong shape", "cannot be created"])
def test_an_unusable_cache_is_ignored(runner, corpus, tmp_path, monkeypatch, kind):
    where = tmp_path / "cachedir"
    if kind == "cannot be created":
        where = Path("/proc/citetool-cannot-exist/cache")  # not even root can create it
    elif kind == "a file":
        where.write_text("not a folder")
    else:
        where.mkdir()
        (where / cache.FILE_NAME).write_bytes(b"garbage" * 100 if kind == "garbage" else b"")
        if kind == "wrong shape":
            db = sqlite3.connect(where / cache.FILE_NAME)
            db.execute("CREATE TABLE entry (x)")  # the wrong shape
            db.close()
    monkeypatch.setenv("CITETOOL_CACHE_DIR", str(where))
    want = _run(runner, corpus, "--no-cache", "export", "--all", "-s", "chicago-note")
    assert _run(runner, corpus, "export", "--all", "-s", "chicago-note") == want
    assert _run(runner, corpus, "validate").endswith("records valid\n")


def test_an_invalid_record_is_never_cached_as_valid(runner, corpus):
    path = corpus / "115325.yaml"
    _run(runner, corpus, "validate")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("year: 1962", "year: 196x"), encoding="utf-8")
    old = time.time_ns() - HOUR_NS
    os.utime(path, ns=(old, old))
    result = runner.invoke(cli, ["--records", str(corpus), "validate"])
    assert result.exit_code == 1 and "date.year" in result.stderr


def test_parallel_and_serial_loading_agree(corpus, monkeypatch):
    (corpus / "bad.yaml").write_text("id: bad\ntitle: [\n", encoding="utf-8")
    paths = store.all_files(corpus)
    style = STYLES["biblatex"]
    serial = [(x.id, x.entry and x.entry.piece("biblatex"), str(x.error))
              for x in batch.load(paths, style, None, workers=1)]
    monkeypatch.setattr(batch, "PARALLEL_MIN", 1)
    monkeypatch.setattr(batch, "CHUNK", 7)
    parallel = [(x.id, x.entry and x.entry.piece("biblatex"), str(x.error))
                for x in batch.load(paths, style, None, workers=2)]
    assert serial == parallel
    assert any("invalid YAML" in e for _, _, e in parallel)


def test_progress_bar_only_at_a_terminal(tmp_path):
    import pty

    sys.path.insert(0, str(Path(__file__).parent.parent))
    from benchmarks.generate import generate

    folder = tmp_path / "many"
    generate(folder, 320)
    env = {**os.environ, "CITETOOL_RECORDS": str(folder)}
    cmd = [sys.executable, "-m", "citetool", "--no-cache", "validate"]
    piped = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait()
    os.close(master)
    assert proc.returncode == 0
    assert b"validating" in out and b"100%" in out


def test_cached_bundled_record_is_the_seed(runner):
    first = runner.invoke(cli, ["cite", "115325"]).stdout
    assert first == runner.invoke(cli, ["cite", "115325"]).stdout
    assert first == runner.invoke(cli, ["--no-cache", "cite", "115325"]).stdout
    assert BUNDLED.is_dir() and FIXTURES.is_dir()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
def test_indented_json_equals_json_dumps(value):
    from citetool.formats.csljson import _indented

    assert _indented(value, "") == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_command_closes_the_cache_it_wrote(tmp_path):
    # closed at the end of the command, SQLite folds its write-ahead log back into the file;
    # a process that just ends leaves the log for the next one to read through
    env = {**os.environ, "CITETOOL_CACHE_DIR": str(tmp_path / "cache"),
           "CITETOOL_RECORDS": str(BUNDLED)}
    subprocess.run([sys.executable, "-m", "citetool", "export", "--all"], env=env,
                   stdout=subprocess.DEVNULL, check=True)
    assert (tmp_path / "cache" / cache.FILE_NAME).exists()
    assert not (tmp_path / "cache" / (cache.FILE_NAME + "-wal")).exists()


def test_the_library_closes_the_cache_at_the_end_of_a_with_block(tmp_path, monkeypatch):
    from citetool import api

    monkeypatch.setenv("CITETOOL_CACHE_DIR", str(tmp_path / "cache"))
    with api.open(BUNDLED) as records:
        records.export(api.Query(all=True))
        assert (tmp_path / "cache" / (cache.FILE_NAME + "-wal")).exists()
    assert not (tmp_path / "cache" / (cache.FILE_NAME + "-wal")).exists()
    assert records.cite(["115325"])  # the cache opens again when used after


def test_a_new_cache_has_pages_that_hold_several_records(tmp_path, monkeypatch):
    monkeypatch.setenv("CITETOOL_CACHE_DIR", str(tmp_path))
    cache.Cache.open().close()
    with sqlite3.connect(tmp_path / cache.FILE_NAME) as db:
        assert db.execute("PRAGMA page_size").fetchone()[0] == 16384
