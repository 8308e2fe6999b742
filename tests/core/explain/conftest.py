"""Fixtures of the explanation tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def one_blas_thread():
    """One BLAS thread, as the app's compute process runs (limit_blas_threads): on two busy cores a
    second thread spins, and the NumPy source runs several times slower."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        yield
