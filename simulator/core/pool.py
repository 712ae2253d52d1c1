"""The synthetic candidate pool: a vacancy, group shares, structural links and the generator.

A pool is columnar (one numpy array per attribute) so that a million candidates fit in memory and
every rule and metric is a vectorised operation. Everything is drawn from the seed: the same
settings and seed give the same pool, bit for bit. Each feature draws from its own random stream
(keyed by the feature's name), so adding a feature later does not change the others.

By default a candidate's latent suitability does not depend on any protected attribute; every gap
between groups then comes from the screening pipeline acting on CV features that are linked to
group membership by the *structural links* below. Those links are named, visible parameters with
defaults from reference/domain-facts.md §5 (most are flagged there as modelling guesses [G]).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import zlib
from dataclasses import dataclass, field

import numpy as np

from .world import (
    AGE_BAND_EDGES,
    CATEGORIES,
    CONCENTRATION_AREAS,
    CURRENT_YEAR,
    HOBBY_TOKENS,
    STYLE_TOKENS,
    UNUSUAL_CV_FLAGS,
    code_of,
    skill_index,
    skills_vocabulary,
)

# ---------------------------------------------------------------------------------------------
# Group shares (defaults: Dutch labour force, reference/domain-facts.md §5)
# ---------------------------------------------------------------------------------------------

DEFAULT_SHARES: dict[str, dict[str, float]] = {
    # Working population 15-64: 46.5% women (CBS 2021); a small non-binary share [G].
    "gender": {"woman": 0.465, "man": 0.525, "non_binary": 0.01},
    # Labour force 2024 Q1: 71.8% / 12.8% / 15.4% (CBS 85456NED).
    "origin": {"dutch": 0.718, "second_gen": 0.128, "born_abroad": 0.154},
    # Labour force by age (CBS 2017 Q1), 55-65 and 65-75 merged.
    "age_band": {"under_25": 0.155, "25_34": 0.206, "35_44": 0.201, "45_54": 0.243, "55_plus": 0.194},
    # Pool share with a disclosed disability [G]; the population share with a work-limiting one is 14%.
    "disability": {"none": 0.92, "disclosed": 0.08},
}

# Relative sizes of origin regions among people with a migration background, first and second
# generation, 1 January 2022, thousands (CBS). "other" sums other Africa, Americas/Oceania, Asia.
DEFAULT_REGION_WEIGHTS: dict[str, dict[str, float]] = {
    "born_abroad": {"europe": 875, "turkey": 205, "morocco": 173, "suriname": 178, "caribbean": 103,
                    "indonesia": 106, "other": 910},
    "second_gen": {"europe": 602, "turkey": 226, "morocco": 246, "suriname": 184, "caribbean": 82,
                   "indonesia": 258, "other": 430},
}

# Share with young children by age band [G].
DEFAULT_PARENT_BY_AGE: dict[str, float] = {
    "under_25": 0.05, "25_34": 0.35, "35_44": 0.55, "45_54": 0.20, "55_plus": 0.02,
}


# ---------------------------------------------------------------------------------------------
# Structural links: the rate of a CV feature in each group of one attribute
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """How common a CV feature is in each group of one attribute."""

    attribute: str
    defaults: dict[str, float]
    source: str  # where the default comes from; "[G]" marks a modelling guess


LINKS: dict[str, Link] = {
    "past_gap": Link("gender", {"woman": 0.28, "man": 0.17, "non_binary": 0.22},
                     "CV gap of 6+ months in the past, before parenthood and illness are added; with them "
                     "about 38% of women and 22% of men [G, anchored on LinkedIn 2022]"),
    "care_reason": Link("gender", {"woman": 0.45, "man": 0.12, "non_binary": 0.30},
                        "share of gaps taken for care (parental leave 22% of women's breaks, LinkedIn) [G]"),
    "parent_gap": Link("gender", {"woman": 0.30, "man": 0.05, "non_binary": 0.15},
                       "extra chance of a care gap for parents of young children (parental leave is 22% of "
                       "women's breaks, LinkedIn) [G]"),
    "illness_gap": Link("disability", {"none": 0.03, "disclosed": 0.40},
                        "chance of a gap for illness; medical leave is 17% of breaks (LinkedIn) [G]"),
    "current_gap": Link("origin", {"dutch": 0.20, "second_gen": 0.32, "born_abroad": 0.34},
                        "currently without work; unemployment 3.0% vs 6.1% vs 6.3% (CBS) [G scaled to applicants]"),
    "long_current_gap": Link("age_band", {"under_25": 0.15, "25_34": 0.20, "35_44": 0.25, "45_54": 0.35,
                                          "55_plus": 0.60},
                             "share of current gaps lasting 12+ months; ~70% of unemployed 55+ long-term (CBS 2016)"),
    "foreign_diploma": Link("origin", {"dutch": 0.005, "second_gen": 0.03, "born_abroad": 0.58},
                            "highest diploma obtained abroad; about 10% of the pool [G]"),
    "diploma_recognised": Link("origin", {"dutch": 0.70, "second_gen": 0.60, "born_abroad": 0.45},
                               "share of foreign diplomas with a Nuffic/IDW/SBB evaluation [G]"),
    "low_dutch": Link("origin", {"dutch": 0.01, "second_gen": 0.04, "born_abroad": 0.55},
                      "Dutch below C1 [G]"),
    "english_wording": Link("origin", {"dutch": 0.30, "second_gen": 0.30, "born_abroad": 0.60},
                            "CV written with English skill terms [G]"),
    "concentration_postcode": Link("origin", {"dutch": 0.10, "second_gen": 0.45, "born_abroad": 0.50},
                                   "lives in one of the concentration neighbourhoods (areas 8-10) [G]"),
    "driving_licence": Link("origin", {"dutch": 0.88, "second_gen": 0.78, "born_abroad": 0.62},
                            "holds a driving licence [G]"),
    "career_switch": Link("origin", {"dutch": 0.15, "second_gen": 0.15, "born_abroad": 0.30},
                          "changed occupation in the last 5 years: 15% [G]; restart after migration"),
    "part_time": Link("gender", {"woman": 0.55, "man": 0.15, "non_binary": 0.35},
                      "part-time work history [G, NL part-time rates]"),
    "agentic_wording": Link("gender", {"woman": 0.25, "man": 0.55, "non_binary": 0.35},
                            "uses 'executed'/'led' style verbs (Amazon case) [G]"),
    "womens_club": Link("gender", {"woman": 0.12, "man": 0.0, "non_binary": 0.03},
                        "member of a women's club or network ('women's chess club') [G]"),
    "football": Link("gender", {"woman": 0.10, "man": 0.35, "non_binary": 0.10},
                     "lists a football club as hobby [G]"),
    "parents_council": Link("gender", {"woman": 0.30, "man": 0.10, "non_binary": 0.20},
                            "parents of young children who list the parents' council [G]"),
    # What an AI screener reads besides the name (issue 12). Drawn last, each from its own stream, so
    # every pool drawn before these existed is the same, bit for bit.
    "ai_polished": Link("age_band", {"under_25": 0.487, "25_34": 0.415, "35_44": 0.30, "45_54": 0.20,
                                     "55_plus": 0.10},
                        "CV rewritten with a generative-AI tool: CBS 2024 use of generative AI by age (18-25 48.7%, "
                        "25-35 41.5%, 55-65 12.1%, 65+ 5.2%; 35-55 interpolated [G]), times the relative use by "
                        "education (AI_USE_BY_EDUCATION); using a tool for one's CV at the rate of using it at all [G]"),
    "pedigree": Link("origin", {"dutch": 0.30, "second_gen": 0.18, "born_abroad": 0.10},
                     "hbo/wo graduates with a prestigious university or well-known employer on their CV [G]"),
    "disability_mention": Link("disability", {"none": 0.02, "disclosed": 0.50},
                               "CV mentions disability-related activities, such as an award or a network "
                               "(Glazko et al. 2024 added such items) [G]"),
    "experience_follows_age": Link("origin", {"dutch": 1.0, "second_gen": 1.0, "born_abroad": 1.0},
                                   "1 = years of experience grow with age (the experience-cap proxy)"),
}


# Use of generative AI by education relative to everyone aged 12+ (23.4%), CBS 2024: basic/vmbo 16%,
# havo/vwo/mbo 19%, hbo/wo 34%. Multiplies the age rate of the "ai_polished" link.
AI_USE_BY_EDUCATION: dict[str, float] = {"none": 16 / 23.4, "vmbo": 16 / 23.4, "mbo": 19 / 23.4, "hbo": 34 / 23.4,
                                         "wo": 34 / 23.4}


def default_links() -> dict[str, dict[str, float]]:
    return {name: dict(link.defaults) for name, link in LINKS.items()}


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

@dataclass
class Vacancy:
    """The job profile: what it is called, which skills it asks for and how many are suitable."""

    title: dict[str, str] = field(default_factory=lambda: {"en": "Office clerk", "nl": "Administratief medewerker"})
    relevant_skills: list[str] = field(default_factory=lambda: ["spreadsheets", "customer_service", "planning",
                                                                "communication"])
    # Share of the pool that is truly suitable: ground truth "qualified".
    qualified_share: float = 0.30


def world_key(vacancy: Vacancy, settings: "PoolSettings", with_size: bool = True) -> str:
    """Everything ``generate_pool`` depends on, as a stable string: the cache key for a generated pool
    (and, without the size, for a model trained on a history drawn from the same world)."""
    data = dataclasses.asdict(settings)
    if not with_size:
        del data["size"]
    data["vacancy"] = [list(vacancy.relevant_skills), vacancy.qualified_share]
    return json.dumps(data, sort_keys=True, default=str)


@dataclass
class PoolSettings:
    """Everything that decides the pool. Shares are normalised; links are rates per group."""

    size: int = 5000
    seed: int = 1
    shares: dict[str, dict[str, float]] = field(default_factory=lambda: copy.deepcopy(DEFAULT_SHARES))
    region_weights: dict[str, dict[str, float]] = field(
        default_factory=lambda: copy.deepcopy(DEFAULT_REGION_WEIGHTS))
    parent_by_age: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PARENT_BY_AGE))
    links: dict[str, dict[str, float]] = field(default_factory=default_links)
    # False = "no structural differences": every link rate equals its share-weighted mean.
    structural_links: bool = True
    # Departures from the default assumption that suitability is the same in every group:
    # {"attribute": {"value": shift in standard deviations}}.
    suitability_shift: dict[str, dict[str, float]] = field(default_factory=dict)
    # Share of second-generation candidates with a Dutch first name.
    dutch_first_name_second_gen: float = 0.10
    # Where several vacancies share one pool: relative numbers of applications per vacancy, by
    # gender ({"woman": {"vacancy_a": 108, ...}, ...}). Empty: everyone applies for vacancy_a.
    applied_for: dict[str, dict[str, float]] = field(default_factory=dict)

    def several_vacancies(self) -> bool:
        """Does this pool apply for more than one vacancy (so comparisons belong within vacancies)?"""
        used = {v for weights in self.applied_for.values() for v, w in weights.items() if w > 0}
        return len(used) > 1

    def effective_links(self) -> dict[str, dict[str, float]]:
        """The link rates the generator uses: as set, or neutralised when structural links are off."""
        if self.structural_links:
            return self.links
        return {name: neutralised(name, rates, self) for name, rates in self.links.items()}

    def attribute_shares(self, attribute: str) -> dict[str, float]:
        if attribute == "parent":
            ages = _normalise(self.shares["age_band"])
            yes = sum(ages[a] * self.parent_by_age[a] for a in ages)
            return {"no": 1 - yes, "yes": yes}
        if attribute == "region":
            raise KeyError("region shares follow from origin and region weights")
        return _normalise(self.shares[attribute])


def neutralised(name: str, rates: dict[str, float], settings: PoolSettings) -> dict[str, float]:
    """Replace every group's rate by the pool average, so the feature no longer differs by group."""
    link = LINKS[name]
    shares = settings.attribute_shares(link.attribute)
    mean = sum(shares[g] * rates[g] for g in rates)
    return {g: mean for g in rates}


