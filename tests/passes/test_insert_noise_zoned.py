"""insert-noise on zoned (ISA 1.2) programs (docs/passes/insert-noise.md, "Zoned programs"): where
each channel goes, how many of each kind, that the channels multiply to the schedule's
`fidelity_models["navm"]`, and that the statevector and stim backends sample the noisy programs
alike."""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pytest
from scipy import stats

from navm.api import Compiled, run
from navm.devices import load_profile
from navm.diagnostics import NavmError
from navm.frontend import load
from navm.ir.context import print_module
from navm.ir.navm import CircuitOp
from navm.pipeline import NoiseApplied, compile_module, compile_program
from tests.helpers import PROGRAMS, TESTS, run_json

ROOT = TESTS.parent
NAME = "zoned_noise.qbc"
CHECKED = "unroll,move-check,schedule"
P_MIN = 1e-4  # chance a correct pair of backends fails: 1 in 10,000 per comparison
ZONED = load_profile("zoned")


def circuit(module) -> CircuitOp:
    return next(op for op in module.body.block.ops if isinstance(op, CircuitOp))


def schedule_summary(module) -> dict:
    from navm.backends.report.schedule import _plain

    return _plain(module.attributes["navm.schedule"])


def noisy(path, device="zoned", passes=CHECKED):
    """(module before insert-noise, module after): the rows a test compares."""
    before = compile_module(load(path), passes, device=device)
    after = compile_module(load(path), passes + ",insert-noise", device=device)
    return before, after


def inserted(before, after) -> list:
    """The rows insert-noise added, in order: `after` is `before` with rows put in between."""
    old = list(circuit(before).gate_table.rows())
    out, k = [], 0
    for row in circuit(after).gate_table.rows():
        if k < len(old) and row == old[k]:
            k += 1
        else:
            assert row.name in ("pauli", "depolarize", "depolarize2", "readout_flip", "loss"), row
            out.append(row)
    assert k == len(old), "insert-noise dropped or changed a row"
    return out


def kinds(rows) -> Counter:
    return Counter(r.name for r in rows)


def noisy_profile(tmp_path, **changes) -> str:
    """The zoned profile with large errors, so that every channel shows in a few thousand shots."""
    spec = json.loads((ROOT / "navm/devices/builtin/zoned.json").read_text())
    spec["name"] = "zoned-noisy"
    spec["architecture"]["transfer"] = {"duration_us": 15.0, "fidelity": 0.97, **changes.pop("transfer", {})}
    spec["noise"] = {"gate_pauli": {"u3": {"depolarize": 0.02}, "cz": {"depolarize2": 0.06}},
                     "unpaired_rydberg_error": 0.08, "idle": {"t1_us": 40000.0, "t2_us": 15000.0},
                     "spam": {"prep_error": 0.02, "readout_false_positive": 0.02, "readout_false_negative": 0.04},
                     "loss": {"per_gate": {}, "per_us_idle": 0.0}}
    path = tmp_path / "zoned-noisy.json"
    path.write_text(json.dumps(spec))
    return str(path)


# ---------------------------------------------------------------- where the channels go


def test_snapshot(snapshot, in_tests_dir):
    """Every channel of a small program: preparation, idle gaps (moves count as idle), transfers after
    each load and store group, the pulse's depolarize2, the unpaired atom's Z, readout, the reset's
    preparation, and each atom's idle time up to the end."""
    module = compile_module(load(PROGRAMS.relative_to(TESTS) / NAME), CHECKED + ",insert-noise", device="zoned")
    assert print_module(module) == snapshot


