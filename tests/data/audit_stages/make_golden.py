"""Write the yes/no group tables of the audit before stages (commit 8c7428d; run once, before stages were added) as golden files."""
import sys
from pathlib import Path
import pandas as pd
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from simulator.core.audit import audit_file, audit_frame
from audit_stages_cases import CASES, random_frames

out = Path(__file__).resolve().parent
for name, file, groups, selected, strata in CASES:
    a = audit_file(str(file), groups, selected, strata)
    a.groups.to_csv(out / f"golden_{name}.csv", index=False, float_format="%.17g")
frames = []
for i, (frame, columns, strata) in enumerate(random_frames()):
    a = audit_frame(frame, columns, "selected", strata)
    g = a.groups.copy(); g.insert(0, "case", i)
    frames.append(g)
pd.concat(frames).to_csv(out / "golden_random.csv", index=False, float_format="%.17g")
print("ok")
