"""Hidden cells stay hidden: complementary suppression for audits of real people's decisions.

A cell under the size gate is hidden, but a published total can give it away: if "women" holds
40 people with 12 selected and every women × origin cell is shown but one, the hidden cell's
selections are 12 minus the rest. So, per table, every *line* (the cells that add up to one
published total: a row or column of a cross, or a whole single-attribute table against the grand
total) that contains hidden cells must hide enough that what can be worked out — the sum over the
hidden cells of the line — spans at least two cells and MIN_N people with mixed outcomes. Until
it does, the smallest visible cell of the line is hidden as well. (When the line's own total has everyone or
nobody selected, the published total already tells every decision and nothing more is hidden.)

People with a missing value take part as cells of their own that are never shown, so they cannot
be worked out either.

Lines are not the only way in: totals of several tables together can pin a cell down. So after
the line rule, ``pinned_cells`` asks an integer program, for every combination of values (the
finest cell, the people an outsider could single out) whose members all share one outcome, whether
some other table of selections fits everything published; where none does, more is hidden
(``audit.py``) until every such cell could have gone either way. See docs/design/0008-hidden-cells.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .thresholds import MIN_N


def line_protected(n_hidden: int, selected_hidden: int, cells_hidden: int) -> bool:
    """Whether what a line's total gives away about its hidden cells reveals nobody's decision: the
    sum over at least two hidden cells (so no one cell is worked out exactly), covering at least
    MIN_N people who do not all share one outcome."""
    return cells_hidden == 0 or (cells_hidden >= 2 and n_hidden >= MIN_N and 0 < selected_hidden < n_hidden)


def complementary_hidden(codes: np.ndarray, n: np.ndarray, selected: np.ndarray, hidden: np.ndarray,
                         keep: np.ndarray | None = None) -> np.ndarray:
    """The hidden mask of one table after complementary suppression.

    ``codes`` is (cells, depth): each cell's value code per attribute; ``n``/``selected`` its counts;
    ``hidden`` the cells hidden so far (primary suppression, and cells of missing values, which are
    always hidden). A line is every set of cells that agree on all attributes but one.

    ``keep`` marks cells that are not chosen to hide: the table's reference group, whose rate every
    impact ratio of the table would give away. When a line can only be protected by hiding a kept
    cell, the whole table is hidden.
    """
    codes = np.asarray(codes).reshape(len(n), -1)
    n = np.asarray(n, dtype=np.int64)
    selected = np.asarray(selected, dtype=np.int64)
    hidden = np.asarray(hidden, dtype=bool).copy()
    keep = np.zeros(len(n), dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    depth = codes.shape[1]
    lines = []
    for j in range(depth):
        others = np.delete(codes, j, axis=1)
        if others.shape[1] == 0:
            lines.append(np.zeros(len(n), dtype=np.int64))
        else:
            lines.append(pd.MultiIndex.from_arrays(others.T).factorize()[0] if others.shape[1] > 1
                         else pd.factorize(others[:, 0])[0])
    changed = True
    while changed:
        changed = False
        for line in lines:
            # Per line (numpy sums: this runs for every table, round after round).
            lines_count = int(line.max()) + 1 if len(line) else 0
            total_n = np.bincount(line, weights=n, minlength=lines_count)
            total_sel = np.bincount(line, weights=selected, minlength=lines_count)
            hn = np.bincount(line, weights=np.where(hidden, n, 0), minlength=lines_count).astype(np.int64)
            hs = np.bincount(line, weights=np.where(hidden, selected, 0), minlength=lines_count).astype(np.int64)
            hidden_cells = np.bincount(line, weights=hidden, minlength=lines_count).astype(np.int64)
            cells = np.bincount(line, minlength=lines_count)
            protected = np.array([line_protected(a, b, c) for a, b, c in zip(hn, hs, hidden_cells)], dtype=bool)
            told = (total_sel == 0) | (total_sel == total_n)
            need = np.flatnonzero(~protected & ~told & (hidden_cells < cells))
            if len(need) == 0:
                continue
            candidates = np.flatnonzero(np.isin(line, need) & ~hidden & ~keep)
            if len(np.unique(line[candidates])) < len(need):
                return np.ones(len(n), dtype=bool)
            # The smallest visible cell of each line (ties: the first), so the least is lost.
            order = candidates[np.lexsort((candidates, n[candidates], line[candidates]))]
            first = np.ones(len(order), dtype=bool)
            first[1:] = line[order][1:] != line[order][:-1]
            hidden[order[first]] = True
            changed = True
    return hidden


def pinned_cells(n: np.ndarray, selected: np.ndarray, published: list[np.ndarray], told: np.ndarray) -> list[int]:
    """Finest cells whose members' decisions follow from what is published.

    ``n``/``selected``: people and selections per finest cell (every combination of group values,
    missing values included). ``published``: one boolean membership mask per published count of
    selections (every shown table row, and the grand total). ``told``: cells inside a shown group in
    which everyone, or no one, was selected — their decisions are published as such.

    Only a cell where nobody (or everybody) was selected can be pinned to that outcome. Each round
    an integer program looks for one table of selections that fits every published count and gives
    as many of the remaining such cells another outcome as it can; the cells it moves are free, and
    when it can move none of the rest, those are pinned. A handful of rounds settles thousands of cells.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    n = np.asarray(n, dtype=float)
    selected = np.asarray(selected, dtype=float)
    remaining = np.flatnonzero((n > 0) & ((selected == 0) | (selected == n)) & ~np.asarray(told, dtype=bool))
    if len(remaining) == 0:
        return []
    matrix = csr_matrix(np.array(published, dtype=float))
    values = matrix @ selected
    constraint = LinearConstraint(matrix, values, values)
    integrality = np.ones(len(n))
    bounds = Bounds(np.zeros(len(n)), n)
    nobody = selected == 0
    while len(remaining):
        # Reward moving a cell away from its all-or-nothing outcome, one unit per cell at most.
        objective = np.zeros(len(n))
        objective[remaining] = np.where(nobody[remaining], -1.0, 1.0) / n[remaining]
        result = milp(objective, constraints=constraint, integrality=integrality, bounds=bounds)
        if not result.success:
            return [int(f) for f in remaining]
        x = np.round(result.x)
        moved = np.where(nobody[remaining], x[remaining] > 0, x[remaining] < n[remaining])
        if not moved.any():
            return [int(f) for f in remaining]
        remaining = remaining[~moved]
    return []


