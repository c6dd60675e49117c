"""The noise-channel rows both `insert-noise` passes emit (fixed-lattice and zoned).

One place for what a channel row looks like (a zero-probability channel is no row), what a timed
gate costs (its depolarizing channel, on the pair when two-qubit, then its loss), and what an idle
gap costs (dephasing and loss), so that the two passes charge the same op the same way.
"""

from __future__ import annotations

from navm.ir.circuit_table import Row


def channel_row(name: str, qubits: tuple[int, ...], params, t: float, loc) -> Row | None:
    """A noise row acting at time `t`, or None when every probability is 0."""
    if not any(p > 0 for p in params):
        return None
    return Row(name, tuple(qubits), tuple(float(p) for p in params), None, loc, (), (float(t), 0.0, -1))


def gate_rows(noise, row: Row, t: float) -> list[Row | None]:
    """A gate's channel (on the pair for a two-qubit depolarizing one, else per atom) and its loss."""
    channel = noise.gate_channel(row.name)
    if channel.channel == "depolarize2" and len(row.qubits) == 2:
        out = [channel_row("depolarize2", row.qubits, channel.params, t, row.loc)]
    else:
        out = [channel_row(channel.channel, (q,), channel.params, t, row.loc) for q in row.qubits]
    loss = (noise.gate_loss(row.name),)
    return out + [channel_row("loss", (q,), loss, t, row.loc) for q in row.qubits]


def idle_rows(noise, q: int, gap: float, t: float, loc) -> list[Row | None]:
    """An atom idle for `gap` µs: its dephasing and its loss, at time `t`."""
    return [channel_row("pauli", (q,), noise.idle_pauli(gap), t, loc),
            channel_row("loss", (q,), (noise.idle_loss(gap),), t, loc)]
