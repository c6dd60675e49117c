"""migrate-isa maps coordinates ↔ site ids against a device profile, loudly when it cannot."""

from __future__ import annotations

import pytest

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend import load_text
from navm.ir.navm import CircuitOp, isa_version
from navm.pipeline import compile_module
from tests.helpers import compile_program


def compile_text(text, passes, device="test-small"):
    return compile_module(load_text(text, "qbc", "m.qbc"), passes, device=device)


def placement(module):
    (op,) = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    return op.qubit_placement


def test_there_and_back_again(in_tests_dir):
    m = compile_program("bell.qbc", "unroll,migrate-isa{to=1.1}", device="test-small")
    assert isa_version(m) == "1.1" and placement(m).sites.tolist() == [0, 1]
    compile_module(m, "migrate-isa{to=1.0}")
    assert isa_version(m) == "1.0" and placement(m).coords.tolist() == [[0.0, 0.0], [5.0, 0.0]]


def test_coordinate_within_tolerance_maps_to_the_site():
    m = compile_text("QLOC q0, 5.004, 0.0\n", "unroll,migrate-isa{to=1.1}")
    assert placement(m).sites.tolist() == [1]


def test_coordinate_that_is_no_site_names_the_nearest():
    with pytest.raises(NavmError) as err:
        compile_text("QLOC q0, 0.0, 0.0\nQLOC q1, 2.5, 0.0\n", "unroll,migrate-isa{to=1.1}")
    assert err.value.loc == SourceLocation("m.qbc", 2, 1)
    assert "(2.5, 0.0) µm is not a site of device" in err.value.message
    assert "site 0 at (0.0, 0.0), 2.5 µm away" in err.value.notes[0]


def test_storage_site_cannot_be_expressed_in_1_0(in_tests_dir):
    with pytest.raises(NavmError) as err:
        compile_program("storage.qbc", "migrate-isa{to=1.0}", device="test-small")
    assert err.value.loc == SourceLocation("programs/storage.qbc", 4, 9)
    assert "site 9 (zone 'storage') needs ISA 1.1" in err.value.message


def test_unknown_site():
    with pytest.raises(NavmError, match="has no site 99") as err:
        compile_text(".isa 1.1\nQSITE q0, 99\n", "unroll,migrate-isa{to=1.0}")
    assert err.value.loc.line == 2


def test_register_coordinates_need_unroll_first():
    with pytest.raises(NavmError, match="run `unroll` first"):
        compile_text("QMOV r1, 5.0\nQLOC q0, r1, 0.0\n", "migrate-isa{to=1.1}")
    m = compile_text("QMOV r1, 5.0\nQLOC q0, r1, 0.0\n", "unroll,migrate-isa{to=1.1}")
    assert placement(m).sites.tolist() == [1]


def test_unknown_target_and_missing_device():
    with pytest.raises(NavmError, match="unknown target version '2.0'"):
        compile_text("QH q0\n", "migrate-isa{to=2.0}")
    with pytest.raises(NavmError, match="migrate-isa needs a device profile"):
        compile_text("QH q0\n", "migrate-isa{to=1.1}", device=None)


def test_same_version_is_a_no_op_without_a_device():
    m = compile_text("QLOC q0, 1.0, 1.0\n", "migrate-isa{to=1.0}", device=None)
    assert isa_version(m) == "1.0"
