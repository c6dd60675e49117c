"""`if (creg == n) op;`: the program becomes `qbc` instructions (classical bits in VM memory).

Conditions on bits no measurement wrote are known at compile time and unroll
away; conditions on measured bits make a dynamic circuit, which `navm run`
runs shot by shot and `navm compile` refuses at the `if`'s line.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest

from navm.frontend.qasm2 import load_file, load_text
from navm.ir.context import parse_module, print_module
from navm.ir.navm import CircuitOp
from navm.ir.qbc import QbcInstruction
from navm.ir.verify import verify_module
from navm.pipeline import compile_module
from navm.runtime.dynamic import run_dynamic
from navm.runtime.vm import DynamicValueError

ROOT = Path(__file__).resolve().parents[3]
HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


def rows(module):
    (op,) = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    return [(r.name, r.qubits) for r in op.gate_table.rows()]


def test_a_program_with_if_becomes_qbc_instructions():
    module = load_text(HEADER + "qreg q[1]; creg c[1];\nmeasure q[0] -> c[0];\nif (c == 1) x q[0];\n", "t.qasm")
    mnemonics = [op.mnemonic for op in module.body.block.ops if isinstance(op, QbcInstruction)]
    assert mnemonics == ["QMEAS", "QSTORE", "QLOAD", "QJNE", "QX"]
    verify_module(module)
    assert parse_module(print_module(module)).is_structurally_equivalent(module)


@pytest.mark.parametrize("value, fires", [(0, True), (1, False), (4, False)])
def test_condition_on_unmeasured_bits_unrolls_to_a_circuit(value, fires):
    text = HEADER + f"qreg q[2]; creg c[2];\nh q[1];\nif (c == {value}) x q[0];\nmeasure q -> c;\n"
    module = compile_module(load_text(text, "t.qasm"), "unroll")
    expected = [("h", (1,))] + ([("x", (0,))] if fires else []) + [("measure", (0,)), ("measure", (1,))]
    assert rows(module) == expected


def test_condition_on_a_measurement_cannot_be_compiled_statically():
    text = HEADER + "qreg q[2]; creg c[2];\nh q[0];\nmeasure q[0] -> c[0];\nif (c == 1) x q[1];\n"
    with pytest.raises(DynamicValueError) as info:
        compile_module(load_text(text, "t.qasm"), "unroll")
    assert str(info.value.loc) == "t.qasm:6:1"  # the if
    assert "measurement of q0 at t.qasm:5:1" in info.value.message


def test_register_value_is_little_endian_over_its_bits():
    """c = 0b101 after measuring |101>: c[0] is the least significant bit, as in OpenQASM."""
    text = HEADER + """
        qreg q[3]; qreg flag[3];
        creg c[3]; creg f[3];
        x q[0]; x q[2];
        measure q -> c;
        if (c == 5) x flag[0];
        if (c == 4) x flag[1];
        if (c == 1) x flag[2];
        measure flag -> f;
    """
    result = run_dynamic(load_text(text, "t.qasm"), shots=50, seed=1)
    assert result.counts == {"101" + "100": 50}


def test_teleportation_example_moves_the_state():
    result = run_dynamic(load_file(ROOT / "examples" / "qasm2" / "teleport.qasm"), shots=20000, seed=3)
    ones = sum(n for bits, n in result.counts.items() if bits[2] == "1")
    p = math.sin(1.1 / 2) ** 2
    assert abs(ones / 20000 - p) < 4 * math.sqrt(p * (1 - p) / 20000)


def test_measure_reset_barrier_and_gates_under_if():
    text = HEADER + """
        qreg q[2]; creg c[2];
        gate flip2 a, b { x a; x b; }
        x q[0];
        measure q[0] -> c[0];
        if (c == 1) flip2 q[0], q[1];
        if (c == 1) barrier q;
        if (c == 1) measure q[1] -> c[1];
        if (c == 3) reset q[1];
        measure q[1] -> c[1];
    """
    # q0 reads 1; flip2 turns q0 to 0 and q1 to 1; q1 is measured (1), so c = 3 and q1 is reset.
    result = run_dynamic(load_text(text, "t.qasm"), shots=20, seed=0)
    assert result.counts == {"110": 20}


def test_a_value_the_register_cannot_hold_never_fires():
    text = HEADER + "qreg q[1]; creg c[2];\nif (c == 4) x q[0];\nmeasure q[0] -> c[0];\n"
    assert rows(compile_module(load_text(text, "t.qasm"), "unroll")) == [("measure", (0,))]


def test_a_register_wider_than_a_vm_word_can_be_tested():
    """Registers of any width are compared in 63-bit chunks (test_qasm2_wide_if.py has the rest)."""
    text = HEADER + (f"qreg q[1]; creg c[200];\nif (c == 0) x q[0];\nif (c == {1 << 199}) x q[0];\n"
                     "measure q[0] -> c[0];\n")
    assert rows(compile_module(load_text(text, "t.qasm"), "unroll")) == [("x", (0,)), ("measure", (0,))]


MQT_DYNAMIC = {"seven_qubit_steane_code": 13, "shors_nine_qubit_code": 17}


@pytest.mark.parametrize("name", sorted(MQT_DYNAMIC))
def test_mqt_bench_error_correction_circuits(name):
    """mqt-bench's code circuits measure syndromes and correct with `if`. Without errors every
    syndrome reads 0 with certainty, so the corrections never fire and the outcome is the one
    qiskit's state vector predicts for the circuit without them; navm's dynamic run must give
    exactly that bitstring in every shot."""
    pytest.importorskip("mqt.bench")
    from mqt.bench import BenchmarkLevel, get_benchmark
    from qiskit import qasm2
    from qiskit.quantum_info import Statevector

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        qc = get_benchmark(name, BenchmarkLevel.ALG, MQT_DYNAMIC[name])
    text = qasm2.dumps(qc)
    assert "if (" in text
    static = qc.copy_empty_like()
    measured = []
    for inst in qc.data:
        if inst.operation.name == "measure":
            measured.append(qc.find_bit(inst.qubits[0]).index)
        elif inst.operation.name not in ("if_else", "barrier"):
            assert not {q for q in inst.qubits if qc.find_bit(q).index in measured}, "gate after measure"
            static.append(inst)
    probabilities = Statevector(static).probabilities_dict(qargs=measured)  # keys: last qarg leftmost
    assert len(probabilities) == 1 or max(probabilities.values()) > 1 - 1e-9
    expected = max(probabilities, key=probabilities.get)[::-1]  # records in measurement order
    result = run_dynamic(load_text(text, f"{name}.qasm"), shots=64, seed=0)
    assert result.counts == {expected: 64}
