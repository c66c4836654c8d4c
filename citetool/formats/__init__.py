"""The one registry of output styles: the CLI, the API, the README check and the golden tests
read their names, help and renderers from here.

Each style is one object (citetool.formats.base.Style) in the module of its format; the
modules import their heavy libraries (bibtexparser, rispy) only when they render.
"""

from __future__ import annotations

from ..errors import UsageError
from . import archive, bibtex, chicago, csljson, ris
from .base import Style

STYLES: dict[str, Style] = {
    s.name: s
    for s in (chicago.NOTE, chicago.SHORT, chicago.BIBLIOGRAPHY, archive.ARCHIVE, bibtex.BIBTEX,
              bibtex.BIBLATEX, csljson.CSL_JSON, ris.RIS)
}
DEFAULT_STYLE = "chicago-note"
# citation keys: the record id (stable, the same in every export), or first author and year
# made unique within one export (petrov_1960a, petrov_1960b)
KEYS = ("id", "author-year")
DEFAULT_KEY = "id"


def get(name: str) -> Style:
    """The style with this name, or a UsageError listing the known ones."""
    try:
        return STYLES[name]
    except KeyError:
        raise UsageError(
            None, f"unknown style {name!r}; choose from {', '.join(STYLES)}"
        ) from None
