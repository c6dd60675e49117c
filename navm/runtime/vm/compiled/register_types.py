"""Register type inference: which registers hold an int, a float, or either, before each instruction.

A forward dataflow analysis over the control-flow graph. Types form the
lattice INT | FLOAT = ANY (join is bitwise or). The value stack is tracked
as the types of its top entries (a pop below what is known gives ANY), so a
subroutine that saves and restores registers with QPUSH/QPOP keeps their
types. The code generator emits plain int64 or float64 code where the type is
known and a tag test only where it is ANY; memory loads are ANY (a word keeps
whatever type was stored).
"""

from __future__ import annotations

from navm.ir.instruction_set import NUM_REGISTERS
from navm.runtime.vm.compiled.cfg import ControlFlowGraph
from navm.runtime.vm.compiled.program import Instruction, Operand, Program

INT, FLOAT, ANY = 1, 2, 3
MAX_STACK_DEPTH = 64  # deeper entries are forgotten (read back as ANY)

RegTypes = tuple[int, ...]
State = tuple[RegTypes, tuple[int, ...]]  # (register types, known top of the value stack)

ARITH = {"QADD", "QSUB", "QMUL", "QDIV", "QMOD"}
ENTRY_STATE: State = ((INT,) * NUM_REGISTERS, ())


def operand_type(regs: RegTypes, operand: Operand) -> int:
    kind, value = operand
    if kind == "reg":
        return regs[value]
    if kind == "const":
        return FLOAT if type(value) is float else INT
    raise AssertionError(f"not a value operand: {operand}")


def arith_result(a: int, b: int) -> int:
    if a == INT and b == INT:
        return INT
    if a == FLOAT or b == FLOAT:
        return FLOAT
    return ANY


def step(state: State, ins: Instruction) -> State:
    """The state after `ins`, given the state before it."""
    regs, stack = state
    m, ops = ins.mnemonic, ins.operands
    if m == "QMOV":
        return _set(regs, ops[0][1], operand_type(regs, ops[1])), stack
    if m in ARITH:
        a, b = (regs[ops[0][1]], operand_type(regs, ops[1])) if len(ops) == 2 else \
            (operand_type(regs, ops[1]), operand_type(regs, ops[2]))
        return _set(regs, ops[0][1], arith_result(a, b)), stack
    if m == "QLOAD":
        return _set(regs, ops[0][1], ANY), stack
    if m == "QPUSH":
        return regs, (stack + tuple(regs[r] for _, r in ops))[-MAX_STACK_DEPTH:]
    if m == "QPOP":
        for _, r in ops:
            regs = _set(regs, r, stack[-1] if stack else ANY)
            stack = stack[:-1]
        return regs, stack
    if m == "QMEAS":
        return _set(regs, ops[1][1], INT), stack
    return regs, stack


def join(a: State | None, b: State) -> State:
    if a is None:
        return b
    regs = tuple(x | y for x, y in zip(a[0], b[0]))
    depth = min(len(a[1]), len(b[1]))
    sa, sb = a[1][len(a[1]) - depth:], b[1][len(b[1]) - depth:]
    return regs, tuple(x | y for x, y in zip(sa, sb))


def infer_block_states(program: Program, cfg: ControlFlowGraph) -> list[State | None]:
    """The state at the start of every block (None: unreachable from the entry point)."""
    states: list[State | None] = [None] * len(cfg.blocks)
    if not cfg.blocks:
        return states
    entry = cfg.block_of[program.entry] if program.entry < len(program) else None
    if entry is None:
        return states
    states[entry] = ENTRY_STATE
    work = [entry]
    ins = program.instructions
    while work:
        b = cfg.blocks[work.pop()]
        state = states[b.index]
        for k in range(b.start, b.stop):
            state = step(state, ins[k])
        for s in b.successors:
            if s == cfg.end:
                continue
            merged = join(states[s], state)
            if merged != states[s]:
                states[s] = merged
                work.append(s)
    return states


def _set(regs: RegTypes, r: int, t: int) -> RegTypes:
    return regs[:r] + (t,) + regs[r + 1:]
