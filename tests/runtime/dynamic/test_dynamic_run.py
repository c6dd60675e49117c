"""run_dynamic: seeds, the two methods, the engine parameter, traps and bad arguments."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from navm.diagnostics import NavmError
from navm.frontend import load
from navm.runtime.dynamic import run as run_module
from navm.runtime.dynamic import run_dynamic
from navm.runtime.vm import VMTrap
from tests.runtime.dynamic.programs import RUS, TELEPORT, qbc
from tests.runtime.dynamic.stats import P_MIN


@pytest.mark.parametrize("method", ["branches", "shots"])
def test_the_same_seed_gives_the_same_shots(method):
    a = run_dynamic(RUS, shots=300, seed=5, method=method)
    b = run_dynamic(RUS, shots=300, seed=5, method=method)
    c = run_dynamic(RUS, shots=300, seed=6, method=method)
    assert a.records == b.records and a.counts == b.counts
    assert a.records != c.records
    assert sum(a.counts.values()) == len(a.records) == 300


def test_shot_by_shot_a_shot_does_not_depend_on_the_shot_count():
    few = run_dynamic(RUS, shots=40, seed=3, method="shots")
    many = run_dynamic(RUS, shots=120, seed=3, method="shots")
    assert many.records[:40] == few.records


def test_branches_and_shots_sample_the_same_distribution():
    a = run_dynamic(TELEPORT, shots=1200, seed=1, method="shots").counts
    b = run_dynamic(TELEPORT, shots=1200, seed=1, method="branches").counts
    keys = sorted(set(a) | set(b))
    table = np.array([[a.get(k, 0) for k in keys], [b.get(k, 0) for k in keys]])
    assert chi2_contingency(table).pvalue > P_MIN


def test_branches_shuffles_its_records_into_shot_order():
    result = run_dynamic(TELEPORT, shots=400, seed=2)
    assert sorted(result.records) != result.records  # not grouped by path
    assert {bits: result.records.count(bits) for bits in result.counts} == result.counts


def test_zero_shots():
    result = run_dynamic(TELEPORT, shots=0)
    assert result.counts == {} and result.records == [] and result.runs == 0 and result.lengths() == {}


def test_source_text_paths_and_modules_are_all_programs():
    text = TELEPORT.read_text()
    by_text = run_dynamic(text, shots=50, seed=1).counts
    assert run_dynamic(TELEPORT, shots=50, seed=1).counts == by_text
    assert run_dynamic(str(TELEPORT), shots=50, seed=1).counts == by_text
    assert run_dynamic(load(TELEPORT), shots=50, seed=1).counts == by_text


def test_the_engine_is_handed_to_the_vm(monkeypatch):
    seen = []
    real = run_module.execute

    def spy(module, *, engine, max_steps, backend):
        seen.append((engine, max_steps))
        return real(module, engine="reference", max_steps=max_steps, backend=backend)

    monkeypatch.setattr(run_module, "execute", spy)
    result = run_dynamic(TELEPORT, shots=10, engine="compiled", max_steps=500)
    assert result.engine == "compiled" and seen and set(seen) == {("compiled", 500)}


@pytest.mark.skipif(importlib.util.find_spec("navm.runtime.vm.compiled") is None,
                    reason="the compiled engine is not there yet")
def test_the_compiled_engine_gives_the_same_counts():
    ref = run_dynamic(RUS, shots=500, seed=8, engine="reference")
    fast = run_dynamic(RUS, shots=500, seed=8, engine="compiled")
    assert fast.counts == ref.counts and fast.steps == ref.steps


def test_a_trap_in_one_branch_names_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("trap.qbc").write_text(qbc("QH q0\n QMEAS q0, r0\n QJEQ r0, 0, fine\n QDIV r2, 1, r1\nfine: QHALT"))
    for method in ("branches", "shots"):
        with pytest.raises(VMTrap, match="division by zero") as err:
            run_dynamic("trap.qbc", shots=50, seed=0, method=method)
        assert str(err.value).startswith("trap.qbc:8:")


def test_an_endless_dynamic_loop_hits_the_step_limit():
    never = qbc("loop: QMEAS q0, r0\n QJEQ r0, 0, loop")  # q0 stays |0>: never succeeds
    with pytest.raises(VMTrap, match="step limit of 1000 reached"):
        run_dynamic(never, shots=3, max_steps=1000)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"shots": -1}, "shots must be an integer >= 0, got -1"),
        ({"shots": True}, "shots must be an integer >= 0, got True"),
        ({"seed": -3}, "seed must be an integer >= 0, got -3"),
        ({"seed": 1.5}, "seed must be an integer >= 0, got 1.5"),
        ({"max_steps": -1}, "max_steps must be an integer >= 0"),
        ({"method": "batched"}, "unknown method 'batched'; choose one of branches, shots"),
        ({"engine": "jit"}, "unknown VM engine 'jit'; choose one of compiled, reference"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(NavmError, match=message.replace("(", r"\(")):
        run_dynamic(TELEPORT, **kwargs)
