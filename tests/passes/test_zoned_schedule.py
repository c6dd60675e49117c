"""schedule on zoned (ISA 1.2) programs: the sequential time model and the fidelity models of
docs/zoned.md, checked against hand computations, against an independent reading of QMAP's
output (the QMAP research's naviz_metrics.py numbers), and in log space on huge programs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from navm.backends.report.schedule import render_table, schedule_report
from navm.devices import load_profile
from navm.diagnostics import NavmError
from navm.ir.circuit_table import Placement, TableBuilder
from navm.ir.gates import OPCODE
from navm.ir.navm import CircuitOp
from navm.passes.schedule_zoned import schedule_zoned
from tests.helpers import TESTS, compile_program

ZONED = load_profile("zoned")
A = 0.00275  # µm/µs², the movement model
T2 = 1.5e6


def summary(module) -> dict:
    from navm.backends.report.schedule import _plain

    return _plain(module.attributes["navm.schedule"])


def circuit(module) -> CircuitOp:
    return next(op for op in module.body.block.ops if isinstance(op, CircuitOp))


def move_us(*distances: float) -> float:
    return math.sqrt(max(distances) / A)


def test_the_sequential_time_model(in_tests_dir):
    """zoned_pair.qbc step by step: every group, pulse and gate after the one before."""
    module = compile_program("zoned_pair.qbc", "unroll,schedule", device="zoned")
    rows = list(circuit(module).gate_table.rows())
    steps = [52.0, 15.0, move_us(math.sqrt(2)), move_us(math.hypot(31, 4), math.hypot(36, 4)),
             move_us(math.hypot(3, 5)), 15.0, 0.36, 15.0, move_us(math.hypot(3, 5)),
             move_us(math.hypot(31, 4), math.hypot(36, 4)), move_us(math.sqrt(2)), 15.0, 52.0, 500.0, 500.0]
    starts = np.cumsum([0.0] + steps[:-1])
    step_of_row = [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 13, 14]
    assert len(rows) == len(step_of_row)
    for row, k in zip(rows, step_of_row):
        t, d, stage = row.timing
        assert t == pytest.approx(starts[k], abs=1e-9) and d == pytest.approx(steps[k], abs=1e-9), row
        assert stage == (0 if row.name == "rydberg" else -1)
    s = summary(module)
    assert s["duration_us"] == pytest.approx(sum(steps), abs=1e-9)
    assert (s["stages"], s["two_qubit_gates"], s["transfers"], s["mode"]) == (1, 1, 8, "sequential")
    assert (s["load_groups"], s["move_groups"], s["store_groups"], s["unpaired_exposures"]) == (2, 6, 2, 0)


def test_the_fidelity_models_by_hand(in_tests_dir):
    module = compile_program("zoned_pair.qbc", "unroll,schedule", device="zoned")
    s = summary(module)
    total = s["duration_us"]
    busy = 52.0 + 4 * 15.0 + 0.36 + 500.0  # each atom: a u3, two loads and two stores, the pulse, its readout
    idle = [total - busy] * 2
    zac = 0.9997 ** 2 * 0.995 * 0.999 ** 8 * math.prod(1 - t / T2 for t in idle)
    models = s["fidelity_models"]
    assert models["zac"]["fidelity"] == pytest.approx(zac, rel=1e-12)
    assert models["zac+excitation"]["fidelity"] == pytest.approx(zac, rel=1e-12)
    assert models["zac"]["counts"] == {"one_qubit_gates": 2, "cz": 1, "transfers": 8, "duration_us": total}
    assert models["zac"]["factors_log10"]["transfer"] == pytest.approx(8 * math.log10(0.999), rel=1e-12)
    noise = ZONED.noise
    own = (0.9997 ** 2 * 0.995 * 0.999 ** 8 * math.prod(1 - sum(noise.idle_pauli(t)) for t in idle)
           * 0.999 ** 2 * (1 - (0.002 + 0.005) / 2) ** 2)
    assert models["navm"]["fidelity"] == pytest.approx(own, rel=1e-12) == s["fidelity_estimate"]
    assert set(models["navm"]["factors_log10"]) == {"one_qubit", "two_qubit", "transfer", "excitation", "idle",
                                                    "spam"}
    for model in models.values():
        assert model["log10"] == pytest.approx(math.fsum(model["factors_log10"].values()), abs=1e-15)
        assert model["fidelity"] == pytest.approx(10 ** model["log10"], rel=1e-12)


def test_unpaired_atoms_are_charged_by_the_excitation_models(tmp_path):
    path = tmp_path / "lone.qbc"
    path.write_text(".isa 1.2\n QSITE q0, 2000\n QSITE q1, 2140\n QSITE q2, 2001\n QRYDBERG q0, q1\n"
                    " QRYDBERG q0, q1\n")
    from navm.frontend import load
    from navm.pipeline import compile_module

    s = summary(compile_module(load(path), "unroll,schedule", device="zoned"))
    assert s["unpaired_exposures"] == 2
    models = s["fidelity_models"]
    assert models["zac+excitation"]["fidelity"] == pytest.approx(models["zac"]["fidelity"] * 0.9975 ** 2, rel=1e-12)
    assert models["navm"]["factors_log10"]["excitation"] == pytest.approx(2 * math.log10(0.9975), rel=1e-12)
    assert models["zac+excitation"]["counts"]["unpaired_exposures"] == 2
    # every atom stood under the laser for both pulses: busy 2 × 0.36 µs of the 0.72 µs
    assert models["zac"]["factors_log10"]["idle"] == 0.0


@pytest.mark.parametrize("name, duration, zac, cz, transfers, g1", [
    ("ghz3_aware", 954.9158964227987, 0.9751662724197394, 2, 12, 5),
    ("qft5_aware", 4952.37669507873, 0.8397387192493382, 20, 48, 39),
])
def test_qmap_outputs_match_an_independent_reading(name, duration, zac, cz, transfers, g1):
    """The QMAP research parsed these files with its own script (naviz_metrics.py, ZAC's formula on
    the sequential timeline); navm's reader, time model and zac model give the same figures."""
    from navm.backends.naviz import read_naviz_file
    from navm.pipeline import compile_module

    module = read_naviz_file(TESTS / "fixtures/qmap" / f"{name}.naviz", ZONED, "zoned")
    s = summary(compile_module(module, "move-check,schedule"))
    assert s["duration_us"] == pytest.approx(duration, rel=1e-12)
    assert s["fidelity_models"]["zac"]["fidelity"] == pytest.approx(zac, rel=1e-12)
    assert (s["two_qubit_gates"], s["transfers"], s["fidelity_models"]["zac"]["counts"]["one_qubit_gates"]) == \
        (cz, transfers, g1)


