"""The `navm` command.

Every user error is printed as `file:line:column: error: message` (or
`error: --option: message` for a bad option) with the source line and a
caret, and exits with status 2; options are checked as they are parsed,
before any work. Internal errors say so and exit with 70; set NAVM_DEBUG=1
to see their traceback. Heavy modules are imported inside the commands, so
`navm --help` and a small compile start fast (benchmarks/startup.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from navm.commands import fast_params
from navm.commands.console import err_console, out_console
from navm.commands.devices import devices_app
from navm.commands.options import (
    NOISE_HELP,
    PASS_OPTION_HELP,
    SEED_HELP,
    check_choice,
    check_observables,
    check_output,
    check_seed,
    check_shots,
    noise_mode,
)
from navm.commands.routes import routes_app
from navm.commands.health import health_app
from navm.commands.service import keys_app, tenants_app
from navm.diagnostics import NavmError

fast_params.install()  # option values converted without pydantic (navm/commands/fast_params.py)

app = typer.Typer(
    name="navm",
    help="Compiler and runtime for neutral-atom quantum computers.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 70
DEFAULT_DEVICE = "zoned"  # navm.pipeline.DEFAULT_DEVICE, repeated so --help needs no compiler import

FILE_HELP = "A .qbc, .sigma.json, .qasm or IR-text (.mlir) file, or module.py:kernel (bloqade)."
DEVICE_HELP = "Device profile: a built-in name (navm devices) or a JSON file."


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out_console.print(f"navm {version('navm')}", markup=False)
        raise typer.Exit()


@app.callback()
def navm(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print navm's version and exit.")) -> None:
    """Compiler and runtime for neutral-atom quantum computers."""


def _progress(json_output: bool):
    from navm.commands.progress_bar import progress_for

    return progress_for(err_console, json_output=json_output)


@app.command()
def opt(
    file: Path = typer.Argument(..., help=FILE_HELP, show_default=False),
    passes: str = typer.Option("", "-p", "--passes",
                               help="Comma-separated pass pipeline, e.g. 'unroll,place{seed=7,override=true}'."),
    device: Optional[str] = typer.Option(None, "--device", help=DEVICE_HELP),
    print_ir_after_all: bool = typer.Option(False, "--print-ir-after-all", help="Print the IR after every pass."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", callback=check_output,
                                          help="Write the final IR here instead of stdout."),
    locations: bool = typer.Option(True, "--locations/--no-locations", help="Print source locations in the IR."),
) -> None:
    """Parse FILE, run a pass pipeline on it, print the IR."""
    from navm.passes import parse_pipeline
    from navm.pipeline import run_pipeline

    parse_pipeline(passes)  # a bad pipeline fails before the file is read
    run_pipeline(file, passes, device=device, print_ir_after_all=print_ir_after_all,
                 output=output, locations=locations, stdout=sys.stdout)


@app.command()
def compile(
    file: str = typer.Argument(..., help=FILE_HELP, show_default=False),
    device: str = typer.Option(DEFAULT_DEVICE, "--device", help=DEVICE_HELP),
    emit: str = typer.Option("schedule", "--emit", callback=check_choice("emit", ("ir", "stim", "qasm2", "naviz",
                                                                                   "schedule", "json")),
                             help="What to print: schedule, ir, stim, qasm2, naviz (zoned devices) or json."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", callback=check_output,
                                          help="Write it here instead of stdout."),
    svg: Optional[Path] = typer.Option(None, "--svg", callback=check_output,
                                       help="Also draw the sites and Rydberg stages as SVG."),
    noise: Optional[bool] = typer.Option(None, "--noise/--no-noise", help=NOISE_HELP, show_default=False),
    seed: Optional[int] = typer.Option(None, "--seed", callback=check_seed, help=SEED_HELP, show_default=False),
    pass_option: List[str] = typer.Option([], "--pass-option", "-P", help=PASS_OPTION_HELP, show_default=False),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object: the same as --emit json."),
) -> None:
    """Compile FILE for a device: native gates, placement, routing, schedule."""
    from navm.commands.compile import CompileRequest, compile_command
    from navm.pipeline import compile_passes

    compile_passes(device, seed=seed, options=pass_option)  # a bad device or pass option fails before any work
    req = CompileRequest(file, device, "json" if json_output else emit, output, svg, noise_mode(noise), seed,
                         tuple(pass_option))
    compile_command(req, console=out_console, progress=_progress(json_output or emit != "schedule"))


@app.command()
def run(
    file: str = typer.Argument(..., help=FILE_HELP, show_default=False),
    device: str = typer.Option(DEFAULT_DEVICE, "--device", help=DEVICE_HELP),
    backend: str = typer.Option("statevector", "--backend", callback=check_choice("backend", ("statevector", "stim")),
                                help="statevector or stim."),
    shots: int = typer.Option(1024, "--shots", callback=check_shots, help="Number of shots."),
    seed: int = typer.Option(0, "--seed", callback=check_seed, help="Sampling seed (same seed, same counts)."),
    noise: Optional[bool] = typer.Option(None, "--noise/--no-noise", help=NOISE_HELP, show_default=False),
    observable: List[str] = typer.Option([], "--observable", callback=check_observables, show_default=False,
                                         help="A Pauli string over the program's qubits, qubit 0 leftmost "
                                              "(e.g. ZZI): print its expectation value. Repeatable."),
    pass_option: List[str] = typer.Option([], "--pass-option", "-P", help=PASS_OPTION_HELP, show_default=False),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object (see docs/cli.md)."),
    detectors: bool = typer.Option(False, "--detectors", help="stim: sample detectors and observables too."),
    dem: bool = typer.Option(False, "--dem", help="stim: print the detector error model."),
) -> None:
    """Compile FILE for a device and run it on a simulator; print counts."""
    from navm.commands.run import RunRequest, check_request, run_command
    from navm.pipeline import compile_passes

    req = RunRequest(file, device, backend, shots, seed, noise_mode(noise), tuple(observable), detectors, dem,
                     None, tuple(pass_option))
    check_request(req)
    compile_passes(device, options=pass_option)
    run_command(req, json_output=json_output, console=out_console, progress=_progress(json_output))


@app.command()
def evaluate(
    file: str = typer.Argument(..., help="A .naviz program (MQT QMAP's zoned output) or an ISA 1.2 navm program.",
                               show_default=False),
    device: str = typer.Option("zoned", "--device", help="A zoned device profile: a built-in name or a JSON file."),
    check: bool = typer.Option(True, "--check/--no-check",
                               help="Run move-check first (default); --no-check scores a program that breaks a rule."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object (see docs/cli.md)."),
) -> None:
    """Score a zoned program: move-check, then every fidelity model with its factors."""
    from navm.commands.evaluate import EvaluateRequest, evaluate_command

    evaluate_command(EvaluateRequest(file, device, check), json_output=json_output, console=out_console)


@app.command("exec")
def exec_(
    file: str = typer.Argument(..., help="A QBC program (.qbc).", show_default=False),
    engine: str = typer.Option("compiled", "--engine", callback=check_choice("engine", ("compiled", "reference")),
                               help="compiled (native code) or reference (the interpreter)."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", callback=check_seed, show_default=False,
                                            help="Trap after this many instructions."),
    region: List[str] = typer.Option([], "--region", show_default=False,
                                     help="Print memory: BASE,ENTRY_BYTES,COUNT[,NAME:int|float...], "
                                          "e.g. 0x1000,16,4,node:int,sigma:float. Repeatable."),
    limit: int = typer.Option(20, "--limit", callback=check_seed, help="Region entries shown per table."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Run a classical QBC program on the VM; print its registers and, with --region, memory."""
    from navm.commands.exec import exec_command, parse_region

    specs = [parse_region(text) for text in region]
    exec_command(file, engine=engine, max_steps=max_steps, regions=specs, limit=limit, json_output=json_output,
                 console=out_console, progress=_progress(json_output))


