"""The noiseless path: a circuit's unitaries applied to one state, in few passes."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from navm.backends.statevector.chunks import pack
from navm.backends.statevector.layout import Layout, layout
from navm.backends.statevector.order import by_side
from navm.backends.statevector.program import Unitary
from navm.backends.statevector.runs import pair_runs
from navm.backends.statevector.schedule import Scheduler, swap_permutation
from navm.backends.statevector.slabs import run_chunk


def evolve(unitaries: list[Unitary], psi0: np.ndarray, n: int, lay: Layout | None = None):
    """The state after `unitaries` (a jax array of psi0's dtype); n ≥ 2 qubits.

    Swaps only relabel qubits (`schedule.py`); the qubits start at the
    positions that the swaps bring back to the identity, so the result needs
    no permutation; the initial state does, on the host, unless it is |0…0>.
    `lay` overrides the layout (tests use small ones).
    """
    gates = pair_runs(unitaries)
    labels = swap_permutation(gates, n)
    start = np.argsort(labels).tolist()
    lay = lay or layout(n)
    scheduler = Scheduler(lay, start)
    for g in gates:
        scheduler.add(g)
    assert scheduler.positions == list(range(n))
    psi = jnp.array(_placed(psi0, labels, n))  # a copy: run_chunk overwrites it
    for chunk in pack(by_side(scheduler.passes, scheduler.touched, lay), lay, psi0.dtype):
        psi = run_chunk(psi, *chunk, lay=lay)
    return psi


def _placed(psi0: np.ndarray, labels: list[int], n: int) -> np.ndarray:
    """psi0 with logical qubit q at position start[q] (bits permuted), unless that changes nothing."""
    if labels == list(range(n)) or (psi0[0] != 0 and np.count_nonzero(psi0) == 1):
        return psi0
    return np.ascontiguousarray(psi0.reshape((2,) * n).transpose(labels)).reshape(-1)
