"""Where a shot's randomness comes from: sampled per shot, or split across shots.

The handler asks `pick(probabilities)` at every random event (a measurement
outcome, a noise term). Two answers:

- `SampledChoices` draws from a seeded NumPy Generator: one shot, one path.
- `BranchingChoices` serves a *group* of shots that share a history. The first
  time the group reaches an event beyond its replayed `prefix`, its shots are
  split multinomially among the outcomes; it carries on with one outcome and
  leaves the others as `forks` (prefix, shots) for later runs. Shots are
  independent and identically distributed, so the counts over the paths that
  come out are distributed exactly as per-shot sampling would give, while the
  VM runs once per distinct path instead of once per shot.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class SampledChoices:
    """One shot's random choices from `rng`."""

    __slots__ = ("rng",)

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def pick(self, probabilities: Sequence[float]) -> int:
        """Index i with probability probabilities[i] / sum; never one of probability 0."""
        total = float(sum(probabilities))
        x = self.rng.random() * total
        last = 0
        for i, p in enumerate(probabilities):
            if p > 0:
                last = i
                if x < p:
                    return i
                x -= p
        return last  # x landed on the total by rounding: the last possible outcome


class BranchingChoices:
    """The choices of a group of `shots` shots that follow `prefix` first."""

    __slots__ = ("forks", "prefix", "rng", "shots", "taken")

    def __init__(self, rng: np.random.Generator, shots: int, prefix: tuple[int, ...] = ()) -> None:
        self.rng = rng
        self.prefix = prefix
        self.shots = shots
        self.taken: list[int] = []
        self.forks: list[tuple[tuple[int, ...], int]] = []

    def pick(self, probabilities: Sequence[float]) -> int:
        i = len(self.taken)
        if i < len(self.prefix):
            choice = self.prefix[i]
        else:
            p = np.asarray(probabilities, float)
            counts = self.rng.multinomial(self.shots, p / p.sum())
            taken = np.flatnonzero(counts).tolist()
            choice = taken[0]
            for other in taken[1:]:
                self.forks.append(((*self.taken, other), int(counts[other])))
            self.shots = int(counts[choice])
        self.taken.append(choice)
        return choice
