"""What every output style is: one record's output (a piece) and how pieces join into a whole.

`cite`, `export` and the cache all go through these two steps, so each style has exactly one
implementation. Pieces are plain JSON data: the cache keeps them, and `export` joins thousands
of them without loading or rendering any record again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Record


class Style:
    """An output style. Subclasses set `name` and `help` and implement `piece` (and `stream`
    when their pieces do not simply go one per line)."""

    name: str = ""
    help: str = ""
    pinpoint: bool = False  # whether the output shows a --page pinpoint
    keyed: bool = False  # whether entries carry a citation key (--key)

    def piece(self, record: Record, page: str | None = None) -> Any:
        """One record's output as plain JSON data (what the cache keeps when page is None)."""
        raise NotImplementedError

    def stream(self, pieces: Sequence[Any], export: bool = False,
               key: str = "id") -> Iterator[str]:
        """The joined text in chunks: `cite` keeps the order given, `export` the style's own
        order; "".join(chunks) is the whole text."""
        del export, key
        return lines(pieces)

    def join(self, pieces: Sequence[Any], export: bool = False, key: str = "id") -> str:
        """Pieces joined as `cite` (in order) or `export` (as the style orders them) prints."""
        return "".join(self.stream(pieces, export, key))

    def render(self, records: Sequence[Record], page: str | None = None,
               key: str = "id") -> str:
        """Records in the order given, as `cite` prints them."""
        return self.join([self.piece(r, page) for r in records], key=key)

    def export(self, records: Sequence[Record], key: str = "id") -> str:
        """Records as a bibliography file, as `export` writes it."""
        return self.join([self.piece(r) for r in records], export=True, key=key)

    def __repr__(self) -> str:
        return f"<style {self.name}>"


def lines(pieces: Sequence[str]) -> Iterator[str]:
    """One piece per line, in the order given."""
    for i, piece in enumerate(pieces):
        yield ("\n" + piece) if i else piece


def unique_keys(bases: Sequence[str]) -> list[str]:
    """Base keys made unique: every key that repeats gets a, b, c ... in order."""
    counts: dict[str, int] = {}
    for key in bases:
        counts[key] = counts.get(key, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for key in bases:
        if counts[key] == 1:
            out.append(key)
            continue
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(key + letters(n))
    return out


def letters(n: int) -> str:
    """a, b, ..., z, aa, ab, ..."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(97 + rem) + out
    return out
