"""The parsed form of a QBC program: what the Lark front end hands to the IR builder.

Constants are already substituted, includes expanded, aliases resolved and
every operand checked against `navm.ir.instruction_set`; each item keeps the
position it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from navm.diagnostics import SourceLocation


class OperandType(str, Enum):
    REG = "reg"  # value: register number 0..15
    INT = "int"  # value: Python int, already wrapped to signed int64
    FLOAT = "float"  # value: Python float
    LABEL = "label"  # value: label name
    QUBIT = "qubit"  # value: qubit index (q3 or q[3] or q[CONST])
    QUBIT_REG = "qubit_reg"  # value: register number holding the qubit index (q[r2])


@dataclass(frozen=True, slots=True)
class Operand:
    type: OperandType
    value: int | float | str
    loc: SourceLocation


@dataclass(frozen=True, slots=True)
class Instruction:
    mnemonic: str  # canonical, upper case, alias resolved (QJE -> QJEQ)
    operands: tuple[Operand, ...]
    loc: SourceLocation  # position of the mnemonic


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    loc: SourceLocation


@dataclass
class Program:
    items: list[Instruction | Label] = field(default_factory=list)
    isa_version: str = "1.0"
    entry_point: str | None = None  # label name from .entry_point, if any
    entry_loc: SourceLocation | None = None
    main_file: str = "<input>"
