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
}


@pytest.mark.parametrize("program", sorted(PIPELINES))
def test_ir_after_each_pass(program, snapshot, in_tests_dir):
    assert ir_after_each(program, PIPELINES[program], device="test-small") == snapshot


def test_migrate_qbc_level_declarations(snapshot, in_tests_dir):
    """migrate-isa also works before unroll when declarations use literals."""
    assert ir_after_each("bell.qbc", "migrate-isa{to=1.1},migrate-isa{to=1.0}", device="test-small") == snapshot
