"""The ``recruitsim`` command (DESIGN.md §10): list scenarios, run one, or audit your own decisions.

Argument parsing and one formatter per command. Every number and every judgement comes from core
(``core.findings`` decides what the numbers mean); this module only lays them out as text or JSON.
Exit codes: 0 success, 2 bad input (one line on stderr saying what is wrong, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from .core.errors import one_line
from .core.texts import LANGUAGES, integer, number, percent, pick, t


class InputError(Exception):
    """Bad input from the user: reported as one line, exit code 2."""


# ---------------------------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------------------------

def _num(x, lang, digits=2):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return number(x, lang, digits)


def _pct(x, lang):
    return "—" if x is None or not math.isfinite(x) else percent(x, lang)


def _int(x, lang):
    return "—" if x is None or (isinstance(x, float) and not math.isfinite(x)) else integer(int(x), lang)


def _ratio(x, lang):
    from .core.verdict import format_ratio

    return format_ratio(x, lang)


def _p(p, lang):
    from .core.verdict import format_p

    return format_p(p, lang)


def _table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]

    def line(cells):
        return indent + "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                  for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers)] + [line(r) for r in rows])


def _clean(value):
    """JSON-safe: NaN/inf become null, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write_json(data: dict, target: str) -> None:
    text = json.dumps(_clean(data), ensure_ascii=False, indent=2)
    if target == "-":
        sys.stdout.write(text + "\n")
    else:
        try:
            Path(target).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{target}: cannot write the JSON file ({exc.strerror})") from None


def _whole(x):
    """A count for JSON: an int, or None where it is hidden."""
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else int(x)


def _group_json(row, stage=None, attribute_label=None, group_label=None) -> dict:
    """One row of a public group table (hidden rows carry no numbers) in the documented JSON shape."""
    out = {
        "attribute": row["attribute"],
        "attribute_label": attribute_label if attribute_label is not None else row["attribute"],
        "group": row["group"],
        "group_label": group_label if group_label is not None else row["group"],
        "n": _whole(row["n"]),
        "selected": _whole(row["selected"]),
        "rate": row["rate"],
        "rate_ci": [row.get("rate_ci_low"), row.get("rate_ci_high")],
        "impact_ratio": row.get("impact_ratio"),
        "impact_ratio_ci": [row.get("impact_ratio_ci_low"), row.get("impact_ratio_ci_high")],
        "z": row.get("z"),
        "p_value": row.get("p_value"),
        "difference": row.get("difference"),
        "shortfall": row.get("shortfall"),
        "reference": bool(row["reference"]),
        "status": row["status"],
        "hidden": bool(row.get("hidden", False)),
        "below_four_fifths": bool(row.get("below_four_fifths", False)),
        "significant_lower": bool(row.get("significant_lower", False)),
    }
    if stage is not None:
        out["stage"] = stage
    return out


def _note(row, lang: str) -> str:
    """The last column of a rates table: why a row is special (shared with the audit window)."""
    from .core.audit_view import row_note

    return row_note(row, lang)


def _rates_table(frame, lang: str, by_attribute: bool) -> str:
    """A public group table (numbers of hidden rows already removed) as aligned text."""
    from .core.grouptable import STATUS_UNKNOWN

    headers = [t("cli.col.group", lang), "n", t("cli.col.selected", lang), t("cli.col.rate", lang),
               t("cli.col.rate_ci", lang), t("cli.col.ir", lang), t("cli.col.ir_ci", lang), "z", t("cli.col.p", lang),
               t("cli.col.note", lang)]
    rows = []
    last_attribute = None
    for row in frame.to_dict("records"):
        if by_attribute and row["attribute"] != last_attribute:
            rows.append([f"[{row['attribute_label']}]", "", "", "", "", "", "", "", "", ""])
            last_attribute = row["attribute"]
        label = row["group_label"] if row["status"] != STATUS_UNKNOWN else t("cli.audit.missing_value", lang)
        compared = not row["reference"] and row["status"] != STATUS_UNKNOWN
        rows.append([
            "  " + label if by_attribute else label, _int(row["n"], lang), _int(row["selected"], lang),
            _pct(row["rate"], lang),
            "—" if not math.isfinite(row["rate_ci_low"]) else f"{_pct(row['rate_ci_low'], lang)}–{_pct(row['rate_ci_high'], lang)}",
            _ratio(row["impact_ratio"], lang) if compared else "—",
            f"{_num(row['impact_ratio_ci_low'], lang)}–{_num(row['impact_ratio_ci_high'], lang)}"
            if compared and math.isfinite(row["impact_ratio_ci_low"]) else "—",
            _num(row["z"], lang) if compared else "—",
            _p(row["p_value"], lang) if compared else "—",
            _note(row, lang),
        ])
    return _table(headers, rows)


class _Background:
    """Run one function in a thread; ``result()`` waits for it and re-raises what it raised."""

    def __init__(self, function):
        import threading

        self._error = None

        def run():
            try:
                function()
            except BaseException as exc:  # handed to the caller
                self._error = exc

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def _print_hidden(lines: list[str]) -> None:
    if lines:
        print("  " + lines[0])
        for line in lines[1:]:
            print("    " + line)


def _print_verdict(sentences: list[str], lang: str) -> None:
    print(t("cli.run.verdict", lang))
    for sentence in sentences:
        print(f"  • {sentence}")
    print()


# ---------------------------------------------------------------------------------------------
# recruitsim scenarios
# ---------------------------------------------------------------------------------------------

def cmd_scenarios(args) -> int:
    from .core.scenario import builtin_paths, load

    items = []
    for path in builtin_paths():
        sc = load(path)
        items.append({"id": sc.id, "title": sc.title, "lesson": sc.lesson, "path": str(path),
                      "stages": len(sc.pipeline.stages), "pool_size": sc.pool.size})
    if args.json:
        _write_json({"scenarios": items}, "-")
        return 0
    lang = args.lang
    print(t("cli.scenarios.heading", lang, count=len(items)))
    for item in items:
        print(f"  {item['id']:<24} {item['title'][lang]}")
    print(t("cli.scenarios.hint", lang))
    return 0


# ---------------------------------------------------------------------------------------------
# recruitsim run
# ---------------------------------------------------------------------------------------------

def _check_seed_and_size(args) -> None:
    """--seed and --size within what a scenario file allows, both numbers named exactly (run, handout)."""
    from .core.limits import exact
    from .core.scenario import MAX_POOL_SIZE, MAX_SEED

    if args.size is not None and not (10 <= args.size <= MAX_POOL_SIZE):
        raise InputError(f"--size: must be between 10 and {exact(MAX_POOL_SIZE)}, got {exact(args.size)}")
    if args.seed is not None and not (0 <= args.seed <= MAX_SEED):
        raise InputError(f"--seed: must be between 0 and {exact(MAX_SEED)}, got {exact(args.seed)}")


