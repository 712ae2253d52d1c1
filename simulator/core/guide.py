"""The facilitator's guide: the workshop programme with each scenario's live numbers, the questions to
ask with their answers, a group exercise per part, collecting session files, and what to do when a
number comes out differently.

Written as Markdown, from the same sources the app shows: the programme (``teaching``), each
scenario's texts and claims measured on its own seed (``claims.check_scenario``), the dated law
primer (``law``). Nothing is typed twice, so the guide moves with the scenarios; a test checks that
``docs/facilitator-guide.en.md`` and ``.nl.md`` are what this module writes. Qt-free: the window
(Help → Facilitator's guide) and ``recruitsim guide`` both call :func:`guide_markdown`.
"""

from __future__ import annotations

from typing import Callable

from .law import PRIMER_MINUTES, fact, primer
from .texts import integer, pick, t

# One group exercise per programme part: what the room does together (text keys guide.exercise.*).
EXERCISES = {"programme.part_people": "people", "programme.part_rules": "rules",
             "programme.part_models": "models", "programme.part_numbers": "numbers"}


def _line(text: str) -> str:
    """A scenario text as one Markdown paragraph (line breaks in a file's text would split it)."""
    return " ".join(str(text).split())


def scenario_section(scenario, minutes: int | None, lang: str) -> list[str]:
    """What a facilitator needs for one scenario: what it shows (with the numbers of its own seed),
    the questions to ask with their answers, and the debrief questions."""
    from .claims import check_scenario, fill_texts, focus_sentence, placeholder_values

    results = check_scenario(scenario) if scenario.claims else None
    values = placeholder_values(results, lang)
    values["run.size"] = integer(scenario.pool.size, lang)
    title = pick(scenario.title, lang)
    timing = f" ({t('guide.minutes', lang, minutes=integer(minutes, lang))})" if minutes else ""
    out = [f"### {_line(title)}{timing}", ""]
    out.append(t("guide.run", lang, id=scenario.id, seed=str(scenario.pool.seed),
                 size=integer(scenario.pool.size, lang)))
    out.append("")
    shows = focus_sentence(scenario, results, lang) if results is not None else None
    if shows:
        out += [f"**{t('guide.shows', lang)}** {_line(shows)}", ""]
    asks = [s for s in scenario.walkthrough if s.action == "ask"]
    if asks:
        out += [f"**{t('guide.ask', lang)}**", ""]
        for step in asks:
            out.append(f"- {_line(fill_texts(step.text, lang, values))}")
            if step.answer:
                out.append(f"  *{t('guide.answer', lang)}* {_line(fill_texts(step.answer, lang, values))}")
        out.append("")
    for q in scenario.quiz[:1]:  # the first quiz question, with its answer: a quick check for the room
        out += [f"**{t('guide.quiz', lang)}** {_line(fill_texts(q.question, lang, values))}", ""]
        out.append(f"  *{t('guide.answer', lang)}* {_line(fill_texts(q.options[q.answer], lang, values))} "
                   f"{_line(fill_texts(q.explanation, lang, values))}")
        out.append("")
    if scenario.debrief:
        out += [f"**{t('guide.debrief', lang)}**", ""]
        out += [f"- {_line(fill_texts(d, lang, values))}" for d in scenario.debrief]
        out.append("")
    return out


def guide_markdown(lang: str, progress: Callable[[float], None] | None = None) -> str:
    """The whole guide in ``lang``; ``progress(fraction)`` is told after each scenario (each runs once)."""
    from .scenario import builtin_ids, load
    from .teaching import CLOSING_MINUTES, programme_minutes, programme_order

    report = progress or (lambda fraction: None)
    parts, rest = programme_order(builtin_ids())
    total = programme_minutes()
    out = [f"# {t('guide.title', lang)}", "", t("guide.intro", lang, minutes=integer(total, lang),
                                                  as_of=fact("as_of", lang)), ""]
    out += [f"## {t('guide.before_heading', lang)}", "", t("guide.before", lang), ""]

    out += [f"## {t('guide.programme_heading', lang, minutes=integer(total, lang))}", ""]
    out += [f"| {t('guide.col_part', lang)} | {t('guide.col_minutes', lang)} |", "|---|---:|",
            f"| {t('guide.primer_row', lang)} | {integer(PRIMER_MINUTES, lang)} |"]
    for number, (part, items) in enumerate(parts, start=1):
        heading = t(part.heading, lang, number=integer(number, lang), minutes=integer(part.minutes, lang))
        out.append(f"| {heading} | {integer(sum(m for _, m in items), lang)} |")
    out += [f"| {t('guide.closing_row', lang)} | {integer(CLOSING_MINUTES, lang)} |", ""]

    out += [f"## {t('programme.part_law', lang, minutes=integer(PRIMER_MINUTES, lang))}", ""]
    for case in primer(lang):
        out += [f"**{case['title']}** {case['case']}", "", f"- {case['question']}",
                f"  *{t('guide.answer', lang)}* {case['answer']}", ""]

    count = (sum(len(items) for _, items in parts) + len(rest)) or 1
    done = 0
    for number, (part, items) in enumerate(parts, start=1):
        out += [f"## {t(part.heading, lang, number=integer(number, lang), minutes=integer(part.minutes, lang))}", ""]
        exercise = EXERCISES.get(part.heading)
        if exercise:
            out += [f"**{t('guide.exercise', lang)}** {t(f'guide.exercise_{exercise}', lang)}", ""]
        for sid, minutes in items:
            out += scenario_section(load(sid), minutes, lang)
            done += 1
            report(done / count)
    out += [f"## {t('guide.closing_heading', lang, minutes=integer(CLOSING_MINUTES, lang))}", "",
            t("guide.closing", lang), ""]
    if rest:  # every other scenario in the same form, for longer sessions and practice
        out += [f"## {t('programme.more', lang)}", ""]
        for sid in rest:
            out += scenario_section(load(sid), None, lang)
            done += 1
            report(done / count)
    out += [f"## {t('guide.collect_heading', lang)}", "", t("guide.collect", lang), ""]
    out += [f"## {t('guide.seeds_heading', lang)}", "", t("guide.seeds", lang), ""]
    return "\n".join(out).rstrip() + "\n"
