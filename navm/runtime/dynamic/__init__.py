"""Dynamic circuits: the VM and a statevector simulator, interleaved.

A program that branches on a measurement cannot be unrolled into one circuit;
here the VM runs its classical code and a `StatevectorHandler` simulates each
quantum instruction as the VM reaches it (docs/cli.md, "Dynamic circuits").
"""

from navm.runtime.dynamic.handler import StatevectorHandler
from navm.runtime.dynamic.result import DynamicResult
from navm.runtime.dynamic.run import (
    DEFAULT_ENGINE,
    DEFAULT_MAX_STEPS,
    METHODS,
    program_channels,
    run_dynamic,
)

__all__ = ["DEFAULT_ENGINE", "DEFAULT_MAX_STEPS", "METHODS", "DynamicResult", "StatevectorHandler",
           "program_channels", "run_dynamic"]
