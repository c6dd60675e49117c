"""2-qubit block resynthesis: every maximal run of gates on one pair becomes the fewest `cz`s it needs.

Blocks are collected in one scan (as qiskit's Collect2qBlocks does): a `cz a, b` joins the block
open on both a and b, or closes the blocks open on a and on b and opens a new one; a 1-qubit gate
joins the block open on its qubit; any other row closes the blocks on its qubits. A block with two
or more `cz`s has its 4×4 unitary computed, and the fewest `cz`s it needs read from the invariants
of Shende, Bullock and Markov ("Recognizing small-circuit structure in two-qubit operators", PRA 70,
012310, 2004): for U scaled into SU(4) and γ = U·(Y⊗Y)·Uᵀ·(Y⊗Y), U needs 0 `cz`s iff γ = ±I, 1 iff
tr γ = 0 and γ² = −I, 2 iff tr γ is real, else 3 (vectorised over all blocks; a test checks them
against qiskit's count).

Only blocks that need fewer `cz`s than they have are synthesised. A block that needs none becomes
A ⊗ B, read off its unitary by one batched SVD (`local_factors`). Any other is synthesised by
qiskit's `TwoQubitBasisDecomposer` with CZ as the basis gate (its Weyl-chamber KAK decomposition, in
Rust; ~80 µs a block with reading the result back): a kept, tested implementation rather than
hand-written KAK numerics, which this pass would need only for speed, and speed does not demand it
(the corpus's largest circuits synthesise a few hundred blocks). qiskit is imported only then (~0.25 s
to import): a Bell pair, a GHZ chain or a QFT never pays it. Every new block is checked against the
block's unitary (average gate infidelity, blind to a global phase) before it replaces the block.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from navm.passes.optimization.circuit import ALL, CZ, ONE, Node
from navm.passes.optimization.fusion import mul, u3_matrix

_YY = np.array([[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]], dtype=complex)
_I4 = np.eye(4)
TOLERANCE = 1e-9
"""How close the invariants must be to their exact values, and a synthesised block to its unitary."""


def blocks(nodes: list[Node], num_qubits: int) -> list[tuple[tuple[int, int], list[int], int]]:
    """The maximal 2-qubit blocks: (pair, node indices in order, number of `cz`s)."""
    found: list[list] = []
    open_: list[int] = [-1] * num_qubits

    def close(b: int) -> None:
        if b >= 0:
            for q in found[b][0]:
                if open_[q] == b:
                    open_[q] = -1

    for i, (kind, qubits, *_rest) in enumerate(nodes):
        if kind == ONE:
            b = open_[qubits[0]]
            if b >= 0:
                found[b][1].append(i)
        elif kind == CZ:
            a, c = qubits
            b = open_[a]
            if b >= 0 and b == open_[c]:
                found[b][1].append(i)
                found[b][2] += 1
            else:
                close(b)
                close(open_[c])
                open_[a] = open_[c] = len(found)
                found.append([qubits, [i], 1])
        else:
            for q in (range(num_qubits) if kind == ALL else qubits):
                close(open_[q])
    return [(pair, idx, n) for pair, idx, n in found]


_IDENTITY = (1 + 0j, 0j, 0j, 1 + 0j)
_CZ_DIAGONAL = np.array([1, 1, 1, -1], dtype=complex)[:, None]


def block_unitaries(nodes: list[Node], found: list) -> np.ndarray:
    """The 4×4 unitary of each block (k × 4 × 4), indexed 2·bit(pair[0]) + bit(pair[1]).

    A block with m `cz`s is L_m·CZ·L_{m-1}·…·CZ·L_0 with local layers L_j = A_j ⊗ B_j: the layers
    of all blocks are built as Kronecker products at once, and the blocks with the same m are
    multiplied out together, one batched product per `cz`."""
    firsts: list = []
    seconds: list = []
    starts: list[int] = []
    for pair, idx, _ in found:
        starts.append(len(firsts))
        first = pair[0]
        a = b = _IDENTITY
        for i in idx:
            kind, qubits, m = nodes[i][:3]
            if kind == CZ:
                firsts.append(a)
                seconds.append(b)
                a = b = _IDENTITY
            elif qubits[0] == first:
                a = m if a is _IDENTITY else mul(m, a)
            else:
                b = m if b is _IDENTITY else mul(m, b)
        firsts.append(a)
        seconds.append(b)
    left = np.array(firsts, dtype=complex).reshape(-1, 2, 2)
    right = np.array(seconds, dtype=complex).reshape(-1, 2, 2)
    layers = np.einsum("nij,nkl->nikjl", left, right).reshape(-1, 4, 4)
    start = np.asarray(starts)
    czs = np.array([n for _, _, n in found])
    out = np.empty((len(found), 4, 4), dtype=complex)
    for m in np.unique(czs).tolist():
        sel = np.flatnonzero(czs == m)
        u = layers[start[sel]]
        for j in range(1, m + 1):
            u = layers[start[sel] + j] @ (_CZ_DIAGONAL * u)
        out[sel] = u
    return out


def min_cz(unitaries: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """The fewest `cz`s (0–3) each 4×4 unitary of the stack needs, with any 1-qubit gates around
    (each invariant within `tolerance` of its exact value)."""
    det = np.linalg.det(unitaries)
    su = unitaries / (det ** 0.25)[:, None, None]
    gamma = su @ _YY @ su.transpose(0, 2, 1) @ _YY
    trace = np.trace(gamma, axis1=1, axis2=2)
    n = np.full(len(unitaries), 3)
    n[np.abs(trace.imag) < tolerance] = 2
    one = (np.abs(trace) < tolerance) & (np.abs(gamma @ gamma + _I4).max(axis=(1, 2)) < tolerance)
    n[one] = 1
    scalar = np.abs(gamma - (trace / 4)[:, None, None] * _I4).max(axis=(1, 2)) < tolerance
    n[scalar & (np.abs(np.abs(trace) - 4) < tolerance)] = 0
    return n


@cache
def _decomposer():
    from qiskit.circuit.library import CZGate
    from qiskit.synthesis import TwoQubitBasisDecomposer

    return TwoQubitBasisDecomposer(CZGate(), euler_basis="U")


def synthesize(u: np.ndarray, pair: tuple[int, int], loc: int, tolerance: float) -> list[Node] | None:
    """The block as nodes with the fewest `cz`s (qiskit's KAK), or None if their infidelity to `u`
    exceeds `tolerance`. qiskit orders a 4×4 matrix little-endian: its qubit 1 is pair[0], 0 is
    pair[1]."""
    circuit = _decomposer()(u)
    qubits = circuit.qubits
    out: list[Node] = []
    check = np.eye(4, dtype=complex)
    for inst in circuit.data:
        on = [pair[1 - qubits.index(q)] for q in inst.qubits]
        name = inst.operation.name
        if name == "cz":
            out.append((CZ, (pair[0], pair[1]), None, -1, loc))
            check[3] = -check[3]
        elif name == "u":
            m = u3_matrix(*(float(p) for p in inst.params))
            out.append((ONE, (on[0],), m, -1, loc))
            mm = np.array(m).reshape(2, 2)
            check = (mm @ check.reshape(2, 8)).reshape(4, 4) if on[0] == pair[0] \
                else (mm @ check.reshape(2, 2, 4)).reshape(4, 4)
        else:
            return None
    return out if infidelity(check, u) <= tolerance * (1 + 1e-6) + 1e-14 else None


def infidelity(v: np.ndarray, u: np.ndarray) -> float:
    """1 − the average gate fidelity of two 4×4 unitaries, (4 + |tr V†U|²) / 20 (blind to a global
    phase): qiskit's measure for an approximate 2-qubit synthesis."""
    return 1 - (4 + abs(np.vdot(v, u)) ** 2) / 20


def local_factors(unitaries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For 4×4 unitaries that (nearly) need no `cz`: A, B (k × 2 × 2, unitary) with U ≈ A ⊗ B up to a
    phase, and the infidelity of A ⊗ B to U. U = A ⊗ B makes U[2i+k, 2j+l] = A[i,j]·B[k,l], a rank-1
    matrix once rearranged by (i, j) and (k, l); its leading singular vectors are A and B (Van Loan
    and Pitsianis), each made unitary by its polar factor. No qiskit, and all blocks at once: these
    are the blocks a QFT sheds (controlled phases of tiny angles)."""
    k = len(unitaries)
    rearranged = unitaries.reshape(k, 2, 2, 2, 2).transpose(0, 1, 3, 2, 4).reshape(k, 4, 4)
    left, _, right = np.linalg.svd(rearranged)
    factors = []
    for m in (left[:, :, 0].reshape(k, 2, 2), right[:, 0, :].reshape(k, 2, 2)):
        w, _, vh = np.linalg.svd(m)
        factors.append(w @ vh)
    a, b = factors
    product = np.einsum("nij,nkl->nikjl", a, b).reshape(k, 4, 4)
    overlap = np.abs(np.einsum("nij,nij->n", product.conj(), unitaries))
    return a, b, 1 - (4 + overlap ** 2) / 20


def resynthesize(nodes: list[Node], num_qubits: int, tolerance: float,
                 seen: dict[tuple, tuple] | None = None) -> list[Node] | None:
    """The nodes with each block that needs fewer `cz`s than it has synthesised anew; None if there
    is none. A block within `tolerance` (infidelity) of a unitary with fewer `cz`s counts as one:
    the invariants pick such blocks with a loose threshold and the synthesis decides.

    `seen` (kept between rounds) holds the blocks found to need all their `cz`s, by the identity of
    their `cz` nodes (the sweep passes `cz` nodes on as they are; the nodes are kept as the values,
    so no identity is reused): a block with the same `cz`s is skipped. Its 1-qubit gates may have
    changed in between, but only by diagonal gates carried through its `cz`s, which leave the `cz`s
    it needs as they were."""
    if seen is None:
        seen = {}
    found = []
    keys = []
    for block in blocks(nodes, num_qubits):
        if block[2] >= 2:
            czs = tuple(nodes[i] for i in block[1] if nodes[i][0] == CZ)
            key = tuple(map(id, czs))
            if key not in seen:
                found.append(block)
                keys.append((key, czs))
    if not found:
        return None
    unitaries = block_unitaries(nodes, found)
    needed = min_cz(unitaries, max(TOLERANCE, 5 * tolerance ** 0.5))
    local = np.flatnonzero(needed == 0)
    factors: dict[int, tuple | None] = {}  # block -> (A, B), or None: near no class with fewer `cz`s
    if len(local):
        a, b, loss = local_factors(unitaries[local])
        exact = min_cz(unitaries[local])
        for j, i in enumerate(local.tolist()):
            if loss[j] <= tolerance * (1 + 1e-6) + 1e-14:
                factors[i] = (tuple(a[j].reshape(-1).tolist()), tuple(b[j].reshape(-1).tolist()))
            elif exact[j] > 0:  # near the local class but not within tolerance: far from the others
                factors[i] = None
    replace: dict[int, list[Node]] = {}
    dead: set[int] = set()
    for j, ((pair, idx, have), need, u, (key, czs)) in enumerate(zip(found, needed.tolist(), unitaries, keys)):
        if need >= have:
            seen[key] = czs
            continue
        first_cz = next(i for i in idx if nodes[i][0] == CZ)
        loc = nodes[first_cz][4]
        if j in factors:
            if factors[j] is None:
                seen[key] = czs
                continue
            a, b = factors[j]
            replace[idx[-1]] = [(ONE, (pair[0],), a, -1, loc), (ONE, (pair[1],), b, -1, loc)]
            dead.update(idx)
            continue
        new = synthesize(u, pair, loc, tolerance)
        if new is None or sum(1 for node in new if node[0] == CZ) >= have:
            seen[key] = czs
            continue
        replace[idx[-1]] = new
        dead.update(idx)
    if not replace:
        return None
    out: list[Node] = []
    for i, node in enumerate(nodes):
        if i in replace:
            out.extend(replace[i])
        elif i not in dead:
            out.append(node)
    return out
