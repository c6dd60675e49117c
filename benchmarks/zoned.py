"""navm's zoned compiler side by side with MQT QMAP 3.11's zoned compilers, on the mqt-bench corpus.

For each circuit (mqt-bench, target-independent level, final measurements removed, as QMAP's zoned
compilers refuse measurements):
- navm compiles it for the built-in `zoned` device (its whole pipeline, from the circuit as given:
  optimize, stage, zoned-place, move-route, schedule, move-check), in process, median of --repeat;
- QMAP's RoutingAwareCompiler and RoutingAgnosticCompiler compile it on the same architecture
  after qiskit's transpile(basis cz/id/u2/u1/u3, optimization level 3), as ZAC does, in a process
  of their own (benchmarks/qmap_worker.py: QMAP can crash the process); only `compile()` is timed;
- navm reads QMAP's .naviz and scores all three programs with the same evaluator (move-check, the
  sequential time model, the "zac", "zac+excitation" and "navm" models of docs/zoned.md). A QMAP program
  that move-check rejects is still scored, and marked.
It prints per circuit: CZs, pulses, transfers, duration, the three fidelities (as log10 where
small), compile times; then the ratios navm/QMAP (the better QMAP compiler under each model) as
geometric means, CZs against qiskit's optimization level 3, and the targets: zac ratio >= 1 on every circuit and geometric mean >= 1.1, the
same with the excitation charge, navm's compile time within 3x of QMAP's on circuits of 1,000
gates or more and under 0.2 s on smaller ones, where a circuit's gates are those QMAP compiles (after
qiskit's transpile) and navm's time is its passes from the parsed circuit (parsing shown apart), as
QMAP's is `compile()` from mqt-core's loaded circuit. Today's fixed-lattice SWAP path (device
`square-16x16`) is shown for reference.

    .venv/bin/python benchmarks/zoned.py [--sizes 8,16,32,64] [--names ghz,qft,...] [--repeat 3] [--json OUT]
        [--markdown]   # also the table of docs/benchmarks.md († marks a program move-check rejects)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("ghz", "qft", "qftentangled", "wstate", "graphstate", "dj", "qaoa", "vqe_two_local", "randomcircuit",
         "bv", "ae")
SIZES = (8, 16, 32, 64)
MODELS = ("zac", "zac+excitation", "navm")
TARGETED = ("zac", "zac+excitation")  # the targets; "navm" (navm's own model) is shown, not targeted


def corpus_qasm(name: str, n: int) -> tuple[str, int]:
    """(OpenQASM 2 text of the circuit without its final measurements, its gate count)."""
    from mqt.bench import BenchmarkLevel, get_benchmark
    from qiskit import qasm2

    circuit = get_benchmark(name, BenchmarkLevel.INDEP, n)
    circuit.remove_final_measurements()
    for _ in range(4):
        try:
            return qasm2.dumps(circuit), circuit.size()
        except TypeError:  # parameter objects qasm2 cannot print (ae): spell the gates out
            circuit = circuit.decompose()
    return qasm2.dumps(circuit), circuit.size()


def qmap_architecture(profile) -> dict:
    """The `zoned` profile as QMAP's architecture JSON (integer coordinates, as QMAP reads them)."""
    arch = profile.architecture
    zones = {s.zone for s in profile.sites}
    assert zones >= set(arch.storage_zones)

    def slm(ident: int, ids) -> dict:
        xy = arch.coords[ids]
        xs, ys = sorted(set(xy[:, 0].tolist())), sorted(set(xy[:, 1].tolist()))
        step = [int(xs[1] - xs[0]) if len(xs) > 1 else 1, int(ys[1] - ys[0]) if len(ys) > 1 else 1]
        return {"id": ident, "site_separation": step, "r": len(ys), "c": len(xs),
                "location": [int(xs[0]), int(ys[0])]}

    zone = arch.zones[0]
    (x0, y0), (x1, y1) = zone.laser
    return {
        "name": profile.name,
        "operation_duration": {"rydberg_gate": profile.gates.duration("cz"),
                               "single_qubit_gate": profile.gates.duration("u3"), "atom_transfer": arch.transfer_us},
        "operation_fidelity": {"rydberg_gate": profile.noise.gate_fidelity("cz"),
                               "single_qubit_gate": profile.noise.gate_fidelity("u3"),
                               "atom_transfer": arch.transfer_fidelity},
        "qubit_spec": {"T": profile.noise.idle.t2_us},
        "storage_zones": [{"zone_id": 0, "slms": [slm(0, arch.storage)]}],
        "entanglement_zones": [{"zone_id": 0, "slms": [slm(1, zone.left), slm(2, zone.right)]}],
        "aods": [{"id": 0, "site_separation": int(a.min_spacing_um), "r": a.rows, "c": a.cols} for a in arch.aods],
        "rydberg_range": [[[int(x0), int(y0)], [int(x1), int(y1)]]],
    }


