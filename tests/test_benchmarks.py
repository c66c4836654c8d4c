"""The benchmark runs (at a small N) and prints its figures; no timing is asserted."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import HERE


def test_benchmark_smoke_run():
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}"
           f"{os.environ['PATH']}"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--sizes", "40,80", "--repeat", "1",
         "--styles", "chicago-note,biblatex", "--pages", "3", "--csl", "apa"],
        cwd=HERE.parent, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for row in ("baseline: python -c 'import click, yaml'", "cite 115325 (cold process)",
                "baseline: parse YAML (libyaml)", "validate (first)", "validate (second)",
                "export --all -s chicago-note (first)", "export --all -s biblatex (second)",
                "list --query (second)", "growth of wall time between sizes",
                "baseline: parse pages (lxml.html)", "import pages (library)",
                "import --dry-run pages (CLI, YAML)", "export --all --csl apa (second)",
                "export --all -s chicago-bibliography (second)",
                "--csl apa (second) vs chicago",
                "synthetic records", "seed records", "seed export --all -s biblatex first"):
        assert row in out, row
    # each corpus is measured against its own baseline, in this run
    assert out.count("baseline: parse YAML (libyaml)") == 4