def cmd_run(args) -> int:
    from .core import engine
    from .core.export import candidates_frame, write_csv
    from .core.limits import exact
    from .core.scenario import load
    from .core.warm import warm_imports

    lang = args.lang
    _check_seed_and_size(args)
    if args.top < 0:
        raise InputError(f"--top: must be 0 or more, got {exact(args.top)}")
    scenario = load(args.scenario)
    warm_imports(scenario)
    writers = []

    def write_candidates(outcome):
        # Written beside the measurement and the report: their statistics and the CSV's string
        # work share the two cores of a laptop.
        writers.append(_Background(lambda: write_csv(candidates_frame(outcome, lang), args.csv)))

    try:
        before = None
        if args.after:
            if scenario.before_after is None:
                raise InputError(f"--after: the scenario '{scenario.id}' has no before/after change")
            from .core.teaching import apply_changes

            before = engine.run(scenario, seed=args.seed, size=args.size, attribution=False, lazy=True)
            scenario.pipeline = apply_changes(scenario.pipeline, scenario.before_after.changes)
        result = engine.run(scenario, seed=args.seed, size=args.size, screened=write_candidates if args.csv else None,
                            pool=before.pool if before else None, before=before.measurement if before else None)
        if args.json:
            _write_json(_run_json(scenario, result, lang), args.json)
        if args.json != "-":
            _print_run(scenario, result, lang, args.top)
    except BaseException:
        for writer in writers:
            writer.wait()
        raise
    for writer in writers:
        try:
            writer.result()
        except OSError as exc:
            raise InputError(f"{args.csv}: cannot write the CSV file ({exc.strerror})") from None
    if args.json == "-":
        return 0
    if args.csv:
        print(t("cli.run.csv_written", lang, path=args.csv))
    if args.json:
        print(t("cli.run.json_written", lang, path=args.json))
    return 0


def _run_json(scenario, result, lang: str) -> dict:
    from .core.findings import public_groups
    from .core.grouptable import OVERALL
    from .core.texts import pick
    from .core.verdict import attribute_label, group_label

    m = result.measurement
    outcome = result.outcome
    findings = m.findings
    stage_names = [m.stage_label(s, lang) for s in range(outcome.n_stages)]

    def stage_key(s):
        return "overall" if s == OVERALL else stage_names[s]

    groups = public_groups(m.groups)
    hidden = findings.hidden
    data = {
        "scenario": scenario.id,
        "title": pick(scenario.title, lang),
        "seed": result.pool.settings.seed,
        "size": len(result.pool),
        "lang": lang,
        "stages": [{"index": i, "name": name, "entered": int(outcome.reached(i).sum()),
                    "passed": int(outcome.passed(i).sum())} for i, name in enumerate(stage_names)],
        "selected": int(outcome.selected.sum()),
        "verdict": findings.sentences(lang),
        "findings": findings.as_dict(lang),
        "groups": [_group_json(row, stage_key(int(row["stage"])), attribute_label(row["attribute"], lang),
                               group_label(row["attribute"], row["group"], lang))
                   for row in groups.to_dict("records")],
        "suppressed": [{"stage": stage_key(int(r["stage"])), "attribute": r["attribute"], "cells": int(r["cells"]),
                        "candidates": int(r["people"])} for r in hidden.to_dict("records")],
        "missed_talent": m.ground_truth.to_dict("records"),
        "unusual_cv": m.unusual.to_dict("records"),
        "rules": _rules_json(m, lang),
        "stratified": findings.stratified or {},
    }
    if scenario.replays:
        replays = [_replay_json(replay, outcome, lang) for replay in scenario.replays]
        data["replay"] = replays[0]  # the first study, where scripts written for one replay look
        data["replays"] = replays
    audits = m.ai_audits  # computed once per run (the printed report reads the same)
    if audits:
        data["ai_screener_audits"] = [_ai_audit_json(a, lang) for a in audits.values()]
    return data


def _ai_audit_json(audit, lang: str) -> dict:
    from .core.texts import label

    return {"stage": audit.stage, "rule": audit.rule, "judged": audit.entering,
            "name_swap": [{**g, "group_label": label("name_region", g["group"], lang)} for g in audit.name_groups],
            "shortlisted": audit.shortlisted, "name_swap_flips": audit.name_flips,
            "name_swap_no_longer_shortlisted": audit.name_lost, "order_swap_flips": audit.order_flips,
            "order_swap_no_longer_shortlisted": audit.order_lost, "repeats": audit.repeats, "always": audit.always,
            "never": audit.never, "sometimes": audit.sometimes}


def _print_ai_audits(measurement, lang: str) -> None:
    """What a buyer can demand from the vendor of an AI screener: the three audits, run here."""
    from .core.ai_audit import audit_sentences
    from .core.texts import label

    for audit in measurement.ai_audits.values():
        print(t("cli.ai.heading", lang, judged=integer(audit.entering, lang)))
        rows = [[label("name_region", g["group"], lang), integer(g["n"], lang), integer(g["selected"], lang),
                 _pct(g["rate"], lang), f"{_pct(g['rate_ci'][0], lang)}–{_pct(g['rate_ci'][1], lang)}",
                 "—" if g["reference"] else _ratio(g["impact_ratio"], lang),
                 "—" if g["reference"] else _p(g["p_value"], lang)] for g in audit.name_groups]
        print(_table([t("cli.ai.name", lang), t("cli.ai.judged", lang), t("cli.ai.picked", lang),
                      t("cli.col.rate", lang), t("cli.ai.interval", lang), t("cli.ai.ratio", lang),
                      t("cli.ai.p", lang)], rows))
        for sentence in audit_sentences(audit, lang):
            print("  " + sentence)
        print()


