"""The text catalogue: both languages complete, same placeholders, every label present."""

import re
import string

import pytest

from simulator.core.rules import RULE_KINDS
from simulator.core.rules.features import FEATURE_NAMES
from simulator.core.texts import catalogue, t
from simulator.core.world import CATEGORIES, FIELD_KINDS, UNUSUAL_CV_FLAGS


def _placeholders(text):
    if isinstance(text, dict):
        return {k: _placeholders(v) for k, v in text.items()}
    return sorted({name for _, name, _, _ in string.Formatter().parse(text) if name})


def test_same_keys_in_both_languages():
    """Dutch and English have exactly the same keys."""
    assert set(catalogue("en")) == set(catalogue("nl"))


def test_same_placeholders_in_both_languages():
    """Every text has the same {placeholders} in Dutch and English."""
    en, nl = catalogue("en"), catalogue("nl")
    mismatched = [k for k in en if _placeholders(en[k]) != _placeholders(nl[k])]
    assert mismatched == []


def test_every_category_field_and_feature_has_a_label():
    """Every value, knock-out field, feature and unusual-CV type can be shown in both languages."""
    keys = set(catalogue("en"))
    needed = {f"label.{c}.{v}" for c, vs in CATEGORIES.items() for v in vs}
    needed |= {f"field.{f}" for f in FIELD_KINDS} | {f"feature.{f}" for f in FEATURE_NAMES}
    needed |= {f"unusual.{f}" for f in UNUSUAL_CV_FLAGS}
    assert needed - keys == set()


def test_texts_used_in_code_exist():
    """Every literal key passed to t() in the code exists in the catalogue."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "simulator"
    used = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r'\bt\(\s*"([a-z_][a-z0-9_.]*)"', path.read_text(encoding="utf-8")))
    assert used, "found no keys: the pattern is wrong"
    assert used - set(catalogue("en")) == set()


@pytest.mark.parametrize("kind", sorted(RULE_KINDS))
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_rule_kind_describes_itself(kind, lang):
    """Every rule kind has a one-line description and a legality note in both languages."""
    defaults = {"gap_penalty": {"points_per_month": 1.0}, "keywords": {"required": ["excel"]}}
    rule = RULE_KINDS[kind].from_dict({"kind": kind, **defaults.get(kind, {})}, "r")
    assert rule.describe(lang)
    legal = rule.legality()
    assert legal.label(lang) and len(legal.explain(lang)) > 40


def test_plurals():
    """Plural texts choose the singular for one and the plural otherwise."""
    assert t("cli.scenarios.heading", "en", count=1) == "1 built-in scenario:"
    assert t("cli.scenarios.heading", "nl", count=3) == "3 ingebouwde scenario's:"
