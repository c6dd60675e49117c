"""The two examples: teleportation (fidelity, uniform Bell-measurement bits) and repeat until success."""

from __future__ import annotations

import math

import pytest

from navm.frontend import load
from navm.pipeline import compile_module
from navm.runtime.dynamic import run_dynamic
from navm.runtime.vm import DynamicValueError
from tests.runtime.dynamic.programs import (
    RUS,
    RUS_MAX_TRIES,
    TELEPORT,
    rus_expected,
    teleport_with,
)
from tests.runtime.dynamic.stats import P_MIN, fit_p

TELEPORT_EXPECTED = {"000": 0.25, "010": 0.25, "100": 0.25, "110": 0.25}


@pytest.mark.parametrize("path", [TELEPORT, RUS])
def test_the_examples_are_dynamic(path):
    """Both need the dynamic path: `unroll` cannot turn them into one circuit."""
    with pytest.raises(DynamicValueError, match="depends on the measurement of q"):
        compile_module(load(path), "unroll")


@pytest.mark.parametrize("theta", [0.0, 0.7, 1.1, math.pi / 2, 2.5, math.pi, -2.0])
def test_teleportation_always_undoes_the_preparation(theta):
    result = run_dynamic(teleport_with(theta), shots=4000, seed=11)
    assert sum(result.counts.values()) == 4000
    assert all(bits[2] == "0" for bits in result.counts), result.counts  # fidelity 1
    assert fit_p(result.counts, TELEPORT_EXPECTED) > P_MIN  # r0, r1 uniform and independent
    assert result.record_names == ("r0", "r1", "r2") and result.runs == 4


@pytest.mark.parametrize("theta", [0.4, 2.2])
def test_teleportation_shot_by_shot(theta):
    result = run_dynamic(teleport_with(theta), shots=600, seed=2, method="shots")
    assert all(bits[2] == "0" for bits in result.counts)
    assert fit_p(result.counts, TELEPORT_EXPECTED) > P_MIN and result.runs == 600


def test_without_the_corrections_the_state_is_not_teleported():
    """The fidelity check can fail: drop the classically controlled X and Z and r2 reads 1 often."""
    text = teleport_with(1.1).replace("        QX      q2\n", "").replace("        QZ      q2\n", "")
    result = run_dynamic(text, shots=2000, seed=1)
    assert sum(n for bits, n in result.counts.items() if bits[2] == "1") > 300


def test_repeat_until_success_attempts_are_geometric():
    result = run_dynamic(RUS, shots=20_000, seed=4)
    assert fit_p(result.counts, rus_expected()) > P_MIN
    assert set(result.counts) <= set(rus_expected())
    lengths = result.lengths()  # k attempts: k records plus the target's
    assert set(lengths) <= set(range(2, RUS_MAX_TRIES + 2))
    assert lengths[2] / 20_000 == pytest.approx(0.5, abs=0.02)
    assert result.record_names == ("r0",) * RUS_MAX_TRIES + ("r2",)
    assert result.runs == RUS_MAX_TRIES + 1  # one VM run per distinct path


def test_repeat_until_success_shot_by_shot_agrees():
    result = run_dynamic(RUS, shots=1500, seed=9, method="shots")
    merged = {"0" * (k - 1) + "11": p for k, p in enumerate([0.5, 0.25, 0.125], start=1)}
    merged["rest"] = 0.125
    folded: dict[str, int] = {}
    for bits, n in result.counts.items():  # rare outcomes pooled so each class expects >= 5 shots
        key = bits if bits in merged else "rest"
        folded[key] = folded.get(key, 0) + n
    assert fit_p(folded, merged) > P_MIN
    assert fit_p(folded, {"11": 0.25, "011": 0.25, "0011": 0.25, "rest": 0.25}) < P_MIN


def test_repeat_until_success_with_a_certain_herald_takes_one_attempt():
    text = RUS.read_text().replace(".define HALF_PI 1.5707963267948966", ".define HALF_PI 3.141592653589793")
    assert run_dynamic(text, shots=500, seed=0).counts == {"11": 500}
