"""OpenQASM 2 with `if` as `qbc` instructions: classical bits in VM memory, conditions as jumps.

Classical bit k (numbered across all cregs in declaration order) is the
memory word at address 8·k, initially 0 as every OpenQASM bit is.

    measure q[i] -> c[j];        QMEAS q_i, r0 ; QSTORE r0, addr(c[j])
    if (c == n) op;              r1 = Σ_k mem[addr(c[k])]·2^k   (QLOAD, QMUL, QADD)
                                 QJNE r1, n, @skip ; op ; @skip:

A register of any width is compared in chunks of 63 bits, its bits 0-62,
63-125, …: each chunk's value (at most 2^63 - 1, so it fits a VM register
without wrapping) is built as above and compared with the same bits of `n`,
and any chunk that differs jumps over the op, so the op runs only when every
chunk is equal. (`n` ≥ 2^size can never hold: the op is jumped over
unconditionally, and qiskit's reading never fires either.) Gates
are the same navm gates a circuit would get, as QBC quantum instructions.
`unroll` runs this with the reference VM: a condition on bits that no
measurement has written is known at compile time and the program becomes an
ordinary circuit; a condition on a measured bit makes it a dynamic circuit
(`navm compile` reports the first instruction that depends on a measurement,
`navm run` runs it shot by shot). Each shot's records are its measurements in
execution order, all named "r0".
"""

from __future__ import annotations

from xdsl.dialects.builtin import FloatData, IntAttr, ModuleOp

from navm.diagnostics import SourceLocation
from navm.frontend.qasm2.builder import QASM2_ISA_VERSION
from navm.frontend.qasm2.program import Rows
from navm.ir.gates import GATES, QBC_MNEMONIC_TO_GATE
from navm.ir.locations import to_attr
from navm.ir.navm import set_isa_version
from navm.ir.operands import LabelAttr, QubitAttr, RegAttr
from navm.ir.qbc import INSTRUCTION_OPS, LabelOp

BIT_BYTES = 8
CHUNK_BITS = 63  # bits of a register compared at once: a chunk's value fits an int64 register
OUTCOME, VALUE, SCRATCH = RegAttr(0), RegAttr(1), RegAttr(2)
_MNEMONIC = {gate: mnemonic for mnemonic, gate in QBC_MNEMONIC_TO_GATE.items()}
_BY_OPCODE = [_MNEMONIC.get(g.name) for g in GATES]


def bit_address(bit: int) -> int:
    return BIT_BYTES * bit


class QbcEmitter:
    """Collects `qbc` ops in program order."""

    def __init__(self) -> None:
        self.ops: list = []
        self._open: list[str] = []  # labels of the `if`s being emitted
        self._labels = 0

    def _op(self, mnemonic: str, operands: tuple, loc: SourceLocation) -> None:
        self.ops.append(INSTRUCTION_OPS[mnemonic].build(operands, to_attr(loc)))

    def rows(self, rows: Rows, loc: SourceLocation) -> None:
        for code, qubits, params in rows:
            operands = tuple(QubitAttr(q) for q in qubits) + tuple(FloatData(p) for p in params)
            self._op(_BY_OPCODE[code], operands, loc)

    def measure(self, qubit: int, bit: int, bit_name: str, loc: SourceLocation) -> None:
        self._op("QMEAS", (QubitAttr(qubit), OUTCOME), loc)
        self._op("QSTORE", (OUTCOME, IntAttr(bit_address(bit))), loc)

    def reset(self, qubit: int, loc: SourceLocation) -> None:
        self._op("QRESET", (QubitAttr(qubit),), loc)

    def begin_if(self, bits: range, value: int, loc: SourceLocation) -> None:
        label = f"qasm_if_{self._labels}"
        self._labels += 1
        self._open.append(label)
        target = LabelAttr(label)
        if value.bit_length() > len(bits):  # more than the register can hold: never true
            self._op("QJMP", (target,), loc)
            return
        if not bits:
            self._op("QMOV", (VALUE, IntAttr(0)), loc)
            self._op("QJNE", (VALUE, IntAttr(value), target), loc)
            return
        for start in range(0, len(bits), CHUNK_BITS):
            chunk = bits[start:start + CHUNK_BITS]
            for k, bit in enumerate(chunk):
                if k == 0:
                    self._op("QLOAD", (VALUE, IntAttr(bit_address(bit))), loc)
                    continue
                self._op("QLOAD", (SCRATCH, IntAttr(bit_address(bit))), loc)
                self._op("QMUL", (SCRATCH, IntAttr(1 << k)), loc)
                self._op("QADD", (VALUE, SCRATCH), loc)
            part = (value >> start) & ((1 << len(chunk)) - 1)
            self._op("QJNE", (VALUE, IntAttr(part), target), loc)

    def end_if(self) -> None:
        self.ops.append(LabelOp.build(self._open.pop()))

    def module(self) -> ModuleOp:
        module = ModuleOp(self.ops)
        set_isa_version(module, QASM2_ISA_VERSION)
        return module
