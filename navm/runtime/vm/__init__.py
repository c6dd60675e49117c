"""The QBC virtual machine (issue 4 adds the compiled engine behind the same API)."""

from navm.runtime.vm.errors import DynamicValueError, VMTrap
from navm.runtime.vm.reference import MachineState, MeasuredValue, QuantumHandler, ReferenceVM

__all__ = ["DynamicValueError", "MachineState", "MeasuredValue", "QuantumHandler", "ReferenceVM", "VMTrap"]
