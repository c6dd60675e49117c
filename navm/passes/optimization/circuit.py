"""The working form of a circuit for `optimize`, and the gate table built back from it.

A circuit is a list of nodes, each a tuple `(kind, qubits, matrix, src, loc)`:
- ONE: a 1-qubit gate, `matrix` its 2×2 matrix (navm.passes.optimization.fusion);
- CZ: a `cz` on `qubits` (a, b);
- OTHER: a row the pass does not look into (measure, reset, noise, barrier on `qubits`, annotations,
  motion, pulses, macros): it stays, in order, and blocks optimization across it on its qubits;
- ALL: a barrier on every qubit.
`src` is the table row a node is (unchanged), or -1 for a new one; `loc` the table's location index
for the row it becomes (-1: none). `cx c, t` enters as H(t)·cz·H(t) and `swap` as three such `cx`,
so CZ is the only 2-qubit gate inside the pass and every 2-qubit gate leaves as `cz`.
"""

from __future__ import annotations

import dataclasses
from itertools import chain

import numpy as np

from navm.ir.circuit_table import GateTable
from navm.ir.gates import MAX_PARAMS, OPCODE
from navm.passes.optimization.fusion import BASIS_GATES, H, ONE_QUBIT_MASK, basis_rows, row_matrices

ONE, CZ, OTHER, ALL = 0, 1, 2, 3
Node = tuple  # (kind, qubits, matrix | None, src, loc)

_CZ, _CX, _SWAP, _BARRIER, _MEASURE = (OPCODE[name] for name in ("cz", "cx", "swap", "barrier", "measure"))


def nodes_of(table: GateTable, num_qubits: int, *, elide_swaps: bool = False,
             permute_outputs: bool = False) -> tuple[list[Node], GateTable, list[int] | None]:
    """The table as nodes, in row order, the table their `src` indices refer to, and the output
    permutation (None: none). With `elide_swaps`, a `swap` becomes a relabelling of the rows after it
    (see `_elided`) where that keeps the measurement statistics, or everywhere with `permute_outputs`
    (qubit k's content then ends on qubit perm[k]); the table returned has the relabelled qubits."""
    codes = table.opcode.tolist()
    offsets = table.qubit_offsets.tolist()
    flat = table.qubits.tolist()
    locs = table.loc.tolist()
    one = np.flatnonzero(ONE_QUBIT_MASK[table.opcode.astype(np.intp)] & (np.diff(table.qubit_offsets) == 1))
    matrix: list = [None] * len(codes)
    for i, m in zip(one.tolist(), row_matrices(table.opcode[one], table.params[one])):
        matrix[i] = m
    if (elide_swaps or permute_outputs) and _SWAP in codes:
        elided = _elided(codes, offsets, flat, num_qubits, measured_only=not permute_outputs)
        if elided is not None:
            relabelled, perm = elided
            table = dataclasses.replace(table, qubits=np.fromiter(chain.from_iterable(relabelled), dtype=np.int32,
                                                                  count=len(flat)))
            moved = any(p != q for q, p in enumerate(perm))
            return _nodes(codes, relabelled, matrix, locs, elided=True), table, perm if moved else None
    return (_nodes(codes, [tuple(flat[a:b]) for a, b in zip(offsets, offsets[1:])], matrix, locs, elided=False),
            table, None)


def _elided(codes: list[int], offsets: list[int], flat: list[int], num_qubits: int,
            measured_only: bool = True) -> tuple[list[tuple], list[int]] | None:
    """Each row's qubits with every `swap` replaced by a relabelling of the rows after it (as qiskit's
    ElidePermutations does), and where each qubit's content ends. With `measured_only`, None where
    that would change what the circuit reports: every qubit whose content ends up elsewhere must end
    with a measurement (its last row is a `measure`; then the records, their names and order, are the
    same, and only the collapsed states sit on other qubits); a circuit without measurements then
    keeps its swaps, and so its unitary. Without it the caller records the permutation."""
    perm = list(range(num_qubits))  # where each qubit's content is now
    out: list[tuple] = []
    last = [-1] * num_qubits  # the last row on each qubit, after relabelling
    for i, code in enumerate(codes):
        qubits = tuple(perm[q] for q in flat[offsets[i]:offsets[i + 1]])
        out.append(qubits)
        if code == _SWAP:
            a, b = flat[offsets[i]], flat[offsets[i] + 1]
            perm[a], perm[b] = perm[b], perm[a]
            continue
        for q in qubits:
            last[q] = i
    moved = [q for q in range(num_qubits) if perm[q] != q]
    if measured_only and (not moved or any(last[q] < 0 or codes[last[q]] != _MEASURE for q in moved)):
        return None
    return out, perm


