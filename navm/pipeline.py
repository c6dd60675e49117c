"""Load → verify → passes (verifying after each) → print: what `navm opt` does."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from xdsl.dialects.builtin import ModuleOp, StringAttr

from navm.frontend import load
from navm.ir.context import make_context, print_module
from navm.ir.navm import DEVICE_ATTR
from navm.ir.verify import verify_module
from navm.passes import parse_pipeline
from navm.perf import gc_paused


def compile_module(
    module: ModuleOp,
    passes: str,
    *,
    device: str | None = None,
    after_each=None,
) -> ModuleOp:
    """Run a pass pipeline on a verified module; `after_each(pass, module)` is called after each."""
    pipeline = parse_pipeline(passes)
    if device is not None:
        from navm.runtime.devices import load_profile

        load_profile(device)  # fail early on a bad name
        module.attributes[DEVICE_ATTR] = StringAttr(device)
    verify_module(module)
    ctx = make_context()
    for p in pipeline:
        p.apply(ctx, module)
        verify_module(module)
        if after_each is not None:
            after_each(p, module)
    return module


def run_pipeline(
    file: Path,
    passes: str,
    *,
    device: str | None,
    print_ir_after_all: bool,
    output: Path | None,
    locations: bool,
    stdout: TextIO,
) -> None:
    def show(p, module):
        stdout.write(f"// -----// IR after {p.name} //----- //\n")
        stdout.write(print_module(module, locations=locations))

    with gc_paused():
        module = compile_module(
            load(file), passes, device=device, after_each=show if print_ir_after_all else None
        )
        text = print_module(module, locations=locations)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    elif not print_ir_after_all or not passes:
        stdout.write(text)


# What `navm compile` runs: everything from source to a scheduled native circuit.
COMPILE_PIPELINE = (
    "unroll,decompose-native,canonicalize,migrate-isa{to=1.1},place,route,"
    "decompose-native,canonicalize,schedule,blockade-check"
)
DEFAULT_DEVICE = "default"


def compile_for_device(module: ModuleOp, device: str = DEFAULT_DEVICE, *, noise: bool = False) -> ModuleOp:
    """The full compilation for a device; with `noise`, the device noise model is inserted too."""
    passes = COMPILE_PIPELINE + (",insert-noise" if noise else "")
    return compile_module(module, passes, device=device)
