"""The one error type the library raises; the CLI turns it into a message and an exit code."""

from __future__ import annotations

_ONE_LINE = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7f)}


class CitetoolError(Exception):
    """A problem with input data, carrying where it is (path, field) and why."""

    def __init__(self, path: str | None, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.path = path
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        text = ": ".join(part for part in (self.path, self.field, self.reason) if part)
        # one line, whatever a hostile file put in a key or value that the message quotes
        return text.translate(_ONE_LINE)


class UsageError(CitetoolError):
    """Bad usage that click itself cannot see (an unknown style asked through the library)."""


def close_matches(word: str, choices: list[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The choices closest to a misspelt word, for a "did you mean" in an error message."""
    import difflib  # only an error needs it, so a command that succeeds never loads it

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)
