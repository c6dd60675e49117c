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


WRITES = ARITH | {"QMOV", "QNEG", "QLOAD", "QPOP"}


def written_registers(program: Program, cfg: ControlFlowGraph) -> dict[int, set[int]]:
    """Per function (by entry block): the registers it or anything it calls may write."""
    ins = program.instructions
    own = {}
    for f in cfg.functions.values():
        regs = set()
        for b in f.body:
            for i in ins[cfg.blocks[b].start:cfg.blocks[b].stop]:
                if i.mnemonic == "QPOP":
                    regs.update(r for _, r in i.operands)
                elif i.mnemonic in WRITES:
                    regs.add(i.operands[0][1])
                elif i.mnemonic == "QMEAS":
                    regs.add(i.operands[1][1])
        own[f.entry] = regs
    changed = True
    while changed:
        changed = False
        for f in cfg.functions.values():
            for callee in f.callees:
                extra = own.get(callee, set(range(NUM_REGISTERS))) - own[f.entry]
                if extra:
                    own[f.entry] |= extra
                    changed = True
    return own


def infer_block_states(program: Program, cfg: ControlFlowGraph) -> list[State | None]:
    """The state at the start of every block (None: unreachable from the entry point).

    Calls are analysed with summaries: a return site gets the callee's exit
    types for registers the callee may write and the caller's types for the
    rest, so one subroutine's results do not blur another's."""
    states: list[State | None] = [None] * len(cfg.blocks)
    if not cfg.blocks or program.entry >= len(program):
        return states
    ins = program.instructions
    writes = written_registers(program, cfg)
    exits: dict[int, State] = {}
    at_call: dict[int, State] = {}  # calling block -> state after the call instruction
    owners = {b: [f for f in cfg.functions.values() if b in f.body] for b in range(len(cfg.blocks))}
    work = []

    def flow(target: int, state: State) -> None:
        if target == cfg.end:
            return
        merged = join(states[target], state)
        if merged != states[target]:
            states[target] = merged
            work.append(target)

    def returned(call_state: State, f: int) -> State:
        exit_regs, exit_stack = exits[f]
        regs = tuple(exit_regs[r] if r in writes[f] else call_state[0][r] for r in range(NUM_REGISTERS))
        return regs, exit_stack

    flow(cfg.block_of[program.entry], ENTRY_STATE)
    while work:
        b = cfg.blocks[work.pop()]
        state = states[b.index]
        for k in range(b.start, b.stop):
            state = step(state, ins[k])
        last = ins[b.stop - 1].mnemonic
        if last == "QCALL" and b.successors[0] in cfg.functions:
            f = b.successors[0]
            at_call[b.index] = join(at_call.get(b.index), state)
            flow(f, state)
            if f in exits:
                flow(cfg.block_of.get(b.stop, cfg.end) if b.stop < len(ins) else cfg.end,
                     returned(at_call[b.index], f))
        elif last == "QRET":
            for f in owners[b.index]:
                exits[f.entry] = join(exits.get(f.entry), state)
                for c, site in f.call_sites:
                    if c in at_call:
                        flow(site, returned(at_call[c], f.entry))
            if not owners[b.index]:
                for site in b.successors:
                    flow(site, state)
        else:
            for s in b.successors:
                flow(s, state)
    return states


def _set(regs: RegTypes, r: int, t: int) -> RegTypes:
    return regs[:r] + (t,) + regs[r + 1:]
