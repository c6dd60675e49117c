"""Sampling a lowered circuit: measurement records, detection events, the error model.

Heralded loss (`HERALDED_ERASE`) writes herald bits into stim's measurement
record; `sample` drops them so that column k is navm's `rec[k]`.
"""

from __future__ import annotations

import numpy as np
import stim

from navm.diagnostics import NavmError

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
    text = str(circuit)
    heralds = herald_columns(circuit) if any(g in text for g in _HERALDED) else []
    return np.delete(raw, heralds, axis=1) if heralds else raw


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
