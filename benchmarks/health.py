"""Lattice-health heartbeats: one W-state heartbeat over every triangle of a generated triangular
lattice, timed. Targets (issue 12): 196,883 nodes in under 2 s, 5,000 nodes in under 0.1 s.

Three cases per size, each the median of --repeat runs in one process after a warm-up heartbeat
(the first one compiles the program and its JAX kernel; that time is printed too, and a fresh
process's first heartbeat is timed separately):
- uniform: every node at the device's noise (all triangles share one state; the usual case);
- degraded: uniform but for 1% of the nodes, each with its own noise scale;
- all distinct: every node its own noise scale, so every triangle is computed (the worst case).
There is no reference tool for this; the comparison is against the targets.

    .venv/bin/python benchmarks/health.py [--sizes 5000,196883] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from navm.runtime.health.heartbeat import generated_lattice, run_heartbeat

TARGETS = {5000: 0.1, 196883: 2.0}


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def fresh_process_first(nodes: int) -> float:
    code = ("import time; from navm.runtime.health.heartbeat import generated_lattice, run_heartbeat; "
            f"lat = generated_lattice({nodes}); t = time.perf_counter(); run_heartbeat(lat); "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="5000,196883")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; medians of {args.repeat}")
    rng = np.random.default_rng(0)
    verdicts = []
    for n in (int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        lattice = generated_lattice(n)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_heartbeat(lattice)
        warm = time.perf_counter() - t0
        ids = np.asarray(lattice.table.column("node_id"))
        few = {int(k): float(s) for k, s in zip(rng.choice(ids, max(1, n // 100), replace=False),
                                                 rng.uniform(1, 20, max(1, n // 100)))}
        every = {int(k): float(s) for k, s in zip(ids, rng.uniform(0.5, 3.0, n))}
        run_heartbeat(lattice, overrides=every)  # compiles the full-size batch once
        cases = {"uniform": {}, "degraded (1% of nodes)": few, "all distinct": every}
        print(f"\n{n:,} nodes, {lattice.triangles:,} triangles (lattice built in {built:.2f} s; "
              f"first heartbeat in this process {warm:.2f} s)")
        target = TARGETS.get(n)
        for name, overrides in cases.items():
            hb = run_heartbeat(lattice, overrides=overrides)
            s = timed(lambda: run_heartbeat(lattice, overrides=overrides), args.repeat)
            mark = "" if target is None else ("  ok" if s < target else "  OVER TARGET")
            print(f"  {name:<24} {s * 1e3:9.1f} ms   {hb.distinct_states:>7,} distinct states   "
                  f"min W fidelity {hb.summary()['min_fidelity']:.4f}{mark}")
            if target is not None:
                verdicts.append((n, name, s, target))
        print(f"  a fresh process's first heartbeat: {fresh_process_first(n):.2f} s (JAX's cache warm)")
    print()
    for n, name, s, target in verdicts:
        print(f"target {n:,} nodes < {target:g} s, {name}: {s:.3f} s: {'met' if s < target else 'MISSED'}")


if __name__ == "__main__":
    main()
