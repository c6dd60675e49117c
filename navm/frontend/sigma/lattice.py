"""σ addressing: node k of an N-node lattice has σ_k = 8k/N, σ in [0, 8).

A σ names a node if it is within `tolerance(σ)` of 8k/N; the lattice is a
ring (the j-coordinate is 1728·(cos, sin)(2πk/N)), so the node after N-1 is 0.
"""

from __future__ import annotations

import math

DEFAULT_N = 256  # nodes of navm's default device
MAX_N = 1 << 24  # node spacing 8/N stays far above the tolerance
RELATIVE_TOLERANCE = 1e-9


def sigma_of(node: int, n: int) -> float:
    return 8 * node / n


def tolerance(sigma: float) -> float:
    return RELATIVE_TOLERANCE * max(1.0, abs(sigma))


def node_of(sigma: float, n: int) -> int | None:
    """The node `sigma` names, or None if it is not within tolerance of one."""
    k = round(sigma * n / 8)
    if k < n and abs(sigma - sigma_of(k, n)) <= tolerance(sigma):
        return k
    return None


def nearest_nodes(sigma: float, n: int) -> tuple[int, int]:
    """The nodes just below and just above `sigma` (the ring wraps N to 0)."""
    below = min(max(math.floor(sigma * n / 8), 0), n - 1)
    return below, (below + 1) % n


def describe_node(node: int, n: int, *, wrapped: bool = False) -> str:
    """`k=1 (σ=0.5)`; `wrapped` marks node 0 reached from above (σ = 8 ≡ 0)."""
    return f"k={node} (σ={sigma_of(node, n)!r}{' ≡ 8' if wrapped else ''})"