def _normalise(shares: dict[str, float]) -> dict[str, float]:
    total = float(sum(shares.values()))
    return {k: v / total for k, v in shares.items()}


# ---------------------------------------------------------------------------------------------
# The pool
# ---------------------------------------------------------------------------------------------

@dataclass
class Pool:
    """A generated candidate pool: columns of equal length, plus the skill matrices."""

    vacancy: Vacancy
    settings: PoolSettings
    columns: dict[str, np.ndarray]
    has_skill: np.ndarray  # bool, candidates x skills
    skill_wording: np.ndarray  # int8, candidates x skills: 0 English, 1 Dutch, 2 alternative
    # Random draws that depend only on the pool (a simulated reviewer's noise), kept so a re-run
    # on the same pool (per-rule attribution, what-if) does not draw a million numbers again.
    draws: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.columns["id"])

    def __getitem__(self, column: str) -> np.ndarray:
        return self.columns[column]

    @property
    def size(self) -> int:
        return len(self)

    def unusual_flags(self) -> dict[str, np.ndarray]:
        from .world import UNUSUAL_CV_FLAGS

        return {flag: self.columns[f"unusual_{flag}"] for flag in UNUSUAL_CV_FLAGS}

    def with_changes(self, index: int, changes: dict[str, object]) -> "Pool":
        """A one-candidate pool: candidate ``index`` with some fields changed (for what-if tests)."""
        cols = {k: v[index:index + 1].copy() for k, v in self.columns.items()}
        for key, value in changes.items():
            cols[key][0] = value
        _derive(cols, self.has_skill[index:index + 1], self.vacancy)
        return Pool(self.vacancy, self.settings, cols, self.has_skill[index:index + 1].copy(),
                    self.skill_wording[index:index + 1].copy())


