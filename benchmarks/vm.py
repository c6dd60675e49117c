"""The QBC VM on examples/lattice.qbc: reference vs compiled engine, and the full N = 196,883 lattice.

Runs the lattice builder at N = 2,000 on both engines (results must agree bit
for bit) and at N = 196,883 on the compiled engine, and prints instructions/s
and the compiled/reference ratio of execution rates, measured in this run.
"End to end" is `execute()` from source text to result, including parsing
and native-code generation (the in-process kernel cache is cleared before
each repeat); "process" is a fresh `python -c` doing the same, including
interpreter start-up and imports. Targets: the full run under 3 s end to end,
and at least 200x the reference engine's rate. Medians of --repeat runs.

    .venv/bin/python benchmarks/vm.py [--repeat 3] [--small 2000] [--full 196883]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from navm.frontend import load_text
from navm.runtime.vm import execute
from navm.runtime.vm.compiled import kernel
from navm.runtime.vm.compiled.driver import CompiledProgram

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "examples" / "lattice.qbc").read_text()
N_LINE = ".define N 196883"


def lattice(n: int) -> str:
    assert N_LINE in SOURCE
    return SOURCE.replace(N_LINE, f".define N {n}")


def median_time(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def fresh_compile(text: str):
    kernel._CACHE.clear()
    return execute(text, engine="compiled")


def phases(text: str) -> dict[str, float]:
    """Parse, compile and run times of one compiled-engine run (kernel cache cleared)."""
    kernel._CACHE.clear()
    t0 = time.perf_counter()
    module = load_text(text, "qbc")
    t1 = time.perf_counter()
    program = CompiledProgram(module)
    t2 = time.perf_counter()
    result = program.run()
    t3 = time.perf_counter()
    return {"parse": t1 - t0, "compile": t2 - t1, "run": t3 - t2, "steps": result.steps}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--small", type=int, default=2000)
    ap.add_argument("--full", type=int, default=196883)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; medians of {args.repeat} runs")

    small = lattice(args.small)
    t_ref, ref = median_time(lambda: execute(small, engine="reference"), args.repeat)
    t_cmp, cmp_ = median_time(lambda: fresh_compile(small), args.repeat)
    assert ref == cmp_, "engines disagree"
    small_phase = statistics.median([phases(small)["run"] for _ in range(args.repeat)])
    ref_rate = ref.steps / t_ref
    print(f"\nN = {args.small}: {ref.steps:,} instructions, results identical on both engines")
    print(f"  reference  {t_ref:8.3f} s   {ref_rate / 1e6:8.2f} M instructions/s")
    print(f"  compiled   {t_cmp:8.3f} s end to end (parse + compile + run), run alone {small_phase:.3f} s")

    full = lattice(args.full)
    t_full, result = median_time(lambda: fresh_compile(full), args.repeat)
    parts = [phases(full) for _ in range(args.repeat)]
    med = {k: statistics.median(p[k] for p in parts) for k in ("parse", "compile", "run")}
    run_rate = result.steps / med["run"]
    code = (f"from navm.runtime.vm import execute; "
            f"import sys; execute(sys.stdin.read(), engine='compiled')")
    proc_times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], input=full, text=True, check=True, cwd=ROOT)
        proc_times.append(time.perf_counter() - t)
    t_proc = statistics.median(proc_times)
    print(f"\nN = {args.full}: {result.steps:,} instructions on the compiled engine")
    print(f"  end to end {t_full:8.3f} s  (parse {med['parse']:.3f} s, compile {med['compile']:.3f} s, "
          f"run {med['run']:.3f} s)   target < 3 s: {'met' if t_full < 3 else 'NOT met'}")
    print(f"  process    {t_proc:8.3f} s  (fresh python -c, imports and start-up included)")
    print(f"  execution rate {run_rate / 1e6:8.1f} M instructions/s, end-to-end rate "
          f"{result.steps / t_full / 1e6:.1f} M/s")
    ratio = run_rate / ref_rate
    print(f"\ncompiled/reference execution-rate ratio: {ratio:,.0f}x   target >= 200x: "
          f"{'met' if ratio >= 200 else 'NOT met'}  (end-to-end rate ratio {result.steps / t_full / ref_rate:,.0f}x)")


if __name__ == "__main__":
    main()
