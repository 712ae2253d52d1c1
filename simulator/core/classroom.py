"""The room's results: many participants' session files read together, for one scenario.

A facilitator collects the participants' session files (a folder on a USB stick or a shared drive)
and ``read_room`` reads them all: a file that cannot be used (damaged, foreign, half-written, from a
newer version) is skipped with the one-line ``SessionError`` that names it, and the rest still
count. ``RoomFiles.room(scenario)`` then computes, for one scenario:

- the room's selection rates per group when screening *without* the machine's advice (the "you
  versus the machine" batch, and the first decision of a judge-first review), beside the machine's
  advice on the same CVs, with impact ratios (``grouptable``). The machine's advice on distinct CVs
  gets Wilson intervals; the room's decisions do not, because every participant judges the same CVs
  and one person's decisions go together: its intervals come from resampling participants (a
  cluster bootstrap, ``scipy.stats.bootstrap``), and no per-decision test (Fisher) is given;
- overrides per group and direction on the cards where the advice was shown;
- how many participants rubber-stamped (``review.rubber_stamped``, the feedback's own definition);
- blind against not blind: the final decisions per group on blind cards and on open ones;
- the quiz: per question, how often each option was chosen (each participant's first answer);
- challenges met, and the self-check before and after (means, and a Wilcoxon signed-rank test on
  the participants who rated both times).

A participant is a learner id (stored by the app in every session file) or, without one, a file.
Names are left out unless asked for. Nothing here imports Qt; the window and ``recruitsim class``
only lay these numbers out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .decision import Decision
from .limits import os_reason, shown
from .session import (SELF_CHECK_PHASES, SELF_CHECK_STATEMENTS, SUFFIX, RATING_MAX, RATING_MIN, SessionContents,
                      SessionError, read)

ATTRIBUTES = ("gender", "age_band", "origin", "disability", "parent")
UNAIDED_SIDES = ("room", "machine")
BLIND_MODES = ("blind", "open")
MAX_FILES = 2000  # a folder holding more is not a workshop's collection


def _name(path) -> str:
    return shown(path, None)


# ---------------------------------------------------------------------------------------------
# Reading the files
# ---------------------------------------------------------------------------------------------

def session_files(paths) -> tuple[list[Path], list[str]]:
    """The session files named: each folder's ``*.rbsession`` files (subfolders included), each file as
    given; a path that is not there gives a note. The same file named twice is read once."""
    files: list[Path] = []
    notes: list[str] = []
    seen: set = set()
    for given in paths:
        path = Path(given)
        try:
            if path.is_dir():
                found = sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
                if not found:
                    notes.append(f"{_name(path)}: no session files ({SUFFIX}) in this folder")
            elif path.exists():
                found = [path]
            else:
                notes.append(f"{_name(path)}: file not found")
                found = []
        except OSError as exc:
            notes.append(f"{_name(path)}: cannot be read ({os_reason(exc)})")
            found = []
        for p in found:
            try:
                key = p.resolve()
            except OSError:
                key = p
            if key not in seen:
                seen.add(key)
                files.append(p)
    if len(files) > MAX_FILES:
        notes.append(f"{len(files):,} session files: only the first {MAX_FILES:,} are read")
        files = files[:MAX_FILES]
    return files, notes


def _copy_key(s: SessionContents) -> tuple:
    """Two files with this key hold the same session (one copied twice, or saved twice)."""
    return (s.meta("created"), s.participant, s.learner, s.seed, s.size, s.scenario_toml())


def _records(s: SessionContents) -> int:
    return len(s.decisions()) + len(s.notes()) + len(s.quiz_answers()) + len(s.challenge_results()) + len(
        s.self_check())


def read_room(paths, progress=None) -> "RoomFiles":
    """Every usable session file among ``paths`` (files and folders), and a note per file skipped.

    ``progress(done, total)`` is called after each file (for a progress bar)."""
    files, notes = session_files(paths)
    sessions: list[SessionContents] = []
    by_key: dict[tuple, int] = {}
    for k, path in enumerate(files):
        try:
            s = read(path)
        except SessionError as exc:
            notes.append(str(exc))
        except (OSError, MemoryError) as exc:  # read() reports what it foresees; anything else is one line too
            notes.append(f"{_name(path)}: cannot be read ({os_reason(exc) if isinstance(exc, OSError) else 'not enough memory'})")
        else:
            key = _copy_key(s)
            if key in by_key:  # the same session twice: the copy with more in it counts
                earlier = sessions[by_key[key]]
                keep, drop = (s, earlier) if _records(s) > _records(earlier) else (earlier, s)
                sessions[by_key[key]] = keep
                notes.append(f"{_name(drop.path)}: the same session as {_name(keep.path)}; counted once")
            else:
                by_key[key] = len(sessions)
                sessions.append(s)
        if progress is not None:
            progress(k + 1, len(files))
    return RoomFiles(sessions, notes)


# ---------------------------------------------------------------------------------------------
# The room
# ---------------------------------------------------------------------------------------------

@dataclass
class Room:
    """One scenario's results over the room. Tables are pandas frames; counts are plain ints."""

    scenario: str
    title: dict
    files: int
    participants: int
    names: list[str] | None  # the participants' names (only when asked for), in the order of ``per_participant``
    notes: list[str]
    unaided: object  # frame: side (room|machine), attribute, group, n, selected, rate, rate_ci_low/high, impact_ratio…
    unaided_participants: int
    unaided_decisions: int
    unaided_cvs: int  # distinct CVs the machine's side counts
    overrides: object  # frame: attribute, group, reviewed, overrides_up, overrides_down, override_rate
    reviewed: int
    overrides_up: int
    overrides_down: int
    reviewers: int  # participants who reviewed with the advice shown
    flaggable: int  # of those, with enough decisions to judge (review.MIN_DECISIONS_FOR_FLAGS)
    rubber_stamp: int
    per_participant: list[dict]  # reviewed, overrides, override_rate, rubber_stamp (per participant who reviewed)
    blind: object  # frame: mode (blind|open), attribute, group, n, selected, rate, rate_ci_low/high, impact_ratio…
    blind_participants: int
    open_participants: int
    quiz: list[dict]  # question, texts, options, answer, counts, answered, correct
    challenges: list[dict]  # id, title, met, participants
    self_check: list[dict]  # statement, before/after: n, mean, counts; paired, mean_change, p_value
    self_check_participants: dict[str, int] = field(default_factory=dict)
    claims: object = None  # the scenario's claims measured on the run the files hold (ClaimResults), for its texts
    run_size: int | None = None  # candidates in that run, for "{run.size}" in its texts

    def text_values(self, lang: str) -> dict[str, str]:
        """What the ``{claim.…}`` placeholders in the scenario's texts (quiz questions) show: the numbers
        of the run the participants saw, not "…"."""
        from .claims import placeholder_values
        from .texts import integer

        values = placeholder_values(self.claims, lang)
        if self.run_size is not None:
            values["run.size"] = integer(self.run_size, lang)
        return values

    def as_dict(self) -> dict:
        """Plain data for ``--json``."""
        def records(frame):
            return frame.to_dict("records") if frame is not None and len(frame) else []

        out = {"scenario": self.scenario, "title": self.title, "files": self.files,
               "participants": self.participants, "notes": list(self.notes),
               "unaided": {"participants": self.unaided_participants, "decisions": self.unaided_decisions,
                           "machine_cvs": self.unaided_cvs, "groups": records(self.unaided)},
               "overrides": {"reviewed": self.reviewed, "up": self.overrides_up, "down": self.overrides_down,
                             "groups": records(self.overrides)},
               "rubber_stamp": {"reviewers": self.reviewers, "judged": self.flaggable,
                                "rubber_stamped": self.rubber_stamp, "participants": self.per_participant},
               "blind": {"blind_participants": self.blind_participants, "open_participants": self.open_participants,
                         "groups": records(self.blind)},
               "quiz": self.quiz, "challenges": self.challenges,
               "self_check": {"participants": self.self_check_participants, "statements": self.self_check}}
        if self.names is not None:
            out["names"] = self.names
        return out


