"""The noise rule (docs/cli.md, "Noise"): the program's own channels always act, on both backends and in
dynamic runs; --noise adds the device model; --no-noise strips everything; the output says which.

Every example that writes noise channels is run on both backends and the distributions are compared:
a chi-square test of homogeneity on the counts where the outcomes are few, and the mean number of
fired detectors per shot where they are many (the surface codes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from navm.frontend import load
from navm.pipeline import compile_program
from tests.helpers import run_cli, run_json

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples").rglob("*")
                  if p.suffix in (".qbc", ".qasm") or p.name.endswith(".sigma.json"))
P_MIN = 1e-4  # chance a correct pair of backends fails: 1 in 10,000 per example


def _program_channels(path: str) -> dict[str, int]:
    from navm.runtime.vm import DynamicValueError

    try:
        return compile_program(load(ROOT / path), "square-16x16")[1].program
    except DynamicValueError:
        from navm.runtime.dynamic import program_channels

        return program_channels(load(ROOT / path))


@pytest.fixture(scope="module")
def noisy_examples() -> dict[str, dict[str, int]]:
    found = {}
    for path in EXAMPLES:
        if path.endswith("lattice.qbc") or "lattice_" in path:
            continue  # classical lattice builders: no circuit
        channels = _program_channels(path)
        if channels:
            found[path] = channels
    return found


def test_the_examples_with_noise_are_the_ones_we_compare(noisy_examples):
    """If an example gains noise channels it must join the comparisons below."""
    assert set(noisy_examples) == {"examples/qbc/noise.qbc", "examples/sigma/noisy.sigma.json",
                                   "examples/surface_code/memory_z_d3.qbc", "examples/surface_code/memory_z_d5.qbc"}


def _homogeneous(a: dict[str, int], b: dict[str, int]) -> float:
    keys = sorted(set(a) | set(b))
    table = np.array([[a.get(k, 0) for k in keys], [b.get(k, 0) for k in keys]])
    return stats.chi2_contingency(table)[1]


def test_noise_qbc_agrees_on_both_backends(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    sv = run_json("run", "examples/qbc/noise.qbc", "--shots", "20000", "--seed", "1", capsys=capsys)
    st = run_json("run", "examples/qbc/noise.qbc", "--shots", "20000", "--seed", "1", "--backend", "stim",
                  capsys=capsys)
    for out in (sv, st):
        assert out["noise"]["mode"] == "program"
        assert out["noise"]["program_channels"] == {"depolarize": 3, "depolarize2": 1, "loss": 2, "pauli": 1,
                                                    "readout_flip": 2}
        assert out["noise"]["device_channels"] == {}
        assert out["counts"].get("01", 0) + out["counts"].get("10", 0) > 500  # the 2% readout flips show
    assert _homogeneous(sv["counts"], st["counts"]) > P_MIN


def test_no_noise_strips_the_programs_channels_on_both_backends(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    for backend in ("statevector", "stim"):
        out = run_json("run", "examples/qbc/noise.qbc", "--shots", "5000", "--no-noise", "--backend", backend,
                       capsys=capsys)
        assert set(out["counts"]) == {"00", "11"}
        assert out["noise"] == {"mode": "none", "program_channels": {}, "device_channels": {},
                                "stripped_channels": {"depolarize": 3, "depolarize2": 1, "loss": 2, "pauli": 1,
                                                      "readout_flip": 2}}


def test_noise_adds_the_device_model_on_top(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    outs = [run_json("run", "examples/qbc/noise.qbc", "--shots", "20000", "--seed", "2", "--noise",
                     "--device", "test-small", "--backend", backend, capsys=capsys) for backend in ("statevector",
                                                                                                 "stim")]
    for out in outs:
        assert out["noise"]["mode"] == "device" and out["noise"]["program_channels"]["depolarize"] == 3
        assert out["noise"]["device_channels"]["readout_flip"] == 2
    assert _homogeneous(outs[0]["counts"], outs[1]["counts"]) > P_MIN


def test_the_header_says_which_noise_acted(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    rc, out, err = run_cli("run", "examples/qbc/noise.qbc", "--shots", "100", capsys=capsys)
    assert rc == 0, err
    assert "noise: the program's 9 channels (3 depolarize, 1 depolarize2, 2 loss, 1 pauli, 2 readout_flip)" in out
    rc, out, err = run_cli("run", "examples/qbc/bell.qbc", "--shots", "100", "--no-noise", capsys=capsys)
    assert "noise: none (--no-noise; the program has no noise channels)" in out
    rc, out, err = run_cli("compile", "examples/qbc/noise.qbc", "--noise", capsys=capsys)
    assert rc == 0, err
    assert "the device model: " in out and "the program's 9 channels" in out


def _detector_rate(counts: dict[str, int], detectors: list[list[int]]) -> np.ndarray:
    """Per shot, how many detectors fired (odd parity of their records), from `counts`."""
    per_shot = []
    for bits, n in counts.items():
        row = np.frombuffer(bits.encode(), np.uint8) - ord("0")
        fired = sum(int(row[d].sum() % 2) for d in detectors)
        per_shot.extend([fired] * n)
    return np.asarray(per_shot, float)


def _detectors(path: str) -> list[list[int]]:
    from navm.api import the_circuit
    from navm.ir.gates import OPCODE

    module, _ = compile_program(load(ROOT / path), "square-16x16")
    table = the_circuit(module, path).gate_table
    rows = np.flatnonzero(table.opcode == OPCODE["detector"])
    return [table.records[table.record_offsets[r]:table.record_offsets[r + 1]].tolist() for r in rows]


def test_surface_code_d3_agrees_on_both_backends(monkeypatch, capsys):
    """17 qubits of trajectories are slow, so the statevector runs 48 shots against stim's 20,000: the
    statevector's mean number of fired detectors per shot must lie within 4.5 standard errors of stim's."""
    monkeypatch.chdir(ROOT)
    path = "examples/surface_code/memory_z_d3.qbc"
    detectors = _detectors(path)
    assert len(detectors) == 24
    sv = run_json("run", path, "--shots", "48", "--seed", "3", capsys=capsys)
    st = run_json("run", path, "--shots", "20000", "--seed", "3", "--backend", "stim", capsys=capsys)
    a, b = _detector_rate(sv["counts"], detectors), _detector_rate(st["counts"], detectors)
    assert b.mean() > 0.5  # the program's noise fires detectors; noiseless, none would fire
    assert abs(a.mean() - b.mean()) < 4.5 * b.std() / np.sqrt(len(a)), (a.mean(), b.mean())


def test_surface_code_d5_is_beyond_the_statevector_and_runs_on_stim(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    rc, _, err = run_cli("run", "examples/surface_code/memory_z_d5.qbc", "--shots", "10", capsys=capsys)
    assert rc == 2 and "the circuit has 49 qubits; the statevector backend simulates at most 30" in err
    assert "note: the circuit is Clifford: run it with --backend stim" in err and "Traceback" not in err
    out = run_json("run", "examples/surface_code/memory_z_d5.qbc", "--shots", "2000", "--backend", "stim",
                   "--detectors", capsys=capsys)
    assert out["noise"]["mode"] == "program" and out["detectors"]["count"] == 120
    assert 0 < np.mean(out["detectors"]["fire_rate"]) < 0.2


def test_noisy_sigma_is_not_clifford_so_only_the_statevector_runs_it(monkeypatch, capsys):
    """stim cannot run its W state, so there is no second backend to compare with; its outcome is
    uniform whatever the noise (m_a is |+> measured, m_b and m_a2 come out of the W state and the
    reset), so the check is that the statevector reports the program's 7 channels as applied and
    --no-noise as stripped."""
    monkeypatch.chdir(ROOT)
    path = "examples/sigma/noisy.sigma.json"
    rc, _, err = run_cli("run", path, "--backend", "stim", "--shots", "10", capsys=capsys)
    assert rc == 2 and "not Clifford" in err
    channels = {"depolarize": 1, "depolarize2": 1, "loss": 1, "pauli": 1, "readout_flip": 2}
    noisy = run_json("run", path, "--shots", "200", capsys=capsys)
    assert noisy["noise"]["program_channels"] == channels and noisy["method"] == "trajectories"
    clean = run_json("run", path, "--shots", "200", "--no-noise", capsys=capsys)
    assert clean["noise"]["stripped_channels"] == channels


DYNAMIC_NOISY = """
        QH      q0
        QFLIP   q1, 0.25
        QMEAS   q0, r0
        QJEQ    r0, 0, skip
        QX      q1
skip:   QMEAS   q1, r1
        QHALT
"""


def test_a_dynamic_program_applies_its_channels_too(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("dyn.qbc").write_text(DYNAMIC_NOISY)
    noisy = run_json("run", "dyn.qbc", "--shots", "20000", "--seed", "4", capsys=capsys)
    clean = run_json("run", "dyn.qbc", "--shots", "20000", "--seed", "4", "--no-noise", capsys=capsys)
    assert noisy["dynamic"] and noisy["noise"]["mode"] == "program"
    assert noisy["noise"]["program_channels"] == {"readout_flip": 1}
    assert clean["noise"]["stripped_channels"] == {"readout_flip": 1}
    assert set(clean["counts"]) == {"00", "11"}
    flipped = (noisy["counts"].get("01", 0) + noisy["counts"].get("10", 0)) / 20000
    assert abs(flipped - 0.25) < 4.5 * np.sqrt(0.25 * 0.75 / 20000)
