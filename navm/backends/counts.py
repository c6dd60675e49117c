"""Measurement records to counts, the same for every backend.

A bitstring lists a shot's measurement records in order, record 0 leftmost.
Backends sample in bounded chunks (`chunk_shots`) and fold each chunk into a
`CountAccumulator`, so a run of 10^9 shots holds one chunk of records and the
distinct outcomes at a time, never every shot.
"""

from __future__ import annotations

import numpy as np

CHUNK_BYTES = 1 << 22
"""Record bytes (one byte per record per shot) a backend holds at once while counting."""


def chunk_shots(n_records: int, multiple: int = 1) -> int:
    """Shots per sampling chunk for `n_records` records: CHUNK_BYTES of records, a multiple of `multiple`."""
    shots = max(multiple, CHUNK_BYTES // max(n_records, 1))
    return shots - shots % multiple


class CountAccumulator:
    """Counts of bitstrings, fed chunk by chunk of (shots, records) 0/1 arrays.

    Up to 62 records a shot is packed into one int64 and counted with np.unique;
    wider shots are packed into bytes first. Only the distinct outcomes are kept.
    """

    def __init__(self, n_records: int) -> None:
        self.n_records = n_records
        self._counts: dict[object, int] = {}
        self.shots = 0

    def add(self, records: np.ndarray) -> None:
        shots = records.shape[0]
        self.shots += shots
        if shots == 0:
            return
        if self.n_records <= 62:
            weights = np.left_shift(np.int64(1), np.arange(self.n_records - 1, -1, -1, dtype=np.int64))
            keys = records.astype(np.int64) @ weights
        else:
            packed = np.ascontiguousarray(np.packbits(records.astype(bool), axis=1))
            keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
        values, counts = np.unique(keys, return_counts=True)
        for value, count in zip(values.tolist(), counts.tolist()):
            self._counts[value] = self._counts.get(value, 0) + count

    def counts(self) -> dict[str, int]:
        """{bitstring: count}, bitstrings sorted."""
        r = self.n_records
        if r == 0:
            return {"": self.shots} if self.shots else {}
        if r <= 62:
            out = {format(key, f"0{r}b"): n for key, n in self._counts.items()}
        else:
            out = {"".join(np.unpackbits(np.frombuffer(key, np.uint8))[:r].astype(str)): n
                   for key, n in self._counts.items()}
        return dict(sorted(out.items()))


def record_labels(names) -> list[str]:
    """Names that tell records apart: a result written more than once gets its occurrence,
    `r3[0]`, `r3[1]`; a name written once stays as it is (`r0`, OpenQASM's `c[0]`)."""
    names = list(names)
    total: dict[str, int] = {}
    for name in names:
        total[name] = total.get(name, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for name in names:
        k = seen.get(name, 0)
        seen[name] = k + 1
        out.append(f"{name}[{k}]" if total[name] > 1 else name)
    return out


def counts_of(records: np.ndarray) -> dict[str, int]:
    """(shots, n_records) 0/1 array → {bitstring: count}, bitstrings sorted."""
    acc = CountAccumulator(records.shape[1])
    acc.add(records)
    return acc.counts()
