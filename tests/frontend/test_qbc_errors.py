"""navm.frontend.qbc: every kind of bad input is a NavmError at the exact file:line:column."""

from __future__ import annotations

import gc

import pytest

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.qbc import parse_file, parse_text


def error(src: str, file: str = "t.qbc", **kw) -> NavmError:
    with pytest.raises(NavmError) as info:
        parse_text(src, file, **kw)
    return info.value


def check(src: str, line: int, column: int, message: str, notes: tuple[str, ...] | None = None) -> NavmError:
    err = error(src)
    assert err.loc == SourceLocation("t.qbc", line, column), err.render()
    assert err.message == message
    if notes is not None:
        assert err.notes == notes
    return err


# --- syntax --------------------------------------------------------------------------

EXPECTED = "expected a label (name:), an instruction or a directive (.name)"


def test_a_line_cannot_start_with_a_number():
    err = check("QH q0\n  123 q0\n", 2, 3, f"unexpected character '1'; {EXPECTED}",
                ("a line starts with a label, a mnemonic or a directive, never a number",))
    assert err.render().splitlines()[1:3] == ["    123 q0", "    ^"]


def test_mnemonic_glued_to_its_operands():
    check("QH,q0\n", 1, 3, f"unexpected character ','; {EXPECTED}",
          ("put a space between the mnemonic and its operands",))


@pytest.mark.parametrize("src, column, char", [
    ('"text"\n', 1, '"'), ("@x\n", 1, "@"), ("x: ,\n", 4, ","), ("QHALT\n\t[q0]\n", 2, "["),
])
def test_unexpected_characters(src, column, char):
    err = error(src)
    assert err.message == f"unexpected character {char!r}; {EXPECTED}"
    assert err.loc.column == column


def test_space_before_a_label_colon_is_explained():
    check("foo : QH q0\n", 1, 1, "unknown mnemonic 'foo'",
          ("a label is written 'foo:' with no space before the colon",))


# --- mnemonics and operand counts ----------------------------------------------------

def test_unknown_mnemonic_suggests_the_closest():
    check("QMOV r1, 1\n    QHH q0\n", 2, 5, "unknown mnemonic 'QHH'", ("did you mean 'QH'?",))
    check("qadd_r1 r1\n", 1, 1, "unknown mnemonic 'qadd_r1'", ("did you mean 'QADD'?",))
    check("XYZZY\n", 1, 1, "unknown mnemonic 'XYZZY'", ())


@pytest.mark.parametrize("src, column, message", [
    ("QADD r1\n", 1, "QADD takes 2 or 3 operands, got 1"),
    ("  qadd r1, r2, r3, r4\n", 20, "QADD takes 2 or 3 operands, got 4"),
    ("QH q0, q1\n", 8, "QH takes 1 operand, got 2"),
    ("QRET r1\n", 6, "QRET takes no operands, got 1"),
    ("QPUSH\n", 1, "QPUSH takes 1 or more operands, got 0"),
    ("QPOP ; nothing\n", 1, "QPOP takes 1 or more operands, got 0"),
    ("QJEQ r1, 2\n", 1, "QJEQ takes 3 operands, got 2"),
    ("QJE r1, 2\n", 1, "QJE takes 3 operands, got 2"),
    ("QW q0, q1\n", 1, "QW takes 3 operands, got 2"),
])
def test_wrong_operand_count(src, column, message):
    check(src, 1, column, message)


# --- operand kinds -------------------------------------------------------------------

VALUE = "a value (register, number or constant)"
QUBIT = "a qubit (q3, q[3], q[CONST] or q[r2])"


