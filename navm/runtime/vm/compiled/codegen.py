"""Generate the kernel of a QBC program as LLVM IR.

Each register r is a pair of stack slots, `%r{r}` (the raw 64 bits) and
`%t{r}` (1 when the value is a float); LLVM's mem2reg turns them into SSA
values. Where type inference knows a register's type, the code is plain
int64 or double arithmetic; a tag test is emitted only where it is ANY.
Basic blocks become LLVM blocks with direct branches; the only dispatches are
the resume switch at entry and QRET's switch over the return sites. The
kernel returns a status: the end of the program, QHALT, the step limit, a
trap (the driver asks the reference engine for the message), a quantum
instruction (the driver hands it to the backend and resumes at `nblk`), or
"grow" (a block needs more memory or stack than is allocated).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from navm.ir.instruction_set import NUM_REGISTERS
from navm.runtime.vm.compiled.cfg import BRANCHES, Block, ControlFlowGraph
from navm.runtime.vm.compiled.program import Instruction, Operand, Program
from navm.runtime.vm.compiled.register_types import ANY, ARITH, FLOAT, INT, State, step
from navm.runtime.vm.compiled.runtime_ir import EMPTY_PAGE, PAGE_SHIFT, PAGE_WORDS, RUNTIME_IR, TAG_FLOAT, TAG_INT

END, HALT, NEAR_LIMIT, TRAP, QUANTUM, GROW = 0, 1, 2, 3, 4, 5
# Slots of the control array shared by the driver and the kernel.
STEPS, LIMIT_SLOT, NPAGES, SP, CSP, SHIFT, PTCAP, POOLCAP, SCAP, CCAP, OUT_PC, OUT_BLK = range(12)
CTL_SIZE = 12

_INT_ARITH = {"QADD": "add", "QSUB": "sub", "QMUL": "mul"}
_FLOAT_ARITH = {"QADD": "fadd", "QSUB": "fsub", "QMUL": "fmul", "QDIV": "fdiv"}
_ICMP = {"QJEQ": "eq", "QJNE": "ne", "QJLT": "slt", "QJLE": "sle", "QJGT": "sgt", "QJGE": "sge"}
_FCMP = {"QJEQ": "oeq", "QJNE": "une", "QJLT": "olt", "QJLE": "ole", "QJGT": "ogt", "QJGE": "oge"}
# a OP b from c = cmp_int_float(int a, float b) in {-1, 0, 1, 2 (NaN)}
_FROM_CMP = {"QJEQ": ("eq", 0), "QJNE": ("ne", 0), "QJLT": ("eq", -1), "QJLE": ("sle", 0),
             "QJGT": ("eq", 1), "QJGE": ("ule", 1)}
_SWAPPED = {"QJEQ": "QJEQ", "QJNE": "QJNE", "QJLT": "QJGT", "QJLE": "QJGE", "QJGT": "QJLT", "QJGE": "QJLE"}
assert BRANCHES == set(_ICMP)


@dataclass(frozen=True)
class BlockNeeds:
    """How much a block may add to memory, the value stack and the call stack (checked on entry)."""
    stores: int
    pushes: int
    calls: int


@dataclass(frozen=True)
class Kernel:
    ir: str
    needs: tuple[BlockNeeds, ...]


def float_bits(v: float) -> int:
    return struct.unpack("<q", struct.pack("<d", v))[0]


def float_const(v: float) -> str:
    return "0x%016X" % (float_bits(v) & ((1 << 64) - 1))


def generate_kernel(program: Program, cfg: ControlFlowGraph, states: list[State | None]) -> Kernel:
    g = _Generator(program, cfg)
    g.prologue()
    needs = []
    for block in cfg.blocks:
        needs.append(g.block(block, states[block.index] or ((ANY,) * NUM_REGISTERS, ())))
    g.epilogue()
    return Kernel(RUNTIME_IR + "\n" + "\n".join(g.lines) + "\n", tuple(needs))


class _Generator:
    def __init__(self, program: Program, cfg: ControlFlowGraph) -> None:
        self.program, self.cfg = program, cfg
        self.lines: list[str] = []
        self.n = 0

    # -------------------------------------------------------------- plumbing

    def tmp(self) -> str:
        self.n += 1
        return f"%v{self.n}"

    def label(self) -> str:
        self.n += 1
        return f"L{self.n}"

    def emit(self, text: str) -> None:
        self.lines.append("  " + text)

    def start(self, label: str) -> None:
        self.lines.append(f"{label}:")

    def value(self, text: str) -> str:
        name = self.tmp()
        self.emit(f"{name} = {text}")
        return name

    def block_label(self, block: int) -> str:
        return "end" if block == self.cfg.end else f"b{block}"

    def block_at(self, instr_index: int) -> int:
        return self.cfg.block_of.get(instr_index, self.cfg.end)

    def goto(self, block: int) -> None:
        self.emit(f"br label %{self.block_label(block)}")

    def trap(self) -> None:
        """Leave through the trap exit, recording the current instruction."""
        self.store(str(self.pc), "%pc")
        self.emit("br label %trap_exit")

    def trap_if(self, cond: str) -> None:
        cont, trap = self.label(), self.label()
        self.emit(f"br i1 {cond}, label %{trap}, label %{cont}")
        self.start(trap)
        self.trap()
        self.start(cont)

    def load(self, slot: str) -> str:
        return self.value(f"load i64, ptr {slot}")

    def store(self, value: str, slot: str) -> None:
        self.emit(f"store i64 {value}, ptr {slot}")

    def elem(self, array: str, index: str, ty: str = "i64") -> str:
        return self.value(f"getelementptr {ty}, ptr {array}, i64 {index}")

    # -------------------------------------------------------------- values

    def int_of(self, op: Operand) -> str:
        kind, v = op
        return self.load(f"%r{v}") if kind == "reg" else str(v)

    def float_of(self, op: Operand, t: int) -> str:
        kind, v = op
        if t == INT:
            return self.value(f"sitofp i64 {self.int_of(op)} to double")
        if kind == "reg":
            return self.value(f"bitcast i64 {self.load(f'%r{v}')} to double")
        return float_const(v)

    def set_int(self, r: int, value: str) -> None:
        self.store(value, f"%r{r}")
        self.store("0", f"%t{r}")

    def set_float(self, r: int, value: str) -> None:
        self.store(self.value(f"bitcast double {value} to i64"), f"%r{r}")
        self.store("1", f"%t{r}")

    @staticmethod
    def typed(op: Operand, types) -> tuple[Operand, int]:
        kind, v = op
        if kind == "reg":
            return op, types[v]
        return op, FLOAT if type(v) is float else INT

    def with_types(self, operands: list[tuple[Operand, int]], leaf) -> None:
        """Emit `leaf(types)` under tag tests for every register operand whose type is ANY."""
        join = self.label()

        def rec(k: int, chosen: list[int], fixed: dict[int, int]) -> None:
            if k == len(operands):
                leaf(chosen)
                self.emit(f"br label %{join}")
                return
            (kind, v), t = operands[k]
            if t != ANY:
                rec(k + 1, chosen + [t], fixed)
            elif v in fixed:
                rec(k + 1, chosen + [fixed[v]], fixed)
            else:
                is_float = self.value(f"icmp ne i64 {self.load(f'%t{v}')}, 0")
                li, lf = self.label(), self.label()
                self.emit(f"br i1 {is_float}, label %{lf}, label %{li}")
                self.start(li)
                rec(k + 1, chosen + [INT], {**fixed, v: INT})
                self.start(lf)
                rec(k + 1, chosen + [FLOAT], {**fixed, v: FLOAT})

        rec(0, [], {})
        self.start(join)

    # -------------------------------------------------------------- function frame

    def prologue(self) -> None:
        self.lines.append("define i64 @kernel(ptr %R, ptr %T, ptr %ctl, ptr %ptk, ptr %ptv, ptr %pool, "
                          "ptr %ptags, ptr %sb, ptr %st, ptr %cs, i64 %blk) {")
        self.start("entry")
        for r in range(NUM_REGISTERS):
            self.emit(f"%r{r} = alloca i64")
            self.emit(f"%t{r} = alloca i64")
        for name in ("steps", "npages", "sp", "csp", "pc", "status", "nblk", "lastpage", "lastidx", "pidx"):
            self.emit(f"%{name} = alloca i64")
        self.emit("%jump = alloca i1")
        for r in range(NUM_REGISTERS):
            self.store(self.load(self.elem("%R", str(r))), f"%r{r}")
            self.store(self.load(self.elem("%T", str(r))), f"%t{r}")
        for name, slot in (("steps", STEPS), ("npages", NPAGES), ("sp", SP), ("csp", CSP)):
            self.store(self.load(self.elem("%ctl", str(slot))), f"%{name}")
        for name, slot in (("limit", LIMIT_SLOT), ("shift", SHIFT), ("ptcap", PTCAP), ("poolcap", POOLCAP),
                           ("scap", SCAP), ("ccap", CCAP)):
            self.emit(f"%{name}.p = getelementptr i64, ptr %ctl, i64 {slot}")
            self.emit(f"%{name} = load i64, ptr %{name}.p")
        self.emit("%ptmask = sub i64 %ptcap, 1")
        self.emit("%pthalf = lshr i64 %ptcap, 1")
        self.emit("%pagecap = call i64 @llvm.smin.i64(i64 %pthalf, i64 %poolcap)")
        self.store(str(EMPTY_PAGE), "%lastpage")
        self.store("0", "%lastidx")
        self.store("-1", "%pc")
        self.store(str(END), "%status")
        self.store("%blk", "%nblk")
        cases = " ".join(f"i64 {b.index}, label %b{b.index}" for b in self.cfg.blocks)
        self.emit(f"switch i64 %blk, label %end [ {cases} ]")

    def epilogue(self) -> None:
        for label, status in (("end", END), ("trap_exit", TRAP)):
            self.start(label)
            self.store(str(status), "%status")
            self.emit("br label %exit")
        self.start("exit")
        for r in range(NUM_REGISTERS):
            self.store(self.load(f"%r{r}"), self.elem("%R", str(r)))
            self.store(self.load(f"%t{r}"), self.elem("%T", str(r)))
        for name, slot in (("steps", STEPS), ("npages", NPAGES), ("sp", SP), ("csp", CSP), ("pc", OUT_PC),
                           ("nblk", OUT_BLK)):
            self.store(self.load(f"%{name}"), self.elem("%ctl", str(slot)))
        self.emit(f"ret i64 {self.load('%status')}")
        self.lines.append("}")

    # -------------------------------------------------------------- blocks and instructions

    def block(self, block: Block, state: State) -> BlockNeeds:
        ins = self.program.instructions[block.start:block.stop]
        needs = BlockNeeds(sum(i.mnemonic == "QSTORE" for i in ins),
                           sum(len(i.operands) for i in ins if i.mnemonic == "QPUSH"),
                           sum(i.mnemonic == "QCALL" for i in ins))
        self.start(f"b{block.index}")
        checks = []
        for slot, cap, need in (("%npages", "%pagecap", needs.stores), ("%sp", "%scap", needs.pushes),
                                ("%csp", "%ccap", needs.calls)):
            if need:
                total = self.value(f"add i64 {self.load(slot)}, {need}")
                checks.append(self.value(f"icmp sgt i64 {total}, {cap}"))
        if checks:
            grow = checks[0]
            for c in checks[1:]:
                grow = self.value(f"or i1 {grow}, {c}")
            lg, lc = self.label(), self.label()
            self.emit(f"br i1 {grow}, label %{lg}, label %{lc}")
            self.start(lg)
            self.store(str(GROW), "%status")
            self.store(str(block.index), "%nblk")
            self.store(str(block.start), "%pc")
            self.emit("br label %exit")
            self.start(lc)
        # Steps are counted per block; a block that would cross the limit is left to the reference
        # engine, which stops at exactly the right instruction.
        steps = self.value(f"add i64 {self.load('%steps')}, {block.stop - block.start}")
        near, go = self.label(), self.label()
        self.emit(f"br i1 {self.value(f'icmp sgt i64 {steps}, %limit')}, label %{near}, label %{go}")
        self.start(near)
        self.store(str(NEAR_LIMIT), "%status")
        self.store(str(block.index), "%nblk")
        self.store(str(block.start), "%pc")
        self.emit("br label %exit")
        self.start(go)
        self.store(steps, "%steps")
        terminated = False
        for i in ins:
            terminated = self.instruction(i, state[0])
            state = step(state, i)
        if not terminated:
            self.goto(self.block_at(block.stop))
        return needs

    def instruction(self, ins: Instruction, types) -> bool:
        """Emit one instruction; True if it ended the block with a branch."""
        k, m = ins.index, ins.mnemonic
        self.pc = k
        self.emit(f"; {k}: {m} {', '.join(str(v) for _, v in ins.operands)}")
        if ins.quantum:
            self.store(str(k), "%pc")
            self.store(str(QUANTUM), "%status")
            self.store(str(self.block_at(k + 1)), "%nblk")
            self.emit("br label %exit")
            return True
        if m in ARITH:
            self.arith(ins, types)
            return False
        return getattr(self, "op_" + m.lower())(ins, types)

    def op_qmov(self, ins, types) -> bool:
        (_, d), src = ins.operands
        src, t = self.typed(src, types)
        if t == ANY:
            self.store(self.load(f"%r{src[1]}"), f"%r{d}")
            self.store(self.load(f"%t{src[1]}"), f"%t{d}")
        elif t == INT:
            self.set_int(d, self.int_of(src))
        else:
            self.set_float(d, self.float_of(src, FLOAT))
        return False

    def arith(self, ins, types) -> None:
        ops, m, d = ins.operands, ins.mnemonic, ins.operands[0][1]
        a, b = (self.typed(ops[0], types), self.typed(ops[1], types)) if len(ops) == 2 else \
            (self.typed(ops[1], types), self.typed(ops[2], types))

        def leaf(chosen: list[int]) -> None:
            ta, tb = chosen
            if ta == INT and tb == INT:
                xa, xb = self.int_of(a[0]), self.int_of(b[0])
                if m in _INT_ARITH:
                    self.set_int(d, self.value(f"{_INT_ARITH[m]} i64 {xa}, {xb}"))
                else:
                    self.set_int(d, self.floored(m, xa, xb))
                return
            xa, xb = self.float_of(a[0], ta), self.float_of(b[0], tb)
            if m in ("QDIV", "QMOD"):
                self.trap_if(self.value(f"fcmp oeq double {xb}, 0.0"))
            if m == "QMOD":
                self.set_float(d, self.value(f"call double @py_fmod(double {xa}, double {xb})"))
            else:
                self.set_float(d, self.value(f"{_FLOAT_ARITH[m]} double {xa}, {xb}"))

        self.with_types([a, b], leaf)

    def floored(self, m: str, a: str, b: str) -> str:
        """Floored int64 division or modulo; traps on zero; -2^63 // -1 wraps."""
        self.trap_if(self.value(f"icmp eq i64 {b}, 0"))
        minus_one = self.value(f"icmp eq i64 {b}, -1")
        safe = self.value(f"select i1 {minus_one}, i64 1, i64 {b}")
        rem = self.value(f"srem i64 {a}, {safe}")
        nonzero = self.value(f"icmp ne i64 {rem}, 0")
        signs = self.value(f"xor i64 {rem}, {safe}")
        differ = self.value(f"icmp slt i64 {signs}, 0")
        adjust = self.value(f"and i1 {nonzero}, {differ}")
        if m == "QMOD":
            return self.value(f"select i1 {adjust}, i64 {self.value(f'add i64 {rem}, {safe}')}, i64 {rem}")
        quotient = self.value(f"sdiv i64 {a}, {safe}")
        floored = self.value(f"sub i64 {quotient}, {self.value(f'zext i1 {adjust} to i64')}")
        return self.value(f"select i1 {minus_one}, i64 {self.value(f'sub i64 0, {a}')}, i64 {floored}")

    def op_qneg(self, ins, types) -> bool:
        d = ins.operands[0][1]

        def leaf(chosen):
            if chosen[0] == INT:
                self.set_int(d, self.value(f"sub i64 0, {self.int_of(ins.operands[0])}"))
            else:
                self.set_float(d, self.value(f"fneg double {self.float_of(ins.operands[0], FLOAT)}"))

        self.with_types([(ins.operands[0], types[d])], leaf)
        return False

    def address(self, op: Operand, types, then) -> None:
        """Check an address operand (an int multiple of 8, else trap), then emit `then(address)`."""
        def leaf(chosen):
            if chosen[0] == FLOAT:
                self.trap()
                self.start(self.label())
                return
            x = self.int_of(op)
            self.trap_if(self.value(f"icmp ne i64 {self.value(f'and i64 {x}, 7')}, 0"))
            then(x)

        self.with_types([self.typed(op, types)], leaf)

    def page_index(self, address: str, claim: bool) -> tuple[str, str]:
        """The pool index of the page holding `address` (-1 if absent and not claimed) and the word's offset.

        A one-entry cache of the last page found skips the hash lookup for nearby accesses."""
        page = self.value(f"ashr i64 {address}, {PAGE_SHIFT}")
        offset = self.value(f"and i64 {self.value(f'ashr i64 {address}, 3')}, {PAGE_WORDS - 1}")
        last = self.load("%lastpage")
        self.store(self.load("%lastidx"), "%pidx")
        same = self.value(f"icmp eq i64 {page}, {last}")
        look, done = self.label(), self.label()
        self.emit(f"br i1 {same}, label %{done}, label %{look}")
        self.start(look)
        if claim:
            npages = self.load("%npages")
            claimed = self.value(f"call i64 @page_claim(ptr %ptk, ptr %ptv, i64 %ptmask, i64 %shift, i64 {page}, "
                                 f"i64 {npages})")
            index = self.value(f"lshr i64 {claimed}, 1")
            self.store(self.value(f"add i64 {npages}, {self.value(f'and i64 {claimed}, 1')}"), "%npages")
            self.store(page, "%lastpage")
            self.store(index, "%lastidx")
        else:
            index = self.value(f"call i64 @page_find(ptr %ptk, ptr %ptv, i64 %ptmask, i64 %shift, i64 {page})")
            found = self.value(f"icmp sge i64 {index}, 0")
            self.store(self.value(f"select i1 {found}, i64 {page}, i64 {last}"), "%lastpage")
            self.store(self.value(f"select i1 {found}, i64 {index}, i64 {self.load('%lastidx')}"), "%lastidx")
        self.store(index, "%pidx")
        self.emit(f"br label %{done}")
        self.start(done)
        return self.load("%pidx"), offset

    def word(self, index: str, offset: str) -> str:
        return self.value(f"add i64 {self.value(f'shl i64 {index}, {PAGE_SHIFT - 3}')}, {offset}")

    def op_qload(self, ins, types) -> bool:
        (_, d), addr = ins.operands

        def load(x):
            index, offset = self.page_index(x, claim=False)
            miss = self.value(f"icmp slt i64 {index}, 0")
            w = self.word(self.value(f"select i1 {miss}, i64 0, i64 {index}"), offset)
            bits = self.load(self.elem("%pool", w))
            tag = self.value(f"load i8, ptr {self.elem('%ptags', w, 'i8')}")
            is_float = self.value(f"zext i1 {self.value(f'icmp eq i8 {tag}, {TAG_FLOAT}')} to i64")
            self.store(self.value(f"select i1 {miss}, i64 0, i64 {bits}"), f"%r{d}")
            self.store(self.value(f"select i1 {miss}, i64 0, i64 {is_float}"), f"%t{d}")

        self.address(addr, types, load)
        return False

    def op_qstore(self, ins, types) -> bool:
        value, addr = ins.operands
        value, tv = self.typed(value, types)

        def store(x):
            if tv == ANY:
                bits = self.load(f"%r{value[1]}")
                tag_plus_one = self.value(f"add i64 {self.load(f'%t{value[1]}')}, {TAG_INT}")
                tag = self.value(f"trunc i64 {tag_plus_one} to i8")
            elif tv == INT:
                bits, tag = self.int_of(value), str(TAG_INT)
            elif value[0] == "const":
                bits, tag = str(float_bits(value[1])), str(TAG_FLOAT)
            else:
                bits, tag = self.load(f"%r{value[1]}"), str(TAG_FLOAT)
            index, offset = self.page_index(x, claim=True)
            w = self.word(index, offset)
            self.store(bits, self.elem("%pool", w))
            self.emit(f"store i8 {tag}, ptr {self.elem('%ptags', w, 'i8')}")

        self.address(addr, types, store)
        return False

    def op_qpush(self, ins, types) -> bool:
        for _, r in ins.operands:
            sp = self.load("%sp")
            self.store(self.load(f"%r{r}"), self.elem("%sb", sp))
            self.store(self.load(f"%t{r}"), self.elem("%st", sp))
            self.store(self.value(f"add i64 {sp}, 1"), "%sp")
        return False

    def op_qpop(self, ins, types) -> bool:
        self.trap_if(self.value(f"icmp slt i64 {self.load('%sp')}, {len(ins.operands)}"))
        for _, r in ins.operands:
            sp = self.value(f"sub i64 {self.load('%sp')}, 1")
            self.store(sp, "%sp")
            self.store(self.load(self.elem("%sb", sp)), f"%r{r}")
            self.store(self.load(self.elem("%st", sp)), f"%t{r}")
        return False

    def op_qcall(self, ins, types) -> bool:
        csp = self.load("%csp")
        self.store(str(self.block_at(ins.index + 1)), self.elem("%cs", csp))
        self.store(self.value(f"add i64 {csp}, 1"), "%csp")
        self.goto(self.block_at(ins.operands[0][1]))
        return True

    def op_qret(self, ins, types) -> bool:
        csp = self.load("%csp")
        self.trap_if(self.value(f"icmp eq i64 {csp}, 0"))
        top = self.value(f"sub i64 {csp}, 1")
        self.store(top, "%csp")
        target = self.load(self.elem("%cs", top))
        cases = " ".join(f"i64 {b}, label %{self.block_label(b)}" for b in self.cfg.return_sites
                         if b != self.cfg.end)
        self.emit(f"switch i64 {target}, label %end [ {cases} ]")
        return True

    def op_qjmp(self, ins, types) -> bool:
        self.goto(self.block_at(ins.operands[0][1]))
        return True

    def op_qhalt(self, ins, types) -> bool:
        self.store(str(ins.index), "%pc")
        self.store(str(HALT), "%status")
        self.emit("br label %exit")
        return True

    def branch(self, ins, types) -> bool:
        m = ins.mnemonic
        a, b = self.typed(ins.operands[0], types), self.typed(ins.operands[1], types)

        def leaf(chosen):
            ta, tb = chosen
            if ta == INT and tb == INT:
                cond = self.value(f"icmp {_ICMP[m]} i64 {self.int_of(a[0])}, {self.int_of(b[0])}")
            elif ta == FLOAT and tb == FLOAT:
                cond = self.value(f"fcmp {_FCMP[m]} double {self.float_of(a[0], FLOAT)}, "
                                  f"{self.float_of(b[0], FLOAT)}")
            else:
                (i_op, f_op), op = ((a[0], b[0]), m) if ta == INT else ((b[0], a[0]), _SWAPPED[m])
                c = self.value(f"call i64 @cmp_int_float(i64 {self.int_of(i_op)}, "
                               f"double {self.float_of(f_op, FLOAT)})")
                pred, k = _FROM_CMP[op]
                cond = self.value(f"icmp {pred} i64 {c}, {k}")
            self.emit(f"store i1 {cond}, ptr %jump")

        self.with_types([a, b], leaf)
        taken = self.value("load i1, ptr %jump")
        self.emit(f"br i1 {taken}, label %{self.block_label(self.block_at(ins.operands[2][1]))}, "
                  f"label %{self.block_label(self.block_at(ins.index + 1))}")
        return True

    op_qjeq = op_qjne = op_qjlt = op_qjle = op_qjgt = op_qjge = branch