def _print_run(scenario, result, lang: str, top: int) -> None:
    from .core.findings import flagged_rows, lowest_ratio, public_groups
    from .core.grouptable import OVERALL
    from .core.report import funnel
    from .core.texts import pick
    from .core.thresholds import FEW_N
    from .core.verdict import group_label, groups_for_display

    m = result.measurement
    outcome = result.outcome
    findings = m.findings
    pool = result.pool
    stage_names = [m.stage_label(s, lang) for s in range(outcome.n_stages)]
    print(f"{t('cli.run.title', lang)} — {pick(scenario.title, lang)}")
    print(t("cli.run.setup", lang, vacancy=pick(scenario.vacancy.title, lang), n=integer(len(pool), lang),
            seed=pool.settings.seed, selected=integer(int(outcome.selected.sum()), lang)))
    if not pool.settings.structural_links:
        print(t("cli.run.neutral", lang))
    print()
    for replay in scenario.replays:
        _print_replay(replay, outcome, lang)
    _print_verdict(findings.sentences(lang), lang)
    _print_ai_audits(m, lang)

    print(t("cli.run.funnel", lang))
    headers = [t("cli.col.group", lang), t("cli.col.applied", lang)] + stage_names
    rows = []
    for attribute in ("gender", "origin", "age_band"):
        table = funnel(outcome, attribute)
        for record in table.to_dict("records"):
            hidden = record["hidden"]
            rows.append([t(f"label.{attribute}.{record['group']}", lang)]
                        + ["—" if hidden else integer(record[s], lang) for s in range(outcome.n_stages + 1)])
    print(_table(headers, rows))
    print()

    groups = groups_for_display(public_groups(m.groups), lang)
    print(t("cli.run.rates", lang))
    print(_rates_table(groups[(groups["stage"] == OVERALL) & (groups["depth"] == 1)], lang, by_attribute=True))
    print()

    flagged = flagged_rows(m.groups, OVERALL, depth=2)
    flagged = groups.loc[flagged.sort_values("impact_ratio").head(top).index]
    print(t("cli.run.intersections", lang, count=len(flagged)))
    if len(flagged):
        print(_rates_table(flagged, lang, by_attribute=False))
    _print_hidden(findings.hidden_lines(lang, OVERALL))
    print()

    print(t("cli.run.stages", lang))
    for s, name in enumerate(stage_names):
        worst = lowest_ratio(m.singles, s)
        line = t("cli.run.stage_line", lang, stage=name, entered=integer(int(outcome.reached(s).sum()), lang),
                 passed=integer(int(outcome.passed(s).sum()), lang))
        if worst is not None:
            line += " " + t("cli.run.stage_worst", lang, group=group_label(worst["attribute"], worst["group"], lang),
                            ratio=_ratio(worst["impact_ratio"], lang), p=_p(worst["p_value"], lang))
        print("  " + line)
    print()

    print(t("cli.run.rules", lang))
    for rule_id, (s, _, rule) in enumerate(outcome.pipeline.flat_rules()):
        if not rule.enabled:
            print(f"  [{rule_id + 1}] {rule.describe(lang)} — {t('cli.run.rule_off', lang)}")
            continue
        legal = rule.legality()
        described = rule.describe(lang)
        # A one-rule stage is often named after its rule: say the name once.
        same = described.casefold().startswith(stage_names[s].casefold())
        print(f"  [{rule_id + 1}] {described[:1].upper() + described[1:] if same else stage_names[s] + ': ' + described}")
        print(f"      {legal.label(lang)}: {legal.explain(lang)}")
        effects = m.rules[m.rules["rule_id"] == rule_id] if not m.rules.empty else m.rules
        parts = [t("cli.run.rule_effect", lang, group=t(f"label.{row.attribute}.{row.group}", lang),
                   removed=_pct(row.removed_share, lang), now=_pct(row.rate_now, lang),
                   without=_pct(row.rate_without, lang))
                 for attribute in ("gender", "origin") if len(effects)
                 for row in effects[effects["attribute"] == attribute].itertuples() if row.n >= FEW_N]
        if parts:
            print("      " + t("cli.run.rule_effect_heading", lang))
            for part in parts:
                print("        " + part)
    print()

    print(t("cli.run.missed", lang))
    gt = m.ground_truth
    rows = [[t(f"label.{row.attribute}.{row.group}", lang), integer(row.qualified, lang),
             integer(row.qualified_selected, lang), integer(row.missed, lang), _pct(row.tpr, lang),
             _pct(row.precision, lang)]
            for row in gt[gt["attribute"].isin(["gender", "origin"])].itertuples()]
    print(_table([t("cli.col.group", lang), t("cli.col.qualified", lang), t("cli.col.qualified_selected", lang),
                  t("cli.col.missed", lang), t("cli.col.tpr", lang), t("cli.col.precision", lang)], rows))
    print()
    rows = [[t(f"unusual.{row.type}", lang), integer(row.qualified, lang), integer(row.rejected, lang),
             _pct(row.missed_share, lang)] for row in m.unusual.itertuples()]
    print(_table([t("cli.col.unusual", lang), t("cli.col.qualified", lang), t("cli.col.rejected", lang),
                  t("cli.col.missed_share", lang)], rows))
    print()
    print(t("cli.run.legend", lang))


def _rules_json(m, lang: str) -> list[dict]:
    out = []
    for rule_id, (s, _, rule) in enumerate(m.outcome.pipeline.flat_rules()):
        legal = rule.legality()
        entry = {"id": rule_id + 1, "stage": s, "kind": rule.kind, "enabled": rule.enabled,
                 "description": rule.describe(lang), "legality": legal.level, "legality_note": legal.explain(lang)}
        if not m.rules.empty:
            r = m.rules[m.rules["rule_id"] == rule_id]
            entry["groups"] = r.drop(columns=["rule_id", "stage", "kind"]).to_dict("records")
        if rule.enabled:
            entry.update(rule.inspect(m.outcome.pool))
        out.append(entry)
    return out


def _replay_json(replay, outcome, lang: str) -> dict:
    from .core.replay import replay_report, simulated_rates

    report = replay_report(replay, lang)
    out = {"study": replay.study.get(lang), "outcome": replay.outcome.get(lang), "citation": pick(replay.citation, lang),
           "ranking": replay.ranking}
    if not replay.ranking:  # a ranking replay is read per stratum only (see core.replay)
        out["groups"] = [_group_json(row) for row in report.pooled.to_dict("records")]
    out["strata"] = {k: [_group_json(row) for row in v.to_dict("records")] for k, v in report.per_stratum.items()}
    if replay.ranking:
        out["equal_shares"] = report.equal_shares
        out["ranking_summary"] = report.ranking_summary()
    else:
        out["stratified"] = report.stratified
    out["simulated"] = simulated_rates(replay, outcome, lang).to_dict("records")
    return out


def _print_replay(replay, outcome, lang: str) -> None:
    """The published figures exactly, with our statistics, then the simulation beside them."""
    from .core.findings import stratified_sentence
    from .core.replay import ranking_summary_sentence, ranking_table, replay_report, simulated_rates
    from .core.texts import pick

    report = replay_report(replay, lang)
    print(t("cli.replay.heading", lang, study=pick(replay.study, lang), outcome=pick(replay.outcome, lang)))
    if replay.ranking:
        headers, rows = ranking_table(replay, report, lang)
        print(_table(headers, rows))
        if ranking_summary_sentence(report, lang):
            print("  " + ranking_summary_sentence(report, lang))
    else:
        frame = report.pooled.copy()
        frame["group_label"] = frame["group"]
        frame["attribute_label"] = t("cli.replay.all", lang)
        print(_rates_table(frame, lang, by_attribute=True))
        for stratum, table in report.per_stratum.items():
            table = table.copy()
            table["group_label"] = table["group"]
            table["attribute_label"] = t("cli.replay.stratum", lang, stratum=replay.stratum_name(stratum, lang))
            print(_rates_table(table, lang, by_attribute=True).split("\n", 1)[1])
    for st in report.stratified:
        strata = ", ".join(replay.stratum_name(k, lang) for k in report.per_stratum)
        print("  " + stratified_sentence(st, lang, st["group"], st["reference_group"], t("cli.replay.strata", lang, strata=strata)))
    for row in simulated_rates(replay, outcome, lang).itertuples():
        print("  " + t("cli.replay.simulated", lang, group=row.group, published=_pct(row.published_rate, lang),
                       simulated=_pct(row.simulated_rate, lang), n=integer(row.simulated_n, lang),
                       z=_num(row.z, lang)))
    if replay.citation:
        print("  " + pick(replay.citation, lang))
    print()


