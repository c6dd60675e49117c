"""`navm opt` end to end: output, options, and the error contract (exit 2, position, caret, no traceback)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from navm.ir.context import parse_module
from tests.helpers import TESTS, run_cli


def test_opt_prints_ir(capsys, in_tests_dir):
    rc, out, err = run_cli("opt", "programs/bell.qbc", "-p", "unroll,canonicalize", capsys=capsys)
    assert rc == 0 and err == ""
    assert 'navm.circuit qubits 2 coords [(0.0, 0.0) loc("programs/bell.qbc":3:5)' in out
    parse_module(out)


def test_print_ir_after_all(capsys, in_tests_dir):
    rc, out, _ = run_cli("opt", "programs/cancel.qbc", "-p", "unroll,canonicalize", "--print-ir-after-all", capsys=capsys)
    assert rc == 0
    assert out.index("// -----// IR after unroll //----- //") < out.index("// -----// IR after canonicalize //----- //")
    assert out.count("builtin.module") == 2


def test_output_file_reads_back(capsys, in_tests_dir, tmp_path):
    target = tmp_path / "bell.mlir"
    rc, out, _ = run_cli("opt", "programs/bell.qbc", "-p", "unroll", "-o", str(target), capsys=capsys)
    assert rc == 0 and out == ""
    rc, out, _ = run_cli("opt", str(target), "-p", "migrate-isa{to=1.1}", "--device", "test-small", "--no-locations", capsys=capsys)
    assert rc == 0 and "sites [0, 1]" in out and "loc(" not in out


def test_passes_lists_options(capsys):
    rc, out, _ = run_cli("passes", capsys=capsys)
    assert rc == 0
    assert "migrate-isa{to=1.1,device=none,keep_placement=true}" in out and "unroll{max_steps=100000000}" in out


@pytest.mark.parametrize(
    "files, args, expected",
    [
        ({"a.qbc": "QH q0\nQADD r1\n"}, [], "a.qbc:2:1: error: QADD takes 2 or 3 operands, got 1"),
        ({"a.qbc": "QH q0\nQFROB r1\n"}, [], "a.qbc:2:1: error: unknown mnemonic"),
        ({"a.qbc": "QMOV r1, 0\nQDIV r1, 1, r1\n"}, ["-p", "unroll"], "a.qbc:2:1: error: division by zero"),
        ({"a.mlir": "builtin.module {\n  qbc.frob\n}\n"}, [], "a.mlir:2:3: error:"),
        ({"a.mlir": 'builtin.module attributes {navm.isa_version = "1.0"} {\n  qbc.add r1 loc("a.mlir":2:3)\n}\n'}, [],
         "a.mlir:2:3: error: invalid qbc.add: QADD takes 2 or 3 operands, got 1"),
        ({"a.qbc": "QH q0\n"}, ["-p", "frobnicate"], "-p:1:1: error: invalid pass pipeline: unknown pass 'frobnicate'"),
        ({"a.qbc": "QH q0\n"}, ["--device", "nonexistent"], "error:"),
        ({"a.txt": "QH q0\n"}, [], "cannot tell the input language"),
        ({}, [], "a.qbc"),
    ],
)
def test_user_errors(files, args, expected, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    target = next(iter(files), "a.qbc")
    rc, out, err = run_cli("opt", target, *args, capsys=capsys)
    assert rc == 2
    assert expected in err
    assert "Traceback" not in err and out == ""


def test_error_shows_source_line_and_caret(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.qbc").write_text("QH q0\n    QMOV 5, r1\n")
    rc, _, err = run_cli("opt", "a.qbc", capsys=capsys)
    assert rc == 2
    lines = err.splitlines()
    assert lines[0].startswith("a.qbc:2:10: error: operand 1 of QMOV")
    assert lines[1] == "      QMOV 5, r1"
    assert lines[2] == "           ^"


def test_real_process_exit_status_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.qbc"
    bad.write_text("QJMP nowhere\n")
    proc = subprocess.run([sys.executable, "-m", "navm.cli", "opt", str(bad)], capture_output=True, text=True, cwd=TESTS)
    assert proc.returncode == 2
    assert f"{bad}:1:6: error: undefined label 'nowhere'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args, status, text",
    [
        (["--help"], 0, "Usage: navm"),
        ([], 2, "Usage: navm"),
        (["opt"], 2, "error: missing argument FILE"),
        (["opt", "x.qbc", "--bogus"], 2, "error: no such option: --bogus"),
        (["frobnicate"], 2, "error: no such command 'frobnicate'"),
        (["run", "x.qbc", "--shots", "many"], 2, "error: --shots: expects a whole number"),
    ],
)
def test_usage_errors_exit_2_and_help_exits_0(args, status, text):
    proc = subprocess.run([sys.executable, "-m", "navm.cli", *args], capture_output=True, text=True, cwd=TESTS)
    assert proc.returncode == status
    assert text in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_internal_errors_are_reported_as_bugs(monkeypatch, capsys, in_tests_dir):
    import navm.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(navm.pipeline, "compile_module", broken)
    rc, out, err = run_cli("opt", "programs/bell.qbc", capsys=capsys)
    assert rc == 70
    assert "internal error: RuntimeError: boom" in err and "NAVM_DEBUG=1" in err