def unaided_choice(d: Decision) -> bool | None:
    """The participant's decision made without the machine's advice, or None: the "you versus the
    machine" batch (advice hidden), or a judge-first review's decision before the advice appeared."""
    if d.versus:
        return d.human_decision
    if d.judge_first and d.first_decision is not None:
        return d.first_decision
    return None


class RoomFiles:
    """The usable session files read for a class, and what was skipped; ``room(scenario)`` computes."""

    def __init__(self, sessions: list[SessionContents], notes: list[str]):
        self.sessions = sessions
        self.notes = notes
        self._pools: dict[str, object] = {}
        self._scenarios: dict[int, object] = {}

    def scenarios(self) -> dict[str, int]:
        """Files per scenario id, most files first (ties by id)."""
        counts: dict[str, int] = {}
        for k, s in enumerate(self.sessions):
            sid = self._scenario(k).id
            counts[sid] = counts.get(sid, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def _scenario(self, k: int):
        if k not in self._scenarios:
            self._scenarios[k] = self.sessions[k].scenario()
        return self._scenarios[k]

    def _pool_codes(self, k: int) -> tuple[str, dict[str, np.ndarray]]:
        """The session's pool (regenerated from its scenario and seed, once per distinct world): its key
        and the group codes of every candidate."""
        from .pool import generate_pool, world_key

        sc = self._scenario(k)
        key = world_key(sc.vacancy, sc.pool)
        if key not in self._pools:
            pool = generate_pool(sc.vacancy, sc.pool)
            self._pools[key] = {a: np.asarray(pool[a]) for a in ATTRIBUTES}
        return key, self._pools[key]

    @staticmethod
    def _participant(s: SessionContents) -> str:
        return f"learner:{s.learner}" if s.learner else f"file:{s.path}"

    def room(self, scenario: str | None = None, names: bool = False) -> Room:
        """The room's results for one scenario id (default: the one with the most files)."""
        counts = self.scenarios()
        if scenario is None:
            scenario = next(iter(counts), "")
        mine = [k for k in range(len(self.sessions)) if self._scenario(k).id == scenario]
        first = self._scenario(mine[0]) if mine else None
        people: dict[str, list[int]] = {}
        for k in mine:
            people.setdefault(self._participant(self.sessions[k]), []).append(k)
        keys = list(people)
        room = Room(scenario=scenario, title=dict(first.title) if first else {}, files=len(mine),
                    participants=len(people), names=None, notes=list(self.notes), unaided=None,
                    unaided_participants=0, unaided_decisions=0, unaided_cvs=0, overrides=None, reviewed=0,
                    overrides_up=0, overrides_down=0, reviewers=0, flaggable=0, rubber_stamp=0, per_participant=[],
                    blind=None, blind_participants=0, open_participants=0, quiz=[], challenges=[], self_check=[])
        self._unaided(room, people)
        self._overrides(room, people, keys, names)
        self._blind(room, people)
        if first is not None:
            self._quiz(room, first, people)
            self._challenges(room, first, people)
            if first.claims and first.quiz:
                from .claims import check_scenario

                room.claims = check_scenario(first)  # the stored scenario, with the seed and size it ran at
            room.run_size = int(first.pool.size)
        self._self_check(room)
        return room

    # -- screening without advice ------------------------------------------------------------------
    def _codes_of(self, k: int, decisions: list[Decision]) -> tuple[str, dict[str, np.ndarray]]:
        key, codes = self._pool_codes(k)
        idx = np.array([d.candidate for d in decisions], dtype=np.intp)
        return key, {a: codes[a][idx] for a in ATTRIBUTES}

    def _unaided(self, room: Room, people: dict[str, list[int]]) -> None:
        room_codes = {a: [] for a in ATTRIBUTES}
        room_chosen: list[bool] = []
        room_person: list[int] = []  # which participant made each decision: they are resampled together
        machine: dict[tuple, tuple[dict, bool]] = {}  # (pool, candidate, advice) -> group codes, advice
        who = set()
        for p, (person, files) in enumerate(people.items()):
            for k in files:
                decisions = [d for d in self.sessions[k].decisions() if unaided_choice(d) is not None]
                if not decisions:
                    continue
                who.add(person)
                key, codes = self._codes_of(k, decisions)
                for j, d in enumerate(decisions):
                    for a in ATTRIBUTES:
                        room_codes[a].append(int(codes[a][j]))
                    room_chosen.append(bool(unaided_choice(d)))
                    room_person.append(p)
                    machine[(key, d.candidate, d.machine_advice)] = ({a: int(codes[a][j]) for a in ATTRIBUTES},
                                                                     d.machine_advice)
        room.unaided_participants = len(who)
        room.unaided_decisions = len(room_chosen)
        room.unaided_cvs = len(machine)
        machine_codes = {a: [c[a] for c, _ in machine.values()] for a in ATTRIBUTES}
        machine_chosen = [advice for _, advice in machine.values()]
        room.unaided = _sides_table("side", {"room": (room_codes, room_chosen), "machine": (machine_codes, machine_chosen)})
        _participant_intervals(room.unaided, "side", {"room": (room_codes, room_chosen, room_person)})

    # -- overrides and rubber-stamping -------------------------------------------------------------
    def _overrides(self, room: Room, people: dict[str, list[int]], keys: list[str], names: bool) -> None:
        import pandas as pd

        from .review import MIN_DECISIONS_FOR_FLAGS, rubber_stamped
        from .world import CATEGORIES

        up = {a: np.zeros(len(CATEGORIES[a]), dtype=np.int64) for a in ATTRIBUTES}
        down = {a: np.zeros(len(CATEGORIES[a]), dtype=np.int64) for a in ATTRIBUTES}
        seen = {a: np.zeros(len(CATEGORIES[a]), dtype=np.int64) for a in ATTRIBUTES}
        shown_names = []
        for person in keys:
            reviewed = overrides = 0
            for k in people[person]:
                decisions = [d for d in self.sessions[k].decisions() if not d.versus]  # the advice was shown
                if not decisions:
                    continue
                _, codes = self._codes_of(k, decisions)
                advice = np.array([d.machine_advice for d in decisions], dtype=bool)
                human = np.array([d.human_decision for d in decisions], dtype=bool)
                for a in ATTRIBUTES:
                    size = len(CATEGORIES[a])
                    seen[a] += np.bincount(codes[a], minlength=size)
                    up[a] += np.bincount(codes[a], weights=~advice & human, minlength=size).astype(np.int64)
                    down[a] += np.bincount(codes[a], weights=advice & ~human, minlength=size).astype(np.int64)
                reviewed += len(decisions)
                overrides += int((advice != human).sum())
                room.overrides_up += int((~advice & human).sum())
                room.overrides_down += int((advice & ~human).sum())
            if reviewed:
                flagged = rubber_stamped(reviewed, overrides)
                room.reviewers += 1
                room.flaggable += reviewed >= MIN_DECISIONS_FOR_FLAGS
                room.rubber_stamp += flagged
                room.per_participant.append({"reviewed": reviewed, "overrides": overrides,
                                             "override_rate": overrides / reviewed, "rubber_stamp": flagged})
                room.reviewed += reviewed
                shown_names.append(self._name_of(people[person]))
        if names:
            room.names = shown_names
            for entry, name in zip(room.per_participant, shown_names):
                entry["name"] = name
        rows = []
        for a in ATTRIBUTES:
            for i, group in enumerate(CATEGORIES[a]):
                n = int(seen[a][i])
                rows.append({"attribute": a, "group": group, "reviewed": n, "overrides_up": int(up[a][i]),
                             "overrides_down": int(down[a][i]),
                             "override_rate": (int(up[a][i]) + int(down[a][i])) / n if n else float("nan")})
        room.overrides = pd.DataFrame(rows)

    def _name_of(self, files: list[int]) -> str:
        return next((self.sessions[k].participant for k in files if self.sessions[k].participant), "")

    # -- blind or not ------------------------------------------------------------------------------
    def _blind(self, room: Room, people: dict[str, list[int]]) -> None:
        sides = {mode: ({a: [] for a in ATTRIBUTES}, []) for mode in BLIND_MODES}
        person_of = {mode: [] for mode in BLIND_MODES}
        who = {mode: set() for mode in BLIND_MODES}
        for p, (person, files) in enumerate(people.items()):
            for k in files:
                decisions = self.sessions[k].decisions()
                if not decisions:
                    continue
                _, codes = self._codes_of(k, decisions)
                for j, d in enumerate(decisions):
                    mode = "blind" if d.blind else "open"
                    who[mode].add(person)
                    for a in ATTRIBUTES:
                        sides[mode][0][a].append(int(codes[a][j]))
                    sides[mode][1].append(bool(d.human_decision))
                    person_of[mode].append(p)
        room.blind_participants = len(who["blind"])
        room.open_participants = len(who["open"])
        room.blind = _sides_table("mode", sides)
        _participant_intervals(room.blind, "mode", {m: (*sides[m], person_of[m]) for m in BLIND_MODES})

    # -- quiz, challenges, self-check --------------------------------------------------------------
    def _quiz(self, room: Room, scenario, people: dict[str, list[int]]) -> None:
        first: dict[str, dict[int, tuple[str, int, int]]] = {}  # person -> question -> (time, order, option)
        for person, files in people.items():
            answers: dict[int, tuple[str, int, int]] = {}
            for k in files:
                for order, a in enumerate(self.sessions[k].quiz_answers()):
                    if a.question >= len(scenario.quiz) or a.option >= len(scenario.quiz[a.question].options):
                        continue  # a file whose scenario has other questions (checked against its own on open)
                    mine = (a.time, order, a.option)
                    if a.question not in answers or mine[:2] < answers[a.question][:2]:
                        answers[a.question] = mine
            first[person] = answers
        for q, question in enumerate(scenario.quiz):
            counts = [0] * len(question.options)
            for answers in first.values():
                if q in answers:
                    counts[answers[q][2]] += 1
            room.quiz.append({"question": q, "text": dict(question.question),
                              "options": [dict(o) for o in question.options], "answer": question.answer,
                              "counts": counts, "answered": sum(counts), "correct": counts[question.answer]})

    def _challenges(self, room: Room, scenario, people: dict[str, list[int]]) -> None:
        for challenge in scenario.challenges:
            met = 0
            for files in people.values():
                latest = None  # the latest result over the participant's files, by time
                for k in files:
                    for c in self.sessions[k].challenge_results():
                        if c.challenge == challenge.id and (latest is None or c.time >= latest[0]):
                            latest = (c.time, c.met)
                met += bool(latest and latest[1])
            room.challenges.append({"id": challenge.id, "title": dict(challenge.title), "met": met,
                                    "participants": room.participants})

    def _self_check(self, room: Room) -> None:
        """Over every file read (the self-check belongs to the workshop, not to one scenario): per
        participant the latest rating of each statement, before and after."""
        from scipy.stats import wilcoxon

        ratings: dict[str, dict[tuple[str, str], tuple[str, int]]] = {}
        for s in self.sessions:
            mine = ratings.setdefault(self._participant(s), {})
            for r in s.self_check():
                key = (r.phase, r.statement)
                if key not in mine or r.time >= mine[key][0]:
                    mine[key] = (r.time, r.rating)
        room.self_check_participants = {phase: sum(any(p == phase for p, _ in m) for m in ratings.values())
                                        for phase in SELF_CHECK_PHASES}
        levels = range(RATING_MIN, RATING_MAX + 1)
        for statement in SELF_CHECK_STATEMENTS:
            entry: dict = {"statement": statement}
            for phase in SELF_CHECK_PHASES:
                values = [m[(phase, statement)][1] for m in ratings.values() if (phase, statement) in m]
                entry[phase] = {"n": len(values), "mean": float(np.mean(values)) if values else float("nan"),
                                "counts": [values.count(v) for v in levels]}
            pairs = [(m[("before", statement)][1], m[("after", statement)][1]) for m in ratings.values()
                     if ("before", statement) in m and ("after", statement) in m]
            changes = np.array([after - before for before, after in pairs], dtype=float)
            entry["paired"] = len(pairs)
            entry["mean_change"] = float(changes.mean()) if len(pairs) else float("nan")
            if len(pairs) and np.any(changes != 0):
                entry["p_value"] = float(wilcoxon(changes, zero_method="wilcox").pvalue)
            else:
                entry["p_value"] = float("nan")  # nobody rated twice, or nobody changed
            room.self_check.append(entry)


def _sides_table(column: str, sides: dict[str, tuple[dict[str, list[int]], list[bool]]]):
    """Rates, Wilson intervals and impact ratios per group, for each side (room / machine, blind / open)."""
    import pandas as pd

    from .grouptable import TableSpec, compare_tables
    from .world import CATEGORIES

    frames = []
    for side, (codes, chosen) in sides.items():
        chosen = np.asarray(chosen, dtype=np.int64)
        specs = []
        for a in ATTRIBUTES:
            size = len(CATEGORIES[a])
            c = np.asarray(codes[a], dtype=np.intp)
            n = np.bincount(c, minlength=size)
            s = np.bincount(c, weights=chosen, minlength=size).astype(np.int64) if len(c) else np.zeros(size, np.int64)
            specs.append(TableSpec(a, list(CATEGORIES[a]), n, s, False))
        table = compare_tables(specs)
        table.insert(0, column, side)
        frames.append(table)
    cols = [column, "attribute", "group", "n", "selected", "rate", "rate_ci_low", "rate_ci_high", "impact_ratio",
            "impact_ratio_ci_low", "impact_ratio_ci_high", "p_value", "status", "reference"]
    return pd.concat(frames, ignore_index=True)[cols]


BOOTSTRAP_RESAMPLES = 2000


def _participant_intervals(table, column: str, sides: dict) -> None:
    """Replace the rate and impact-ratio intervals of ``sides`` (side -> (codes, chosen, participant))
    by 95% percentile intervals from resampling participants with replacement, and drop their Fisher
    p-values: decisions by one person, on CVs every person sees, are not independent, so intervals
    that treat them as such are too narrow. Fewer than two participants: no interval (NaN)."""
    from scipy.stats import bootstrap

    from .world import CATEGORIES

    for side, (codes, chosen, person) in sides.items():
        rows = table[column] == side
        table.loc[rows, "p_value"] = np.nan
        person = np.asarray(person, dtype=np.intp)
        chosen = np.asarray(chosen, dtype=np.float64)
        people = np.unique(person)
        for a in ATTRIBUTES:
            size = len(CATEGORIES[a])
            c = np.asarray(codes[a], dtype=np.intp)
            # per participant (rows) and group (columns): decisions and selections
            index = {p: i for i, p in enumerate(people)}
            row = np.array([index[p] for p in person], dtype=np.intp) if len(person) else np.zeros(0, np.intp)
            n = np.zeros((len(people), size))
            sel = np.zeros((len(people), size))
            np.add.at(n, (row, c), 1.0)
            np.add.at(sel, (row, c), chosen)
            here = table[rows & (table["attribute"] == a)]
            ref = here.index[here["reference"].astype(bool)]
            ref_code = CATEGORIES[a].index(here.loc[ref[0], "group"]) if len(ref) else None
            low_r = np.full(size, np.nan)
            high_r, low_i, high_i = low_r.copy(), low_r.copy(), low_r.copy()
            if len(people) >= 2:
                def rates(idx, axis=-1):
                    idx = np.asarray(idx, dtype=np.intp)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        r = sel[idx].sum(axis=-2) / n[idx].sum(axis=-2)
                    return r

                def statistic(idx, axis=-1):
                    r = rates(idx)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        ir = r / r[..., [ref_code]] if ref_code is not None else np.full_like(r, np.nan)
                    return np.concatenate([r, ir], axis=-1).T if r.ndim > 1 else np.concatenate([r, ir])

                import warnings

                from scipy.stats import DegenerateDataWarning

                with warnings.catch_warnings():  # a group nobody in the room judged has no interval: NaN
                    warnings.simplefilter("ignore", DegenerateDataWarning)
                    warnings.simplefilter("ignore", RuntimeWarning)
                    result = bootstrap((np.arange(len(people)),), statistic, vectorized=True, method="percentile",
                                       n_resamples=BOOTSTRAP_RESAMPLES, random_state=np.random.default_rng(20261130))
                # Percentiles of the resampled values, leaving out resamples without the group (its rate
                # is undefined there); a group missing from more than 5% of them gets no interval.
                dist = result.bootstrap_distribution
                defined = np.isfinite(dist).mean(axis=-1)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: no interval
                    low, high = np.nanpercentile(dist, [2.5, 97.5], axis=-1)
                low = np.where(defined >= 0.95, low, np.nan)
                high = np.where(defined >= 0.95, high, np.nan)
                low_r, high_r, low_i, high_i = low[:size], high[:size], low[size:], high[size:]
            for code, value in enumerate(CATEGORIES[a]):
                at = here.index[here["group"] == value]
                if len(at):
                    table.loc[at, ["rate_ci_low", "rate_ci_high"]] = [low_r[code], high_r[code]]
                    reference = ref_code == code
                    table.loc[at, ["impact_ratio_ci_low", "impact_ratio_ci_high"]] = (
                        [np.nan, np.nan] if reference else [low_i[code], high_i[code]])
