"""Inputs shared by tests/test_audit_stages.py and the script that wrote its golden files (not a test module)."""

from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
DEFECTS = DATA / "audit_defects"

# (name, file, group columns, selected column, strata column) of the yes/no fixtures
CASES = [
    ("all_selected_small", DEFECTS / "all_selected_small.csv", ["g"], "selected", None),
    ("bd_undefined", DEFECTS / "bd_undefined_when_or_is_1.csv", ["gender"], "selected", "vacancy"),
    ("cmh_overcorrection", DEFECTS / "cmh_overcorrection.csv", ["group"], "selected", "vacancy"),
    ("favoured_small_group", DEFECTS / "favoured_small_group.csv", ["g"], "selected", None),
    ("hidden_significant", DEFECTS / "hidden_significant_small_group.csv", ["g"], "selected", None),
    ("intersection_claim", DEFECTS / "intersection_claim_p_1.csv", ["col0_gender", "col1_grp"], "hired", "vacancy"),
    ("none_selected", DEFECTS / "none_selected.csv", ["g"], "selected", None),
    ("p_just_above", DEFECTS / "p_just_above_005.csv", ["g"], "selected", None),
]


def random_frames(count: int = 40, seed: int = 14):
    """Small seeded yes/no files: one to three group columns, missing values, sometimes strata."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n = int(rng.integers(15, 400))
        columns = ["a", "b", "c"][: int(rng.integers(1, 4))]
        data = {}
        for col in columns:
            levels = [f"{col}{i}" for i in range(int(rng.integers(2, 6)))]
            weights = rng.dirichlet(np.ones(len(levels)) * 0.7)
            values = rng.choice(levels, n, p=weights).astype(object)
            values[rng.random(n) < 0.05] = ""
            data[col] = values
        data["selected"] = np.where(rng.random(n) < rng.uniform(0.05, 0.95), "1", "0")
        strata = None
        if rng.random() < 0.4:
            data["s"] = rng.choice(["v1", "v2", "v3"], n).astype(object)
            strata = "s"
        frame = pd.DataFrame(data)
        for col in columns:
            if frame.loc[frame[col] != "", col].nunique() < 2:
                frame.loc[0, col], frame.loc[1, col] = f"{col}0", f"{col}1"
        yield frame, columns, strata
