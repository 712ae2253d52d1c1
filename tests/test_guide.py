"""The facilitator's guide: written from the programme, the scenarios and their claims, in both
languages; the committed copies in docs/ are what the code writes; the window and command line show it."""

from pathlib import Path

import pytest

from simulator import cli
from simulator.core.claims import check_scenario, focus_sentence
from simulator.core.guide import guide_markdown
from simulator.core.scenario import builtin_ids, load
from simulator.core.teaching import WORKSHOP_PROGRAMME

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def guides():
    return {lang: guide_markdown(lang) for lang in ("en", "nl")}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_committed_guide_is_what_the_code_writes(guides, lang):
    """docs/facilitator-guide.<lang>.md is generated: run `recruitsim guide --lang <lang> --out …` after
    changing a scenario, the programme or the guide's texts."""
    committed = (DOCS / f"facilitator-guide.{lang}.md").read_text(encoding="utf-8")
    assert committed == guides[lang], f"docs/facilitator-guide.{lang}.md is out of date: run " \
        f"recruitsim guide --lang {lang} --out docs/facilitator-guide.{lang}.md"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_guide_states_each_scenarios_headline_as_measured(guides, lang):
    """Every built-in scenario is in the guide, the programme's with their minutes, each with its
    headline measured on its own seed, and no placeholder is left unfilled."""
    text = guides[lang]
    for sid in builtin_ids():
        scenario = load(sid)
        assert f"`{sid}`" in text
        if scenario.focus is not None:
            headline = focus_sentence(scenario, check_scenario(scenario), lang)
            assert " ".join(headline.split()) in text, sid
    for part in WORKSHOP_PROGRAMME:
        for sid, minutes in part.scenarios:
            assert f"{' '.join(load(sid).title[lang].split())} ({minutes} min)" in text
    assert "{claim." not in text and "{law." not in text and "…)" not in text


def test_the_command_line_writes_the_guide_and_names_an_unwritable_path(tmp_path, capsys):
    """`recruitsim guide --out FILE` writes the Markdown; a folder that does not exist is one line, exit 2."""
    out = tmp_path / "guide.md"
    assert cli.main(["guide", "--lang", "nl", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# Handleiding voor de begeleider")
    assert cli.main(["guide", "--out", str(tmp_path / "missing" / "guide.md")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot be written" in err[0] and "Traceback" not in err[0]


def test_help_shows_the_guide_and_saves_it(qtbot, window, tmp_path):
    """Help → Facilitator's guide writes the guide off the GUI thread, shows it, saves it as Markdown,
    and shows HTML in a text as the characters typed."""
    action = next(a for a in window.help_menu.actions() if a.text() == "Facilitator's guide")
    action.trigger()
    dialog = window.guide_dialog
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=60000)
    shown = dialog.browser.toPlainText()
    assert "Facilitator's guide" in shown and "Mark or Mohammed?" in shown
    assert dialog.save(str(tmp_path / "g.md")) and (tmp_path / "g.md").read_text(encoding="utf-8") == dialog.text
    dialog._show("A <b>bold</b> claim")
    assert "<b>bold</b>" in dialog.browser.toPlainText()
    dialog.close()
