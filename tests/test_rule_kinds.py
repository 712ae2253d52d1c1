"""A rule kind lives in one module and its texts: the menu, the form, the legal notes and the
reference all derive from it (docs/design/0010)."""

import sys
import textwrap

import pytest
from PySide6.QtWidgets import QFormLayout

from simulator.core import rules as rules_package
from simulator.core.rules import RULE_KINDS, rule_from_dict
from simulator.core.rules.params import Choice
from simulator.core.texts import LANGUAGES, catalogue


from conftest import wait_for_run  # noqa: E402


def form_labels(form) -> list[str]:
    """The parameters' labels top to bottom: beside their field, or on a row of their own above a
    wide field (a table, a checklist, a slider)."""
    layout, labels = form.form, []
    for i in range(layout.rowCount()):
        for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.SpanningRole):
            item = layout.itemAt(i, role)
            if item is not None and item.widget() is not None and item.widget().objectName().startswith("label_"):
                labels.append(item.widget().text())
    return labels


@pytest.mark.parametrize("kind", list(RULE_KINDS))
def test_every_text_of_a_kind_exists_in_both_languages(kind):
    """Name, every parameter label, every choice label, the description and the legal note of the
    starter rule exist in English and Dutch, and no label is a raw parameter name."""
    cls = RULE_KINDS[kind]
    rule = cls.starter()
    for lang in LANGUAGES:
        assert cls.name(lang)
        for p in cls.PARAMS:
            label = cls.param_label(p.name, lang)
            assert label and label != p.name
            if isinstance(p.kind, Choice):
                assert all(cls.choice_label(p.name, option, lang) for option in p.kind.options)
        assert rule.describe(lang)
        assert len(rule.legality().explain(lang)) > 40


@pytest.mark.parametrize("kind", list(RULE_KINDS))
def test_every_legal_note_is_reached_by_its_example(kind):
    """Each legal note a kind has in the catalogue (rule.<kind>.legality.*) is what its example
    configuration gets, and reads in both languages."""
    cls = RULE_KINDS[kind]
    prefix = f"rule.{kind}.legality."
    for lang in LANGUAGES:
        branches = {key[len(prefix):] for key in catalogue(lang) if key.startswith(prefix)}
        assert branches == set(cls.LEGALITY_EXAMPLES), lang
    for branch, example in cls.LEGALITY_EXAMPLES.items():
        legal = cls.from_dict({"kind": kind, **example}, "example").legality()
        assert legal.branch == branch
        assert all(legal.label(lang) and legal.explain(lang) for lang in LANGUAGES)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_kind_through_the_add_rule_menu(qtbot, window, lang):
    """The real Add-rule menu offers every kind by its name in the language shown; each adds its
    starter rule, the form shows every parameter with its translated label, and what the form reads
    back is the same rule."""
    if lang != "en":
        window.language_actions[lang].trigger()
    editor = window.pipeline_editor
    actions = {action.objectName(): action for action in editor.add_menu.actions()}
    assert list(actions) == [f"add_{kind}" for kind in RULE_KINDS]
    for kind, cls in RULE_KINDS.items():
        action = actions[f"add_{kind}"]
        assert action.text() == cls.name(lang)
        editor.select(0, 0)
        wait_for_run(qtbot, window, action.trigger)
        rule = window.controller.scenario.pipeline.stages[0].rules[-1]
        assert rule == cls.starter()
        form = editor.form
        assert form.rule == rule
        assert form_labels(form) == [cls.param_label(p.name, lang) for p in cls.PARAMS]
        assert rule_from_dict(form.values(), "rule") == rule


NEW_KIND = textwrap.dedent('''
    """Typing test: points from an online typing test, timed or not."""

    from typing import ClassVar

    from simulator.core.rules.base import LAWFUL, NEEDS_JUSTIFICATION, Param, Rule, rule_kind
    from simulator.core.rules.params import Decimal, YesNo


    @rule_kind
    class TypingTest(Rule):
        """Points for an online typing test's score."""

        kind: ClassVar[str] = "typing_test"
        ORDER: ClassVar[int] = 50
        PARAMS = (Param("weight", Decimal(), 1.0, minimum=0, maximum=10), Param("timed", YesNo(), True))
        LEGALITY_EXAMPLES = {"timed": {"timed": True}, "untimed": {"timed": False}}

        def points(self, pool, ctx):
            return self.weight * pool["suitability"]

        def describe(self, lang):
            return self.text("describe", lang, weight=self.weight)

        def legality(self):
            return self.legal(NEEDS_JUSTIFICATION, "timed") if self.timed else self.legal(LAWFUL, "untimed")
''')

NEW_TEXTS = {
    "en": {"name": "Typing test", "describe": "typing test × {weight}", "param.weight": "Weight",
           "param.timed": "Against the clock", "legality.timed": "A timed test can disadvantage people with a "
           "disability: it needs an objective justification and adjustments.",
           "legality.untimed": "An untimed test that measures job skills is lawful; check the results per group."},
    "nl": {"name": "Typtest", "describe": "typtest × {weight}", "param.weight": "Gewicht",
           "param.timed": "Op tijd", "legality.timed": "Een test op tijd kan mensen met een beperking benadelen: "
           "dat vraagt een objectieve rechtvaardiging en aanpassingen.",
           "legality.untimed": "Een test zonder tijdslimiet dat werkvaardigheden meet is rechtmatig; bekijk de "
           "uitkomsten per groep."},
}


def test_a_new_kind_needs_its_module_and_its_texts_only(qtbot, window, tmp_path, monkeypatch):
    """A module and its texts make a new kind: found by the package, offered by the Add-rule menu in
    Dutch, its form labelled in Dutch, its legal notes reached — nothing else was touched."""
    (tmp_path / "typing_test.py").write_text(NEW_KIND, encoding="utf-8")
    monkeypatch.setattr(rules_package, "__path__", [*rules_package.__path__, str(tmp_path)])
    for lang, texts in NEW_TEXTS.items():
        for key, text in texts.items():
            monkeypatch.setitem(catalogue(lang), f"rule.typing_test.{key}", text)
    try:
        found = rules_package._discover()
        assert "typing_test" in found
        monkeypatch.setitem(RULE_KINDS, "typing_test", found["typing_test"])
        test_every_legal_note_is_reached_by_its_example("typing_test")
        window.language_actions["nl"].trigger()
        editor = window.pipeline_editor
        action = next(a for a in editor.add_menu.actions() if a.objectName() == "add_typing_test")
        assert action.text() == "Typtest"
        editor.select(0, 0)
        wait_for_run(qtbot, window, action.trigger)
        assert window.controller.scenario.pipeline.stages[0].rules[-1].kind == "typing_test"
        assert form_labels(editor.form) == ["Gewicht", "Op tijd"]
    finally:
        sys.modules.pop("simulator.core.rules.typing_test", None)
