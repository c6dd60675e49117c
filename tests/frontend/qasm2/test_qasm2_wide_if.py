"""`if (c == n)` on classical registers of any width, with integers of any length.

Benchmark suites test registers of 64, 151 and 301 bits against integers of up
to 91 digits. navm compares such a register in 63-bit chunks (dynamic.py);
these tests check the outcome against qiskit's reading of the same text
(`qiskit.qasm2.loads`, run by the small exact simulator below: qiskit itself
has no simulator of mid-circuit measurement and `if_else` without qiskit-aer)
and against what `navm run` prints.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from qiskit import qasm2
from qiskit.circuit import ClassicalRegister, Clbit
from qiskit.quantum_info import Statevector

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.qasm2 import load_file, load_text
from navm.frontend.qasm2.dynamic import CHUNK_BITS
from navm.frontend.qasm2.parser import exact_int
from navm.ir.navm import CircuitOp
from navm.ir.qbc import QbcInstruction
from navm.ir.verify import verify_module
from navm.pipeline import compile_module
from navm.runtime.dynamic import run_dynamic

ROOT = Path(__file__).resolve().parents[3]
HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
WIDTHS = (64, 151, 301)


# -- qiskit's reading, run exactly ------------------------------------------------------------


def qiskit_distribution(text: str) -> dict[str, float]:
    """Probabilities of each shot's measurement records (in execution order, as navm prints
    them) for qiskit's reading of `text`: every measurement branches, `if_else` blocks run
    when qiskit's own condition (register, value) holds."""
    qc = qasm2.loads(text)
    out: dict[str, float] = {}

    def value_of(target, clbits: dict) -> int:
        if isinstance(target, Clbit):
            return clbits.get(qc.find_bit(target).index, 0)
        assert isinstance(target, ClassicalRegister)
        return sum(clbits.get(qc.find_bit(b).index, 0) << k for k, b in enumerate(target))

    def run(ops, state: Statevector, clbits: dict, records: str, p: float, rest) -> None:
        if p < 1e-12:
            return
        if not ops:
            if rest:
                run(rest[0], state, clbits, records, p, rest[1:])
            else:
                out[records] = out.get(records, 0.0) + p
            return
        (op, qubits, bits), tail = ops[0], ops[1:]
        name = op.name
        if name == "barrier":
            run(tail, state, clbits, records, p, rest)
        elif name == "measure":
            (q,), (c,) = qubits, bits
            probs = state.probabilities([q])
            for outcome in (0, 1):
                if probs[outcome] < 1e-12:
                    continue
                projector = np.zeros((2, 2))
                projector[outcome, outcome] = 1
                after = state.evolve(projector, [q])
                after = after / math.sqrt(probs[outcome])
                run(tail, after, {**clbits, c: outcome}, records + str(outcome), p * probs[outcome], rest)
        elif name == "reset":
            (q,) = qubits
            probs = state.probabilities([q])
            for outcome in (0, 1):
                if probs[outcome] < 1e-12:
                    continue
                to_zero = np.zeros((2, 2))
                to_zero[0, outcome] = 1
                after = state.evolve(to_zero, [q]) / math.sqrt(probs[outcome])
                run(tail, after, clbits, records, p * probs[outcome], rest)
        elif name == "if_else":
            target, value = op.condition
            if value_of(target, clbits) == value:
                body = op.blocks[0]
                where = {bq: q for bq, q in zip(body.qubits, qubits)}
                cwhere = {bc: c for bc, c in zip(body.clbits, bits)}
                inner = [(i.operation, [where[x] for x in i.qubits], [cwhere[x] for x in i.clbits])
                         for i in body.data]
                run(inner, state, clbits, records, p, (tail,) + rest)
            else:
                run(tail, state, clbits, records, p, rest)
        else:
            run(tail, state.evolve(op, qubits), clbits, records, p, rest)

    ops = [(i.operation, [qc.find_bit(q).index for q in i.qubits], [qc.find_bit(c).index for c in i.clbits])
           for i in qc.data]
    run(ops, Statevector.from_label("0" * qc.num_qubits), {}, "", 1.0, ())
    return out


def assert_counts_match(counts: dict[str, int], expected: dict[str, float], shots: int) -> None:
    """Sampled `counts` agree with the exact distribution: the same outcomes, each within 5σ."""
    expected = {k: v for k, v in expected.items() if v > 1e-9}
    assert set(counts) == set(expected), (counts, expected)
    for key, p in expected.items():
        sigma = math.sqrt(p * (1 - p) / shots) + 1e-12
        assert abs(counts[key] / shots - p) <= 5 * sigma + 1e-9, (key, counts[key], p)


# -- the programs -------------------------------------------------------------------------------


