"""The `noise` dialect: explicit error channels shared by every backend.

Channels are rows of a `navm.circuit` table (printed `noise.depolarize(0.01) q0`),
so a noisy 100k-gate circuit stays one op. This module owns what makes a
channel valid; the table verifier and the front ends call it.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from xdsl.ir import Dialect

from navm.ir.gates import GATES, OPCODE

NOISE_CHANNELS: tuple[str, ...] = tuple(g.name for g in GATES if g.kind == "noise")
NOISE_OPCODES = np.array([OPCODE[name] for name in NOISE_CHANNELS], dtype=np.int16)


def channel_counts(opcodes: np.ndarray) -> dict[str, int]:
    """How many channels of each kind a table's `opcode` column holds (kinds with none left out)."""
    counts = np.bincount(np.asarray(opcodes, dtype=np.intp), minlength=len(GATES))
    return {name: int(counts[OPCODE[name]]) for name in NOISE_CHANNELS if counts[OPCODE[name]]}


def channel_error(name: str, params: Sequence[float]) -> str | None:
    """Why `params` are not valid probabilities for channel `name`, or None."""
    for p in params:
        if not (math.isfinite(p) and 0.0 <= p <= 1.0):
            return f"noise.{name}: probability {p!r} is not in [0, 1]"
    if name == "pauli" and sum(params) > 1.0 + 1e-12:
        return f"noise.pauli: px + py + pz = {sum(params)!r} exceeds 1"
    return None


NOISE = Dialect("noise", [], [])
