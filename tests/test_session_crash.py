"""No acknowledged decision is ever lost: a writer killed with SIGKILL at random moments, 20 times."""

import os
import random
import signal
import subprocess
import sys
import time

from simulator.core.scenario import dumps, load
from simulator.core.session import Session

WRITER = r"""
import sys
from simulator.core.decision import Decision
from simulator.core.session import Session

session = Session.open(sys.argv[1])
start = int(sys.argv[2])
i = start
while True:
    decision_id = session.record(Decision(i, True, i % 3 == 0, "skills", "reason text " * 5, "random"))
    print(decision_id, flush=True)  # the acknowledgement: only after the commit returned
    i += 1
"""


def test_killed_writer_loses_no_acknowledged_decision(tmp_path):
    """Kill the recording process at random moments; every acknowledged decision is in the file, intact."""
    path = tmp_path / "crash.rbsession"
    Session.create(path, dumps(load("cv-gap")), 1, 1_000_000, participant="crash test").close()
    rng = random.Random(20261122)
    acknowledged: list[int] = []
    for round_ in range(20):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(round_ * 10_000)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        target = rng.randint(1, 120)
        for _ in range(target):
            line = child.stdout.readline()
            if not line:
                break
            acknowledged.append(int(line))
        time.sleep(rng.uniform(0, 0.004))  # land the kill anywhere, also mid-write
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        child.stderr.close()
        with Session.open(path) as session:
            stored = set(session.decision_ids())
            assert session.integrity() == "ok", f"round {round_}"
        missing = [i for i in acknowledged if i not in stored]
        assert missing == [], f"round {round_}: acknowledged but lost: {missing[:5]}"
    assert len(acknowledged) >= 20