@app.command()
def passes(json_output: bool = typer.Option(False, "--json", help="Print one JSON array.")) -> None:
    """List the passes: what each does, and its options as -p writes them."""
    from navm.commands.passes import passes_command

    passes_command(json_output=json_output, console=out_console)


SERVER_HELP = "The job service's URL (else NAVM_SERVER, else the config file; docs/client.md)."
KEY_HELP = "API key (else NAVM_API_KEY, else the config file)."


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    data: Optional[str] = typer.Option(None, "--data", help="Data folder (the SQLite database) [default: navm-data]."),
    db: Optional[str] = typer.Option(None, "--db", help="Database URL instead: postgresql://USER:PASSWORD@HOST/NAME."),
    workers: int = typer.Option(2, "--workers", help="Jobs run at once (worker processes or Ray tasks)."),
    executor: str = typer.Option("local", "--executor", callback=check_choice("executor", ("local", "ray")),
                                 help="local (spawned processes) or ray."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="A Ray cluster (else a local one)."),
    time_limit: float = typer.Option(600.0, "--time-limit", help="Seconds a job may run."),
    memory_limit: float = typer.Option(4096.0, "--memory-limit", help="MiB a local worker may use."),
    max_body: int = typer.Option(1 << 20, "--max-body", help="Largest request body, in bytes."),
    heartbeat_every: Optional[str] = typer.Option(None, "--heartbeat-every", help="Run a lattice heartbeat this "
                                                  "often (4s, 500ms, 2m); docs/health.md.", show_default=False),
    lattice_nodes: Optional[int] = typer.Option(None, "--lattice-nodes", help="Watch a generated triangular "
                                                "lattice of N nodes [default with --heartbeat-every: 5000].",
                                                show_default=False),
    lattice_table: Optional[str] = typer.Option(None, "--lattice-table", help="Watch the lattice of this routing "
                                                "table file instead.", show_default=False),
    lattice_device: str = typer.Option("square-16x16", "--lattice-device", help="The device the heartbeat "
                                       "compiles for (its noise model)."),
    heartbeat_keep: int = typer.Option(1000, "--heartbeat-keep", help="Heartbeats whose node arrays are kept."),
    alert_threshold: float = typer.Option(0.9, "--alert-threshold", help="Alert below this W fidelity."),
    alert_drop: float = typer.Option(0.05, "--alert-drop", help="Alert this far below a node's moving average."),
) -> None:
    """Run the job service: HTTP API, job manager and workers (docs/service.md); with a lattice, its
    heartbeats, alerts and dashboard (docs/health.md)."""
    from navm.commands.service import LatticeOptions, serve as serve_command

    lattice = LatticeOptions(heartbeat_every, lattice_nodes, lattice_table, lattice_device, heartbeat_keep,
                             alert_threshold, alert_drop)
    serve_command(host, port, data, db, workers, executor, ray_address, time_limit, memory_limit, max_body, lattice)


