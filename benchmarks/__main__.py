"""Benchmark citetool against baselines measured in the same run; prints figures, asserts nothing.

    python -m benchmarks [--sizes 1000,10000,100000] [--repeat 3] [--styles all]
                         [--corpora synthetic,seed] [--pages 500] [--csl apa]

For each N, two corpora of N records are written to a temporary folder in turn
(benchmarks/generate.py): "synthetic", varied records of real size (a text of several
kilobytes, as real records carry), and "seed", N copies of the seed record 115325 (6.6 KB)
under other ids.
Every operation runs as a fresh process (as a user runs it); the figures are the median wall
time of the repeats, the median CPU time (user and system, the process's workers included)
and the peak memory (max RSS) of the process, each with its ratio to a baseline run the same
way in the same session; the operations' ratios are paired: each run is divided by a run of
the baseline just before it, and the median of those ratios is shown (targets are on wall
time; on a machine shared with other work, the CPU ratio shows what the wall ratio hides:
parallel workers help only while cores are free):
  - cold `citetool cite ID` against `python -c "import click, yaml"`; the cite runs after one
    other call, so it may use the cache (the cold start is the process, not the cache), and
    with citetool's bytecode compiled, as a pip install leaves it;
  - `validate`, `export --all` (each style) and `list --query` against parsing the same YAML
    files with PyYAML's libyaml loader in one process: "first" with an empty cache, "second"
    with the cache of the first and no file changed.
  - importing a folder of saved document pages of realistic size (~700 KB, benchmarks/pages.py)
    with the library (read, parse, build and validate each record) and with
    `citetool import --dry-run` (which also writes each record as YAML), against parsing the same
    files with lxml.html alone in one process.
  - `export --all --csl STYLE` (each of --csl, default apa; needs the `csl` extra) also against
    `export --all -s chicago-bibliography` measured in the same run, first against first and
    second against second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from .generate import generate, seed_copies
from .pages import write_pages

PARSE = (
    "import sys, yaml, pathlib\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
)
STYLES = ["chicago-note", "chicago-short", "chicago-bibliography", "archive", "bibtex",
          "biblatex", "csl-json"]
PARSE_HTML = (
    "import sys, pathlib, lxml.html\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.html')):\n"
    "    lxml.html.document_fromstring(p.read_bytes())\n"
)
IMPORT_HTML = (
    "import sys, pathlib\n"
    "from citetool import importers, store\n"
    "paths = [str(p) for p in sorted(pathlib.Path(sys.argv[1]).glob('*.html'))]\n"
    "for label, outcomes in importers.load_many(paths):\n"
    "    for outcome in outcomes:\n"
    "        store.validate(outcome.raw, label)\n"
)
TARGETS = {"cite": 1.5, "first": 1.3, "second": 0.3, "import": 2.0}
CSL_BASE = "chicago-bibliography"  # what a CSL export is compared with
CSL_SECOND = 1.2  # a second CSL export costs what a Chicago export costs (noise allowed)
CORPORA = {"synthetic": generate, "seed": seed_copies}
PEAK_MB = 300  # export --all at 100k records
LIST_SECONDS = 1.0  # list --query at 100k records, after the first run


class Figure(NamedTuple):
    """What one operation cost: wall seconds, peak RSS (MB), CPU seconds (its workers too)."""

    wall: float
    peak: float
    cpu: float


def run(cmd: list[str], env: dict[str, str]) -> Figure:
    """Wall seconds, peak RSS (MB) and CPU seconds (user and system, with the process's
    workers, which it waits for) of one process."""
    # stderr goes to a file: a command that says much there (import names what it kept in
    # notes for each page) would fill a pipe that is read only at the end, and hang
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        errors.seek(0)
        err = errors.read().decode(errors="replace")[-3000:]
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        shown = " ".join(cmd[:8]) + (f" ... ({len(cmd)} arguments)" if len(cmd) > 8 else "")
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {shown}\n{err}")
    return Figure(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def measure(cmd: list[str], env: dict[str, str], repeat: int, fresh_cache: bool = False,
            before: list[str] | None = None) -> Figure:
    """Median wall and CPU time and peak memory over repeats (a new empty cache each time if
    asked)."""
    figures = []
    for _ in range(repeat):
        run_env = dict(env)
        if fresh_cache:
            run_env["CITETOOL_CACHE_DIR"] = tempfile.mkdtemp(prefix="citetool-bench-cache-")
        if before:
            run(before, run_env)
        figures.append(run(cmd, run_env))
        if fresh_cache:
            shutil.rmtree(run_env["CITETOOL_CACHE_DIR"], ignore_errors=True)
    return _median(figures)


def _median(figures: list[Figure]) -> Figure:
    return Figure(statistics.median(f.wall for f in figures), max(f.peak for f in figures),
                  statistics.median(f.cpu for f in figures))


def paired(cmd: list[str], baseline: list[str], env: dict[str, str], repeat: int,
           fresh_cache: bool = False, before: list[str] | None = None) -> tuple[Figure, Figure]:
    """The command and its baseline in turn (baseline, command, baseline, command, ...): the
    command's median figures, and the medians of each run's ratios to the baseline run just
    before it. A machine whose speed drifts (other work starting or stopping) moves these
    ratios far less than a ratio of two medians taken minutes apart."""
    figures, ratios = [], []
    for _ in range(repeat):
        base = run(baseline, env)
        fig = measure(cmd, env, 1, fresh_cache, before)
        figures.append(fig)
        ratios.append(Figure(fig.wall / base.wall, fig.peak / base.peak, fig.cpu / base.cpu))
    return _median(figures), Figure(statistics.median(r.wall for r in ratios),
                                    statistics.median(r.peak for r in ratios),
                                    statistics.median(r.cpu for r in ratios))


def line(name: str, n: int | str, fig: Figure, base: Figure, target: float | None = None,
         peak_mb: float | None = None, seconds: float | None = None,
         ratios: Figure | None = None) -> str:
    """One row of the report, with the targets that apply to it marked ok or OVER (the
    targets are on wall time; CPU time is shown beside it, as a shared machine's load moves
    wall time but hardly CPU time). The ratios are `ratios` (paired runs) when given, else
    the figures divided by the baseline's."""
    if ratios is None:
        ratios = Figure(fig.wall / base.wall, fig.peak / base.peak, fig.cpu / base.cpu)
    ratio = ratios.wall
    marks = []
    if target is not None:
        marks.append("ok" if ratio <= target else f"OVER {target}x")
    if peak_mb is not None:
        marks.append(f"peak ok (<= {peak_mb} MB)" if fig.peak <= peak_mb else
                     f"peak OVER {peak_mb} MB")
    if seconds is not None:
        marks.append(f"<= {seconds} s ok" if fig.wall <= seconds else f"OVER {seconds} s")
    mark = ("  " + ", ".join(marks)) if marks else ""
    return (f"{name:<34} {n!s:>7} {fig.wall:9.3f} s {ratio:7.2f}x {fig.cpu:8.3f} s "
            f"{ratios.cpu:6.2f}x {fig.peak:8.1f} MB {ratios.peak:6.2f}x{mark}")


