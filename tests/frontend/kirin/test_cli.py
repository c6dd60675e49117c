"""`navm compile|run module.py:kernel`: a bloqade kernel through the whole pipeline from the command line."""

from __future__ import annotations

import json

import pytest

from tests.helpers import TESTS, run_cli

pytest.importorskip("bloqade")

ROOT = TESTS.parent
KERNELS = "tests/frontend/kirin/kernels.py"
BAD = "tests/frontend/kirin/bad_kernels.py"


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_compile_schedules_a_squin_kernel(capsys):
    rc, out, err = run_cli("compile", f"{KERNELS}:qft4", "--json", capsys=capsys)
    assert rc == 0, err
    report = json.loads(out)
    assert report["num_qubits"] == 4
    assert report["schedule"]["two_qubit_gates"] >= 12  # six controlled phases, two cx each


def test_compiled_ir_points_at_the_kernel_source(capsys):
    rc, out, err = run_cli("compile", f"{KERNELS}:qasm2_ghz", "--emit", "ir", capsys=capsys)
    assert rc == 0, err
    assert 'loc("tests/frontend/kirin/kernels.py":' in out  # relative to the working directory
    assert "cz" in out


def test_run_samples_the_ghz_records(capsys):
    rc, out, err = run_cli("run", f"{KERNELS}:ghz_measured", "--json", "--shots", "200", capsys=capsys)
    assert rc == 0, err
    result = json.loads(out)
    assert result["results"] == ["m0", "m1", "m2"]
    assert set(result["counts"]) == {"000", "111"} and sum(result["counts"].values()) == 200


def test_unsupported_statement_is_reported_with_its_line(capsys):
    rc, _, err = run_cli("compile", f"{BAD}:leaks", capsys=capsys)
    assert rc == 2
    first, source, caret = err.splitlines()[:3]
    assert first.startswith(f"{BAD}:") and "unsupported statement `squin.noise.qubit_leakage`" in first
    assert source.strip().startswith("squin.qubit_leakage(") and caret.strip() == "^"


@pytest.mark.parametrize("spec, message", [
    ("tests/frontend/kirin/nowhere.py:main", "nowhere.py: no such file"),
    (f"{BAD}:missing", "has no attribute 'missing'"),
    (f"{BAD}:NOT_A_KERNEL", "is a int, not a bloqade kernel"),
    (f"{BAD}:takes_angle", "kernel 'takes_angle' takes arguments (theta)"),
])
def test_bad_kernel_specs_exit_with_status_2(spec, message, capsys):
    rc, _, err = run_cli("run", spec, capsys=capsys)
    assert rc == 2 and message in err, err
    assert "Traceback" not in err
