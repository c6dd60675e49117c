"""Qubit declarations (QLOC/QSITE) on the dynamic path: checked as `unroll` checks them.

The dynamic path runs the program's logical circuit, so where a qubit lives
does not change the simulation; but a program that declares a qubit twice or
puts two qubits in one place is wrong either way, and says so the same way.
"""

from __future__ import annotations

import math

from navm.diagnostics import NavmError, SourceLocation


class Declarations:
    """The qubits one shot has declared, with their position (coordinates or site id)."""

    __slots__ = ("by_position", "where")

    def __init__(self) -> None:
        self.where: dict[int, SourceLocation | None] = {}
        self.by_position: dict[object, int] = {}

    def declare(self, qubit: int, coords: tuple[float, float] | None, site: int | None,
                loc: SourceLocation | None) -> None:
        if qubit in self.where:
            first = self.where[qubit]
            raise NavmError(f"qubit q{qubit} is declared twice", loc,
                            notes=(f"first declared at {first}",) if first else ())
        if coords is not None and not all(math.isfinite(c) for c in coords):
            raise NavmError(f"qubit q{qubit} coordinates {coords} are not finite", loc)
        position = ("site", site) if coords is None else tuple(round(c, 9) for c in coords)
        other = self.by_position.get(position)
        if other is not None:
            what, value = ("site", site) if coords is None else ("position", list(coords))
            raise NavmError(f"qubits q{other} and q{qubit} are declared at the same {what} {value}", loc,
                            notes=(f"q{other} declared at {self.where[other]}",))
        self.where[qubit] = loc
        self.by_position[position] = qubit