@app.command()
def submit(
    file: str = typer.Argument(..., help="A .qbc, .sigma.json or .qasm file.", show_default=False),
    server: Optional[str] = typer.Option(None, "--server", help=SERVER_HELP, show_default=False),
    key: Optional[str] = typer.Option(None, "--key", help=KEY_HELP, show_default=False),
    target: str = typer.Option(DEFAULT_DEVICE, "--target", "--device", help="A device the service has (GET /v1/targets)."),
    backend: str = typer.Option("statevector", "--backend", help="statevector, stim, or another the target lists."),
    shots: int = typer.Option(1024, "--shots", callback=check_shots, help="Number of shots."),
    seed: int = typer.Option(0, "--seed", callback=check_seed, help="Sampling seed."),
    noise: Optional[bool] = typer.Option(None, "--noise/--no-noise", help=NOISE_HELP, show_default=False),
    tag: List[str] = typer.Option([], "--tag", help="A tag (repeat for more).", show_default=False),
    wait: bool = typer.Option(False, "--wait", help="Wait for the job and print its result."),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="With --wait: give up after this many seconds."),
    json_output: bool = typer.Option(False, "--json", help="JSON: the job, or with --wait the result "
                                                          "(the same object as navm run --json)."),
) -> None:
    """Submit FILE to the job service."""
    from navm.commands import jobs

    jobs.submit(file, server, key, target, backend, shots, seed, noise_mode(noise), tag, wait, json_output, timeout)


