"""Errors that name what is wrong in a user's file (kept light: the command line imports them first)."""

from __future__ import annotations


MAX_PATH = 120  # characters of a field path a message shows (a key may be any text)


def one_line(text: str) -> str:
    """A text safe to print as one line of a message: control, line-break and direction characters
    escaped (``\\n``, ``\\u202e``), so a file cannot split or reorder what the user reads."""
    from .limits import shown

    return shown(text, None)


class ScenarioError(ValueError):
    """A scenario file is wrong. ``str()`` names the file, the field path and what is wrong."""

    def __init__(self, source: str, path: str, message: str):
        shown = one_line(path)
        shown = shown if len(shown) <= MAX_PATH else shown[:MAX_PATH - 1] + "…"
        where = f"{one_line(source)}: {shown}: " if path else f"{one_line(source)}: "
        super().__init__(where + one_line(message))
        self.source = source
        self.path = path
        self.message = message
