"""Every circuit mqt-bench generates at small sizes, exported by qiskit's `qasm2.dumps`:
navm's reading gives the state qiskit's own reading of the same text gives.

Final measurements are removed before export (a state vector has none).
Benchmarks are listed from mqt-bench itself, so a new one is tested, or fails
here, without editing this file. Circuits with `if` go through the dynamic
path and are checked in test_qasm2_dynamic.py.
"""

from __future__ import annotations

import functools
import warnings

import pytest

mqt_bench = pytest.importorskip("mqt.bench")
from mqt.bench import BenchmarkLevel, get_benchmark
from mqt.bench.benchmarks import get_available_benchmark_names
from mqt.bench.targets import get_available_gateset_names, get_target_for_gateset
from qiskit import qasm2

from tests.frontend.qasm2.states import same_state

SIZES = (3, 4, 5)
NOT_EXPORTABLE = {
    # qiskit 2.6's qasm2.dumps fails on these circuits (nothing navm could read):
    "ae": "qasm2.dumps raises TypeError on its parameter expressions",
    "dynamic_qft": "if_else on single bits: OpenQASM 2 only has register-equality conditions",
    "ghz_dynamic": "if_else on single bits: OpenQASM 2 only has register-equality conditions",
    "iqpe": "if_else on single bits: OpenQASM 2 only has register-equality conditions",
}
TOO_LARGE = {"shor": "its smallest instance has 18 qubits and ~31k gates"}
DYNAMIC = {"seven_qubit_steane_code", "shors_nine_qubit_code"}  # sizes 13 and 17, with `if`: see the dynamic tests
NOT_TRANSPILABLE = {"clifford+t": "mqt-bench cannot transpile continuous rotations to Clifford+T"}


@functools.cache
def exported(name: str, level: BenchmarkLevel, gateset: str | None = None) -> tuple[int, str] | None:
    """(size, OpenQASM 2 text) of the smallest instance in SIZES, final measurements removed."""
    for size in SIZES:
        kwargs = {}
        if gateset is not None:
            kwargs["target"] = get_target_for_gateset(gateset, num_qubits=size)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                qc = get_benchmark(name, level, size, **kwargs)
        except ValueError:  # a size this benchmark does not come in
            continue
        qc.remove_final_measurements(inplace=True)
        return size, qasm2.dumps(qc)
    return None


def cases():
    for name in get_available_benchmark_names():
        for level in (BenchmarkLevel.ALG, BenchmarkLevel.INDEP):
            marks = []
            if name in NOT_EXPORTABLE:
                marks = [pytest.mark.skip(reason=NOT_EXPORTABLE[name])]
            elif name in TOO_LARGE:
                marks = [pytest.mark.skip(reason=TOO_LARGE[name])]
            elif name in DYNAMIC:
                continue
            yield pytest.param(name, level, None, id=f"{name}-{level.name.lower()}", marks=marks)
    for gateset in get_available_gateset_names():
        marks = [pytest.mark.skip(reason=NOT_TRANSPILABLE[gateset])] if gateset in NOT_TRANSPILABLE else []
        yield pytest.param("qft", BenchmarkLevel.NATIVEGATES, gateset, id=f"qft-native-{gateset}", marks=marks)
        yield pytest.param("randomcircuit", BenchmarkLevel.NATIVEGATES, gateset,
                           id=f"randomcircuit-native-{gateset}", marks=marks)


@pytest.mark.parametrize("name, level, gateset", list(cases()))
def test_mqt_bench_circuit_matches_qiskit(name, level, gateset):
    found = exported(name, level, gateset)
    assert found is not None, f"{name} has no instance of size {SIZES}"
    size, text = found
    assert same_state(text, atol=1e-7), f"{name} at {size} qubits"


def test_the_corpus_is_not_empty():
    runnable = [c for c in cases() if not c.marks]
    assert len(runnable) >= 60
