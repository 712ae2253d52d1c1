"""A participant's record of the training, as evidence of AI literacy (AI Act art. 4), Qt-free.

The input side is one small, plain structure, ``Participation``: a name, a date and per scenario
worked through how many review decisions were made, how many quiz questions were answered and
right, and how many challenges were met. Two readers fill it from what the app keeps today:

- ``from_progress``: the learner's progress file (core.progress: quiz answers and challenges per
  scenario), read here without changing it;
- ``from_session``: a session file's checked contents (core.session.read: the scenario, the
  decisions and, since schema 2, the quiz answers and challenge results).

``merge`` adds up what several files say about the same scenario; ``participants`` groups a room's
session files (core.classroom) by participant for one record each, and ``file_stem`` names the PDF. ``record_page`` turns a Participation into the words on the page;
``simulator.gui.handout.write_record`` writes the PDF.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from .law import AS_OF, fact
from .texts import integer, pick, t

MAX_PROGRESS_BYTES = 5_000_000


class RecordInputError(ValueError):
    """A file the record cannot use: one line naming the file and what is wrong."""


@dataclass
class ScenarioWork:
    scenario: str  # the scenario's id
    title: dict[str, str] = field(default_factory=dict)
    decisions: int = 0  # review decisions made (session files)
    quiz_answered: int = 0
    quiz_right: int = 0
    quiz_questions: int = 0  # questions the scenario's quiz has (0 when unknown)
    challenges: int = 0  # challenges met


@dataclass
class Participation:
    name: str
    date: _dt.date
    scenarios: list[ScenarioWork] = field(default_factory=list)


def _scenario_facts(scenario_id: str) -> tuple[dict[str, str], int]:
    """A built-in scenario's title and number of quiz questions ({}, 0 for another id)."""
    from .errors import ScenarioError
    from .scenario import builtin_ids, load

    if scenario_id not in builtin_ids():
        return {}, 0
    try:
        scenario = load(scenario_id)
    except ScenarioError:
        return {}, 0
    return dict(scenario.title), len(scenario.quiz)


def read_progress(path) -> dict:
    """A progress file's data, checked and unchanged on disk (RecordInputError if it is unusable)."""
    name = Path(path).name
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_PROGRESS_BYTES + 1)
    except OSError as exc:
        raise RecordInputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_PROGRESS_BYTES:
        raise RecordInputError(f"{name}: is too large to be a progress file")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise RecordInputError(f"{name}: is not a progress file (not JSON text)") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise RecordInputError(f"{name}: is not a progress file (version: expected 1)")
    for key in ("quiz", "challenges"):
        table = data.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in table.items()):
            raise RecordInputError(f"{name}: {key}: expected a table per scenario")
    for scenario, answers in data.get("quiz", {}).items():
        if not all(isinstance(v, bool) for v in answers.values()):
            raise RecordInputError(f"{name}: quiz.{scenario}: expected true or false per question")
    return data


def from_progress(data: dict) -> list[ScenarioWork]:
    """What a progress file (``read_progress``) says was worked through, per scenario."""
    quiz, challenges = data.get("quiz", {}), data.get("challenges", {})
    out = []
    for scenario in sorted(set(quiz) | set(challenges)):
        title, questions = _scenario_facts(scenario)
        answers = quiz.get(scenario, {})
        out.append(ScenarioWork(scenario, title, quiz_answered=len(answers), quiz_right=sum(answers.values()),
                                quiz_questions=questions, challenges=len(challenges.get(scenario, {}))))
    return out


def from_session(contents) -> ScenarioWork:
    """What a session file (core.session.read) says: its scenario, the decisions made, the quiz (the
    latest answer per question counts, as in the progress file) and the challenges whose latest
    result is met (schema 2; a schema-1 file has none of these)."""
    scenario = contents.scenario()
    latest: dict[int, bool] = {}
    for answer in contents.quiz_answers():  # in the order given: a later answer replaces an earlier one
        latest[answer.question] = answer.correct
    met = sum(contents.latest_challenges().values())
    return ScenarioWork(scenario.id, dict(scenario.title), decisions=len(contents.decisions()),
                        quiz_answered=len(latest), quiz_right=sum(latest.values()),
                        quiz_questions=len(scenario.quiz), challenges=met)


def merge(items: list[ScenarioWork]) -> list[ScenarioWork]:
    """One line per scenario, in the order first seen: decisions and challenges added up; the quiz
    from the source that answered most questions (answers are per question, not per file)."""
    merged: dict[str, ScenarioWork] = {}
    for item in items:
        if item.scenario not in merged:
            merged[item.scenario] = ScenarioWork(item.scenario, dict(item.title), item.decisions, item.quiz_answered,
                                                 item.quiz_right, item.quiz_questions, item.challenges)
            continue
        m = merged[item.scenario]
        m.title = m.title or dict(item.title)
        m.decisions += item.decisions
        m.challenges = max(m.challenges, item.challenges)
        m.quiz_questions = max(m.quiz_questions, item.quiz_questions)
        if item.quiz_answered > m.quiz_answered:
            m.quiz_answered, m.quiz_right = item.quiz_answered, item.quiz_right
    return list(merged.values())


