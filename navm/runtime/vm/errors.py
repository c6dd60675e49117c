"""Runtime traps: errors a running QBC program can hit, each naming its source line."""

from __future__ import annotations

from navm.diagnostics import NavmError


class VMTrap(NavmError):
    """Division by zero, a bad address, an empty stack, the step limit, ..."""


class DynamicValueError(NavmError):
    """A value that only exists at run time (a measurement) was needed at compile time."""
