"""Angles are written so that an OpenQASM 2 reader gets the same double back."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from navm.backends.qasm2.reals import real_text
from navm.diagnostics import NavmError
from tests.backends.qasm2.reading import read

PI = math.pi
# The OpenQASM 2.0 grammar's real literal: a '.' is required, an exponent optional.
REAL = r"(?:[0-9]+\.[0-9]*|[0-9]*\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
SPELLINGS = re.compile(rf"^-?(?:0|{REAL}|pi|[0-9]+\*pi)(?:/[0-9]+)?$")


def read_back(angles: list[float]) -> list[float]:
    """The angles as qiskit reads them from `rz(text)` statements."""
    text = "\n".join(['OPENQASM 2.0;', 'include "qelib1.inc";', "qreg q[1];",
                      *(f"rz({real_text(a)}) q[0];" for a in angles)])
    return [float(inst.operation.params[0]) for inst in read(text).data]


@pytest.mark.parametrize("angle, text", [
    (0.0, "0"), (-0.0, "0"), (PI, "pi"), (-PI, "-pi"), (PI / 2, "pi/2"), (-PI / 2, "-pi/2"),
    (3 * PI / 4, "3*pi/4"), (-PI / 8, "-pi/8"), (2 * PI, "2*pi"), (PI / 3, "pi/3"),
    (PI / 1024, "pi/1024"), (0.5, "0.5"), (1e-05, "1.0e-05"), (-2e20, "-2.0e+20"), (1.5e-07, "1.5e-07"),
])
def test_spelling(angle, text):
    assert real_text(angle) == text


def test_near_multiples_of_pi_are_not_rounded_to_them():
    almost = np.nextafter(PI / 2, 4.0)
    assert real_text(almost) == repr(float(almost))


def test_every_spelling_is_a_valid_expression_and_reads_back_bit_for_bit():
    rng = np.random.default_rng(11)
    angles = [k * PI / d for d in (1, 2, 3, 4, 8, 16, 64) for k in range(-9, 10)]
    angles += rng.normal(0, 5, 200).tolist() + (10.0 ** rng.uniform(-30, 30, 50)).tolist()
    for a in angles:
        assert SPELLINGS.match(real_text(a)), real_text(a)
    assert read_back(angles) == [a + 0.0 for a in angles]  # -0.0 is written 0


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_non_finite_angles_are_errors(bad):
    with pytest.raises(NavmError, match="OpenQASM 2 has no literal"):
        real_text(bad)