def _stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream per feature, stable across code changes elsewhere."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(name.encode())])


def _by_group(rates: dict[str, float], column: str, codes: np.ndarray) -> np.ndarray:
    """Map each candidate's group code to that group's rate."""
    table = np.array([rates[v] for v in CATEGORIES[column]], dtype=np.float64)
    return table[codes]


def _draw_category(rng: np.random.Generator, shares: dict[str, float], column: str, n: int) -> np.ndarray:
    probs = _normalise({v: shares.get(v, 0.0) for v in CATEGORIES[column]})
    cdf = np.cumsum(list(probs.values()))
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(n), side="right").astype(np.int8)


def generate_pool(vacancy: Vacancy, settings: PoolSettings) -> Pool:
    """Draw a candidate pool for a vacancy. Deterministic in ``settings.seed``.

    Intermediate arrays are released (``del``) as soon as they are used: with a million candidates
    each float draw is 8 MB, and kept to the end they would triple the memory the pool itself needs.
    """
    from scipy.special import expit, ndtri  # here, not at import: the window opens without scipy

    n = int(settings.size)
    seed = int(settings.seed)
    links = settings.effective_links()
    cols: dict[str, np.ndarray] = {"id": np.arange(1, n + 1, dtype=np.int32)}

    # --- protected attributes -----------------------------------------------------------------
    cols["gender"] = _draw_category(_stream(seed, "gender"), settings.shares["gender"], "gender", n)
    cols["origin"] = origin = _draw_category(_stream(seed, "origin"), settings.shares["origin"], "origin", n)
    rng = _stream(seed, "region")
    region = np.zeros(n, dtype=np.int8)
    u = rng.random(n)
    for og in ("second_gen", "born_abroad"):
        mask = origin == code_of("origin", og)
        weights = {r: settings.region_weights[og].get(r, 0.0) for r in CATEGORIES["region"][1:]}
        probs = np.array(list(_normalise(weights).values()))
        cdf = np.cumsum(probs)
        cdf[-1] = 1.0
        region[mask] = 1 + np.searchsorted(cdf, u[mask], side="right")
    cols["region"] = region
    del u, mask

    rng = _stream(seed, "age")
    age_band = _draw_category(rng, settings.shares["age_band"], "age_band", n)
    low = np.array(AGE_BAND_EDGES[:-1])[age_band]
    high = np.array(AGE_BAND_EDGES[1:])[age_band]
    cols["age_band"] = age_band
    cols["age"] = age = (low + np.floor(rng.random(n) * (high - low))).astype(np.int16)
    del low, high

    cols["disability"] = _draw_category(_stream(seed, "disability"), settings.shares["disability"],
                                        "disability", n)
    parent_p = _by_group(settings.parent_by_age, "age_band", age_band)
    cols["parent"] = parent = (_stream(seed, "parent").random(n) < parent_p).astype(np.int8)
    del parent_p

    # --- latent suitability (ground truth) ----------------------------------------------------
    ability = _stream(seed, "ability").standard_normal(n)
    for attribute, shifts in settings.suitability_shift.items():
        ability = ability + _by_group({v: shifts.get(v, 0.0) for v in CATEGORIES[attribute]},
                                      attribute, cols[attribute])
    cols["suitability"] = ability.astype(np.float32)
    cut = np.quantile(ability, 1.0 - vacancy.qualified_share) if n else 0.0
    cols["qualified"] = ability >= cut

    # --- education, diploma -------------------------------------------------------------------
    rng = _stream(seed, "education")
    signal = 0.8 * ability + 0.6 * rng.standard_normal(n)
    # Shares none/vmbo/mbo/hbo/wo of about 5/15/38/27/15% [G, CBS education level of the labour force].
    cutpoints = ndtri(np.cumsum([0.05, 0.15, 0.38, 0.27])) * np.sqrt(0.8 ** 2 + 0.6 ** 2)
    education = np.searchsorted(cutpoints, signal).astype(np.int8)
    del signal
    # Nobody holds a diploma before the age at which it can be obtained (vmbo 16, mbo 18, hbo 21, wo 22).
    highest_possible = np.searchsorted(np.array([18, 21, 22]), age, side="right") + 1
    education = np.minimum(education, highest_possible).astype(np.int8)
    del highest_possible
    cols["education"] = education
    rng = _stream(seed, "diploma")
    foreign = rng.random(n) < _by_group(links["foreign_diploma"], "origin", origin)
    foreign &= education > 0
    cols["diploma_country"] = foreign.astype(np.int8)
    cols["diploma_recognised"] = foreign & (rng.random(n) < _by_group(links["diploma_recognised"], "origin", origin))
    grad_age = np.array([16, 16, 20, 22, 24])[education] + rng.integers(0, 3, n)
    grad_age = np.minimum(grad_age, age)
    del foreign

    # --- gaps ---------------------------------------------------------------------------------
    rng = _stream(seed, "gaps")
    gender = cols["gender"]
    disability = cols["disability"]
    parent_gap = _by_group(links["parent_gap"], "gender", gender) * parent
    p_past = _by_group(links["past_gap"], "gender", gender) + parent_gap
    illness = rng.random(n) < _by_group(links["illness_gap"], "disability", disability)
    has_past = (rng.random(n) < np.minimum(p_past, 1.0)) | illness
    past_months = np.where(has_past, 6 + np.floor(rng.exponential(8.0, n)), 0).astype(np.int16)
    p_current = _by_group(links["current_gap"], "origin", origin)
    has_current = rng.random(n) < p_current
    is_long = rng.random(n) < _by_group(links["long_current_gap"], "age_band", age_band)
    current_months = np.where(
        has_current,
        np.where(is_long, 12 + np.floor(rng.exponential(12.0, n)), 1 + np.minimum(np.floor(rng.exponential(4.0, n)), 10)),
        0,
    ).astype(np.int16)
    # Nobody can have been out of work longer than they have been of working age.
    working_months = np.maximum((age - grad_age) * 12, 0)
    current_months = np.minimum(current_months, working_months).astype(np.int16)
    past_months = np.minimum(past_months, np.maximum(working_months - current_months, 0)).astype(np.int16)
    cols["current_gap_months"] = current_months
    cols["past_gap_months"] = past_months
    care = rng.random(n) < np.minimum(_by_group(links["care_reason"], "gender", gender) + 2 * parent_gap, 1.0)
    study = rng.random(n) < 0.25
    any_gap = (current_months > 0) | (past_months > 0)
    reason = np.where(illness, 2, np.where(care, 1, np.where(study, 3, 4)))
    reason = np.where(any_gap, reason, 0)
    # A current gap without another reason is unemployment.
    reason = np.where((current_months > 0) & ~illness & ~care, 4, reason)
    cols["gap_reason"] = reason.astype(np.int8)
    del parent_gap, p_past, illness, has_past, p_current, has_current, is_long, working_months, care, study, any_gap, reason

    # --- experience, career -------------------------------------------------------------------
    rng = _stream(seed, "experience")
    follows = _by_group(links["experience_follows_age"], "origin", origin)
    other_age = rng.permutation(age)
    effective_age = np.where(rng.random(n) < follows, age, np.maximum(other_age, grad_age))
    years = (effective_age - grad_age) - (current_months + past_months) / 12.0
    cols["experience_years"] = np.maximum(np.round(years), 0).astype(np.int16)
    cols["graduation_year"] = (CURRENT_YEAR - (age - grad_age)).astype(np.int16)
    switcher = rng.random(n) < _by_group(links["career_switch"], "origin", origin)
    cols["career_switches"] = np.where(switcher, 1 + rng.poisson(0.8, n), 0).astype(np.int8)
    cols["part_time_history"] = rng.random(n) < _by_group(links["part_time"], "gender", gender)
    del follows, other_age, effective_age, years, switcher, grad_age, current_months, past_months

    # --- language, licence, postcode ----------------------------------------------------------
    rng = _stream(seed, "language")
    low_dutch = rng.random(n) < _by_group(links["low_dutch"], "origin", origin)
    low_level = rng.choice(np.array([0, 1, 2], dtype=np.int8), size=n, p=[0.2, 0.4, 0.4])
    high_level = np.where(rng.random(n) < 0.85, 4, 3).astype(np.int8)
    cols["dutch_level"] = np.where(low_dutch, low_level, high_level).astype(np.int8)
    young = np.where(age < 25, 0.8, 1.0)
    cols["driving_licence"] = rng.random(n) < _by_group(links["driving_licence"], "origin", origin) * young
    concentration = rng.random(n) < _by_group(links["concentration_postcode"], "origin", origin)
    conc_area = np.array(CONCENTRATION_AREAS)[rng.integers(0, len(CONCENTRATION_AREAS), n)]
    other_area = rng.integers(0, 10 - len(CONCENTRATION_AREAS), n)
    cols["postcode_area"] = np.where(concentration, conc_area, other_area).astype(np.int8)
    del low_dutch, low_level, high_level, young, concentration, conc_area, other_area

    # --- skills and wording -------------------------------------------------------------------
    vocab = skills_vocabulary()
    rng = _stream(seed, "skills")
    relevant = np.zeros(len(vocab), dtype=bool)
    for key in vacancy.relevant_skills:
        relevant[skill_index(key)] = True
    n_skills = len(vocab)
    has_skill = np.empty((n, n_skills), dtype=bool)
    p_relevant = expit(-0.4 + 1.3 * ability).astype(np.float32)
    del ability
    p_other = np.float32(expit(-0.9))
    for j in range(n_skills):
        has_skill[:, j] = rng.random(n, dtype=np.float32) < (p_relevant if relevant[j] else p_other)
    del p_relevant
    english = rng.random(n) < _by_group(links["english_wording"], "origin", origin)
    # Wording per skill: English writers use the English term 75% of the time, then Dutch 15%,
    # then the alternative; others use the Dutch term 70%, English 15%, alternative 15%.
    # Random bytes are the cheapest draw for a 12-column matrix; cut points are out of 256.
    byte = np.frombuffer(rng.bytes(n * n_skills), dtype=np.uint8).reshape(n, n_skills)
    first_cut = np.where(english, 192, 179).astype(np.uint8)[:, None]
    second_cut = np.where(english, 230, 218).astype(np.uint8)[:, None]
    # Added, compared and flipped in place: each n x 12 temporary is 12 MB for a million candidates.
    bucket = np.empty((n, n_skills), dtype=np.int8)
    np.greater_equal(byte, first_cut, out=bucket.view(bool))
    bucket += (byte >= second_cut).view(np.int8)
    del byte, first_cut, second_cut
    # bucket 0 is the writer's main language: English for English writers, else Dutch.
    swap = bucket < 2
    swap &= (~english)[:, None]
    wording = np.bitwise_xor(bucket, swap.view(np.int8), out=bucket)
    del bucket, swap, english

    # --- hobbies and writing style (bit masks) ------------------------------------------------
    rng = _stream(seed, "hobbies")
    hobbies = np.zeros(n, dtype=np.uint16)

    def set_bit(mask, token, tokens):
        return np.where(mask, 1 << tokens.index(token), 0).astype(np.uint16)

    hobbies |= set_bit(rng.random(n) < _by_group(links["womens_club"], "gender", gender), "womens_club", HOBBY_TOKENS)
    hobbies |= set_bit(rng.random(n) < _by_group(links["football"], "gender", gender), "football", HOBBY_TOKENS)
    hobbies |= set_bit((parent == 1) & (rng.random(n) < _by_group(links["parents_council"], "gender", gender)),
                       "parents_council", HOBBY_TOKENS)
    hobbies |= set_bit(rng.random(n) < 0.20, "volunteering", HOBBY_TOKENS)
    hobbies |= set_bit((education == 4) & (rng.random(n) < 0.15), "student_rowing", HOBBY_TOKENS)
    hobbies |= set_bit((origin > 0) & (rng.random(n) < 0.12), "cultural_association", HOBBY_TOKENS)
    hobbies |= set_bit((age < 35) & (rng.random(n) < 0.25), "gaming", HOBBY_TOKENS)
    cols["hobbies"] = hobbies
    agentic = rng.random(n) < _by_group(links["agentic_wording"], "gender", gender)
    style = np.where(agentic, (1 << STYLE_TOKENS.index("executed")) | (1 << STYLE_TOKENS.index("led")),
                     (1 << STYLE_TOKENS.index("supported")) | (1 << STYLE_TOKENS.index("collaborated")))
    cols["style"] = style.astype(np.uint8)
    del agentic, style

    # --- names --------------------------------------------------------------------------------
    rng = _stream(seed, "names")
    cols["name_region"] = np.where(
        (origin == code_of("origin", "second_gen")) & (rng.random(n) < settings.dutch_first_name_second_gen),
        0, region).astype(np.int8)
    cols["first_name_pick"] = rng.random(n).astype(np.float32)
    cols["family_name_pick"] = rng.random(n).astype(np.float32)

    applied = np.zeros(n, dtype=np.int8)
    # Its own stream, drawn only when used: other columns stay the same with or without vacancies.
    u = _stream(seed, "applied_for").random(n) if settings.applied_for else None
    for g, weights in settings.applied_for.items():
        mask = gender == code_of("gender", g)
        probs = _normalise({v: weights.get(v, 0.0) for v in CATEGORIES["applied_for"]})
        cdf = np.cumsum(list(probs.values()))
        cdf[-1] = 1.0
        applied[mask] = np.searchsorted(cdf, u[mask], side="right")
    cols["applied_for"] = applied
    cols["tiebreak"] = _stream(seed, "tiebreak").random(n)

    # --- what an AI screener reads besides the name (each its own stream, drawn last) ---------
    p_polished = _by_group(links["ai_polished"], "age_band", age_band) * _by_group(AI_USE_BY_EDUCATION, "education",
                                                                                 education)
    cols["ai_polished"] = (_stream(seed, "ai_polished").random(n) < np.minimum(p_polished, 1.0)).astype(np.int8)
    cols["pedigree"] = ((education >= code_of("education", "hbo"))
                        & (_stream(seed, "pedigree").random(n) < _by_group(links["pedigree"], "origin", origin))
                        ).astype(np.int8)
    cols["disability_mention"] = (_stream(seed, "disability_mention").random(n)
                                  < _by_group(links["disability_mention"], "disability", disability)).astype(np.int8)
    del p_polished
    _derive(cols, has_skill, vacancy)
    return Pool(vacancy, settings, cols, has_skill, wording)


