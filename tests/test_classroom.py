"""The class view's core and `recruitsim class`: a generated room of 30 participants (plus damaged files),
checked against numbers computed independently from what was written."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import wilcoxon
from statsmodels.stats.proportion import proportion_confint

from rooms import SEED, SIZE, make_room
from simulator.cli import main
from simulator.core.classroom import read_room
from simulator.core.pool import generate_pool
from simulator.core.scenario import load
from simulator.core.session import SELF_CHECK_STATEMENTS
from simulator.core.world import CATEGORIES


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class") / "room"
    truth = make_room(folder)
    files = read_room([folder])
    return folder, truth, files, files.room()


@pytest.fixture(scope="module")
def gender():
    sc = load("human-override")
    sc.pool.seed, sc.pool.size = SEED, SIZE
    return np.asarray(generate_pool(sc.vacancy, sc.pool)["gender"])


def _row(frame, column, side, attribute, group):
    rows = frame[(frame[column] == side) & (frame["attribute"] == attribute) & (frame["group"] == group)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_damaged_files_are_skipped_with_one_line_each(generated):
    """Truncated, random, foreign and newer files are skipped, each with one line naming it; 30 still count."""
    folder, truth, files, room = generated
    assert len(files.notes) == 4
    for name in truth.damaged:
        note = next(n for n in files.notes if name in n)
        assert "\n" not in note and note.startswith(str(folder / name))
    assert "newer version" in next(n for n in files.notes if "newer" in n)
    assert (room.participants, room.files, room.scenario) == (30, 30, "human-override")


def test_unaided_rates_match_the_written_decisions(generated, gender):
    """The room's rates without advice (intervals from resampling participants) and the machine's on the
    same CVs (Wilson intervals), per gender."""
    _, truth, _, room = generated
    for code, group in enumerate(CATEGORIES["gender"]):
        mine = [(c, adv, choice) for _, c, adv, choice in truth.unaided if gender[c] == code]
        n, selected = len(mine), sum(choice for *_, choice in mine)
        r = _row(room.unaided, "side", "room", "gender", group)
        assert (r["n"], r["selected"]) == (n, selected)
        if n:
            # The room's interval resamples participants (their decisions go together): checked against
            # a plain resampling of the written decisions, 20,000 times, within simulation error.
            people = sorted({p for p, *_ in truth.unaided})
            per = {p: [choice for q, c, _, choice in truth.unaided if q == p and gender[c] == code] for p in people}
            rng = np.random.default_rng(1)
            draws = rng.integers(0, len(people), size=(20_000, len(people)))
            sel = np.array([sum(per[p]) for p in people])[draws].sum(axis=1)
            cnt = np.array([len(per[p]) for p in people])[draws].sum(axis=1)
            assert r["rate"] == pytest.approx(selected / n)
            if (cnt == 0).mean() > 0.05:  # a group that many resamples miss entirely has no interval
                assert np.isnan(r["rate_ci_low"]) and np.isnan(r["rate_ci_high"])
            else:
                low, high = np.nanpercentile(np.where(cnt > 0, sel / np.maximum(cnt, 1), np.nan), [2.5, 97.5])
                assert (r["rate_ci_low"], r["rate_ci_high"]) == pytest.approx((low, high), abs=0.01)
            assert np.isnan(r["p_value"])  # no per-decision test for decisions that are not independent
        cvs = {(c, adv) for c, adv, _ in mine}
        m = _row(room.unaided, "side", "machine", "gender", group)
        assert (m["n"], m["selected"]) == (len(cvs), sum(adv for _, adv in cvs))
        if len(cvs):  # the machine's advice on distinct CVs: Wilson
            low, high = proportion_confint(m["selected"], m["n"], method="wilson")
            assert (m["rate_ci_low"], m["rate_ci_high"]) == pytest.approx((low, high))
    assert room.unaided_decisions == len(truth.unaided) and room.unaided_participants == 30
    women = _row(room.unaided, "side", "room", "gender", "woman")
    men = _row(room.unaided, "side", "room", "gender", "man")
    assert women["impact_ratio"] == pytest.approx(women["rate"] / men["rate"]) and men["reference"]


def test_overrides_per_group_and_rubber_stamping(generated, gender):
    """Overrides up and down per gender count the cards where the advice showed; five rubber-stamped."""
    _, truth, _, room = generated
    for code, group in enumerate(CATEGORIES["gender"]):
        mine = [(adv, human) for _, c, adv, human, _ in truth.reviewed if gender[c] == code]
        r = room.overrides[(room.overrides["attribute"] == "gender") & (room.overrides["group"] == group)].iloc[0]
        assert (r["reviewed"], r["overrides_up"], r["overrides_down"]) == (
            len(mine), sum(not a and h for a, h in mine), sum(a and not h for a, h in mine))
    assert room.reviewed == len(truth.reviewed)
    per_person = {}
    for p, _, adv, human, _ in truth.reviewed:
        n, o = per_person.get(p, (0, 0))
        per_person[p] = (n + 1, o + (adv != human))
    assert room.rubber_stamp == sum(n >= 10 and o / n < 0.02 for n, o in per_person.values()) == 5
    assert (room.reviewers, room.flaggable) == (30, 30)


def test_blind_versus_open(generated, gender):
    """Final decisions per gender on blind and on open cards, and how many participants reviewed each way."""
    _, truth, _, room = generated
    everything = truth.versus + truth.reviewed
    for mode, blind in (("blind", True), ("open", False)):
        for code, group in enumerate(CATEGORIES["gender"]):
            mine = [h for _, c, _, h, b in everything if b == blind and gender[c] == code]
            r = _row(room.blind, "mode", mode, "gender", group)
            assert (r["n"], r["selected"]) == (len(mine), sum(mine))
    assert (room.blind_participants, room.open_participants) == (10, 20)


def test_quiz_challenges_and_self_check(generated):
    """First answers per option, challenges met (latest result) and the self-check means and Wilcoxon test."""
    _, truth, _, room = generated
    for q in room.quiz:
        expected = [sum(1 for (p, qq), o in truth.first_answers.items() if qq == q["question"] and o == k)
                    for k in range(len(q["options"]))]
        assert q["counts"] == expected and q["answered"] == sum(expected)
        assert q["correct"] == expected[q["answer"]]
    assert room.challenges[0]["met"] == sum(truth.challenges.values())
    for entry in room.self_check:
        st = entry["statement"]
        before = {p: r for (p, ph, s), r in truth.self_check.items() if ph == "before" and s == st}
        after = {p: r for (p, ph, s), r in truth.self_check.items() if ph == "after" and s == st}
        assert entry["before"]["mean"] == pytest.approx(np.mean(list(before.values())))
        assert entry["after"]["mean"] == pytest.approx(np.mean(list(after.values())))
        changes = [after[p] - before[p] for p in after]
        assert entry["paired"] == len(changes) == 25
        assert entry["p_value"] == pytest.approx(wilcoxon(changes).pvalue)
    assert [e["statement"] for e in room.self_check] == list(SELF_CHECK_STATEMENTS)
    assert room.self_check_participants == {"before": 30, "after": 25}


def test_anonymous_unless_names_are_asked_for(generated):
    """Without names the results hold no participant's name; with names they do."""
    _, truth, files, room = generated
    assert room.names is None and "Deelnemer" not in json.dumps(room.as_dict(), default=str)
    named = files.room(names=True)
    assert named.names == truth.names and named.per_participant[0]["name"] == "Deelnemer 00"


