"""The `optimize` pass against qiskit's transpile(optimization_level=3): CZ counts on the mqt-bench corpus,
and the pass's time on random circuits of 1k and 10k gates.

Corpus: each benchmark of mqt-bench 2.3.0 at the target-independent level, written as OpenQASM 2 by
qiskit (`qasm2.dumps`; a circuit it cannot write, `ae`'s matrix-defined gates, is decomposed once
first) and read by navm's front end. navm runs `unroll,optimize,decompose-native` for the zoned device
and counts `cz` rows; qiskit transpiles the same circuit with basis {cz, id, u2, u1, u3},
optimization level 3, seed 0, and counts `cz`s, in the same run.

The circuits keep their final measurements (after mqt-bench's barrier). qiskit's count is the same
with and without them (the barrier shields them; both are printed), but level 3 removes SWAPs by
relabelling the qubits after them (ElidePermutations) and reports the permutation in
`final_layout`; navm's IR has no output permutation, so `optimize` elides a SWAP only where the
qubits it moves are measured last: the measurements then read the other qubit. Without the
measurements navm keeps its SWAPs (column "navm unmeasured").

    .venv/bin/python benchmarks/optimize.py [--sizes 8,16,32,64] [--benchmarks ghz,qft,...] [--repeat 3]
        [--random 1000,10000] [--markdown]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass

BENCHMARKS = ("ghz", "qft", "qftentangled", "wstate", "graphstate", "dj", "qaoa", "vqe_two_local",
              "randomcircuit", "bv", "ae")
PIPELINE = "unroll,optimize,decompose-native"
DEVICE = "zoned"
QISKIT_BASIS = ["cz", "id", "u2", "u1", "u3"]


@dataclass
class Row:
    benchmark: str
    qubits: int
    navm_cz: int
    navm_unmeasured_cz: int
    qiskit_cz: int
    qiskit_unmeasured_cz: int
    navm_1q: int  # 1-qubit gates after navm's pipeline
    qiskit_1q: int  # 1-qubit gates after qiskit's
    qiskit_permuted: bool  # qiskit's unmeasured result has a final permutation (ElidePermutations)
    navm_s: float  # optimize alone, median
    qiskit_s: float  # transpile, median


def corpus_circuit(name: str, n: int):
    """The mqt-bench circuit (a qiskit QuantumCircuit, final measurements kept), or None where mqt-bench
    cannot build it (ae beyond 32 qubits: its controlled powers stop being unitary in floating point)."""
    from mqt.bench import BenchmarkLevel, get_benchmark

    try:
        return get_benchmark(name, BenchmarkLevel.INDEP, n)
    except ValueError:
        return None


def qasm_text(circuit) -> str:
    from qiskit import qasm2

    try:
        return qasm2.dumps(circuit)
    except TypeError:  # a gate with a matrix parameter (ae's controlled unitaries)
        return qasm2.dumps(circuit.decompose())


def navm_cz(text: str, repeat: int = 1) -> tuple[int, int, float]:
    """CZs and 1-qubit gates after `unroll,optimize,decompose-native` for the zoned device, and
    optimize's median time."""
    from navm.frontend import load_text
    from navm.perf import gc_paused
    from navm.pipeline import compile_module

    times = []
    for _ in range(repeat):
        module = compile_module(load_text(text, "qasm2"), "unroll", device=DEVICE)
        with gc_paused():
            t = time.perf_counter()
            compile_module(module, "optimize")
            times.append(time.perf_counter() - t)
    compile_module(module, "decompose-native")
    cz, one = _gate_rows(module)
    return cz, one, statistics.median(times)


def _gate_rows(module) -> tuple[int, int]:
    """(cz rows, 1-qubit gate rows) of the module's circuits."""
    import numpy as np

    from navm.ir.gates import GATES, OPCODE
    from navm.ir.navm import CircuitOp

    one_qubit = np.array([g.kind == "gate" and g.n_qubits == 1 for g in GATES])
    cz = one = 0
    for op in module.body.block.ops:
        if isinstance(op, CircuitOp):
            codes = op.gate_table.opcode
            cz += int((codes == OPCODE["cz"]).sum())
            one += int(one_qubit[codes.astype(np.intp)].sum())
    return cz, one


def qiskit_cz(circuit, repeat: int = 1) -> tuple[int, int, float, bool]:
    """CZs and 1-qubit gates after qiskit's transpile at level 3, its median time, and whether it
    permuted the qubits."""
    from qiskit import transpile

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = transpile(circuit, basis_gates=QISKIT_BASIS, optimization_level=3, seed_transpiler=0)
        times.append(time.perf_counter() - t)
    layout = out.layout.final_layout if out.layout is not None else None
    permuted = layout is not None and any(layout[q] != i for i, q in enumerate(out.qubits))
    ops = out.count_ops()
    one = sum(n for name, n in ops.items() if name in ("u1", "u2", "u3", "id"))
    return ops.get("cz", 0), one, statistics.median(times), permuted


