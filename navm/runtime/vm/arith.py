"""QBC value semantics: int64 wrap-around, int/float promotion, floored division."""

from __future__ import annotations

_MASK = (1 << 64) - 1
_HALF = 1 << 63


def wrap(v: int) -> int:
    """Read an integer modulo 2^64 as signed int64."""
    return ((v + _HALF) & _MASK) - _HALF


def _int_result(r):
    return wrap(r) if type(r) is int else r


def add(a, b):
    return _int_result(a + b)


def sub(a, b):
    return _int_result(a - b)


def mul(a, b):
    return _int_result(a * b)


def div(a, b):
    """Floored for int/int, true division if either side is a float. Caller checks b != 0."""
    if type(a) is int and type(b) is int:
        return wrap(a // b)
    return a / b


def mod(a, b):
    """Floored modulo (the sign follows the divisor), as Python's %. Caller checks b != 0."""
    return _int_result(a % b)


def neg(a):
    return _int_result(-a)
