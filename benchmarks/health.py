"""Lattice-health heartbeats: one W-state heartbeat over every triangle of a generated triangular
lattice, timed. Targets (issue 12): 196,883 nodes in under 2 s, 5,000 nodes in under 0.1 s.

Three cases per size, each the median of --repeat runs in one process after a warm-up heartbeat
(the first one compiles the program and its JAX kernel; that time is printed too, and a fresh
process's first heartbeat is timed separately):
- uniform: every node at the device's noise (all triangles share one state; the usual case);
- degraded: uniform but for 1% of the nodes, each with its own noise scale;
- all distinct: every node its own noise scale, so every triangle is computed (the worst case).
Then the service's lattice endpoints, each answered in under 100 ms at N = 196,883 (target): a real
`navm serve --lattice-nodes 196883` on loopback, medians of --repeat requests after one warm-up.
There is no reference tool for this; the comparison is against the targets.

    .venv/bin/python benchmarks/health.py [--sizes 5000,196883] [--repeat 5] [--endpoint-nodes 196883]
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
    ap.add_argument("--endpoint-nodes", type=int, default=196883, help="0: skip the endpoint latencies")
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
    if args.endpoint_nodes:
        endpoint_latencies(args.endpoint_nodes, args.repeat)
    print()
    for n, name, s, target in verdicts:
        print(f"target {n:,} nodes < {target:g} s, {name}: {s:.3f} s: {'met' if s < target else 'MISSED'}")


ENDPOINT_TARGET_S = 0.1


def endpoint_latencies(nodes: int, repeat: int) -> None:
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.runtime.service_support import fresh_database, make_key, start_server

    with tempfile.TemporaryDirectory() as tmp, fresh_database("sqlite", Path(tmp)) as url:
        key = make_key(url, tenant="ops", scopes="admin")
        server = start_server(url, Path(tmp) / "serve.log", "--lattice-nodes", str(nodes), timeout_s=120)
        try:
            with server.http(key) as http:
                for _ in range(3):
                    http.post("/v1/lattice/heartbeat")
                http.post(f"/v1/lattice/nodes/{nodes // 2}:degrade", json={"scale": 30})
                http.post("/v1/lattice/heartbeat")
                cases = [
                    ("GET /v1/lattice", "GET", "/v1/lattice", {}),
                    ("GET node", "GET", f"/v1/lattice/nodes/{nodes // 3}", {}),
                    ("GET nodes by σ", "GET", "/v1/lattice/nodes", {"params": {"sigma": 5.25}}),
                    ("GET triangle", "GET", "/v1/lattice/triangles/1234", {}),
                    ("GET heartbeat history", "GET", "/v1/lattice/heartbeats", {"params": {"limit": 200}}),
                    ("GET node history", "GET", f"/v1/lattice/nodes/{nodes // 2}/history", {}),
                    ("GET alerts", "GET", "/v1/lattice/alerts", {}),
                    ("GET route (corner to corner)", "GET", "/v1/lattice/route", {"params": {"from": 0, "to": nodes - 1}}),
                    ("GET route (nearby)", "GET", "/v1/lattice/route", {"params": {"from": 100, "to": 5000}}),
                    ("GET packets (every node)", "GET", "/v1/lattice/heartbeats/latest/packets", {}),
                    ("GET fidelity.bin", "GET", "/v1/lattice/heartbeats/latest/fidelity.bin", {}),
                    ("GET layout.bin", "GET", "/v1/lattice/layout.bin", {}),
                    ("POST heartbeat (admin)", "POST", "/v1/lattice/heartbeat", {}),
                ]
                print(f"\nlattice endpoints at N = {nodes:,} (real server on loopback; medians of {repeat}; "
                      f"target < {ENDPOINT_TARGET_S * 1e3:.0f} ms)")
                for name, method, path, kw in cases:
                    http.request(method, path, **kw)
                    times = []
                    for _ in range(repeat):
                        t0 = time.perf_counter()
                        r = http.request(method, path, **kw)
                        times.append(time.perf_counter() - t0)
                        r.raise_for_status()
                    s = statistics.median(times)
                    print(f"  {name:<32} {s * 1e3:8.1f} ms  {len(r.content):>10,} bytes  "
                          f"{'ok' if s < ENDPOINT_TARGET_S else 'OVER TARGET'}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