def test_channel_counts_on_a_known_program(in_tests_dir):
    before, after = noisy(PROGRAMS.relative_to(TESTS) / NAME)
    rows = inserted(before, after)
    assert kinds(rows) == {"pauli": 21, "depolarize": 18, "depolarize2": 1, "readout_flip": 3}
    # depolarize: 6 u3 (0.0003) and 12 transfers (3 atoms × 2 loads, 2 stores; 1 - 0.999)
    assert Counter(r.params for r in rows if r.name == "depolarize") == {(0.0003,): 6, (0.001,): 12}
    pauli = Counter(r.params for r in rows if r.name == "pauli")
    assert pauli[(0.001, 0.0, 0.0)] == 4  # 3 atoms at the start, q2 after its reset
    assert pauli[(0.0, 0.0, 0.0025)] == 1  # q2 under the laser without a partner
    assert sum(pauli.values()) - 5 == 16  # idle gaps
    excitation = next(r for r in rows if r.params == (0.0, 0.0, 0.0025))
    assert excitation.qubits == (2,) and excitation.loc.line == 28  # the QRYDBERG line
    (pair,) = [r for r in rows if r.name == "depolarize2"]
    assert pair.qubits == (0, 1) and pair.params == (0.005,)
    # readout: before each atom's first measurement; q2's second measurement shares its flip
    assert [r.qubits for r in rows if r.name == "readout_flip"] == [(2,), (0,), (1,)]


def test_channels_sit_between_groups_and_keep_time_order(in_tests_dir):
    before, after = noisy(PROGRAMS.relative_to(TESTS) / NAME)
    rows = list(circuit(after).gate_table.rows())
    compile_module(after, "move-check")  # no channel splits a motion group: the program still checks
    for a, b in zip(rows, rows[1:]):
        assert b.timing[0] >= a.timing[0] - 1e-9, (a, b)
    added = inserted(before, after)
    assert all(r.timing[1] == 0.0 and r.timing[2] == -1 for r in added)
    # q0 and q1 finish before the program does (q2's measurement is last): idle up to the end
    total = schedule_summary(after)["duration_us"]
    for q in (0, 1):
        last = [r for r in added if r.qubits == (q,)][-1]
        assert last.name == "pauli" and last.timing[0] == pytest.approx(total) and last.params[0] > 0
    assert [r for r in added if r.qubits == (2,)][-1].timing[0] < total


def test_transfer_loss_is_a_loss_channel_per_transfer(tmp_path, in_tests_dir):
    device = noisy_profile(tmp_path, transfer={"loss": 0.004})
    before, after = noisy(PROGRAMS.relative_to(TESTS) / NAME, device=device)
    rows = inserted(before, after)
    loss = [r for r in rows if r.name == "loss"]
    assert len(loss) == 12 and {r.params for r in loss} == {(0.004,)}
    assert Counter(r.qubits for r in loss) == {(0,): 4, (1,): 4, (2,): 4}
    transfers = [r for r in rows if r.name == "depolarize" and r.params == (0.03,)]
    assert [r.qubits for r in transfers] == [r.qubits for r in loss]


def test_the_fixed_lattice_path_is_unchanged(in_tests_dir):
    """ISA 1.1 programs keep the fixed-lattice model: no transfer channels, unpaired atoms per stage."""
    passes = "unroll,decompose-native,canonicalize,migrate-isa{to=1.1},place,route,schedule"
    before, after = noisy(PROGRAMS.relative_to(TESTS) / "bell.qbc", device="square-16x16", passes=passes)
    from navm.passes.insert_noise import noisy_rows

    table = circuit(before).gate_table
    expected = noisy_rows(list(table.rows()), circuit(before).qubit_placement.num_qubits,
                          load_profile("square-16x16").noise)
    assert list(circuit(after).gate_table.rows()) == expected


def test_errors(tmp_path, in_tests_dir):
    with pytest.raises(NavmError, match="insert-noise needs a scheduled circuit: run `schedule` first"):
        compile_module(load(PROGRAMS.relative_to(TESTS) / NAME), "unroll,insert-noise", device="zoned")
    module = compile_module(load(PROGRAMS.relative_to(TESTS) / NAME), CHECKED, device="zoned")
    with pytest.raises(NavmError, match="needs a zoned device, and 'navm-test-small' has no architecture"):
        compile_module(module, "insert-noise{device=test-small}")


# ---------------------------------------------------------------- the channels are navm's model


