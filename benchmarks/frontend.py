"""Front-end and pass throughput on generated QBC and σ programs of 1k, 10k and 100k gates,
and OpenQASM 2 reading against qiskit's `qasm2.loads`.

For each QBC and σ program it prints the median time (and gates/s) of every
stage: parse (Lark → AST / spec), IR build, verify, each pass (each followed
by a verify, timed separately) and print. Compilation runs with the cyclic GC
paused, as `navm opt` does (see navm/perf.py). The target: a 100k-gate
program through parse + unroll + canonicalize in under 10 s on the 2-core CI
machine.

For OpenQASM 2 it times navm's reading of the same text into IR (parse and
build the `navm.circuit`: `navm.frontend.qasm2.load_text`) against qiskit's
`qasm2.loads` (parse and build a `QuantumCircuit`; with qiskit's legacy custom
instructions, which read qelib1 gates beyond the 2.0 paper's such as `swap`,
as navm does), alternating the two in one
process, on examples/qasm2/qft4.qasm and on generated programs of each size,
and prints the ratio. The target: within 5x of qiskit on the 100k-gate file.

    .venv/bin/python benchmarks/frontend.py [--sizes 1000,10000,100000] [--repeat 3] [--languages qbc,sigma,qasm2]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time
from pathlib import Path

from navm.frontend.qbc import parse_text
from navm.frontend.qbc.builder import build_module as build_qbc
from navm.frontend.sigma import parse_sigma_text
from navm.frontend.sigma.builder import build_module as build_sigma
from navm.ir.context import make_context, print_module
from navm.ir.verify import verify_module
from navm.passes import parse_pipeline
from navm.perf import gc_paused

PASSES = "unroll,canonicalize"
N_QUBITS = 32
TARGET_S = 10.0
QASM2_TARGET_RATIO = 5.0
SMALL_QASM2 = Path(__file__).resolve().parents[1] / "examples" / "qasm2" / "qft4.qasm"


def qbc_program(n_gates: int, seed: int = 0) -> str:
    """Straight-line QBC: one gate per line (the hardest case for the parser)."""
    rng = random.Random(seed)
    lines = [".isa 1.0"] + [f"QLOC q{q}, {5.0 * q}, 0.0" for q in range(N_QUBITS)]
    for _ in range(n_gates):
        q = rng.randrange(N_QUBITS)
        k = rng.randrange(4)
        if k == 0:
            lines.append(f"QH q{q}")
        elif k == 1:
            lines.append(f"QRZ q{q}, {rng.uniform(-3, 3):.6f}")
        elif k == 2:
            lines.append(f"QCZ q{q}, q{(q + 1) % N_QUBITS}")
        else:
            lines.append(f"QCX q{q}, q[{(q + 3) % N_QUBITS}]")
    return "\n".join(lines) + "\n"


def sigma_program(n_gates: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    qubits = {f"a{q}": 8.0 * q / 256 for q in range(N_QUBITS)}
    ops = []
    for _ in range(n_gates):
        q = rng.randrange(N_QUBITS)
        k = rng.randrange(3)
        if k == 0:
            ops.append({"gate": "h", "qubits": [f"a{q}"]})
        elif k == 1:
            ops.append({"gate": "rz", "qubits": [f"a{q}"], "params": [round(rng.uniform(-3, 3), 6)]})
        else:
            ops.append({"gate": "cz", "qubits": [f"a{q}", f"a{(q + 1) % N_QUBITS}"]})
    return json.dumps({"sigma": "1.0", "N": 256, "qubits": qubits, "ops": ops}, indent=1)


def qasm2_program(n_gates: int, seed: int = 0) -> str:
    """OpenQASM 2 as transpilers write it: one qelib1 gate per line, angles at full precision."""
    rng = random.Random(seed)
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{N_QUBITS}];", f"creg c[{N_QUBITS}];"]
    for _ in range(n_gates):
        q = rng.randrange(N_QUBITS)
        k = rng.randrange(5)
        if k == 0:
            lines.append(f"h q[{q}];")
        elif k == 1:
            lines.append(f"rz({rng.uniform(-3, 3)!r}) q[{q}];")
        elif k == 2:
            lines.append(f"cx q[{q}],q[{(q + 1) % N_QUBITS}];")
        elif k == 3:
            lines.append(f"u3(pi/2,{rng.uniform(-3, 3)!r},pi/4) q[{q}];")
        else:
            lines.append(f"cz q[{q}],q[{(q + 3) % N_QUBITS}];")
    lines.append("measure q -> c;")
    return "\n".join(lines) + "\n"


def qasm2_versus_qiskit(sizes: list[int], repeat: int) -> None:
    from navm.frontend.qasm2 import load_text

    try:
        from qiskit import qasm2
    except ImportError:
        print("\nOpenQASM 2: qiskit is not installed (pip install -e '.[test]'); no comparison")
        return
    small = SMALL_QASM2.read_text()
    files = [(f"{SMALL_QASM2.name} ({len(small.splitlines())} lines)", small, max(repeat, 20))]
    files += [(f"generated, {n} gates", qasm2_program(n), repeat) for n in sizes]
    load_text(files[0][1], "warm-up.qasm")  # the grammar and qelib1.inc are built once per process
    print("\nOpenQASM 2 text -> IR: navm (load_text) against qiskit (qasm2.loads), median of the runs")
    print(f"  {'file':<36}{'runs':>5}{'navm s':>10}{'qiskit s':>10}{'navm/qiskit':>13}")
    verdict = ""
    for name, text, runs in files:
        ours, theirs = [], []
        for _ in range(runs):
            t = time.perf_counter()
            load_text(text, "bench.qasm")
            ours.append(time.perf_counter() - t)
            gc.collect()
            t = time.perf_counter()
            qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
            theirs.append(time.perf_counter() - t)
            gc.collect()
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"  {name:<36}{runs:>5}{a:>10.4f}{b:>10.4f}{a / b:>12.2f}x")
        if name.endswith(" 100000 gates"):
            verdict = (f"100k gates: {a / b:.2f}x qiskit, "
                       + ("meets" if a / b <= QASM2_TARGET_RATIO else "MISSES")
                       + f" the target (within {QASM2_TARGET_RATIO:.0f}x)")
    if verdict:
        print("  " + verdict)


def run_once(language: str, text: str) -> dict[str, float]:
    times: dict[str, float] = {}

    def timed(stage, fn, *args):
        t = time.perf_counter()
        result = fn(*args)
        times[stage] = time.perf_counter() - t
        return result

    with gc_paused():
        if language == "qbc":
            program = timed("parse", parse_text, text, "bench.qbc")
            module = timed("build IR", build_qbc, program)
        else:
            spec = timed("parse", parse_sigma_text, text, "bench.sigma.json")
            module = timed("build IR", build_sigma, spec)
        timed("verify", verify_module, module)
        ctx = make_context()
        for p in parse_pipeline(PASSES):
            timed(p.name, p.apply, ctx, module)
            timed(f"verify after {p.name}", verify_module, module)
        timed("print", print_module, module)
    gc.collect()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--languages", default="qbc,sigma,qasm2", help="which of qbc, sigma, qasm2 to run")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    languages = args.languages.split(",")
    print(f"navm front-end benchmark: median of {args.repeat} runs, GC paused while compiling, "
          f"{N_QUBITS} qubits, passes: {PASSES}")
    summary = []
    for language, generate in (("qbc", qbc_program), ("sigma", sigma_program)):
        if language not in languages:
            continue
        for n in sizes:
            text = generate(n)
            runs = [run_once(language, text) for _ in range(args.repeat)]
            stages = list(runs[0])
            print(f"\n{language} program, {n} gates ({len(text) / 1e6:.2f} MB of source)")
            print(f"  {'stage':<28}{'median s':>10}{'gates/s':>14}")
            for stage in stages:
                med = statistics.median(r[stage] for r in runs)
                rate = f"{n / med:,.0f}" if med > 0 else "-"
                print(f"  {stage:<28}{med:>10.3f}{rate:>14}")
            headline = statistics.median(r["parse"] + r["unroll"] + r["canonicalize"] for r in runs)
            total = statistics.median(sum(r.values()) for r in runs)
            print(f"  {'parse+unroll+canonicalize':<28}{headline:>10.3f}{n / headline:>14,.0f}")
            print(f"  {'everything above':<28}{total:>10.3f}{n / total:>14,.0f}")
            summary.append((language, n, headline, total))
    if summary:
        print("\nsummary (target: 100k gates through parse + unroll + canonicalize in < 10 s)")
    for language, n, headline, total in summary:
        verdict = ""
        if n == 100_000:
            verdict = "  meets target" if headline < TARGET_S else "  MISSES target"
        print(f"  {language:<6}{n:>8} gates: parse+unroll+canonicalize {headline:6.2f} s, "
              f"whole pipeline {total:6.2f} s{verdict}")
    if "qasm2" in languages:
        qasm2_versus_qiskit(sizes, args.repeat)


if __name__ == "__main__":
    main()
