"""The QBC virtual machine: one API (`execute`), two engines (reference interpreter, compiled native code)."""

from navm.runtime.vm.errors import DynamicValueError, VMTrap
from navm.runtime.vm.execute import ENGINES, execute, load_program
from navm.runtime.vm.memory import Memory
from navm.runtime.vm.reference import MachineState, MeasuredValue, QuantumHandler, ReferenceVM
from navm.runtime.vm.result import VMResult

__all__ = ["DynamicValueError", "ENGINES", "MachineState", "MeasuredValue", "Memory", "QuantumHandler",
           "ReferenceVM", "VMResult", "VMTrap", "execute", "load_program"]
