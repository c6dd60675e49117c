"""Make a kernel straight-line with bloqade's own passes: loops unrolled, calls inlined, constants folded.

The kernel itself is never changed: arguments are bound on a copy and the passes run
on that copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bloqade.rewrite.passes import AggressiveUnroll
from kirin import ir
from kirin.dialects import func, ilist, py
from kirin.rewrite import (
    CFGCompactify,
    Chain,
    CommonSubexpressionElimination,
    DeadCodeElimination,
    Fixpoint,
    Inline,
    Walk,
)
from kirin.rewrite.abc import RewriteResult

from navm.diagnostics import NavmError
from navm.frontend.kirin.source import is_library, kernel_location


def flatten(kernel: ir.Method, args: Sequence[object] = ()) -> ir.Method:
    """A copy of `kernel` with `args` bound, unrolled and inlined until it no longer changes."""
    method = bind_arguments(kernel, tuple(args))
    try:
        # no_raise=False: a pass that fails should say why, not leave a half-unrolled kernel behind
        Unroll(method.dialects, no_raise=False).fixpoint(method)
    except Exception as err:  # noqa: BLE001 - whatever bloqade raises becomes a user error
        first = (str(err).strip().splitlines() or [""])[0]
        raise NavmError(f"bloqade's passes could not unroll kernel '{kernel.sym_name}': "
                        f"{type(err).__name__}: {first}", kernel_location(kernel)) from None
    return method


def bind_arguments(kernel: ir.Method, args: tuple[object, ...]) -> ir.Method:
    """A copy of `kernel` whose parameters are the constants `args` (as bloqade's cirq emitter binds them)."""
    names = list(kernel.arg_names or [])[1:]  # arg_names[0] is the kernel itself
    where = kernel_location(kernel)
    if len(args) != len(names):
        if not args:
            raise NavmError(
                f"kernel '{kernel.sym_name}' takes arguments ({', '.join(names)}); bind them with "
                f"load_kernel({kernel.sym_name}, args=(...)), or call it from a kernel without arguments",
                where,
            )
        raise NavmError(f"kernel '{kernel.sym_name}' takes {len(names)} argument(s) "
                        f"({', '.join(names)}), got {len(args)}", where)
    if not args:
        return kernel.similar()
    region = kernel.callable_region.clone()
    entry = region.blocks[0]
    first = entry.first_stmt
    for value, block_arg in zip(args, list(entry.args)[1:]):
        constant = py.Constant(value)
        constant.result.name = block_arg.name
        constant.source = kernel.code.source
        constant.insert_before(first)
        block_arg.replace_by(constant.result)
        entry.args.delete(block_arg)
    signature = func.Signature(inputs=(), output=kernel.return_type)
    code = func.Function(sym_name=kernel.sym_name, signature=signature, body=region)
    code.source = kernel.code.source
    return ir.Method(dialects=kernel.dialects, code=code, sym_name=kernel.sym_name, mod=kernel.mod,
                     py_func=kernel.py_func, file=kernel.file, lineno_begin=kernel.lineno_begin)


@dataclass
class InlineAtCallSite(Inline):
    """kirin's Inline, except that code inlined from bloqade's or kirin's libraries (the
    `squin.h` wrapper, `qalloc`, …) takes the position of the user's call: errors and IR
    locations then point at the kernel the user wrote."""

    def inline_call_like(self, call_like: ir.Statement, args: tuple[ir.SSAValue, ...], region: ir.Region):
        if call_like.source is not None and not is_library(call_like.source):
            region = region.clone()
            for stmt in region.walk():
                if is_library(stmt.source):
                    stmt.source = call_like.source
        super().inline_call_like(call_like, args, region)


@dataclass
class Unroll(AggressiveUnroll):
    """bloqade's AggressiveUnroll (the pass its cirq and qasm2 emitters run), with the call-site
    inlining above. The steps are those of bloqade-circuit 0.15.4's `AggressiveUnroll.unsafe_run`."""

    def unsafe_run(self, mt: ir.Method) -> RewriteResult:
        result = self.fold.unsafe_run(mt)
        result = self.scf_unroll.unsafe_run(mt).join(result)
        self.typeinfer.unsafe_run(mt)  # not joined, as in bloqade: it would keep the fixpoint going
        result = Walk(Chain(ilist.rewrite.ConstList2IList(), ilist.rewrite.Unroll())).rewrite(mt.code).join(result)
        result = Walk(InlineAtCallSite(self.inline_heuristic)).rewrite(mt.code).join(result)
        result = Walk(Fixpoint(CFGCompactify())).rewrite(mt.code).join(result)
        result = self.canonicalize_ilist.fixpoint(mt).join(result)
        rule = Chain(CommonSubexpressionElimination(), DeadCodeElimination())
        return Walk(rule).rewrite(mt.code).join(result)
