"""The one configuration the widgets observe: the scenario being edited, with undo and redo.

Widgets never write into the scenario's dataclasses. They call ``state.edit(describe, change)``
with a function that changes a *copy*; the state swaps the copy in, records the step on its undo stack
and emits ``edited(part, source)``. Every editor listens to ``edited`` and shows the state again,
except the widget that made the edit (``source``), which already shows it — napari's "block your
own echo". Undo, redo, the walk-through, sliders and sessions all change the configuration this
one way, and the controller re-runs after each (decision record 0012).

Because an edit always replaces the scenario with a changed copy, a scenario object the state has
handed out is never changed afterwards: the undo stack keeps the objects themselves as snapshots.
"""

from __future__ import annotations

import copy
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..core.scenario import Scenario

# What an edit changed, so that a listener can skip what it does not show.
POOL, PIPELINE, ALL = "pool", "pipeline", "all"


class _Edit(QUndoCommand):
    """One step on the undo stack: the scenario before and after. Steps with the same ``merge``
    key in a row (one slider dragged, one spin box stepped) become one step."""

    _ids: dict[str, int] = {}

    def __init__(self, state: "ScenarioState", describe, before: Scenario, after: Scenario, part: str,
                 source, merge: str | None):
        super().__init__(describe("en"))
        self.describe = describe  # lang -> the step's name, so the Edit menu follows a language switch
        self.state, self.before, self.after, self.part = state, before, after, part
        self.source, self.merge = source, merge
        self._first = True

    def id(self) -> int:  # noqa: A003 (Qt name)
        if self.merge is None:
            return -1
        return self._ids.setdefault(self.merge, len(self._ids) + 1)

    def mergeWith(self, other) -> bool:  # noqa: N802 (Qt name)
        if other.merge != self.merge:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        # The first time, the widget that made the edit already shows it; a redo later does not.
        source, self._first = (self.source if self._first else None), False
        self.state._show(self.after, self.part, source)

    def undo(self) -> None:
        self.state._show(self.before, self.part, None)


class ScenarioState(QObject):
    """The scenario every editor shows and changes, with its undo stack."""

    loaded = Signal()  # a different scenario: editors rebuild, the undo history starts again
    # (part: POOL, PIPELINE or ALL; the widget that made the edit, or None; live: a slider is being
    # dragged, so the controller re-runs as often as it can instead of waiting for a pause)
    edited = Signal(str, object, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scenario: Scenario | None = None
        self.undo_stack = QUndoStack(self)
        self._live = False

    def load(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.undo_stack.clear()
        self.loaded.emit()

    def edit(self, describe: Callable[[str], str], change: Callable[[Scenario], None], part: str = ALL,
             source=None, merge: str | None = None, live: bool = False) -> None:
        """Change the scenario: ``change`` gets a copy to change in place. ``describe(lang)`` names
        the step in the Edit menu; ``merge`` joins it with the step before if that has the same key."""
        if self.scenario is None:
            return
        after = copy.deepcopy(self.scenario)
        change(after)
        self._live = live
        try:
            self.undo_stack.push(_Edit(self, describe, self.scenario, after, part, source, merge))
        finally:
            self._live = False

    def step_name(self, lang: str, redo: bool = False) -> str | None:
        """The name of the step Undo (or Redo) would take back (or do again), or None."""
        stack = self.undo_stack
        command = stack.command(stack.index() if redo else stack.index() - 1)
        return command.describe(lang) if isinstance(command, _Edit) else None

    def close_step(self) -> None:
        """End merging: the next edit with the same key is a step of its own (a slider released)."""
        top = self.undo_stack.command(self.undo_stack.index() - 1)
        if isinstance(top, _Edit):
            top.merge = None

    def _show(self, scenario: Scenario, part: str, source) -> None:
        self.scenario = scenario
        self.edited.emit(part, source, self._live)
