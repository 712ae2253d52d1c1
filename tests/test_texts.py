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


def test_dutch_texts_keep_to_the_terminology_list():
    """No Dutch text uses a word docs/terminology.md rules out (dated CBS terms, jargon, pejoratives)."""
    import re
    import tomllib
    from pathlib import Path

    from simulator.core.resources import scenarios_dir

    root = Path(__file__).resolve().parent.parent
    doc = (root / "docs" / "terminology.md").read_text(encoding="utf-8")
    banned = re.findall(r"\*([^*]+)\*", doc.split("Never use:", 1)[1].split("\n\n", 1)[0])
    assert "migratieachtergrond" in banned and len(banned) >= 8

    def dutch(value, under_nl=False):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from dutch(inner, under_nl or key == "nl")
        elif isinstance(value, list):
            for inner in value:
                yield from dutch(inner, under_nl)
        elif isinstance(value, str) and under_nl:
            yield value

    texts = list(dutch(tomllib.loads((root / "simulator/core/locales/nl.toml").read_text(encoding="utf-8")), True))
    for path in scenarios_dir().glob("*.toml"):
        texts += list(dutch(tomllib.loads(path.read_text(encoding="utf-8"))))
    found = sorted({word for word in banned for text in texts if re.search(rf"\b{re.escape(word)}", text, re.I)})
    assert not found, found
