"""The whole compile pipeline against qiskit's transpile, on random circuits of 1k, 10k and 100k gates.

navm runs `navm compile`'s pipeline (decompose-native, canonicalize, place,
route, schedule, blockade-check) for the default 256-site device; qiskit
transpiles the same circuit at optimization level 1 to the device's blockade
graph as coupling map and the basis {cz, r, rz}. Medians of --repeat runs.
Target: the 10k case under 10 s here, and within 2× of qiskit's time.

    .venv/bin/python benchmarks/compile.py [--sizes 1000,10000,100000] [--qubits 32] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

import numpy as np
from xdsl.dialects.builtin import ModuleOp

sys.path.insert(0, os.path.dirname(__file__))
from circuits import to_qiskit  # noqa: E402

from navm.ir.circuit_table import GateTable, Placement, Row  # noqa: E402
from navm.ir.navm import CircuitOp, set_isa_version  # noqa: E402
from navm.perf import gc_paused  # noqa: E402
from navm.pipeline import COMPILE_PIPELINE, compile_module  # noqa: E402
from navm.devices import load_profile  # noqa: E402
from navm.devices.blockade import blockade_pairs  # noqa: E402

DEVICE = "square-16x16"


def random_circuit(n_qubits: int, n_gates: int, seed: int = 0) -> list[Row]:
    """Mostly local random circuit: 1q rotations and H, and CX between qubits up to 4 apart."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n_gates):
        q = rng.randrange(n_qubits)
        k = rng.random()
        if k < 0.3:
            rows.append(Row("h", (q,), ()))
        elif k < 0.6:
            rows.append(Row("rz", (q,), (rng.uniform(-3, 3),)))
        else:
            p = (q + rng.randint(1, 4)) % n_qubits
            rows.append(Row("cx", (q, p), ()))
    return rows


def navm_module(rows: list[Row], n: int) -> ModuleOp:
    placement = Placement(n, sites=np.full(n, -1, dtype=np.int64))
    module = ModuleOp([CircuitOp.build(GateTable.from_rows(rows), placement)])
    set_isa_version(module, "1.1")
    return module


def time_navm(rows, n) -> tuple[float, dict]:
    module = navm_module(rows, n)
    passes: list[tuple[str, float]] = []
    last = [0.0]

    def lap(p, _module) -> None:
        now = time.perf_counter()
        passes.append((p.name, now - last[0]))
        last[0] = now

    with gc_paused():
        t = last[0] = time.perf_counter()
        compile_module(module, COMPILE_PIPELINE.replace("unroll,", ""), device=DEVICE, after_each=lap)
        elapsed = time.perf_counter() - t
    (op,) = [o for o in module.body.block.ops if isinstance(o, CircuitOp)]
    twoq = sum(1 for r in op.gate_table.rows() if r.name == "cz")
    swaps = module.attributes.get("navm.route.swaps_added")
    return elapsed, {"cz": twoq, "swaps": int(getattr(getattr(swaps, "value", None), "data", getattr(swaps, "data", 0))) if swaps is not None else 0,
                     "passes": passes}


def print_per_pass(size: int, runs: list[tuple[float, dict]]) -> None:
    """Median seconds of each pass (the k-th pass of the pipeline across runs), in pipeline order."""
    names = [name for name, _ in runs[0][1]["passes"]]
    cells = [f"{name} {statistics.median(r[1]['passes'][k][1] for r in runs) * 1000:.0f}"
             for k, name in enumerate(names)]
    print(f"{size:>8}  per pass (ms, with verify): " + ", ".join(cells))


def time_qiskit(rows, n) -> tuple[float, dict]:
    from qiskit import transpile
    from qiskit.transpiler import CouplingMap

    profile = load_profile(DEVICE)
    a, b, _ = blockade_pairs(profile)
    edges = [(int(x), int(y)) for x, y in zip(a, b)]
    coupling = CouplingMap(edges + [(y, x) for x, y in edges])
    qc = to_qiskit(rows, n)
    t = time.perf_counter()
    out = transpile(qc, coupling_map=coupling, basis_gates=["cz", "r", "rz"], optimization_level=1, seed_transpiler=0)
    elapsed = time.perf_counter() - t
    return elapsed, {"cz": out.count_ops().get("cz", 0), "swaps": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--qubits", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-pass", action="store_true", help="also print each navm pass's median time")
    args = parser.parse_args()
    print(f"compile benchmark: {args.qubits} qubits, device '{DEVICE}' (256 sites), median of {args.repeat}; "
          f"navm pipeline: {COMPILE_PIPELINE}")
    print(f"{'gates':>8}{'navm s':>10}{'qiskit s':>10}{'navm/qiskit':>13}{'navm cz':>9}{'qiskit cz':>11}{'swaps':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        rows = random_circuit(args.qubits, size)
        navm_runs = [time_navm(rows, args.qubits) for _ in range(args.repeat)]
        qiskit_runs = [time_qiskit(rows, args.qubits) for _ in range(args.repeat)]
        nt = statistics.median(t for t, _ in navm_runs)
        qt = statistics.median(t for t, _ in qiskit_runs)
        print(f"{size:>8}{nt:>10.2f}{qt:>10.2f}{nt / qt:>13.2f}{navm_runs[0][1]['cz']:>9}"
              f"{qiskit_runs[0][1]['cz']:>11}{navm_runs[0][1]['swaps']:>7}")
        if args.per_pass:
            print_per_pass(size, navm_runs)
    print("targets: the 10k case under 10 s, navm/qiskit < 2")


if __name__ == "__main__":
    main()
