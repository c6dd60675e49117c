"""Sampling a lowered circuit: measurement records, detection events, the error model.

Heralded loss (`HERALDED_ERASE`) writes herald bits into stim's measurement
record; `sample` drops them so that column k is navm's `rec[k]`.
"""

from __future__ import annotations

import numpy as np
import stim

from navm.backends.counts import CountAccumulator, chunk_shots
from navm.diagnostics import NavmError
from navm.progress import NO_PROGRESS, Progress, task

_HERALDED = frozenset({"HERALDED_ERASE", "HERALDED_PAULI_CHANNEL_1"})


def herald_columns(circuit: stim.Circuit) -> list[int]:
    """Indices, in stim's record stream, of the bits written by heralded noise."""
    out: list[int] = []
    n = 0
    for inst in circuit.flattened():
        one = stim.Circuit()
        one.append(inst)
        k = one.num_measurements
        if inst.name in _HERALDED:
            out.extend(range(n, n + k))
        n += k
    return out


def sample(circuit: stim.Circuit, shots: int, seed: int | None = None) -> np.ndarray:
    """(shots, records) bools: the measurement records, in navm's record order."""
    raw = circuit.compile_sampler(seed=seed).sample(shots)
    heralds = _heralds(circuit)
    return np.delete(raw, heralds, axis=1) if heralds else raw


def count_samples(circuit: stim.Circuit, shots: int, seed: int | None = None, *,
                  progress: Progress = NO_PROGRESS) -> dict[str, int]:
    """{bitstring: count} of `shots` shots, sampled and counted in bounded chunks (any shot count
    runs in bounded memory); the same seed and shot count give the same counts."""
    sampler = circuit.compile_sampler(seed=seed)
    heralds = _heralds(circuit)
    counts = CountAccumulator(circuit.num_measurements - len(heralds))
    per_chunk = chunk_shots(circuit.num_measurements, 256)
    with task(progress, "sampling (stim)", shots) as bar:
        for first in range(0, shots, per_chunk):
            raw = sampler.sample(min(per_chunk, shots - first))
            counts.add(np.delete(raw, heralds, axis=1) if heralds else raw)
            bar.advance(len(raw))
    return counts.counts()


def _heralds(circuit: stim.Circuit) -> list[int]:
    text = str(circuit)
    return herald_columns(circuit) if any(g in text for g in _HERALDED) else []


def sample_detectors(circuit: stim.Circuit, shots: int, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(detection events (shots, detectors), observable flips (shots, observables)), as bools."""
    return circuit.compile_detector_sampler(seed=seed).sample(shots, separate_observables=True)


def detector_error_model(circuit: stim.Circuit, *, decompose_errors: bool = True) -> stim.DetectorErrorModel:
    """stim's detector error model, with errors split into graph-like parts (what a
    matching decoder such as pymatching needs). Heralded erasure is folded in with
    stim's `approximate_disjoint_errors`; a detector that is not deterministic
    without noise is a NavmError."""
    try:
        return circuit.detector_error_model(decompose_errors=decompose_errors,
                                            approximate_disjoint_errors=True)
    except ValueError as err:
        first, *rest = [" ".join(ln.strip() for ln in para.splitlines())
                        for para in str(err).strip().split("\n\n")] or [type(err).__name__]
        notes = tuple(n for n in rest if "diagram" not in n and "SVG" not in n)
        raise NavmError(f"stim cannot build a detector error model: {first}",
                        notes=notes + ("detector Dk is the (k+1)-th detector row of the circuit",)) from None