def navm_compile(text: str, repeat: int):
    """(Compiled, median seconds of the passes, median seconds of parsing) of navm's zoned compile, in
    process. The passes are timed from the parsed circuit, as QMAP's `compile()` is timed from the
    circuit mqt-core has loaded; parsing the OpenQASM text is reported apart."""
    from navm.api import compile
    from navm.frontend import load_text

    times, parse_times, compiled = [], [], None
    for _ in range(repeat):
        start = time.perf_counter()
        module = load_text(text, "qasm2")
        parse_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        compiled = compile(module, "zoned")
        times.append(time.perf_counter() - start)
    return compiled, statistics.median(times), statistics.median(parse_times)


def scores(report) -> dict:
    motion = report.motion or {}
    out = {"cz": report.two_qubit_gates, "pulses": motion.get("pulses", len(report.stages)),
           "transfers": motion.get("transfers", 0), "duration_us": report.duration_us,
           "one_qubit_gates": report.fidelity_models["zac"]["counts"]["one_qubit_gates"]}
    for model in MODELS:
        out[model] = report.fidelity_models[model]["log10"]
    return out


def score_naviz(text: str) -> dict:
    """Scores of a .naviz program with navm's evaluator; `legal` says whether move-check accepts it."""
    from navm.commands.evaluate import EvaluateRequest, evaluate
    from navm.diagnostics import NavmError

    with tempfile.NamedTemporaryFile("w", suffix=".naviz", delete=False) as f:
        f.write(text)
    try:
        try:
            result, legal = evaluate(EvaluateRequest(f.name)), True
        except NavmError:
            result, legal = evaluate(EvaluateRequest(f.name, check=False)), False
    finally:
        os.unlink(f.name)
    c = result["counts"]
    return {"cz": c["cz"], "pulses": c["pulses"], "transfers": c["transfers"], "duration_us": result["duration_us"],
            "one_qubit_gates": c["one_qubit_gates"], "legal": legal,
            **{model: result["fidelity_models"][model]["log10"] for model in MODELS}}


def run_qmap(text: str, arch: dict, repeat: int) -> dict | None:
    worker = Path(__file__).with_name("qmap_worker.py")
    proc = subprocess.run([sys.executable, str(worker)], input=json.dumps({"qasm": text, "arch": arch,
                                                                        "repeat": repeat}),
                          capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]}
    return json.loads(proc.stdout)


def swap_path(text: str) -> dict:
    """Today's fixed-lattice path (device `square-16x16`): CZs, SWAPs and navm's estimate, for reference."""
    from navm.api import compile

    try:
        report = compile(text, "square-16x16", language="qasm2").schedule()
    except Exception as err:  # a circuit the 256-site lattice cannot hold
        return {"error": str(err).splitlines()[0]}
    return {"cz": report.two_qubit_gates, "swaps": report.swaps_added, "log10": _log10(report.fidelity_estimate)}


def _or(value, default):
    return default if value is None else value


def _log10(x: float) -> float | None:
    return math.log10(x) if x > 0 else None


