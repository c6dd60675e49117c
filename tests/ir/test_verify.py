"""Every op verifies its invariants; failures are NavmErrors at the op's source position."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects.builtin import FloatData, IntAttr, ModuleOp, StringAttr

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Placement, Row
from navm.ir.context import parse_module
from navm.ir.locations import to_attr
from navm.ir.navm import CircuitOp, set_isa_version
from navm.ir.operands import LabelAttr, QubitAttr, RegAttr
from navm.ir.qbc import INSTRUCTION_OPS, LabelOp
from navm.ir.verify import ENTRY_ATTR, verify_module

LOC = SourceLocation("p.qbc", 3, 5)


def instruction(mnemonic, *args):
    return INSTRUCTION_OPS[mnemonic].build(tuple(args), to_attr(LOC))


def check(module, message, loc=LOC):
    with pytest.raises(NavmError) as err:
        verify_module(module)
    assert message in err.value.message
    assert err.value.loc == loc


@pytest.mark.parametrize(
    "op, message",
    [
        (instruction("QADD", RegAttr(1)), "QADD takes 2 or 3 operands, got 1"),
        (instruction("QMOV", IntAttr(1), IntAttr(2)), "operand 1 of QMOV must be a register, got 1"),
        (instruction("QJMP", RegAttr(1)), "operand 1 of QJMP must be a label, got r1"),
        (instruction("QH", RegAttr(1)), "operand 1 of QH must be a qubit, got r1"),
        (instruction("QMOV", RegAttr(16), IntAttr(0)), "register r16 does not exist"),
        (instruction("QMOV", RegAttr(1), IntAttr(2**63)), "does not fit in 64 bits"),
        (instruction("QH", QubitAttr(-1)), "qubit index -1 is negative"),
    ],
)
def test_instruction_operands(op, message):
    check(ModuleOp([op]), message)


def test_instruction_not_in_module_isa_version():
    m = ModuleOp([instruction("QSITE", QubitAttr(0), IntAttr(1))])
    check(m, "QSITE is not available in ISA 1.0")
    set_isa_version(m, "1.1")
    verify_module(m)
    m2 = ModuleOp([instruction("QLOC", QubitAttr(0), FloatData(0.0), FloatData(0.0))])
    set_isa_version(m2, "1.1")
    check(m2, "QLOC is not available in ISA 1.1")


def test_labels():
    check(ModuleOp([instruction("QJMP", LabelAttr("nowhere"))]), "undefined label 'nowhere'")
    twice = ModuleOp([LabelOp.build("a", to_attr(LOC)), LabelOp.build("a", to_attr(LOC))])
    check(twice, "duplicate label 'a'")
    m = ModuleOp([LabelOp.build("a", to_attr(LOC))])
    m.attributes[ENTRY_ATTR] = StringAttr("main")
    check(m, "entry point 'main' is not a label", loc=None)


def test_unknown_isa_version_on_module():
    m = ModuleOp([])
    m.attributes["navm.isa_version"] = StringAttr("2.0")
    check(m, "unknown ISA version", loc=None)
    with pytest.raises(NavmError, match="supported: 1.0, 1.1"):
        set_isa_version(m, "0.9")


def circuit(rows, placement=None, version="1.0"):
    op = CircuitOp.build(GateTable.from_rows(rows), placement or Placement.empty(3, version))
    m = ModuleOp([op])
    set_isa_version(m, version)
    return m


ROW_LOC = SourceLocation("c.sigma.json", 7, 9)


@pytest.mark.parametrize(
    "row, message",
    [
        (Row("cz", (0,), (), None, ROW_LOC), "'cz' acts on 2 qubit(s), got 1"),
        (Row("cz", (1, 1), (), None, ROW_LOC), "'cz' repeats a qubit"),
        (Row("h", (5,), (), None, ROW_LOC), "qubit q5 is out of range for a 3-qubit circuit"),
        (Row("measure", (0,), (), None, ROW_LOC), "measurement without a result name"),
        (Row("h", (0,), (), "m", ROW_LOC), "'h' cannot have a result"),
        (Row("depolarize", (0,), (1.5,), None, ROW_LOC), "probability 1.5 is not in [0, 1]"),
        (Row("pauli", (0,), (0.5, 0.5, 0.5), None, ROW_LOC), "px + py + pz = 1.5 exceeds 1"),
        (Row("rz", (0,), (float("inf"),), None, ROW_LOC), "gate parameters must be finite"),
        (Row("qft", (), (), None, ROW_LOC), "'qft' needs at least 1 qubit(s), got 0"),
    ],
)
def test_circuit_rows(row, message):
    expected_loc = None if "finite" in message else ROW_LOC  # a row naming a qubit out of range: its row
    check(circuit([row]), message, loc=expected_loc)


def test_placement_matches_isa_version_and_is_unique():
    sites = Placement(2, sites=np.array([3, 3]))
    check(circuit([], sites, version="1.1"), "qubits q0 and q1 share the same site: 3", loc=None)
    check(circuit([], sites, version="1.0"), "ISA 1.0 places qubits by coords, but this circuit has sites", loc=None)
    coords = Placement(2, coords=np.array([[0.0, 1.0], [0.0, 1.0]]))
    check(circuit([], coords), "qubits q0 and q1 share the same coordinates", loc=None)


def test_errors_found_by_the_verifier_point_at_the_ir_text():
    """A row naming a qubit out of range, a row repeating a qubit, two qubits in one place: where the
    IR text has no loc(...), the error points at the row or declaration in the text itself."""
    text = ('builtin.module attributes {navm.isa_version = "1.1"} {\n'
            '  navm.circuit qubits 2 sites [3, 5] {\n    h q0\n    cz q0, q7\n  }\n}\n')
    cases = [(text, SourceLocation("x.mlir", 4, 5), "qubit q7 is out of range for a 2-qubit circuit (q0 … q1)"),
             (text.replace("q0, q7", "q1, q1"), SourceLocation("x.mlir", 4, 5), "'cz' repeats a qubit"),
             (text.replace("[3, 5]", "[3, 3]").replace("q7", "q1"), SourceLocation("x.mlir", 2, 35),
              "qubits q0 and q1 share the same site: 3")]
    for source, loc, message in cases:
        with pytest.raises(NavmError) as err:
            verify_module(parse_module(source, "x.mlir"))
        assert err.value.loc == loc and message in err.value.message
    with_locs = text.replace("q0, q7", 'q0, q7 loc("a.qbc":9:2)')
    with pytest.raises(NavmError) as err:
        verify_module(parse_module(with_locs, "x.mlir"))
    assert err.value.loc == SourceLocation("a.qbc", 9, 2)  # the row's own source position


def test_errors_in_ir_text_have_positions():
    with pytest.raises(NavmError) as err:
        parse_module('builtin.module {\n  navm.circuit qubits 1 coords [?] {\n    h q0\n    frob q0\n  }\n}\n', "x.mlir")
    assert err.value.loc == SourceLocation("x.mlir", 4, 5)
    assert "unknown circuit row kind 'frob'" in err.value.message
    with pytest.raises(NavmError) as err:
        parse_module("builtin.module {\n  qbc.mov r1,\n}\n", "y.mlir")
    assert err.value.loc.file == "y.mlir" and err.value.loc.line == 3


def test_valid_circuit_passes():
    m = circuit([Row("h", (0,), ()), Row("measure", (0,), (), "m0"), Row("qft", (0, 1, 2), ())])
    verify_module(m)


@pytest.mark.parametrize(
    "rows, message",
    [
        ([Row("detector", (), (), None, ROW_LOC, ())], "'detector' needs at least one measurement record"),
        ([Row("measure", (0,), (), "m"), Row("detector", (), (), None, ROW_LOC, (1,))],
         "rec[1] is not an earlier measurement (1 so far)"),
        ([Row("detector", (), (), None, ROW_LOC, (0,)), Row("measure", (0,), (), "m")],
         "rec[0] is not an earlier measurement (0 so far)"),
        ([Row("measure", (0,), (), "m"), Row("h", (0,), (), None, ROW_LOC, (0,))],
         "'h' cannot list measurement records"),
        ([Row("measure", (0,), (), "m"), Row("observable", (), (1.5,), None, ROW_LOC, (0,))],
         "observable index 1.5 is not a non-negative integer"),
    ],
)
def test_record_references(rows, message):
    check(circuit(rows), message, loc=ROW_LOC)


def test_schedule_columns():
    ok = [Row("h", (0,), (), None, None, (), (0.0, 0.5, -1)), Row("cz", (0, 1), (), None, None, (), (0.5, 0.25, 0))]
    verify_module(circuit(ok))
    partial = [Row("h", (0,), (), None, None, (), (0.0, 0.5, -1)), Row("x", (0,), ())]
    check(circuit(partial), "a schedule must give every row a start time and a duration", loc=None)
    negative = [Row("h", (0,), (), None, ROW_LOC, (), (-1.0, 0.5, -1))]
    check(circuit(negative), "start times and durations must be finite and non-negative", loc=ROW_LOC)
