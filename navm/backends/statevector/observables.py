"""Expectation values of Pauli strings such as "ZZI" (character j acts on qubit j).

P = ⊗ P_j maps |i> to phase(i)·|i ⊕ xmask>, where xmask has the X/Y qubits'
bits and phase(i) = i^(#Y) · (-1)^popcount(i & (Y|Z mask)); so <ψ|P|ψ> is one
gather and one sum, with the masks as traced values (one compile per size).
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
from jax import lax

from navm.diagnostics import NavmError

PAULI_LETTERS = frozenset("IXYZ")


def parse_pauli(text: object, num_qubits: int) -> tuple[int, int, int]:
    """(xmask, zmask, number of Ys) of a Pauli string, as bit masks of basis indices."""
    if not isinstance(text, str) or len(text) != num_qubits or not set(text) <= PAULI_LETTERS:
        raise NavmError(
            f"observable {text!r} is not a Pauli string of {num_qubits} letter{'s' * (num_qubits != 1)}"
            " from I, X, Y, Z",
            notes=("letter j acts on qubit j, e.g. 'Z" + "I" * (num_qubits - 1) + "' is Z on qubit 0",),
        )
    xmask = zmask = 0
    for q, letter in enumerate(text):
        bit = 1 << (num_qubits - 1 - q)
        if letter in "XY":
            xmask |= bit
        if letter in "YZ":
            zmask |= bit
    return xmask, zmask, text.count("Y")


@partial(jax.jit, static_argnames=("n",))
def expectation(psi, xmask, zmask, n_y, *, n: int):
    idx = lax.iota(jnp.int32, 2**n)
    parity = lax.population_count(idx & zmask) & 1
    sign = (1 - 2 * parity).astype(psi.real.dtype)
    flipped = psi.at[idx ^ xmask].get(mode="promise_in_bounds", unique_indices=True)
    value = jnp.sum(jnp.conj(flipped) * sign * psi)
    i_power = jnp.asarray([1, 1j, -1, -1j], psi.dtype)[n_y % 4]
    return jnp.real(value * i_power)
