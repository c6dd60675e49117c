"""Fused trajectory ops as fixed-shape arrays, cut into chunks of `kernels.CHUNK` ops.

Every chunk has the same shapes (the last one is padded with identity ops
that the kernels never run), so the kernels compile once per qubit count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from navm.backends.statevector.fusion import FusedOp
from navm.backends.statevector.kernels import CHUNK, KIND_COLLAPSE, KIND_GATE


@dataclass(frozen=True)
class OpChunk:
    start: int  # index of the chunk's first op in the whole program
    count: int  # ops that run (the rest is padding)
    arrays: dict[str, np.ndarray]
    record_columns: np.ndarray  # chunk positions of the measure ops, in record order


_OFF_DIAGONAL = ~np.eye(4, dtype=bool)


def pack(ops: list[FusedOp], dtype: np.dtype, *, variants: int = 1) -> list[OpChunk]:
    real = np.finfo(dtype).dtype
    n = max(1, -(-len(ops) // CHUNK)) * CHUNK
    a = {
        "kind": np.full(n, KIND_GATE, np.int32),
        "k1": np.zeros(n, np.int32),
        "k2": np.ones(n, np.int32),
        "matrices": np.tile(np.eye(4, dtype=dtype), (n, variants, 1, 1)),
        "cum": np.ones((n, 16), real),
        "p_event": np.zeros(n, real),
        "flip_p": np.zeros(n, real),
        "reset": np.zeros(n, bool),
        "lose": np.zeros(n, bool),
        "slot": np.full(n, CHUNK, np.int32),
        "diagonal": np.zeros(n, bool),  # the op's matrix is diagonal whatever is drawn
    }
    for i, op in enumerate(ops):
        a["k1"][i], a["k2"][i] = op.qubits
        a["matrices"][i] = op.matrices
        a["diagonal"][i] = (op.open and not np.any(op.matrices[:, _OFF_DIAGONAL])) or (
            op.collapse is not None and op.collapse.kind == "measure")  # a projection
        if op.probs is not None:
            a["cum"][i] = np.minimum(np.cumsum(op.probs), 1.0)
            a["cum"][i, 15] = 1.0
        c = op.collapse
        if c is not None:
            a["kind"][i] = KIND_COLLAPSE
            a["p_event"][i], a["flip_p"][i] = c.p_event, c.flip_p
            a["reset"][i], a["lose"][i] = c.kind == "reset", c.kind == "loss"
            if c.record >= 0:
                a["slot"][i] = i % CHUNK
    return list(_chunks(a, len(ops)))


def _chunks(a: dict[str, np.ndarray], total: int) -> Iterator[OpChunk]:
    for start in range(0, max(total, 1), CHUNK):
        part = {k: v[start : start + CHUNK] for k, v in a.items()}
        columns = np.flatnonzero(part["slot"] < CHUNK).astype(np.int32)
        yield OpChunk(start, min(CHUNK, total - start), part, columns)
