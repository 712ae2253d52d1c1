"""Limits on what a user's file may hold, and how a message quotes a value from it.

A scenario file is read whole and then checked field by field; before that, ``check_data`` walks
the parsed tree once (without recursion, so a file nested 10,000 deep cannot exhaust the stack)
and refuses what no field accepts: nesting deeper than any real scenario, huge lists and texts,
NaN and infinity, and whole numbers outside TOML's 64-bit range. The limits are generous: the
largest built-in scenario is 23 kB, nested 9 deep, with texts of 1,500 characters.

Messages quote a user's value through ``excerpt`` (never more than a short piece of it, on one
line) and print numbers through ``exact`` ("5,000,001", never "5e+06").
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 16
MAX_LIST = 1_000
MAX_TEXT = 20_000
EXCERPT = 40  # characters of a user's value a message quotes, at most
_INT64 = 2 ** 63


# Characters that would break a message over lines or change how it reads: C0 and C1 controls, line
# and paragraph separators, zero-width and bidirectional formatting characters, lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                          "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    return repr(match.group())[1:-1]


def shown(text, limit: int | None = EXCERPT) -> str:
    """``text`` fit for a one-line message: unprintable characters escaped as ``repr`` writes them
    (a carriage return reads ``\\r``), cut to at most ``limit`` characters and "…" (``None``: no cut)."""
    text = str(text)
    if limit is None:
        return _UNPRINTABLE.sub(_escape, text)
    out, size = [], 0
    for char in text[: limit + 1]:
        piece = _UNPRINTABLE.sub(_escape, char)
        if size + len(piece) > limit:  # never half an escape
            return "".join(out) + "…"
        out.append(piece)
        size += len(piece)
    return "".join(out)


class LimitError(ValueError):
    """A value breaks a limit; ``path`` names where (e.g. ``stages[1].rules[0].threshold``)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def os_reason(exc: OSError) -> str:
    """Why a file could not be read, for "FILE: cannot be read (…)": lower case, on one line."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    return shown(exc.strerror or str(exc), 80).lower()


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """A value as a message quotes it: its repr (whole numbers with separators), on one line and cut
    to ``limit`` characters."""
    try:
        if isinstance(value, str) and len(value) > limit:  # a 1 MB text is not copied to quote 40 characters
            value = value[:limit + 1]
        text = exact(value) if isinstance(value, int) and not isinstance(value, bool) else repr(value)
    except ValueError:  # an int with more digits than Python will print
        return "a very large number"
    return shown(text, limit)


def exact(number: float | int) -> str:
    """A number printed exactly, with thousands separators: 5,000,001; 0.99; 1e+308."""
    if isinstance(number, bool):
        return str(number).lower()
    if isinstance(number, int):
        text = f"{number:,}"
        return text if len(text) <= 2 * EXCERPT else text[:EXCERPT] + "…"
    if math.isfinite(number) and number == int(number) and abs(number) < 1e16:
        return f"{int(number):,}"
    return repr(float(number))


def check_data(data: Any, limits: dict[str, int] | None = None) -> None:
    """Refuse, with the field's path, what no field of a user's file accepts (see the module text).

    ``limits`` gives some lists their own, smaller maximum, by path without the numbers
    (``stages``, ``stages[].rules``)."""
    limits = limits or {}
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LimitError(path, f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, float) and not math.isfinite(value):
            raise LimitError(path, f"expected a finite number, got {value!r}")
        if isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
            raise LimitError(path, "is a whole number beyond the 64-bit range of a TOML file")
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise LimitError(path, f"is a text of {exact(len(value))} characters; at most {exact(MAX_TEXT)} are allowed")
        if isinstance(value, dict):
            if len(value) > MAX_LIST:
                raise LimitError(path, f"has {exact(len(value))} fields; at most {exact(MAX_LIST)} are allowed")
            for key, item in value.items():
                stack.append((f"{path}.{key}" if path else str(key), item, depth + 1))
        elif isinstance(value, list):
            most = limits.get(re.sub(r"\[\d+\]", "[]", path), MAX_LIST)
            if len(value) > most:
                raise LimitError(path, f"has {exact(len(value))} entries; at most {exact(most)} are allowed")
            for k, item in enumerate(value):
                stack.append((f"{path}[{k}]", item, depth + 1))
