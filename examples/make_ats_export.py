"""Writes ats-export.csv: a made-up export from an applicant tracking system, shaped like real ones.

Made up, not real people: 2,400 applications to four vacancies, with the furthest stage each
applicant reached (Sollicitatie → Eerste gesprek → Tweede gesprek → Aanbod, or "In behandeling"
while still open), gender spelled four ways plus "Onbekend", and an age band. Applicants of 50 and
older pass the first screening at 0.6 times the chance of others; every later step treats all alike.
Semicolons, a byte-order mark and Windows line ends, as Excel's "CSV UTF-8" writes them. The file is
the same every time (seed 2030): python examples/make_ats_export.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

STAGES = ["Sollicitatie", "Eerste gesprek", "Tweede gesprek", "Aanbod"]


def make(n: int = 2400, seed: int = 2030) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    vacancy = rng.choice(["Monteur", "Planner", "Verkoper", "Administratief medewerker"], n, p=[0.3, 0.2, 0.3, 0.2])
    gender = rng.choice(["Vrouw", "Man", "vrouw", "V", "Onbekend"], n, p=[0.38, 0.47, 0.06, 0.05, 0.04])
    age = rng.choice(["jonger dan 35", "35 t/m 49", "50 of ouder"], n, p=[0.4, 0.35, 0.25])
    reached = np.zeros(n, dtype=int)
    for step, chance in enumerate((0.35, 0.5, 0.55)):
        at_step = reached == step
        factor = np.where(age == "50 of ouder", 0.6, 1.0) if step == 0 else 1.0
        reached[at_step & (rng.random(n) < chance * factor)] = step + 1
    stage = np.array(STAGES, dtype=object)[reached]
    stage[rng.random(n) < 0.05] = "In behandeling"
    return pd.DataFrame({"Kandidaatnummer": [f"K{26000 + i}" for i in range(n)], "Vacature": vacancy,
                         "Geslacht": gender, "Leeftijdsgroep": age, "Fase": stage})


if __name__ == "__main__":
    target = Path(__file__).with_name("ats-export.csv")
    text = make().to_csv(sep=";", index=False, lineterminator="\r\n")
    target.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    print(f"wrote {target}")
