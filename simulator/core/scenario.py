"""Scenario files: TOML with a ``schema_version``, validated with messages naming file, field and problem.

A scenario holds the vacancy, the pool settings (only what differs from the defaults), the pipeline
and the teaching texts in Dutch and English. Files load through a migration chain so that old files
keep working; a file from a newer version is refused with a clear message. Files are data: they are
parsed with ``tomllib`` and checked field by field; nothing in them is executed.
"""

from __future__ import annotations

import copy
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import tomli_w

from .claims import Claim, ClaimError, Focus, claim_to_dict, parse_claims, parse_focus
from .errors import ScenarioError
from .limits import MAX_FILE_BYTES, LimitError, check_data, exact, excerpt, os_reason
from .pipeline import Pipeline, Stage
from .pool import LINKS, PoolSettings, Vacancy, default_links
from .replay import Replay, ReplayRow
from .resources import scenarios_dir
from .rules import RuleConfigError, rule_from_dict
from .teaching import (
    GOAL_KINDS,
    STEP_ACTIONS,
    VIEW_KEYS,
    BeforeAfter,
    Challenge,
    Goal,
    QuizQuestion,
    RuleChange,
    Step,
    apply_changes,
)
from .texts import LANGUAGES
from .world import INTERSECTION_ATTRIBUTES
from .world import CATEGORIES, skills_vocabulary

SCHEMA_VERSION = 2


def _v1_to_v2(data: dict) -> dict:
    """Version 2 added quiz, walkthrough, challenges and before_after; a version 1 file has none."""
    data["schema_version"] = 2
    return data


# Migrations from version N to N+1: each takes and returns the raw dict.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2}

MAX_POOL_SIZE = 5_000_000
MAX_SEED = 2 ** 32 - 1  # numpy seeds take more; this is what scenario files, sessions and the window accept
MAX_REPLAYS = 20  # studies replayed in one scenario (the built-ins have at most 4)
MAX_REPLAY_N = 100_000_000  # people in one replayed group (the largest published study has 30,800)
# Lists a scenario may hold, each well above what a lesson needs (the built-ins have at most 2 stages,
# 5 rules, 11 steps, 14 claims and 12 replay rows); a file beyond them is a mistake or an attack,
# and 2,000 rules would take a minute per run.
MAX_STAGES = 20
MAX_RULES = 50  # in all stages together
SECTION_LIMITS = {"stages": MAX_STAGES, "stages[].rules": MAX_RULES, "quiz": 50, "walkthrough": 100, "challenges": 50, "claims": 200,
                  "replay": MAX_REPLAYS, "goals": 50, "debrief": 50, "sources": 100}