def main() -> None:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--styles", default="all")
    parser.add_argument("--corpora", default=",".join(CORPORA))
    parser.add_argument("--pages", type=int, default=500,
                        help="saved pages to import (0: skip)")
    parser.add_argument("--csl", default="apa",
                        help="CSL styles to export, comma-separated ('' for none)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    corpora = args.corpora.split(",")
    styles = STYLES if args.styles == "all" else args.styles.split(",")
    csl_styles = [c for c in args.csl.split(",") if c]
    if csl_styles and CSL_BASE not in styles:
        styles = [*styles, CSL_BASE]
    # the console script a user runs: the one installed beside this interpreter (a venv's
    # bin/), else one on PATH, else `python -m citetool` (runpy costs it a few ms more)
    beside = Path(sys.executable).parent / "citetool"
    script = str(beside) if beside.is_file() else shutil.which("citetool")
    exe = [script] if script else [sys.executable, "-m", "citetool"]
    root = Path(tempfile.mkdtemp(prefix="citetool-bench-"))
    env = {**os.environ, "CITETOOL_CACHE_DIR": str(root / "cache")}
    # as pip installs it: bytecode compiled once, as click's and PyYAML's already is (with
    # PYTHONDONTWRITEBYTECODE set, every cold start would compile citetool from source)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    import citetool

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(citetool.__file__).parent)],
                   env=env, check=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, repeat {args.repeat}; "
          "ratios are to the baseline above each block")
    header = (f"{'operation':<34} {'N':>7} {'wall':>11} {'ratio':>8} {'cpu':>10} {'ratio':>7} "
              f"{'peak':>11} {'ratio':>7}")
    figures: dict[tuple[str, int], float] = {}
    try:
        print(header)
        imports = [sys.executable, "-c", "import click, yaml"]
        base_cite = measure(imports, env, max(args.repeat, 11))
        print(line("baseline: python -c 'import click, yaml'", "-", base_cite, base_cite))
        cite, ratios = paired(exe + ["cite", "115325"], imports, env, max(args.repeat, 11),
                              before=exe + ["validate", "115325"])
        print(line("cite 115325 (cold process)", "-", cite, base_cite, TARGETS["cite"],
                   ratios=ratios))
        for corpus in corpora:
            for n in sizes:
                _corpus(corpus, n, root, env, exe, args.repeat, styles, figures, csl_styles)
        if args.pages:
            import_pages(root, args.pages, min(args.repeat, 3), env, exe)
        if len(sizes) > 1:
            print("\ngrowth of wall time between sizes (linear: the ratio of the sizes)")
            for key in sorted({k for k, _ in figures}, key=lambda k: (k.split()[0], k)):
                steps = [figures[(key, n)] for n in sizes if (key, n) in figures]
                growth = " -> ".join(f"{b / a:.1f}x" for a, b in zip(steps, steps[1:],
                                                                     strict=False))
                print(f"  {key:<44} {growth}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _corpus(corpus: str, n: int, root: Path, env: dict[str, str], exe: list[str], repeat: int,
            styles: list[str], figures: dict[tuple[str, int], float],
            csl_styles: list[str] = ()) -> None:
    """Measure every operation on one corpus of N records against its own libyaml parse."""
    folder = root / f"{corpus}{n}"
    CORPORA[corpus](folder, n)
    time.sleep(0.2)  # let the newest files settle (see citetool.cache)
    renv = {**env, "CITETOOL_RECORDS": str(folder)}
    print(f"\n{corpus} records")
    parse = [sys.executable, "-c", PARSE, str(folder)]
    base = measure(parse, renv, repeat)
    print(line("baseline: parse YAML (libyaml)", n, base, base))
    ops = [("validate", ["validate"])]
    ops += [(f"export --all -s {s}", ["export", "--all", "-s", s]) for s in styles]
    ops += [("list --query", ["list", "--query", "koreans"])]
    ops += [(f"export --all --csl {c}", ["export", "--all", "--csl", c]) for c in csl_styles]
    measured: dict[str, tuple[Figure, Figure]] = {}
    for name, argv in ops:
        big = n >= 100_000
        peak_mb = PEAK_MB if big and name.startswith("export") else None
        seconds = LIST_SECONDS if big and name.startswith("list") else None
        is_csl = "--csl" in argv
        first, ratios = paired(exe + argv, parse, renv, repeat, fresh_cache=True)
        print(line(f"{name} (first)", n, first, base, None if is_csl else TARGETS["first"],
                   peak_mb, ratios=ratios))
        renv["CITETOOL_CACHE_DIR"] = str(root / f"cache-{corpus}{n}")
        run(exe + argv, renv)
        second, ratios = paired(exe + argv, parse, renv, repeat)
        print(line(f"{name} (second)", n, second, base, None if is_csl else TARGETS["second"],
                   peak_mb, seconds, ratios=ratios))
        figures[(f"{corpus} {name} first", n)] = first.wall
        figures[(f"{corpus} {name} second", n)] = second.wall
        measured[name] = (first, second)
    chicago = measured.get(f"export --all -s {CSL_BASE}")
    for c in csl_styles if chicago is not None else ():
        first, second = measured[f"export --all --csl {c}"]
        print(line(f"  --csl {c} (first) vs chicago", n, first, chicago[0]))
        print(line(f"  --csl {c} (second) vs chicago", n, second, chicago[1], CSL_SECOND))
    figures[(f"{corpus} baseline", n)] = base.wall
    shutil.rmtree(folder)