def test_log_space_keeps_a_huge_program_readable():
    """200 000 pulses: 0.995^200000 = 10^-435.4 underflows a double; its log10 does not."""
    n = 200_000
    rows = TableBuilder()
    for _ in range(n):
        rows.add(OPCODE["rydberg"], (0, 1))
    table, s = schedule_zoned(rows.build(), Placement(2, sites=np.array([2000, 2140])), ZONED)
    zac = s["fidelity_models"]["zac"]
    assert zac["fidelity"] == 0.0
    assert zac["log10"] == pytest.approx(n * math.log10(0.995), rel=1e-12)
    assert zac["factors_log10"]["two_qubit"] == pytest.approx(n * math.log10(0.995), rel=1e-12)
    assert s["duration_us"] == pytest.approx(n * 0.36, rel=1e-9) and table.stage[-1] == n - 1


def test_an_atom_idle_past_t2_gives_zero_in_zac_and_null_in_json():
    """ZAC's idle term 1 − idle/T2 reaches 0: the fidelity is 0 and its log10 −∞ (null in JSON)."""
    from navm.passes.analysis.zoned_fidelity import ModelResult

    rows = TableBuilder()
    for _ in range(30_000):  # 30 000 × 52 µs = 1.56 s of gates on q0 while q1 idles
        rows.add(OPCODE["u3"], (0,), (1.0, 0.0, 0.0))
    _, s = schedule_zoned(rows.build(), Placement(2, sites=np.array([1900, 1901])), ZONED)
    zac = s["fidelity_models"]["zac"]
    assert zac["log10"] == -math.inf and zac["fidelity"] == 0.0
    as_json = ModelResult("zac", zac["log10"], zac["factors_log10"]).to_json()
    assert as_json["log10"] is None and as_json["factors_log10"]["idle"] is None and as_json["fidelity"] == 0.0
    assert s["fidelity_models"]["navm"]["log10"] > -math.inf  # navm's idle channel saturates instead