def channel_factors(rows, after, profile) -> dict[str, float]:
    """log10 of the product of the inserted channels' fidelities (1 − total error), by the factor of
    the "navm" model each belongs to; each atom's idle channels are composed first (a Pauli channel's
    eigenvalues multiply), since the model charges the idle channel of each atom's total idle time."""
    noise, arch = profile.noise, profile.architecture
    table = circuit(after).gate_table
    measured = Counter(table.qubits[table.qubit_offsets[i]] for i in
                       np.flatnonzero(np.array([r.name == "measure" for r in table.rows()])).tolist())
    factors = dict.fromkeys(("one_qubit", "two_qubit", "transfer", "excitation", "idle", "spam"), 0.0)
    eigen: dict[int, np.ndarray] = {}
    transfer_p = 1 - arch.transfer_fidelity
    for r in rows:
        if r.name == "depolarize2":
            factors["two_qubit"] += math.log10(1 - r.params[0])
        elif r.name == "depolarize":
            key = "transfer" if math.isclose(r.params[0], transfer_p, rel_tol=1e-12) else "one_qubit"
            factors[key] += math.log10(1 - r.params[0])
        elif r.name == "readout_flip":  # flips every later measurement of the atom
            factors["spam"] += measured[r.qubits[0]] * math.log10(1 - r.params[0])
        elif r.name == "pauli" and r.params == (noise.spam.prep_error, 0.0, 0.0):
            factors["spam"] += math.log10(1 - r.params[0])
        elif r.name == "pauli" and r.params == noise.unpaired_rydberg_pauli:
            factors["excitation"] += math.log10(1 - sum(r.params))
        elif r.name == "pauli":  # idle
            px, py, pz = r.params
            lam = np.array([1 - 2 * (py + pz), 1 - 2 * (px + pz), 1 - 2 * (px + py)])
            eigen[r.qubits[0]] = eigen.get(r.qubits[0], np.ones(3)) * lam
        else:
            assert r.name == "loss"  # not part of the fidelity model
    for lam in eigen.values():
        factors["idle"] += math.log10((1 + lam.sum()) / 4)  # the identity's probability
    return factors


def naive_log10(rows, after) -> float:
    """The plain product of every inserted channel's fidelity, idle channels one by one."""
    table = circuit(after).gate_table
    measured = Counter(table.qubits[table.qubit_offsets[i]] for i, r in enumerate(table.rows())
                       if r.name == "measure")
    out = 0.0
    for r in rows:
        if r.name == "readout_flip":
            out += measured[r.qubits[0]] * math.log10(1 - r.params[0])
        elif r.name != "loss":
            out += math.log10(1 - sum(r.params))
    return out


def assert_agrees_with_the_navm_model(before, after, profile):
    rows = inserted(before, after)
    model = schedule_summary(after)["fidelity_models"]["navm"]
    ours = channel_factors(rows, after, profile)
    for key, value in model["factors_log10"].items():
        assert ours[key] == pytest.approx(value, rel=1e-9, abs=1e-13), key
    assert math.fsum(ours.values()) == pytest.approx(model["log10"], rel=1e-9)
    # gap by gap, the idle channels' fidelities multiply to less than the composed channel's (errors in
    # two gaps may cancel), by second-order terms: on the built-in profile within 0.2 % of the log10
    naive = naive_log10(rows, after)
    assert naive <= model["log10"] + 1e-12
    if profile is ZONED:
        assert naive == pytest.approx(model["log10"], rel=2e-3)
    return ours, model


def test_the_channels_multiply_to_the_navm_model(in_tests_dir):
    before, after = noisy(PROGRAMS.relative_to(TESTS) / NAME)
    ours, model = assert_agrees_with_the_navm_model(before, after, ZONED)
    assert ours["excitation"] == pytest.approx(math.log10(0.9975), rel=1e-12)


def test_the_channels_multiply_to_the_navm_model_on_a_noisy_profile(tmp_path, in_tests_dir):
    device = noisy_profile(tmp_path, transfer={"loss": 0.004})
    before, after = noisy(PROGRAMS.relative_to(TESTS) / NAME, device=device)
    assert_agrees_with_the_navm_model(before, after, load_profile(device))


@pytest.mark.parametrize("path", ["examples/ghz.qbc", "examples/surface_code/memory_z_d3.qbc",
                                  "examples/qasm2/qft4.qasm"])