@app.command("jobs")
def jobs_(
    server: Optional[str] = typer.Option(None, "--server", help=SERVER_HELP, show_default=False),
    key: Optional[str] = typer.Option(None, "--key", help=KEY_HELP, show_default=False),
    state: Optional[str] = typer.Option(None, "--state", help="Only jobs in this state."),
    tag: Optional[str] = typer.Option(None, "--tag", help="Only jobs with this tag."),
    limit: int = typer.Option(20, "--limit", help="At most this many, newest first."),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List your jobs on the job service."""
    from navm.commands import jobs

    jobs.jobs(server, key, state, tag, limit, json_output)


@app.command()
def job(job_id: str = typer.Argument(...),
        server: Optional[str] = typer.Option(None, "--server", help=SERVER_HELP, show_default=False),
        key: Optional[str] = typer.Option(None, "--key", help=KEY_HELP, show_default=False)) -> None:
    """Print a job (JSON)."""
    from navm.commands import jobs

    jobs.job(server, key, job_id)


@app.command()
def result(job_id: str = typer.Argument(...),
           server: Optional[str] = typer.Option(None, "--server", help=SERVER_HELP, show_default=False),
           key: Optional[str] = typer.Option(None, "--key", help=KEY_HELP, show_default=False)) -> None:
    """Print a completed job's result (JSON, as navm run --json)."""
    from navm.commands import jobs

    jobs.result(server, key, job_id)


@app.command()
def cancel(job_id: str = typer.Argument(...),
           server: Optional[str] = typer.Option(None, "--server", help=SERVER_HELP, show_default=False),
           key: Optional[str] = typer.Option(None, "--key", help=KEY_HELP, show_default=False)) -> None:
    """Cancel a job."""
    from navm.commands import jobs

    jobs.cancel(server, key, job_id)


@app.command()
def watch(job_id: str = typer.Argument(...),
          server: Optional[str] = typer.Option(None, "--server", help=SERVER_HELP, show_default=False),
          key: Optional[str] = typer.Option(None, "--key", help=KEY_HELP, show_default=False),
          json_output: bool = typer.Option(False, "--json", help="Print the events as JSON lines.")) -> None:
    """Follow a job: a progress bar fed by its event stream."""
    from navm.commands import jobs

    jobs.watch(server, key, job_id, json_output)


app.add_typer(devices_app, name="devices")
app.add_typer(routes_app, name="routes")
app.add_typer(keys_app, name="keys")
app.add_typer(health_app, name="health")
app.add_typer(tenants_app, name="tenants")


def _usage_error(err) -> str:
    """A click usage error in navm's style: `error: --shots: …` and where to read more."""
    param = getattr(err, "param", None)
    hint = getattr(err, "param_hint", None)
    name = None
    if param is not None:
        name = "/".join(o for o in getattr(param, "opts", []) if o.startswith("--")) or param.name.upper()
    elif isinstance(hint, str):
        name = hint.strip("'\"")
    from typer._click.exceptions import BadParameter, MissingParameter

    message = err.message if isinstance(err, BadParameter) and err.message else err.format_message()
    if isinstance(err, MissingParameter) and param is not None:
        kind = "argument" if not getattr(param, "opts", [""])[0].startswith("-") else "option"
        message, name = f"missing {kind} {name if kind == 'option' else param.name.upper()}", None
    if "valid integer" in message:
        message = "expects a whole number"
    message = message[:1].lower() + message[1:] if message[:2] != message[:2].upper() else message
    ctx = getattr(err, "ctx", None)
    command = ctx.command_path if ctx is not None else "navm"
    text = f"error: {name}: {message}" if name else f"error: {message}"
    return f"{text}\n  note: see `{command} --help`"


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, mapping errors to exit statuses."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
    from typer.exceptions import Abort, Exit

    try:
        result = app(args=argv, prog_name="navm", standalone_mode=False)
    except NoArgsIsHelpError:  # `navm` alone: Typer has printed the help; the usage-error status
        return EXIT_USER_ERROR
    except UsageError as err:
        err_console.print(_usage_error(err), markup=False)
        return EXIT_USER_ERROR
    except Exit as done:
        return done.exit_code
    except Abort:
        err_console.print("aborted", markup=False)
        return 130
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except NavmError as err:
        err_console.print(err.render(), markup=False)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        err_console.print("interrupted", markup=False)
        return 130
    except Exception as err:
        if os.environ.get("NAVM_DEBUG"):
            raise
        err_console.print(
            f"internal error: {type(err).__name__}: {err}\n"
            "  this is a bug in navm; rerun with NAVM_DEBUG=1 for the traceback and report it",
            markup=False,
        )
        return EXIT_INTERNAL_ERROR
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
