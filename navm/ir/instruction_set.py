"""The QBC instruction set: every mnemonic, the operand kinds it accepts, and
the ISA versions that have it.

This table is the single source of truth shared by the QBC parser (to report a
wrong operand count or kind at its column), the `qbc` dialect's verifier and
the interpreters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """What may stand in an operand position."""

    REG = "register"  # r0..r15, written to
    VALUE = "value"  # register, int or float literal, or constant
    LABEL = "label"  # jump/call target
    QUBIT = "qubit"  # q3, q[3], q[r1]


# Supported ISA versions, oldest first. Unknown versions are an error everywhere.
SUPPORTED_ISA_VERSIONS: tuple[str, ...] = ("1.0", "1.1", "1.2")
DEFAULT_ISA_VERSION = "1.0"
NUM_REGISTERS = 16


@dataclass(frozen=True)
class Signature:
    """The accepted operand lists of one mnemonic.

    `forms` lists each accepted fixed-length operand list. `variadic` (if set)
    means: any number (>= `min_count`) of operands of that kind.
    """

    mnemonic: str
    forms: tuple[tuple[Kind, ...], ...] = ((),)
    variadic: Kind | None = None
    min_count: int = 0
    since: str = "1.0"
    until: str | None = None  # last version that has it (inclusive)
    quantum: bool = False
    doc: str = ""

    @property
    def op_name(self) -> str:
        """The `qbc` dialect op name: the mnemonic, lower case, without the Q prefix."""
        return "qbc." + self.mnemonic[1:].lower()

    def accepts_count(self, n: int) -> bool:
        if self.variadic is not None:
            return n >= self.min_count
        return any(len(f) == n for f in self.forms)

    def kinds_for(self, n: int) -> tuple[Kind, ...] | None:
        """The operand kinds for an `n`-operand use, or None if `n` is not accepted."""
        if self.variadic is not None:
            return (self.variadic,) * n if n >= self.min_count else None
        for form in self.forms:
            if len(form) == n:
                return form
        return None

    def arity_text(self) -> str:
        if self.variadic is not None:
            return f"{self.min_count} or more"
        return " or ".join(str(len(f)) for f in self.forms)

    def available_in(self, version: str) -> bool:
        key = SUPPORTED_ISA_VERSIONS.index
        if key(version) < key(self.since):
            return False
        return self.until is None or key(version) <= key(self.until)


R, V, L, Q = Kind.REG, Kind.VALUE, Kind.LABEL, Kind.QUBIT
_ARITH = ((R, V), (R, V, V))
_BRANCH = ((V, V, L),)


def _table() -> dict[str, Signature]:
    s: list[Signature] = [
        Signature("QMOV", ((R, V),), doc="dst = src"),
        Signature("QADD", _ARITH, doc="dst = dst + src | dst = a + b"),
        Signature("QSUB", _ARITH, doc="dst = dst - src | dst = a - b"),
        Signature("QMUL", _ARITH, doc="dst = dst * src | dst = a * b"),
        Signature("QDIV", _ARITH, doc="floored (int/int) or true (any float) division"),
        Signature("QMOD", _ARITH, doc="floored modulo"),
        Signature("QNEG", ((R,),), doc="dst = -dst"),
        Signature("QLOAD", ((R, V),), doc="dst = mem[addr]"),
        Signature("QSTORE", ((V, V),), doc="mem[addr] = value"),
        Signature("QPUSH", variadic=R, min_count=1, doc="push registers left to right"),
        Signature("QPOP", variadic=R, min_count=1, doc="pop into registers left to right"),
        Signature("QCALL", ((L,),), doc="push return address, jump"),
        Signature("QRET", doc="return"),
        Signature("QJMP", ((L,),), doc="jump"),
        Signature("QJEQ", _BRANCH, doc="jump if a == b"),
        Signature("QJNE", _BRANCH, doc="jump if a != b"),
        Signature("QJLT", _BRANCH, doc="jump if a < b"),
        Signature("QJLE", _BRANCH, doc="jump if a <= b"),
        Signature("QJGT", _BRANCH, doc="jump if a > b"),
        Signature("QJGE", _BRANCH, doc="jump if a >= b"),
        Signature("QHALT", doc="stop"),
        # Quantum extension.
        Signature("QLOC", ((Q, V, V),), until="1.0", quantum=True,
                  doc="declare a qubit at (x, y) micrometres (ISA 1.0)"),
        Signature("QSITE", ((Q, V),), since="1.1", quantum=True,
                  doc="declare a qubit on a device site_id (ISA 1.1)"),
    ]
    for g in ("H", "X", "Y", "Z", "S", "SDG", "T", "TDG"):
        s.append(Signature("Q" + g, ((Q,),), quantum=True, doc=f"{g} gate"))
    for g in ("RX", "RY", "RZ"):
        s.append(Signature("Q" + g, ((Q, V),), quantum=True, doc=f"{g}(angle) gate, radians"))
    s += [
        Signature("QR", ((Q, V, V),), quantum=True,
                  doc="R(axis, angle): rotation by angle about cos(axis)X + sin(axis)Y"),
        Signature("QU3", ((Q, V, V, V),), quantum=True,
                  doc="U(theta, phi, lambda): the general 1-qubit gate, OpenQASM's U"),
        Signature("QCZ", ((Q, Q),), quantum=True, doc="controlled-Z"),
        Signature("QCX", ((Q, Q),), quantum=True, doc="controlled-X (control, target)"),
        Signature("QSWAP", ((Q, Q),), quantum=True, doc="swap"),
        Signature("QW", ((Q, Q, Q),), quantum=True, doc="W-state preparation on three qubits"),
        Signature("QMEAS", ((Q, R),), quantum=True, doc="measure a qubit into a register (0 or 1)"),
        Signature("QRESET", ((Q,),), quantum=True, doc="reset a qubit to |0>"),
        Signature("QBARRIER", variadic=Q, min_count=0, quantum=True,
                  doc="scheduling barrier on the listed qubits (all if none)"),
        Signature("QPAULI", ((Q, V, V, V),), quantum=True, doc="Pauli channel (px, py, pz)"),
        Signature("QDEPOL", ((Q, V),), quantum=True, doc="1-qubit depolarizing channel (p)"),
        Signature("QDEPOL2", ((Q, Q, V),), quantum=True, doc="2-qubit depolarizing channel (p)"),
        Signature("QLOSS", ((Q, V),), quantum=True, doc="atom loss with probability p"),
        Signature("QFLIP", ((Q, V),), quantum=True,
                  doc="readout flip: the qubit's later measurements flip with probability p"),
        Signature("QDETECTOR", variadic=V, min_count=1, quantum=True,
                  doc="detector over earlier measurements, by look-back: -1 is the latest"),
        Signature("QOBSERVABLE", variadic=V, min_count=2, quantum=True,
                  doc="observable index, then look-backs of the measurements it includes"),
        # Atom motion (ISA 1.2, zoned devices): consecutive instructions of one kind form one
        # parallel operation, until an atom repeats (docs/qbc.md, "Atom motion").
        Signature("QAODLOAD", ((Q,),), since="1.2", quantum=True,
                  doc="transfer the atom from its SLM trap into the AOD"),
        Signature("QAODMOVE", ((Q, V, V),), since="1.2", quantum=True,
                  doc="the AOD carries the atom to (x, y) micrometres"),
        Signature("QAODSTORE", ((Q,),), since="1.2", quantum=True,
                  doc="transfer the atom from the AOD into the SLM trap at its position"),
        Signature("QRYDBERG", variadic=Q, min_count=2, since="1.2", quantum=True,
                  doc="one Rydberg pulse: a CZ on each listed pair of atoms at a gate site"),
    ]
    return {sig.mnemonic: sig for sig in s}


INSTRUCTIONS: dict[str, Signature] = _table()

# Alternative spellings accepted by the assembler, mapped to their canonical mnemonic.
ALIASES: dict[str, str] = {"QJE": "QJEQ"}

BRANCHES = frozenset({"QJEQ", "QJNE", "QJLT", "QJLE", "QJGT", "QJGE"})


def lookup(mnemonic: str) -> Signature | None:
    """The signature of a mnemonic, case-insensitively, aliases resolved."""
    m = mnemonic.upper()
    return INSTRUCTIONS.get(ALIASES.get(m, m))
