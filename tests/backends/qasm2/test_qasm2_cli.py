"""`navm compile --emit qasm2` on the command line: stdout or -o, --json untouched, --noise
refused, and the bit order of qiskit's counts against navm's."""

from __future__ import annotations

import json

import pytest
from qiskit.primitives import StatevectorSampler

from tests.backends.qasm2.reading import read
from tests.helpers import TESTS, run_cli

ROOT = TESTS.parent
BIT_ORDER = "tests/backends/qasm2/programs/bit_order.qbc"


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_output_file_holds_what_stdout_shows(capsys, tmp_path):
    rc, out, err = run_cli("compile", "examples/ghz.qbc", "--emit", "qasm2", capsys=capsys)
    assert rc == 0, err
    target = tmp_path / "ghz.qasm"
    rc, printed, err = run_cli("compile", "examples/ghz.qbc", "--emit", "qasm2", "-o", str(target), capsys=capsys)
    assert rc == 0 and printed == "", err
    assert target.read_text() == out
    assert out.startswith("OPENQASM 2.0;\n") and "cz q[0],q[1];" in out


def test_json_flag_still_wins_over_emit(capsys):
    rc, out, err = run_cli("compile", "examples/ghz.qbc", "--emit", "qasm2", "--json", capsys=capsys)
    assert rc == 0, err
    rc, expected, _ = run_cli("compile", "examples/ghz.qbc", "--emit", "json", capsys=capsys)
    assert json.loads(out) == json.loads(expected)
    assert "OPENQASM" not in out


def test_noise_is_refused_with_a_note(capsys, tmp_path):
    target = tmp_path / "noisy.qasm"
    rc, out, err = run_cli("compile", "examples/qbc/bell.qbc", "--emit", "qasm2", "--noise", "-o", str(target),
                           capsys=capsys)
    assert rc == 2 and out == ""
    assert "error: --emit qasm2 cannot carry the device noise model: OpenQASM 2 has no noise channels" in err
    assert "note: leave out --noise" in err and "Traceback" not in err
    assert not target.exists()


def test_an_unknown_emit_lists_qasm2(capsys):
    rc, _, err = run_cli("compile", "examples/ghz.qbc", "--emit", "qasm3", capsys=capsys)
    assert rc == 2 and "error: --emit: must be one of ir, stim, qasm2, naviz, schedule, json, not 'qasm3' (did you mean 'qasm2'?)" in err


def test_help_mentions_qasm2(capsys):
    rc, out, _ = run_cli("compile", "--help", capsys=capsys)
    assert rc == 0 and "qasm2" in out


def test_qiskit_counts_are_navm_counts_with_the_bits_reversed(capsys):
    """navm lists records left to right (rec[0] first); qiskit prints clbit 0 rightmost."""
    rc, out, err = run_cli("run", BIT_ORDER, "--shots", "50", "--json", capsys=capsys)
    assert rc == 0, err
    navm_counts = json.loads(out)["counts"]
    assert navm_counts == {"110": 50}  # rec[0] (q0) = 1, rec[1] (q1) = 1, rec[2] (q2) = 0
    rc, text, err = run_cli("compile", BIT_ORDER, "--emit", "qasm2", capsys=capsys)
    assert rc == 0, err
    (result,) = StatevectorSampler(seed=1).run([read(text)], shots=50).result()
    qiskit_counts = result.data.rec.get_counts()
    assert qiskit_counts == {"011": 50}
    assert {k[::-1]: v for k, v in qiskit_counts.items()} == navm_counts
