"""Lattice health: a W-state heartbeat on every triangle of a lattice, its per-node metrics (W
fidelity, purity, concurrence, entropy), their history and alerts (docs/health.md)."""
