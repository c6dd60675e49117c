"""`schedule` and `move-check` on zoned programs: median times per circuit, beside an older revision.

For each mqt-bench circuit (target-independent level, final measurements removed), the zoned
pipeline runs once up to `move-route`; then `schedule` and `move-check` run --repeat times, each on
a fresh copy of that program and followed by the module verify that compile_module does, with the
garbage collector paused as `navm compile` pauses it. Printed: the program's rows, AOD groups and
pulses, and the median milliseconds of each pass. With --baseline REV the same programs are timed
with navm as of git revision REV too (extracted beside this checkout, in a process of its own).
Targets: both passes together under 150 ms on randomcircuit at 32 qubits (~13,000 groups), and a
few milliseconds on circuits of under 1,000 gates.

    .venv/bin/python benchmarks/move_check.py [--names randomcircuit,qft] [--sizes 8,16,32] [--repeat 5]
                                              [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSES = ("schedule", "move-check")
UP_TO_ROUTE = ("unroll,optimize{permute_outputs=true},decompose-native,canonicalize,migrate-isa{to=1.2},stage,"
               "zoned-place,move-route")


def routed_programs(names: list[str], sizes: list[int]) -> list[dict]:
    """Each circuit compiled up to move-route, as IR text, with its size."""
    from mqt.bench import BenchmarkLevel, get_benchmark
    from qiskit import qasm2

    from navm.frontend import load_text
    from navm.ir.context import print_module
    from navm.ir.navm import CircuitOp
    from navm.pipeline import compile_module

    out = []
    for name in names:
        for n in sizes:
            circuit = get_benchmark(name, BenchmarkLevel.INDEP, n)
            circuit.remove_final_measurements()
            module = compile_module(load_text(qasm2.dumps(circuit), "qasm2"), UP_TO_ROUTE, device="zoned")
            (op,) = [o for o in module.body.block.ops if isinstance(o, CircuitOp)]
            out.append({"name": f"{name}-{n}", "text": print_module(module), "rows": len(op.gate_table),
                        "gates": circuit.size()})
    return out


def time_passes(texts: list[str], repeat: int) -> list[dict[str, float]]:
    """Median seconds of each of PASSES (with its verify) on each program."""
    from navm.ir.context import make_context, parse_module
    from navm.ir.verify import verify_module
    from navm.passes import parse_pipeline
    from navm.perf import gc_paused

    out = []
    for text in texts:
        runs: dict[str, list[float]] = {p: [] for p in PASSES}
        for _ in range(repeat):
            module = parse_module(text, "<routed>")
            ctx = make_context()
            with gc_paused():
                for p in parse_pipeline(",".join(PASSES)):
                    t = time.perf_counter()
                    p.apply(ctx, module)
                    verify_module(module)
                    runs[p.name].append(time.perf_counter() - t)
        out.append({p: statistics.median(v) for p, v in runs.items()})
    return out


def counts(text: str) -> tuple[int, int]:
    """(motion groups, pulses) of a routed program."""
    from navm.ir.context import parse_module
    from navm.ir.navm import CircuitOp
    from navm.passes.analysis.motion_events import MOTION_KINDS, PULSE, events

    (op,) = [o for o in parse_module(text, "<routed>").body.block.ops if isinstance(o, CircuitOp)]
    evs = events(op.gate_table, strict=False)
    return sum(e.kind in MOTION_KINDS for e in evs), sum(e.kind == PULSE for e in evs)


def baseline_times(rev: str, texts: list[str], repeat: int) -> list[dict[str, float]]:
    """`time_passes` with navm as of `rev`, in a process that imports that tree."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from revisions import extract_tree

    with tempfile.TemporaryDirectory() as tmp:
        tree = extract_tree(rev, Path(tmp))
        programs = Path(tmp) / "programs.json"
        programs.write_text(json.dumps(texts))
        env = {**os.environ, "PYTHONPATH": str(tree)}
        done = subprocess.run([sys.executable, __file__, "--worker", str(programs), "--repeat", str(repeat)],
                              cwd=tmp, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", default="randomcircuit,qft,graphstate,qaoa")
    parser.add_argument("--sizes", default="8,16,32")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", metavar="REV", help="also time navm as of this git revision")
    parser.add_argument("--worker", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # a baseline process: time the programs in FILE, print JSON
        print(json.dumps(time_passes(json.loads(Path(args.worker).read_text()), args.repeat)))
        return
    programs = routed_programs(args.names.split(","), [int(s) for s in args.sizes.split(",")])
    texts = [p["text"] for p in programs]
    now = time_passes(texts, args.repeat)
    before = baseline_times(args.baseline, texts, args.repeat) if args.baseline else None
    print(f"schedule and move-check on zoned programs (device 'zoned'), median ms of {args.repeat}"
          + (f"; before = {args.baseline}" if before else ""))
    head = (f"{'circuit':<18}{'gates':>7}{'rows':>8}{'groups':>8}{'pulses':>8}"
            f"{'schedule':>10}{'move-check':>12}{'both':>8}")
    print(head + (f"{'before':>10}{'speed-up':>10}" if before else ""))
    for k, program in enumerate(programs):
        groups, pulses = counts(program["text"])
        ms = {p: 1000 * now[k][p] for p in PASSES}
        both = ms["schedule"] + ms["move-check"]
        line = (f"{program['name']:<18}{program['gates']:>7}{program['rows']:>8}{groups:>8}{pulses:>8}"
                f"{ms['schedule']:>10.1f}{ms['move-check']:>12.1f}{both:>8.1f}")
        if before:
            was = 1000 * sum(before[k].values())
            line += f"{was:>10.1f}{was / both:>9.1f}x"
        print(line)
    print("targets: schedule + move-check under 150 ms on randomcircuit-32; a few ms under 1,000 gates")


if __name__ == "__main__":
    main()
