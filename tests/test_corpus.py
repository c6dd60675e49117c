"""The small end of benchmarks/corpus.py: every corpus benchmark at 8 qubits goes from mqt-bench through
OpenQASM 2 and the whole pipeline, with consistent figures."""

from __future__ import annotations

import pytest

from tests.helpers import TESTS, load_script

corpus = load_script(TESTS.parent / "benchmarks" / "corpus.py", "corpus")


@pytest.mark.parametrize("name", corpus.BENCHMARKS)
def test_benchmark_compiles_with_consistent_figures(name):
    row = corpus.compile_one(name, 8)
    assert row.qubits >= 8
    assert row.cz_before > 0
    assert row.cz_after == row.cz_before + 3 * row.swaps  # every SWAP route adds is three CZs
    assert 1 <= row.stages <= row.cz_after
    assert row.duration_us > 0
    assert 0 < row.fidelity <= 1
