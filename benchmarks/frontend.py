"""Front-end and pass throughput on generated QBC and σ programs of 1k, 10k and 100k gates.

For each program it prints the median time (and gates/s) of every stage: parse
(Lark → AST / spec), IR build, verify, each pass (each followed by a verify,
timed separately) and print. Compilation runs with the cyclic GC paused, as
`navm opt` does (see navm/perf.py). The target: a 100k-gate program through
parse + unroll + canonicalize in under 10 s on the 2-core CI machine.

    .venv/bin/python benchmarks/frontend.py [--sizes 1000,10000,100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time

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
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"navm front-end benchmark: median of {args.repeat} runs, GC paused while compiling, "
          f"{N_QUBITS} qubits, passes: {PASSES}")
    summary = []
    for language, generate in (("qbc", qbc_program), ("sigma", sigma_program)):
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
    print("\nsummary (target: 100k gates through parse + unroll + canonicalize in < 10 s)")
    for language, n, headline, total in summary:
        verdict = ""
        if n == 100_000:
            verdict = "  meets target" if headline < TARGET_S else "  MISSES target"
        print(f"  {language:<6}{n:>8} gates: parse+unroll+canonicalize {headline:6.2f} s, "
              f"whole pipeline {total:6.2f} s{verdict}")


if __name__ == "__main__":
    main()
