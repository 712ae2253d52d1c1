"""The long fuzzing run: ≥ 10,000 damaged inputs per family, counted rather than stopped at the first failure.

Families: ``scenario`` (built-in scenarios with changed, removed, repeated or hostile values, NaN
and infinity, huge and negative numbers, deep nesting, unicode, truncated or flipped bytes; every
accepted file also runs at 200 candidates), ``session`` (a session file changed through SQLite and
byte by byte; summary and export both run), ``csv`` (audit CSVs with hostile headers and cells).
The strategies and the judge are the ones the test suite uses (``tests/fuzzing.py``).

Counts: cases, exit 0, exit 2, tracebacks, hangs (a case over ``--timeout`` seconds), NaN or
infinity accepted, and messages that are not one line naming the file. A case that needs more than
``--memory-gb`` ends in MemoryError and counts as a traceback. The first failures of each
kind are written to ``--out`` to be replayed by hand.

Run: python benchmarks/fuzz_inputs.py --family scenario --cases 10000 [--timeout 60] [--out DIR]
"""

from __future__ import annotations

import argparse
import collections
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

import fuzzing  # noqa: E402


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--family", choices=["scenario", "session", "csv"], required=True)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--out", default="fuzz-failures")
    parser.add_argument("--memory-gb", type=float, default=4.0,
                        help="address-space limit: a case that needs more ends in MemoryError (counted), "
                             "not in the whole run being killed")
    args = parser.parse_args()
    limit = int(args.memory_gb * 2 ** 30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = Path(args.out) / args.family
    out.mkdir(parents=True, exist_ok=True)
    counts: collections.Counter = collections.Counter()
    examples: dict[str, int] = collections.Counter()
    strategy, check = {"scenario": (fuzzing.scenario_files(), fuzzing.check_scenario),
                       "session": (fuzzing.session_damage(), fuzzing.check_session),
                       "csv": (fuzzing.audit_csvs(), fuzzing.check_audit)}[args.family]
    signal.signal(signal.SIGALRM, _alarm)
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))

    def record(case, kind: str, detail: str) -> None:
        counts[kind] += 1
        examples[kind] += 1
        if examples[kind] <= 5:
            (out / f"{kind}-{examples[kind]}.txt").write_text(f"{detail}\n\n{case!r}"[:200_000], encoding="utf-8")

    @settings(max_examples=args.cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(case):
        counts["cases"] += 1
        signal.alarm(args.timeout)
        try:
            result, name = check(case, folder)
        except Hang:
            record(case, "hangs", "over the time limit")
            return
        finally:
            signal.alarm(0)
        for verdict in result if isinstance(result, list) else [result]:
            counts[f"exit {verdict.code}"] += 1
            for problem in verdict.problems(name):
                kind = ("tracebacks" if problem.startswith(("traceback", "exit code")) else
                        "nan_accepted" if problem.startswith("NaN") else "bad_messages")
                record(case, kind, problem)
        if counts["cases"] % 1000 == 0:
            print(f"  {counts['cases']} cases …", flush=True)

    wall, cpu = time.perf_counter(), time.process_time()
    one()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"family {args.family}: {counts['cases']} cases in {wall:.0f} s wall, {cpu:.0f} s CPU")
    for key in sorted(k for k in counts if k.startswith("exit")):
        print(f"  {key}: {counts[key]}")
    for key in ("tracebacks", "hangs", "nan_accepted", "bad_messages"):
        print(f"  {key}: {counts[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
