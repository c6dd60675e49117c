"""What a QBC run leaves behind, the same for both engines."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from navm.runtime.vm.memory import Memory


@dataclass(eq=False)
class VMResult:
    """Final registers (16 Python ints/floats), executed instruction count, and memory.

    `stack` is the value stack left at the end (bottom first). Two results are
    `==` when they agree bit for bit: register values and types (so -0.0 is not
    0.0, and NaN equals the same NaN), memory words and types, step count.
    """

    registers: list[int | float]
    steps: int
    memory: Memory
    stack: list[int | float] = field(default_factory=list)
    engine: str = "reference"

    def read(self, addr: int) -> int | float:
        return self.memory.read(addr)

    def region(self, base: int, entry_size: int, count: int,
               fields: Sequence[tuple[str, str] | tuple[str, int, str]]) -> np.ndarray:
        return self.memory.region(base, entry_size, count, fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VMResult):
            return NotImplemented
        return (self.steps == other.steps and _words(self.registers) == _words(other.registers)
                and _words(self.stack) == _words(other.stack) and self.memory == other.memory)

    __hash__ = None  # type: ignore[assignment]


def _words(values: Sequence[int | float]) -> list[tuple[bool, bytes]]:
    """Each value as (is_float, its 8 bytes): the bit-for-bit identity of a QBC word."""
    return [(type(v) is float, struct.pack(">d", v) if type(v) is float else struct.pack(">q", v))
            for v in values]