# ---------------------------------------------------------------------------------------------
# recruitsim audit
# ---------------------------------------------------------------------------------------------

def cmd_audit(args) -> int:
    from .core.audit import AuditInputError, shown
    from .core.findings import public_groups, stratified_sentence
    from .core.grouptable import OVERALL

    # No background import here (unlike `run`): reading a CSV holds the interpreter lock, so
    # loading the statistics libraries beside it only adds CPU time (measured in bench_audit.py).
    lang = args.lang
    if args.report:  # C: the PDF report — say before any work is done when it cannot be written
        _check_output(args.report)
    try:
        audit = _audit_from_args(args)
    except AuditInputError as exc:
        raise InputError(str(exc)) from None
    if getattr(args, "csv", None):
        _write_audit_table(audit, args.file, args.csv, lang)
    findings = audit.findings
    groups = public_groups(audit.groups)
    sentences = findings.sentences(lang)
    if args.json:
        data = {"file": args.file, "sheet": audit.sheet, "blank_rows": audit.blank_rows, "encoding": audit.encoding,
                "rows_read": audit.rows + audit.no_decision + audit.unmapped + audit.left_out,
                     "no_decision": audit.no_decision, "left_out_unknown": audit.left_out,
                "unmapped": audit.unmapped, "unmapped_values": [list(v) for v in audit.unmapped_values],
                "mapping": audit.mapping.as_dict() if audit.mapping is not None else None,
                "rows": audit.rows, "selected": audit.selected, "selected_column": audit.selected_column,
                "group_columns": audit.group_columns, "strata_column": audit.strata_column,
                "unknown": audit.unknown, "verdict": sentences, "findings": findings.as_dict(lang),
                "groups": [_group_json(row, int(row["stage"]) if audit.stages is not None else None)
                           for row in groups.to_dict("records")],
                "stratified": audit.stratified,
                "lens": _lens_json(audit, args.lens, lang)}
        data.update(audit_stages_json(audit))
        _write_json(data, args.json)
        if args.json == "-":
            if args.report:  # C: the PDF too; standard output holds only the JSON
                _write_audit_report(audit, args.lens, args.report, lang)
            return 0
    # The text report keeps one line per line: names and values from the file are printed with line
    # breaks and other control characters escaped (the JSON holds them as they are).
    print(t("cli.audit.title", lang, file=shown(args.file, None), rows=integer(audit.rows, lang),
            selected=integer(audit.selected, lang)))
    if audit.sheet is not None:
        print(t("cli.audit.sheet", lang, sheet=shown(audit.sheet, None), blank=integer(audit.blank_rows, lang)))
    if audit.no_decision:
        print(t("cli.audit.no_decision", lang, count=integer(audit.no_decision, lang),
                column=shown(audit.selected_column, None)))
    if audit.unmapped:
        values = ", ".join(f"'{shown(v, None)}' ({integer(c, lang)})" for v, c in audit.unmapped_values[:10])
        print(t("cli.audit.unmapped", lang, count=integer(audit.unmapped, lang),
                column=shown(audit.selected_column, None), values=values))
    if audit.left_out:
        print(t("audit.view.left_out", lang, count=integer(audit.left_out, lang)))
    if audit.mapping is not None:
        from .core.audit_mapping import describe_mapping

        for line in describe_mapping(audit.mapping, lang):
            print("  " + line)
    print()
    _print_verdict([shown(s, None) for s in sentences], lang)
    display = groups[groups["stage"] == OVERALL].copy()
    display["group_label"] = display["group"].map(lambda g: shown(g, None))
    display["attribute_label"] = display["attribute"].map(lambda a: shown(a, None))
    print(_rates_table(display, lang, by_attribute=True))
    _print_hidden([shown(line, None) for line in findings.hidden_lines(lang, OVERALL)])
    if audit.stages is not None:
        print()
        print_audit_stages(audit, lang)
    for column, count in audit.unknown.items():
        if count:
            print("  " + t("cli.audit.unknown", lang, column=shown(column, None), count=count))
    if audit.stratified:
        print()
        for st in audit.stratified:
            print("  " + shown(stratified_sentence(st, lang, st["group"], st["reference_group"], audit.strata_column),
                               None))
    if getattr(args, "csv", None):
        print(t("audit.export.written", lang, path=shown(args.csv, None)))
    print()
    print(t("cli.run.legend", lang))
    _print_lens(audit, args.lens, lang)  # C: the legal lens
    if args.report:  # C: the PDF report
        pages = _write_audit_report(audit, args.lens, args.report, lang)
        print(t("audit.report.written", lang, path=args.report, count=pages))
    return 0


# -- an audit by stages (issue 14): the funnel of each group column --------------------------

def audit_stages_json(audit) -> dict:
    """What an audit by stages adds to the JSON ({} for a yes/no audit): "stages" (their names in
    order) and "funnel": per group column, per group, how many reached each stage ("reached", None
    where the count is withheld) and each step's n, passed and rate ("steps"); "hidden" is True for
    a group with a count withheld. (Each row of "groups" then has a "stage": -1 for OVERALL, k for
    the step from stages[k] to stages[k + 1].)"""
    from .core.audit import audit_funnel

    if audit.stages is None:
        return {}
    stages = audit.stages
    funnel = {}
    for column in audit.group_columns:
        table = audit_funnel(audit, column)
        out = []
        for record in table.to_dict("records"):
            reached = [None if math.isnan(record[k]) else int(record[k]) for k in range(len(stages))]
            steps = []
            for k in range(len(stages) - 1):
                n, passed = reached[k], reached[k + 1]
                steps.append({"from": stages[k], "to": stages[k + 1], "n": n, "passed": passed,
                              "rate": passed / n if n and passed is not None else None})
            out.append({"group": record["group"], "hidden": bool(record["hidden"]), "reached": reached,
                        "steps": steps})
        funnel[column] = out
    return {"stages": list(stages), "funnel": funnel}


