"""Hand-outs and participation records as PDF: their text, fonts, pages, and the command line's errors."""

import json
import re

import pytest
from pypdf import PdfReader

from simulator.cli import main
from simulator.core import engine
from simulator.core.claims import fill_texts, text_values
from simulator.core.handout import handout
from simulator.core.law import AS_OF
from simulator.core.scenario import builtin_ids, load
from simulator.core.texts import pick, t

SIZE = 4000  # small pools: the pages hold the same sections, and tests stay fast


def pdf_text(path) -> str:
    """The PDF's text as a reader selects it, squashed (see ``same``)."""
    return same("".join(page.extract_text() for page in PdfReader(path).pages))


def pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def same(text: str) -> str:
    """A text without white space and hyphens: lines break anywhere on the page, and a word
    hyphenated at a line's end may come out joined ("high-/risk" → "highrisk")."""
    return re.sub(r"[\s\-]+", "", text)


@pytest.fixture(scope="module")
def qt_app(qapp):
    return qapp


@pytest.fixture(scope="module")
def ai_run():
    return engine.run(load("ai-assistant"), size=SIZE, seed=7, lazy=True)


@pytest.fixture(scope="module")
def ai_pdfs(qt_app, ai_run, tmp_path_factory):
    """The ai-assistant hand-out in both languages and versions: {(lang, facilitator): (content, path)}."""
    from simulator.gui.handout import write_handout

    folder = tmp_path_factory.mktemp("handouts")
    out = {}
    for lang in ("en", "nl"):
        for facilitator in (False, True):
            content = handout(ai_run, lang, facilitator)
            path = folder / f"{lang}-{facilitator}.pdf"
            write_handout(content, path)
            out[lang, facilitator] = (content, path)
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_pdf_holds_title_lesson_numbers_headline_and_law_date(ai_pdfs, ai_run, lang):
    """The PDF's text has the title, the lesson with the live numbers the window fills in, the headline and the law's date."""
    content, path = ai_pdfs[lang, False]
    text = pdf_text(path)
    scenario = ai_run.measurement.scenario
    assert same(pick(scenario.title, lang)) in text
    lesson = fill_texts(scenario.lesson, lang, text_values(ai_run, lang))
    assert "{claim." not in lesson and "…" not in lesson
    assert same(lesson) in text
    assert same(ai_run.measurement.findings.headline_sentences(lang)[0]) in text
    assert same(AS_OF[lang]) in text
    assert same(content.meta) in text


def test_key_numbers_table_states_the_lessons_number(ai_pdfs, ai_run):
    """The table's impact ratio for the focus group is the number the lesson states, and it is in the PDF."""
    content, path = ai_pdfs["en", False]
    claim = ai_run.measurement.scenario.focus_claim()
    stated = text_values(ai_run, "en")[claim.id]
    row = next(r for r in content.table.rows if r[0] == t(f"label.{claim.attribute}.{claim.group}", "en"))
    assert row[4] == stated
    assert same(" ".join(row)) in pdf_text(path)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_quiz_answers_only_in_the_facilitators_version(ai_pdfs, ai_run, lang):
    """The quiz questions are in both versions; the answers and the why-texts only in the facilitator's."""
    quiz = ai_run.measurement.scenario.quiz
    values = text_values(ai_run, lang)
    participant, facilitator = pdf_text(ai_pdfs[lang, False][1]), pdf_text(ai_pdfs[lang, True][1])
    answer = same(t("handout.answer", lang, option="A").split(":")[0] + ":")
    for q in quiz:
        assert same(fill_texts(q.question, lang, values)) in participant
        assert same(fill_texts(q.question, lang, values)) in facilitator
        explanation = same(fill_texts(q.explanation, lang, values))
        assert explanation in facilitator and explanation not in participant
        why = same(fill_texts(q.why[q.answer], lang, values))
        assert why in facilitator and why not in participant
    assert answer in facilitator and answer not in participant


def test_fonts_are_embedded_and_the_pages_are_a4(ai_pdfs):
    """Every hand-out embeds its fonts (/FontFile…) and its pages are A4 (595 × 842 points)."""
    for _, path in ai_pdfs.values():
        data = path.read_bytes()
        assert re.search(rb"/FontFile[23]?\b", data)
        boxes = re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)
        assert len(boxes) == pages(path) and all([float(v) for v in b.split()] == [0, 0, 595, 842] for b in boxes)


