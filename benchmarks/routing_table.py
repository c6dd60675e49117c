"""Routing-table throughput at N = 196,883 entries: build, emit (write) and decode (read) a binary table.

The table is a synthetic square-grid lattice (navm.backends.routing_table.synthetic):
no built-in device has that many sites. Each stage runs --repeat times and
the median is printed with entries/s; the target is emit and decode in
under 1 s each. The JSON mirror and a few queries are timed for reference.

    .venv/bin/python benchmarks/routing_table.py [--entries 196883] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from navm.backends.routing_table import RoutingTable, load, save
from navm.backends.routing_table.synthetic import grid_columns

TARGET_S = 1.0


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def report(stage: str, seconds: float, n: int, target: float | None = None) -> None:
    verdict = "" if target is None else ("  ok (< 1 s)" if seconds < target else "  OVER TARGET")
    print(f"{stage:<34} {seconds * 1e3:9.1f} ms   {n / seconds:14,.0f} entries/s{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=196_883)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, repeat = args.entries, args.repeat
    columns = grid_columns(n)
    print(f"routing table: {n:,} entries of 128 bytes, median of {repeat} runs")
    build_s, table = timed(lambda: RoutingTable.from_columns(columns), repeat)
    report("build (columns → checked records)", build_s, n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "routes.bin"
        emit_s, size = timed(lambda: save(table, path), repeat)
        report(f"emit (encode + write {size / 2**20:.1f} MiB)", emit_s, n, TARGET_S)
        decode_s, back = timed(lambda: load(path), repeat)
        report("decode (read + checksum + checks)", decode_s, n, TARGET_S)
        assert back == table, "decoded table differs from the one written"
        json_path = Path(tmp) / "routes.json"
        json_emit_s, _ = timed(lambda: save(table, json_path), 1)
        report("JSON mirror write (1 run)", json_emit_s, n)
        json_read_s, _ = timed(lambda: load(json_path), 1)
        report("JSON mirror read (1 run)", json_read_s, n)
    queries = np.random.default_rng(0).uniform(0, 8, 10_000)
    back.nearest_sigma(0.0)  # build the σ index once
    sigma_s, _ = timed(lambda: back.nearest_sigma(queries), repeat)
    print(f"{'nearest σ, 10,000 queries':<34} {sigma_s * 1e3:9.1f} ms   {len(queries) / sigma_s:14,.0f} queries/s")
    j_s, _ = timed(lambda: back.nearest_j(0.0, 1728.0), repeat)
    print(f"{'nearest j, 1 query':<34} {j_s * 1e3:9.1f} ms")
    route_s, found = timed(lambda: back.route(0, n - 1), 1)
    print(f"{'route corner to corner (1 run)':<34} {route_s * 1e3:9.1f} ms   {found.hops} hops")


if __name__ == "__main__":
    main()