def audit_stages_lines(audit, lang: str) -> list[str]:
    """The funnel section of ``recruitsim audit`` for an audit by stages, as printed lines ([] for a
    yes/no audit): per group column, how many of each group reached each stage, and each step's pass
    rate with its n; withheld counts are "—", and what is hidden is said in counts of groups and
    people only. Names from the file are escaped (``shown``)."""
    from .core.audit import audit_funnel, shown
    from .core.findings import hidden_counts

    if audit.stages is None:
        return []
    stages = [shown(s, None) for s in audit.stages]
    steps = [t("audit.stages.passage", lang, before=a, into=b) for a, b in zip(stages, stages[1:])]
    reached_rows, step_rows = [], []
    for column in audit.group_columns:
        table = audit_funnel(audit, column)
        heading = f"[{shown(column, None)}]"
        reached_rows.append([heading] + [""] * len(stages))
        step_rows.append([heading] + [""] * len(steps))
        for record in table.to_dict("records"):
            label = "  " + shown(record["group"], None)
            counts = [record[k] for k in range(len(stages))]
            reached_rows.append([label] + [_int(c, lang) for c in counts])
            cells = []
            for n, passed in zip(counts, counts[1:]):
                if math.isnan(n) or math.isnan(passed):
                    cells.append("—")
                elif n == 0:
                    cells.append(t("cli.audit.stages.rate", lang, rate="—", passed=_int(passed, lang), n=_int(n, lang)))
                else:
                    cells.append(t("cli.audit.stages.rate", lang, rate=_pct(passed / n, lang), passed=_int(passed, lang),
                                   n=_int(n, lang)))
            step_rows.append([label] + cells)
    lines = [t("cli.audit.stages.funnel", lang), _table([t("cli.col.group", lang)] + stages, reached_rows), "",
             t("cli.audit.stages.passed", lang), _table([t("cli.col.group", lang)] + steps, step_rows)]
    singles = audit.groups[(audit.groups["depth"] == 1) & (audit.groups["stage"] >= 0)]
    hidden = hidden_counts(singles)
    if len(hidden):
        lines.append("  " + t("cli.audit.stages.hidden_note", lang))
        for r in hidden.to_dict("records"):
            lines.append("    " + t("cli.audit.stages.hidden", lang, stage=steps[int(r["stage"])],
                                    table=shown(r["attribute"], None), count=int(r["cells"]),
                                    people=integer(int(r["people"]), lang)))
    return lines


def print_audit_stages(audit, lang: str) -> None:
    """Print ``audit_stages_lines`` (nothing for a yes/no audit)."""
    for line in audit_stages_lines(audit, lang):
        print(line)


# C: the legal lens and the report of an audit (core/audit_lens.py, gui/audit_report.py) ----------

def _lens_json(audit, lens: str, lang: str) -> dict:
    from .core.audit_lens import lens_json

    return lens_json(audit, lens, lang)


def _write_audit_report(audit, lens: str, target: str, lang: str) -> int:
    """Write the audit's PDF report (gui.audit_report, offscreen Qt); the number of pages. One line when
    Qt is missing or the file cannot be written."""
    try:
        from .gui import handout as pdf
        from .gui.audit_report import write_audit_report
    except ImportError:
        raise InputError(t("cli.no_pdf", lang)) from None
    pdf.ensure_gui_application()
    try:
        return write_audit_report(audit, target, lang, lens)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the PDF file ({exc.strerror or exc})") from None


def _print_lens(audit, lens: str, lang: str) -> None:
    """The lens section of the text report: its sentences, its table per column (NYC) and its notes;
    names from the file escaped to one line as everywhere in this report."""
    from .core.audit import shown
    from .core.audit_lens import lens_headers, lens_notes, lens_rows, lens_sentences, lens_table, lens_title

    print()
    print(t("audit.lens.heading", lang, title=lens_title(lens, lang)))
    for sentence in lens_sentences(audit, lens, lang):
        print("  " + shown(sentence, None))
    table = lens_table(audit, lens)
    if table is not None:
        for attribute in dict.fromkeys(table["attribute"]):
            print()
            print("  " + shown(attribute, None))
            rows = [[shown(c, None) for c in row] for row in lens_rows(table, attribute, lang)]
            print(_table(lens_headers(lang), rows))
    print()
    for note in lens_notes(lens, lang):
        print("  " + note)


def _audit_from_args(args):
    """The audit the arguments ask for: columns named on the command line, or a saved mapping."""
    from .core.audit import AuditInputError, audit_file, read_decisions

    if args.mapping:
        if args.group is not None or args.selected is not None or args.strata is not None:
            raise AuditInputError("cli_mapping_and_columns")
        from .core.audit_mapping import audit_mapped, load_mapping

        mapping = load_mapping(args.mapping)
        sheet = args.sheet if args.sheet is not None else mapping.sheet
        frame = read_decisions(args.file, mapping.columns(), sheet)
        return audit_mapped(frame, mapping, args.file)
    missing = [flag for flag, value in (("--group", args.group), ("--selected", args.selected)) if value is None]
    if missing:
        if len(missing) == 2:
            raise AuditInputError("cli_flags_needed")
        raise AuditInputError("cli_flag_needed", flag=missing[0])
    return audit_file(args.file, args.group, args.selected, args.strata, args.sheet)


def _write_audit_table(audit, source: str, target: str, lang: str) -> None:
    """`audit --csv FILE`: the group table as CSV (core.audit_export); never over the file audited."""
    import os

    from .core.audit import shown
    from .core.audit_export import write_audit_csv
    from .core.limits import os_reason

    try:
        out = Path(target)
        itself = out.resolve() == Path(source).resolve() or (
            out.is_file() and Path(source).is_file() and os.path.samefile(out, source))
    except OSError:  # a path that cannot be looked at: writing it reports why
        itself = False
    if itself:
        raise InputError(f"{shown(target, None)}: this is the file being audited; write the table to another file")
    try:
        write_audit_csv(audit, target, lang)
    except OSError as exc:
        raise InputError(f"{shown(target, None)}: cannot write the CSV file ({os_reason(exc)})") from None


# ---------------------------------------------------------------------------------------------
# recruitsim session
# ---------------------------------------------------------------------------------------------

def _open_session(path: str):
    """The session file's checked contents, read without writing to it; anything wrong is one line, exit 2."""
    from .core.session import SessionError, read

    try:
        return read(path)
    except SessionError as exc:
        raise InputError(str(exc)) from None


