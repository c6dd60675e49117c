"""Golden IR of zoned programs through move-check and schedule: the row timings of the
sequential model and the `navm.schedule` summary with every fidelity model (docs/zoned.md).

A change to a snapshot is reviewed like code: see docs/testing.md.
"""

from __future__ import annotations

from pathlib import Path

from navm.ir.context import print_module
from navm.pipeline import compile_module
from tests.helpers import ir_after_each


def test_schedule_a_hand_written_zoned_program(snapshot, in_tests_dir):
    assert ir_after_each("zoned_pair.qbc", "unroll,move-check,schedule", device="zoned") == snapshot


def test_schedule_a_qmap_program(snapshot, in_tests_dir):
    """QMAP's ghz3 as the .naviz reader makes it: rows located in the .naviz file, pairs found by replay."""
    from navm.backends.naviz import read_naviz_file
    from navm.devices import load_profile

    module = read_naviz_file(Path("fixtures/qmap/ghz3_aware.naviz"), load_profile("zoned"), "zoned")
    loaded = print_module(module)
    assert loaded + "\n" + print_module(compile_module(module, "move-check,schedule")) == snapshot
