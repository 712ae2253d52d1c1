"""The text catalogue: every user-visible string, in Dutch and English.

Texts live in ``locales/en.toml`` and ``locales/nl.toml`` under dotted keys and use
``{placeholder}`` fields. ``t(key, lang, **values)`` looks a key up and fills it in. A text may be
a table with ``one`` and ``other`` for plurals, chosen by the ``count`` value. Keys are stable ids,
never the English sentence itself, and callers never pass an f-string as the key's text: a test
checks that both languages have the same keys and the same placeholders.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"
_LOCALE_DIR = Path(__file__).resolve().parent / "locales"


def _flatten(prefix: str, table: dict, out: dict) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and not set(value) <= {"one", "other"}:
            _flatten(full, value, out)
        else:
            out[full] = value


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict:
    """All texts of one language as a flat ``{dotted.key: text}`` dict."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (expected one of {', '.join(LANGUAGES)})")
    with open(_LOCALE_DIR / f"{lang}.toml", "rb") as fh:
        data = tomllib.load(fh)
    flat: dict = {}
    _flatten("", data, flat)
    return flat


def has_text(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalogue(lang)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for ``key`` in ``lang`` with its placeholders filled in."""
    entry = catalogue(lang).get(key)
    if entry is None:
        raise KeyError(f"no text for {key!r} in language {lang!r}")
    if isinstance(entry, dict):
        entry = entry["one"] if values.get("count") == 1 else entry["other"]
    return entry.format(**values) if values else entry


def label(column: str, value_key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Display name of a category value, e.g. label('origin', 'born_abroad', 'nl')."""
    return t(f"label.{column}.{value_key}", lang)


def pick(texts: dict | str, lang: str) -> str:
    """Choose the language from a scenario's {"en": ..., "nl": ...} text."""
    if isinstance(texts, str):
        return texts
    return texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), "")


def number(value: float, lang: str = DEFAULT_LANGUAGE, digits: int = 2) -> str:
    """A decimal number as the language writes it: 0.79 / 1,234.5 in English, 0,79 / 1.234,5 in Dutch."""
    text = f"{value:,.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def integer(value: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with thousands separators: 5,000 in English, 5.000 in Dutch."""
    return number(int(value), lang, 0)


def percent(fraction: float, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """A fraction as a percentage: 0.152 -> 15.2% (en) / 15,2% (nl)."""
    return number(100 * fraction, lang, digits) + "%"


def short_number(value: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A parameter value as typed, without trailing zeros: 0.5 (en) / 0,5 (nl), 12 for 12.0."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "nl" else text
