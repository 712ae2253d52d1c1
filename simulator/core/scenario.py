"""Scenario files: TOML with a ``schema_version``, validated with messages naming file, field and problem.

A scenario holds the vacancy, the pool settings (only what differs from the defaults), the pipeline
and the teaching texts in Dutch and English. Files load through a migration chain so that old files
keep working; a file from a newer version is refused with a clear message. Files are data: they are
parsed with ``tomllib`` and checked field by field; nothing in them is executed.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import tomli_w

from .pipeline import Pipeline, Stage
from .pool import LINKS, PoolSettings, Vacancy, default_links
from .resources import scenarios_dir
from .rules import RuleConfigError, rule_from_dict
from .texts import LANGUAGES
from .world import CATEGORIES, skills_vocabulary

SCHEMA_VERSION = 1

# Migrations from version N to N+1: each takes and returns the raw dict.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}

MAX_POOL_SIZE = 5_000_000


class ScenarioError(ValueError):
    """A scenario file is wrong. ``str()`` names the file, the field path and what is wrong."""

    def __init__(self, source: str, path: str, message: str):
        where = f"{source}: {path}: " if path else f"{source}: "
        super().__init__(where + message)
        self.source = source
        self.path = path
        self.message = message


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
    source_path: Path | None = None


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
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(str(path), "", f"cannot be read ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ScenarioError(str(path), "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), "", f"is not valid TOML ({exc})") from None
    scenario = from_dict(data, str(path))
    scenario.source_path = path
    return scenario


def migrate(data: dict, source: str) -> dict:
    """Bring a raw scenario dict up to the current schema version."""
    version = data.get("schema_version")
    if version is None:
        raise ScenarioError(source, "schema_version", "is missing (this file does not look like a scenario)")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioError(source, "schema_version", f"must be a whole number from 1, got {version!r}")
    if version > SCHEMA_VERSION:
        raise ScenarioError(source, "schema_version",
                            f"this file was written by a newer version of the simulator (schema {version}); "
                            f"this version reads up to schema {SCHEMA_VERSION}. Please update the app.")
    data = copy.deepcopy(data)
    while data["schema_version"] < SCHEMA_VERSION:
        data = MIGRATIONS[data["schema_version"]](data)
    return data


_TOP_KEYS = {"schema_version", "id", "title", "lesson", "goals", "mechanism", "debrief", "sources", "vacancy",
             "pool", "stages"}


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
    return Scenario(sid, title, lesson, vacancy, pool, pipeline, goals, mechanism, debrief, list(sources))


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
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(source, path, f"expected a number, got {value!r}")
    if whole and int(value) != value:
        raise ScenarioError(source, path, f"expected a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ScenarioError(source, path, f"must be at least {minimum:g}, got {value:g}")
    if maximum is not None and value > maximum:
        raise ScenarioError(source, path, f"must be at most {maximum:g}, got {value:g}")
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
                raise ScenarioError(source, "vacancy.relevant_skills", f"unknown skill {s!r} (known: {', '.join(known)})")
        vacancy.relevant_skills = list(skills)
    if "qualified_share" in data:
        vacancy.qualified_share = _number(data["qualified_share"], source, "vacancy.qualified_share", 0.01, 0.99)
    return vacancy


_POOL_KEYS = {"size", "seed", "structural_links", "shares", "region_weights", "parent_by_age", "links",
              "suitability_shift", "dutch_first_name_second_gen"}


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
        settings.seed = _number(data["seed"], source, "pool.seed", 0, 2 ** 32 - 1, whole=True)
    if "structural_links" in data:
        if not isinstance(data["structural_links"], bool):
            raise ScenarioError(source, "pool.structural_links", "expected true or false")
        settings.structural_links = data["structural_links"]
    if "dutch_first_name_second_gen" in data:
        settings.dutch_first_name_second_gen = _number(data["dutch_first_name_second_gen"], source,
                                                       "pool.dutch_first_name_second_gen", 0, 1)
    for attribute, shares in data.get("shares", {}).items():
        if attribute not in settings.shares:
            raise ScenarioError(source, f"pool.shares.{attribute}",
                                f"unknown attribute (expected one of {', '.join(settings.shares)})")
        settings.shares[attribute] = _group_table(shares, source, f"pool.shares.{attribute}", attribute,
                                                  settings.shares[attribute], 0, None)
        if sum(settings.shares[attribute].values()) <= 0:
            raise ScenarioError(source, f"pool.shares.{attribute}", "shares must not all be zero")
    for origin, weights in data.get("region_weights", {}).items():
        if origin not in settings.region_weights:
            raise ScenarioError(source, f"pool.region_weights.{origin}", "expected second_gen or born_abroad")
        settings.region_weights[origin] = _group_table(weights, source, f"pool.region_weights.{origin}", "region",
                                                       settings.region_weights[origin], 0, None)
    if "parent_by_age" in data:
        settings.parent_by_age = _group_table(data["parent_by_age"], source, "pool.parent_by_age", "age_band",
                                              settings.parent_by_age, 0, 1)
    for name, rates in data.get("links", {}).items():
        if name not in LINKS:
            raise ScenarioError(source, f"pool.links.{name}", f"unknown link (expected one of {', '.join(LINKS)})")
        settings.links[name] = _group_table(rates, source, f"pool.links.{name}", LINKS[name].attribute,
                                            settings.links[name], 0, 1)
    for attribute, shifts in data.get("suitability_shift", {}).items():
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
                                f"{attribute} has no value {key!r} (expected one of {', '.join(CATEGORIES[attribute])})")
        out[key] = _number(number, source, f"{path}.{key}", minimum, maximum)
    return out


def _pipeline(stages: Any, source: str) -> Pipeline:
    if not isinstance(stages, list) or not stages:
        raise ScenarioError(source, "stages", "expected at least one [[stages]] table")
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
    out["stages"] = [
        {"name": stage.name, **({} if stage.enabled else {"enabled": False}),
         "rules": [rule.to_dict() for rule in stage.rules]}
        for stage in scenario.pipeline.stages
    ]
    return out


def dumps(scenario: Scenario) -> str:
    header = "# Recruitment Bias Simulator scenario. Edit freely; `recruitsim run FILE` checks it.\n"
    return header + tomli_w.dumps(to_dict(scenario))


def save(scenario: Scenario, path: str | Path) -> None:
    """Write the scenario atomically (a crash never leaves half a file)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(scenario), encoding="utf-8")
    tmp.replace(path)
