"""A rotated surface-code memory-Z experiment, written as a QBC program.

The program mirrors `stim.Circuit.generated("surface_code:rotated_memory_z",
distance=d, rounds=r, after_clifford_depolarization=p,
before_round_data_depolarization=p, before_measure_flip_probability=p,
after_reset_flip_probability=p)`: the same qubits, CX schedule, measurement
order, detectors, observable and noise, so that the two can be compared shot
for shot in distribution. The rounds are a QBC loop; `unroll` flattens it.

Layout. stim puts data qubits at odd (x, y) and measure qubits at even (x, y)
of a (2d+1)² grid. Here the grid is turned by 45° — (u, v) = ((x + y) / 2,
(x - y) / 2 + d) — and scaled by 5 µm, so every qubit sits on a square lattice
with 5 µm spacing and every CX joins nearest neighbours (the built-in
`default` device's 16×16 lattice holds d ≤ 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from navm.diagnostics import NavmError

SPACING_UM = 5.0
# Neighbour offsets of each CX layer, from the measure qubit to its data qubit
# (stim's order: it makes hook errors run perpendicular to the logical operators).
X_ORDER = (1 + 1j, -1 + 1j, 1 - 1j, -1 - 1j)
Z_ORDER = (1 + 1j, 1 - 1j, -1 + 1j, -1 - 1j)


@dataclass(frozen=True)
class RotatedLayout:
    """Qubits of a distance-d rotated surface code in stim's coordinates (x + iy).
    navm qubit numbers: data first, then measure qubits, each in stim's index order."""

    distance: int

    @cached_property
    def data(self) -> tuple[complex, ...]:
        d = self.distance
        return tuple(sorted((complex(2 * x + 1, 2 * y + 1) for x in range(d) for y in range(d)), key=self._index))

    @cached_property
    def measure(self) -> tuple[complex, ...]:
        d = self.distance
        out = []
        for x in range(d + 1):
            for y in range(d + 1):
                parity = x % 2 != y % 2
                if (x in (0, d) and parity) or (y in (0, d) and not parity):
                    continue
                out.append(complex(2 * x, 2 * y))
        return tuple(sorted(out, key=self._index))

    def is_x(self, m: complex) -> bool:
        return int(m.real // 2) % 2 != int(m.imag // 2) % 2

    @cached_property
    def qubit(self) -> dict[complex, int]:
        return {c: i for i, c in enumerate(self.data + self.measure)}

    def _index(self, c: complex) -> int:
        """stim's qubit index for a coordinate (the order it resets and measures in)."""
        return int(c.real) + int(c.imag) // 2 * (2 * self.distance + 1)

    def position_um(self, c: complex) -> tuple[float, float]:
        u, v = (c.real + c.imag) / 2, (c.real - c.imag) / 2 + self.distance
        return u * SPACING_UM, v * SPACING_UM

    def cx_layer(self, k: int) -> list[tuple[int, int]]:
        """(control, target) pairs of CX layer k: X measure qubits control, Z measure qubits are targets."""
        pairs = []
        for m in self.measure:
            if self.is_x(m):
                data = m + X_ORDER[k]
                if data in self.qubit:
                    pairs.append((self.qubit[m], self.qubit[data]))
            else:
                data = m + Z_ORDER[k]
                if data in self.qubit:
                    pairs.append((self.qubit[data], self.qubit[m]))
        return pairs

    def neighbours(self, m: complex) -> list[int]:
        return [self.qubit[m + o] for o in X_ORDER if m + o in self.qubit]


def rotated_memory_z_qbc(distance: int, rounds: int, p: float = 0.0) -> str:
    """QBC text of the experiment; `p` = 0 writes no noise instructions at all."""
    if distance < 2 or rounds < 1:
        raise NavmError(f"a rotated surface code needs distance >= 2 and rounds >= 1, got {distance} and {rounds}")
    if not 0.0 <= p <= 1.0:
        raise NavmError(f"noise probability {p!r} is not in [0, 1]")
    return _Writer(RotatedLayout(distance), rounds, p).text()


class _Writer:
    def __init__(self, layout: RotatedLayout, rounds: int, p: float) -> None:
        self.layout, self.rounds, self.p = layout, rounds, p
        self.lines: list[str] = []

    def emit(self, line: str) -> None:
        self.lines.append(line if line.endswith(":") or line.startswith((";", ".")) else "        " + line)

    def noise(self, mnemonic: str, qubits, extra: str = "") -> None:
        if self.p:
            for q in qubits:
                self.emit(f"{mnemonic} q{q}, P{extra}")

    def text(self) -> str:
        lay, d = self.layout, self.layout.distance
        data = [lay.qubit[c] for c in lay.data]
        measure = [lay.qubit[c] for c in lay.measure]
        x_measure = [lay.qubit[c] for c in lay.measure if lay.is_x(c)]
        noise = f"uniform noise p = {self.p!r}" if self.p else "no noise"
        self.lines += [
            f"; Rotated surface code memory-Z experiment: distance {d}, {self.rounds} rounds, {noise}.",
            "; Written by navm.codes.surface_code; mirrors stim.Circuit.generated(\"surface_code:rotated_memory_z\", ...).",
            (f"; Data qubits q0-q{len(data) - 1}, measure qubits q{len(data)}-q{len(data) + len(measure) - 1} "
             f"(X: {', '.join(f'q{q}' for q in x_measure)})."),
            ".isa 1.0",
        ]
        if self.p:
            self.emit(f".define P {self.p!r}")
        self.emit(f".define ROUNDS {self.rounds}")
        for c in lay.data + lay.measure:
            x, y = lay.position_um(c)
            self.emit(f"QLOC q{lay.qubit[c]}, {x!r}, {y!r}")
        for group in (data, measure):
            for q in group:
                self.emit(f"QRESET q{q}")
            self.noise("QPAULI", group, ", 0.0, 0.0")
        self.emit("QMOV r1, 0")
        self.emit("round:")
        self._round(data, measure, x_measure)
        self._final(data, measure)
        return "\n".join(self.lines) + "\n"

    def _round(self, data, measure, x_measure) -> None:
        lay = self.layout
        self.emit("QBARRIER")
        self.noise("QDEPOL", data)
        self._hadamards(x_measure)
        for k in range(4):
            self.emit("QBARRIER")
            pairs = lay.cx_layer(k)
            for c, t in pairs:
                self.emit(f"QCX q{c}, q{t}")
            if self.p:
                for c, t in pairs:
                    self.emit(f"QDEPOL2 q{c}, q{t}, P")
        self.emit("QBARRIER")
        self._hadamards(x_measure)
        self.emit("QBARRIER")
        self.noise("QPAULI", measure, ", 0.0, 0.0")
        for q in measure:
            self.emit(f"QMEAS q{q}, r2")
        for q in measure:
            self.emit(f"QRESET q{q}")
        self.noise("QPAULI", measure, ", 0.0, 0.0")
        n = len(measure)
        self.emit("QJEQ r1, 0, first")
        for i in range(n):
            self.emit(f"QDETECTOR {i - n}, {i - 2 * n}")
        self.emit("QJMP next")
        self.emit("first:")
        for i, c in enumerate(lay.measure):
            if not lay.is_x(c):
                self.emit(f"QDETECTOR {i - n}")
        self.emit("next:")
        self.emit("QADD r1, 1")
        self.emit("QJLT r1, ROUNDS, round")

    def _hadamards(self, qubits) -> None:
        for q in qubits:
            self.emit(f"QH q{q}")
        self.noise("QDEPOL", qubits)

    def _final(self, data, measure) -> None:
        lay = self.layout
        self.noise("QPAULI", data, ", 0.0, 0.0")
        for q in data:
            self.emit(f"QMEAS q{q}, r3")
        nd, nm = len(data), len(measure)
        for i, c in enumerate(lay.measure):
            if not lay.is_x(c):
                looks = [i - nm - nd] + [q - nd for q in lay.neighbours(c)]
                self.emit("QDETECTOR " + ", ".join(map(str, looks)))
        # Logical Z: the data qubits of the bottom row (y = 1).
        bottom = [lay.qubit[c] for c in lay.data if c.imag == 1]
        self.emit("QOBSERVABLE 0, " + ", ".join(str(q - nd) for q in bottom))