@pytest.mark.parametrize("src, line, column, message", [
    ("QMOV r1, foo\nfoo: QHALT\n", 1, 10, f"operand 2 of QMOV must be {VALUE}, got label 'foo'"),
    ("foo: QHALT\nQMOV r1, foo\n", 2, 10, f"operand 2 of QMOV must be {VALUE}, got label 'foo'"),
    ("QMOV 3, r1\n", 1, 6, "operand 1 of QMOV must be a register (r0..r15), got number 3"),
    (".define C 2\nQNEG C\n", 2, 6, "operand 1 of QNEG must be a register (r0..r15), got constant 'C'"),
    ("QPUSH r1, x\n", 1, 11, "operand 2 of QPUSH must be a register (r0..r15), got name 'x'"),
    ("QJMP r1\n", 1, 6, "operand 1 of QJMP must be a label, got register r1"),
    ("QJLT r1, 2, 3.5\n", 1, 13, "operand 3 of QJLT must be a label, got number 3.5"),
    (".define C 2\nQCALL C\n", 2, 7, "operand 1 of QCALL must be a label, got constant 'C'"),
    ("QJMP C\n.define C 2\n", 1, 6, "operand 1 of QJMP must be a label, got constant 'C'"),
    ("QH r1\n", 1, 4, f"operand 1 of QH must be {QUBIT}, got register r1"),
    ("QCZ q0, 1\n", 1, 9, f"operand 2 of QCZ must be {QUBIT}, got number 1"),
    ("QMOV r1, q2\n", 1, 10, f"operand 2 of QMOV must be {VALUE}, got qubit q2"),
    ("QMEAS q0, 1\n", 1, 11, "operand 2 of QMEAS must be a register (r0..r15), got number 1"),
    ("QRZ q[r1], q[2]\n", 1, 12, f"operand 2 of QRZ must be {VALUE}, got qubit q[2]"),
])
def test_wrong_operand_kind(src, line, column, message):
    check(src, line, column, message)


@pytest.mark.parametrize("src, column, message", [
    ("QMOV r16, 1\n", 6, "there is no register r16 (registers are r0..r15)"),
    ("QMOV r1, R99\n", 10, "there is no register R99 (registers are r0..r15)"),
    ("QH q[r16]\n", 4, "there is no register r16 (registers are r0..r15)"),
    ("QMOV r1, 0x10000000000000000\n", 10, "integer literal 0x10000000000000000 does not fit in 64 bits"),
    ("QMOV r1, 18446744073709551616\n", 10, "integer literal 18446744073709551616 does not fit in 64 bits"),
    ("QMOV r1, -0x8000000000000001\n", 10, "integer literal -0x8000000000000001 does not fit in 64 bits"),
    ("QMOV r1, 1e999\n", 10, "float literal 1e999 is out of range"),
    ("QMOV r1, -PI\n", 10,
     "a '-' sign cannot precede a constant name (-PI); define the negative value as its own constant"),
    ("QMOV r1 2\n", 6, "missing ',' between operands 'r1' and '2'"),
    ("QADD r1, , r2\n", 9, "missing operand"),
    ("QMOV r1,\n", 9, "missing operand"),
    ("QMOV r1, @5\n", 10,
     "'@5' is not a valid operand (expected a register, number, constant, label or qubit)"),
    ("QH q[-1]\n", 4, "qubit index in q[-1] must be a non-negative 64-bit integer"),
    ("QH q18446744073709551616\n", 4,
     "qubit index in q18446744073709551616 must be a non-negative 64-bit integer"),
])
def test_bad_operands(src, column, message):
    check(src, 1, column, message)


def test_long_operands_are_shortened_in_messages():
    err = error("QMOV r1, " + "9" * 5000 + "\n")
    assert err.message == f"integer literal {'9' * 37}... does not fit in 64 bits"


# --- labels and constants ------------------------------------------------------------

def test_undefined_label_is_reported_at_its_use_with_a_suggestion():
    check("loop: QADD r1, 1\n  QJLT r1, 3, lop\n", 2, 15, "undefined label 'lop'", ("did you mean 'loop'?",))


def test_undefined_constant():
    check("QMOV r1, N\n", 1, 10, "undefined constant 'N'", ())
    check(".define NQ 1\nQMOV r1, N\n", 2, 10, "undefined constant 'N'", ("did you mean 'NQ'?",))
    check("QH q[K]\n", 1, 4, "undefined constant 'K'")
    check(".define A B\n", 1, 11, "undefined constant 'B'")


def test_constant_used_before_its_define():
    check("QMOV r1, N\n.define N 3\n", 1, 10, "constant 'N' is used before its .define",
          ("'N' is defined at t.qbc:2:9",))


def test_qubit_index_constant_must_be_a_non_negative_int():
    check(".define A 1.5\nQH q[A]\n", 2, 4, "qubit index constant 'A' must be a non-negative integer, got 1.5")
    check(".define A -2\nQH q[A]\n", 2, 4, "qubit index constant 'A' must be a non-negative integer, got -2")