def _derive(cols: dict[str, np.ndarray], has_skill: np.ndarray, vacancy: Vacancy) -> None:
    """Columns that follow from others (recomputed after a what-if change)."""
    age = cols["age"]
    cols["age_band"] = (np.searchsorted(np.array(AGE_BAND_EDGES[1:-1]), age, side="right")).astype(np.int8)
    cols["longest_gap_months"] = np.maximum(cols["current_gap_months"], cols["past_gap_months"]).astype(np.int16)
    relevant = np.zeros(has_skill.shape[1], dtype=bool)
    for key in vacancy.relevant_skills:
        relevant[skill_index(key)] = True
    cols["skills_count"] = has_skill[:, relevant].sum(axis=1).astype(np.int8)
    cols["unusual_long_gap"] = cols["longest_gap_months"] >= 12
    cols["unusual_career_switcher"] = cols["career_switches"] >= 1
    cols["unusual_foreign_diploma"] = cols["diploma_country"] == 1
    cols["unusual_self_taught"] = (cols["education"] <= 1) & (cols["skills_count"] >= max(2, relevant.sum() - 1))
    cols["unusual_non_linear"] = cols["career_switches"] >= 3
    cols["unusual_part_time"] = cols["part_time_history"].astype(bool)
    cols["unusual_any"] = (cols["unusual_long_gap"] | cols["unusual_career_switcher"] | cols["unusual_foreign_diploma"]
                           | cols["unusual_self_taught"] | cols["unusual_non_linear"])
    features = [cols["unusual_long_gap"], cols["unusual_career_switcher"] & ~cols["unusual_non_linear"],
                cols["unusual_foreign_diploma"], cols["unusual_self_taught"], cols["unusual_non_linear"],
                cols["unusual_part_time"]]
    count = np.sum(features, axis=0)
    code = np.zeros(len(age), dtype=np.int8)
    for k, feature in enumerate(features):
        code[feature] = k + 1
    code[count >= 2] = len(UNUSUAL_CV_FLAGS) + 1
    cols["unusual_cv"] = code
