"""The one error type the library raises; the CLI turns it into a message and an exit code."""

from __future__ import annotations


class CitetoolError(Exception):
    """A problem with input data, carrying where it is (path, field) and why."""

    def __init__(self, path: str | None, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.path = path
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        return ": ".join(part for part in (self.path, self.field, self.reason) if part)


class UsageError(CitetoolError):
    """Bad usage that click itself cannot see (an unknown style asked through the library)."""
