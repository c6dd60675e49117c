"""The reference QBC engine: a plain interpreter over `qbc` IR, simple enough to trust.

Each instruction is decoded once into a closure over the machine state; the
run loop only calls closures. Errors inside a closure are raised as `_Fault`
and turned into a `VMTrap` naming the instruction's source line by the loop.
Quantum instructions are delegated to a `QuantumHandler` (unroll records
them; a simulator would apply them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

from xdsl.dialects.builtin import FloatData, IntAttr, ModuleOp, StringAttr
from xdsl.ir import Attribute

from navm.diagnostics import SourceLocation
from navm.ir.gates import QBC_MNEMONIC_TO_GATE
from navm.ir.instruction_set import NUM_REGISTERS
from navm.ir.locations import op_location
from navm.ir.operands import LabelAttr, QubitAttr, QubitRegAttr, RegAttr
from navm.ir.qbc import LabelOp, QbcInstruction
from navm.ir.verify import ENTRY_ATTR
from navm.runtime.vm import arith
from navm.runtime.vm.errors import DynamicValueError, VMTrap


_QUBIT_TYPES = (QubitAttr, QubitRegAttr)


class _Fault(Exception):
    """A trap raised inside an instruction; the run loop adds the position."""


class NeedsStaticValue(Exception):
    """Raised by run-time-only values (see `MeasuredValue`) when read."""


class QuantumHandler(Protocol):
    def declare(self, qubit: int, coords: tuple[float, float] | None, site: int | None,
                loc: SourceLocation | None) -> None: ...

    def apply(self, gate: str, qubits: tuple[int, ...], params: tuple[float, ...],
              loc: SourceLocation | None) -> None: ...

    def measure(self, qubit: int, result: str, loc: SourceLocation | None) -> object: ...

    def annotate(self, kind: str, params: tuple[float, ...], lookbacks: tuple[int, ...],
                 loc: SourceLocation | None) -> None: ...


@dataclass
class MachineState:
    regs: list = field(default_factory=lambda: [0] * NUM_REGISTERS)
    mem: dict[int, object] = field(default_factory=dict)
    stack: list = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    steps: int = 0


Thunk = Callable[[], int | None]


def program_layout(module: ModuleOp) -> tuple[list[QbcInstruction], dict[str, int], int]:
    """The instructions in order, each label's instruction index, and the entry point's index."""
    labels: dict[str, int] = {}
    instructions: list[QbcInstruction] = []
    for op in module.body.block.ops:
        if type(op) is LabelOp:
            labels[op.sym_name.data] = len(instructions)
        elif isinstance(op, QbcInstruction):
            instructions.append(op)
    entry = module.attributes.get(ENTRY_ATTR)
    return instructions, labels, labels[entry.data] if isinstance(entry, StringAttr) else 0


class ReferenceVM:
    """Decode a `qbc` module once; `run()` executes it from the entry point."""

    def __init__(self, module: ModuleOp, handler: QuantumHandler | None = None) -> None:
        self.state = MachineState()
        self.handler = handler
        self.code: list[Thunk] = []
        self.locs: list[SourceLocation | None] = []
        instructions, self.labels, self.entry = program_layout(module)
        for op in instructions:
            self.locs.append(op_location(op))
            self.code.append(self._decode(op, self.locs[-1]))

    # ------------------------------------------------------------------ running

    def run(self, max_steps: int | None = None, start: int | None = None) -> MachineState:
        """Run from the entry point (or instruction `start`, continuing from the current state)."""
        code, state = self.code, self.state
        n = len(code)
        limit = max_steps if max_steps is not None else float("inf")
        pc = self.entry if start is None else start
        steps = state.steps
        try:
            while pc < n:
                if steps >= limit:
                    raise _Fault(step_limit_message(max_steps))
                steps += 1
                nxt = code[pc]()
                if nxt is None:
                    pc += 1
                elif nxt < 0:  # halt
                    break
                else:
                    pc = nxt
        except _Fault as err:
            state.steps = steps
            raise VMTrap(str(err), self.locs[pc]) from None
        except NeedsStaticValue as err:
            state.steps = steps
            raise DynamicValueError(str(err), self.locs[pc]) from None
        state.steps = steps
        return state

    # ------------------------------------------------------------------ decoding

    def _value(self, a: Attribute) -> Callable[[], object]:
        if type(a) is RegAttr:
            regs, i = self.state.regs, a.data
            return lambda: regs[i]
        if type(a) is IntAttr or type(a) is FloatData:
            c = a.data
            return lambda: c
        raise AssertionError(f"not a value operand: {a}")

    def _qubit(self, a: Attribute) -> Callable[[], int]:
        if type(a) is QubitAttr:
            c = a.data
            return lambda: c
        assert isinstance(a, QubitRegAttr)
        regs, i = self.state.regs, a.data

        def from_register() -> int:
            v = regs[i]
            if type(v) is not int or v < 0:
                if isinstance(v, MeasuredValue):
                    raise NeedsStaticValue(v.reason())
                raise _Fault(f"q[r{i}]: r{i} = {v!r} is not a qubit index (a non-negative int)")
            return v

        return from_register

    def _target(self, a: Attribute) -> int:
        assert isinstance(a, LabelAttr)
        return self.labels[a.data]

    def _decode(self, op: QbcInstruction, loc: SourceLocation | None) -> Thunk:
        m = op.SIGNATURE.mnemonic
        args = op.args.data
        if op.SIGNATURE.quantum:
            return self._decode_quantum(m, args, loc)
        return _CLASSICAL[m](self, args)

    def _decode_quantum(self, m: str, args, loc) -> Thunk:
        handler = self.handler
        if handler is None:
            def no_backend():
                raise _Fault(f"{m} needs a quantum backend, but none is attached")
            return no_backend
        if m == "QLOC":
            q, x, y = self._qubit(args[0]), self._value(args[1]), self._value(args[2])
            return lambda: handler.declare(q(), (_num(x()), _num(y())), None, loc)
        if m == "QSITE":
            q, s = self._qubit(args[0]), self._value(args[1])
            return lambda: handler.declare(q(), None, _site(s()), loc)
        if m == "QMEAS":
            q, regs, r = self._qubit(args[0]), self.state.regs, args[1].data

            def measure():
                regs[r] = handler.measure(q(), f"r{r}", loc)
            return measure
        if m in ("QDETECTOR", "QOBSERVABLE"):
            values = [self._value(a) for a in args]
            n_params = 1 if m == "QOBSERVABLE" else 0
            kind = QBC_MNEMONIC_TO_GATE[m]

            def annotate():
                got = [_int(v()) for v in values]
                handler.annotate(kind, tuple(float(x) for x in got[:n_params]), tuple(got[n_params:]), loc)
            return annotate
        gate = QBC_MNEMONIC_TO_GATE[m]
        if not [a for a in args if type(a) is not QubitAttr]:  # common case: fixed qubits, no params
            fixed = tuple(a.data for a in args)
            return lambda: handler.apply(gate, fixed, (), loc)
        qubits = [self._qubit(a) for a in args if type(a) in _QUBIT_TYPES]
        params = [self._value(a) for a in args if type(a) not in _QUBIT_TYPES]
        return lambda: handler.apply(
            gate, tuple([q() for q in qubits]), tuple([_num(p()) for p in params]), loc
        )


def step_limit_message(max_steps: int | None) -> str:
    return f"step limit of {max_steps} reached"


def run_instruction(vm: ReferenceVM, pc: int, regs: list, stack: list) -> None:
    """Execute instruction `pc` alone on `vm` with the given registers and value stack (both updated).

    The compiled engine uses this for quantum instructions and to word its
    traps exactly as this engine does."""
    vm.state.regs[:] = regs
    vm.state.stack[:] = stack
    try:
        vm.code[pc]()
    except _Fault as err:
        raise VMTrap(str(err), vm.locs[pc]) from None
    except NeedsStaticValue as err:
        raise DynamicValueError(str(err), vm.locs[pc]) from None
    regs[:] = vm.state.regs
    stack[:] = vm.state.stack


def _num(v) -> float:
    if isinstance(v, MeasuredValue):
        raise NeedsStaticValue(v.reason())
    return float(v)


def _int(v) -> int:
    if isinstance(v, MeasuredValue):
        raise NeedsStaticValue(v.reason())
    if type(v) is not int:
        raise _Fault(f"{v!r} is not an int")
    return v


def _site(v) -> int:
    if isinstance(v, MeasuredValue):
        raise NeedsStaticValue(v.reason())
    if type(v) is not int or v < 0:
        raise _Fault(f"site id {v!r} is not a non-negative int")
    return v


DYNAMIC_HINT = " (`navm run` runs it shot by shot; it cannot be compiled to a static circuit)"


class MeasuredValue:
    """A measurement outcome that only exists at run time (used by `unroll`).

    Reading it for anything but copying raises `NeedsStaticValue`."""

    __slots__ = ("qubit", "loc")

    def __init__(self, qubit: int, loc: SourceLocation | None) -> None:
        self.qubit, self.loc = qubit, loc

    def reason(self) -> str:
        where = f" at {self.loc}" if self.loc else ""
        return (f"this depends on the measurement of q{self.qubit}{where}, known only at run time; "
                "the program has dynamic control flow" + DYNAMIC_HINT)

    def _fail(self, *_):
        raise NeedsStaticValue(self.reason())

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __floordiv__ = __rfloordiv__ = __truediv__ = __rtruediv__ = __mod__ = __rmod__ = _fail
    __neg__ = __float__ = __int__ = __index__ = __bool__ = _fail
    __hash__ = None


# ---------------------------------------------------------------------- classical ops


def _arith(fn, check_zero=False):
    def decode(vm: ReferenceVM, args) -> Thunk:
        regs, dst = vm.state.regs, args[0].data
        if len(args) == 2:
            a, b = (lambda: regs[dst]), vm._value(args[1])
        else:
            a, b = vm._value(args[1]), vm._value(args[2])

        def run():
            y = b()
            if check_zero and y == 0:
                raise _Fault("division by zero" if fn is arith.div else "modulo by zero")
            regs[dst] = fn(a(), y)
        return run
    return decode


def _mov(vm, args):
    regs, dst, src = vm.state.regs, args[0].data, vm._value(args[1])

    def run():
        regs[dst] = src()
    return run


def _neg(vm, args):
    regs, dst = vm.state.regs, args[0].data

    def run():
        regs[dst] = arith.neg(regs[dst])
    return run


def _address(v) -> int:
    if isinstance(v, MeasuredValue):
        raise NeedsStaticValue(v.reason())
    if type(v) is not int:
        raise _Fault(f"address {v!r} is not an int")
    if v % 8:
        raise _Fault(f"address {v} is not a multiple of 8")
    return v


def _load(vm, args):
    regs, mem, dst, addr = vm.state.regs, vm.state.mem, args[0].data, vm._value(args[1])

    def run():
        regs[dst] = mem.get(_address(addr()), 0)
    return run


def _store(vm, args):
    mem, value, addr = vm.state.mem, vm._value(args[0]), vm._value(args[1])

    def run():
        mem[_address(addr())] = value()
    return run


def _push(vm, args):
    regs, stack, idx = vm.state.regs, vm.state.stack, [a.data for a in args]

    def run():
        stack.extend(regs[i] for i in idx)
    return run


def _pop(vm, args):
    regs, stack, idx = vm.state.regs, vm.state.stack, [a.data for a in args]

    def run():
        for i in idx:
            if not stack:
                raise _Fault("QPOP on an empty value stack")
            regs[i] = stack.pop()
    return run


def _call(vm, args):
    calls, target = vm.state.calls, vm._target(args[0])
    position = len(vm.code)  # index of this instruction (decoded in order)

    def run():
        calls.append(position + 1)
        return target
    return run


def _ret(vm, args):
    calls = vm.state.calls

    def run():
        if not calls:
            raise _Fault("QRET with an empty call stack")
        return calls.pop()
    return run


def _jmp(vm, args):
    target = vm._target(args[0])
    return lambda: target


def _branch(compare):
    def decode(vm, args):
        a, b, target = vm._value(args[0]), vm._value(args[1]), vm._target(args[2])
        return lambda: target if compare(a(), b()) else None
    return decode


def _halt(vm, args):
    return lambda: -1


_CLASSICAL = {
    "QMOV": _mov,
    "QADD": _arith(arith.add),
    "QSUB": _arith(arith.sub),
    "QMUL": _arith(arith.mul),
    "QDIV": _arith(arith.div, check_zero=True),
    "QMOD": _arith(arith.mod, check_zero=True),
    "QNEG": _neg,
    "QLOAD": _load,
    "QSTORE": _store,
    "QPUSH": _push,
    "QPOP": _pop,
    "QCALL": _call,
    "QRET": _ret,
    "QJMP": _jmp,
    "QJEQ": _branch(lambda a, b: a == b),
    "QJNE": _branch(lambda a, b: a != b),
    "QJLT": _branch(lambda a, b: a < b),
    "QJLE": _branch(lambda a, b: a <= b),
    "QJGT": _branch(lambda a, b: a > b),
    "QJGE": _branch(lambda a, b: a >= b),
    "QHALT": _halt,
}
