"""navm.frontend.qasm2: every kind of bad input is a NavmError at the exact file:line:column."""

from __future__ import annotations

import pytest

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.qasm2 import load_text

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\n'  # the case starts on line 5


def error(src: str, file: str = "t.qasm") -> NavmError:
    with pytest.raises(NavmError) as info:
        load_text(src, file)
    return info.value


def check(body: str, line: int, column: int, message: str, notes: tuple[str, ...] | None = None) -> NavmError:
    err = error(HEADER + body)
    assert err.loc == SourceLocation("t.qasm", line, column), err.render()
    assert err.message == message, err.render()
    if notes is not None:
        assert err.notes == notes, err.render()
    return err


STATEMENT = ("a statement (qreg, creg, gate, opaque, include, a gate call, measure, reset, barrier or if)")

CASES = {
    # -- syntax --------------------------------------------------------------------------
    "missing semicolon": ("h q[0]\nx q[1];", 6, 1, "unexpected gate call 'x'; expected ',' or ';'",
                          ("each statement ends with ';' (is one missing before this?)",)),
    "missing semicolon at the end": ("measure q[0] -> c[0]\n", 5, 21, "unexpected end of the file; expected ';'"),
    "name starting with a digit": ("qreg 1q[2];", 5, 6, "unexpected number 1; expected a name"),
    "keyword as a name": ("qreg gate[2];", 5, 6, "'gate' is a keyword and cannot be a name"),
    "pi as a parameter name": ("gate g(pi) a { }", 5, 8, "'pi' is a keyword and cannot be a name"),
    "stray brace": ("h q[0];\n}", 6, 1, f"unexpected '}}'; expected {STATEMENT} or the end of the file"),
    "bad character": ("h q[0]; $", 5, 9, f"unexpected character '$'; expected {STATEMENT} or the end of the file"),
    "unbalanced parenthesis": ("rz((1+2) q[0];", 5, 10,
                               "unexpected name 'q'; expected ',', ')', '+' or '-', '*' or '/' or '^'"),
    "if without a condition": ("if c == 1 x q[0];", 5, 4, "unexpected name 'c'; expected '('"),
    # -- expressions -----------------------------------------------------------------------
    "dangling operator (fast path)": ("rz(1+) q[0];", 5, 6, "unexpected ')'; expected an expression"),
    "empty parameter": ("rz(,1) q[0];", 5, 4, "unexpected ','; expected an expression"),
    "division by zero": ("rz(1/0) q[0];", 5, 5, "division by zero"),
    "division by zero (rules path)": ("rz(2*(1/(1-1))) q[0];", 5, 8, "division by zero"),
    "ln of zero": ("rz(ln(0)) q[0];", 5, 4, "ln of a non-positive number (0)"),
    "sqrt of a negative": ("rz(sqrt(-1)) q[0];", 5, 4, "sqrt of a negative number (-1)"),
    "unknown function": ("rz(foo(1)) q[0];", 5, 4, "unknown function 'foo'",
                         ("the functions are sin, cos, tan, exp, ln, sqrt",)),
    "name outside a gate": ("rz(theta) q[0];", 5, 4, "undefined parameter 'theta'"),
    "number out of range": ("rz(1e999) q[0];", 5, 4, "number 1e999 is out of range"),
    "power too large": ("rz(2^10000) q[0];", 5, 5, "2^10000 is too large"),
    "negative to a fractional power": ("rz((-2)^0.5) q[0];", 5, 8,
                                       "a negative number (-2) cannot be raised to a non-integer power (0.5)"),
    "overflow to infinity": ("rz(1e300*1e300) q[0];", 5, 9, "expression value inf is not a finite number"),
    # -- registers and indices ---------------------------------------------------------------
    "undefined register": ("h r[0];", 5, 3, "undefined quantum register 'r'"),
    "undefined classical register": ("measure q[0] -> r[0];", 5, 17, "undefined classical register 'r'"),
    "index out of range": ("h q[2];", 5, 3, "index 2 is out of range for register 'q' of size 2",
                           ("'q' is declared at t.qasm:3:6",)),
    "index out of range (rules path)": ("cx q[0],\n q[7];", 6, 2, "index 7 is out of range for register 'q' of size 2"),
    "huge index": ("h q[99999999999999999999999999999999];", 5, 3,
                   "index 99999999999999999999... (32 digits) is out of range for register 'q' of size 2"),
    "gate on a classical register": ("h c[0];", 5, 3, "'c' is a classical register; a quantum register is needed here"),
    "measuring into a quantum register": ("measure q[0] -> q[1];", 5, 17,
                                         "'q' is a quantum register; a classical register is needed here"),
    "measure register into one bit": ("measure q -> c[0];", 5, 14, "measure needs a qubit and a bit, or a quantum "
                                      "and a classical register of the same size: 'q' -> 'c[0]'"),
    "measure registers of different sizes": ("creg d[3];\nmeasure q -> d;", 6, 14, "measure needs a qubit and a "
                                             "bit, or a quantum and a classical register of the same size: 'q' -> 'd'"),
    "broadcast over different sizes": ("qreg r[3];\ncx q, r;", 6, 7,
                                       "registers of different sizes in one call of 'cx': 'q' has 2, 'r' has 3"),
    "same qubit twice": ("cx q[0], q[0];", 5, 10, "the same qubit is used twice in one call of 'cx'"),
    "same qubit twice by broadcasting": ("cx q, q[1];", 5, 7, "the same qubit is used twice in one call of 'cx'"),
    "reset a classical bit": ("reset c[0];", 5, 7, "'c' is a classical register; a quantum register is needed here"),
    "barrier on an undefined register": ("barrier q, r;", 5, 12, "undefined quantum register 'r'"),
    "if on a quantum register": ("if (q == 1) x q[0];", 5, 5,
                                 "'q' is a quantum register; a classical register is needed here"),
    "if on an undefined register": ("if (d == 1) x q[0];", 5, 5, "undefined classical register 'd'"),
    "register too large": ("qreg big[5000000];", 5, 6,
                           "register size 5000000 is too large (navm allows at most 1048576)"),
    "gate used as a register": ("h h;", 5, 3, "undefined quantum register 'h'", ("'h' is a gate",)),
    # -- gates -----------------------------------------------------------------------------
    "undefined gate": ("hh q[0];", 5, 1, "undefined gate 'hh'", ("did you mean 'h'?",)),
    "register used as a gate": ("q q[0];", 5, 1, "'q' is a register, not a gate"),
    "too few qubits": ("cx q[0];", 5, 1, "'cx' acts on 2 qubits, got 1", ("'cx' is declared at qelib1.inc:13:6",)),
    "too many qubits": ("CX q[0], q[1], q[0];", 5, 16, "'CX' acts on 2 qubits, got 3"),
    "missing parameters": ("rz q[0];", 5, 1, "'rz' takes 1 parameter, got 0"),
    "too many parameters": ("rz(1,2) q[0];", 5, 3, "'rz' takes 1 parameter, got 2"),
    "opaque gate used": ("opaque o(a) x;\no(1) q[0];", 6, 1,
                         "opaque gate 'o' has no definition, so navm cannot apply it",
                         ("'o' is declared at t.qasm:5:8", "define it with 'gate' to use it")),
    # -- declarations ----------------------------------------------------------------------
    "duplicate register": ("qreg q[3];", 5, 6, "'q' is already declared", ("first declared at t.qasm:3:6",)),
    "register named like a register": ("creg q[1];", 5, 6, "'q' is already declared"),
    "gate named like a qelib1 gate": ("gate h a { }", 5, 6, "'h' is already declared",
                                      ("qelib1.inc declares it, included at t.qasm:2:1",)),
    "duplicate gate": ("gate g a { }\ngate g b { }", 6, 6, "'g' is already declared",
                       ("first declared at t.qasm:5:6",)),
    "register named like a gate": ("gate g a { }\nqreg g[1];", 6, 6, "'g' is already declared"),
    "builtin redeclared": ("qreg U[1];", 5, 6, "'U' is a built-in gate and cannot be declared again"),
    "duplicate gate parameter": ("gate g(x, x) a { }", 5, 11, "parameter 'x' is already declared in this "
                                 "gate definition"),
    "parameter and qubit share a name": ("gate g(x) x { }", 5, 11, "qubit argument 'x' is already declared in "
                                         "this gate definition"),
    "duplicate qubit argument": ("gate g a, a { }", 5, 11, "qubit argument 'a' is already declared in this "
                                 "gate definition"),
    # -- gate bodies -----------------------------------------------------------------------
    "unknown qubit in a body": ("gate g a { h b; }", 5, 14, "'b' is not a qubit argument of gate 'g'",
                                ("'g' acts on: a",)),
    "indexed qubit in a body": ("gate g a { h a[0]; }", 5, 14, "'a[0]': inside a gate definition qubits are the "
                                "gate's arguments, which cannot be indexed"),
    "measure in a body": ("gate g a { measure a -> c[0]; }", 5, 12, "measure is not allowed in a gate definition; "
                          "only gate calls and barrier are"),
    "reset in a body": ("gate g a { reset a; }", 5, 12, "reset is not allowed in a gate definition; only gate calls "
                        "and barrier are"),
    "recursive gate": ("gate g a { g a; }", 5, 12, "undefined gate 'g'", ("a gate cannot call itself",)),
    "gate used before it is declared": ("gate f a { g a; }\ngate g a { }", 5, 12, "undefined gate 'g'"),
    "unknown parameter in a body": ("gate g(t) a { rz(s) a; }", 5, 18, "undefined parameter 's'",
                                    ("'g' has parameters: t",)),
    "wrong count in a body": ("gate g a, b { cx a; }", 5, 15, "'cx' acts on 2 qubits, got 1"),
    "same qubit twice in a body": ("gate g a, b { cx a, a; }", 5, 21, "qubit 'a' is used twice in one call of 'cx'"),
    "opaque gate in a body": ("opaque o x;\ngate g a { o a; }", 6, 12,
                              "opaque gate 'o' has no definition, so navm cannot use it"),
    "failure inside an expansion": ("gate g(t) a { rz(1/t) a; }\ng(0) q[0];", 5, 19, "division by zero",
                                    ("in 'g' called at t.qasm:6:1",)),
    "failure two levels down": ("gate g(t) a { rz(ln(t)) a; }\ngate f(t) a { g(t-1) a; }\nf(1) q[1];", 5, 18,
                                "ln of a non-positive number (0)", ("in 'f' called at t.qasm:7:1",)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_error(name):
    body, line, column, message, *notes = CASES[name]
    check(body, line, column, message, notes[0] if notes else None)


def test_error_renders_the_source_line_and_a_caret():
    err = check("rz(1/0) q[0];", 5, 5, "division by zero")
    assert err.render().splitlines() == ["t.qasm:5:5: error: division by zero", "  rz(1/0) q[0];", "      ^"]


def test_unsupported_version():
    err = error("OPENQASM 3.0;\nqubit q;\n")
    assert err.loc == SourceLocation("t.qasm", 1, 10)
    assert err.message == "OpenQASM 3.0 is not supported: navm reads OpenQASM 2.0"  # before `qubit q;` fails


def test_version_header_comes_first():
    err = error("qreg q[1];\nOPENQASM 2.0;\n")
    assert err.loc == SourceLocation("t.qasm", 2, 10)
    assert err.message.startswith("unexpected number 2.0")
    assert err.notes[-1] == "the 'OPENQASM 2.0;' line must come first"


def test_gate_from_qelib1_without_the_include():
    err = error("OPENQASM 2.0;\nqreg q[1];\nh q[0];\n")
    assert err.loc == SourceLocation("t.qasm", 3, 1)
    assert err.message == "undefined gate 'h'"
    assert err.notes == ("'h' is in the standard library: add 'include \"qelib1.inc\";' after the OPENQASM line",)


def test_qelib1_after_a_clashing_declaration():
    err = error('OPENQASM 2.0;\ngate h a { U(pi/2, 0, pi) a; }\ninclude "qelib1.inc";\n')
    assert err.loc == SourceLocation("t.qasm", 3, 1)
    assert err.message == "qelib1.inc declares 'h', which this program has already declared"


def test_include_not_found(tmp_path):
    main = tmp_path / "main.qasm"
    main.write_text('OPENQASM 2.0;\ninclude "lib/nope.inc";\n')
    from navm.frontend.qasm2 import load_file

    with pytest.raises(NavmError) as info:
        load_file(main)
    assert info.value.loc == SourceLocation(str(main), 2, 9)
    assert info.value.message == "cannot find include file 'lib/nope.inc'"
    assert info.value.notes[0] == f"looked for {tmp_path / 'lib' / 'nope.inc'}"


def test_include_cycle(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.inc").write_text('include "b.inc";\n')
    (tmp_path / "b.inc").write_text('\ninclude "a.inc";\n')
    (tmp_path / "main.qasm").write_text('OPENQASM 2.0;\ninclude "a.inc";\n')
    from navm.frontend.qasm2 import load_file

    with pytest.raises(NavmError) as info:
        load_file("main.qasm")
    assert info.value.loc == SourceLocation("b.inc", 2, 9)
    assert info.value.message == "include cycle: 'a.inc' is already being included"


def test_error_inside_an_included_file_names_that_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gates.inc").write_text("gate g a {\n  U(0, 0, 1/0) a;\n}\n")
    (tmp_path / "main.qasm").write_text('OPENQASM 2.0;\ninclude "gates.inc";\nqreg q[1];\ng q[0];\n')
    from navm.frontend.qasm2 import load_file

    with pytest.raises(NavmError) as info:
        load_file("main.qasm")
    assert info.value.loc == SourceLocation("gates.inc", 2, 12)
    assert info.value.notes == ("in 'g' called at main.qasm:4:1",)
    assert info.value.render().splitlines()[1] == "    U(0, 0, 1/0) a;"
