"""Whole-module verification with user-facing errors.

xDSL's verifier checks each op; this adds the module-level rules (supported ISA
version, instructions available in it, labels) and turns any failure into a
NavmError at the offending op's (or table row's) source position.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.utils.exceptions import DiagnosticException, VerifyException

from navm.diagnostics import NavmError
from navm.ir.instruction_set import SUPPORTED_ISA_VERSIONS
from navm.ir.locations import op_location
from navm.ir.navm import ISA_ATTR, RowVerifyException, isa_version
from navm.ir.operands import LabelAttr
from navm.ir.qbc import LabelOp, QbcInstruction

ENTRY_ATTR = "qbc.entry_point"


def verify_module(module: ModuleOp) -> None:
    """Raise NavmError unless `module` is valid navm IR."""
    attr = module.attributes.get(ISA_ATTR)
    if attr is not None and not (isinstance(attr, StringAttr) and attr.data in SUPPORTED_ISA_VERSIONS):
        raise NavmError(
            f"unknown ISA version {attr}; supported: {', '.join(SUPPORTED_ISA_VERSIONS)}",
            op_location(module),
        )
    _verify_ops(module)
    _verify_qbc_program(module)


def _verify_ops(module: ModuleOp) -> None:
    for op in module.body.block.ops:
        try:
            op.verify()
        except RowVerifyException as err:
            raise NavmError(f"invalid {op.name}: {err}", err.loc or op_location(op), notes=err.notes) from None
        except (VerifyException, DiagnosticException) as err:
            message = str(err).strip().splitlines()[0] if str(err).strip() else "verification failed"
            raise NavmError(f"invalid {op.name}: {message}", op_location(op)) from None


def _verify_qbc_program(module: ModuleOp) -> None:
    version = isa_version(module)
    labels: dict[str, LabelOp] = {}
    uses: list[tuple[str, QbcInstruction]] = []
    for op in module.body.block.ops:
        if isinstance(op, LabelOp):
            name = op.sym_name.data
            if name in labels:
                raise NavmError(f"duplicate label '{name}'", op_location(op))
            labels[name] = op
        elif isinstance(op, QbcInstruction):
            if not op.SIGNATURE.available_in(version):
                raise NavmError(
                    f"{op.SIGNATURE.mnemonic} is not available in ISA {version}", op_location(op)
                )
            uses.extend((a.data, op) for a in op.args.data if isinstance(a, LabelAttr))
    for name, op in uses:
        if name not in labels:
            raise NavmError(f"undefined label '{name}'", op_location(op))
    entry = module.attributes.get(ENTRY_ATTR)
    if isinstance(entry, StringAttr) and entry.data not in labels:
        raise NavmError(f"entry point '{entry.data}' is not a label", op_location(module))
