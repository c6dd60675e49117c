"""navm's dialects and passes are available to `xdsl-opt` through the plugin entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from xdsl.universe import Universe

from navm.ir.context import parse_module


def test_universe_is_discovered():
    multiverse = Universe.get_multiverse()
    assert {"qbc", "navm", "noise"} <= set(multiverse.all_dialects)
    assert {"unroll", "navm-canonicalize", "migrate-isa"} <= set(multiverse.all_passes)
    assert "canonicalize" in multiverse.all_passes  # xDSL's own stays reachable


def test_xdsl_opt_runs_navm_passes(tmp_path):
    source = tmp_path / "in.mlir"
    source.write_text(
        'builtin.module attributes {navm.isa_version = "1.0"} {\n'
        "  qbc.loc q0, 0.0, 0.0\n  qbc.h q0\n  qbc.h q0\n  qbc.x q0\n}\n"
    )
    xdsl_opt = Path(sys.executable).parent / "xdsl-opt"
    proc = subprocess.run(
        [str(xdsl_opt), str(source), "-p", "unroll,navm-canonicalize"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "x q0" in proc.stdout and "h q0" not in proc.stdout
    parse_module(proc.stdout)