def compare(name: str, n: int, repeat: int = 1) -> Row | None:
    circuit = corpus_circuit(name, n)
    if circuit is None:
        return None
    bare = circuit.copy()
    bare.remove_final_measurements()
    navm_count, navm_1q, navm_s = navm_cz(qasm_text(circuit), repeat)
    navm_bare, _, _ = navm_cz(qasm_text(bare))
    qiskit_count, qiskit_1q, qiskit_s, _ = qiskit_cz(circuit, repeat)
    qiskit_bare, _, _, permuted = qiskit_cz(bare)
    return Row(name, circuit.num_qubits, navm_count, navm_bare, qiskit_count, qiskit_bare, navm_1q, qiskit_1q,
               permuted, navm_s, qiskit_s)


HEADER = ("benchmark", "qubits", "navm CZ", "qiskit O3 CZ", "ratio", "navm unmeasured", "qiskit unmeasured",
          "navm 1q", "qiskit 1q", "optimize ms", "transpile ms")


def cells(r: Row) -> tuple[str, ...]:
    ratio = f"{r.navm_cz / r.qiskit_cz:.3f}" if r.qiskit_cz else "—"
    permuted = " (permuted)" if r.qiskit_permuted else ""
    return (r.benchmark, str(r.qubits), str(r.navm_cz), str(r.qiskit_cz), ratio, str(r.navm_unmeasured_cz),
            f"{r.qiskit_unmeasured_cz}{permuted}", str(r.navm_1q), str(r.qiskit_1q), f"{r.navm_s * 1e3:.1f}",
            f"{r.qiskit_s * 1e3:.1f}")


def random_table(n_qubits: int, n_gates: int, seed: int = 0):
    """Random circuit: 1-qubit Cliffords and T, rotations, and cz/cx between any two qubits."""
    from navm.ir.circuit_table import GateTable, Row as Gate

    rng = random.Random(seed)
    rows = []
    for _ in range(n_gates):
        k, q = rng.random(), rng.randrange(n_qubits)
        if k < 0.25:
            rows.append(Gate(rng.choice(["h", "x", "s", "sdg", "t", "tdg"]), (q,), ()))
        elif k < 0.5:
            rows.append(Gate(rng.choice(["rx", "ry", "rz"]), (q,), (rng.uniform(-3, 3),)))
        else:
            p = rng.choice([x for x in range(n_qubits) if x != q])
            rows.append(Gate(rng.choice(["cz", "cx", "cx"]), (q, p), ()))
    return GateTable.from_rows(rows)


def time_random(sizes, qubits=(8, 64), repeat: int = 5) -> list[tuple]:
    import numpy as np

    from navm.ir.gates import OPCODE
    from navm.perf import gc_paused
    from navm.passes.optimize import optimize_table

    optimize_table(random_table(4, 100), 4)  # warm-up: qiskit's import and first calls are not the pass's time
    out = []
    for n in qubits:
        for gates in sizes:
            table = random_table(n, gates, seed=1)
            times = []
            for _ in range(repeat):
                with gc_paused():
                    t = time.perf_counter()
                    result = optimize_table(table, n)
                    times.append(time.perf_counter() - t)
            before = int(np.isin(table.opcode, [OPCODE["cz"], OPCODE["cx"]]).sum())
            after = int((result.opcode == OPCODE["cz"]).sum())
            out.append((n, gates, statistics.median(times), before, after))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="8,16,32,64")
    ap.add_argument("--benchmarks", default=",".join(BENCHMARKS))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--random", default="1000,10000", help="gate counts of the random circuits timed ('' : none)")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    import os

    print(f"load average {os.getloadavg()[0]:.2f}; medians of {args.repeat}")
    compare("ghz", 4)  # warm-up: imports (qiskit's too) and first-use costs
    if args.markdown:
        print("| " + " | ".join(HEADER) + " |")
        print("|" + "---|" * len(HEADER))
    else:
        print("  ".join(f"{h:>13}" for h in HEADER))
    worse = []
    for n in [int(s) for s in args.sizes.split(",")]:
        for b in args.benchmarks.split(","):
            r = compare(b, n, args.repeat)
            if r is None:
                print(f"{b} at {n} qubits: mqt-bench cannot build it", flush=True)
                continue
            if r.navm_cz > r.qiskit_cz:
                worse.append(f"{b}/{n}")
            row = cells(r)
            print(("| " + " | ".join(row) + " |") if args.markdown else "  ".join(f"{c:>13}" for c in row),
                  flush=True)
    print("navm <= qiskit O3 on every circuit" if not worse else f"navm above qiskit O3 on: {', '.join(worse)}")
    if args.random:
        print("\noptimize on random circuits (1q gates and rotations, cz/cx on any pair), medians of 5:")
        for n, gates, seconds, before, after in time_random([int(s) for s in args.random.split(",")]):
            print(f"  {n:3} qubits {gates:6} gates: {seconds * 1e3:8.1f} ms  "
                  f"({seconds / gates * 1e6:.1f} µs/gate)  2-qubit gates {before} -> {after} cz")


if __name__ == "__main__":
    main()
