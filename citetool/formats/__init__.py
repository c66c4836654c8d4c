"""The one registry of output styles; the CLI reads its names, help and renderers from here.

Renderers are imported only when used, so `cite` in one style loads nothing for the others
(no bibtexparser for Chicago).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    export_target: str | None = None  # a different renderer for whole bibliographies
    separator: str = "\n"  # between the outputs of several records in `cite`

    def _load(self, target: str) -> Renderer:
        module, _, func = target.partition(":")
        return getattr(importlib.import_module(f"{__name__}.{module}"), func)

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
        Style("chicago-note", "Chicago full note (CMOS 18)", "chicago:render_note"),
        Style("chicago-short", "Chicago short note", "chicago:render_short"),
        Style(
            "chicago-bibliography",
            "Chicago bibliography entry",
            "chicago:render_bibliography",
            export_target="chicago:render_sorted_bibliography",
        ),
        Style("archive", "the archive's recommended citation and URL", "archive:render"),
        Style("bibtex", "classic BibTeX @misc entries", "bibtex:render_bibtex"),
        Style("biblatex", "BibLaTeX @misc entries (biber)", "bibtex:render_biblatex"),
        Style("csl-json", "CSL-JSON array (pandoc, Zotero, citeproc)", "csljson:render"),
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
