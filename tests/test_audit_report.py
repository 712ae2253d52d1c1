"""An audit's PDF report: its text (read with pypdf) in both languages has the data summary, every
visible group's n, the findings, the lens, the method and the checklist; hidden groups stay without
numbers; odd audits (nobody selected, a tiny group) still give a report; the command line's --report."""

import re

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from simulator.cli import main
from simulator.core.audit import audit_file, audit_frame
from simulator.core.audit_lens import lens_sentences
from simulator.core.audit_report import audit_report, funnel_charts, mapping_lines
from simulator.core.law import fact
from simulator.core.texts import integer, t


def same(text: str) -> str:
    """Without white space and hyphens: lines break anywhere on the page."""
    return re.sub(r"[\s\-]+", "", text)


def pdf_text(path) -> str:
    return same("".join(page.extract_text() for page in PdfReader(path).pages))


def write_export(path):
    """An export shaped like an ATS's: semicolons, a BOM, Dutch yes/no words, missing values, a row without a decision."""
    rng = np.random.default_rng(3)
    n = 900
    gender = rng.choice(["vrouw", "man", "non-binair"], size=n, p=[0.48, 0.49, 0.03]).astype(object)
    age = rng.choice(["<30", "30-50", ">50"], size=n, p=[0.3, 0.5, 0.2]).astype(object)
    chance = np.where(gender == "vrouw", 0.22, 0.3) * np.where(age == ">50", 0.7, 1.0)
    decision = np.where(rng.random(n) < chance, "ja", "nee").astype(object)
    gender[rng.random(n) < 0.02] = ""
    decision[5] = ""
    frame = pd.DataFrame({"Geslacht": gender, "Leeftijd": age, "Uitgenodigd": decision})
    path.write_text("\ufeff" + frame.to_csv(sep=";", index=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return write_export(tmp_path_factory.mktemp("audit") / "export.csv")


@pytest.fixture(scope="module")
def audit(export):
    return audit_file(str(export), ["Geslacht", "Leeftijd"], "Uitgenodigd")


@pytest.fixture(scope="module")
def pdfs(qapp, audit, tmp_path_factory):
    """The report in both languages and both lenses: {(lang, lens): path}."""
    from simulator.gui.audit_report import write_audit_report

    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for lang in ("en", "nl"):
        for lens in ("nl", "nyc"):
            path = folder / f"{lang}-{lens}.pdf"
            pages = write_audit_report(audit, path, lang, lens, mapping=["Uitgenodigd: ja → selected, nee → rejected"])
            assert 2 <= pages <= 8
            out[lang, lens] = path
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("lens", ["nl", "nyc"])
def test_pdf_has_the_data_summary_every_visible_n_and_the_lens(pdfs, audit, lang, lens):
    """The PDF's text has the file, rows read and audited, rows without a decision, unknowns per column, every visible group's n, the findings' first sentence, the lens and the checklist."""
    text = pdf_text(pdfs[lang, lens])
    assert same("export.csv") in text
    summary = audit_report(audit, lang, lens).summary
    labels = dict(summary)
    assert labels[t("audit.report.summary.rows_read", lang)] == integer(audit.rows + audit.no_decision, lang)
    assert labels[t("audit.report.summary.rows", lang)] == integer(audit.rows, lang)
    assert labels[t("audit.report.summary.no_decision", lang)] == "1"
    assert labels[t("audit.report.summary.unknown", lang, column="Geslacht")] == integer(audit.unknown["Geslacht"], lang)
    for label, value in summary:
        assert same(label) in text and same(value) in text
    g = audit.groups
    visible = g[(g["depth"] == 1) & ~g["hidden"] & (g["status"] != "unknown")]
    for row in visible.to_dict("records"):
        assert same(f"n = {integer(row['n'], lang)}") in text, row["group"]
    assert same(audit.findings.sentences(lang)[0]) in text
    for sentence in lens_sentences(audit, lens, lang):
        assert same(sentence) in text
    assert same(t("audit.report.next.human_title", lang)) in text
    assert same(fact("deployer_duties", lang)) in text
    assert same("Uitgenodigd: ja → selected") in text


def test_report_text_is_the_pdf_text(pdfs, audit):
    """Every line of the report's content comes out of the PDF (nothing is cut off or lost in the layout)."""
    text = pdf_text(pdfs["en", "nyc"])
    content = audit_report(audit, "en", "nyc", mapping=["Uitgenodigd: ja → selected, nee → rejected"])
    missing = [line for line in content.text().splitlines() if same(line) not in text]
    assert missing == []


def test_method_notes_say_what_the_numbers_cannot_say():
    """The method notes name the tests and intervals and say a gap is no proof of discrimination nor its absence of fairness, and that qualification is not in the data."""
    audit = audit_frame(pd.DataFrame({"g": ["a"] * 50 + ["b"] * 50, "s": [1, 0] * 50}), ["g"], "s")
    notes = " ".join(audit_report(audit, "en").method)
    for words in ("Fisher's exact test", "Holm", "chi-square", "Wilson", "MOVER-R, Clopper–Pearson",
                  "not proof of discrimination", "not proof of fair treatment", "not whether people were qualified"):
        assert words in notes
    assert "Cochran–Mantel–Haenszel" not in notes  # only with strata


def test_a_hidden_group_has_no_numbers_in_the_report(qapp, tmp_path):
    """A tiny group (3 people), and the group hidden with it so the total does not give it away, show in the chart and table by name only: their n never appears in the PDF."""
    frame = pd.DataFrame({"g": ["A"] * 400 + ["B"] * 397 + ["Tiny"] * 3,
                          "s": [1] * 120 + [0] * 280 + [1] * 100 + [0] * 297 + [1, 1, 0]})
    audit = audit_frame(frame, ["g"], "s", file="tiny.csv")
    content = audit_report(audit, "en", "nyc")
    bar = [b for b in content.charts[0].bars if b.label == "Tiny"][0]
    assert bar.hidden and bar.text == "hidden" and np.isnan(bar.rate)
    rows = [r for r in content.tables[0][1][0].rows if r[0] == "Tiny"]
    assert rows == [["Tiny"] + ["—"] * 7]
    from simulator.gui.audit_report import write_audit_report

    path = tmp_path / "tiny.pdf"
    write_audit_report(audit, path, "en", "nyc")
    text = pdf_text(path)
    assert same("Tiny hidden") in text and same("n = 3") not in text and "Tiny3" not in text
    g = audit.groups
    shown = g[~g["hidden"]]
    assert list(shown["group"]) == ["A"]  # B is hidden too: with Tiny alone hidden, the total would give it away
    assert same("n = 400") in text and same("B hidden") in text and same("n = 397") not in text


def test_a_report_for_nobody_selected(qapp, tmp_path):
    """An audit where nobody was selected still gives a report that says so, in the findings and in the lens."""
    audit = audit_frame(pd.DataFrame({"g": ["a"] * 60 + ["b"] * 40, "s": [0] * 100}), ["g"], "s", file="none.csv")
    from simulator.gui.audit_report import write_audit_report

    for lang in ("en", "nl"):
        path = tmp_path / f"none-{lang}.pdf"
        assert write_audit_report(audit, path, lang, "nyc") >= 1
        text = pdf_text(path)
        assert same(t("verdict.nobody_selected", lang, n=integer(100, lang))) in text
        assert same(t("audit.lens.nyc.none_selected", lang, table="g")) in text


def test_mapping_lines_accept_lines_nothing_or_a_mapping_without_its_describer():
    """The mapping may be given as lines, be absent, or be an object described by audit_mapping.describe_mapping when that exists."""
    audit = audit_frame(pd.DataFrame({"g": ["a"] * 10 + ["b"] * 10, "s": [1, 0] * 10}), ["g"], "s")
    assert mapping_lines(audit, ["one", "two"], "en") == ["one", "two"]
    assert mapping_lines(audit, None, "en") == []
    try:
        import simulator.core.audit_mapping  # noqa: F401
    except ImportError:
        assert mapping_lines(audit, object(), "en") == []


def test_no_funnel_without_stages():
    """A yes/no audit has no funnel page."""
    audit = audit_frame(pd.DataFrame({"g": ["a"] * 10 + ["b"] * 10, "s": [1, 0] * 10}), ["g"], "s")
    assert funnel_charts(audit, "en") == []


def test_cli_writes_the_report(capsys, export, tmp_path):
    """`recruitsim audit … --report FILE.pdf --lens nyc` prints the lens and writes the PDF, saying so in one line."""
    target = tmp_path / "rapport.pdf"
    code = main(["audit", str(export), "--group", "Geslacht", "--selected", "Uitgenodigd", "--lang", "nl",
                 "--lens", "nyc", "--report", str(target)])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "Juridische lens: NYC Local Law 144" in out
    assert out.strip().splitlines()[-1].startswith(f"Auditrapport opgeslagen: {target} (")
    assert same("Juridische lens") in pdf_text(target)


@pytest.mark.parametrize("where, expected", [("missing/r.pdf", "cannot write the PDF file (the folder"),
                                             (".", "is a folder")])
def test_cli_report_that_cannot_be_written_is_one_line(capsys, export, tmp_path, where, expected):
    """A report path that cannot be written is one line naming it (exit 2), before the audit is made."""
    target = tmp_path / where
    code = main(["audit", str(export), "--group", "Geslacht", "--selected", "Uitgenodigd", "--report", str(target)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and str(target) in err and expected in err


def test_cli_report_write_failure_is_one_line(capsys, export, tmp_path, monkeypatch):
    """When writing fails after the audit (a full disk), the message is one line naming the file and the reason."""
    from pathlib import Path

    def full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    target = tmp_path / "r.pdf"
    code = main(["audit", str(export), "--group", "Geslacht", "--selected", "Uitgenodigd", "--report", str(target)])
    _, err = capsys.readouterr()
    assert code == 2 and err.strip() == f"recruitsim: {target}: cannot write the PDF file (No space left on device)"


def test_a_funnel_page_when_the_audit_has_stages(qapp, tmp_path, monkeypatch):
    """With stages (and audit.audit_funnel), the report draws a funnel per column; a hidden group is named under it without numbers."""
    import simulator.core.audit as core_audit

    audit = audit_frame(pd.DataFrame({"g": ["a"] * 60 + ["b"] * 40 + ["c"] * 3, "s": [1, 0] * 51 + [1]}), ["g"], "s")
    audit.stages = ["applied", "interview", "offer"]

    def funnel(a, attribute):
        return pd.DataFrame({0: [60, 40, 3], 1: [30, 15, 2], 2: [10, 4, 1], "group": ["a", "b", "c"],
                             "hidden": [False, False, True]}, index=["a", "b", "c"])

    monkeypatch.setattr(core_audit, "audit_funnel", funnel, raising=False)
    charts = funnel_charts(audit, "en")
    assert len(charts) == 1 and charts[0].steps == ["applied", "interview", "offer"]
    assert [g.label for g in charts[0].groups] == ["a", "b"] and charts[0].groups[1].counts == [40, 15, 4]
    assert charts[0].note == "Not shown, to protect individuals: c."
    from simulator.gui.audit_report import write_audit_report

    path = tmp_path / "funnel.pdf"
    write_audit_report(audit, path, "nl", "nl")
    text = pdf_text(path)
    assert same("Wie elke fase bereikte, naar ‘g’") in text and same("applied → interview → offer") in text


def test_many_groups_come_in_parts_that_fit_the_page(qapp, tmp_path):
    """A column with 75 groups gives charts and tables in parts of at most 30 rows, each on the page (every n is in the PDF)."""
    from simulator.core.audit_report import ROWS_PER_PART
    from simulator.gui.audit_report import build_audit_report

    rng = np.random.default_rng(5)
    groups = np.repeat([f"vestiging {k:02d}" for k in range(75)], 40)
    audit = audit_frame(pd.DataFrame({"g": groups, "s": (rng.random(len(groups)) < 0.3).astype(int)}), ["g"], "s")
    content = audit_report(audit, "en", "nyc")
    assert [len(p.rows) for p in content.tables[0][1]] == [30, 30, 15]
    doc = build_audit_report(content)
    assert all(y + block.height <= doc.height + 1e-6 for page in doc._pages() for block, y in page)
    path = tmp_path / "many.pdf"
    doc.write(path)
    assert pdf_text(path).count(same("n = 40")) == 75 and ROWS_PER_PART == 30
