"""QBC packet codec throughput: scalar and batch encode/decode against the original design's figures.

The original QBC protocol module measured 474k encodes/s and 203k decodes/s
(scalar). Targets here: beat those on the scalar path, and more than 5M
packets/s each way on the batch (NumPy) path. Rates are medians of --repeat
runs; a scalar run is a Python loop of calls (loop overhead included), a batch
run is one call on --batch packets. Batch and scalar bytes are checked equal
before timing. The ratios use wall-clock time; the CPU-time rate beside it
(process time, same runs) shows what a busy shared machine hides, and the
load average at the start is printed for the same reason.

    .venv/bin/python benchmarks/packets.py [--scalar 200000] [--batch 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from navm.runtime.packets import decode, decode_batch, encode, encode_batch

ORIGINAL_ENCODE, ORIGINAL_DECODE = 474_000, 203_000
BATCH_TARGET = 5_000_000


def columns(n: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    return (rng.uniform(0.0, 8.0, n), rng.exponential(1.0, n), rng.uniform(0.0, 1.0, n),
            rng.integers(0, 2**32, n, dtype=np.uint32),
            rng.integers(1_700_000_000 * 10**9, 1_800_000_000 * 10**9, n, dtype=np.int64))


def median_seconds(run, repeat: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of `repeat` calls of `run`."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        run()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(wall), statistics.median(cpu)


def scalar_loops(n: int):
    rows = list(zip(*(c.tolist() for c in columns(n))))
    packets = [encode(*r) for r in rows]

    def encode_all() -> None:
        enc = encode
        for s, e, p, node, t in rows:
            enc(s, e, p, node, t)

    def decode_all() -> None:
        dec = decode
        for b in packets:
            dec(b)

    return encode_all, decode_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scalar", type=int, default=200_000, help="packets per scalar run")
    parser.add_argument("--batch", type=int, default=1_000_000, help="packets per batch run")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    cols = columns(args.batch)
    wire = encode_batch(*cols)
    buffer = wire.tobytes()
    sample = range(0, args.batch, max(1, args.batch // 1000))
    assert all(encode(*(c[i].item() for c in cols)) == wire[i].tobytes() for i in sample)
    assert (decode_batch(buffer)["sigma"] == cols[0]).all()

    encode_all, decode_all = scalar_loops(args.scalar)
    load = os.getloadavg()[0]
    cases = [
        ("scalar encode", args.scalar, encode_all, ORIGINAL_ENCODE, "original"),
        ("scalar decode", args.scalar, decode_all, ORIGINAL_DECODE, "original"),
        ("batch encode", args.batch, lambda: encode_batch(*cols), BATCH_TARGET, "target"),
        ("batch decode", args.batch, lambda: decode_batch(buffer), BATCH_TARGET, "target"),
    ]
    print(f"QBC packets: median of {args.repeat} runs, {args.scalar:,} scalar / {args.batch:,} batch packets, "
          f"{os.cpu_count()} CPUs, load average {load:.2f}")
    print(f"  {'path':<15}{'packets/s':>13}{'reference':>12}{'ratio':>9}   {'CPU-time rate':>13}")
    for name, n, run, reference, kind in cases:
        wall, cpu = median_seconds(run, args.repeat)
        print(f"  {name:<15}{n / wall:>13,.0f}{reference:>12,}{n / wall / reference:>8.2f}x  "
              f"{n / cpu:>13,.0f}  ({kind})")

if __name__ == "__main__":
    main()