def import_pages(root: Path, n: int, repeat: int, env: dict[str, str], exe: list[str]) -> None:
    """Import n saved pages of ~700 KB: library and CLI, against lxml.html parsing them."""
    folder = root / "pages"
    paths = write_pages(folder, n)
    empty = root / "records-empty"
    empty.mkdir(exist_ok=True)
    commands = {
        "base": [sys.executable, "-c", PARSE_HTML, str(folder)],
        "lib": [sys.executable, "-c", IMPORT_HTML, str(folder)],
        "cli": exe + ["--records", str(empty), "import", "--dry-run", *map(str, paths)],
    }
    # the three take turns, so that a change in the machine's load hits them alike
    runs: dict[str, list[Figure]] = {k: [] for k in commands}
    for _ in range(repeat):
        for key, cmd in commands.items():
            runs[key].append(run(cmd, env))
    base, lib, cli = (_median(runs[k]) for k in commands)

    def ratios(key: str) -> Figure:  # each run to the baseline run of its turn
        return _median([Figure(r.wall / b.wall, r.peak / b.peak, r.cpu / b.cpu)
                        for r, b in zip(runs[key], runs["base"], strict=True)])

    print("\nsaved pages")
    print(line("baseline: parse pages (lxml.html)", n, base, base))
    print(line("import pages (library)", n, lib, base, TARGETS["import"], ratios=ratios("lib")))
    print(line("import --dry-run pages (CLI, YAML)", n, cli, base, TARGETS["import"],
               ratios=ratios("cli")))
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