def test_duplicate_label_names_the_first():
    check("x:\n  QHALT\n  x: QRET\n", 3, 3, "duplicate label 'x'", ("first defined at t.qbc:1:1",))


def test_redefined_constant_names_the_first():
    check(".define X 1\n.define X 2\n", 2, 9, "constant 'X' is already defined", ("first defined at t.qbc:1:9",))


@pytest.mark.parametrize("src, column, message", [
    (".define r1 5\n", 9, "'r1' is a register name and cannot be a constant name"),
    (".define r16 5\n", 9, "'r16' is a register name and cannot be a constant name"),
    (".define Q3 5\n", 9, "'Q3' is a qubit name and cannot be a constant name"),
    ("r2: QHALT\n", 1, "'r2' is a register name and cannot be a label name"),
    ("q0:\n", 1, "'q0' is a qubit name and cannot be a label name"),
    (".define 3X 5\n", 9, "'3X' is not a valid constant name"),
])
def test_reserved_and_invalid_names(src, column, message):
    check(src, 1, column, message)


def test_labels_and_constants_share_one_namespace():
    check("x: QHALT\n.define x 1\n", 2, 9, "'x' is already a label; labels and constants share one namespace",
          ("'x' was defined at t.qbc:1:1",))
    check(".define x 1\nx: QHALT\n", 2, 1, "'x' is already a constant; labels and constants share one namespace",
          ("'x' was defined at t.qbc:1:9",))


def test_constant_value_must_be_a_number_or_constant():
    check(".define X r1\n", 1, 11, "the value of constant 'X' must be a number or an earlier constant, "
          "got register r1")
    check(".define X 0x1FFFFFFFFFFFFFFFF\n", 1, 11, "integer literal 0x1FFFFFFFFFFFFFFFF does not fit in 64 bits")


# --- directives ----------------------------------------------------------------------

def test_unknown_directive():
    check("  .defne X 1\n", 1, 3, "unknown directive '.defne'",
          ("did you mean '.define'?", "directives are .define, .entry_point, .include, .isa, .end"))


@pytest.mark.parametrize("src, column, message", [
    (".define X\n", 1, ".define needs 2 arguments: .define NAME value"),
    (".define X 1 2\n", 13, ".define takes 2 arguments, got '2'"),
    (".end now\n", 6, ".end takes no arguments, got 'now'"),
    (".entry_point\n", 1, ".entry_point needs 1 argument: .entry_point label"),
    (".isa\n", 1, ".isa needs 1 argument: .isa 1.1"),
    (".include\n", 1, '.include needs a path in double quotes: .include "file.qbc"'),
    (".include lib.qbc\n", 10, 'the path of .include must be in double quotes: .include "file.qbc"'),
    ('.include "lib.qbc\n', 10, "unterminated string: missing closing '\"'"),
    ('.include "a" "b"\n', 14, ".include takes one path"),
    ('.include ""\n', 10, ".include needs a non-empty path"),
])
def test_directive_arguments(src, column, message):
    check(src, 1, column, message)


def test_entry_point_must_name_a_label_defined_somewhere():
    check("QHALT\n  .entry_point main\nmian: QHALT\n", 2, 3, ".entry_point names an undefined label 'main'",
          ("did you mean 'mian'?",))
    check(".entry_point a\n.entry_point b\na:\nb:\n", 2, 1, "the entry point is already set",
          ("first set at t.qbc:1:1",))
    check(".entry_point r3\n", 1, 14, "'r3' is not a valid label name")


def test_unknown_isa_version_lists_the_supported_ones():
    check(".isa 2.0\n", 1, 6, "unknown ISA version '2.0'", ("supported versions: 1.0, 1.1, 1.2",))
    check(".isa 1\n", 1, 6, "unknown ISA version '1'", ("supported versions: 1.0, 1.1, 1.2",))


def test_isa_at_most_once_and_before_the_first_instruction():
    check(".isa 1.1\n.isa 1.1\n", 2, 1, "duplicate .isa directive", ("first .isa at t.qbc:1:1",))
    check("QH q0\n.isa 1.0\n", 2, 1, ".isa must come before the first instruction and .include of its file")


def test_instruction_not_in_the_files_isa_version():
    check("QSITE q0, 1\n", 1, 1, "QSITE is not available in ISA 1.0",
          ("QSITE needs ISA 1.1 or later: put '.isa 1.1' at the top of the main file",))
    check(".isa 1.1\n  qloc q0, 1.0, 2.0\n", 2, 3, "QLOC is not available in ISA 1.1",
          ("QLOC exists only up to ISA 1.0",))


