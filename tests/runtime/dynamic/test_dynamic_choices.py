"""Where randomness comes from: per-shot sampling and multinomial splitting of shot groups."""

from __future__ import annotations

from collections import Counter

import numpy as np

from navm.runtime.dynamic.choices import BranchingChoices, SampledChoices
from tests.runtime.dynamic.stats import P_MIN, fit_p


def test_sampled_choices_follow_the_probabilities_and_skip_impossible_ones():
    choices = SampledChoices(np.random.default_rng(3))
    probs = (0.0, 0.2, 0.0, 0.5, 0.3, 0.0)
    counts = Counter(str(choices.pick(probs)) for _ in range(20_000))
    expected = {str(i): p for i, p in enumerate(probs)}
    assert fit_p(dict(counts), expected) > P_MIN
    assert fit_p(dict(counts), {"1": 0.3, "3": 0.4, "4": 0.3}) < P_MIN  # the check can fail


def test_sampled_choices_never_pick_a_zero_probability_outcome_at_the_edges():
    class Edge:  # a generator that returns the extremes of [0, 1)
        def __init__(self):
            self.values = iter([0.0, 1 - 2**-53, 0.0, 1 - 2**-53])

        def random(self):
            return next(self.values)

    choices = SampledChoices(Edge())
    assert [choices.pick((0.0, 1.0)), choices.pick((0.0, 1.0)), choices.pick((1.0, 0.0)),
            choices.pick((1.0, 0.0))] == [1, 1, 0, 0]


def test_branching_splits_shots_and_leaves_forks():
    rng = np.random.default_rng(5)
    group = BranchingChoices(rng, 1000)
    first = group.pick((0.5, 0.5))
    second = group.pick((0.25, 0.25, 0.5))
    assert group.taken == [first, second]
    shots_in_forks = sum(n for _, n in group.forks)
    assert group.shots + shots_in_forks == 1000 and all(n > 0 for _, n in group.forks)
    assert {prefix[:-1] for prefix, _ in group.forks} <= {(), (first,)}
    # a fork's prefix is replayed, then it splits its own shots
    prefix, n = group.forks[-1]
    replay = BranchingChoices(rng, n, prefix)
    assert [replay.pick((0.5, 0.5)) for _ in prefix] == list(prefix) and replay.shots == n


def test_branching_never_forks_into_impossible_outcomes():
    group = BranchingChoices(np.random.default_rng(0), 10_000)
    assert group.pick((1.0, 0.0)) == 0 and group.pick((0.0, 1.0)) == 1
    assert group.forks == [] and group.shots == 10_000
