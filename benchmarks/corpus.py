"""A corpus of real circuits through the whole pipeline: mqt-bench → OpenQASM 2 → navm compile on the fixed lattice (square-16x16).

For each benchmark and size, mqt-bench generates the target-independent
circuit, qiskit's `qasm2.dumps` writes it as OpenQASM 2, navm's front end
reads it, and `navm compile`'s pipeline compiles it for the 256-site `square-16x16`
device. The table: qubits, CZs after decompose-native alone (before
placement and routing), CZs in the compiled circuit, SWAPs added by route, Rydberg stages, duration, the
product-model fidelity estimate, and the compile time (parse + pipeline).
CI runs the small end (tests/test_corpus.py); docs/benchmarks.md has the full table.

    .venv/bin/python benchmarks/corpus.py [--sizes 8,16,32,64] [--benchmarks ghz,qft,...] [--markdown]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

BENCHMARKS = ("ghz", "qft", "qftentangled", "wstate", "graphstate", "dj", "qaoa", "vqe_two_local", "randomcircuit")
DEVICE = "square-16x16"


@dataclass
class Row:
    benchmark: str
    qubits: int
    cz_before: int
    cz_after: int
    swaps: int
    stages: int
    duration_us: float
    fidelity: float
    compile_s: float


def corpus_qasm(name: str, n: int) -> str:
    """The benchmark as OpenQASM 2 text (final measurements kept)."""
    from mqt.bench import BenchmarkLevel, get_benchmark
    from qiskit import qasm2

    return qasm2.dumps(get_benchmark(name, BenchmarkLevel.INDEP, n))


def native_cz_count(text: str) -> int:
    """CZs after decomposition to the device's native gates, before placement and routing."""
    from navm.commands.compile import circuit_op
    from navm.frontend import load_text
    from navm.pipeline import compile_module

    module = compile_module(load_text(text, "qasm2"), "unroll,decompose-native", device=DEVICE)
    return sum(1 for row in circuit_op(module).gate_table.rows() if row.name == "cz")


def compile_one(name: str, n: int) -> Row:
    from navm.backends.report.schedule import schedule_report
    from navm.frontend import load_text
    from navm.perf import gc_paused
    from navm.pipeline import compile_for_device

    text = corpus_qasm(name, n)
    with gc_paused():
        t = time.perf_counter()
        module = compile_for_device(load_text(text, "qasm2", f"{name}_{n}.qasm"), DEVICE)
        elapsed = time.perf_counter() - t
    report = schedule_report(module)
    return Row(name, report.num_qubits, native_cz_count(text), report.two_qubit_gates, report.swaps_added, len(report.stages),
               report.duration_us, report.fidelity_estimate, elapsed)


def run(benchmarks, sizes) -> list[Row]:
    return [compile_one(b, n) for b in benchmarks for n in sizes]


HEADER = ("benchmark", "qubits", "CZ before", "CZ after", "swaps", "stages", "duration µs", "fidelity est.", "compile s")


def cells(r: Row) -> tuple[str, ...]:
    return (r.benchmark, str(r.qubits), str(r.cz_before), str(r.cz_after), str(r.swaps), str(r.stages),
            f"{r.duration_us:.1f}", f"{r.fidelity:.3g}", f"{r.compile_s:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="8,16,32,64")
    ap.add_argument("--benchmarks", default=",".join(BENCHMARKS))
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table (docs/benchmarks.md)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    compile_one("ghz", 4)  # warm-up: imports and first-use costs are not a circuit's compile time
    rows = []
    if args.markdown:
        print("| " + " | ".join(HEADER) + " |")
        print("|" + "---|" * len(HEADER))
    else:
        print(f"corpus: mqt-bench (target-independent level) → qasm2 → navm compile for device '{DEVICE}'")
        print("  ".join(f"{h:>13}" for h in HEADER))
    for b in args.benchmarks.split(","):
        for n in sizes:
            r = compile_one(b, n)
            rows.append(r)
            if args.markdown:
                print("| " + " | ".join(cells(r)) + " |", flush=True)
            else:
                print("  ".join(f"{c:>13}" for c in cells(r)), flush=True)


if __name__ == "__main__":
    main()
