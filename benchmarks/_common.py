"""Shared helpers for the benchmark scripts (not tests: they print numbers, they do not assert)."""

import time


def best_of(fn, repeat: int = 5):
    """Best wall time in seconds over ``repeat`` calls, and the last result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def verdict(value: float, bar: float, lower_is_better: bool = True) -> str:
    ok = value <= bar if lower_is_better else value >= bar
    return "meets the bar" if ok else "MISSES THE BAR"
