"""What keeps `navm` quick to start (benchmarks/startup.py): what each command imports, option values
converted without pydantic (navm/commands/fast_params.py) exactly as Typer converts them, and the console
script's process handling (navm/__main__.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import pytest
import typer
import typer.core

from navm.commands import fast_params

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("jax", "scipy", "jsonschema", "pydantic", "llvmlite", "networkx", "stim", "qiskit",
         # the job service's libraries: only `navm serve` and the client commands load them
         "fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "httpx", "prometheus_client", "ray")

_IMPORTED = r"""
import io, json, sys, contextlib
from navm.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def _imported(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", _IMPORTED, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["rc"] == 0
    return set(out["modules"])


def test_compile_imports_no_simulator_vm_or_validation_library():
    loaded = _imported("compile", "examples/qbc/bell.qbc")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_run_imports_jax_and_nothing_else_heavy():
    loaded = _imported("run", "examples/qbc/bell.qbc", "--shots", "10")
    assert "jax" in loaded
    assert not loaded & {"scipy", "jsonschema", "pydantic", "llvmlite"}


def test_exec_imports_llvmlite_but_not_jax():
    loaded = _imported("exec", "examples/lattice.qbc")
    assert "llvmlite" in loaded
    assert not loaded & {"jax", "scipy", "jsonschema", "pydantic"}


# --- option values: the fast converter agrees with Typer's own -------------------------------------------

_probe = typer.Typer()
_seen: dict = {}


@_probe.command()
def _cmd(name: str = typer.Argument(...), count: int = typer.Option(1, "--count"),
         limit: Optional[int] = typer.Option(None, "--limit"), out: Optional[Path] = typer.Option(None, "--out"),
         tag: List[str] = typer.Option([], "--tag"), flag: bool = typer.Option(False, "--flag"),
         mode: Optional[bool] = typer.Option(None, "--on/--off")) -> None:
    _seen.update(name=name, count=count, limit=limit, out=out, tag=tag, flag=flag, mode=mode)


def _invoke(args: list[str], builder) -> tuple[str, object]:
    """Run the probe command with `builder` as Typer's converter factory: ("ok", values) or ("error", text)."""
    saved = typer.core.build_runtime_param
    typer.core.build_runtime_param = builder
    _seen.clear()
    try:
        _probe(args=args, prog_name="probe", standalone_mode=False)
        return "ok", dict(_seen)
    except Exception as err:  # click usage errors: compare their class and words
        return "error", f"{type(err).__name__}: {getattr(err, 'message', err)}"
    finally:
        typer.core.build_runtime_param = saved


CASES = [
    ["x"], ["x", "--count", "12"], ["x", "--count", "007"], ["x", "--count", "-3"], ["x", "--count", "0x10"],
    ["x", "--count", "1_000"], ["x", "--count", " 5"], ["x", "--count", "abc"], ["x", "--count", ""],
    ["x", "--count", "1.0"], ["x", "--count", "1.5"], ["x", "--count", "99999999999999999999999"],
    ["x", "--limit", "4"], ["x", "--limit", "four"], ["x", "--out", "o.txt"], ["x", "--out", ""],
    ["x", "--out", "-"], ["x", "--out", "."], ["x", "--tag", "a", "--tag", "b{c=1}"], ["x", "--flag"],
    ["x", "--off"], ["x", "--on"], ["ünï", "--tag", ""], [""], ["x", "--count"],
]


@pytest.mark.parametrize("args", CASES, ids=[" ".join(a) or "(empty)" for a in CASES])
def test_fast_conversion_agrees_with_typer(args):
    fast_params.install()
    original = fast_params._typer_build
    assert original is not None and original is not fast_params.build_runtime_param
    assert _invoke(args, fast_params.build_runtime_param) == _invoke(args, original)


def test_install_is_idempotent():
    fast_params.install()
    first = fast_params._typer_build
    fast_params.install()
    assert fast_params._typer_build is first
    assert typer.core.build_runtime_param is fast_params.build_runtime_param


# --- the console script (navm/__main__.py) -------------------------------------------------------------


def _entry(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NAVM_DEBUG"}
    return subprocess.run([sys.executable, "-m", "navm", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=600)


def test_console_script_prints_everything_and_keeps_the_status(capsys):
    from tests.helpers import run_cli

    rc, out, _ = run_cli("compile", "examples/qbc/bell.qbc", "--emit", "ir", capsys=capsys)
    proc = _entry("compile", "examples/qbc/bell.qbc", "--emit", "ir")
    assert (proc.returncode, proc.stdout) == (rc, out) == (0, out)
    bad = _entry("compile", "examples/qbc/no-such-file.qbc")
    assert bad.returncode == 2 and "error" in bad.stderr


def test_console_script_runs_atexit_handlers():
    code = ("import atexit, sys; atexit.register(lambda: print('handler ran', file=sys.stderr)); "
            "from navm.__main__ import main; sys.argv[1:] = ['--version']; main()")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and proc.stdout.startswith("navm ") and "handler ran" in proc.stderr


def test_console_script_defers_collections_and_main_does_not(capsys):
    import gc

    from tests.helpers import run_cli

    before = gc.get_threshold()
    assert run_cli("--version", capsys=capsys)[0] == 0
    assert gc.get_threshold() == before  # in-process callers keep their collector settings
    code = ("import gc, sys, navm.cli; from navm.__main__ import main; "
            "navm.cli.main = lambda: print(gc.get_threshold()[0]) or 0; main()")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and int(proc.stdout) >= 250_000
