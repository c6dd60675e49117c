"""`to_qasm2` row by row: measure, reset, barrier, noise (comment or refuse), detectors and
observables as comments, registers, and the errors a user can cause."""

from __future__ import annotations

import pytest

from navm.backends.qasm2 import NOISE_POLICIES, module_to_qasm2, to_qasm2
from navm.diagnostics import NavmError, SourceLocation
from navm.frontend import load_text
from navm.ir.circuit_table import GateTable, Row
from navm.pipeline import compile_module
from tests.backends.qasm2.reading import read

LOC = SourceLocation("t.qbc", 7, 9)


def body(*rows: Row, num_qubits: int = 2, **kw) -> list[str]:
    """The lines after the register declarations."""
    text = to_qasm2(GateTable.from_rows(rows), num_qubits, **kw)
    lines = text.splitlines()
    assert lines[:2] == ["OPENQASM 2.0;", 'include "qelib1.inc";'] and text.endswith("\n")
    return [ln for ln in lines[2:] if not ln.startswith(("qreg", "creg"))]


def test_registers_cover_the_qubits_and_the_records():
    text = to_qasm2(GateTable.from_rows([Row("measure", (1,), (), "a"), Row("measure", (0,), (), "b"),
                                         Row("measure", (1,), (), "a")]), 3)
    assert "qreg q[3];\ncreg rec[3];\n" in text
    assert text.endswith("measure q[1] -> rec[0];\nmeasure q[0] -> rec[1];\nmeasure q[1] -> rec[2];\n")
    circuit = read(text)
    assert (circuit.num_qubits, circuit.num_clbits) == (3, 3)


def test_an_empty_register_is_left_out():
    text = to_qasm2(GateTable.from_rows([]), 0)
    assert text == 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
    assert read(text).num_qubits == 0
    assert "creg" not in to_qasm2(GateTable.from_rows([Row("h", (0,), ())]), 1)


def test_reset_and_barriers():
    assert body(Row("reset", (1,), ()), Row("barrier", (0, 1), ()), Row("barrier", (), ())) == [
        "reset q[1];", "barrier q[0],q[1];", "barrier q;"]
    assert body(Row("barrier", (), ()), num_qubits=0) == ["// barrier (no qubits)"]


def test_gates_with_several_statements_keep_their_operands_apart():
    assert body(Row("swap", (1, 0), ()), Row("cx", (1, 0), ()), Row("r", (1,), (0.0, 0.5))) == [
        "cx q[1],q[0];", "cx q[0],q[1];", "cx q[1],q[0];", "cx q[1],q[0];", "rx(0.5) q[1];"]


def test_noise_rows_become_comments_by_default():
    rows = (Row("pauli", (0,), (0.001, 0.0, 0.002)), Row("depolarize2", (0, 1), (0.005,)),
            Row("loss", (1,), (0.25,)), Row("readout_flip", (0,), (0.01,)), Row("h", (0,), ()))
    assert body(*rows) == ["// noise.pauli(0.001,0.0,0.002) q[0]", "// noise.depolarize2(0.005) q[0],q[1]",
                           "// noise.loss(0.25) q[1]", "// noise.readout_flip(0.01) q[0]", "h q[0];"]


def test_noise_rows_are_refused_when_asked():
    rows = (Row("h", (0,), ()), Row("depolarize", (1,), (0.01,), loc=LOC))
    with pytest.raises(NavmError, match=r"no noise channels: cannot write noise.depolarize\(0.01\) q1") as err:
        body(*rows, noise="error")
    assert err.value.loc == LOC and 'noise="comment"' in err.value.notes[0]
    assert body(Row("h", (0,), ()), noise="error") == ["h q[0];"]  # no noise row, nothing to refuse


def test_an_unknown_noise_policy_is_an_error():
    with pytest.raises(NavmError, match="unknown noise policy 'drop'; choose one of: comment, error"):
        body(Row("h", (0,), ()), noise="drop")
    assert NOISE_POLICIES == ("comment", "error")


def test_detectors_and_observables_are_comments_naming_creg_bits():
    rows = (Row("measure", (0,), (), "r1"), Row("measure", (1,), (), "r2"),
            Row("detector", (), (), records=(1, 0)), Row("observable", (), (2.0,), records=(1,)),
            Row("detector", (), ()))
    assert body(*rows)[2:] == ["// detector rec[1] rec[0]", "// observable(2) rec[1]", "// detector"]


def test_a_macro_row_is_an_error_at_its_position():
    with pytest.raises(NavmError, match="cannot write the macro 'qft': run unroll first") as err:
        body(Row("qft", (0, 1), (), loc=LOC))
    assert err.value.loc == LOC


def test_a_qubit_outside_the_register_is_an_error():
    with pytest.raises(NavmError, match=r"'cz q0, q2' acts on q2, outside the 2-qubit register") as err:
        body(Row("cz", (0, 2), (), loc=LOC))
    assert err.value.loc == LOC


def test_a_module_that_is_not_one_circuit_is_an_error():
    module = compile_module(load_text("QLOC q0, 0.0, 0.0\nQH q0\n", "qbc", "t.qbc"), "")
    with pytest.raises(NavmError, match=r"needs one straight-line navm.circuit, found 0 circuit\(s\)") as err:
        module_to_qasm2(module)
    assert err.value.loc is not None and err.value.loc.file == "t.qbc"


def test_a_non_finite_angle_is_an_error_at_its_row():
    with pytest.raises(NavmError, match=r"no literal for the angle nan in r\(0.5, nan\) q1") as err:
        body(Row("h", (0,), ()), Row("r", (1,), (0.5, float("nan")), loc=LOC))
    assert err.value.loc == LOC
