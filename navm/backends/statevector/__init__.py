"""JAX statevector backend: exact states, sampled shots, noisy Monte-Carlo trajectories.

See docs/backends/statevector.md for the model, bit order, noise semantics
and the performance design.
"""

from navm.backends.statevector.api import MAX_QUBITS, StatevectorResult, final_state, simulate

__all__ = ["MAX_QUBITS", "StatevectorResult", "final_state", "simulate"]
