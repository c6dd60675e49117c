"""Run a compiled kernel to completion: resume after quantum instructions and growth, turn exits into
results or traps."""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.ir.instruction_set import NUM_REGISTERS
from navm.runtime.vm.compiled import codegen as cg
from navm.runtime.vm.compiled.cfg import build_cfg
from navm.runtime.vm.compiled.kernel import NativeKernel, compile_ir
from navm.runtime.vm.compiled.pool import PagePool
from navm.runtime.vm.compiled.program import decode_program
from navm.runtime.vm.compiled.register_types import infer_block_states
from navm.runtime.vm.compiled.runtime_ir import EMPTY_PAGE
from navm.runtime.vm.memory import Memory
from navm.runtime.vm.reference import QuantumHandler, ReferenceVM, run_instruction
from navm.runtime.vm.result import VMResult

NO_LIMIT = (1 << 63) - 1
PAGE_TABLE_SLOTS = 64
STACK_SLOTS = 64


class CompiledProgram:
    """A QBC module lowered to machine code once; `run()` may be called many times."""

    def __init__(self, module: ModuleOp) -> None:
        self.module = module
        self.program = decode_program(module)
        self.cfg = build_cfg(self.program)
        self.generated = cg.generate_kernel(self.program, self.cfg, infer_block_states(self.program, self.cfg))
        self.native = compile_ir(self.generated.ir)

    def run(self, *, max_steps: int | None = None, backend: QuantumHandler | None = None) -> VMResult:
        state = _KernelState(self.native, max_steps)
        # The reference engine executes quantum instructions and words the traps: one source of truth.
        reference = None
        if not len(self.program) or self.program.entry >= len(self.program):
            return state.result()
        blk = self.cfg.block_of[self.program.entry]
        while True:
            status, pc, blk = state.call(blk)
            if status in (cg.END, cg.HALT):
                return state.result()
            if status == cg.GROW:
                state.grow(self.generated.needs[blk])
                continue
            loc = self.program.instructions[pc].loc
            if status == cg.NEAR_LIMIT:
                return self.finish_on_reference(state, pc, max_steps, backend)
            reference = reference or ReferenceVM(self.module, backend)
            regs, stack = state.registers(), state.stack()
            run_instruction(reference, pc, regs, stack)
            if status == cg.QUANTUM:
                state.set_registers(regs)
                continue
            raise NavmError(f"internal error: the compiled engine trapped at instruction {pc} "
                            f"(status {status}) but the reference engine does not", loc)


    def finish_on_reference(self, state: "_KernelState", pc: int, max_steps: int | None,
                            backend: QuantumHandler | None) -> VMResult:
        """Continue on the reference engine from instruction `pc` (a block that would cross the step limit)."""
        vm = ReferenceVM(self.module, backend)
        vm.state.regs[:] = state.registers()
        vm.state.mem.update(state.memory().to_dict())
        vm.state.stack[:] = state.stack()
        n = len(self.program)
        vm.state.calls[:] = [self.cfg.blocks[b].start if b < len(self.cfg.blocks) else n
                             for b in state.calls[:int(state.ctl[cg.CSP])].tolist()]
        vm.state.steps = int(state.ctl[cg.STEPS])
        final = vm.run(max_steps, start=pc)
        return VMResult(list(final.regs), final.steps, Memory.from_dict(final.mem), list(final.stack), "compiled")


