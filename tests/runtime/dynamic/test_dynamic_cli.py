"""`navm run` on dynamic programs, through the CLI runner (as tests/test_cli_compile_run.py does)."""

from __future__ import annotations


import pytest

from tests.helpers import TESTS, run_cli, run_json
from tests.runtime.dynamic.programs import qbc, rus_expected
from tests.runtime.dynamic.stats import P_MIN, fit_p

ROOT = TESTS.parent
STATIC_KEYS = {"backend", "device", "shots", "seed", "noise", "bit_order", "results", "counts", "schedule", "dynamic"}


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_teleport_runs_with_the_static_keys_plus_dynamic(capsys):
    out = run_json("run", "examples/qbc/teleport.qbc", "--shots", "400", "--seed", "1", capsys=capsys)
    assert set(out) >= STATIC_KEYS and out["dynamic"] is True and out["schedule"] is None
    assert out["bit_order"].startswith("measurement records in program order, record 0 leftmost")
    assert out["results"] == ["r0", "r1", "r2"] and out["engine"] == "reference" and out["vm_runs"] == 4
    assert sum(out["counts"].values()) == 400 and all(bits[2] == "0" for bits in out["counts"])
    assert out["why_dynamic"].startswith("examples/qbc/teleport.qbc:31:9: this depends on the measurement of q1")
    again = run_json("run", "examples/qbc/teleport.qbc", "--shots", "400", "--seed", "1", capsys=capsys)
    assert again["counts"] == out["counts"]


def test_static_programs_say_they_are_not_dynamic(capsys):
    out = run_json("run", "examples/qbc/bell.qbc", "--shots", "50", capsys=capsys)
    assert set(out) >= STATIC_KEYS and out["dynamic"] is False and out["schedule"] is not None


def test_repeat_until_success_counts(capsys):
    out = run_json("run", "examples/qbc/repeat_until_success.qbc", "--shots", "5000", "--seed", "2", capsys=capsys)
    assert fit_p(out["counts"], rus_expected()) > P_MIN
    assert out["results"] == [f"r0[{k}]" for k in range(8)] + ["r2"]  # repeated records told apart


def test_the_table_notes_the_dynamic_run(capsys):
    rc, out, err = run_cli("run", "examples/qbc/teleport.qbc", "--shots", "100", capsys=capsys)
    assert rc == 0, err
    assert "100 shots on statevector (dynamic circuit, seed 0)" in out
    assert "noise: the program has no noise channels" in out
    assert "records in execution order" in out and "dynamic circuit: examples/qbc/teleport.qbc:31:9" in out
    assert "no placement, routing or schedule" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--backend", "stim"], "the stim backend cannot run a dynamic circuit"),
        (["--noise"], "--noise (the device's noise model) is not supported for dynamic circuits yet"),
        (["--backend", "stim", "--detectors"], "the stim backend cannot run a dynamic circuit"),
    ],
)
def test_errors_point_at_the_branch(args, message, capsys):
    rc, _, err = run_cli("run", "examples/qbc/teleport.qbc", *args, capsys=capsys)
    assert rc == 2 and message in err and "Traceback" not in err
    assert err.startswith("examples/qbc/teleport.qbc:31:9: error:")
    assert "note: it is a dynamic circuit: this depends on the measurement of q1" in err


def test_a_trap_inside_a_dynamic_program_names_its_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "trap.qbc").write_text(qbc("QH q0\n QMEAS q0, r0\n QJEQ r0, 0, fine\n QMOD r2, 1, r1\nfine: QHALT"))
    rc, _, err = run_cli("run", "trap.qbc", "--shots", "20", capsys=capsys)
    assert rc == 2 and err.startswith("trap.qbc:8:2: error: modulo by zero") and "Traceback" not in err
