"""The base of every navm pass, and how a pass finds the device profile."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from navm.diagnostics import NavmError
from navm.ir.navm import device_name


@dataclass(frozen=True)
class NavmPass(ModulePass):
    """A ModulePass that reads and writes IR only; user errors are NavmErrors."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        self.run(ctx, op)

    @abstractmethod
    def run(self, ctx: Context, module: ModuleOp) -> None: ...


def module_device(module: ModuleOp, explicit: str | None, pass_name: str):
    """The device profile named by the pass option, else by the module's `navm.device`."""
    from navm.devices import load_profile

    name = explicit or device_name(module)
    if not name:
        raise NavmError(
            f"{pass_name} needs a device profile: pass --device PROFILE "
            f"or the option {pass_name}{{device=PROFILE}}"
        )
    return load_profile(name)


PERMUTATION_ATTR = "navm.output_permutation"
"""Module attribute: entry k = the qubit (atom) holding program qubit k's state at the end."""


def record_output_permutation(module: ModuleOp, final: list[int]) -> None:
    """Compose `final` (qubit k's state now ends on final[k]) into the module's output permutation."""
    from xdsl.dialects.builtin import ArrayAttr, IntAttr

    previous = module.attributes.get(PERMUTATION_ATTR)
    if isinstance(previous, ArrayAttr):
        final = [final[a.data] for a in previous.data]
    module.attributes[PERMUTATION_ATTR] = ArrayAttr([IntAttr(a) for a in final])


def placed_sites(op, pass_name: str):
    """The site of every qubit of a circuit op; an error naming `pass_name` if any is unplaced."""
    sites = op.qubit_placement.sites
    if sites is None or (sites < 0).any():
        raise NavmError(f"{pass_name} needs every qubit on a device site: run `place` first")
    return sites