def test_a_copy_counts_once_and_other_scenarios_are_listed(generated, tmp_path):
    """A file saved twice counts once (with a note); a file of another scenario is listed, not mixed in."""
    folder, _, _, _ = generated
    room_dir = tmp_path / "room"
    room_dir.mkdir()
    for name in ("p00.rbsession", "p01.rbsession"):
        shutil.copy(folder / name, room_dir / name)
    shutil.copy(folder / "p00.rbsession", room_dir / "p00 (copy).rbsession")
    shutil.copy(Path(__file__).parent / "data" / "sessions" / "v1" / "taxi-licence.rbsession", room_dir / "old.rbsession")
    files = read_room([room_dir])
    assert files.scenarios() == {"human-override": 2, "taxi-licence": 1}
    assert any("counted once" in n for n in files.notes)
    assert files.room().participants == 2 and files.room("taxi-licence").participants == 1


def test_cli_class_text_json_and_exit_codes(generated, tmp_path, capsys):
    """`recruitsim class` prints the room, writes JSON equal to core's numbers, notes skipped files; exit 2 if none."""
    folder, truth, _, room = generated
    out = tmp_path / "room.json"
    assert main(["class", str(folder), "--json", str(out), "--lang", "nl"]) == 0
    captured = capsys.readouterr()
    assert "30 deelnemers" in captured.out and "Deelnemer" not in captured.out
    assert captured.err.count("\n") == 4 and all(name in captured.err for name in truth.damaged)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["participants"] == 30 and data["rubber_stamp"]["rubber_stamped"] == 5
    women = next(g for g in data["unaided"]["groups"] if g["side"] == "room" and g["group"] == "woman")
    assert women["selected"] == _row(room.unaided, "side", "room", "gender", "woman")["selected"]
    assert [q["counts"] for q in data["quiz"]] == [q["counts"] for q in room.quiz]
    assert main(["class", str(folder), "--names"]) == 0
    assert "Deelnemer 07" in capsys.readouterr().out
    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(folder / "noise.rbsession", bad)
    assert main(["class", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "noise.rbsession" in err[0] and err[-1] == "recruitsim: no usable session files among the paths given"
    assert main(["class", str(folder), "--scenario", "cv-gap"]) == 2
    assert "--scenario" in capsys.readouterr().err


def test_quiz_texts_in_the_room_show_the_numbers_of_the_run_not_placeholders(generated, capsys):
    """A quiz question that states a live number ({claim.…}) shows the number of the run the session
    files hold, in the command line's room report, never the "…" of an unmeasured claim."""
    from simulator.cli import main
    from simulator.core.claims import fill_texts

    folder, _, _, room = generated
    texts = [fill_texts(q["text"], "en", room.text_values("en")) for q in room.quiz]
    assert any(q["text"]["en"] != texts[k] for k, q in enumerate(room.quiz))  # one question has a number in it
    assert all("ratio …)" not in text and "{claim." not in text for text in texts)
    assert main(["class", str(folder), "--lang", "nl"]) == 0
    out = capsys.readouterr().out
    assert "(eindratio …)" not in out and "eindratio" in out
