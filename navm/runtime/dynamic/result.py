"""What a dynamic run produced: counts over bitstrings of each shot's own records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class DynamicResult:
    """Counts and per-shot records of a dynamic run.

    A shot's bitstring lists the measurement records it executed, in execution
    order, record 0 leftmost (the rule of `navm run`). A measurement in a loop
    run k times gives k records, so shots that took different paths may have
    bitstrings of different lengths. `records[s]` is shot s's bitstring;
    `record_names` names the records of the longest shot (the first one found).
    `runs` is how many times the VM ran (once per shot, or once per distinct
    path with method "branches") and `steps` the instructions it executed in all.
    """

    counts: dict[str, int]
    shots: int
    records: list[str]
    record_names: tuple[str, ...]
    method: str
    engine: str
    runs: int
    steps: int

    def lengths(self) -> dict[int, int]:
        """Number of records per shot → number of shots."""
        out: Counter[int] = Counter()
        for bits, n in self.counts.items():
            out[len(bits)] += n
        return dict(sorted(out.items()))


def count_bitstrings(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """(bitstring, count) pairs → {bitstring: total}, shorter strings first, then in string order."""
    total: Counter[str] = Counter()
    for bits, n in pairs:
        total[bits] += n
    return dict(sorted(total.items(), key=lambda kv: (len(kv[0]), kv[0])))
