"""Statevector backend, noiseless path: passes, slabs and diagonal tables give the reference's state.

States of 16 qubits or fewer fit one slab; small `layout(n, low_bits, slab)`
values put high and low regions, many slabs and narrow or wide column bands
on small states, so every kernel runs here against tests/statevector.py.
"""

from __future__ import annotations

import math
from itertools import pairwise

import jax
import numpy as np
import pytest

from navm.backends.statevector import final_state
from navm.backends.statevector.chunks import regions
from navm.backends.statevector.diagonal import (
    DiagPass,
    RowDiagonal,
    pass_tables,
    row_table,
)
from navm.backends.statevector.evolve import evolve
from navm.backends.statevector.layout import layout
from navm.backends.statevector.order import by_side
from navm.backends.statevector.program import read_table
from navm.backends.statevector.runs import pair_runs
from navm.backends.statevector.schedule import BlockPass, Scheduler, swap_permutation
from navm.ir.circuit_table import GateTable, Row
from navm.ir.macros import qft_rows
from tests.statevector import final_state as reference

ONE_QUBIT = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "r"]
N_PARAMS = {"rx": 1, "ry": 1, "rz": 1, "r": 2}


def random_rows(n: int, count: int, seed: int) -> list[Row]:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(count):
        if rng.random() < 0.4:
            a, b = (int(q) for q in rng.choice(n, 2, replace=False))
            rows.append(Row(str(rng.choice(["cz", "cx", "swap"])), (a, b), ()))
        else:
            name = str(rng.choice(ONE_QUBIT))
            rows.append(Row(name, (int(rng.integers(n)),), tuple(rng.uniform(-7, 7, N_PARAMS.get(name, 0)))))
    return rows


