"""Angles as OpenQASM 2 real expressions that read back as the same float.

A multiple of π with a small denominator is written `pi/2`, `-3*pi/4`, … when
evaluating that text left to right in IEEE doubles (as qiskit does) gives the
angle bit for bit; anything else is Python's shortest round-trip `repr`. The
OpenQASM 2 grammar wants a `.` in every real with an exponent (`1.0e-05`, not
`1e-05`), so one is added where `repr` leaves it out.
"""

from __future__ import annotations

import math
from functools import lru_cache

from navm.diagnostics import NavmError

# Denominators tried for multiples of pi: the ones compiled circuits produce
# (Clifford angles, T gates, QFT phases up to 2π/2^10).
_DENOMINATORS = (1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 128, 256, 512, 1024)
_MAX_NUMERATOR = 4096
_LCM = math.lcm(*_DENOMINATORS)


def real_text(x: float) -> str:
    """`x` as an OpenQASM 2 expression whose value is exactly `x` (NumPy floats too)."""
    return _real_text(float(x))


@lru_cache(maxsize=4096)
def _real_text(x: float) -> str:
    if not math.isfinite(x):
        raise NavmError(f"OpenQASM 2 has no literal for the angle {x!r}")
    if x == 0:
        return "0"
    return _pi_multiple(x) or _literal(x)


def _pi_multiple(x: float) -> str | None:
    scaled = x * _LCM / math.pi
    if abs(scaled - round(scaled)) > 1e-6 * max(1.0, abs(scaled)):
        return None  # no k·π/d with d among _DENOMINATORS (the common case: skip the loop)
    for d in _DENOMINATORS:
        k = round(x * d / math.pi)
        if k == 0 or abs(k) > _MAX_NUMERATOR:
            continue
        if math.gcd(k, d) != 1:
            continue  # a smaller denominator spells it (and was tried first)
        if _evaluate(k, d) == x:
            return _spell(k, d)
    return None


def _evaluate(k: int, d: int) -> float:
    """The value of `_spell(k, d)` read left to right in doubles."""
    sign = -1.0 if k < 0 else 1.0
    value = math.pi if abs(k) == 1 else abs(k) * math.pi
    return sign * (value / d if d != 1 else value)


def _spell(k: int, d: int) -> str:
    head = "pi" if abs(k) == 1 else f"{abs(k)}*pi"
    text = head if d == 1 else f"{head}/{d}"
    return f"-{text}" if k < 0 else text


def _literal(x: float) -> str:
    text = repr(x)
    if "e" in text and "." not in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text