def test_rates_give_t2_for_zac():
    from types import SimpleNamespace

    from navm.passes.analysis.zoned_fidelity import t2_us

    assert t2_us(SimpleNamespace(idle=SimpleNamespace(t2_us=None, rate_per_us=(1e-7, 1e-7, 4e-7)))) == \
        pytest.approx(1 / (2 * 5e-7))
    assert t2_us(SimpleNamespace(idle=SimpleNamespace(t2_us=None, rate_per_us=(1e-7, 0.0, 0.0)))) == math.inf


def test_the_report_shows_models_and_motion(in_tests_dir):
    from io import StringIO

    from rich.console import Console

    module = compile_program("zoned_pair.qbc", "unroll,schedule", device="zoned")
    report = schedule_report(module)
    data = report.to_json()["schedule"]
    assert data["motion"] == {"pulses": 1, "transfers": 8, "load_groups": 2, "move_groups": 6, "store_groups": 2,
                              "unpaired_exposures": 0}
    assert set(data["fidelity_models"]) == {"navm", "zac", "zac+excitation"}
    zac = data["fidelity_models"]["zac"]
    assert zac["factors"]["transfer"] == pytest.approx(0.999 ** 8, rel=1e-12)
    assert zac["factors_log10"]["transfer"] == pytest.approx(8 * math.log10(0.999), rel=1e-12)
    assert data["stage_list"] == [{"index": 0, "start_us": pytest.approx(265.49152815456034), "gates": [[0, 1]]}]
    out = StringIO()
    render_table(report, Console(file=out, width=120))
    text = out.getvalue()
    for words in ("atom transfers", "AOD groups (load/move/store)", "fidelity models", "zac+excitation",
                  "× transfer", "× excitation"):
        assert words in text, words
    assert "swaps added" not in text


def test_fixed_lattice_reports_have_no_models(in_tests_dir):
    module = compile_program("bell.qbc", "unroll,decompose-native,migrate-isa{to=1.1},schedule", device="test-small")
    data = schedule_report(module).to_json()["schedule"]
    assert data["fidelity_models"] == {} and data["motion"] is None


def test_a_zoned_program_needs_a_zoned_device(in_tests_dir):
    with pytest.raises(NavmError, match="schedule: an ISA 1.2 program needs a zoned device, and 'navm-test-small'"):
        compile_program("zoned_pair.qbc", "unroll,schedule", device="test-small")


def test_a_cz_outside_a_pulse_is_not_scheduled(tmp_path):
    from navm.diagnostics import SourceLocation
    from navm.frontend import load
    from navm.pipeline import compile_module

    path = tmp_path / "cz.qbc"
    path.write_text(".isa 1.2\n        QSITE q0, 2000\n        QSITE q1, 2140\n        QCZ q0, q1\n")
    with pytest.raises(NavmError) as err:
        compile_module(load(path), "unroll,schedule", device="zoned")
    assert err.value.message == ("schedule: 'cz' outside a 'rydberg' row: on a zoned device two-qubit gates run as "
                                 "Rydberg pulses; run `stage` first")
    assert err.value.loc == SourceLocation(str(path), 4, 9)
