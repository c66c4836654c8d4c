"""The canonical layout of a record file (`citetool fmt`): what store.to_yaml writes.

One layout for every record keeps a team's diffs to the lines that changed. A file is
rewritten only when its text differs, atomically; comments, which the layout cannot keep,
stop the rewrite instead of being lost.
"""

from __future__ import annotations

import bisect
import os
from pathlib import Path

from . import store
from .errors import CitetoolError


def canonical(path: Path) -> tuple[str, str]:
    """A record file's text and the same record in the canonical layout (validated first)."""
    text = store.read_text(path)
    record = store.load_path(path)
    line = comment_line(text)
    if line is not None:
        raise CitetoolError(str(path), f"has a comment (line {line}), which the canonical "
                            "layout cannot keep: delete it (or move it into notes), then run "
                            "fmt again")
    return text, store.to_yaml(record)


def comment_line(text: str) -> int | None:
    """The line of the first YAML comment other than the schema header, if there is one."""
    import yaml

    start = len(store.SCHEMA_LINE) if text.startswith(store.SCHEMA_LINE) else 0
    if "#" not in text[start:]:
        return None
    # a '#' is a comment unless it is inside a token (a quoted or block value, a plain
    # value such as "no.#5"): the pure-Python scanner gives every token's span
    spans: list[tuple[int, int]] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index < token.end_mark.index:
                spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        spans = []  # then every '#' after a space counts: keeping a file is the safe side
    starts = [s for s, _ in spans]
    at = text.find("#", start)
    while at != -1:
        i = bisect.bisect_right(starts, at) - 1
        inside = i >= 0 and spans[i][0] <= at < spans[i][1]
        if not inside and (at == 0 or text[at - 1] in " \t\n\r"):
            return text.count("\n", 0, at) + 1
        at = text.find("#", at + 1)
    return None


def format_file(path: Path, check: bool = False) -> bool:
    """Whether the file is (with `check`: would be) rewritten in the canonical layout.

    The bundled sample records are never written.
    """
    from . import fsio

    if not check:
        try:
            bundled = os.path.samefile(Path(path).parent, store.bundled_records())
        except OSError:
            bundled = False
        if bundled:
            raise CitetoolError(str(path), "is one of the bundled sample records, which are "
                                "read-only")
    text, wanted = canonical(path)
    if text == wanted:
        return False
    if not check:
        fsio.write_atomic(Path(path), wanted, force=True)
    return True
