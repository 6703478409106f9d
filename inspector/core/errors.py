"""Error types the core raises for input it cannot work with."""

from __future__ import annotations

from pathlib import Path


class InspectorError(Exception):
    """Base class of every error the core raises on purpose."""


class NotAn834Error(InspectorError):
    """The file cannot be read as an X12 834 transaction.

    The message always names the file and says, in plain words, what is wrong with it.
    """

    def __init__(self, path: str | Path | None, reason: str) -> None:
        self.path = None if path is None else Path(path)
        self.reason = reason
        name = self.path.name if self.path is not None else "<input>"
        super().__init__(f"{name}: {reason}")


class Cancelled(InspectorError):
    """Raised inside long work when the caller's cancel token was set."""