def spots(width: int) -> tuple[int, int, int]:
    """Three bit positions of a `width`-bit register in different 63-bit chunks (the first
    bit, one past the first chunk's end, the last bit)."""
    return 0, min(CHUNK_BITS, width - 2), width - 1


def wide_program(width: int) -> tuple[str, list[int]]:
    """q[0] and q[1] in superposition are measured into the first and last bits of a wide
    register, a bit in another chunk is set for certain; then one flag qubit per condition
    fires when the register equals that value. The values: the four the register can take,
    then near misses (one bit more, one bit less, every bit set),
    and 2^width (more than the register holds: never true, in qiskit too)."""
    lo, mid, hi = spots(width)
    v00 = 1 << mid
    v10, v01, v11 = v00 | 1 << lo, v00 | 1 << hi, v00 | 1 << lo | 1 << hi
    values = [v00, v10, v01, v11, v11 | 1 << (width // 2), v11 ^ 1 << mid, (1 << width) - 1, 1 << width]
    lines = [HEADER, f"qreg q[3];\nqreg flag[{len(values)}];\ncreg c[{width}];\ncreg f[{len(values)}];\n",
             "h q[0];\nh q[1];\nx q[2];\n",
             f"measure q[0] -> c[{lo}];\nmeasure q[1] -> c[{hi}];\nmeasure q[2] -> c[{mid}];\n"]
    lines += [f"if(c=={v}) x flag[{i}];\n" for i, v in enumerate(values)]
    lines.append("measure flag -> f;\n")
    return "".join(lines), values


def expected_by_hand(width: int) -> dict[str, float]:
    """What `wide_program` must give: records q0, q1, q2(=1), then the flags, each 1 exactly
    when its value is the register's."""
    lo, mid, hi = spots(width)
    _, values = wide_program(width)
    out = {}
    for b0 in (0, 1):
        for b1 in (0, 1):
            register = b0 << lo | b1 << hi | 1 << mid
            flags = "".join("1" if v == register else "0" for v in values)
            out[f"{b0}{b1}1{flags}"] = 0.25
    return out


# -- tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_the_values_have_up_to_91_digits(width):
    _, values = wide_program(width)
    digits = max(len(str(v)) for v in values)
    assert digits == {64: 20, 151: 46, 301: 91}[width]


@pytest.mark.parametrize("width", WIDTHS)
def test_qiskit_reads_the_conditions_as_written(width):
    text, _ = wide_program(width)
    assert qiskit_distribution(text) == pytest.approx(expected_by_hand(width))


@pytest.mark.parametrize("width, engine", [(w, "reference") for w in WIDTHS] + [(64, "compiled")])
def test_wide_conditions_match_qiskit(width, engine):
    """(The compiled engine is checked on 64 bits only: compiling the 301-bit program's
    ~3000 instructions with LLVM takes ~10 s; its two chunks already cross bit 63.)"""
    text, _ = wide_program(width)
    shots = 4000
    result = run_dynamic(load_text(text, f"wide{width}.qasm"), shots=shots, seed=7, engine=engine)
    assert_counts_match(result.counts, qiskit_distribution(text), shots)


@pytest.mark.parametrize("width", WIDTHS)
def test_navm_run_prints_the_counts_qiskit_expects(width, tmp_path):
    text, _ = wide_program(width)
    path = tmp_path / f"wide{width}.qasm"
    path.write_text(text, encoding="utf-8")
    shots = 2000
    proc = subprocess.run([sys.executable, "-m", "navm.cli", "run", str(path), "--shots", str(shots), "--seed", "3",
                           "--json"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["dynamic"] is True
    assert_counts_match(report["counts"], qiskit_distribution(text), shots)
    assert report["counts"] == run_dynamic(load_file(path), shots=shots, seed=3).counts


@pytest.mark.parametrize("width", [1, 62, 63, 64, 126, 127, 151, 301])
def test_every_bit_of_a_wide_register_takes_part(width):
    """The register is all ones; comparing with all ones fires, and so does nothing that
    differs from it in any single bit (so no chunk is skipped, the first or the last)."""
    ones = (1 << width) - 1
    near = sorted({0, width // 2, width - 1, min(CHUNK_BITS - 1, width - 1), min(CHUNK_BITS, width - 1)})
    values = [ones] + [ones ^ 1 << k for k in near]
    text = (HEADER + f"qreg q[1];\nqreg flag[{len(values)}];\ncreg c[{width}];\ncreg f[{len(values)}];\n"
            "x q[0];\n" + "".join(f"measure q[0] -> c[{k}];\n" for k in range(width))
            + "".join(f"if (c == {v}) x flag[{i}];\n" for i, v in enumerate(values)) + "measure flag -> f;\n")
    result = run_dynamic(load_text(text, "ones.qasm"), shots=10, seed=0)
    flags = "1" + "0" * len(near)
    assert result.counts == {"1" * width + flags: 10}
    assert qiskit_distribution(text) == pytest.approx({"1" * width + flags: 1.0})


def test_a_wide_register_is_compared_chunk_by_chunk():
    """64 bits: bits 0-62 (63 QLOADs, 62 QMUL+QADD), then bit 63 alone, one QJNE per chunk
    against that chunk of n; every immediate fits an int64."""
    n = (1 << 63) | 12345
    module = load_text(HEADER + f"qreg q[1];\ncreg c[64];\nmeasure q[0] -> c[63];\nif (c == {n}) x q[0];\n", "t.qasm")
    ops = [op for op in module.body.block.ops if isinstance(op, QbcInstruction)]
    mnemonics = [op.mnemonic for op in ops]
    assert mnemonics.count("QLOAD") == 64 and mnemonics.count("QMUL") == 62 and mnemonics.count("QADD") == 62
    jumps = [op for op in ops if op.mnemonic == "QJNE"]
    assert len(jumps) == 2
    assert [j.args.data[1].data for j in jumps] == [12345, 1]
    assert max(op.args.data[1].data for op in ops if op.mnemonic == "QMUL") == 1 << 62
    verify_module(module)


@pytest.mark.parametrize("value, fires", [(0, True), (1 << 300, False), (1 << 301, False), (int("9" * 91), False)])
def test_a_condition_on_unmeasured_wide_bits_unrolls(value, fires):
    text = HEADER + f"qreg q[1];\ncreg c[301];\nif (c == {value}) x q[0];\nmeasure q[0] -> c[0];\n"
    module = compile_module(load_text(text, "t.qasm"), "unroll")
    (op,) = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    names = [r.name for r in op.gate_table.rows()]
    assert names == (["x"] if fires else []) + ["measure"]
    assert qiskit_distribution(text) == pytest.approx({"1" if fires else "0": 1.0})


def test_integers_longer_than_pythons_str_limit_are_exact():
    """int() refuses more than 4300 digits by default; the parser splits longer literals."""
    big = "7" * 5000 + "1"
    assert exact_int(big) == sum(int(d) * 10**k for k, d in enumerate(reversed(big)))
    assert exact_int("0" * 700 + "42") == 42
    # never true (more than 301 bits hold), as qiskit reads it
    text = HEADER + f"qreg q[1];\ncreg c[301];\nif (c == {big}) x q[0];\nmeasure q[0] -> c[0];\n"
    module = compile_module(load_text(text, "t.qasm"), "unroll")
    (op,) = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    assert [r.name for r in op.gate_table.rows()] == ["measure"]


# -- wide input that stays an error -------------------------------------------------------------

NINETY_ONE = str((1 << 300) + 5)


@pytest.mark.parametrize("body, line, column, message", [
    (f"if (c == {NINETY_ONE} x q[0];", 5, 102, "unexpected gate call 'x'; expected ')'"),
    (f"if (c = {NINETY_ONE}) x q[0];", 5, 7, "unexpected character '='; expected '=='"),
    (f"if (c == -{NINETY_ONE}) x q[0];", 5, 10, "unexpected '-'; expected an integer"),
    (f"h q[{NINETY_ONE}];", 5, 3,
     f"index {NINETY_ONE[:20]}... (91 digits) is out of range for register 'q' of size 2"),
    (f"measure q[0] -> c[{NINETY_ONE}];", 5, 17,
     f"index {NINETY_ONE[:20]}... (91 digits) is out of range for register 'c' of size 301"),
    (f"creg d[{NINETY_ONE}];", 5, 6,
     f"register size {NINETY_ONE[:20]}... (91 digits) is too large (navm allows at most 1048576)"),
    (f"h q[{'9' * 5000}];", 5, 3, f"index {'9' * 20}... (5000 digits) is out of range for register 'q' of size 2"),
    (f"if (c == {NINETY_ONE}) x q[{NINETY_ONE}];", 5, 105,
     f"index {NINETY_ONE[:20]}... (91 digits) is out of range for register 'q' of size 2"),
])
def test_malformed_wide_input_is_a_located_error(body, line, column, message):
    text = HEADER + "qreg q[2];\ncreg c[301];\n" + body + "\n"
    with pytest.raises(NavmError) as info:
        load_text(text, "t.qasm")
    assert info.value.loc == SourceLocation("t.qasm", line, column), info.value.render()
    assert info.value.message == message, info.value.render()


def test_a_malformed_wide_condition_exits_2_at_its_column(tmp_path):
    path = tmp_path / "bad.qasm"
    path.write_text(HEADER + f"qreg q[2];\ncreg c[301];\nif (c == {NINETY_ONE} x q[0];\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "navm.cli", "run", str(path)], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == f"{path}:5:102: error: unexpected gate call 'x'; expected ')'"
    assert "Traceback" not in proc.stderr
