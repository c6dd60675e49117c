"""Statevector simulation time: navm (JAX) against qiskit-aer and qsim on QFT and random brickwork.

Every simulator gets the same number of threads (--threads, default: all
cores), stated in the output. Times are medians of --repeat runs of the
simulation alone; navm's JIT compile time (its first run minus a warm run)
is reported separately. Targets: faster than qiskit-aer, within 2× of qsim.

    .venv/bin/python benchmarks/statevector.py [--sizes 16,20,24] [--repeat 3] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def _threads_from_argv() -> int:
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return int(sys.argv[i + 1])
    return os.cpu_count() or 1


# XLA reads its thread settings at import: set them before jax is imported.
THREADS = _threads_from_argv()
os.environ.setdefault("XLA_FLAGS", f"--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={THREADS}")
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
# "jit s" is XLA's compile time: keep JAX's persistent compilation cache (navm/cache.py) out of it.
os.environ.setdefault("NAVM_NO_CACHE", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from circuits import brickwork, qft, table, to_cirq, to_qiskit  # noqa: E402

from navm.backends.statevector import final_state  # noqa: E402


def median_time(fn, repeat: int) -> float:
    """Median over `repeat` timed runs, after one untimed warm-up run."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def navm_runner(rows, n):
    t = table(rows)
    return lambda: np.asarray(final_state(t, n, dtype="complex64"))


def aer_runner(rows, n, threads):
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    sim = AerSimulator(method="statevector", precision="single", max_parallel_threads=threads,
                       max_parallel_experiments=1, statevector_parallel_threshold=1)
    qc = to_qiskit(rows, n)
    qc.save_statevector()
    compiled = transpile(qc, sim, optimization_level=0)
    return lambda: sim.run(compiled).result().get_statevector()


def qsim_runner(rows, n, threads):
    import qsimcirq

    sim = qsimcirq.QSimSimulator(qsim_options={"t": threads, "f": 2})
    circuit = to_cirq(rows, n)
    return lambda: sim.simulate(circuit).final_state_vector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16,20,24")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--depth", type=int, default=20)
    args = parser.parse_args()
    print(f"statevector benchmark: complex64, {args.threads} thread(s) for every simulator, "
          f"median of {args.repeat}; navm compile (JIT) time reported separately")
    header = f"{'circuit':<16}{'n':>4}{'gates':>7}{'navm s':>10}{'jit s':>8}{'aer s':>10}{'qsim s':>10}" \
             f"{'aer/navm':>10}{'navm/qsim':>11}"
    print(header)
    for name, make in (("qft", qft), ("brickwork", lambda n: brickwork(n, args.depth))):
        for n in (int(s) for s in args.sizes.split(",")):
            rows = make(n)
            run_navm = navm_runner(rows, n)
            t0 = time.perf_counter()
            run_navm()  # the first run compiles (JIT); median_time's warm-up then runs it warm
            first = time.perf_counter() - t0
            navm_t = median_time(run_navm, args.repeat)
            aer_t = median_time(aer_runner(rows, n, args.threads), args.repeat)
            qsim_t = median_time(qsim_runner(rows, n, args.threads), args.repeat)
            print(f"{name:<16}{n:>4}{len(rows):>7}{navm_t:>10.3f}{max(first - navm_t, 0):>8.2f}{aer_t:>10.3f}"
                  f"{qsim_t:>10.3f}{aer_t / navm_t:>10.2f}{navm_t / qsim_t:>11.2f}")
    print("targets: aer/navm > 1 (faster than qiskit-aer), navm/qsim < 2 (within 2x of qsim)")


if __name__ == "__main__":
    main()
