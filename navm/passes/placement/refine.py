"""Refine a placement by routing the circuit forwards and backwards (the idea of SABRE's layout).

Routing a circuit from placement P ends with the qubits somewhere else;
routing the reversed circuit from there ends on a placement that suits the
circuit's *start*, learnt from the order of its gates (which the interaction
graph's weights forget). A few rounds of this, each candidate scored by the
SWAPs a forward routing needs, keep the best placement, so the result is
never worse than the input on that measure. Only the first `PREFIX_GATES`
two-qubit gates are routed, in as many rounds as route about `ROUTED_GATES`
gates in all (3 to 8), which bounds the cost. A circuit with more than
`LONG_CIRCUIT` × `PREFIX_GATES` two-qubit gates is left alone: its start is a
small part of it, and a placement fitted to the start was measured to cost
SWAPs later on.
"""

from __future__ import annotations

import numpy as np

from navm.ir.circuit_table import GateTable
from navm.ir.gates import MAX_PARAMS, OPCODE
from navm.passes.placement.sabre import route_table
from navm.passes.placement.sites import SiteGraph

PREFIX_GATES = 1000
LONG_CIRCUIT = 8
ROUTED_GATES = 5000
MIN_ROUNDS, MAX_ROUNDS = 3, 8
LOOKAHEAD = 4  # as `route`'s default


def refine_by_routing(graph: SiteGraph, a: np.ndarray, b: np.ndarray, site: np.ndarray, seed: int) -> np.ndarray:
    """A placement (local sites) of the n qubits that needs no more SWAPs than `site` to route
    the gates (a[i], b[i]) in order (the first PREFIX_GATES of them)."""
    if len(a) > LONG_CIRCUIT * PREFIX_GATES or (graph.component[site[a]] != graph.component[site[b]]).any():
        return site  # too long, or some pair can never meet (so no routing exists)
    a, b = a[:PREFIX_GATES], b[:PREFIX_GATES]
    rounds = int(np.clip(ROUTED_GATES // max(2 * len(a), 1), MIN_ROUNDS, MAX_ROUNDS))
    n = len(site)
    forward, backward = _cz_table(a, b, n), _cz_table(a[::-1], b[::-1], n)
    best_swaps, end = _route(forward, n, site, graph, seed)
    best = site
    for _ in range(rounds):
        if best_swaps == 0:
            break
        _, start = _route(backward, n, end, graph, seed)
        swaps, end = _route(forward, n, start, graph, seed)
        if swaps < best_swaps:
            best_swaps, best = swaps, start
    return best


def _route(table: GateTable, n: int, site: np.ndarray, graph: SiteGraph, seed: int) -> tuple[int, np.ndarray]:
    """SWAPs needed and where each qubit ends (local sites)."""
    routed = route_table(table, n, site, graph, np.ones(len(table), dtype=bool), LOOKAHEAD, seed)
    atom_sites = np.asarray(routed.atom_sites, dtype=np.int64)
    return routed.swaps, atom_sites[np.asarray(routed.final_atom, dtype=np.int64)]


def _cz_table(a: np.ndarray, b: np.ndarray, n: int) -> GateTable:
    rows = len(a)
    qubits = np.empty(2 * rows, dtype=np.int32)
    qubits[0::2], qubits[1::2] = a, b
    empty = np.zeros(0, dtype=np.int32)
    return GateTable(
        opcode=np.full(rows, OPCODE["cz"], dtype=np.int16),
        qubit_offsets=np.arange(0, 2 * rows + 1, 2, dtype=np.int32),
        qubits=qubits,
        params=np.zeros((rows, MAX_PARAMS)),
        result=np.full(rows, -1, dtype=np.int32),
        result_names=(),
        loc=np.full(rows, -1, dtype=np.int32),
        locs=(),
        record_offsets=np.zeros(rows + 1, dtype=np.int32),
        records=empty,
        start=np.full(rows, np.nan),
        duration=np.full(rows, np.nan),
        stage=np.full(rows, -1, dtype=np.int32),
    )
