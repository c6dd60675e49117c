"""The QBC VM on examples/lattice.qbc (reference vs compiled engine, the full N = 196,883 lattice) and on
examples/lattice_sparse.qbc (large, sparse memory).

Runs the lattice builder at N = 2,000 on both engines (results must agree bit
for bit) and at N = 196,883 on the compiled engine, and prints instructions/s
and the compiled/reference ratio of execution rates, measured in this run.
"End to end" is `execute()` from source text to result, including parsing
and native-code generation (the in-process kernel cache is cleared before
each repeat); "process" is a fresh `python -c` doing the same, including
interpreter start-up and imports. Targets: the full run under 3 s end to end,
and at least 200x the reference engine's rate. Medians of --repeat runs.

Then the sparse lattice builder at N = 196,883: five regions 4 GiB apart,
about 120 M instructions writing 31.5 M words (about 250 MB of words) into
memory that grows as it goes. Targets: end to end under 0.5 s in process and
under 1 s as a fresh process. `--before REV` also measures both programs with
the VM of git revision REV (its `navm/` extracted with `git archive`), each
tree in its own processes run alternately, so the two columns compare like
with like on this machine today (e.g. `--before a66ad54`, a revision whose VM
still grew its page pool by doubling and copying).

    .venv/bin/python benchmarks/vm.py [--repeat 3] [--small 2000] [--full 196883] [--before REV]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The figures include native-code generation, so the VM's on-disk object cache (navm/cache.py), which would
# turn every compile after the first into a load, is off here and in the processes started below;
# benchmarks/startup.py measures fresh processes with the cache.
os.environ.setdefault("NAVM_NO_CACHE", "1")

from navm.frontend import load_text  # noqa: E402
from navm.runtime.vm import execute  # noqa: E402
from navm.runtime.vm.compiled import kernel  # noqa: E402
from navm.runtime.vm.compiled.driver import CompiledProgram  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from revisions import extract_tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "examples" / "lattice.qbc").read_text()
N_LINE = ".define N 196883"
SPARSE_SOURCE = (ROOT / "examples" / "lattice_sparse.qbc").read_text()
SPARSE_N_LINE = ".define N 500"  # the example's own (test-sized) N
SPARSE_IN_PROCESS_TARGET, SPARSE_PROCESS_TARGET = 0.5, 1.0

PROCESS_CODE = "from navm.runtime.vm import execute; import sys; execute(sys.stdin.read(), engine='compiled')"
# `repeat` end-to-end runs in one process (kernel cache cleared before each), their times on stdout.
IN_PROCESS_CODE = """
import sys, time
from navm.runtime.vm import execute
from navm.runtime.vm.compiled import kernel
text, times = sys.stdin.read(), []
for _ in range(int(sys.argv[1])):
    kernel._CACHE.clear()
    t = time.perf_counter()
    result = execute(text, engine="compiled")
    times.append(time.perf_counter() - t)
    del result
print(*times)
"""


def lattice(n: int) -> str:
    assert N_LINE in SOURCE
    return SOURCE.replace(N_LINE, f".define N {n}")


def lattice_sparse(n: int) -> str:
    assert SPARSE_SOURCE.count(SPARSE_N_LINE) == 1
    return SPARSE_SOURCE.replace(SPARSE_N_LINE, f".define N {n}")


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


def process_time(text: str, tree: Path = ROOT) -> float:
    """Seconds for a fresh `python -c` to run `text` on the compiled engine, with the `navm` of `tree`."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", PROCESS_CODE], input=text, text=True, check=True, cwd=tree)
    return time.perf_counter() - t


def in_process_times(text: str, repeat: int, tree: Path) -> list[float]:
    """End-to-end times of `repeat` runs in one fresh process, with the `navm` of `tree`."""
    out = subprocess.run([sys.executable, "-c", IN_PROCESS_CODE, str(repeat)], input=text, text=True,
                         check=True, cwd=tree, capture_output=True).stdout
    return [float(t) for t in out.split()]


def sparse(args) -> None:
    text = lattice_sparse(args.full)
    t_in, result = median_time(lambda: fresh_compile(text), args.repeat)
    parts = [phases(text) for _ in range(args.repeat)]
    med = {k: statistics.median(p[k] for p in parts) for k in ("parse", "compile", "run")}
    t_proc = statistics.median(process_time(text) for _ in range(args.repeat))
    addrs = result.memory.words()[0]
    print(f"\nlattice_sparse.qbc, N = {args.full}: {result.steps:,} instructions, {len(addrs):,} words "
          f"({8 * len(addrs) / 1e6:.0f} MB) in 5 regions from {addrs[0]:#x} to {addrs[-1]:#x}")
    print(f"  end to end {t_in:8.3f} s  (parse {med['parse']:.3f} s, compile {med['compile']:.3f} s, "
          f"run {med['run']:.3f} s)   target < {SPARSE_IN_PROCESS_TARGET} s: "
          f"{'met' if t_in < SPARSE_IN_PROCESS_TARGET else 'NOT met'}")
    print(f"  process    {t_proc:8.3f} s  (fresh python -c)   target < {SPARSE_PROCESS_TARGET} s: "
          f"{'met' if t_proc < SPARSE_PROCESS_TARGET else 'NOT met'}")
    del result


def before_and_after(args) -> None:
    """Both programs on the VM of `args.before` and on this tree, alternately, each in its own processes."""
    programs = {"lattice.qbc": lattice(args.full), "lattice_sparse.qbc": lattice_sparse(args.full)}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {args.before: extract_tree(args.before, Path(tmp)), "this tree": ROOT}
        print(f"\nbefore/after, N = {args.full}, each figure from its own processes (medians; in process: "
              f"{args.repeat} runs in one process, and that process's first run alone)")
        print(f"  {'program':20s} {'VM':>12s} {'in process':>11s} {'first run':>10s} {'process':>9s}")
        for name, text in programs.items():
            fresh = {label: [] for label in trees}
            for _ in range(args.repeat):
                for label, tree in trees.items():
                    fresh[label].append(process_time(text, tree))
            for label, tree in trees.items():
                times = in_process_times(text, args.repeat, tree)
                print(f"  {name:20s} {label:>12s} {statistics.median(times):9.3f} s {times[0]:8.3f} s "
                      f"{statistics.median(fresh[label]):7.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--small", type=int, default=2000)
    ap.add_argument("--full", type=int, default=196883)
    ap.add_argument("--before", metavar="REV", help="also measure the VM of this git revision")
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
    t_proc = statistics.median(process_time(full) for _ in range(args.repeat))
    print(f"\nN = {args.full}: {result.steps:,} instructions on the compiled engine")
    print(f"  end to end {t_full:8.3f} s  (parse {med['parse']:.3f} s, compile {med['compile']:.3f} s, "
          f"run {med['run']:.3f} s)   target < 3 s: {'met' if t_full < 3 else 'NOT met'}")
    print(f"  process    {t_proc:8.3f} s  (fresh python -c, imports and start-up included)")
    print(f"  execution rate {run_rate / 1e6:8.1f} M instructions/s, end-to-end rate "
          f"{result.steps / t_full / 1e6:.1f} M/s")
    ratio = run_rate / ref_rate
    print(f"\ncompiled/reference execution-rate ratio: {ratio:,.0f}x   target >= 200x: "
          f"{'met' if ratio >= 200 else 'NOT met'}  (end-to-end rate ratio {result.steps / t_full / ref_rate:,.0f}x)")
    del result

    sparse(args)
    if args.before:
        before_and_after(args)


if __name__ == "__main__":
    main()