def random_state(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return psi / np.linalg.norm(psi)


def run(rows: list[Row], n: int, lay, psi0: np.ndarray) -> np.ndarray:
    with jax.enable_x64(True):
        prog = read_table(GateTable.from_rows(rows), n, noise=False)
        return np.asarray(evolve(prog.unitaries(), psi0.astype(np.complex128), n, lay))


LAYOUTS = [  # (n, low_bits, slab): high region, several slabs of rows and of columns
    (6, 4, 3),  # one row per slab, 8-column bands narrower than a table row
    (8, 4, 5),  # two rows per slab
    (9, 6, 4),  # odd n: a 1-qubit block at the bottom
    (10, 8, 8),  # column bands wider than a table row
]


@pytest.mark.parametrize("n, low_bits, slab", LAYOUTS)
def test_random_circuits_on_small_layouts(n, low_bits, slab):
    lay = layout(n, low_bits, slab)
    assert lay.s > 0 and 2**lay.s > lay.rows_per_slab and 2**lay.c > lay.columns_per_slab
    for seed in range(3):
        rows = random_rows(n, 120, seed)
        psi0 = random_state(n, seed)
        np.testing.assert_allclose(run(rows, n, lay, psi0), reference(GateTable.from_rows(rows), n, psi0),
                                   rtol=0, atol=1e-12)


@pytest.mark.parametrize("n, low_bits, slab", LAYOUTS[:2])
def test_qft_and_brickwork_on_small_layouts(n, low_bits, slab):
    lay = layout(n, low_bits, slab)
    brick = [Row(g, (q,), (0.3 * q + k,)) for k in range(4) for q in range(n) for g in ("ry", "rz")]
    brick += [Row("cz", (q, q + 1), ()) for q in range(0, n - 1, 2)] + [Row("cz", (q, q + 1), ()) for q in range(1, n - 1, 2)]
    for rows in (qft_rows(list(range(n))), brick * 2):
        psi0 = random_state(n, 1)
        np.testing.assert_allclose(run(rows, n, lay, psi0), reference(GateTable.from_rows(rows), n, psi0),
                                   rtol=0, atol=1e-12)


def schedule(rows: list[Row], n: int) -> Scheduler:
    gates = pair_runs(read_table(GateTable.from_rows(rows), n, noise=False).unitaries())
    scheduler = Scheduler(layout(n), np.argsort(swap_permutation(gates, n)).tolist())
    for g in gates:
        scheduler.add(g)
    return scheduler


def test_a_qft_takes_about_one_pass_per_qubit():
    """Its controlled phases are diagonal (rz, rz, cx, rz, cx), share passes, and its
    swaps are relabellings that leave every qubit where it started."""
    n = 16
    scheduler = schedule(qft_rows(list(range(n))), n)
    assert len(scheduler.passes) <= n
    assert scheduler.positions == list(range(n))
    assert sum(isinstance(p, BlockPass) for p in scheduler.passes) == n // 2


def test_swaps_move_no_amplitude():
    rows = [Row("h", (0,), ()), Row("swap", (0, 5), ()), Row("swap", (5, 3), ()), Row("t", (3,), ())]
    assert len(schedule(rows, 6).passes) == 2
    psi0 = random_state(6, 4)
    table = GateTable.from_rows(rows)
    np.testing.assert_allclose(final_state(table, 6, initial_state=psi0), reference(table, 6, psi0), atol=1e-12)


def test_a_brickwork_layer_pair_takes_one_pass_per_block_and_one_diagonal():
    n = 12
    layer = [Row(g, (q,), (0.1 * q,)) for q in range(n) for g in ("ry", "rz")]
    rows = layer + [Row("cz", (q, q + 1), ()) for q in range(0, n - 1, 2)] + layer \
        + [Row("cz", (q, q + 1), ()) for q in range(1, n - 1, 2)]
    passes = schedule(rows, n).passes
    assert sum(isinstance(p, BlockPass) for p in passes) == n // 2
    assert sum(isinstance(p, DiagPass) for p in passes) == 1


def test_brickwork_changes_sides_once_per_two_layers():
    """The CZ across the two sides joins whichever side runs next (`order.py`)."""
    n, lay = 10, layout(10, 6, 5)
    rows = []
    for layer in range(8):
        rows += [Row(g, (q,), (0.1 * q + layer,)) for q in range(n) for g in ("ry", "rz")]
        rows += [Row("cz", (q, q + 1), ()) for q in range(layer % 2, n - 1, 2)]
    gates = pair_runs(read_table(GateTable.from_rows(rows), n, noise=False).unitaries())
    scheduler = Scheduler(lay, list(range(n)))
    for g in gates:
        scheduler.add(g)
    sides = regions(by_side(scheduler.passes, scheduler.touched, lay), lay)
    assert 1 + sum(a != b for a, b in pairwise(sides)) == 5
    psi0 = random_state(n, 2)
    np.testing.assert_allclose(run(rows, n, lay, psi0), reference(GateTable.from_rows(rows), n, psi0),
                               rtol=0, atol=1e-12)


def test_controlled_phase_runs_become_one_diagonal_gate():
    rows = [Row("rz", (3,), (0.4,)), Row("rz", (0,), (0.4,)), Row("cx", (3, 0), ()), Row("rz", (0,), (-0.4,)),
            Row("cx", (3, 0), ())]
    (gate,) = pair_runs(read_table(GateTable.from_rows(rows), 4, noise=False).unitaries())
    assert gate.qubits == (3, 0)
    np.testing.assert_allclose(gate.matrix, np.diag(np.diag(gate.matrix)), atol=0)


def dense_diagonal(factors: list[tuple[tuple[int, ...], np.ndarray]], n: int) -> np.ndarray:
    index = np.arange(2**n)
    out = np.ones(2**n, complex)
    for positions, d in factors:
        bits = [(index >> (n - 1 - p)) & 1 for p in positions]
        out *= d[bits[0]] if len(bits) == 1 else d[2 * bits[0] + bits[1]]
    return out


def test_diagonal_pass_tables_reproduce_the_product():
    n, split = 7, 3
    rng = np.random.default_rng(2)
    diag, factors = DiagPass(), []
    while len(factors) < 40:
        positions = tuple(int(p) for p in rng.choice(n, int(rng.integers(1, 3)), replace=False))
        d = np.exp(1j * rng.uniform(0, 2 * math.pi, 2 ** len(positions)))
        if diag.accepts(positions, split):
            diag.add(positions, d, split)
            factors.append((positions, d))
    assert len(diag.covers) == 2
    p, a, g = pass_tables(diag, n, split)
    h, l = np.divmod(np.arange(2**n), 2 ** (n - split))
    np.testing.assert_allclose(p[h] * a[g[h], l], dense_diagonal(factors, n), atol=1e-12)


def test_row_diagonal_tables_reproduce_the_product():
    """Crossing factors on (a < split, b in the block at positions 4-5) of 6 qubits."""
    n, split = 6, 3
    rng = np.random.default_rng(3)
    rows, factors = RowDiagonal(), []
    for a, b in [(0, 4), (2, 5), (1, 4), (2, 4)]:
        d = np.exp(1j * rng.uniform(0, 2 * math.pi, 4))
        rows.factors.append((a, b - 4, d.reshape(2, 2)))
        factors.append(((a, b), d))
    table = row_table(rows, split)
    index = np.arange(2**n)
    v = ((index >> 1) & 1) * 2 + (index & 1)
    np.testing.assert_allclose(table[v, index >> (n - split)], dense_diagonal(factors, n), atol=1e-12)


def test_a_cx_across_blocks_is_two_dense_passes():
    """H·CZ·H on the target: the CZ rides on the first pass as a diagonal that depends on the control."""
    passes = schedule([Row("cx", (0, 3), ())], 4).passes
    assert [type(p) for p in passes] == [BlockPass, BlockPass] and passes[0].rows is not None
