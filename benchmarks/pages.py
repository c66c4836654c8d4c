"""Saved document pages of realistic size for the import benchmark, made from the test pages.

A browser's complete save of a document page is ~700 KB, most of it the site's inlined
icon-font CSS; the test pages are the first ~40 KB of such saves. Each copy gets its own
Record ID (and permanent URL) and is padded back to full size with CSS rules and a script.
"""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "html"
TARGET = 700 * 1024


def _padding(size: int) -> str:
    """Inlined CSS and a script of about `size` characters, like a complete save's."""
    rules = []
    n = 0
    total = 0
    while total < size * 0.9:
        rule = (f".fa-icon-{n}:before{{content:\"\\f{n % 4096:03x}\"}}"
                f".fa-icon-{n}.fa-duotone:after{{content:\"\\f{n % 4096:03x}\";opacity:.4}}\n")
        rules.append(rule)
        total += len(rule)
        n += 1
    script = "var a=[" + ",".join(str(i) for i in range(size // 60)) + "];\n"
    return f"<style>{''.join(rules)}</style>\n", f"<script>{script}</script>\n"


def write_pages(folder: Path, count: int) -> list[Path]:
    """`count` saved pages of ~700 KB in `folder`, each with a different Record ID."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [json.loads(line) for line in (FIXTURES / "index.jsonl").read_text().splitlines()]
    style, script = _padding(TARGET - 45 * 1024)
    paths = []
    for i in range(count):
        row = rows[i % len(rows)]
        rid = row["record_id"]
        new = str(900000 + i)
        text = (FIXTURES / row["file"]).read_text(encoding="utf-8")
        text = text.replace(f"/document/{rid}<", f"/document/{new}<")
        text = text.replace(f"\n{rid}\n", f"\n{new}\n")
        head, _, body = text.partition("</head>")
        text = head + style + "</head>" + body + script + "</body></html>\n"
        path = folder / f"page {i:04d} _ Wilson Center Digital Archive.html"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
