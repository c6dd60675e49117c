"""OpenQASM 2.0 output: a compiled `navm.circuit` as text that qiskit and other tools read.

`module_to_qasm2` writes a compiled module (header comments with the device,
placement and schedule); `to_qasm2` a bare gate table. `navm compile --emit
qasm2` uses the first. See docs/backends/qasm2.md.
"""

from navm.backends.qasm2.emit import NOISE_POLICIES, module_to_qasm2, to_qasm2

__all__ = ["NOISE_POLICIES", "module_to_qasm2", "to_qasm2"]
