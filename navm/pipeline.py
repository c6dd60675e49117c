"""Load → verify → passes (verifying after each) → print: what `navm opt` does; and the compile
pipeline `navm compile`/`navm run` use, with the noise rule (NOISE_MODES)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.passes import ModulePass

from navm.diagnostics import NavmError

from navm.frontend import load
from navm.ir.context import make_context, print_module
from navm.ir.navm import DEVICE_ATTR
from navm.ir.verify import verify_module
from navm.passes import parse_pipeline
from navm.perf import gc_paused
from navm.progress import NO_PROGRESS, Progress, task


def compile_module(
    module: ModuleOp,
    passes: str | Sequence[ModulePass],
    *,
    device: str | None = None,
    after_each=None,
    progress: Progress = NO_PROGRESS,
) -> ModuleOp:
    """Run a pass pipeline (a spec or pass instances) on a verified module;
    `after_each(pass, module)` is called after each."""
    pipeline = parse_pipeline(passes) if isinstance(passes, str) else list(passes)
    if device is not None:
        from navm.devices import load_profile

        load_profile(device)  # fail early on a bad name
        module.attributes[DEVICE_ATTR] = StringAttr(device)
    verify_module(module)
    ctx = make_context()
    with task(progress, "compiling", len(pipeline)) as bar:
        for p in pipeline:
            bar.advance(0, f"compiling: {p.name}")
            p.apply(ctx, module)
            verify_module(module)
            if after_each is not None:
                after_each(p, module)
            bar.advance(1)
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


# What `navm compile` runs: everything from source to a scheduled native circuit, on a fixed lattice
# (atoms stay where `place` puts them, SWAPs bring partners together) ...
COMPILE_PIPELINE = (
    "unroll,decompose-native,canonicalize,migrate-isa{to=1.1},place,route,"
    "decompose-native,canonicalize,schedule,blockade-check"
)
# ... and on a zoned device (idle atoms in storage, the AOD carries each pulse's atoms to gate sites;
# docs/zoned.md).
ZONED_PIPELINE = (
    "unroll,optimize{permute_outputs=true},decompose-native,canonicalize,"
    "migrate-isa{to=1.2,keep_placement=false},stage,zoned-place,move-route,schedule,move-check"
)


def pipeline_for(device: str) -> str:
    """The compile pipeline for a device: the zoned one for profiles with an architecture section."""
    from navm.devices import load_profile

    return ZONED_PIPELINE if load_profile(device).zoned else COMPILE_PIPELINE
DEFAULT_DEVICE = "zoned"

NOISE_MODES = ("program", "device", "none")
"""Which noise a compiled circuit carries (docs/cli.md, "Noise"):
- "program": the channels written in the program, and nothing else (the default);
- "device": those and the device's noise model on top (`--noise`, the `insert-noise` pass);
- "none": no channel at all, the program's own stripped too (`--no-noise`, `strip-noise`)."""


@dataclass(frozen=True)
class NoiseApplied:
    """What noise a compiled circuit carries: the mode and the channels by kind and origin."""

    mode: str
    program: dict[str, int] = field(default_factory=dict)
    device: dict[str, int] = field(default_factory=dict)
    stripped: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"mode": self.mode, "program_channels": self.program, "device_channels": self.device,
                "stripped_channels": self.stripped}

    def describe(self) -> str:
        """One line for a header: which channels act, and how to change that."""
        if self.mode == "none":
            return ("none: --no-noise stripped the program's " + _channels(self.stripped)) if self.stripped \
                else "none (--no-noise; the program has no noise channels)"
        own = f"the program's {_channels(self.program)}" if self.program else "the program has no noise channels"
        if self.mode == "device":
            return f"{own}; the device model: {_channels(self.device)}"
        return own + "; --noise adds the device model" + (", --no-noise strips them" if self.program else "")


def _channels(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return "0 channels"
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return f"{total} channel{'s' if total != 1 else ''} ({parts})"


def module_channels(module: ModuleOp) -> dict[str, int]:
    """Noise channels by kind over every `navm.circuit` of a module."""
    from navm.ir.navm import CircuitOp
    from navm.ir.noise import channel_counts

    total: dict[str, int] = {}
    for op in module.body.block.ops:
        if isinstance(op, CircuitOp):
            for kind, n in channel_counts(op.gate_table.opcode).items():
                total[kind] = total.get(kind, 0) + n
    return total


def compile_passes(device: str = DEFAULT_DEVICE, *, seed: int | None = None,
                   options: Sequence[str] = ()) -> list[ModulePass]:
    """The compile pipeline's passes for `device`; `seed` goes to every pass with a seed (place, route),
    and each of `options` (`place{override=true}`) sets options of that pass wherever it runs."""
    spec = pipeline_for(device)
    passes = parse_pipeline(spec)
    if seed is not None:
        passes = [dataclasses.replace(p, seed=seed) if hasattr(p, "seed") else p for p in passes]
    from navm.passes import PASSES
    from navm.passes.spec import parse_pass_options

    for spec in options:
        for cls, values in parse_pass_options(spec, PASSES, origin="--pass-option"):
            if not any(p.name == cls.name for p in passes):
                raise NavmError(f"--pass-option: '{cls.name}' is not part of the compile pipeline",
                                notes=(f"the pipeline for {device}: {spec}",
                                       "use `navm opt -p` to run other passes"))
            passes = [dataclasses.replace(p, **values) if p.name == cls.name else p for p in passes]
    return passes


def compile_program(module: ModuleOp, device: str = DEFAULT_DEVICE, *, noise: str = "program",
                    seed: int | None = None, options: Sequence[str] = (),
                    progress: Progress = NO_PROGRESS) -> tuple[ModuleOp, NoiseApplied]:
    """The full compilation for a device, with the noise of `noise` (NOISE_MODES)."""
    if noise not in NOISE_MODES:
        raise NavmError(f"noise must be one of {', '.join(NOISE_MODES)}, not {noise!r}")
    compile_module(module, compile_passes(device, seed=seed, options=options), device=device, progress=progress)
    program = module_channels(module)
    if noise == "program":
        return module, NoiseApplied("program", program)
    compile_module(module, "strip-noise" if noise == "none" else "insert-noise")
    if noise == "none":
        return module, NoiseApplied("none", stripped=program)
    after = module_channels(module)
    return module, NoiseApplied("device", program, {k: n - program.get(k, 0) for k, n in after.items()
                                                    if n - program.get(k, 0)})


def compile_for_device(module: ModuleOp, device: str = DEFAULT_DEVICE, *, noise: bool = False) -> ModuleOp:
    """The full compilation for a device, keeping the program's own noise; with `noise`, the device
    noise model is inserted too."""
    return compile_program(module, device, noise="device" if noise else "program")[0]
