"""Errors that name what is wrong in a user's file (kept light: the command line imports them first)."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario file is wrong. ``str()`` names the file, the field path and what is wrong."""

    def __init__(self, source: str, path: str, message: str):
        where = f"{source}: {path}: " if path else f"{source}: "
        super().__init__(where + message)
        self.source = source
        self.path = path
        self.message = message
