"""The one registry of output styles: the CLI, the API, the README check and the golden tests
read their names, help and renderers from here.

Each style is one object (citetool.formats.base.Style) in the module of its format. The
registry names where each lives and imports a module when one of its styles is first used:
`cite` in chicago-note starts without loading the BibTeX, CSL-JSON or RIS code.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from ..errors import UsageError
from .base import Style

# name -> (module in citetool.formats, attribute), in the order the CLI and the README list them
_WHERE = {
    "chicago-note": ("chicago", "NOTE"),
    "chicago-short": ("chicago", "SHORT"),
    "chicago-bibliography": ("chicago", "BIBLIOGRAPHY"),
    "archive": ("archive", "ARCHIVE"),
    "bibtex": ("bibtex", "BIBTEX"),
    "biblatex": ("bibtex", "BIBLATEX"),
    "csl-json": ("csljson", "CSL_JSON"),
    "ris": ("ris", "RIS"),
}


class Registry(Mapping[str, Style]):
    """The styles by name, each imported from its module on first use."""

    def __getitem__(self, name: str) -> Style:
        """The style with this name (KeyError if there is none)."""
        module, attribute = _WHERE[name]
        style: Style = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        return style

    def __iter__(self) -> Iterator[str]:
        """The style names, in the registry's order."""
        return iter(_WHERE)

    def __len__(self) -> int:
        """How many styles there are."""
        return len(_WHERE)


STYLES: Mapping[str, Style] = Registry()
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
