"""Compile one circuit with MQT QMAP's zoned compilers, in a process of its own (benchmarks/zoned.py).

QMAP 3.11 crashes the process on some inputs (a segmentation fault past its storage capacity), so
the benchmark never imports it: it starts this script, writes one JSON request to its stdin
({"qasm": OpenQASM 2 text, "arch": QMAP architecture JSON, "repeat": n}) and reads one JSON answer:
per compiler the .naviz text and the median in-process time of `compile()` in ms. The circuit is
first transpiled as ZAC does before compiling (qiskit, basis cz/id/u2/u1/u3, optimization level 3);
that time is reported apart and not counted as QMAP's.
"""

from __future__ import annotations

import json
import statistics
import sys
import time


def main() -> None:
    request = json.load(sys.stdin)
    from mqt.core import load
    from mqt.qmap.na.zoned import RoutingAgnosticCompiler, RoutingAwareCompiler, ZonedNeutralAtomArchitecture
    from qiskit import qasm2, transpile

    circuit = qasm2.loads(request["qasm"], custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    circuit.remove_final_measurements()
    start = time.perf_counter()
    transpiled = transpile(circuit, basis_gates=["cz", "id", "u2", "u1", "u3"], optimization_level=3,
                           seed_transpiler=0)
    transpile_ms = (time.perf_counter() - start) * 1e3
    arch = ZonedNeutralAtomArchitecture.from_json_string(json.dumps(request["arch"]))
    out = {"transpile_ms": transpile_ms, "cz": transpiled.count_ops().get("cz", 0), "gates": transpiled.size()}
    for name, cls in (("qmap-aware", RoutingAwareCompiler), ("qmap-agnostic", RoutingAgnosticCompiler)):
        compiler = cls(arch, log_level="E", warn_unsupported_gates=False)
        times, text = [], ""
        for _ in range(max(1, int(request.get("repeat", 3)))):
            computation = load(transpiled)
            start = time.perf_counter()
            text = compiler.compile(computation)
            times.append((time.perf_counter() - start) * 1e3)
        out[name] = {"naviz": text, "ms": statistics.median(times)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