def test_every_builtin_hand_out_has_two_to_four_pages(qt_app, tmp_path):
    """Each built-in scenario's hand-out takes 2–4 A4 pages: the facilitator's in Dutch (the longest), the participant's in English."""
    from simulator.gui.handout import write_handout

    counts = {}
    for sid in builtin_ids():
        result = engine.run(load(sid), size=SIZE, lazy=True)
        for lang, facilitator in (("nl", True), ("en", False)):
            path = tmp_path / f"{sid}-{lang}.pdf"
            n = write_handout(handout(result, lang, facilitator), path)
            assert n == pages(path)
            counts[sid, lang] = n
    assert all(2 <= n <= 4 for n in counts.values()), counts


def test_cli_writes_a_hand_out(capsys, tmp_path):
    """`recruitsim handout` writes the PDF, says so in one line with the page count, and prints the seed on the page."""
    target = tmp_path / "uitdeel.pdf"
    code = main(["handout", "dutch-names", "--seed", "11", "--size", str(SIZE), "--lang", "nl", "--out", str(target)])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out.startswith("Hand-out geschreven:") and str(target) in out
    text = pdf_text(target)
    assert same("Startgetal 11 ·") in text and same("Mark of Mohammed?") in text and "Kerncijfers" in text


@pytest.mark.parametrize("args, expected", [
    (["handout", "no-such-scenario"], "no-such-scenario: no built-in scenario with this id"),
    (["handout", "cv-gap", "--seed", "-3"], "--seed: must be between 0 and"),
    (["handout", "cv-gap", "--size", "5"], "--size: must be between 10 and"),
])
def test_cli_bad_input_is_one_line(capsys, tmp_path, args, expected):
    """Bad input to `recruitsim handout` exits 2 with one line naming what is wrong, and writes nothing."""
    target = tmp_path / "h.pdf"
    code = main(args + ["--out", str(target)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err
    assert not target.exists()


@pytest.mark.parametrize("where, expected", [
    ("missing/h.pdf", "cannot write the PDF file (the folder"),
    (".", "is a folder"),
])
def test_cli_unwritable_path_is_one_line(capsys, tmp_path, where, expected):
    """A PDF path that cannot be written (no such folder, a folder) is one line naming it, exit 2, before any work."""
    target = tmp_path / where
    code = main(["handout", "cv-gap", "--out", str(target)])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and str(target) in err and expected in err


def test_cli_write_failure_is_one_line(capsys, tmp_path, monkeypatch):
    """When writing fails after the run (a full disk), the message is one line naming the file and the reason."""
    from pathlib import Path

    def full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    target = tmp_path / "h.pdf"
    code = main(["handout", "cv-gap", "--size", str(SIZE), "--out", str(target)])
    _, err = capsys.readouterr()
    assert code == 2 and err.strip() == f"recruitsim: {target}: cannot write the PDF file (No space left on device)"


# ---------------------------------------------------------------------------------------------
# The participation record
# ---------------------------------------------------------------------------------------------

NAME = "Zoë Héloïse d’Ancona – €"  # ë, é, ï, ’, – and € must come out as they went in


def progress_file(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 1, "learner": "x", "challenges": {"cv-gap": {"c1": "2026-11-30T10:00:00"}},
                                "quiz": {"cv-gap": {"0": True, "1": False}, "dutch-names": {"0": True, "1": True}}}),
                    encoding="utf-8")
    return path


