"""Basic blocks of a QBC program, with calls and returns made explicit as edges.

A block ends at a jump, branch, call, return, halt or quantum instruction (the
compiled kernel hands quantum instructions to Python and resumes at the next
block). QRET's successors are every return site: the instruction after each
QCALL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from navm.runtime.vm.compiled.program import Program

BRANCHES = {"QJEQ", "QJNE", "QJLT", "QJLE", "QJGT", "QJGE"}
ENDS_BLOCK = BRANCHES | {"QJMP", "QCALL", "QRET", "QHALT"}


@dataclass
class Block:
    index: int
    start: int  # first instruction
    stop: int  # one past the last instruction
    successors: list[int] = field(default_factory=list)


@dataclass
class Function:
    """A subroutine: the blocks reachable from a QCALL target without entering other calls."""
    entry: int
    body: set[int]
    call_sites: list[tuple[int, int]]  # (calling block, return-site block)
    callees: set[int]


@dataclass
class ControlFlowGraph:
    blocks: list[Block]
    block_of: dict[int, int]  # first instruction index -> block index
    return_sites: list[int]  # block indices
    functions: dict[int, Function] = field(default_factory=dict)  # by entry block
    call_target: dict[int, int] = field(default_factory=dict)  # calling block -> callee entry block

    @property
    def end(self) -> int:
        """The pseudo-block index meaning 'ran off the end of the program'."""
        return len(self.blocks)


def build_cfg(program: Program) -> ControlFlowGraph:
    ins = program.instructions
    n = len(ins)
    leaders = {0, program.entry} if n else set()
    for i in ins:
        if i.mnemonic in ENDS_BLOCK or i.quantum:
            if i.index + 1 < n:
                leaders.add(i.index + 1)
        for kind, value in i.operands:
            if kind == "label" and value < n:
                leaders.add(value)
    starts = sorted(leaders)
    blocks = [Block(k, s, starts[k + 1] if k + 1 < len(starts) else n) for k, s in enumerate(starts)]
    block_of = {b.start: b.index for b in blocks}
    end = len(blocks)

    def at(instr_index: int) -> int:
        return block_of.get(instr_index, end) if instr_index < n else end

    return_sites = sorted({at(i.index + 1) for i in ins if i.mnemonic == "QCALL"})
    for b in blocks:
        last = ins[b.stop - 1]
        m = last.mnemonic
        if m == "QJMP" or m == "QCALL":
            b.successors = [at(last.operands[0][1])]
        elif m in BRANCHES:
            b.successors = [at(last.operands[2][1]), at(b.stop)]
        elif m == "QRET":
            b.successors = list(return_sites)
        elif m == "QHALT":
            b.successors = []
        else:
            b.successors = [at(b.stop)]
    cfg = ControlFlowGraph(blocks, block_of, return_sites)
    for b in blocks:
        if ins[b.stop - 1].mnemonic == "QCALL":
            cfg.call_target[b.index] = b.successors[0]
    for c, f in cfg.call_target.items():
        if f != end:
            cfg.functions.setdefault(f, Function(f, set(), [], set())).call_sites.append((c, at(blocks[c].stop)))
    for f in cfg.functions.values():
        f.body, f.callees = _intraprocedural(cfg, f.entry, ins)
    return cfg


def _intraprocedural(cfg: ControlFlowGraph, entry: int, ins) -> tuple[set[int], set[int]]:
    """Blocks reachable from `entry` stepping over calls (a call continues at its return site)."""
    body, callees, work = set(), set(), [entry]
    while work:
        b = work.pop()
        if b == cfg.end or b in body:
            continue
        body.add(b)
        block = cfg.blocks[b]
        m = ins[block.stop - 1].mnemonic
        if m == "QCALL":
            callees.add(block.successors[0])
            work.append(cfg.block_of.get(block.stop, cfg.end) if block.stop < len(ins) else cfg.end)
        elif m != "QRET":
            work.extend(block.successors)
    return body, callees
