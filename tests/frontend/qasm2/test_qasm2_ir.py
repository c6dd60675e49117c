"""navm.frontend.qasm2: what each construct becomes in the IR, and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from navm.diagnostics import SourceLocation
from navm.frontend import language_of, load
from navm.frontend.qasm2 import load_file, load_text
from navm.ir.context import parse_module, print_module
from navm.ir.verify import verify_module
from tests.frontend.qasm2.states import circuit_of
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[3]
HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


def rows(text: str, file: str = "t.qasm"):
    return [(r.name, r.qubits, r.params, r.result) for r in circuit_of(load_text(text, file)).gate_table.rows()]


def test_registers_number_qubits_in_declaration_order():
    module = load_text(HEADER + "qreg a[2];\ncreg c[3];\nqreg b[1];\nx b[0];\nx a[1];\n", "t.qasm")
    op = circuit_of(module)
    assert op.qubit_placement.num_qubits == 3
    assert op.qubit_placement.sites.tolist() == [-1, -1, -1]  # unplaced: `place` chooses
    assert op.qubit_placement.decl_locs == (SourceLocation("t.qasm", 3, 1),) * 2 + (SourceLocation("t.qasm", 5, 1),)
    assert [(r[0], r[1]) for r in rows(HEADER + "qreg a[2];\ncreg c[3];\nqreg b[1];\nx b[0];\nx a[1];\n")] == [
        ("x", (2,)), ("x", (1,))]


def test_module_is_isa_1_1_and_verifies_and_round_trips():
    module = load_file(ROOT / "examples" / "qasm2" / "qft4.qasm")
    assert module.attributes["navm.isa_version"].data == "1.1"
    verify_module(module)
    assert parse_module(print_module(module)).is_structurally_equivalent(module)


def test_rows_are_at_their_statements():
    op = circuit_of(load_text(HEADER + "qreg q[2];\nh q;\n  cx q[0],\n q[1];\n", "t.qasm"))
    assert [r.loc for r in op.gate_table.rows()] == [SourceLocation("t.qasm", 4, 1)] * 2 + [
        SourceLocation("t.qasm", 5, 3)]


def test_a_barrier_on_an_empty_register_is_no_row():
    """A barrier row without qubits means every qubit; `barrier e;` with e of size 0 means none."""
    assert rows(HEADER + "qreg q[1]; qreg e[0];\nbarrier e;\nh q;\n") == [("h", (0,), (), None)]


def test_broadcasting():
    assert [(r[0], r[1]) for r in rows(HEADER + "qreg a[2]; qreg b[2];\ncx a, b;\ncx a[1], b;\nh a;\n")] == [
        ("cx", (0, 2)), ("cx", (1, 3)), ("cx", (1, 2)), ("cx", (1, 3)), ("h", (0,)), ("h", (1,))]


def test_measure_reset_barrier():
    got = rows(HEADER + "qreg q[2]; creg c[2]; creg d[1];\nmeasure q -> c;\nmeasure q[1] -> d[0];\n"
               "reset q;\nbarrier q[1], q;\n")
    assert got == [
        ("measure", (0,), (), "c[0]"), ("measure", (1,), (), "c[1]"), ("measure", (1,), (), "d[0]"),
        ("reset", (0,), (), None), ("reset", (1,), (), None), ("barrier", (1, 0), (), None)]


@pytest.mark.parametrize("call, expected", [
    ("U(0.1, 0.2, 0.3) q[0];", [("rz", (0.3,)), ("ry", (0.1,)), ("rz", (0.2,))]),
    ("u3(0.1, 0, 0.3) q[0];", [("rz", (0.3,)), ("ry", (0.1,))]),  # zero rotations are left out
    ("u2(0.2, 0.3) q[0];", [("rz", (0.3,)), ("ry", (1.5707963267948966,)), ("rz", (0.2,))]),
    ("u1(0.5) q[0];", [("rz", (0.5,))]),
    ("p(0.5) q[0];", [("rz", (0.5,))]),
    ("sx q[0];", [("rx", (1.5707963267948966,))]),
    ("sxdg q[0];", [("rx", (-1.5707963267948966,))]),
    ("id q[0];", []),
    ("u0(2) q[0];", []),
    ("rx(0.25) q[0];", [("rx", (0.25,))]),
    ("tdg q[0];", [("tdg", ())]),
    ("cz q[0], q[1];", [("cz", ())]),
    ("swap q[0], q[1];", [("swap", ())]),
    ("CX q[0], q[1];", [("cx", ())]),
    ("crz(0.5) q[0], q[1];", [("rz", (0.25,)), ("cx", ()), ("rz", (-0.25,)), ("cx", ())]),
])
def test_qelib1_mapping(call, expected):
    assert [(r[0], r[2]) for r in rows(HEADER + "qreg q[2];\n" + call + "\n")] == expected


def test_user_gate_is_expanded_with_its_parameters():
    text = HEADER + "qreg q[2];\ngate g(a, b) x, y { rz(a + b) y; cx y, x; ry(a*b) x; }\ng(0.5, 2) q[1], q[0];\n"
    assert [(r[0], r[1], r[2]) for r in rows(text)] == [
        ("rz", (0,), (2.5,)), ("cx", (0, 1), ()), ("ry", (1,), (1.0,))]


def test_fast_path_and_rules_give_the_same_rows():
    fast = "qreg q[3];\nu3(pi/2, -0.1, 2*pi) q[2];\ncx q[0], q[1];\nccx q[0],q[1],q[2];\n"
    ruled = "qreg q[3];\nu3((pi/2), -(0.1), 2*(pi))\nq[2];\ncx q[0],\nq[1];\nccx\nq[0],q[1],q[2];\n"
    strip = lambda rs: [r[:3] for r in rs]
    assert strip(rows(HEADER + fast)) == strip(rows(HEADER + ruled))


def test_repeated_and_new_calls_agree():
    """A call text seen before reuses its rows; one with the same gate and arguments but new
    parameters reuses the resolution; both must give what a first reading gives."""
    text = HEADER + "qreg q[2];\n" + "rz(0.5) q[1];\nrz(0.5) q[1];\nrz(0.25) q[1];\nrz(pi) q[1];\nrz(pi) q[0];\n"
    assert [r[1:3] for r in rows(text)] == [((1,), (0.5,)), ((1,), (0.5,)), ((1,), (0.25,)),
                                            ((1,), (3.141592653589793,)), ((0,), (3.141592653589793,))]


def test_comments_blank_lines_and_header_forms():
    for header in ("OPENQASM 2.0;", "OPENQASM 2;", "// no header\n", ""):
        text = f"// lead\n{header}\ninclude \"qelib1.inc\"; // std\n\n qreg q[1]; // one\nh q[0]; // h\n//end"
        assert [r[0] for r in rows(text)] == ["h"]


def test_empty_program():
    op = circuit_of(load_text("OPENQASM 2.0;\n", "t.qasm"))
    assert op.qubit_placement.num_qubits == 0 and len(op.gate_table) == 0


def test_opaque_declarations_are_accepted():
    assert rows(HEADER + "opaque magic(a, b) x, y;\nqreg q[1];\nh q[0];\n")[0][0] == "h"


def test_including_qelib1_twice_changes_nothing():
    assert rows(HEADER + 'include "qelib1.inc";\nqreg q[1];\nh q[0];\n')[0][0] == "h"


def test_relative_include(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "mine.inc").write_text('include "more.inc";\ngate both a, b { h a; mid a, b; }\n')
    (tmp_path / "lib" / "more.inc").write_text("gate mid a, b { CX a, b; }\n")
    (tmp_path / "main.qasm").write_text(HEADER + 'include "lib/mine.inc";\nqreg q[2];\nboth q[0], q[1];\n')
    op = circuit_of(load("main.qasm"))
    assert [(r.name, r.qubits, r.loc) for r in op.gate_table.rows()] == [
        ("h", (0,), SourceLocation("main.qasm", 5, 1)), ("cx", (0, 1), SourceLocation("main.qasm", 5, 1))]


def test_language_of_qasm():
    assert language_of("x.qasm") == "qasm2" and language_of("dir/Y.QASM") == "qasm2"


def test_cli_compile_and_run(capsys):
    rc, out, err = run_cli("compile", str(ROOT / "examples" / "qasm2" / "qft4.qasm"), "--emit", "json",
                           capsys=capsys)
    assert rc == 0, err
    rc, out, err = run_cli("run", str(ROOT / "examples" / "qasm2" / "qft4.qasm"), "--shots", "64", "--json",
                           capsys=capsys)
    assert rc == 0, err
    assert '"c[0]"' in out


def test_cli_runs_a_dynamic_program(capsys):
    rc, out, err = run_cli("run", str(ROOT / "examples" / "qasm2" / "teleport.qasm"), "--shots", "100", "--json",
                           capsys=capsys)
    assert rc == 0, err
    assert '"dynamic": true' in out


def test_cli_error_exit_status_and_caret(tmp_path):
    bad = tmp_path / "bad.qasm"
    bad.write_text(HEADER + "qreg q[2];\ncx q[0], q[5];\n")
    proc = subprocess.run([sys.executable, "-m", "navm.cli", "compile", str(bad)], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[:3] == [
        f"{bad}:4:10: error: index 5 is out of range for register 'q' of size 2",
        "  cx q[0], q[5];",
        "           ^",
    ]
    assert "Traceback" not in proc.stderr
