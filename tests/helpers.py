"""Helpers shared by the tests: compile programs from tests/programs, run the CLI in-process."""

from __future__ import annotations

import importlib.util
import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

from navm.frontend import load
from navm.ir.context import print_module
from navm.pipeline import compile_module

TESTS = Path(__file__).parent
PROGRAMS = TESTS / "programs"


def compile_program(name: str, passes: str = "", device: str | None = None):
    """Load tests/programs/NAME (relative path, so locations are stable) and run passes."""
    return compile_module(load(Path("programs") / name), passes, device=device)


def ir_after_each(name: str, passes: str, device: str | None = None) -> str:
    """The IR of tests/programs/NAME as loaded and after each pass, as one text."""
    parts = []
    module = load(Path("programs") / name)
    parts.append("// loaded\n" + print_module(module))

    def show(p, m):
        parts.append(f"// after {p.name}\n" + print_module(m))

    compile_module(module, passes, device=device, after_each=show)
    return "\n".join(parts)


def run_cli(*args: str, capsys) -> tuple[int, str, str]:
    from navm.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        rc = main(list(args))
    captured = capsys.readouterr()
    return rc, out.getvalue() + captured.out, captured.err


def run_json(*args: str, capsys) -> dict:
    """`navm ARGS --json` in-process: exit status 0 and the one JSON object it prints."""
    import json

    rc, out, err = run_cli(*args, "--json", capsys=capsys)
    assert rc == 0, err
    return json.loads(out)


def load_script(path: Path, name: str):
    """A script outside the package (a benchmark, a fixture generator) imported as module `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
