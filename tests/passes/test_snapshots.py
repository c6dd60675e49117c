"""Golden IR after each pass, one small program per feature.

A change to a snapshot is reviewed like code: see docs/testing.md.
"""

from __future__ import annotations

import pytest

from tests.helpers import ir_after_each

PIPELINES = {
    "bell.qbc": "unroll,canonicalize,migrate-isa{to=1.1}",
    "loop_qubits.qbc": "unroll,canonicalize,migrate-isa{to=1.1}",
    "calls.qbc": "unroll,canonicalize",
    "noise.qbc": "unroll,canonicalize,strip-noise",
    "sites.qbc": "unroll,canonicalize,migrate-isa{to=1.0}",
    "cancel.qbc": "unroll,canonicalize",
    "macros.sigma.json": "unroll,canonicalize,migrate-isa{to=1.0}",
    "repetition.qbc": "unroll,canonicalize",
    "all_gates.qbc": "unroll,decompose-native,canonicalize",
    "compile_full.qbc": "unroll,decompose-native,canonicalize,place,route,schedule,blockade-check,insert-noise",
    "place_w_ring.qbc": "unroll,place",
    "route_long_cz.qbc": "unroll,place,route",
    "motion.qbc": "unroll,canonicalize",
    "optimize.qbc": "unroll,optimize",
}
ZONED_PIPELINES = {
    "zoned_chain.qbc": "unroll,decompose-native,migrate-isa{to=1.2},stage,zoned-place,move-route",
}


@pytest.mark.parametrize("program", sorted(PIPELINES))
def test_ir_after_each_pass(program, snapshot, in_tests_dir):
    assert ir_after_each(program, PIPELINES[program], device="test-small") == snapshot


@pytest.mark.parametrize("program", sorted(ZONED_PIPELINES))
def test_ir_after_each_zoned_pass(program, snapshot, in_tests_dir):
    assert ir_after_each(program, ZONED_PIPELINES[program], device="zoned") == snapshot


def test_migrate_to_isa_1_2_and_back_is_lossless(snapshot, in_tests_dir):
    """1.1 and 1.2 both place atoms by site id: up and down again gives the 1.1 program back."""
    text = ir_after_each("sites.qbc", "unroll,migrate-isa{to=1.2},migrate-isa{to=1.1}", device="test-small")
    parts = text.split("// after ")
    assert parts[1].split("\n", 1)[1].strip() == parts[3].split("\n", 1)[1].strip()  # unroll's == the round trip's
    assert 'navm.isa_version = "1.2"' in parts[2]
    assert text == snapshot


def test_motion_has_no_form_before_isa_1_2(in_tests_dir):
    from navm.diagnostics import NavmError, SourceLocation
    from tests.helpers import compile_program

    for passes, message in (("migrate-isa{to=1.1}", "QAODLOAD has no form in ISA 1.1"),
                            ("unroll,migrate-isa{to=1.1}", "'load' has no form in ISA 1.1")):
        with pytest.raises(NavmError) as err:
            compile_program("motion.qbc", passes, device="test-small")
        assert message in err.value.message and err.value.loc == SourceLocation("programs/motion.qbc", 5, 9)


def test_migrate_qbc_level_declarations(snapshot, in_tests_dir):
    """migrate-isa also works before unroll when declarations use literals."""
    assert ir_after_each("bell.qbc", "migrate-isa{to=1.1},migrate-isa{to=1.0}", device="test-small") == snapshot
