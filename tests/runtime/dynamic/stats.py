"""Goodness-of-fit helpers for the dynamic-circuit tests (fixed seeds: deterministic, not flaky)."""

from __future__ import annotations

from scipy.stats import chisquare

P_MIN = 1e-3
"""A fit below this p-value fails. With fixed seeds a correct sampler passes every time."""


def fit_p(counts: dict[str, int], expected: dict[str, float]) -> float:
    """Chi-square goodness-of-fit p-value of `counts` against probabilities `expected`;
    0 if an outcome of probability 0 occurred."""
    if set(counts) - {k for k, p in expected.items() if p > 0}:
        return 0.0
    shots = sum(counts.values())
    keys = sorted(k for k, p in expected.items() if p > 0)
    observed = [counts.get(k, 0) for k in keys]
    return float(chisquare(observed, [expected[k] * shots for k in keys]).pvalue)
