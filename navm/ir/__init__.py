"""navm's IR: the `qbc` (assembly), `navm` (versioned ISA circuit) and `noise` dialects."""

from navm.ir.instruction_set import SUPPORTED_ISA_VERSIONS

__all__ = ["SUPPORTED_ISA_VERSIONS"]
