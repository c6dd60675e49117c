"""The `navm` command.

Every user error is printed as `file:line:column: error: message` with the
source line and a caret, and exits with status 2. Internal errors say so and
exit with 70; set NAVM_DEBUG=1 to see their traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from navm.commands.routes import routes_app
from navm.diagnostics import NavmError

app = typer.Typer(
    name="navm",
    help="Compiler and runtime for neutral-atom quantum computers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)  # "a.md:x:" is not an emoji
out_console = Console(highlight=False, soft_wrap=True, emoji=False)

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 70


@app.command()
def opt(
    file: Path = typer.Argument(..., help="A .qbc, .sigma.json, .qasm or IR-text (.mlir) file, or module.py:kernel (bloqade).", show_default=False),
    passes: str = typer.Option("", "-p", "--passes", help="Comma-separated pass pipeline, e.g. 'unroll,canonicalize'."),
    device: Optional[str] = typer.Option(None, "--device", help="Device profile: a built-in name or a JSON file."),
    print_ir_after_all: bool = typer.Option(False, "--print-ir-after-all", help="Print the IR after every pass."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the final IR here instead of stdout."),
    locations: bool = typer.Option(True, "--locations/--no-locations", help="Print source locations in the IR."),
) -> None:
    """Parse FILE, run a pass pipeline on it, print the IR."""
    from navm.pipeline import run_pipeline

    run_pipeline(
        file, passes, device=device, print_ir_after_all=print_ir_after_all,
        output=output, locations=locations, stdout=sys.stdout,
    )


@app.command()
def compile(
    file: str = typer.Argument(..., help="A .qbc, .sigma.json, .qasm or IR-text file, or module.py:kernel (bloqade).", show_default=False),
    device: str = typer.Option("default", "--device", help="Device profile: a built-in name or a JSON file."),
    emit: str = typer.Option("schedule", "--emit", help="What to print: ir, stim, qasm2, schedule or json."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write it here instead of stdout."),
    svg: Optional[Path] = typer.Option(None, "--svg", help="Also draw the sites and Rydberg stages as SVG."),
    noise: bool = typer.Option(False, "--noise/--no-noise", help="Insert the device noise model (ir/stim output)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object: the same as --emit json."),
) -> None:
    """Compile FILE for a device: native gates, placement, routing, schedule."""
    from navm.commands.compile import compile_command

    compile_command(file, device=device, emit="json" if json_output else emit, output=output, svg=svg,
                    noise=noise, console=out_console)


@app.command()
def run(
    file: str = typer.Argument(..., help="A .qbc, .sigma.json, .qasm or IR-text file, or module.py:kernel (bloqade).", show_default=False),
    device: str = typer.Option("default", "--device", help="Device profile: a built-in name or a JSON file."),
    backend: str = typer.Option("statevector", "--backend", help="statevector or stim."),
    shots: int = typer.Option(1024, "--shots", min=1, help="Number of shots."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same counts)."),
    noise: bool = typer.Option(False, "--noise/--no-noise", help="Simulate with the device's noise model."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object (see docs/cli.md)."),
    detectors: bool = typer.Option(False, "--detectors", help="stim: sample detectors and observables too."),
    dem: bool = typer.Option(False, "--dem", help="stim: print the detector error model."),
) -> None:
    """Compile FILE for a device and run it on a simulator; print counts."""
    from navm.commands.run import run_command

    run_command(file, device=device, backend=backend, shots=shots, seed=seed, noise=noise,
                json_output=json_output, detectors=detectors, dem=dem, console=out_console)


app.add_typer(routes_app, name="routes")


@app.command()
def passes() -> None:
    """List the registered passes with their options."""
    from xdsl.passes import get_pass_option_infos

    from navm.passes import PASSES

    for name in sorted(PASSES):
        cls = PASSES[name]()
        options = ", ".join(f"{o.name}={o.default_value}" for o in get_pass_option_infos(cls))
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        typer.echo(f"{name}" + (f"{{{options}}}" if options else "") + (f"  {doc}" if doc else ""))


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, mapping errors to exit statuses.

    Typer's standalone mode handles help and usage errors (printing them and
    exiting with 2); navm's own errors and internal errors are handled here.
    """
    try:
        app(args=argv, prog_name="navm", standalone_mode=True)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except NavmError as err:
        err_console.print(err.render(), markup=False)
        return EXIT_USER_ERROR
    except Exception as err:
        if os.environ.get("NAVM_DEBUG"):
            raise
        err_console.print(
            f"internal error: {type(err).__name__}: {err}\n"
            "  this is a bug in navm; rerun with NAVM_DEBUG=1 for the traceback and report it",
            markup=False,
        )
        return EXIT_INTERNAL_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
