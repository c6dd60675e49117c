"""`navm evaluate` (score a zoned program: move-check, then every fidelity model) and
`navm compile --emit naviz`, through the CLI."""

from __future__ import annotations

import math

import pytest

from tests.helpers import TESTS, run_cli, run_json

ROOT = TESTS.parent
QMAP = "tests/fixtures/qmap"


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_evaluate_json_scores_qmap_output(capsys):
    out = run_json("evaluate", f"{QMAP}/qft5_aware.naviz", capsys=capsys)
    assert set(out) == {"file", "device", "num_qubits", "legal", "duration_us", "counts", "fidelity_estimate",
                        "fidelity_models"}
    assert (out["device"], out["num_qubits"], out["legal"]) == ("zoned", 5, True)
    assert out["counts"] == {"one_qubit_gates": 39, "cz": 20, "pulses": 14, "transfers": 48, "load_groups": 18,
                             "move_groups": 55, "store_groups": 17, "unpaired_exposures": 0}
    assert out["duration_us"] == pytest.approx(4952.37669507873, rel=1e-12)
    models = out["fidelity_models"]
    assert list(models) == ["navm", "zac", "zac+excitation"]
    assert models["zac"]["fidelity"] == pytest.approx(0.8397387192493382, rel=1e-12)
    assert models["navm"]["fidelity"] == out["fidelity_estimate"]
    for model in models.values():
        assert set(model) == {"fidelity", "log10", "factors", "factors_log10", "counts"}
        assert model["log10"] == pytest.approx(math.log10(model["fidelity"]), rel=1e-12)
        for name, value in model["factors"].items():
            assert value == pytest.approx(10 ** model["factors_log10"][name], rel=1e-12)


def test_evaluate_prints_counts_and_models(capsys):
    rc, out, err = run_cli("evaluate", f"{QMAP}/ghz3_aware.naviz", "--device", "zoned", capsys=capsys)
    assert rc == 0, err
    assert out.startswith("ghz3_aware.naviz on zoned: legal (move-check passed)")
    for words in ("duration", "954.916 µs", "atom transfers", "12", "4/12/4", "fidelity models", "zac+excitation",
                  "0.975166", "× idle", "× transfer"):
        assert words in out, words


def test_an_illegal_program_is_an_error_at_its_line(capsys):
    rc, out, err = run_cli("evaluate", f"{QMAP}/qftentangled16_agnostic_prefix.naviz", capsys=capsys)
    assert rc == 2 and not out
    assert err.startswith(f"{QMAP}/qftentangled16_agnostic_prefix.naviz:946:5: error: move: AOD columns x = 47.000 "
                          "(q15) and x = 48.000 (q13) would be 1.000 µm apart")


def test_no_check_scores_an_illegal_program(capsys):
    out = run_json("evaluate", f"{QMAP}/qftentangled16_agnostic_prefix.naviz", "--no-check", capsys=capsys)
    assert out["legal"] is None and out["num_qubits"] == 16 and 0 < out["fidelity_models"]["zac"]["fidelity"] < 1
    rc, text, _ = run_cli("evaluate", f"{QMAP}/qftentangled16_agnostic_prefix.naviz", "--no-check", capsys=capsys)
    assert rc == 0 and "not checked (--no-check)" in text


def test_evaluate_reads_navm_programs_too(capsys):
    out = run_json("evaluate", "tests/programs/zoned_pair.qbc", capsys=capsys)
    assert out["counts"]["cz"] == 1 and out["counts"]["transfers"] == 8 and out["legal"] is True


@pytest.mark.parametrize("args, message", [
    (("tests/programs/bell.qbc",), "navm evaluate scores zoned programs (ISA 1.2, atom motion); this one is ISA 1.0"),
    ((f"{QMAP}/ghz3_aware.naviz", "--device", "square-16x16"),
     "error: navm evaluate scores zoned programs, and device 'square-16x16' has no zoned architecture"),
    (("missing.naviz",), "error: missing.naviz: no such file"),
])
def test_evaluate_errors(capsys, args, message):
    rc, _, err = run_cli("evaluate", *args, capsys=capsys)
    assert rc == 2 and message in err, err


# ------------------------------------------------------------------------ compile --emit naviz


ZONED_PIPELINE = ("unroll,decompose-native,migrate-isa{to=1.2},stage,zoned-place,move-route,schedule,move-check")


def test_compile_emit_naviz_writes_the_zoned_program(capsys, monkeypatch, tmp_path):
    """With the zoned compile pipeline (set here; navm/pipeline.py picks it by device), `--emit naviz`
    writes the compiled program, which navm evaluate reads back with the same figures."""
    monkeypatch.setattr("navm.pipeline.COMPILE_PIPELINE", ZONED_PIPELINE)
    out_file = tmp_path / "chain.naviz"
    rc, _, err = run_cli("compile", "tests/programs/zoned_chain.qbc", "--device", "zoned", "--emit", "naviz",
                         "-o", str(out_file), capsys=capsys)
    assert rc == 0, err
    text = out_file.read_text()
    assert text.startswith("atom (") and "@+ cz zone_cz0\n" in text and "@+ load" in text
    compiled = run_json("compile", "tests/programs/zoned_chain.qbc", "--device", "zoned", capsys=capsys)
    scored = run_json("evaluate", str(out_file), capsys=capsys)
    assert scored["counts"]["transfers"] == compiled["schedule"]["motion"]["transfers"]
    assert scored["counts"]["cz"] == compiled["schedule"]["two_qubit_gates"]
    zac, back = compiled["schedule"]["fidelity_models"]["zac"], scored["fidelity_models"]["zac"]
    assert back["factors_log10"]["transfer"] == zac["factors_log10"]["transfer"]
    assert back["counts"]["one_qubit_gates"] == zac["counts"]["one_qubit_gates"]


@pytest.mark.parametrize("args, message", [
    (("--device", "square-16x16", "--emit", "naviz"), "error: --emit naviz writes zoned programs (atom motion), and device 'square-16x16' is not "
                          "zoned"),
    (("--device", "zoned", "--emit", "naviz", "--noise"), "error: --emit naviz cannot carry the device noise model"),
    (("--emit", "navi"), "error: --emit: must be one of ir, stim, qasm2, naviz, schedule, json, not 'navi' "
                         "(did you mean 'naviz'?)"),
])
def test_compile_emit_naviz_errors(capsys, args, message):
    rc, _, err = run_cli("compile", "tests/programs/zoned_chain.qbc", *args, capsys=capsys)
    assert rc == 2 and err.startswith(message), err


def test_the_evaluate_json_keys_are_documented():
    doc = (ROOT / "docs/cli.md").read_text()
    section = doc[doc.index("## `navm evaluate`"):doc.index("## `navm run`")]
    for key in ("`file`, `device`", "`num_qubits`", "`legal`", "`duration_us`", "`counts.one_qubit_gates`",
                "`counts.cz`", "`counts.pulses`", "`counts.transfers`", "`counts.unpaired_exposures`",
                "`fidelity_estimate`", "`fidelity_models`"):
        assert key in section, key