@dataclass
class RecordTable:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class RecordPage:
    """The words on a participation record, in one language."""

    lang: str
    title: str
    subtitle: str
    fields: list[tuple[str, str]]
    table_title: str
    table: RecordTable
    lines: list[str]
    why: str
    law_as_of: str
    signature: str
    footer: str

    def text(self) -> str:
        parts = [self.title, self.subtitle, *(x for f in self.fields for x in f), self.table_title,
                 *self.table.headers, *(c for r in self.table.rows for c in r), *self.lines, self.why, self.law_as_of]
        return "\n".join(parts)


def record_page(p: Participation, lang: str) -> RecordPage:
    from .handout import date_text

    date = date_text(p.date, lang)
    rows = []
    answered = right = questions = 0
    for w in p.scenarios:
        quiz = t("record.quiz_score", lang, right=integer(w.quiz_right, lang), total=integer(w.quiz_answered, lang)) \
            if w.quiz_answered else t("record.quiz_none", lang)
        rows.append([pick(w.title, lang) if w.title else w.scenario, integer(w.decisions, lang), quiz,
                     integer(w.challenges, lang)])
        answered += w.quiz_answered
        right += w.quiz_right
        questions += w.quiz_questions
    lines = [t("record.total", lang, right=integer(right, lang), answered=integer(answered, lang),
               questions=integer(questions, lang))] if rows else [t("record.nothing", lang)]
    return RecordPage(
        lang=lang, title=t("record.title", lang), subtitle=t("record.subtitle", lang),
        fields=[(t("record.name", lang), p.name), (t("record.date", lang), date)],
        table_title=t("record.scenarios", lang),
        table=RecordTable([t("record.col_scenario", lang), t("record.col_decisions", lang), t("record.col_quiz", lang),
                           t("record.col_challenges", lang)], rows),
        lines=lines, why=t("record.why", lang, law=fact("ai_literacy", lang)),
        law_as_of=t("record.law_as_of", lang, date=pick(AS_OF, lang)), signature=t("record.signature", lang),
        footer=t("record.footer", lang, name=p.name, date=date))


# ---------------------------------------------------------------------------------------------
# A room's records: one per participant
# ---------------------------------------------------------------------------------------------

@dataclass
class RoomParticipant:
    """One participant of a room: the name they gave (or ""), their learner id (or ""), their files."""

    name: str
    learner: str
    sessions: list = field(default_factory=list)  # core.session.SessionContents

    def work(self) -> list[ScenarioWork]:
        return merge([from_session(s) for s in self.sessions])


def participants(sessions) -> list[RoomParticipant]:
    """A room's session files (``classroom.RoomFiles.sessions``: copies already counted once) grouped
    per participant as the class view counts them: by learner id, or per file without one. In the
    order first seen; the name is the first one any of their files gives."""
    people: dict[str, RoomParticipant] = {}
    for s in sessions:
        key = f"learner:{s.learner}" if s.learner else f"file:{s.path}"
        person = people.setdefault(key, RoomParticipant("", s.learner))
        person.sessions.append(s)
        if not person.name and s.participant.strip():
            person.name = s.participant.strip()
    return list(people.values())


MAX_STEM = 80


def file_stem(text: str) -> str:
    """A file name (without suffix) that every system accepts, from a name or a learner id: letters
    (ë and ş too) and digits kept, anything else one "-", at most ``MAX_STEM`` characters."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    stem = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_.")
    stem = stem[:MAX_STEM].strip("-_.")
    if stem.upper() in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}:
        stem += "-"
    return stem or "participant"


def unique_stems(stems: list[str]) -> list[str]:
    """The stems, with "-2", "-3"… added where two would give the same file (case-insensitively)."""
    used: set[str] = set()
    out = []
    for stem in stems:
        candidate, n = stem, 1
        while candidate.casefold() in used:
            n += 1
            candidate = f"{stem}-{n}"
        used.add(candidate.casefold())
        out.append(candidate)
    return out


def room_records(sessions, lang: str, today: _dt.date | None = None) -> list[tuple[str, RecordPage]]:
    """One record per participant of a room (``classroom.RoomFiles.sessions``): the PDF's file stem
    (the name made safe; without a name, the learner id, else the session file's name) and its page.
    A participant without a name is named "anonymous (learner …)" on the page."""
    day = today or _dt.date.today()
    people = participants(sessions)
    stems, pages = [], []
    for person in people:
        fallback = person.learner or Path(person.sessions[0].path).stem
        name = person.name or t("record.anonymous", lang, id=fallback)
        stems.append(file_stem(person.name or fallback))
        pages.append(record_page(Participation(name, day, person.work()), lang))
    return list(zip(unique_stems(stems), pages))
