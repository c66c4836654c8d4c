"""What the CSL engine costs in one process: importing mini-racer, starting V8, loading
citeproc-js, building a style, rendering one item; CPU and wall time and peak memory.

    python -m benchmarks.engine [--styles apa,modern-language-association] [--items 200]

Each step is timed once in a fresh process (the figures include no cache); rendering is the
mean over N synthetic records (benchmarks/generate.py). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

STEPS = r"""
import json, resource, sys, time
marks = []
def mark(name):
    marks.append((name, time.perf_counter(), time.process_time()))
mark("start")
from py_mini_racer import MiniRacer
mark("import mini-racer")
ctx = MiniRacer()
mark("start V8")
from citetool import csl
code = csl._VENDORED.read_text(encoding="utf-8")
ctx.eval("var module = {exports: {}};\n" + code + "\nvar CSL = module.exports;")
mark("load citeproc-js")
ctx.close()
source = csl.load(sys.argv[1])
style = csl.style(sys.argv[1], "entry")
engine = style.engine
mark("build the style (own V8)")
import citetool.api as citetool
records = citetool.open(sys.argv[2])
items = [records.get(i) for i in records.ids()]
mark("read records")
for record in items:
    style.piece(record)
mark("bibliography pieces")
cite = csl.style(sys.argv[1], "first")
for record in items:
    cite.piece(record)
mark("first citations")
out = {"steps": [], "n": len(items),
       "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
for (_, w0, c0), (name, w1, c1) in zip(marks, marks[1:]):
    out["steps"].append([name, w1 - w0, c1 - c0])
print(json.dumps(out))
"""


def main() -> None:
    """Run the measurement and print the report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine")
    parser.add_argument("--styles", default="apa,modern-language-association,"
                        "chicago-author-date,mhra-notes,turabian-notes-bibliography")
    parser.add_argument("--items", type=int, default=200)
    args = parser.parse_args()
    from .generate import generate

    folder = Path(tempfile.mkdtemp(prefix="citetool-engine-"))
    generate(folder, args.items)
    print(f"python {sys.version.split()[0]}; {args.items} records; one fresh process per style")
    print(f"{'style':<30} {'step':<26} {'wall':>9} {'cpu':>9}")
    for name in args.styles.split(","):
        with tempfile.TemporaryDirectory() as cache:
            done = subprocess.run([sys.executable, "-c", STEPS, name, str(folder)],
                                  capture_output=True, text=True, check=True,
                                  env={**os.environ, "CITETOOL_CACHE_DIR": cache})
        data = json.loads(done.stdout)
        for step, wall, cpu in data["steps"]:
            if step in ("bibliography pieces", "first citations"):
                step = f"{step} (per item)"
                wall, cpu = wall / data["n"], cpu / data["n"]
            print(f"{name:<30} {step:<26} {wall * 1000:7.1f} ms {cpu * 1000:7.1f} ms")
        print(f"{name:<30} {'peak memory':<26} {data['peak_mb']:7.1f} MB")


if __name__ == "__main__":
    main()
