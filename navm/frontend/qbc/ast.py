"""The parsed form of a QBC program: what the Lark front end hands to the IR builder.

Constants are already substituted, includes expanded, aliases resolved and
every operand checked against `navm.ir.instruction_set`; each item keeps the
position it came from. Items are NamedTuples: a 100k-line program makes
~500k of them, and tuples are the cheapest immutable records to build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from navm.diagnostics import SourceLocation


class OperandType(str, Enum):
    REG = "reg"  # value: register number 0..15
    INT = "int"  # value: Python int, already wrapped to signed int64
    FLOAT = "float"  # value: Python float
    LABEL = "label"  # value: label name
    QUBIT = "qubit"  # value: qubit index (q3 or q[3] or q[CONST])
    QUBIT_REG = "qubit_reg"  # value: register number holding the qubit index (q[r2])


class Operand(NamedTuple):
    type: OperandType
    value: int | float | str
    loc: SourceLocation


class Instruction(NamedTuple):
    mnemonic: str  # canonical, upper case, alias resolved (QJE -> QJEQ)
    operands: tuple[Operand, ...]
    loc: SourceLocation  # position of the mnemonic


class Label(NamedTuple):
    name: str
    loc: SourceLocation


@dataclass
class Program:
    items: list[Instruction | Label] = field(default_factory=list)
    isa_version: str = "1.0"
    entry_point: str | None = None  # label name from .entry_point, if any
    entry_loc: SourceLocation | None = None
    main_file: str = "<input>"
