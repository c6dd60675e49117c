"""Turning labels, instructions and `.define`s into a checked `Program`.

The assembler owns the symbol tables (constants, labels) and checks every
instruction against `navm.ir.instruction_set`: mnemonic, ISA version, operand
count and operand kinds. Checks that need the whole program (labels used
before they are defined, the entry point) wait for `finish`.
"""

from __future__ import annotations

import difflib
import re

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.qbc import literals as lit
from navm.frontend.qbc.ast import Instruction, Label, Operand, OperandType, Program
from navm.ir.instruction_set import ALIASES, INSTRUCTIONS, Kind, Signature


# `MNEMONIC` then, after blanks, the operand list up to a comment or line end
# (the same shape as INSTRUCTION in grammar.lark).
_INSTRUCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:[ \t]+([^\s;][^\n;]*))?", re.ASCII)

_EXPECTED = {
    Kind.REG: "a register (r0..r15)",
    Kind.VALUE: "a value (register, number or constant)",
    Kind.LABEL: "a label",
    Kind.QUBIT: "a qubit (q3, q[3], q[CONST] or q[r2])",
}

# (position kind, raw tag) pairs that become an operand as they are.
_DIRECT = {
    (Kind.REG, lit.REG): OperandType.REG,
    (Kind.VALUE, lit.REG): OperandType.REG,
    (Kind.VALUE, lit.INT): OperandType.INT,
    (Kind.VALUE, lit.FLOAT): OperandType.FLOAT,
    (Kind.QUBIT, lit.QUBIT): OperandType.QUBIT,
    (Kind.QUBIT, lit.QUBIT_REG): OperandType.QUBIT_REG,
}

_MNEMONICS = sorted(INSTRUCTIONS) + sorted(ALIASES)