def session_file(tmp_path, participant="Zoë"):
    from simulator.core.decision import Decision
    from simulator.core.session import Session

    path = tmp_path / "s.rbsession"
    toml = load("cv-gap").source_path.read_text(encoding="utf-8")
    with Session.create(path, toml, seed=3, size=200, participant=participant) as session:
        for candidate in (1, 2, 3):
            session.record(Decision(candidate=candidate, queue="random", machine_advice=True, human_decision=False,
                                    first_decision=None, reason_code="other", reason_text="x", blind=False,
                                    judge_first=False, versus=False, seconds=1.0))
    return path


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_record_pdf_names_the_participant_scenarios_and_score(capsys, tmp_path, lang):
    """The record's PDF has the name with its Dutch characters intact, the scenarios, the quiz score and the AI-literacy duty."""
    target = tmp_path / "record.pdf"
    code = main(["record", "--name", NAME, "--progress", str(progress_file(tmp_path)), "--session",
                 str(session_file(tmp_path)), "--lang", lang, "--out", str(target)])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    text = pdf_text(target)
    assert same(NAME) in text
    assert same(NAME) in pdf_text(target)
    assert same(pick(load("cv-gap").title, lang)) in text and same(pick(load("dutch-names").title, lang)) in text
    assert same(t("record.quiz_score", lang, right="1", total="2")) in text
    assert same(t("record.quiz_score", lang, right="2", total="2")) in text
    from simulator.core.law import fact

    assert same(fact("ai_literacy", lang)) in text and same(AS_OF[lang]) in text
    assert re.search(rb"/FontFile[23]?\b", target.read_bytes()) and pages(target) == 1


def test_record_counts_decisions_and_takes_the_name_from_the_session(capsys, tmp_path):
    """Without --name the session's participant is named; the session's decisions are counted for its scenario."""
    from simulator.core.record import Participation, from_progress, from_session, merge, read_progress, record_page
    from simulator.core.session import read
    import datetime as dt

    session = session_file(tmp_path, participant="Ömer Şahin")
    items = merge([from_session(read(session)), *from_progress(read_progress(progress_file(tmp_path)))])
    cv = next(w for w in items if w.scenario == "cv-gap")
    assert (cv.decisions, cv.quiz_answered, cv.quiz_right, cv.challenges) == (3, 2, 1, 1)
    page = record_page(Participation("x", dt.date(2026, 11, 30), items), "en")
    assert ["3", "1 of 2 right", "1"] == page.table.rows[0][1:]
    target = tmp_path / "r.pdf"
    assert main(["record", "--session", str(session), "--out", str(target)]) == 0
    capsys.readouterr()
    assert same("Ömer Şahin") in pdf_text(target)


@pytest.mark.parametrize("content, expected", [
    ("not json", "progress.json: is not a progress file (not JSON text)"),
    ('{"version": 9}', "progress.json: is not a progress file (version: expected 1)"),
    ('{"version": 1, "quiz": {"cv-gap": {"0": "yes"}}}', "progress.json: quiz.cv-gap: expected true or false"),
])
def test_record_bad_progress_file_is_one_line(capsys, tmp_path, content, expected):
    """A damaged or foreign progress file is one line naming it and what is wrong, exit 2, and is left as it was."""
    path = tmp_path / "progress.json"
    path.write_text(content, encoding="utf-8")
    code = main(["record", "--name", "A", "--progress", str(path), "--out", str(tmp_path / "r.pdf")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and expected in err
    assert path.read_text(encoding="utf-8") == content


def test_record_needs_a_name_and_an_input(capsys, tmp_path):
    """Without any input file, or without a name anywhere, `record` says which option is missing."""
    assert main(["record", "--name", "A", "--out", str(tmp_path / "r.pdf")]) == 2
    assert "--session FILE" in capsys.readouterr().err
    assert main(["record", "--session", str(session_file(tmp_path, participant="")), "--out",
                 str(tmp_path / "r.pdf")]) == 2
    assert capsys.readouterr().err.startswith("recruitsim: --name: give the participant's name")


# ---------------------------------------------------------------------------------------------
# The window
# ---------------------------------------------------------------------------------------------

def test_window_exports_the_run_on_screen(window, qtbot, tmp_path):
    """File → Export hand-out… writes the run on screen in a worker thread and reports the pages in the status bar."""
    target = tmp_path / "screen.pdf"
    result = window.controller.result
    with qtbot.waitSignal(window.handout_written, timeout=30000) as signal:
        assert window.export_handout(str(target), facilitator=True)
    path, problem, count = signal.args
    assert problem == "" and path == str(target) and 2 <= count <= 4
    text = pdf_text(target)
    lesson = fill_texts(result.measurement.scenario.lesson, "en", text_values(result, "en"))
    assert same(lesson) in text and same(f"Seed {result.pool.settings.seed} ·") in text
    assert same(t("handout.kind.facilitator", "en")) in text
    assert str(target) in window.statusBar().currentMessage()
