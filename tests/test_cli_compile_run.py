"""`navm compile` and `navm run` end to end on the examples, with the default profile."""

from __future__ import annotations

import json

import pytest

from tests.helpers import TESTS, run_cli, run_json

ROOT = TESTS.parent


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_compile_json_has_the_documented_fields(capsys):
    rc, out, err = run_cli("compile", "examples/ghz.qbc", "--emit", "json", capsys=capsys)
    assert rc == 0, err
    report = json.loads(out)
    schedule = report["schedule"]
    assert set(schedule) >= {"duration_us", "stages", "two_qubit_gates", "swaps_added", "fidelity_estimate"}
    assert schedule["two_qubit_gates"] == 5 and schedule["swaps_added"] == 0 and schedule["stages"] >= 5
    assert 0 < schedule["fidelity_estimate"] < 1 and schedule["duration_us"] > 0
    assert sorted(report["placement"]) == [str(q) for q in range(6)]
    assert len(set(report["placement"].values())) == 6


def test_compile_json_flag_is_emit_json(capsys):
    rc, out, _ = run_cli("compile", "examples/qft.sigma.json", "--json", capsys=capsys)
    assert rc == 0 and json.loads(out)["schedule"]["two_qubit_gates"] > 0


def test_compile_schedule_table_and_svg(capsys, tmp_path):
    svg = tmp_path / "ghz.svg"
    rc, out, err = run_cli("compile", "examples/qft.sigma.json", "--svg", str(svg), capsys=capsys)
    assert rc == 0, err
    assert "Rydberg stages" in out and "fidelity estimate" in out
    text = svg.read_text()
    assert text.startswith("<svg") and text.count("<line") > 0 and "stage 0" in text


def test_compile_emit_ir_and_stim(capsys):
    rc, out, _ = run_cli("compile", "examples/qbc/bell.qbc", "--emit", "ir", capsys=capsys)
    assert rc == 0 and "navm.schedule" in out and "[t=" in out
    rc, out, _ = run_cli("compile", "examples/qbc/bell.qbc", "--emit", "stim", capsys=capsys)
    assert rc == 0 and "QUBIT_COORDS" in out and "CZ" in out and "M" in out


def test_run_ghz_gives_only_all_zeros_and_all_ones(capsys):
    result = run_json("run", "examples/ghz.qbc", "--shots", "400", "--seed", "3", capsys=capsys)
    assert set(result["counts"]) <= {"000000", "111111"} and sum(result["counts"].values()) == 400
    assert 120 < result["counts"]["000000"] < 280
    assert result["bit_order"].startswith("measurement records in program order")
    again = run_json("run", "examples/ghz.qbc", "--shots", "400", "--seed", "3", capsys=capsys)
    assert again["counts"] == result["counts"]


def test_run_qft_reads_out_k(capsys):
    result = run_json("run", "examples/qft.sigma.json", "--shots", "300", capsys=capsys)
    assert result["counts"] == {"1011": 300} and result["results"] == ["k3", "k2", "k1", "k0"]


def test_run_with_noise_shows_errors(capsys):
    result = run_json("run", "examples/qbc/bell.qbc", "--device", "test-small", "--noise", "--shots", "300",
                      capsys=capsys)
    assert result["noise"]["mode"] == "device" and result["noise"]["device_channels"]["readout_flip"] == 2
    assert result["noise"]["program_channels"] == {} and sum(result["counts"].values()) == 300
    assert set(result["counts"]) - {"00", "11"}, "test-small's noise (1% preparation, 1.5% readout) shows"
    clean = run_json("run", "examples/qbc/bell.qbc", "--device", "test-small", "--shots", "300", capsys=capsys)
    assert set(clean["counts"]) <= {"00", "11"}


def test_run_stim_with_detectors_and_dem(capsys):
    result = run_json("run", "examples/qbc/bell.qbc", "--backend", "stim", "--shots", "200", capsys=capsys)
    assert set(result["counts"]) <= {"00", "11"}
    rc, out, err = run_cli("run", "tests/programs/repetition.qbc", "--backend", "stim", "--noise", "--device",
                           "test-small", "--detectors", "--dem", "--json", capsys=capsys)
    assert rc == 0, err
    data = json.loads(out)
    assert data["detectors"]["count"] == 3 and len(data["detectors"]["observable_flip_rate"]) == 1
    assert "error(" in data["detector_error_model"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "examples/ghz.qbc", "--backend", "gpu"], "error: --backend: must be one of statevector, stim, not 'gpu'"),
        (["run", "examples/ghz.qbc", "--detectors"], "--detectors and --dem need --backend stim"),
        (["compile", "examples/ghz.qbc", "--emit", "pdf"], "error: --emit: must be one of ir, stim, qasm2, naviz, schedule, json, not 'pdf'"),
        (["run", "examples/qft.sigma.json", "--backend", "stim"], "stim needs a Clifford circuit"),
        (["compile", "examples/ghz.qbc", "--device", "nope"], "error:"),
    ],
)
def test_errors(args, message, capsys):
    rc, out, err = run_cli(*args, capsys=capsys)
    assert rc == 2 and message in err and "Traceback" not in err