def _nodes(codes: list[int], qubit_lists: list[tuple], matrix: list, locs: list[int], *, elided: bool) -> list[Node]:
    out: list[Node] = []
    add = out.append
    for i, code in enumerate(codes):
        qubits = qubit_lists[i]
        m = matrix[i]
        if m is not None:
            add((ONE, qubits, m, i, locs[i]))
        elif code == _CZ:
            add((CZ, qubits, None, i, locs[i]))
        elif code == _CX:
            _cx(add, qubits[0], qubits[1], locs[i])
        elif code == _SWAP:
            if elided:
                continue
            a, b = qubits
            _cx(add, a, b, locs[i])
            _cx(add, b, a, locs[i])
            _cx(add, a, b, locs[i])
        elif code == _BARRIER and not qubits:
            add((ALL, qubits, None, i, locs[i]))
        else:
            add((OTHER, qubits, None, i, locs[i]))
    return out


def _cx(add, control: int, target: int, loc: int) -> None:
    add((ONE, (target,), H, -1, loc))
    add((CZ, (control, target), None, -1, loc))
    add((ONE, (target,), H, -1, loc))


def cz_count(nodes: list[Node]) -> int:
    return sum(1 for node in nodes if node[0] == CZ)


def table_of(nodes: list[Node], table: GateTable, basis: str) -> GateTable:
    """The gate table of the nodes: rows they leave unchanged are taken from `table` (with every
    column), new rows carry their node's location; 1-qubit nodes become rows of `basis` (converted
    all at once: fusion.basis_rows)."""
    keep = np.zeros(max(OPCODE.values()) + 1, dtype=bool)
    keep[[OPCODE[name] for name in BASIS_GATES[basis]]] = True
    keep_row = keep[table.opcode.astype(np.intp)].tolist()
    n = len(table)
    order: list[int] = []  # >= 0: a row of `table`; -1 - 2k, -2 - 2k: the k-th matrix's slots; else a cz
    mats: list = []
    mat_qubit: list[int] = []
    mat_loc: list[int] = []
    cz_qubits: list[int] = []
    cz_loc: list[int] = []
    big = 2 * len(nodes) + 2
    for kind, qubits, m, src, loc in nodes:
        if src >= 0 and (kind != ONE or keep_row[src]):
            order.append(src)
        elif kind == CZ:
            order.append(-1 - big - len(cz_loc))
            cz_qubits.extend(qubits)
            cz_loc.append(loc)
        else:
            k = len(mats)
            order.extend((-1 - 2 * k, -2 - 2 * k))
            mats.append(m)
            mat_qubit.append(qubits[0])
            mat_loc.append(loc)
    k, c = len(mats), len(cz_loc)
    codes, params, present = basis_rows(np.array(mats, dtype=complex).reshape(k, 4), basis)
    # New rows after `table`'s: two slots per matrix, then the czs; slots left empty are not taken.
    index = np.asarray(order, dtype=np.int64)
    new = -1 - index
    index = np.where(index >= 0, index, np.where(new < big, n + new, n + 2 * k + new - big))
    is_new = index >= n
    keep = ~is_new
    keep[is_new] = np.concatenate([present.reshape(-1), np.ones(c, dtype=bool)])[index[is_new] - n]
    mat_qubits = np.repeat(np.asarray(mat_qubit, dtype=np.int32), 2)
    mat_locs = np.repeat(np.asarray(mat_loc, dtype=np.int32), 2)
    joined = _joined(
        table,
        code=np.concatenate([codes.reshape(-1), np.full(c, _CZ, dtype=np.int16)]),
        qubits=np.concatenate([mat_qubits, np.asarray(cz_qubits, dtype=np.int32)]),
        params=np.concatenate([params.reshape(-1, 3), np.zeros((c, 3))]),
        loc=np.concatenate([mat_locs, np.asarray(cz_loc, dtype=np.int32)]),
    )
    return joined.take(index[keep])


def _joined(table: GateTable, *, code: np.ndarray, qubits: np.ndarray, params: np.ndarray,
            loc: np.ndarray) -> GateTable:
    """`table` with new rows appended (1 or 2 qubits each, no result, records or schedule); the
    schedule of the old rows is dropped (optimize moves gates, so the times no longer hold)."""
    k = len(code)
    total = len(table) + k
    counts = np.where(code == _CZ, 2, 1)
    offsets = np.concatenate([table.qubit_offsets, table.qubit_offsets[-1] + np.cumsum(counts)]).astype(np.int32)
    param_array = np.zeros((k, MAX_PARAMS))
    param_array[:, :3] = params
    return GateTable(
        opcode=np.concatenate([table.opcode, code.astype(np.int16)]),
        qubit_offsets=offsets,
        qubits=np.concatenate([table.qubits, qubits]).astype(np.int32),
        params=np.concatenate([table.params, param_array]),
        result=np.concatenate([table.result, np.full(k, -1, dtype=np.int32)]),
        result_names=table.result_names,
        loc=np.concatenate([table.loc, loc]).astype(np.int32),
        locs=table.locs,
        record_offsets=np.concatenate([table.record_offsets, np.full(k, table.record_offsets[-1], dtype=np.int32)]),
        records=table.records,
        start=np.full(total, np.nan),
        duration=np.full(total, np.nan),
        stage=np.full(total, -1, dtype=np.int32),
    )