def pinned_stage_cells(reach: np.ndarray, stage: int, published: dict[int, list[np.ndarray]],
                       told: np.ndarray) -> list[int]:
    """Finest cells whose members' decisions at one stage of an audit by stages follow from what is published.

    ``reach[f, j]``: the people of finest cell f who reached level j (level 0 is everyone). Who
    reached ``stage`` is taken as known (as ``pinned_cells`` takes the cell sizes); the secret is who
    passed it, level ``stage + 1``, and every later level bounds it (nobody reaches a stage without
    passing the ones before). ``published[j]``: one membership mask per published count of level j,
    for j = stage + 1 .. last. ``told``: cells inside a shown row at this stage in which everyone, or
    no one, passed (published as such).

    The integer program of ``pinned_cells`` over every later level at once: x[j, f] with
    0 ≤ x[last, f] ≤ … ≤ x[stage + 1, f] ≤ reach[f, stage] and every published sum met. A cell where
    nobody (or everybody) passed is pinned when no such x gives it another outcome at this stage.
    With one level after ``stage`` this is ``pinned_cells`` itself.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import block_diag, csr_matrix, eye, hstack, vstack

    reach = np.asarray(reach, dtype=float)
    cells = len(reach)
    n, passed = reach[:, stage], reach[:, stage + 1]
    remaining = np.flatnonzero((n > 0) & ((passed == 0) | (passed == n)) & ~np.asarray(told, dtype=bool))
    if len(remaining) == 0:
        return []
    levels = list(range(stage + 1, reach.shape[1]))
    blocks = [csr_matrix(np.array(published[j], dtype=float)) for j in levels]
    equal = block_diag(blocks, format="csr")
    values = np.concatenate([b @ reach[:, j] for b, j in zip(blocks, levels)])
    constraints = [LinearConstraint(equal, values, values)]
    if len(levels) > 1:  # x[j + 1] - x[j] ≤ 0, level by level
        identity = eye(cells, format="csr")
        rows = [hstack([csr_matrix((cells, cells * i))] + [-identity, identity]
                       + [csr_matrix((cells, cells * (len(levels) - i - 2)))], format="csr")
                for i in range(len(levels) - 1)]
        chain = vstack(rows, format="csr")
        constraints.append(LinearConstraint(chain, -np.inf, 0))
    size = cells * len(levels)
    integrality = np.ones(size)
    bounds = Bounds(np.zeros(size), np.tile(n, len(levels)))
    nobody = passed == 0
    while len(remaining):
        # Reward moving a cell away from its all-or-nothing outcome at this stage, one unit per cell at most.
        objective = np.zeros(size)
        objective[remaining] = np.where(nobody[remaining], -1.0, 1.0) / n[remaining]
        result = milp(objective, constraints=constraints, integrality=integrality, bounds=bounds)
        if not result.success:
            return [int(f) for f in remaining]
        x = np.round(result.x[:cells])
        moved = np.where(nobody[remaining], x[remaining] > 0, x[remaining] < n[remaining])
        if not moved.any():
            return [int(f) for f in remaining]
        remaining = remaining[~moved]
    return []