@dataclass
class Scenario:
    id: str
    title: dict[str, str]
    lesson: dict[str, str]
    vacancy: Vacancy
    pool: PoolSettings
    pipeline: Pipeline
    goals: list[dict[str, str]] = field(default_factory=list)
    mechanism: dict[str, str] = field(default_factory=dict)
    debrief: list[dict[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    quiz: list[QuizQuestion] = field(default_factory=list)
    walkthrough: list[Step] = field(default_factory=list)
    challenges: list[Challenge] = field(default_factory=list)
    before_after: BeforeAfter | None = None
    replays: list[Replay] = field(default_factory=list)  # published studies replayed, in file order
    source_path: Path | None = None
    references: dict[str, str] = field(default_factory=dict)  # attribute -> the group compared with
    claims: list[Claim] = field(default_factory=list)  # findings the texts state, checked by tests
    focus: Focus | None = None  # the claim the lesson is about: the headline states it first

    @property
    def replay(self) -> Replay | None:
        """The first replayed study (None without one): a file with one ``[replay]`` has only this."""
        return self.replays[0] if self.replays else None

    @replay.setter
    def replay(self, value: Replay | None) -> None:
        self.replays = [] if value is None else [value]

    def focus_claim(self) -> Claim | None:
        """The claim the headline states first (None without a focus)."""
        return next((c for c in self.claims if self.focus is not None and c.id == self.focus.claim), None)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def builtin_paths() -> list[Path]:
    return sorted(scenarios_dir().glob("*.toml"))


def builtin_ids() -> list[str]:
    return [p.stem for p in builtin_paths()]


def resolve(ref: str) -> Path:
    """A built-in scenario id or a path to a scenario file."""
    path = Path(ref)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ScenarioError(str(ref), "", "file not found")
        return path
    candidate = scenarios_dir() / f"{ref}.toml"
    if candidate.is_file():
        return candidate
    raise ScenarioError(str(ref), "", f"no built-in scenario with this id (known: {', '.join(builtin_ids())})")


def load(ref: str | Path) -> Scenario:
    """Load and validate a scenario by built-in id or path."""
    path = resolve(str(ref))
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(str(path), "", f"cannot be read ({os_reason(exc)})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(str(path), "", f"is larger than {exact(MAX_FILE_BYTES)} bytes; a scenario file is a "
                                           "few tens of kilobytes")
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ScenarioError(str(path), "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), "", f"is not valid TOML ({excerpt(str(exc), 120)[1:-1]})") from None
    except RecursionError:
        raise ScenarioError(str(path), "", "is nested too deeply to be a scenario") from None
    scenario = from_dict(data, str(path))
    scenario.source_path = path
    return scenario


def migrate(data: dict, source: str) -> dict:
    """Bring a raw scenario dict up to the current schema version (checked against the limits first)."""
    if not isinstance(data, dict):
        raise ScenarioError(source, "", "expected a table of fields")
    try:
        check_data(data, SECTION_LIMITS)
    except LimitError as exc:
        raise ScenarioError(source, exc.path, exc.message) from None
    version = data.get("schema_version")
    if version is None:
        raise ScenarioError(source, "schema_version", "is missing (this file does not look like a scenario)")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioError(source, "schema_version", f"must be a whole number from 1, got {excerpt(version)}")
    if version > SCHEMA_VERSION:
        raise ScenarioError(source, "schema_version",
                            f"this file was written by a newer version of the simulator (schema {version}); "
                            f"this version reads up to schema {SCHEMA_VERSION}. Please update the app.")
    data = copy.deepcopy(data)
    while data["schema_version"] < SCHEMA_VERSION:
        data = MIGRATIONS[data["schema_version"]](data)
    return data


_TOP_KEYS = {"schema_version", "id", "title", "lesson", "goals", "mechanism", "debrief", "sources", "vacancy",
             "pool", "stages", "quiz", "walkthrough", "challenges", "before_after", "replay", "reference", "claims",
             "focus"}


def from_dict(data: dict, source: str = "<scenario>") -> Scenario:
    data = migrate(data, source)
    for key in data:
        if key not in _TOP_KEYS:
            raise ScenarioError(source, key, f"unknown field (expected one of {', '.join(sorted(_TOP_KEYS))})")
    sid = data.get("id")
    if not isinstance(sid, str) or not sid.strip():
        raise ScenarioError(source, "id", "is required: a short name such as 'cv-gap'")
    title = _texts(data.get("title"), source, "title", required=True)
    lesson = _texts(data.get("lesson"), source, "lesson", required=True)
    goals = _text_list(data.get("goals", []), source, "goals")
    debrief = _text_list(data.get("debrief", []), source, "debrief")
    mechanism = _texts(data.get("mechanism", {}), source, "mechanism", required=False)
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise ScenarioError(source, "sources", "expected a list of texts")
    vacancy = _vacancy(data.get("vacancy", {}), source)
    pool = _pool(data.get("pool", {}), source)
    pipeline = _pipeline(data.get("stages"), source)
    quiz = _quiz(data.get("quiz", []), source)
    walkthrough = _walkthrough(data.get("walkthrough", []), source, pipeline)
    challenges = _challenges(data.get("challenges", []), source)
    before_after = _before_after(data.get("before_after"), source, pipeline)
    replays = _replays(data.get("replay"), source)
    references = _references(data.get("reference", {}), source)
    try:
        claims = parse_claims(data.get("claims", []), pipeline)
        focus = parse_focus(data.get("focus"), claims)
    except ClaimError as exc:
        raise ScenarioError(source, exc.path, exc.message) from None
    if any(c.run != "before" for c in claims) and before_after is None:
        raise ScenarioError(source, "claims", "a claim about the \"after\" needs a [before_after] change")
    return Scenario(sid, title, lesson, vacancy, pool, pipeline, goals, mechanism, debrief, list(sources), quiz,
                    walkthrough, challenges, before_after, replays, None, references, claims, focus)


def _references(data, source) -> dict[str, str]:
    """``[reference]``: per attribute, the group every other group is compared with."""
    data = _table(data, source, "reference")
    out = {}
    for attribute, group in data.items():
        if attribute not in CATEGORIES:  # a key: always a text
            raise ScenarioError(source, f"reference.{attribute}", f"unknown attribute (expected one of {', '.join(CATEGORIES)})")
        if not isinstance(group, str) or group not in CATEGORIES[attribute]:
            raise ScenarioError(source, f"reference.{attribute}",
                                f"{attribute} has no value {excerpt(group)} (expected one of {', '.join(CATEGORIES[attribute])})")
        out[attribute] = group
    return out


def _replays(data, source) -> list[Replay]:
    """``[replay]`` (one study) or ``[[replay]]`` (several, each shown in its own section)."""
    if data is None:
        return []
    if isinstance(data, list):
        if not data:
            raise ScenarioError(source, "replay", "expected at least one [[replay]] table")
        return [_replay(item, source, f"replay[{i}]") for i, item in enumerate(data)]
    return [_replay(data, source, "replay")]


def _replay(data, source, where: str = "replay") -> Replay:
    from .rules.base import RuleConfigError, parse_group

    data = _table(data, source, where)
    _known(data, {"study", "outcome", "rows", "citation", "ranking"}, source, where)
    ranking = data.get("ranking", False)
    if not isinstance(ranking, bool):
        raise ScenarioError(source, f"{where}.ranking", "expected true or false")
    rows_data = data.get("rows")
    if not isinstance(rows_data, list) or len(rows_data) < 2:
        raise ScenarioError(source, f"{where}.rows", f"expected at least two [[{where.split('[')[0]}.rows]] with group, "
                                                     "n and selected")
    rows = []
    for k, r in enumerate(rows_data):
        path = f"{where}.rows[{k}]"
        r = _table(r, source, path)
        _known(r, {"group", "n", "selected", "stratum", "stratum_label", "sim"}, source, path)
        n = _number(r.get("n"), source, f"{path}.n", 1, MAX_REPLAY_N, whole=True)
        selected = _number(r.get("selected"), source, f"{path}.selected", 0, n, whole=True)
        stratum = r.get("stratum", "")
        if not isinstance(stratum, str):
            raise ScenarioError(source, f"{path}.stratum", "expected a text")
        sim = None
        if "sim" in r:
            try:
                sim = parse_group(r["sim"], f"{path}.sim")
            except RuleConfigError as exc:
                raise ScenarioError(source, exc.path, exc.message) from None
        rows.append(ReplayRow(_texts(r.get("group"), source, f"{path}.group", required=True), n, selected, stratum,
                              sim, _texts(r.get("stratum_label"), source, f"{path}.stratum_label", required=False)))
    citation = data.get("citation", "")
    if isinstance(citation, dict):  # one per language: a note in Dutch reads Dutch numbers and words
        citation = _texts(citation, source, f"{where}.citation", required=True)
    elif not isinstance(citation, str):
        raise ScenarioError(source, f"{where}.citation", "expected a text, or { en = \"…\", nl = \"…\" }")
    return Replay(_texts(data.get("study"), source, f"{where}.study", required=True),
                  _texts(data.get("outcome"), source, f"{where}.outcome", required=True), rows, citation, ranking)


def _table(value, source, path) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(source, path, "expected a table")
    return value


def _known(data: dict, allowed: set, source: str, path: str) -> None:
    for key in data:
        if key not in allowed:
            raise ScenarioError(source, f"{path}.{key}", f"unknown field (expected one of {', '.join(sorted(allowed))})")


def _is_index(value, count: int) -> bool:
    """A whole number from 0 to count - 1 (TOML booleans are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count


def _rule_ref(data, source, path, pipeline) -> tuple[int, int]:
    stage, rule = data.get("stage"), data.get("rule")
    if not _is_index(stage, len(pipeline.stages)):
        raise ScenarioError(source, f"{path}.stage", f"expected a stage number from 0 to {len(pipeline.stages) - 1}")
    count = len(pipeline.stages[stage].rules)
    if not _is_index(rule, count):
        raise ScenarioError(source, f"{path}.rule", f"expected a rule number from 0 to {count - 1} in stage {stage}")
    return stage, rule


def _quiz(items, source) -> list[QuizQuestion]:
    if not isinstance(items, list):
        raise ScenarioError(source, "quiz", "expected a list of [[quiz]] tables")
    out = []
    for i, item in enumerate(items):
        path = f"quiz[{i}]"
        item = _table(item, source, path)
        _known(item, {"question", "options", "answer", "explanation"}, source, path)
        options = item.get("options")
        if not isinstance(options, list) or len(options) < 2:
            raise ScenarioError(source, f"{path}.options", "expected at least two options, each with en and nl")
        answer = item.get("answer")
        if not _is_index(answer, len(options)):
            raise ScenarioError(source, f"{path}.answer", f"expected the number of the right option, 0 to {len(options) - 1}")
        texts, why = [], []
        for k, o in enumerate(options):
            o = _table(o, source, f"{path}.options[{k}]")
            texts.append(_texts({lang: o.get(lang) for lang in o if lang != "why"}, source, f"{path}.options[{k}]",
                                required=True))
            why.append(_texts(o.get("why"), source, f"{path}.options[{k}].why", required=False))
        out.append(QuizQuestion(_texts(item.get("question"), source, f"{path}.question", required=True), texts,
                                answer, _texts(item.get("explanation"), source, f"{path}.explanation", required=True),
                                why))
    return out


def _walkthrough(items, source, pipeline) -> list[Step]:
    from .world import CATEGORIES

    if not isinstance(items, list):
        raise ScenarioError(source, "walkthrough", "expected a list of [[walkthrough]] steps")
    out = []
    for i, item in enumerate(items):
        path = f"walkthrough[{i}]"
        item = _table(item, source, path)
        _known(item, {"action", "text", "view", "attribute", "stage", "rule", "enabled", "answer", "group"}, source, path)
        action = item.get("action")
        if not isinstance(action, str) or action not in STEP_ACTIONS:
            raise ScenarioError(source, f"{path}.action", f"unknown action {excerpt(action)} (expected one of {', '.join(STEP_ACTIONS)})")
        step = Step(action, _texts(item.get("text"), source, f"{path}.text", required=True))
        if action == "view":
            if not isinstance(item.get("view"), str) or item["view"] not in VIEW_KEYS:
                raise ScenarioError(source, f"{path}.view", f"expected one of {', '.join(VIEW_KEYS)}")
            step.view = item["view"]
            attribute = item.get("attribute")
            if attribute is not None and (not isinstance(attribute, str) or attribute not in CATEGORIES):
                raise ScenarioError(source, f"{path}.attribute", "unknown attribute")
            step.attribute = attribute
        elif action == "rule":
            step.stage, step.rule = _rule_ref(item, source, path, pipeline)
            if not isinstance(item.get("enabled"), bool):
                raise ScenarioError(source, f"{path}.enabled", "expected true or false")
            step.enabled = item["enabled"]
        elif action == "ask":
            step.answer = _texts(item.get("answer"), source, f"{path}.answer", required=True)
        elif action == "highlight":
            attribute, group = item.get("attribute"), item.get("group")
            parts = attribute.split(" × ") if isinstance(attribute, str) else []
            values = group.split(" × ") if isinstance(group, str) else []
            if not parts or any(a not in CATEGORIES for a in parts):
                raise ScenarioError(source, f"{path}.attribute", "expected an attribute such as 'gender' or 'gender × parent'")
            if len(values) != len(parts) or any(v not in CATEGORIES[a] for a, v in zip(parts, values)):
                raise ScenarioError(source, f"{path}.group", f"expected values of {attribute}, such as "
                                    f"'{' × '.join(CATEGORIES[a][0] for a in parts)}'")
            step.attribute, step.group = attribute, group
        out.append(step)
    return out


def _challenges(items, source) -> list[Challenge]:
    from .world import CATEGORIES

    if not isinstance(items, list):
        raise ScenarioError(source, "challenges", "expected a list of [[challenges]] tables")
    out = []
    for i, item in enumerate(items):
        path = f"challenges[{i}]"
        item = _table(item, source, path)
        _known(item, {"id", "title", "text", "goals", "hint"}, source, path)
        cid = item.get("id")
        if not isinstance(cid, str) or not cid.strip():
            raise ScenarioError(source, f"{path}.id", "is required: a short name for the challenge")
        goals_data = item.get("goals")
        if not isinstance(goals_data, list) or not goals_data:
            raise ScenarioError(source, f"{path}.goals", "expected at least one goal")
        goals = []
        for k, g in enumerate(goals_data):
            gpath = f"{path}.goals[{k}]"
            g = _table(g, source, gpath)
            _known(g, {"kind", "value", "attributes"}, source, gpath)
            if not isinstance(g.get("kind"), str) or g["kind"] not in GOAL_KINDS:
                raise ScenarioError(source, f"{gpath}.kind", f"expected one of {', '.join(GOAL_KINDS)}")
            value = g.get("value", 0.0)
            if g["kind"] not in ("lawful", "no_significant_gap"):
                value = _number(value, source, f"{gpath}.value", 0)
            attributes = g.get("attributes", list(INTERSECTION_ATTRIBUTES))
            if not isinstance(attributes, list) or any(not isinstance(a, str) or a not in CATEGORIES for a in attributes):
                raise ScenarioError(source, f"{gpath}.attributes", "expected a list of attributes")
            goals.append(Goal(g["kind"], float(value or 0.0), tuple(attributes)))
        out.append(Challenge(cid, _texts(item.get("title"), source, f"{path}.title", required=True),
                             _texts(item.get("text"), source, f"{path}.text", required=True), goals,
                             _texts(item.get("hint", {}), source, f"{path}.hint", required=False)))
    return out


def _before_after(data, source, pipeline) -> BeforeAfter | None:
    if data is None:
        return None
    data = _table(data, source, "before_after")
    _known(data, {"label", "rules"}, source, "before_after")
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ScenarioError(source, "before_after.rules", "expected a list of {stage, rule, enabled and/or set}")
    changes = []
    for k, r in enumerate(rules):
        rpath = f"before_after.rules[{k}]"
        r = _table(r, source, rpath)
        _known(r, {"stage", "rule", "enabled", "set"}, source, rpath)
        stage, rule = _rule_ref(r, source, rpath, pipeline)
        enabled = r.get("enabled")
        if enabled is not None and not isinstance(enabled, bool):
            raise ScenarioError(source, f"{rpath}.enabled", "expected true or false")
        params = _table(r.get("set", {}), source, f"{rpath}.set")
        if enabled is None and not params:
            raise ScenarioError(source, rpath, "say what changes: enabled = true/false, or set = {parameter = value}")
        changes.append(RuleChange(stage, rule, enabled, dict(params)))
    try:
        apply_changes(pipeline, changes)
    except RuleConfigError as exc:
        raise ScenarioError(source, f"before_after ({exc.path})", exc.message) from None
    return BeforeAfter(_texts(data.get("label"), source, "before_after.label", required=True), changes)


def _texts(value: Any, source: str, path: str, required: bool) -> dict[str, str]:
    if value is None or value == {}:
        if required:
            raise ScenarioError(source, path, f"is required, with a text for each language ({', '.join(LANGUAGES)})")
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(source, path, "expected a table with en = \"...\" and nl = \"...\"")
    for lang in LANGUAGES:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise ScenarioError(source, f"{path}.{lang}", "is missing: every text needs both Dutch and English")
    for key in value:
        if key not in LANGUAGES:
            raise ScenarioError(source, f"{path}.{key}", f"unknown language (expected {', '.join(LANGUAGES)})")
    return {lang: value[lang] for lang in LANGUAGES}


def _text_list(value: Any, source: str, path: str) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise ScenarioError(source, path, "expected a list of {en, nl} texts")
    return [_texts(v, source, f"{path}[{i}]", required=True) for i, v in enumerate(value)]


def _number(value, source, path, minimum=None, maximum=None, whole=False):
    """A finite number within [minimum, maximum]; messages print both exactly."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(source, path, f"expected a number, got {excerpt(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(source, path, f"expected a finite number, got {value!r}")
    if whole and int(value) != value:
        raise ScenarioError(source, path, f"expected a whole number, got {exact(value)}")
    if minimum is not None and value < minimum:
        raise ScenarioError(source, path, f"must be at least {exact(minimum)}, got {exact(value)}")
    if maximum is not None and value > maximum:
        raise ScenarioError(source, path, f"must be at most {exact(maximum)}, got {exact(value)}")
    return int(value) if whole else float(value)


def _vacancy(data: Any, source: str) -> Vacancy:
    if not isinstance(data, dict):
        raise ScenarioError(source, "vacancy", "expected a table")
    vacancy = Vacancy()
    for key in data:
        if key not in ("title", "relevant_skills", "qualified_share"):
            raise ScenarioError(source, f"vacancy.{key}", "unknown field (expected title, relevant_skills, qualified_share)")
    if "title" in data:
        vacancy.title = _texts(data["title"], source, "vacancy.title", required=True)
    if "relevant_skills" in data:
        known = [s.key for s in skills_vocabulary()]
        skills = data["relevant_skills"]
        if not isinstance(skills, list) or not skills:
            raise ScenarioError(source, "vacancy.relevant_skills", "expected a non-empty list of skill names")
        for s in skills:
            if s not in known:
                raise ScenarioError(source, "vacancy.relevant_skills", f"unknown skill {excerpt(s)} (known: {', '.join(known)})")
        vacancy.relevant_skills = list(skills)
    if "qualified_share" in data:
        vacancy.qualified_share = _number(data["qualified_share"], source, "vacancy.qualified_share", 0.01, 0.99)
    return vacancy


_POOL_KEYS = {"size", "seed", "structural_links", "shares", "region_weights", "parent_by_age", "links",
              "suitability_shift", "dutch_first_name_second_gen", "applied_for"}


def _pool(data: Any, source: str) -> PoolSettings:
    if not isinstance(data, dict):
        raise ScenarioError(source, "pool", "expected a table")
    settings = PoolSettings()
    for key in data:
        if key not in _POOL_KEYS:
            raise ScenarioError(source, f"pool.{key}", f"unknown field (expected one of {', '.join(sorted(_POOL_KEYS))})")
    if "size" in data:
        settings.size = _number(data["size"], source, "pool.size", 10, MAX_POOL_SIZE, whole=True)
    if "seed" in data:
        settings.seed = _number(data["seed"], source, "pool.seed", 0, MAX_SEED, whole=True)
    if "structural_links" in data:
        if not isinstance(data["structural_links"], bool):
            raise ScenarioError(source, "pool.structural_links", "expected true or false")
        settings.structural_links = data["structural_links"]
    if "dutch_first_name_second_gen" in data:
        settings.dutch_first_name_second_gen = _number(data["dutch_first_name_second_gen"], source,
                                                       "pool.dutch_first_name_second_gen", 0, 1)
    for attribute, shares in _table(data.get("shares", {}), source, "pool.shares").items():
        if attribute not in settings.shares:
            raise ScenarioError(source, f"pool.shares.{attribute}",
                                f"unknown attribute (expected one of {', '.join(settings.shares)})")
        settings.shares[attribute] = _group_table(shares, source, f"pool.shares.{attribute}", attribute,
                                                  settings.shares[attribute], 0, None)
        if sum(settings.shares[attribute].values()) <= 0:
            raise ScenarioError(source, f"pool.shares.{attribute}", "shares must not all be zero")
    for origin, weights in _table(data.get("region_weights", {}), source, "pool.region_weights").items():
        if origin not in settings.region_weights:
            raise ScenarioError(source, f"pool.region_weights.{origin}", "expected second_gen or born_abroad")
        settings.region_weights[origin] = _group_table(weights, source, f"pool.region_weights.{origin}", "region",
                                                       settings.region_weights[origin], 0, None)
    if "parent_by_age" in data:
        settings.parent_by_age = _group_table(data["parent_by_age"], source, "pool.parent_by_age", "age_band",
                                              settings.parent_by_age, 0, 1)
    for name, rates in _table(data.get("links", {}), source, "pool.links").items():
        if name not in LINKS:
            raise ScenarioError(source, f"pool.links.{name}", f"unknown link (expected one of {', '.join(LINKS)})")
        settings.links[name] = _group_table(rates, source, f"pool.links.{name}", LINKS[name].attribute,
                                            settings.links[name], 0, 1)
    applied = data.get("applied_for", {})
    if not isinstance(applied, dict):
        raise ScenarioError(source, "pool.applied_for", "expected a table {gender = {vacancy_a = number, ...}}")
    for gender_value, weights in applied.items():
        if gender_value not in CATEGORIES["gender"]:
            raise ScenarioError(source, f"pool.applied_for.{gender_value}",
                                f"expected a gender ({', '.join(CATEGORIES['gender'])})")
        settings.applied_for[gender_value] = _group_table(weights, source, f"pool.applied_for.{gender_value}",
                                                          "applied_for", {}, 0, None)
        if sum(settings.applied_for[gender_value].values()) <= 0:
            raise ScenarioError(source, f"pool.applied_for.{gender_value}", "numbers must not all be zero")
    for attribute, shifts in _table(data.get("suitability_shift", {}), source, "pool.suitability_shift").items():
        if attribute not in CATEGORIES:
            raise ScenarioError(source, f"pool.suitability_shift.{attribute}", "unknown attribute")
        settings.suitability_shift[attribute] = _group_table(shifts, source, f"pool.suitability_shift.{attribute}",
                                                             attribute, {}, -5, 5)
    return settings


def _group_table(value, source, path, attribute, base: dict, minimum, maximum) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ScenarioError(source, path, "expected a table of group = number")
    out = dict(base)
    for key, number in value.items():
        if key not in CATEGORIES[attribute]:
            raise ScenarioError(source, f"{path}.{key}",
                                f"{attribute} has no value {excerpt(key)} (expected one of {', '.join(CATEGORIES[attribute])})")
        out[key] = _number(number, source, f"{path}.{key}", minimum, maximum)
    return out


def _pipeline(stages: Any, source: str) -> Pipeline:
    if not isinstance(stages, list) or not stages:
        raise ScenarioError(source, "stages", "expected at least one [[stages]] table")
    total = sum(len(s["rules"]) for s in stages if isinstance(s, dict) and isinstance(s.get("rules"), list))
    if total > MAX_RULES:
        raise ScenarioError(source, "stages", f"has {exact(total)} rules in all; at most {exact(MAX_RULES)} are allowed")
    pipeline = Pipeline()
    for s, data in enumerate(stages):
        path = f"stages[{s}]"
        if not isinstance(data, dict):
            raise ScenarioError(source, path, "expected a table")
        for key in data:
            if key not in ("name", "rules", "enabled"):
                raise ScenarioError(source, f"{path}.{key}", "unknown field (expected name, enabled, rules)")
        name = _texts(data.get("name"), source, f"{path}.name", required=True)
        enabled = data.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ScenarioError(source, f"{path}.enabled", "expected true or false")
        rules_data = data.get("rules", [])
        if not isinstance(rules_data, list) or not rules_data:
            raise ScenarioError(source, f"{path}.rules", "expected at least one [[stages.rules]] table")
        rules = []
        for r, rule_data in enumerate(rules_data):
            try:
                rules.append(rule_from_dict(rule_data, f"{path}.rules[{r}]"))
            except RuleConfigError as exc:
                raise ScenarioError(source, exc.path, exc.message) from None
        pipeline.stages.append(Stage(name, rules, enabled))
    return pipeline


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def to_dict(scenario: Scenario) -> dict:
    """The scenario as plain data; pool settings only where they differ from the defaults."""
    defaults = PoolSettings()
    pool: dict[str, Any] = {"size": scenario.pool.size, "seed": scenario.pool.seed,
                            "structural_links": scenario.pool.structural_links}
    for name in ("shares", "region_weights"):
        changed = {k: v for k, v in getattr(scenario.pool, name).items() if v != getattr(defaults, name)[k]}
        if changed:
            pool[name] = changed
    if scenario.pool.parent_by_age != defaults.parent_by_age:
        pool["parent_by_age"] = scenario.pool.parent_by_age
    base_links = default_links()
    links = {k: {g: r for g, r in v.items() if r != base_links[k][g]} for k, v in scenario.pool.links.items()}
    links = {k: v for k, v in links.items() if v}
    if links:
        pool["links"] = links
    if scenario.pool.suitability_shift:
        pool["suitability_shift"] = scenario.pool.suitability_shift
    if scenario.pool.applied_for:
        pool["applied_for"] = scenario.pool.applied_for
    if scenario.pool.dutch_first_name_second_gen != defaults.dutch_first_name_second_gen:
        pool["dutch_first_name_second_gen"] = scenario.pool.dutch_first_name_second_gen
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": scenario.id,
        "title": scenario.title,
        "lesson": scenario.lesson,
    }
    if scenario.goals:
        out["goals"] = scenario.goals
    if scenario.mechanism:
        out["mechanism"] = scenario.mechanism
    if scenario.debrief:
        out["debrief"] = scenario.debrief
    if scenario.sources:
        out["sources"] = scenario.sources
    out["vacancy"] = {"title": scenario.vacancy.title, "relevant_skills": scenario.vacancy.relevant_skills,
                      "qualified_share": scenario.vacancy.qualified_share}
    out["pool"] = pool
    if scenario.quiz:
        out["quiz"] = [{"question": q.question,
                        "options": [{**o, **({"why": w} if w else {})} for o, w in zip(q.options, q.why or [{}] * len(q.options))],
                        "answer": q.answer, "explanation": q.explanation} for q in scenario.quiz]
    if scenario.walkthrough:
        out["walkthrough"] = [{k: v for k, v in step.__dict__.items() if v is not None} for step in scenario.walkthrough]
    if scenario.challenges:
        out["challenges"] = [{"id": c.id, "title": c.title, "text": c.text,
                              "goals": [{"kind": g.kind, "value": g.value, "attributes": list(g.attributes)}
                                        for g in c.goals], **({"hint": c.hint} if c.hint else {})}
                             for c in scenario.challenges]
    if scenario.before_after:
        out["before_after"] = {"label": scenario.before_after.label, "rules": [
            {"stage": c.stage, "rule": c.rule, **({} if c.enabled is None else {"enabled": c.enabled}),
             **({"set": c.params} if c.params else {})} for c in scenario.before_after.changes]}
    if scenario.replays:
        tables = [_replay_to_dict(replay) for replay in scenario.replays]
        out["replay"] = tables[0] if len(tables) == 1 else tables  # one study stays a [replay] table
    if scenario.references:
        out["reference"] = dict(scenario.references)
    if scenario.claims:
        out["claims"] = [claim_to_dict(c) for c in scenario.claims]
    if scenario.focus:
        out["focus"] = {"claim": scenario.focus.claim, **({"headline": scenario.focus.headline}
                                                          if scenario.focus.headline else {})}
    out["stages"] = [
        {"name": stage.name, **({} if stage.enabled else {"enabled": False}),
         "rules": [rule.to_dict() for rule in stage.rules]}
        for stage in scenario.pipeline.stages
    ]
    return out


def _replay_to_dict(replay: Replay) -> dict:
    return {"study": replay.study, "outcome": replay.outcome,
            **({"citation": replay.citation} if replay.citation else {}),
            **({"ranking": True} if replay.ranking else {}),
            "rows": [{"group": r.group, "n": r.n, "selected": r.selected,
                      **({"stratum": r.stratum} if r.stratum else {}),
                      **({"stratum_label": r.stratum_label} if r.stratum_label else {}),
                      **({"sim": r.sim.to_dict()} if r.sim else {})} for r in replay.rows]}


def dumps(scenario: Scenario) -> str:
    header = "# Recruitment Bias Simulator scenario. Edit freely; `recruitsim run FILE` checks it.\n"
    return header + tomli_w.dumps(to_dict(scenario))


def save(scenario: Scenario, path: str | Path) -> None:
    """Write the scenario atomically (a crash never leaves half a file)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(scenario), encoding="utf-8")
    tmp.replace(path)
