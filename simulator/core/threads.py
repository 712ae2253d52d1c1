"""Fits that give the same last digits whatever the machine's BLAS thread count.

OpenBLAS splits a large product over its threads, and the order of a floating-point sum changes
its last digits: the learned model's weights differed in the 16th digit between one and two
threads, and that was enough to reorder two near-equal features in 40 of 5,000 reasons. A fit
runs with one BLAS thread (its matrices are small; the cost is about a millisecond), so the same
scenario and seed give the same bytes everywhere (DESIGN.md: reproducible from a seed).
"""

from __future__ import annotations

import functools
from contextlib import contextmanager


@contextmanager
def one_blas_thread():
    """Run the block with BLAS (and OpenMP) limited to one thread; restored afterwards."""
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    with threadpool_limits(limits=1):
        yield


def with_one_blas_thread(function):
    """Decorator form of ``one_blas_thread``."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with one_blas_thread():
            return function(*args, **kwargs)
    return wrapper
