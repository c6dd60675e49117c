"""JAX statevector backend: exact states, sampled shots, noisy Monte-Carlo trajectories.

See docs/backends/statevector.md for the model, bit order, noise semantics
and the performance design.
"""

from navm.backends.statevector import jax_cache

jax_cache.configure()  # before any kernel is compiled: XLA programs are kept between processes

from navm.backends.statevector.api import MAX_QUBITS, StatevectorResult, final_state, simulate  # noqa: E402

__all__ = ["MAX_QUBITS", "StatevectorResult", "final_state", "simulate"]
