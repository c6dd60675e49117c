"""Statevector backend: shots follow |amplitude|², records keep row order, seeds reproduce."""

from __future__ import annotations

import numpy as np

from navm.backends.statevector import final_state, simulate
from navm.ir.circuit_table import GateTable, Row


def table(*rows: tuple) -> GateTable:
    return GateTable.from_rows([Row(*r) for r in rows])


SCRAMBLE = [("h", (0,), ()), ("ry", (1,), (1.1,)), ("cx", (0, 2), ()), ("r", (2,), (0.4, 0.9)),
            ("cz", (1, 2), ()), ("rx", (0,), (0.7,)), ("t", (1,), ())]


def chi_square(counts: dict[str, int], expected: np.ndarray, shots: int) -> float:
    observed = np.array([counts.get(format(i, f"0{3}b"), 0) for i in range(len(expected))])
    keep = expected > 0
    assert observed[~keep].sum() == 0
    return float(np.sum((observed[keep] - shots * expected[keep]) ** 2 / (shots * expected[keep])))


def test_counts_follow_the_born_rule():
    shots = 20000
    measured = table(*SCRAMBLE, *[("measure", (q,), (), f"m{q}") for q in range(3)])
    expected = np.abs(final_state(table(*SCRAMBLE), 3)) ** 2
    result = simulate(measured, 3, shots=shots, seed=11)
    assert result.method == "sampled" and sum(result.counts.values()) == shots
    assert chi_square(result.counts, expected, shots) < 25  # 7 degrees of freedom: p ≈ 7e-4


def test_trajectories_follow_the_born_rule_too():
    shots = 4000
    measured = table(*SCRAMBLE, ("reset", (0,), ()), ("h", (0,), ()),
                     *[("measure", (q,), (), f"m{q}") for q in (1, 2)])
    result = simulate(measured, 3, shots=shots, seed=3)
    assert result.method == "trajectories"
    marginal = (np.abs(final_state(table(*SCRAMBLE), 3)) ** 2).reshape(2, 4).sum(0)
    observed = np.array([result.counts.get(format(i, "02b"), 0) for i in range(4)])
    assert np.sum((observed - shots * marginal) ** 2 / (shots * marginal)) < 20


def test_bitstrings_list_records_in_row_order():
    t = table(("x", (0,), ()), ("measure", (2,), (), "c"), ("measure", (0,), (), "a"),
              ("measure", (1,), (), "b"))
    result = simulate(t, 3, shots=5)
    assert result.counts == {"010": 5}
    assert result.record_names == ("c", "a", "b")
    assert result.records.shape == (5, 3) and result.records.dtype == np.uint8
    assert result.records.tolist() == [[0, 1, 0]] * 5


def test_a_repeated_terminal_measurement_repeats_its_outcome():
    t = table(("h", (0,), ()), ("measure", (0,), (), "a"), ("measure", (0,), (), "b"))
    result = simulate(t, 1, shots=200, seed=5)
    assert set(result.counts) == {"00", "11"}


def test_same_seed_same_shots_other_seed_other_shots():
    t = table(*SCRAMBLE, *[("measure", (q,), (), f"m{q}") for q in range(3)])
    a, b, c = (simulate(t, 3, shots=500, seed=s).records for s in (1, 1, 2))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_trajectory_shots_do_not_depend_on_the_batch_size():
    t = table(("h", (0,), ()), ("measure", (0,), (), "a"), ("cx", (0, 1), ()),
              ("depolarize", (1,), (0.2,)), ("measure", (1,), (), "b"))
    small, large = (simulate(t, 2, shots=64, seed=9, batch=b).records for b in (16, 64))
    assert np.array_equal(small, large)


def test_no_measurements_and_no_shots():
    empty = simulate(table(("h", (0,), ())), 1, shots=7)
    assert empty.counts == {"": 7} and empty.records.shape == (7, 0)
    none = simulate(table(("h", (0,), ()), ("measure", (0,), (), "m")), 1, shots=0)
    assert none.counts == {} and none.records.shape == (0, 1)


def test_sampling_never_draws_a_zero_probability_state():
    t = table(("h", (0,), ()), ("cx", (0, 1), ()), ("measure", (0,), (), "a"), ("measure", (1,), (), "b"))
    assert set(simulate(t, 2, shots=5000, seed=4).counts) == {"00", "11"}


def test_sampling_resolves_small_amplitudes_in_a_large_register():
    # 16 qubits in uniform superposition, one amplitude boosted: float32 cdf precision matters
    n = 16
    rows = [("h", (q,), ()) for q in range(n)] + [("measure", (q,), (), f"m{q}") for q in range(n)]
    result = simulate(table(*rows), n, shots=2**16, seed=2)
    ones = result.records.sum(0) / 2**16
    assert np.all(np.abs(ones - 0.5) < 0.02)
    assert len(result.counts) > 2**16 * 0.6  # ~63% of the states appear at least once


def test_a_zero_uniform_never_draws_an_outcome_of_rounding_size():
    """u = 0 (one float32 uniform in 2^23) once picked an entry of probability 1e-32: a Bell pair's "10"."""
    import jax.numpy as jnp

    from navm.backends.statevector import sampling

    probs = np.array([0.5, 0.0, 1e-32, 0.5], np.float32)
    rows, tops = sampling.cumulative(jnp.asarray(np.sqrt(probs).astype(np.complex64)), n=2)
    u = jnp.zeros((sampling.SHOT_CHUNK, sampling.BLOCK_WIDTH), jnp.float32).at[:, 0].set(0.75)
    drawn = np.asarray(sampling.draw(rows, tops, u, n=2))  # row 1 (entries 2, 3), column uniform 0
    assert set(drawn.tolist()) == {3}
    u_top = jnp.full((sampling.SHOT_CHUNK, sampling.BLOCK_WIDTH), 1 - 2.0**-23, jnp.float32)
    assert set(np.asarray(sampling.draw(rows, tops, u_top, n=2)).tolist()) == {3}
