"""Load the statistics libraries in the background while other work goes on.

scipy.stats, statsmodels and scikit-learn take seconds to import on a laptop. The command line starts
loading them in a thread while it generates a pool or reads a file (numpy and pandas' parser leave
the interpreter free most of that time), so they are ready when the numbers are measured.
"""

from __future__ import annotations

import importlib
import threading

STATISTICS_IMPORTS = ("scipy.stats", "statsmodels.stats.proportion", "statsmodels.stats.multitest",
                      "statsmodels.stats.contingency_tables", "statsmodels.genmod.generalized_linear_model")


def warm_imports(scenario=None) -> threading.Thread:
    """Start importing the statistics libraries, and any a scenario's rules need (``Rule.IMPORTS``).

    Returns the thread; joining it is optional (an import of the same module waits for it).
    """
    modules = list(STATISTICS_IMPORTS)
    for _, _, rule in scenario.pipeline.flat_rules() if scenario is not None else []:
        modules.extend(rule.IMPORTS)

    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # the run itself will report a missing library
                return

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    return thread
