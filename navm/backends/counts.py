"""Measurement records to counts, the same for every backend.

A bitstring lists a shot's measurement records in order, record 0 leftmost.
"""

from __future__ import annotations

import numpy as np


def counts_of(records: np.ndarray) -> dict[str, int]:
    """(shots, n_records) 0/1 array → {bitstring: count}, bitstrings sorted."""
    shots, r = records.shape
    if shots == 0:
        return {}
    if r == 0:
        return {"": shots}
    rows, counts = np.unique(records, axis=0, return_counts=True)
    chars = np.where(rows > 0, "1", "0")
    return {"".join(row): int(c) for row, c in zip(chars, counts)}