def cmd_session(args) -> int:
    from .core.review import EXPORT_COLUMNS, decision_rows, session_summary
    from .core.texts import label

    lang = args.lang
    target = args.csv if args.action == "export" else args.json
    if target and target != "-":  # writing the output over the session (or its -wal file) would destroy it
        import os

        try:
            out = Path(target).resolve()
            itself = any(out == Path(f"{args.file}{end}").resolve() for end in ("", "-wal", "-shm")) or (
                out.is_file() and Path(args.file).is_file() and os.path.samefile(out, args.file))
        except OSError:  # a path that cannot be looked at: opening or writing it reports why
            itself = False
        if itself:
            raise InputError(f"{target}: this is the session file itself; write the output to another file")
    session = _open_session(args.file)
    if args.action == "export":
        import csv

        rows = decision_rows(session, lang)
        try:
            with open(args.csv, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(EXPORT_COLUMNS)
                writer.writerows(rows)
        except OSError as exc:
            raise InputError(f"{args.csv}: cannot write the CSV file ({exc.strerror or exc})") from None
        print(t("cli.session.exported", lang, count=len(rows), path=args.csv))
        return 0
    report = session_summary(session, lang)
    if args.json:
        _write_json(report, args.json)
        if args.json == "-":
            return 0
    print(t("cli.session.title", lang, participant=report["participant"] or "—", title=report["title"],
            seed=report["seed"], n=integer(report["size"], lang)))
    print(t("cli.session.counts", lang, decisions=report["decisions"], reviewed=report["reviewed"],
            versus=report["versus_decisions"], overrides=report["overrides"],
            rate=_pct(report["override_rate"], lang)))
    print(t("cli.session.talent", lang, recovered=report["recovered"], lost=report["lost"],
            wrong=report["wrongly_advanced"]))
    if report["rubber_stamp"]:
        print("  " + t("review.flag.rubber_stamp", lang))
    for w in report["widened"]:
        print("  " + t("review.flag.widened", lang, group=label(w["attribute"], w["group"], lang),
                       before=_num(w["before"], lang), after=_num(w["after"], lang)))
    rows = [[label(g["attribute"], g["group"], lang), _num(g["impact_ratio_machine"], lang),
             _num(g["impact_ratio_human"], lang)]
            for g in report["groups"] if not g["reference_machine"] or not g["reference_human"]]
    print()
    print(_table([t("cli.col.group", lang), t("cli.session.ir_machine", lang), t("cli.session.ir_human", lang)], rows))
    return 0


# ---------------------------------------------------------------------------------------------
# recruitsim class
# ---------------------------------------------------------------------------------------------

def _interval(low, high, lang) -> str:
    return "—" if low is None or not math.isfinite(low) else f"{_pct(low, lang)}–{_pct(high, lang)}"


def _sides_rows(frame, column: str, sides: tuple[str, str], lang: str) -> list[list[str]]:
    """One row per group: each side's selected/n, rate and Wilson interval (groups nobody judged left out)."""
    from .core.classroom import ATTRIBUTES
    from .core.texts import label

    rows = []
    for attribute in ATTRIBUTES:
        mine = frame[frame["attribute"] == attribute]
        left = mine[mine[column] == sides[0]].set_index("group")
        right = mine[mine[column] == sides[1]].set_index("group")
        groups = [g for g in left.index if left.loc[g, "n"] > 0 or right.loc[g, "n"] > 0]
        if not groups:
            continue
        rows.append([f"[{t(f'attribute.{attribute}', lang)}]"] + [""] * 6)
        for g in groups:
            cells = ["  " + label(attribute, g, lang)]
            for side in (left, right):
                r = side.loc[g]
                cells += [f"{_int(r['selected'], lang)}/{_int(r['n'], lang)}",
                          _pct(r["rate"], lang) if r["n"] else "—", _interval(r["rate_ci_low"], r["rate_ci_high"], lang)]
            rows.append(cells)
    return rows


def cmd_class(args) -> int:
    from .core.classroom import ATTRIBUTES, read_room
    from .core.review import MIN_DECISIONS_FOR_FLAGS, RUBBER_STAMP_RATE
    from .core.session import SELF_CHECK_STATEMENTS
    from .core.texts import label

    lang = args.lang
    if args.pdf:
        _check_output(args.pdf)  # before any file is read: one line, exit 2
    files = read_room(args.paths)
    for note in files.notes:
        print(f"recruitsim: {t('cli.class.skipped', lang, note=note)}", file=sys.stderr)
    if not files.sessions:
        raise InputError(t("cli.class.none", lang))
    scenarios = files.scenarios()
    if args.scenario is not None and args.scenario not in scenarios:
        raise InputError(f"--scenario: no session file in these paths is for '{args.scenario}' "
                         f"(they are for: {', '.join(scenarios)})")
    room = files.room(args.scenario, names=args.names)
    if args.pdf:
        from .core.room_summary import room_summary, summary_attribute

        summary = room_summary(room, lang, args.attribute or summary_attribute(files, room.scenario))
        _write_pdf("write_room_summary", summary, args.pdf, lang)
    if args.json:
        data = room.as_dict()
        data["scenarios"] = scenarios
        _write_json(data, args.json)
        if args.json == "-":
            return 0
    print(t("cli.class.title", lang, title=pick(room.title, lang), scenario=room.scenario,
            participants=integer(room.participants, lang), files=integer(room.files, lang)))
    others = {k: v for k, v in scenarios.items() if k != room.scenario}
    if others:
        print("  " + t("cli.class.other_scenarios", lang, scenarios=", ".join(f"{k} ({v})" for k, v in others.items())))
    print()
    # screening without advice, beside the machine
    if room.unaided_decisions:
        print(t("cli.class.unaided_heading", lang, decisions=integer(room.unaided_decisions, lang),
                participants=integer(room.unaided_participants, lang), cvs=integer(room.unaided_cvs, lang)))
        headers = [t("cli.col.group", lang), t("cli.class.room_rate", lang), t("cli.col.rate", lang),
                   t("cli.class.col_rate_ci", lang), t("cli.class.machine_rate", lang), t("cli.col.rate", lang),
                   t("cli.class.col_rate_ci", lang)]
        print(_table(headers, _sides_rows(room.unaided, "side", ("room", "machine"), lang)))
        print("  " + t("cli.class.independence", lang))
    else:
        print(t("cli.class.unaided_none", lang))
    print()
    # overrides and rubber-stamping
    print(t("cli.class.overrides_heading", lang, reviewed=integer(room.reviewed, lang), up=integer(room.overrides_up, lang),
            down=integer(room.overrides_down, lang)))
    rows = []
    for attribute in ATTRIBUTES:
        mine = room.overrides[(room.overrides["attribute"] == attribute) & (room.overrides["reviewed"] > 0)]
        if len(mine):
            rows.append([f"[{t(f'attribute.{attribute}', lang)}]", "", "", "", ""])
        for r in mine.to_dict("records"):
            rows.append(["  " + label(attribute, r["group"], lang), integer(r["reviewed"], lang),
                         integer(r["overrides_up"], lang), integer(r["overrides_down"], lang),
                         _pct(r["override_rate"], lang)])
    if rows:
        print(_table([t("cli.col.group", lang), t("cli.class.col_reviewed", lang), t("cli.class.col_up", lang),
                      t("cli.class.col_down", lang), t("cli.class.col_override_rate", lang)], rows))
    print("  " + t("cli.class.rubber_stamp", lang, flagged=integer(room.rubber_stamp, lang),
                   judged=integer(room.flaggable, lang), min=integer(MIN_DECISIONS_FOR_FLAGS, lang),
                   rate=percent(RUBBER_STAMP_RATE, lang, 0), reviewers=integer(room.reviewers, lang)))
    if room.names is not None:
        print("  " + t("cli.class.names_heading", lang))
        for entry in room.per_participant:
            print(f"    {one_line(entry.get('name') or '—')}: {_pct(entry['override_rate'], lang)} "
                  f"({integer(entry['overrides'], lang)}/{integer(entry['reviewed'], lang)})")
    print()
    # blind versus not blind
    print(t("cli.class.blind_heading", lang, blind=integer(room.blind_participants, lang),
            open=integer(room.open_participants, lang)))
    headers = [t("cli.col.group", lang), t("cli.class.blind_rate", lang), t("cli.col.rate", lang),
               t("cli.class.col_rate_ci", lang), t("cli.class.open_rate", lang), t("cli.col.rate", lang),
               t("cli.class.col_rate_ci", lang)]
    print(_table(headers, _sides_rows(room.blind, "mode", ("blind", "open"), lang)))
    print()
    # quiz
    if any(q["answered"] for q in room.quiz):
        from .core.claims import fill_texts

        print(t("cli.class.quiz_heading", lang))
        for q in room.quiz:
            print("  " + one_line(t("cli.class.quiz_question", lang, number=q["question"] + 1,
                                    question=fill_texts(q["text"], lang, room.text_values(lang)), answered=integer(q["answered"], lang),
                                    correct=integer(q["correct"], lang))))
            for k, option in enumerate(q["options"]):
                mark = "✓" if k == q["answer"] else " "
                print(f"    {mark} {chr(ord('A') + k)}. {integer(q['counts'][k], lang):>3}  "
                      f"{one_line(fill_texts(option, lang, room.text_values(lang)))}")
    else:
        print(t("cli.class.quiz_none", lang))
    print()
    if room.challenges:
        print(t("cli.class.challenges_heading", lang))
        for c in room.challenges:
            print("  " + one_line(t("cli.class.challenge", lang, title=pick(c["title"], lang), met=integer(c["met"], lang),
                                    participants=integer(c["participants"], lang))))
    else:
        print(t("cli.class.challenges_none", lang))
    print()
    counts = room.self_check_participants
    if counts.get("before") or counts.get("after"):
        print(t("cli.class.selfcheck_heading", lang, before=integer(counts.get("before", 0), lang),
                after=integer(counts.get("after", 0), lang)))
        rows = []
        for entry in room.self_check:
            rows.append([t(f"selfcheck.statement.{entry['statement']}", lang), _num(entry["before"]["mean"], lang, 1),
                         _num(entry["after"]["mean"], lang, 1), integer(entry["paired"], lang),
                         ("+" if entry["mean_change"] > 0 else "") + _num(entry["mean_change"], lang, 1),
                         _p(entry["p_value"], lang) if math.isfinite(entry["p_value"]) else "—"])
        assert len(rows) == len(SELF_CHECK_STATEMENTS)
        print(_table(["", t("cli.class.col_before", lang), t("cli.class.col_after", lang), t("cli.class.col_paired", lang),
                      t("cli.class.col_change", lang), t("cli.class.col_p", lang)], rows))
    else:
        print(t("cli.class.selfcheck_none", lang))
    if args.json:
        print()
        print(t("cli.class.json_written", lang, path=args.json))
    if args.pdf:
        print(t("cli.class.pdf_written", lang, path=args.pdf))
    return 0


# ---------------------------------------------------------------------------------------------
# recruitsim screenshot
# ---------------------------------------------------------------------------------------------

def cmd_screenshot(args) -> int:
    import re

    from .core.scenario import load

    match = re.fullmatch(r"(\d{3,5})x(\d{3,5})", args.size)
    if not match:
        raise InputError(f"--size: expected WIDTHxHEIGHT such as 1600x1000, got {args.size!r}")
    load(args.scenario)  # a bad scenario is reported before Qt starts
    from .gui.screenshot import render_views

    try:
        written = render_views(args.scenario, args.out, args.lang, (int(match[1]), int(match[2])), slides=args.slides)
    except OSError as exc:
        raise InputError(f"{args.out}: cannot write there ({exc.strerror})") from None
    for path in written:
        print(path)
    return 0


# ---------------------------------------------------------------------------------------------
# recruitsim handout / record: PDF pages (laid out with Qt's PDF writer, offscreen)
# ---------------------------------------------------------------------------------------------

def _check_output(target: str) -> None:
    """Say before any work is done when a PDF cannot be written to ``target`` (one line, exit 2)."""
    import os

    path = Path(target)
    if path.is_dir():
        raise InputError(f"{target}: is a folder; give a file name such as handout.pdf")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{target}: cannot write the PDF file (the folder {folder} does not exist)")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"{target}: cannot write the PDF file (permission denied)")


def _write_pdf(writer: str, content, target: str, lang: str) -> int:
    """Write ``content`` with ``gui.handout.<writer>``; the number of pages."""
    try:
        from .gui import handout as pdf
    except ImportError:
        raise InputError(t("cli.no_pdf", lang)) from None
    pdf.ensure_gui_application()
    try:
        return getattr(pdf, writer)(content, target)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the PDF file ({exc.strerror or exc})") from None


def cmd_handout(args) -> int:
    from .core import engine
    from .core.handout import handout
    from .core.scenario import load

    lang = args.lang
    _check_seed_and_size(args)
    scenario = load(args.scenario)
    _check_output(args.out)
    result = engine.run(scenario, seed=args.seed, size=args.size, lazy=True)
    content = handout(result, lang, facilitator=args.facilitator)
    pages = _write_pdf("write_handout", content, args.out, lang)
    print(t("cli.handout.written", lang, path=args.out, count=pages))
    return 0


def cmd_record(args) -> int:
    import datetime as dt

    from .core.record import Participation, RecordInputError, from_progress, from_session, merge, read_progress, record_page

    lang = args.lang
    if not args.session and not args.progress:
        raise InputError("record: give the participant's session files (--session FILE) and/or progress file (--progress FILE)")
    items = []
    names = set()
    for path in args.session or []:
        contents = _open_session(path)
        if contents.participant.strip():
            names.add(contents.participant.strip())
        try:
            items.append(from_session(contents))
        except Exception as exc:  # the stored scenario was checked on reading; this is a last resort
            raise InputError(f"{path}: the stored scenario cannot be used ({exc})") from None
    for path in args.progress or []:
        try:
            items.extend(from_progress(read_progress(path)))
        except RecordInputError as exc:
            raise InputError(str(exc)) from None
    name = (args.name or "").strip()
    if not name:
        if len(names) != 1:
            raise InputError("--name: give the participant's name" + (
                f" (the session files name {len(names)} different participants)" if names else ""))
        name = names.pop()
    _check_output(args.out)
    page = record_page(Participation(name, dt.date.today(), merge(items)), lang)
    pages = _write_pdf("write_record", page, args.out, lang)
    print(t("cli.record.written", lang, path=args.out, count=pages))
    return 0


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit code 2, like every other input error
        self.exit(2, f"recruitsim: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="recruitsim", description="Recruitment Bias Simulator: see who automated screening filters out.")
    parser.add_argument("--lang", dest="app_lang", choices=LANGUAGES,
                        help="open the app in this language (remembered for next time)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    p = sub.add_parser("scenarios", help="list the built-in scenarios")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p = sub.add_parser("run", help="run a scenario and report who was filtered out")
    p.add_argument("scenario", help="a built-in scenario id or a scenario file")
    p.add_argument("--seed", type=int)
    p.add_argument("--size", type=int)
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p.add_argument("--csv", help="write every candidate with their decision trail to this CSV file")
    p.add_argument("--json", help="write all numbers as JSON to this file ('-' for standard output)")
    p.add_argument("--top", type=int, default=10, help="how many flagged intersections to list (default 10)")
    p.add_argument("--after", action="store_true",
                   help="run the scenario's 'after' (its before/after change) and say how the focus measure changed")
    p = sub.add_parser("audit", help="audit your own selection decisions from a CSV or XLSX file")
    p.add_argument("file")
    p.add_argument("--group", action="append", help="a column with group membership (repeatable)")
    p.add_argument("--selected", help="the column saying whether the person was selected (1/0, yes/no)")
    p.add_argument("--mapping", metavar="FILE", help="a column mapping saved in the window (instead of --group, "
                   "--selected and --strata): which columns to read and what their values mean")
    p.add_argument("--strata", help="a column of strata (vacancy, round) for the Cochran–Mantel–Haenszel test")
    p.add_argument("--sheet", help="the sheet of an .xlsx workbook to read (default: the first)")
    p.add_argument("--csv", help="write the group table (hidden cells without their numbers) to this CSV file")
    p.add_argument("--json", help="write all numbers as JSON to this file ('-' for standard output)")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p.add_argument("--lens", choices=("nl", "nyc"), default="nl",
                   help="the legal lens: Dutch/EU law (nl, default) or NYC Local Law 144 impact ratios (nyc)")
    p.add_argument("--report", metavar="FILE.pdf", help="write the audit report (A4, PDF) to this file")
    p = sub.add_parser("session", help="summarise or export a review session file")
    session_sub = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    q = session_sub.add_parser("summary", help="participant, scenario, counts and the before/after metrics")
    q.add_argument("file")
    q.add_argument("--json", help="write the summary as JSON to this file ('-' for standard output)")
    q.add_argument("--lang", choices=LANGUAGES, default="en")
    q = session_sub.add_parser("export", help="one CSV row per review decision")
    q.add_argument("file")
    q.add_argument("--csv", required=True, help="the CSV file to write")
    q.add_argument("--lang", choices=LANGUAGES, default="en")
    p = sub.add_parser("class", help="the room's results from participants' session files (files or folders)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="session files, or folders holding them")
    p.add_argument("--scenario", help="the scenario to show (default: the one with the most files)")
    p.add_argument("--json", help="write the room's results as JSON to this file ('-' for standard output)")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p.add_argument("--names", action="store_true", help="show participants' names (anonymous by default)")
    p.add_argument("--pdf", metavar="FILE", help="write the room's one-page summary (A4) as PDF to this file")
    p.add_argument("--attribute", choices=("gender", "age_band", "origin", "disability", "parent"),
                   help="the groups of the PDF's chart and tables (default: the scenario's focus)")
    p = sub.add_parser("screenshot", help="render every view of a scenario to PNG files")
    p.add_argument("scenario", help="a built-in scenario id or a scenario file")
    p.add_argument("--out", required=True, help="folder for the PNG files (one per view)")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p.add_argument("--size", default="1600x1000", help="width x height in pixels (default 1600x1000)")
    p.add_argument("--slides", action="store_true",
                   help="text, lines and markers at the presentation scale (F11 in the app), for a projector; "
                        "use with --size 1920x1080")
    p = sub.add_parser("guide", help="write the facilitator's guide (Markdown), with each scenario's live numbers")
    p.add_argument("--out", help="the Markdown file to write (default: standard output)")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p = sub.add_parser("handout", help="write a scenario's hand-out (2-4 A4 pages) as PDF")
    p.add_argument("scenario", help="a built-in scenario id or a scenario file")
    p.add_argument("--seed", type=int)
    p.add_argument("--size", type=int)
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.add_argument("--facilitator", action="store_true", help="the facilitator's version: quiz answers and why")
    p = sub.add_parser("record", help="write a participant's record of the training (AI literacy) as PDF")
    p.add_argument("--name", help="the participant's name (default: the name in the session files)")
    p.add_argument("--session", action="append", help="a session file of this participant (repeatable)")
    p.add_argument("--progress", action="append", help="the participant's progress file (quiz answers, challenges)")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p.add_argument("--out", required=True, help="the PDF file to write")
    return parser


def cmd_guide(args) -> int:
    """The facilitator's guide: the programme, each scenario's numbers on its own seed, questions and answers."""
    from .core.guide import guide_markdown
    from .core.limits import os_reason

    text = guide_markdown(args.lang)
    if not args.out:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{args.out}: cannot be written ({os_reason(exc)})") from None
    print(t("cli.run.guide_written", args.lang, path=args.out))
    return 0


def main(argv: list[str] | None = None) -> int:
    from .core.errors import ScenarioError

    args = build_parser().parse_args(argv)
    if args.command is None:
        return _open_app(args.app_lang)
    handler = {"scenarios": cmd_scenarios, "run": cmd_run, "audit": cmd_audit, "session": cmd_session,
               "screenshot": cmd_screenshot, "guide": cmd_guide, "handout": cmd_handout,
               "record": cmd_record, "class": cmd_class}[args.command]
    try:
        return handler(args)
    except (InputError, ScenarioError) as exc:
        print(f"recruitsim: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `recruitsim run x | head`
        return 0


def _open_app(lang: str | None = None) -> int:
    try:
        from .gui.app import main as gui_main
    except ImportError:
        print(t("cli.no_gui", "en"))
        build_parser().print_help()
        return 0
    return gui_main(lang=lang)


if __name__ == "__main__":
    sys.exit(main())
