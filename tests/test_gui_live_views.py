"""The rules, intersections and missed-talent views after the changes that keep them quick while a
slider is dragged: they show the numbers of the run, computed in the worker where they can be."""

from __future__ import annotations

from conftest import wait_for_run

from simulator.core.report import intersection_grid
from simulator.core.texts import integer, percent, t
from simulator.core.world import CATEGORIES


def _share(window, value):
    """Set the ranking rule's 'keep the best (share)' to ``value`` and wait for the run."""

    def change(scenario):
        scenario.pipeline.stages[1].rules[0].top_share = value

    return lambda: window.controller.state.edit(lambda lang: "share", change)


def _expected_rule_cells(result, attribute, lang="en"):
    """The cells as the rules view filled them before: a filter of the attribution table per cell."""
    rules = result.measurement.rules
    rows = rules[rules["attribute"] == attribute]
    out = []
    for r, (_, _, rule) in enumerate(result.outcome.pipeline.flat_rules()):
        effect = rows[rows["rule_id"] == r]
        for g in CATEGORIES[attribute]:
            cell = effect[effect["group"] == g]
            if not rule.enabled or cell.empty or int(cell["n"].iloc[0]) == 0:
                out.append("—")
            else:
                row = cell.iloc[0]
                out.append(t("gui.rules.cell", lang, count=integer(int(row["removed_first"]), lang),
                             removed=percent(row["removed_share"], lang), now=percent(row["rate_now"], lang),
                             without=percent(row["rate_without"], lang)))
    return out


def _shown_rule_cells(view, groups):
    return [view.table.item(r, 2 + c).text() for r in range(view.table.rowCount()) for c in range(groups)]


def test_rules_view_shows_the_attribution_of_each_new_run(qtbot, window):
    """Updated in place, the rules table shows each run's attribution, and a chosen rule stays chosen."""
    view = window.view("rules")
    window.tabs.setCurrentWidget(view)
    window.controller.wait()
    attribute = view.chooser.attribute()
    groups = len(CATEGORIES[attribute])
    assert _shown_rule_cells(view, groups) == _expected_rule_cells(window.controller.result, attribute)
    view.table.selectRow(2)
    for share in (0.2, 0.45):
        wait_for_run(qtbot, window, _share(window, share))
        window.controller.wait()
        assert _shown_rule_cells(view, groups) == _expected_rule_cells(window.controller.result, attribute)
        assert {i.row() for i in view.table.selectedItems()} == {2}
    view.chooser.setCurrentIndex(view.chooser.findData("age_band"))
    assert _shown_rule_cells(view, 5) == _expected_rule_cells(window.controller.result, "age_band")


def test_intersections_prepare_computes_the_grid_the_view_shows(qtbot, window):
    """The worker's prepare computes the grid of the view's current choice; drawing then reads that grid."""
    view = window.view("intersections")
    window.tabs.setCurrentWidget(view)
    window.controller.wait()
    view.cols_chooser.setCurrentIndex(view.cols_chooser.findData("origin"))
    wait_for_run(qtbot, window, _share(window, 0.25))
    window.controller.wait()
    result = window.controller.result
    key = ("grid", "gender", "origin", -1, None)
    assert key in result.outcome.drawing  # computed by prepare, in the worker
    grid = intersection_grid(result.measurement, "gender", "origin")
    assert result.outcome.drawing[key] is grid
    shown = [item.toPlainText() for item in view.cell_labels if item.isVisible()]
    assert shown == [view._cell_text(grid, r, c, "en") for r in range(grid.n.shape[0]) for c in range(grid.n.shape[1])]


def test_missed_view_tables_show_the_ground_truth(qtbot, window):
    """The missed-talent tables, filled with one repaint, show the run's ground truth and unusual-CV counts."""
    view = window.view("missed")
    window.tabs.setCurrentWidget(view)
    wait_for_run(qtbot, window, _share(window, 0.35))
    window.controller.wait()
    m = window.controller.result.measurement
    gt = m.ground_truth[m.ground_truth["attribute"] == view.chooser.attribute()]
    table = view.groups_table
    assert table.rowCount() == len(gt)
    for r, row in enumerate(gt.itertuples()):
        assert [table.item(r, c).text() for c in range(1, 5)] == [
            integer(row.qualified, "en"), integer(row.qualified_selected, "en"), integer(row.missed, "en"),
            percent(row.tpr, "en") if row.qualified else "—"]
    types = view.types_table
    for r, row in enumerate(m.unusual.itertuples()):
        assert types.item(r, 3).text() == (percent(row.missed_share, "en") if row.qualified else "—")
    assert view.cut_line.value() == float(m.outcome.pool["suitability"][m.outcome.pool["qualified"]].min())
