"""The ``recruitsim`` command (DESIGN.md §10): list scenarios, run one, or audit your own decisions.

Exit codes: 0 success, 2 bad input (one line on stderr saying what is wrong, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from .core.texts import LANGUAGES, integer, number, percent, t


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


def _table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    lines = [indent + "  ".join(str(h).ljust(w) if i == 0 else str(h).rjust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    for r in rows:
        lines.append(indent + "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                        for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)


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


def _group_json(row, lang: str, with_stage: str | None) -> dict:
    from .core.verdict import attribute_label

    out = {
        "attribute": row["attribute"],
        "attribute_label": attribute_label(row["attribute"], lang) if with_stage is not None else row["attribute"],
        "group": row["group"],
        "group_label": row.get("group_label", row["group"]),
        "n": int(row["n"]),
        "selected": int(row["selected"]),
        "rate": row["rate"],
        "rate_ci": [row["rate_ci_low"], row["rate_ci_high"]],
        "impact_ratio": row["impact_ratio"],
        "impact_ratio_ci": [row["impact_ratio_ci_low"], row["impact_ratio_ci_high"]],
        "z": row["z"],
        "p_value": row["p_value"],
        "difference": row["difference"],
        "shortfall": row["shortfall"],
        "reference": bool(row["reference"]),
        "status": row["status"],
    }
    if with_stage is not None:
        out["stage"] = with_stage
    return out


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

def cmd_run(args) -> int:
    from .core import engine
    from .core.export import candidates_frame, write_csv
    from .core.metrics import OVERALL, STATUS_FEW, STATUS_OK, headline
    from .core.scenario import MAX_POOL_SIZE, load
    from .core.texts import pick
    from .core.verdict import group_label, groups_for_display, verdict
    from .core.world import CATEGORIES

    lang = args.lang
    if args.size is not None and not (10 <= args.size <= MAX_POOL_SIZE):
        raise InputError(f"--size: must be between 10 and {MAX_POOL_SIZE:,}, got {args.size}")
    if args.seed is not None and not (0 <= args.seed < 2 ** 32):
        raise InputError(f"--seed: must be between 0 and {2 ** 32 - 1}, got {args.seed}")
    scenario = load(args.scenario)
    result = engine.run(scenario, seed=args.seed, size=args.size)
    m = result.measurement
    outcome = result.outcome
    groups = groups_for_display(m.groups, lang)
    stage_names = [m.stage_label(s, lang) for s in range(outcome.n_stages)]
    sentences = verdict(m, lang)

    if args.csv:
        try:
            write_csv(candidates_frame(outcome, lang), args.csv)
        except OSError as exc:
            raise InputError(f"{args.csv}: cannot write the CSV file ({exc.strerror})") from None

    if args.json:
        def stage_key(s):
            return "overall" if s == OVERALL else stage_names[s]
        data = {
            "scenario": scenario.id,
            "title": pick(scenario.title, lang),
            "seed": result.pool.settings.seed,
            "size": len(result.pool),
            "lang": lang,
            "stages": [{"index": i, "name": name, "entered": int(outcome.reached(i).sum()),
                        "passed": int(outcome.passed(i).sum())} for i, name in enumerate(stage_names)],
            "selected": int(outcome.selected.sum()),
            "verdict": sentences,
            "groups": [_group_json(row, lang, stage_key(int(row["stage"]))) for row in groups.to_dict("records")],
            "suppressed": [{**row, "stage": stage_key(int(row["stage"]))} for row in m.suppressed.to_dict("records")],
            "missed_talent": m.ground_truth.to_dict("records"),
            "unusual_cv": m.unusual.to_dict("records"),
            "rules": _rules_json(m, lang),
            "stratified": m.stratified,
        }
        if scenario.replay is not None:
            data["replay"] = _replay_json(scenario, result.outcome, lang)
        _write_json(data, args.json)
        if args.json == "-":
            return 0

    # ---- text report ----
    pool = result.pool
    print(f"{t('cli.run.title', lang)} — {pick(scenario.title, lang)}")
    print(t("cli.run.setup", lang, vacancy=pick(scenario.vacancy.title, lang), n=integer(len(pool), lang),
            seed=pool.settings.seed, selected=integer(int(outcome.selected.sum()), lang)))
    if not pool.settings.structural_links:
        print(t("cli.run.neutral", lang))
    print()
    if scenario.replay is not None:
        _print_replay(scenario, result.outcome, lang)
    print(t("cli.run.verdict", lang))
    for sentence in sentences:
        print(f"  • {sentence}")
    print()

    print(t("cli.run.funnel", lang))
    headers = [t("cli.col.group", lang), t("cli.col.applied", lang)] + stage_names
    rows = []
    for attribute in ("gender", "origin", "age_band"):
        pool_codes = pool[attribute]
        for code, value in enumerate(CATEGORIES[attribute]):
            members = pool_codes == code
            row = [t(f"label.{attribute}.{value}", lang), integer(int(members.sum()), lang)]
            row += [integer(int((members & outcome.passed(s)).sum()), lang) for s in range(outcome.n_stages)]
            rows.append(row)
    print(_table(headers, rows))
    print()

    print(t("cli.run.rates", lang))
    overall = groups[(groups["stage"] == OVERALL) & (groups["depth"] == 1)]
    print(_rates_table(overall, lang, by_attribute=True))
    print()

    flagged = groups[(groups["stage"] == OVERALL) & (groups["depth"] > 1)
                     & groups["status"].isin([STATUS_OK, STATUS_FEW])
                     & ((groups["impact_ratio"] < 0.8) | (groups["p_value"] < 0.05)) & ~groups["reference"]]
    flagged = flagged.sort_values("impact_ratio").head(args.top)
    print(t("cli.run.intersections", lang, count=len(flagged)))
    if len(flagged):
        print(_rates_table(flagged, lang, by_attribute=False))
    sup = m.suppressed[m.suppressed["stage"] == OVERALL]
    print("  " + t("cli.run.suppressed", lang, cells=int(sup["cells"].sum()),
                   candidates=integer(int(sup["candidates"].sum()), lang), share=number(2, lang, 0)))
    print()

    print(t("cli.run.stages", lang))
    for s, name in enumerate(stage_names):
        worst = headline(m.groups, stage=s)
        entered = int(outcome.reached(s).sum())
        passed = int(outcome.passed(s).sum())
        line = t("cli.run.stage_line", lang, stage=name, entered=integer(entered, lang), passed=integer(passed, lang))
        if worst is not None:
            line += " " + t("cli.run.stage_worst", lang, group=group_label(worst["attribute"], worst["group"], lang),
                            ratio=_num(worst["impact_ratio"], lang), p=_p(worst["p_value"], lang))
        print("  " + line)
    print()

    print(t("cli.run.rules", lang))
    for rule_id, (s, _, rule) in enumerate(outcome.pipeline.flat_rules()):
        if not rule.enabled:
            print(f"  [{rule_id + 1}] {rule.describe(lang)} — {t('cli.run.rule_off', lang)}")
            continue
        legal = rule.legality()
        print(f"  [{rule_id + 1}] {stage_names[s]}: {rule.describe(lang)}")
        print(f"      {legal.label(lang)}: {legal.explain(lang)}")
        r = m.rules[(m.rules["rule_id"] == rule_id)] if not m.rules.empty else None
        if r is not None and len(r):
            parts = []
            for attribute in ("gender", "origin"):
                for row in r[r["attribute"] == attribute].itertuples():
                    if row.n < FEW:
                        continue
                    parts.append(t("cli.run.rule_effect", lang, group=t(f"label.{attribute}.{row.group}", lang),
                                   removed=_pct(row.removed_share, lang), now=_pct(row.rate_now, lang), without=_pct(row.rate_without, lang)))
            if parts:
                print("      " + t("cli.run.rule_effect_heading", lang))
                for part in parts:
                    print("        " + part)
    print()

    print(t("cli.run.missed", lang))
    gt = m.ground_truth
    rows = []
    for row in gt[gt["attribute"].isin(["gender", "origin"])].itertuples():
        rows.append([t(f"label.{row.attribute}.{row.group}", lang), integer(row.qualified, lang), integer(row.qualified_selected, lang),
                     integer(row.missed, lang), _pct(row.tpr, lang), _pct(row.precision, lang)])
    print(_table([t("cli.col.group", lang), t("cli.col.qualified", lang), t("cli.col.qualified_selected", lang),
                  t("cli.col.missed", lang), t("cli.col.tpr", lang), t("cli.col.precision", lang)], rows))
    print()
    rows = [[t(f"unusual.{row.type}", lang), integer(row.qualified, lang), integer(row.rejected, lang), _pct(row.missed_share, lang)]
            for row in m.unusual.itertuples()]
    print(_table([t("cli.col.unusual", lang), t("cli.col.qualified", lang), t("cli.col.rejected", lang),
                  t("cli.col.missed_share", lang)], rows))
    print()
    if m.stratified:
        st = m.stratified
        print(t("cli.run.stratified", lang, strata=t(f"field.{st['strata']}", lang),
                group=t(f"label.{st['attribute']}.{st['group']}", lang),
                reference=t(f"label.{st['attribute']}.{st['reference_group']}", lang),
                odds=_num(st["odds_ratio_focal"], lang), p=_p(st["cmh_p_value"], lang), bd=_p(st["breslow_day_p_value"], lang)))
        print()
    print(t("cli.run.legend", lang))
    if args.csv:
        print(t("cli.run.csv_written", lang, path=args.csv))
    if args.json:
        print(t("cli.run.json_written", lang, path=args.json))
    return 0


FEW = 30


def _replay_json(scenario, outcome, lang: str) -> dict:
    from .core.replay import replay_report, simulated_rates

    report = replay_report(scenario.replay, lang)
    return {
        "study": scenario.replay.study.get(lang), "citation": scenario.replay.citation,
        "groups": [_group_json(row, lang, None) for row in report.pooled.to_dict("records")],
        "strata": {k: [_group_json(row, lang, None) for row in v.to_dict("records")]
                   for k, v in report.per_stratum.items()},
        "stratified": report.stratified,
        "simulated": simulated_rates(scenario.replay, outcome, lang).to_dict("records"),
    }


def _print_replay(scenario, outcome, lang: str) -> None:
    """The published figures exactly, with our statistics, then the simulation beside them."""
    from .core.replay import replay_report, simulated_rates
    from .core.texts import pick

    replay = scenario.replay
    report = replay_report(replay, lang)
    print(t("cli.replay.heading", lang, study=pick(replay.study, lang), outcome=pick(replay.outcome, lang)))
    frame = report.pooled.copy()
    frame["group_label"] = frame["group"]
    frame["attribute_label"] = t("cli.replay.all", lang)
    print(_rates_table(frame, lang, by_attribute=True))
    for stratum, table in report.per_stratum.items():
        table = table.copy()
        table["group_label"] = table["group"]
        table["attribute_label"] = t("cli.replay.stratum", lang, stratum=stratum)
        print(_rates_table(table, lang, by_attribute=True).split("\n", 1)[1])
    for st in report.stratified:
        print("  " + t("cli.audit.stratified", lang, group=st["group"], reference=st["reference_group"],
                       strata=", ".join(report.per_stratum), odds=_num(st["odds_ratio_focal"], lang, 3),
                       p=_p(st["cmh_p_value"], lang), bd=_p(st["breslow_day_p_value"], lang)))
    sim = simulated_rates(replay, outcome, lang)
    for row in sim.itertuples():
        print("  " + t("cli.replay.simulated", lang, group=row.group, published=_pct(row.published_rate, lang),
                       simulated=_pct(row.simulated_rate, lang), n=integer(row.simulated_n, lang),
                       z=_num(row.z, lang)))
    if replay.citation:
        print("  " + replay.citation)
    print()


def _p(p, lang):
    from .core.verdict import format_p

    return format_p(p, lang)


def _rates_table(frame, lang: str, by_attribute: bool) -> str:
    from .core.metrics import STATUS_FEW, STATUS_NOT_ENOUGH, STATUS_SUPPRESSED

    headers = [t("cli.col.group", lang), "n", t("cli.col.selected", lang), t("cli.col.rate", lang),
               t("cli.col.rate_ci", lang), t("cli.col.ir", lang), t("cli.col.ir_ci", lang), "z", t("cli.col.p", lang),
               t("cli.col.note", lang)]
    rows = []
    last_attribute = None
    for row in frame.to_dict("records"):
        if by_attribute and row["attribute"] != last_attribute:
            rows.append([f"[{row['attribute_label']}]", "", "", "", "", "", "", "", "", ""])
            last_attribute = row["attribute"]
        label = row["group_label"] if by_attribute else f"{row['group_label']}"
        note = ""
        if row["reference"]:
            note = t("cli.note.reference", lang)
        elif row["status"] == STATUS_FEW:
            note = t("cli.note.too_few", lang)
        elif row["status"] == STATUS_NOT_ENOUGH:
            note = t("cli.note.not_enough", lang)
        elif row["status"] == STATUS_SUPPRESSED:
            note = t("cli.note.suppressed", lang)
        elif math.isfinite(row["impact_ratio"]) and row["impact_ratio"] < 0.8:
            note = t("cli.note.below_08", lang)
        no_stats = row["status"] in (STATUS_NOT_ENOUGH, STATUS_SUPPRESSED)
        rows.append([
            "  " + label if by_attribute else label, integer(int(row['n']), lang), integer(int(row['selected']), lang),
            "—" if no_stats else _pct(row["rate"], lang),
            "—" if no_stats else f"{_pct(row['rate_ci_low'], lang)}–{_pct(row['rate_ci_high'], lang)}",
            "—" if no_stats or row["reference"] else _num(row["impact_ratio"], lang),
            "—" if no_stats or row["reference"] else f"{_num(row['impact_ratio_ci_low'], lang)}–{_num(row['impact_ratio_ci_high'], lang)}",
            "—" if no_stats or row["reference"] else _num(row["z"], lang),
            "—" if no_stats or row["reference"] else _p(row["p_value"], lang),
            note,
        ])
    return _table(headers, rows)


def _rules_json(m, lang: str) -> list[dict]:
    out = []
    for rule_id, (s, _, rule) in enumerate(m.outcome.pipeline.flat_rules()):
        legal = rule.legality()
        entry = {"id": rule_id + 1, "stage": s, "kind": rule.kind, "enabled": rule.enabled,
                 "description": rule.describe(lang), "legality": legal.level, "legality_note": legal.explain(lang)}
        if not m.rules.empty:
            r = m.rules[m.rules["rule_id"] == rule_id]
            entry["groups"] = r.drop(columns=["rule_id", "stage", "kind"]).to_dict("records")
        if rule.kind == "learned_model" and rule.enabled:
            entry["weights"] = [{"feature": f, "weight": w} for f, w in rule.weights(m.outcome.pool)]
        out.append(entry)
    return out


# ---------------------------------------------------------------------------------------------
# recruitsim audit
# ---------------------------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "ja", "y", "j", "selected", "geselecteerd", "waar", "1.0"}
_FALSE = {"0", "false", "no", "nee", "n", "rejected", "afgewezen", "onwaar", "0.0"}


def read_decisions(path: str):
    """Read a CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX file of decisions."""
    import io

    import pandas as pd

    file = Path(path)
    if not file.is_file():
        raise InputError(f"{path}: file not found")
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise InputError(f"{path}: reading .xlsx needs the 'openpyxl' package; "
                             "install it or save the sheet as CSV") from None
        try:
            frame = pd.read_excel(file, dtype=str).fillna("")
        except Exception as exc:  # openpyxl raises many kinds for damaged files
            raise InputError(f"{path}: cannot be read as an Excel workbook ({exc})") from None
        if frame.empty:
            raise InputError(f"{path}: the sheet has no rows")
        return frame
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not UTF-8 text (save the file as CSV UTF-8)") from None
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    header = text.lstrip().splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: is not a readable CSV file ({str(exc).splitlines()[0]})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputError(f"{path}: has a header but no rows")
    return frame


def cmd_audit(args) -> int:
    import numpy as np
    import pandas as pd

    from .core.metrics import OVERALL, compare_table, headline
    from .core.stats import stratified_analysis
    from .core.verdict import disagreement, finding_sentences, format_p, format_ratio

    lang = args.lang
    frame = read_decisions(args.file)
    columns = list(frame.columns)
    for col in [*args.group, args.selected] + ([args.strata] if args.strata else []):
        if col not in columns:
            raise InputError(f"{args.file}: no column '{col}' (columns: {', '.join(columns)})")
    raw_sel = frame[args.selected].astype(str).str.strip().str.lower()
    bad = ~raw_sel.isin(_TRUE | _FALSE)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{args.file}: column '{args.selected}' must be binary (1/0, yes/no, true/false); "
                         f"row {row + 2} has {frame[args.selected].iloc[row]!r}")
    selected = raw_sel.isin(_TRUE).to_numpy()
    groups_out = []
    unknown = {}
    values = {}
    for col in args.group:
        v = frame[col].astype(str).str.strip()
        values[col] = v
        known = v[v != ""]
        distinct = sorted(known.unique())
        if len(distinct) < 2:
            shown = f" ('{distinct[0]}')" if distinct else ""
            raise InputError(f"{args.file}: column '{col}' has only one value{shown}; there is nothing to compare")
        unknown[col] = int((v == "").sum())
    combos = [[c] for c in args.group] + ([list(args.group)] if len(args.group) > 1 else [])
    tables = []
    for combo in combos:
        key = values[combo[0]]
        for c in combo[1:]:
            key = key + " × " + values[c]
        known = np.ones(len(frame), dtype=bool)
        for c in combo:
            known &= (values[c] != "").to_numpy()
        keys = key[known].to_numpy()
        sel = selected[known]
        names, inverse = np.unique(keys, return_inverse=True)
        n = np.bincount(inverse, minlength=len(names))
        s = np.bincount(inverse, weights=sel, minlength=len(names)).astype(np.int64)
        table = compare_table(" × ".join(combo), list(names), n, s, intersection=len(combo) > 1)
        table["depth"] = len(combo)
        table["stage"] = OVERALL
        tables.append(table)
        groups_out.extend(_group_json(row, lang, None) for row in table.to_dict("records"))
    all_groups = pd.concat(tables, ignore_index=True)

    stratified = []
    if args.strata:
        strata = frame[args.strata].astype(str).str.strip().to_numpy()
        for table in tables[: len(args.group)]:
            attribute = table["attribute"].iloc[0]
            ref_rows = table[table["reference"]]
            if ref_rows.empty:
                continue
            ref = ref_rows["group"].iloc[0]
            col = values[attribute].to_numpy()
            for focal in table[~table["reference"] & table["impact_ratio"].notna()]["group"]:
                tabs = []
                for stratum in sorted(set(strata)):
                    in_s = strata == stratum
                    r = in_s & (col == ref)
                    f = in_s & (col == focal)
                    tabs.append([[int((r & selected).sum()), int((r & ~selected).sum())],
                                 [int((f & selected).sum()), int((f & ~selected).sum())]])
                try:
                    res = stratified_analysis(tabs)
                except ValueError:
                    continue
                stratified.append({"attribute": attribute, "group": focal, "reference_group": ref,
                                   "strata_column": args.strata, **res.as_dict()})

    finding = headline(all_groups, max_depth=1, attributes=None)
    crossed = headline(all_groups, max_depth=len(args.group), attributes=None) if len(args.group) > 1 else None
    sentences = finding_sentences(finding, lang, name=lambda attribute, group, lang: group)
    if finding is not None:
        extra = disagreement(finding, lang)
        if extra:
            sentences.append(extra)
        if crossed is not None and crossed["depth"] > 1 and crossed["impact_ratio"] < finding["impact_ratio"] - 0.05:
            sentences.append(t("verdict.intersection", lang, group=crossed["group"],
                               ratio=format_ratio(crossed["impact_ratio"], lang), p=format_p(crossed["p_value"], lang)))
        for st in stratified:
            if st["group"] == finding["group"] and st["attribute"] == finding["attribute"]:
                sentences.append(t("verdict.stratified", lang, strata=st["strata_column"], odds=format_ratio(st["odds_ratio_focal"], lang),
                                   p=format_p(st["cmh_p_value"], lang), bd=format_p(st["breslow_day_p_value"], lang)))
    sentences.append(t("verdict.framing", lang))

    if args.json:
        _write_json({"file": args.file, "rows": len(frame), "selected_column": args.selected,
                     "group_columns": args.group, "unknown": unknown, "verdict": sentences,
                     "groups": groups_out, "stratified": stratified}, args.json)
        if args.json == "-":
            return 0
    print(t("cli.audit.title", lang, file=args.file, rows=integer(len(frame), lang), selected=integer(int(selected.sum()), lang)))
    print()
    print(t("cli.run.verdict", lang))
    for sentence in sentences:
        print(f"  • {sentence}")
    print()
    display = all_groups.copy()
    display["group_label"] = display["group"]
    display["attribute_label"] = display["attribute"]
    print(_rates_table(display, lang, by_attribute=True))
    for col, count in unknown.items():
        if count:
            print("  " + t("cli.audit.unknown", lang, column=col, count=count))
    if stratified:
        print()
        for st in stratified:
            print("  " + t("cli.audit.stratified", lang, group=st["group"], reference=st["reference_group"],
                           strata=st["strata_column"], odds=_num(st["odds_ratio_focal"], lang, 3), p=_p(st["cmh_p_value"], lang),
                           bd=_p(st["breslow_day_p_value"], lang)))
    print()
    print(t("cli.run.legend", lang))
    return 0


# ---------------------------------------------------------------------------------------------
# recruitsim session
# ---------------------------------------------------------------------------------------------

def _open_session(path: str):
    from .core.session import Session, SessionError

    try:
        return Session.open(path)
    except SessionError as exc:
        raise InputError(str(exc)) from None


def session_report(session, lang: str) -> dict:
    """Everything `session summary` shows, as plain data (also used by the app)."""
    from .core import engine
    from .core.review import feedback, versus

    scenario = session.scenario()
    result = engine.run(scenario, attribution=False, lazy=True)
    decisions = session.decisions()
    fb = feedback(result.outcome, decisions)
    vs = versus(result.outcome, decisions)
    queues = {}
    for d in decisions:
        queues[d.queue] = queues.get(d.queue, 0) + 1
    return {
        "file": str(session.path),
        "participant": session.participant,
        "created": session.meta("created"),
        "scenario": scenario.id,
        "title": scenario.title.get(lang, scenario.title.get("en")),
        "seed": scenario.pool.seed,
        "size": scenario.pool.size,
        "decisions": len(decisions),
        "reviewed": fb.decisions,
        "versus_decisions": sum(d.versus for d in decisions),
        "queues": queues,
        "blind": sum(d.blind for d in decisions),
        "judge_first": sum(d.judge_first for d in decisions),
        "overrides": fb.overrides,
        "override_rate": fb.override_rate,
        "rubber_stamp": fb.rubber_stamp,
        "recovered": fb.recovered,
        "lost": fb.lost,
        "wrongly_advanced": fb.wrongly_advanced,
        "widened": fb.widened,
        "groups": fb.groups.to_dict("records"),
        "overrides_per_group": fb.per_group.to_dict("records"),
        "versus": vs.to_dict("records") if len(vs) else [],
        "notes": [{"time": time, "text": text} for time, text in session.notes()],
    }


def cmd_session(args) -> int:
    from .core.texts import label

    lang = args.lang
    with _open_session(args.file) as session:
        if args.action == "export":
            import csv

            participant = session.participant
            try:
                with open(args.csv, "w", encoding="utf-8", newline="") as fh:
                    writer = csv.writer(fh, lineterminator="\n")
                    writer.writerow(["participant", "time", "candidate_id", "queue", "machine_advice", "human_decision",
                                     "first_decision", "overridden", "reason_code", "reason", "reason_text", "blind",
                                     "judge_first", "versus", "seconds"])
                    for d in session.decisions():
                        writer.writerow([
                            participant, d.time, d.candidate + 1, d.queue, _yes_no(d.machine_advice),
                            _yes_no(d.human_decision), "" if d.first_decision is None else _yes_no(d.first_decision),
                            _yes_no(d.overridden), d.reason_code, _reason_label(d.reason_code, lang), d.reason_text,
                            _yes_no(d.blind), _yes_no(d.judge_first), _yes_no(d.versus),
                            "" if d.seconds is None else f"{d.seconds:.1f}"])
            except OSError as exc:
                raise InputError(f"{args.csv}: cannot write the CSV file ({exc.strerror})") from None
            print(t("cli.session.exported", lang, count=len(session.decisions()), path=args.csv))
            return 0
        report = session_report(session, lang)
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


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _reason_label(code: str, lang: str) -> str:
    from .core.texts import has_text

    key = f"review.reason.{code}"
    return t(key, lang) if has_text(key, lang) else code


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
        written = render_views(args.scenario, args.out, args.lang, (int(match[1]), int(match[2])))
    except OSError as exc:
        raise InputError(f"{args.out}: cannot write there ({exc.strerror})") from None
    for path in written:
        print(path)
    return 0


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit code 2, like every other input error
        self.exit(2, f"recruitsim: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="recruitsim", description="Recruitment Bias Simulator: see who automated screening filters out.")
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
    p = sub.add_parser("audit", help="audit your own selection decisions from a CSV or XLSX file")
    p.add_argument("file")
    p.add_argument("--group", action="append", required=True, help="a column with group membership (repeatable)")
    p.add_argument("--selected", required=True, help="the column saying whether the person was selected (1/0, yes/no)")
    p.add_argument("--strata", help="a column of strata (vacancy, round) for the Cochran–Mantel–Haenszel test")
    p.add_argument("--json", help="write all numbers as JSON to this file ('-' for standard output)")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
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
    p = sub.add_parser("screenshot", help="render every view of a scenario to PNG files")
    p.add_argument("scenario", help="a built-in scenario id or a scenario file")
    p.add_argument("--out", required=True, help="folder for the PNG files (one per view)")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p.add_argument("--size", default="1600x1000", help="width x height in pixels (default 1600x1000)")
    return parser


def main(argv: list[str] | None = None) -> int:
    from .core.scenario import ScenarioError

    args = build_parser().parse_args(argv)
    if args.command is None:
        return _open_app()
    handler = {"scenarios": cmd_scenarios, "run": cmd_run, "audit": cmd_audit, "session": cmd_session,
               "screenshot": cmd_screenshot}[args.command]
    try:
        return handler(args)
    except (InputError, ScenarioError) as exc:
        print(f"recruitsim: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `recruitsim run x | head`
        return 0


def _open_app() -> int:
    try:
        from .gui.app import main as gui_main
    except ImportError:
        print(t("cli.no_gui", "en"))
        build_parser().print_help()
        return 0
    return gui_main()


if __name__ == "__main__":
    sys.exit(main())