class _KernelState:
    """The arrays a kernel reads and writes; the driver replaces them when they must grow."""

    def __init__(self, native: NativeKernel, max_steps: int | None) -> None:
        self.native = native
        self.R = np.zeros(NUM_REGISTERS, np.int64)
        self.T = np.zeros(NUM_REGISTERS, np.int64)
        self.page_keys, self.page_index = _new_page_table(PAGE_TABLE_SLOTS)
        self.pool = PagePool()
        self.stack_bits, self.stack_tags = np.zeros(STACK_SLOTS, np.int64), np.zeros(STACK_SLOTS, np.int64)
        self.calls = np.zeros(STACK_SLOTS, np.int64)
        self.ctl = np.zeros(cg.CTL_SIZE, np.int64)
        self.ctl[cg.LIMIT_SLOT] = NO_LIMIT if max_steps is None else max_steps
        self._set_capacities()

    def _set_capacities(self) -> None:
        self.ctl[cg.PTCAP] = len(self.page_keys)
        self.ctl[cg.SHIFT] = 64 - (len(self.page_keys).bit_length() - 1)
        self.ctl[cg.POOLCAP] = self.pool.capacity
        self.ctl[cg.SCAP], self.ctl[cg.CCAP] = len(self.stack_bits), len(self.calls)

    def call(self, blk: int) -> tuple[int, int, int]:
        arrays = (self.R, self.T, self.ctl, self.page_keys, self.page_index, self.pool.bits, self.pool.tags,
                  self.stack_bits, self.stack_tags, self.calls)
        status = self.native.kernel(*(a.ctypes.data for a in arrays), blk)
        return int(status), int(self.ctl[cg.OUT_PC]), int(self.ctl[cg.OUT_BLK])

    def grow(self, needs: cg.BlockNeeds) -> None:
        pages = int(self.ctl[cg.NPAGES]) + needs.stores
        cap = len(self.page_keys)
        new_cap = cap
        while 2 * pages > new_cap:
            new_cap *= 2
        if new_cap != cap:
            keys, index = _new_page_table(new_cap)
            self.native.rehash(self.page_keys.ctypes.data, self.page_index.ctypes.data, cap, keys.ctypes.data,
                               index.ctypes.data, new_cap, 64 - (new_cap.bit_length() - 1))
            self.page_keys, self.page_index = keys, index
        self.pool.grow(pages, int(self.ctl[cg.NPAGES]))  # within the reservation: nothing to do
        while int(self.ctl[cg.SP]) + needs.pushes > len(self.stack_bits):
            self.stack_bits = np.concatenate([self.stack_bits, np.zeros_like(self.stack_bits)])
            self.stack_tags = np.concatenate([self.stack_tags, np.zeros_like(self.stack_tags)])
        while int(self.ctl[cg.CSP]) + needs.calls > len(self.calls):
            self.calls = np.concatenate([self.calls, np.zeros_like(self.calls)])
        self._set_capacities()

    def registers(self) -> list[int | float]:
        floats = self.R.view(np.float64)
        return [float(floats[r]) if self.T[r] else int(self.R[r]) for r in range(NUM_REGISTERS)]

    def set_registers(self, values: list) -> None:
        for r, v in enumerate(values):
            if type(v) is float:
                self.R.view(np.float64)[r], self.T[r] = v, 1
            elif type(v) is int:
                self.R[r], self.T[r] = v, 0
            else:
                raise NavmError(f"the compiled engine holds only ints and floats in registers; "
                                f"the quantum backend returned {v!r} for r{r}")

    def stack(self) -> list[int | float]:
        n = int(self.ctl[cg.SP])
        floats = self.stack_bits.view(np.float64)
        return [float(floats[k]) if self.stack_tags[k] else int(self.stack_bits[k]) for k in range(n)]

    def memory(self) -> Memory:
        """The memory image, handed over without copying; the kernel must not run on this state afterwards."""
        live = self.page_keys != EMPTY_PAGE
        order = np.argsort(self.page_keys[live])
        bits, tags = self.pool.hand_over(int(self.ctl[cg.NPAGES]))
        return Memory(self.page_keys[live][order], self.page_index[live][order], bits, tags)

    def result(self) -> VMResult:
        return VMResult(self.registers(), int(self.ctl[cg.STEPS]), self.memory(), self.stack(), "compiled")


def _new_page_table(cap: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full(cap, EMPTY_PAGE, np.int64), np.zeros(cap, np.int64)


def run_compiled(module: ModuleOp, *, max_steps: int | None = None,
                 backend: QuantumHandler | None = None) -> VMResult:
    return CompiledProgram(module).run(max_steps=max_steps, backend=backend)