def test_compiled_programs_agree_with_the_navm_model_and_count_as_it_does(path, monkeypatch):
    """The full zoned pipeline (program noise stripped): one channel per model event."""
    monkeypatch.chdir(ROOT)
    before, _ = compile_program(load(path), "zoned", noise="none")
    after, _ = compile_program(load(path), "zoned", noise="none")
    compile_module(after, "insert-noise")
    rows = inserted(before, after)
    assert_agrees_with_the_navm_model(before, after, ZONED)
    counts = schedule_summary(after)["fidelity_models"]["navm"]["counts"]
    got = kinds(rows)
    assert got["depolarize"] == counts["one_qubit_gates"] + counts["transfers"]
    assert got["depolarize2"] == counts["cz"]
    measured = {r.qubits for r in circuit(after).gate_table.rows() if r.name == "measure"}
    assert got["readout_flip"] == len(measured)
    pauli = Counter(r.params for r in rows if r.name == "pauli")
    n = circuit(after).qubit_placement.num_qubits
    assert pauli[(ZONED.noise.spam.prep_error, 0.0, 0.0)] == n + counts["resets"]
    assert pauli[ZONED.noise.unpaired_rydberg_pauli] == counts["unpaired_exposures"]


def test_surface_code_channel_counts(monkeypatch):
    """The distance-3 memory experiment through `navm.compile` (zoned), program noise stripped."""
    monkeypatch.chdir(ROOT)
    module, applied = compile_program(load("examples/surface_code/memory_z_d3.qbc"), "zoned", noise="none")
    counts = schedule_summary(module)["fidelity_models"]["navm"]["counts"]
    compile_module(module, "insert-noise")
    got = Counter()
    from navm.pipeline import module_channels

    got.update(module_channels(module))
    assert got["depolarize2"] == counts["cz"] == 72
    assert got["readout_flip"] == 17
    assert got["depolarize"] == counts["one_qubit_gates"] + counts["transfers"]
    assert counts["measurements"] == 33 and counts["resets"] == 41


# ---------------------------------------------------------------- both backends agree


def homogeneous(a: dict[str, int], b: dict[str, int]) -> float:
    keys = sorted(set(a) | set(b))
    return stats.chi2_contingency(np.array([[a.get(k, 0) for k in keys], [b.get(k, 0) for k in keys]]))[1]


def test_statevector_and_stim_agree_on_a_noisy_zoned_program(tmp_path, in_tests_dir):
    """zoned_noise.qbc with large errors: transfers, the unpaired atom's Z, idle, a mid-circuit
    measurement and reset; u3 rows lower to stim Cliffords, the pulse to CZ, motion to nothing."""
    device = noisy_profile(tmp_path)

    def compiled():
        module = compile_module(load(PROGRAMS.relative_to(TESTS) / NAME), CHECKED + ",insert-noise", device=device)
        return Compiled(module, device, NoiseApplied("device"), NAME)

    sv = run(compiled(), backend="statevector", shots=20000, seed=1).counts
    st = run(compiled(), backend="stim", shots=20000, seed=1).counts
    assert homogeneous(sv, st) > P_MIN
    # the unpaired atom's Z (0.08) and the rest flip q2's mid-circuit record (r0, leftmost) often
    flipped = sum(n for bits, n in st.items() if bits[0] == "1") / 20000
    assert 0.1 < flipped < 0.3


@pytest.mark.parametrize("program", ["examples/ghz.qbc", "examples/qbc/bell.qbc"])
def test_navm_run_noise_backend_stim_on_zoned_programs(program, tmp_path, monkeypatch, capsys):
    """`navm run FILE --noise --backend stim` through the zoned pipeline, against the statevector."""
    monkeypatch.chdir(ROOT)
    device = noisy_profile(tmp_path)
    outs = [run_json("run", program, "--noise", "--device", device, "--shots", "20000", "--seed", "4",
                     "--backend", backend, capsys=capsys) for backend in ("statevector", "stim")]
    for out in outs:
        assert out["noise"]["mode"] == "device"
        assert out["noise"]["device_channels"]["depolarize2"] >= 1
    assert homogeneous(outs[0]["counts"], outs[1]["counts"]) > P_MIN
    out = run_json("run", program, "--noise", "--shots", "100", "--backend", "stim", capsys=capsys)
    assert out["noise"]["device_channels"]["depolarize"] > out["noise"]["device_channels"]["depolarize2"]