# --- includes ------------------------------------------------------------------------

def test_missing_include_is_reported_at_the_directive(tmp_path):
    main = tmp_path / "main.qbc"
    main.write_text('QH q0\n  .include "nope.qbc"\n')
    with pytest.raises(NavmError) as info:
        parse_file(main)
    assert info.value.loc == SourceLocation(str(main), 2, 3)
    assert info.value.message == "included file not found: 'nope.qbc'"
    assert info.value.notes == (f"looked in: {tmp_path}",)


def test_include_cycle_names_the_chain(tmp_path):
    a, b = tmp_path / "a.qbc", tmp_path / "b.qbc"
    a.write_text('QH q0\n.include "b.qbc"\n')
    b.write_text('; b\n.include "a.qbc"\n')
    with pytest.raises(NavmError) as info:
        parse_file(a)
    assert info.value.message == f"include cycle: {a} -> {b} -> {a}"
    assert info.value.loc == SourceLocation(str(b), 2, 1)


def test_a_file_including_itself_is_a_cycle(tmp_path):
    (tmp_path / "self.qbc").write_text('.include "self.qbc"\n')
    with pytest.raises(NavmError, match=r"include cycle: .*self\.qbc -> .*self\.qbc$"):
        parse_file(tmp_path / "self.qbc")


def test_an_included_file_with_another_isa_is_an_error(tmp_path):
    (tmp_path / "lib.qbc").write_text("; library\n.isa 1.0\n")
    main = tmp_path / "main.qbc"
    main.write_text('.isa 1.1\n.include "lib.qbc"\n')
    with pytest.raises(NavmError) as info:
        parse_file(main)
    lib = str(tmp_path / "lib.qbc")
    assert info.value.loc == SourceLocation(lib, 2, 1)
    assert info.value.message == f"{lib} targets ISA 1.0 but the program targets ISA 1.1"
    assert info.value.notes == (f"the main file decides the program's ISA version (set by .isa at {main}:1:1)",)


def test_isa_must_come_before_an_include(tmp_path):
    (tmp_path / "lib.qbc").write_text("QH q0\n")
    main = tmp_path / "main.qbc"
    main.write_text('.include "lib.qbc"\n.isa 1.0\n')
    with pytest.raises(NavmError, match="before the first instruction and .include"):
        parse_file(main)


def test_errors_inside_an_included_file_carry_its_name(tmp_path):
    (tmp_path / "lib.qbc").write_text("QH q0\nQBAD q1\n")
    main = tmp_path / "main.qbc"
    main.write_text('.include "lib.qbc"\n')
    with pytest.raises(NavmError) as info:
        parse_file(main)
    assert info.value.loc == SourceLocation(str(tmp_path / "lib.qbc"), 2, 1)
    assert "QBAD q1" in info.value.render()


def test_unreadable_files(tmp_path):
    (tmp_path / "latin1.qbc").write_bytes(b"; caf\xe9\n")
    main = tmp_path / "main.qbc"
    main.write_text('.include "latin1.qbc"\n')
    with pytest.raises(NavmError) as info:
        parse_file(main)
    assert info.value.message == "not UTF-8 text (byte 0xe9)"  # at the bad byte, in the included file
    assert info.value.loc == SourceLocation(str(tmp_path / "latin1.qbc"), 1, 6)
    with pytest.raises(NavmError) as info:
        parse_file(tmp_path / "absent.qbc")
    assert info.value.message == f"{tmp_path / 'absent.qbc'}: no such file"
    assert info.value.loc is None


# --- order and state -----------------------------------------------------------------

def test_the_first_error_in_the_text_wins_for_immediate_checks():
    check("QH q0\nQBAD\nQH r1\n", 2, 1, "unknown mnemonic 'QBAD'")


def test_whole_program_checks_come_after_the_last_line():
    check("QJMP nowhere\nQMOV r1, x\n", 1, 6, "undefined label 'nowhere'")
    check("QMOV r1, x\nQJMP nowhere\n", 1, 10, "undefined constant 'x'")


def test_an_error_leaves_the_garbage_collector_enabled():
    error("QBAD\n")
    assert gc.isenabled()