def fmt_f(log10: float | None) -> str:
    if log10 is None:
        return "0"
    return f"{10 ** log10:.4f}" if log10 > -3 else f"1e{log10:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--names", default=",".join(NAMES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=None, help="also write every figure to this file")
    parser.add_argument("--no-swap-path", action="store_true", help="skip today's fixed-lattice path")
    parser.add_argument("--markdown", action="store_true", help="also print the table of docs/benchmarks.md")
    args = parser.parse_args()
    from navm.devices import load_profile

    arch = qmap_architecture(load_profile("zoned"))
    rows = []
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; medians of {args.repeat}")
    header = (f"{'circuit':>18} {'gates':>6} | {'compiler':>13} {'CZ':>6} {'1q':>6} {'pulses':>6} {'transfers':>9} "
              f"{'dur µs':>10} {'F zac':>9} {'F zac+exc':>9} {'F navm':>9} {'ms':>9}")
    print(header)
    print("-" * len(header))
    for size in [int(s) for s in args.sizes.split(",")]:
        for name in args.names.split(","):
            try:
                text, gates = corpus_qasm(name, size)
            except Exception as err:
                print(f"{name + '-' + str(size):>18} skipped: mqt-bench cannot build it ({type(err).__name__})")
                continue
            compiled, seconds, parse = navm_compile(text, args.repeat)
            entry = {"circuit": f"{name}-{size}", "gates": gates,
                     "navm": {**scores(compiled.schedule()), "ms": seconds * 1e3, "parse_ms": parse * 1e3}}
            qmap = run_qmap(text, arch, args.repeat)
            if "error" in qmap:
                entry["qmap_error"] = qmap["error"]
            else:
                for compiler in ("qmap-aware", "qmap-agnostic"):
                    entry[compiler] = {**score_naviz(qmap[compiler]["naviz"]), "ms": qmap[compiler]["ms"]}
                entry["qiskit_transpile_ms"] = qmap["transpile_ms"]
                entry["gates"] = qmap["gates"]  # what QMAP compiles: the transpiled circuit's gates
                entry["qiskit_cz"] = qmap["cz"]  # transpile(optimization_level=3): the CZ target
            if not args.no_swap_path:
                entry["swap_path"] = swap_path(text)
            _print_entry(entry)
            rows.append(entry)
    _summary(rows)
    if args.markdown:
        print()
        print(markdown(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


def _print_entry(entry: dict) -> None:
    for k, compiler in enumerate(("navm", "qmap-aware", "qmap-agnostic")):
        if compiler not in entry:
            continue
        e = entry[compiler]
        mark = "" if e.get("legal", True) else " (illegal)"
        first = f"{entry['circuit']:>18} {entry['gates']:>6}" if k == 0 else " " * 25
        print(f"{first} | {compiler + mark:>13} {e['cz']:>6} {e['one_qubit_gates']:>6} {e['pulses']:>6} "
              f"{e['transfers']:>9} {e['duration_us']:>10.0f} {fmt_f(e['zac']):>9} {fmt_f(e['zac+excitation']):>9} "
              f"{fmt_f(e['navm']):>9} {e['ms']:>9.1f}")
    if "qmap_error" in entry:
        print(f"{'':25} | QMAP failed: {entry['qmap_error']}")
    if "swap_path" in entry and "error" not in entry["swap_path"]:
        s = entry["swap_path"]
        print(f"{'':25} | {'swap path':>13} {s['cz']:>6} {'':>6} {'swaps ' + str(s['swaps']):>16} "
              f"{'':>10} {fmt_f(s['log10']):>9} (navm's fixed-lattice model)")


def markdown(rows: list[dict]) -> str:
    """The side-by-side table of docs/benchmarks.md: a row per circuit QMAP compiled."""
    def f(e: dict, model: str) -> str:
        return fmt_f(e[model]) + ("†" if not e.get("legal", True) else "")

    lines = ["| circuit | gates | CZ navm / qiskit O3 | transfers navm / aware / agnostic | duration ms navm / aware / "
             "agnostic | F zac navm | F zac aware | F zac agnostic | zac ratio | F navm-model navm / best QMAP | "
             "compile ms navm / aware / agnostic |", "|" + "---|" * 11]
    inf = float("-inf")
    for r in rows:
        if "qmap-aware" not in r:
            continue
        n, a, g = r["navm"], r["qmap-aware"], r["qmap-agnostic"]
        best = max(_or(a["zac"], inf), _or(g["zac"], inf))
        ratio = "both 0" if best == inf and n["zac"] is None else f"{10 ** (_or(n['zac'], inf) - best):.3g}"
        best_navm = max((a, g), key=lambda e: _or(e["navm"], inf))
        lines.append(f"| {r['circuit']} | {r['gates']} | {n['cz']} / {r['qiskit_cz']} | {n['transfers']} / "
                     f"{a['transfers']} / {g['transfers']} | {n['duration_us'] / 1e3:.1f} / {a['duration_us'] / 1e3:.1f}"
                     f" / {g['duration_us'] / 1e3:.1f} | {f(n, 'zac')} | {f(a, 'zac')} | {f(g, 'zac')} | {ratio} | "
                     f"{fmt_f(n['navm'])} / {f(best_navm, 'navm')} | {n['ms']:.0f} / {a['ms']:.0f} / {g['ms']:.0f} |")
    return "\n".join(lines)


def _summary(rows: list[dict]) -> None:
    compared = [r for r in rows if "qmap-aware" in r]
    if not compared:
        print("no circuit was compiled by QMAP: nothing to compare")
        return
    print("\nratios navm / best QMAP (fidelity; compile time), per model:")
    inf = float("-inf")
    for model in MODELS:
        logs, scored, zero = [], [], []
        for r in compared:
            best = max(_or(r["qmap-aware"][model], inf), _or(r["qmap-agnostic"][model], inf))
            mine = _or(r["navm"][model], inf)
            if best == inf and mine == inf:
                zero.append(r["circuit"])  # both programs score 0 under the model: no ratio
                continue
            logs.append(mine - best)
            scored.append(r["circuit"])
        geo = 10 ** (sum(logs) / len(logs)) if logs else float("nan")
        worst = min(zip(logs, scored)) if logs else (float("nan"), "-")
        below = [c for c, d in zip(scored, logs) if d < -1e-12]
        target = (f" (target >= 1.1: {'met' if geo >= 1.1 else 'MISSED'})" if model in TARGETED
                  else " (navm's own model, no target)")
        print(f"  {model:15s} geometric mean {geo:.3f} over {len(logs)} circuits{target}; worst {10 ** worst[0]:.3f} on {worst[1]}; below 1 on "
              f"{len(below)}" + (f": {', '.join(below)}" if below else "")
              + (f"; both 0 (duration beyond T2) on {', '.join(zero)}" if zero else ""))
    over_cz = [f"{r['circuit']} ({r['navm']['cz']} > {r['qiskit_cz']})" for r in compared
               if r["navm"]["cz"] > r["qiskit_cz"]]
    fewer = sum(r["navm"]["cz"] < r["qiskit_cz"] for r in compared)
    print(f"  CZ count vs qiskit transpile(optimization_level=3): at or below on {len(compared) - len(over_cz)} of "
          f"{len(compared)}, fewer on {fewer} (target: every circuit: "
          f"{'met' if not over_cz else 'MISSED on ' + ', '.join(over_cz)})")
    big = [r for r in compared if r["gates"] >= 1000]
    small = [r for r in compared if r["gates"] < 1000]
    for compiler in ("qmap-aware", "qmap-agnostic"):
        if not big:
            break
        ratios = [r["navm"]["ms"] / r[compiler]["ms"] for r in big]
        over = [r["circuit"] for r, x in zip(big, ratios) if x > 3]
        print(f"  compile time, >= 1,000 gates, navm/{compiler}: median {statistics.median(ratios):.2f}x, worst "
              f"{max(ratios):.2f}x (target <= 3x: {'met' if not over else 'MISSED on ' + ', '.join(over)})")
    if small:
        slow = [r["circuit"] for r in small if r["navm"]["ms"] > 200]
        print(f"  compile time, < 1,000 gates: navm median {statistics.median(r['navm']['ms'] for r in small):.1f} ms, "
              f"max {max(r['navm']['ms'] for r in small):.1f} ms (target < 200 ms: "
              f"{'met' if not slow else 'MISSED on ' + ', '.join(slow)})")
    illegal = [f"{r['circuit']} ({c})" for r in compared for c in ("qmap-aware", "qmap-agnostic")
               if not r[c]["legal"]]
    if illegal:
        print(f"  QMAP programs move-check rejects (scored anyway): {', '.join(illegal)}")


if __name__ == "__main__":
    main()
