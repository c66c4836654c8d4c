"""The one registry of output styles; the CLI reads its names, help and renderers from here.

Renderers are imported only when used, so `cite` in one style loads nothing for the others
(no bibtexparser for Chicago).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from ..model import Record

Renderer = Callable[..., str]


@dataclass(frozen=True)
class Style:
    """An output style: its name, a one-line description, and where its renderer lives."""

    name: str
    help: str
    target: str  # "module:function", imported on first use
    piece_target: str = ""  # pieces:function giving one record's cacheable output
    join_target: str = "lines"  # pieces:function joining pieces (no renderer needed)
    export_target: str | None = None  # a different renderer for whole bibliographies
    separator: str = "\n"  # between the outputs of several records in `cite`

    def _load(self, target: str) -> Renderer:
        module, _, func = target.partition(":")
        return getattr(importlib.import_module(f"{__name__}.{module}"), func)

    def piece(self, record: Record) -> Any:
        """One record's output as plain data (what the cache keeps)."""
        from . import pieces

        return getattr(pieces, self.piece_target)(record)

    def join(self, pieces: Sequence[Any], export: bool = False) -> str:
        """Pieces joined as `cite` (in order) or `export` (as the style orders them) prints."""
        return "".join(self.stream(pieces, export))

    def stream(self, pieces: Sequence[Any], export: bool = False) -> Iterator[str]:
        """The joined text in chunks, so a big export is written without one huge string."""
        from . import pieces as module

        return getattr(module, self.join_target)(pieces, export)

    def render(self, records: Sequence[Record], page: str | None = None) -> str:
        """Render records in the order given (`cite`)."""
        return self._load(self.target)(records, page)

    def export(self, records: Sequence[Record]) -> str:
        """Render records as a bibliography file (`export`)."""
        if self.export_target:
            return self._load(self.export_target)(records)
        return self._load(self.target)(records, None)


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style("chicago-note", "Chicago full note (CMOS 18)", "chicago:render_note", "note"),
        Style("chicago-short", "Chicago short note", "chicago:render_short", "short_note"),
        Style(
            "chicago-bibliography",
            "Chicago bibliography entry",
            "chicago:render_bibliography",
            "bibliography",
            "sorted_lines",
            export_target="chicago:render_sorted_bibliography",
        ),
        Style("archive", "the archive's recommended citation and URL", "archive:render",
              "archive"),
        Style("bibtex", "classic BibTeX @misc entries", "bibtex:render_bibtex", "bibtex",
              "entries"),
        Style("biblatex", "BibLaTeX @misc entries (biber)", "bibtex:render_biblatex",
              "biblatex", "entries"),
        Style("csl-json", "CSL-JSON array (pandoc, Zotero, citeproc)", "csljson:render",
              "csl_item", "json_array"),
    )
}
DEFAULT_STYLE = "chicago-note"


def get(name: str) -> Style:
    """The style with this name, or a UsageError listing the known ones."""
    try:
        return STYLES[name]
    except KeyError:
        raise UsageError(
            None, f"unknown style {name!r}; choose from {', '.join(STYLES)}"
        ) from None