class Assembler:
    """Collects the program's items in order; `finish` returns the `Program`."""

    def __init__(self, isa_version: str, main_file: str) -> None:
        self.program = Program(isa_version=isa_version, main_file=main_file)
        self.constants: dict[str, tuple[int | float, SourceLocation]] = {}
        self.labels: dict[str, SourceLocation] = {}
        # Names whose meaning is only known at the end, in program order:
        # (name, position kind, operand number, mnemonic, location).
        self._deferred: list[tuple[str, Kind, int, str, SourceLocation]] = []
        # Checked instructions by token text (see `instruction`); mnemonics and
        # operands by their text.
        self._plans: dict[str, tuple] = {}
        self._signatures: dict[str, tuple[str, Signature]] = {}
        self._raws: dict[str, lit.Raw] = {}

    # -- labels and constants ------------------------------------------------

    def label(self, name: str, loc: SourceLocation) -> None:
        """Define label `name` at the next instruction."""
        self._check_new_name(name, "label", loc)
        first = self.labels.get(name)
        if first is not None:
            raise NavmError(f"duplicate label '{name}'", loc, notes=(f"first defined at {first}",))
        self.labels[name] = loc
        self.program.items.append(Label(name, loc))

    def define(self, name: str, name_loc: SourceLocation, value_text: str, value_loc: SourceLocation) -> None:
        """`.define name value`: value is a number or an earlier constant."""
        self._check_new_name(name, "constant", name_loc)
        first = self.constants.get(name)
        if first is not None:
            raise NavmError(f"constant '{name}' is already defined", name_loc,
                            notes=(f"first defined at {first[1]}",))
        raw = lit.classify(value_text)
        if raw.tag in (lit.INT, lit.FLOAT):
            value = raw.value
        elif raw.tag == lit.NAME:
            value = self._constant(raw.value, value_loc)
        elif raw.tag == lit.BAD:
            raise NavmError(str(raw.value), value_loc)
        else:
            raise NavmError(f"the value of constant '{name}' must be a number or an earlier constant, "
                            f"got {_describe(raw, self)}", value_loc)
        self.constants[name] = (value, name_loc)

    def entry_point(self, name: str, name_loc: SourceLocation, loc: SourceLocation) -> None:
        """`.entry_point name`; the label is checked in `finish`."""
        if self.program.entry_point is not None:
            raise NavmError("the entry point is already set", loc,
                            notes=(f"first set at {self.program.entry_loc}",))
        if not lit.is_name(name):
            raise NavmError(f"'{lit.shorten(name)}' is not a valid label name", name_loc)
        self.program.entry_point = name
        self.program.entry_loc = loc

    def _check_new_name(self, name: str, what: str, loc: SourceLocation) -> None:
        if lit.is_reserved(name):
            kind = "register" if name[0] in "rR" else "qubit"
            raise NavmError(f"'{lit.shorten(name)}' is a {kind} name and cannot be a {what} name", loc)
        if not lit.is_name(name):
            raise NavmError(f"'{lit.shorten(name)}' is not a valid {what} name", loc)
        other = self.constants.get(name, (None, None))[1] if what == "label" else self.labels.get(name)
        if other is not None:
            was = "constant" if what == "label" else "label"
            raise NavmError(f"'{name}' is already a {was}; labels and constants share one namespace", loc,
                            notes=(f"'{name}' was defined at {other}",))

    def _constant(self, name: str, loc: SourceLocation) -> int | float:
        found = self.constants.get(name)
        if found is None:
            raise NavmError(f"undefined constant '{name}'", loc, notes=_suggest(name, self.constants))
        return found[0]

    # -- instructions --------------------------------------------------------

    def instruction(self, text: str, file: str, line: int, column: int) -> None:
        """Check one INSTRUCTION token (`MNEMONIC operands ; comment`) and append it.

        Hot path: a token text seen before reuses its checked plan, so a line
        costs a dict lookup plus building the AST objects.
        """
        plan = self._plans.get(text)
        if plan is None:
            plan = self._plan(text, file, line, column)
        canonical, ops, label_operands, written = plan
        operands = tuple([Operand(t, v, SourceLocation(file, line, column + off)) for off, t, v in ops])
        for number in label_operands:
            op = operands[number - 1]
            self._deferred.append((op.value, Kind.LABEL, number, written, op.loc))
        self.program.items.append(Instruction(canonical, operands, SourceLocation(file, line, column)))

    def _plan(self, text: str, file: str, line: int, column: int) -> tuple:
        """Check an instruction's text once: (canonical mnemonic, operands as
        (column offset, type, value), numbers of the label operands, mnemonic as written)."""
        m = _INSTRUCTION.match(text)
        written, operand_text = m.group(1, 2)
        found = self._signatures.get(written)
        if found is None:
            found = self._signature(written, operand_text, SourceLocation(file, line, column))
        canonical, sig = found
        raws = self._read_operands(operand_text, m.start(2)) if operand_text else []
        for offset, raw in raws:  # an unreadable operand first: `r1 2` is a missing comma, not a count
            if raw.tag == lit.BAD:
                raise NavmError(str(raw.value), SourceLocation(file, line, column + offset))
        kinds = sig.kinds_for(len(raws))
        if kinds is None:
            self._count_error(written, sig, raws, SourceLocation(file, line, column))
        ops, labels, cacheable = [], [], True
        for number, (kind, (offset, raw)) in enumerate(zip(kinds, raws), 1):
            optype = _DIRECT.get((kind, raw.tag))
            value = raw.value
            if optype is None:
                loc = SourceLocation(file, line, column + offset)
                optype, value = self._operand(kind, raw, number, written, loc)
                if optype is None:  # a name only `finish` can judge: do not reuse this plan
                    optype, value, cacheable = OperandType.INT, 0, False
                elif optype is OperandType.LABEL:
                    labels.append(number)
            ops.append((offset, optype, value))
        plan = (canonical, tuple(ops), tuple(labels), written)
        if cacheable:
            self._plans[text] = plan
        return plan

    def _read_operands(self, text: str, start: int) -> list[tuple[int, lit.Raw]]:
        """(column offset, Raw) for each comma-separated operand of `text`, which
        starts `start` characters into the token. Operand texts are classified once."""
        out = []
        raws = self._raws
        for offset, piece in lit.split_operands(text):
            raw = raws.get(piece)
            if raw is None:
                raw = raws[piece] = lit.classify(piece) if piece else _MISSING
            out.append((start + offset, raw))
        return out

    def _signature(self, written: str, operand_text: str | None, loc: SourceLocation) -> tuple[str, Signature]:
        upper = written.upper()
        canonical = ALIASES.get(upper, upper)
        sig = INSTRUCTIONS.get(canonical)
        if sig is None:
            close = difflib.get_close_matches(upper, _MNEMONICS, n=1)
            notes = (f"did you mean '{close[0]}'?",) if close else ()
            if operand_text and operand_text.startswith(":"):
                notes = (f"a label is written '{written}:' with no space before the colon",)
            raise NavmError(f"unknown mnemonic '{lit.shorten(written)}'", loc, notes=notes)
        version = self.program.isa_version
        if not sig.available_in(version):
            if sig.until is not None:
                note = f"{canonical} exists only up to ISA {sig.until}"
            else:
                note = f"{canonical} needs ISA {sig.since} or later: put '.isa {sig.since}' at the top of the main file"
            raise NavmError(f"{upper} is not available in ISA {version}", loc, notes=(note,))
        self._signatures[written] = (canonical, sig)
        return canonical, sig

    def _count_error(self, written: str, sig: Signature, raws, loc: SourceLocation) -> None:
        """Too few operands: at the mnemonic; too many: at the first extra one."""
        arity = sig.arity_text()
        wanted = "no operands" if arity == "0" else f"{arity} operand" + ("" if arity == "1" else "s")
        message = f"{written.upper()} takes {wanted}, got {len(raws)}"
        limit = max((len(f) for f in sig.forms), default=0) if sig.variadic is None else None
        if limit is not None and len(raws) > limit:
            loc = SourceLocation(loc.file, loc.line, loc.column + raws[limit][0])
        raise NavmError(message, loc)

    def _operand(self, kind: Kind, raw: lit.Raw, number: int, written: str,
                 loc: SourceLocation) -> tuple[OperandType | None, int | float | str | None]:
        """(type, value) of an operand that is not simply a register, number or qubit.

        (None, None) means a name in a value position that is not a constant (yet):
        `finish` says whether it is a label, a late constant or undefined.
        """
        tag = raw.tag
        if tag == lit.BAD:
            raise NavmError(str(raw.value), loc)
        if kind is Kind.VALUE and tag == lit.NAME:
            found = self.constants.get(raw.value)
            if found is not None:
                value = found[0]
                return (OperandType.INT if isinstance(value, int) else OperandType.FLOAT), value
            if raw.value not in self.labels:
                self._deferred.append((raw.value, kind, number, written, loc))
                return None, None
        elif kind is Kind.LABEL and tag == lit.NAME and raw.value not in self.constants:
            return OperandType.LABEL, raw.value
        elif kind is Kind.QUBIT and tag == lit.QUBIT_NAME:
            index = self._constant(raw.value, loc)
            if not isinstance(index, int) or index < 0:
                raise NavmError(f"qubit index constant '{raw.value}' must be a non-negative integer, "
                                f"got {index!r}", loc)
            return OperandType.QUBIT, index
        raise NavmError(_kind_message(kind, number, written, _describe(raw, self)), loc)

    # -- the end -------------------------------------------------------------

    def finish(self) -> Program:
        """Resolve what waited for the whole program, and return it."""
        for name, kind, number, written, loc in self._deferred:
            if kind is Kind.LABEL and name not in self.labels:
                if name in self.constants:
                    raise NavmError(_kind_message(kind, number, written, f"constant '{name}'"), loc)
                raise NavmError(f"undefined label '{name}'", loc, notes=_suggest(name, self.labels))
            if kind is Kind.VALUE:
                if name in self.labels:
                    raise NavmError(_kind_message(kind, number, written, f"label '{name}'"), loc)
                if name in self.constants:
                    raise NavmError(f"constant '{name}' is used before its .define", loc,
                                    notes=(f"'{name}' is defined at {self.constants[name][1]}",))
                raise NavmError(f"undefined constant '{name}'", loc, notes=_suggest(name, self.constants))
        entry = self.program.entry_point
        if entry is not None and entry not in self.labels:
            raise NavmError(f".entry_point names an undefined label '{entry}'", self.program.entry_loc,
                            notes=_suggest(entry, self.labels))
        return self.program


_MISSING = lit.Raw(lit.BAD, "missing operand", "")


def _kind_message(kind: Kind, number: int, written: str, got: str) -> str:
    return f"operand {number} of {written.upper()} must be {_EXPECTED[kind]}, got {got}"


def _describe(raw: lit.Raw, asm: Assembler) -> str:
    """`raw` in words, for 'got ...' in messages."""
    tag = raw.tag
    if tag == lit.REG:
        return f"register {raw.text}"
    if tag in (lit.INT, lit.FLOAT):
        return f"number {lit.shorten(raw.text)}"
    if tag in (lit.QUBIT, lit.QUBIT_REG, lit.QUBIT_NAME):
        return f"qubit {lit.shorten(raw.text)}"
    if raw.value in asm.constants:
        return f"constant '{raw.value}'"
    if raw.value in asm.labels:
        return f"label '{raw.value}'"
    return f"name '{raw.value}'"


def _suggest(name: str, known) -> tuple[str, ...]:
    close = difflib.get_close_matches(name, list(known), n=1)
    return (f"did you mean '{close[0]}'?",) if close else ()
