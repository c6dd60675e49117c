"""One heartbeat over a lattice: the W-state program on every triangle, its exact states
(navm.runtime.health.density), and the metrics per triangle and per node
(navm.runtime.health.metrics).

A lattice is a routing table: generated (`generated_lattice(N)`, a triangular lattice of N nodes,
navm.backends.routing_table.synthetic) or read from a file. A node's noise scale multiplies every
channel on its qubit: 1 by default; (1 − f_node)/(1 − f_device) where the table's fidelity column
says the node is worse (or better) than the device's CZ fidelity; times any override
(`{node: scale}`), which is how a degraded site is modelled.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from navm.diagnostics import NavmError

DEFAULT_DEVICE = "square-16x16"
MAX_NODES = 1_000_000


@dataclass
class Lattice:
    table: object  # navm.backends.routing_table.RoutingTable
    device: str
    source: str
    members: np.ndarray = field(init=False)  # (T, 3) node rows of each triangle, ascending
    triangle_of: np.ndarray = field(init=False)  # (N,) triangle index of each row, -1 none
    position: np.ndarray = field(init=False)  # (N,) the row's place (0, 1, 2) in its triangle

    def __post_init__(self) -> None:
        tri = np.asarray(self.table.column("triangle"), dtype=np.int64)
        rows = np.flatnonzero(tri >= 0)
        order = rows[np.lexsort((rows, tri[rows]))]
        counts = np.bincount(tri[rows]) if len(rows) else np.zeros(0, int)
        if len(counts) and (counts != 3).any():
            bad = int(np.flatnonzero(counts != 3)[0])
            raise NavmError(f"{self.source}: triangle {bad} has {counts[bad]} nodes; a heartbeat needs three")
        self.members = order.reshape(-1, 3)
        self.triangle_of = tri
        self.position = np.full(len(tri), -1, dtype=np.int64)
        self.position[self.members.reshape(-1)] = np.tile(np.arange(3), len(self.members))

    @property
    def nodes(self) -> int:
        return len(self.table)

    @property
    def triangles(self) -> int:
        return len(self.members)


def generated_lattice(nodes: int, device: str = DEFAULT_DEVICE, *, flag: str = "--nodes") -> Lattice:
    """A triangular lattice of `nodes` nodes with the device's CZ fidelity on every node (`flag`: the
    option that gave the count, for the message when it is out of range)."""
    from navm.backends.routing_table.synthetic import triangular_columns
    from navm.backends.routing_table.table import RoutingTable
    from navm.devices import load_profile

    if isinstance(nodes, bool) or not isinstance(nodes, int) or not 3 <= nodes <= MAX_NODES:
        raise NavmError(f"{flag} must be between 3 and {MAX_NODES:,}, got {nodes!r}")
    fidelity = load_profile(device).noise.gate_fidelity("cz")
    table = RoutingTable.from_columns(triangular_columns(nodes, fidelity=fidelity),
                                      what=f"triangular lattice of {nodes} nodes")
    return Lattice(table, device, f"generated: {nodes:,} nodes, triangular")


def lattice_from_file(path: str, device: str = DEFAULT_DEVICE) -> Lattice:
    from navm.backends.routing_table.files import load

    return Lattice(load(path), device, str(path))


@dataclass
class Heartbeat:
    """What one heartbeat measured. Triangle arrays are (T,) or (T, 3) (pairs 01, 02, 12 for
    concurrence; positions 0, 1, 2 for entropy); node arrays are (N,), NaN for nodes in no triangle."""

    time: float
    duration_s: float
    nodes: int
    triangles: int
    triangle: dict[str, np.ndarray]
    node: dict[str, np.ndarray]
    distinct_states: int
    samples: np.ndarray | None = None  # (T, 8) outcome counts per triangle, when asked for

    def summary(self) -> dict:
        f = self.triangle["fidelity"]
        return {"nodes": self.nodes, "triangles": self.triangles, "duration_s": self.duration_s,
                "min_fidelity": float(f.min()) if len(f) else None,
                "median_fidelity": float(np.median(f)) if len(f) else None,
                "mean_fidelity": float(f.mean()) if len(f) else None,
                "distinct_states": self.distinct_states}


def noise_scales(lattice: Lattice, overrides: dict[int, float] | None = None) -> np.ndarray:
    """(N,) noise scale of every node row (module docstring)."""
    from navm.devices import load_profile

    device_f = load_profile(lattice.device).noise.gate_fidelity("cz")
    node_f = np.asarray(lattice.table.column("fidelity"), dtype=np.float64)
    scale = np.where(np.isclose(node_f, device_f), 1.0, (1.0 - node_f) / max(1.0 - device_f, 1e-12))
    if overrides:
        nodes = np.fromiter(overrides.keys(), dtype=np.int64, count=len(overrides))
        factors = np.fromiter(overrides.values(), dtype=np.float64, count=len(overrides))
        bad = ~(np.isfinite(factors) & (factors >= 0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise NavmError(f"noise scale of node {nodes[i]} must be a number >= 0, got {factors[i]!r}")
        rows = lattice.table.rows_of(nodes)  # one lookup for all of them
        if (rows < 0).any():
            lattice.table.row_of(int(nodes[rows < 0][0]))  # raises, naming the table's id range
        np.multiply.at(scale, rows, factors)
    return scale


def run_heartbeat(lattice: Lattice, *, overrides: dict[int, float] | None = None, shots: int = 0,
                  seed: int | None = None) -> Heartbeat:
    """One heartbeat: every triangle's state, its metrics, each node's share."""
    from navm.runtime.health.density import density_from_components, pauli_components
    from navm.runtime.health.metrics import component_metrics, node_concurrence
    from navm.runtime.health.program import heartbeat_program

    t0 = time.perf_counter()
    program = heartbeat_program(lattice.device)
    scales = noise_scales(lattice, overrides)[lattice.members]  # (T, 3)
    comps, inverse = pauli_components(program, scales)
    per = component_metrics(comps)
    tri = {k: v[inverse] for k, v in per.items()}
    node: dict[str, np.ndarray] = {}
    has = lattice.triangle_of >= 0
    rows_tri, rows_pos = lattice.triangle_of[has], lattice.position[has]
    node_conc = node_concurrence(tri["concurrence"])
    for name, values in (("fidelity", tri["fidelity"]), ("purity", tri["purity"])):
        out = np.full(lattice.nodes, np.nan)
        out[has] = values[rows_tri]
        node[name] = out
    for name, values in (("concurrence", node_conc), ("entropy", tri["entropy"])):
        out = np.full(lattice.nodes, np.nan)
        out[has] = values[rows_tri, rows_pos]
        node[name] = out
    samples = None
    if shots:
        probs = np.clip(np.real(np.einsum("dii->di", density_from_components(comps))), 0.0, None)
        probs /= probs.sum(axis=1, keepdims=True)
        rng = np.random.default_rng(seed)
        samples = np.stack([rng.multinomial(shots, probs[i]) for i in inverse]) if len(inverse) else \
            np.zeros((0, 8), np.int64)
    return Heartbeat(time.time(), time.perf_counter() - t0, lattice.nodes, lattice.triangles, tri, node,
                     len(comps), samples)
