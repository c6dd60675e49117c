"""The issue's agreement test: a rotated surface-code memory experiment written in QBC,
compiled by navm and sampled through the stim backend, decodes (pymatching) to the
same logical error rate as stim's own generated circuit for the same code and noise."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pymatching
import pytest
import stim

from navm.backends.stim import (
    detector_error_model,
    module_to_stim,
    sample,
    sample_detectors,
)
from navm.codes.surface_code import RotatedLayout, rotated_memory_z_qbc
from navm.diagnostics import NavmError
from navm.frontend import load, load_text
from navm.pipeline import COMPILE_PIPELINE, compile_module
from tests.helpers import PROGRAMS

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples" / "surface_code"
P = 0.005
SHOTS = 100_000
# "unroll": the program as written; "device": also placed on the default device's
# sites and rewritten into its native gates (cz, r, rz), noise rows kept in place.
PIPELINES = {
    "unroll": ("unroll", None),
    "device": (COMPILE_PIPELINE, "square-16x16"),  # all of `navm compile`: placed, routed, scheduled
}


def stim_reference(d: int, p: float = P) -> stim.Circuit:
    return stim.Circuit.generated(
        "surface_code:rotated_memory_z", distance=d, rounds=d,
        after_clifford_depolarization=p, before_round_data_depolarization=p,
        before_measure_flip_probability=p, after_reset_flip_probability=p)


@cache
def navm_circuit(d: int, pipeline: str) -> stim.Circuit:
    passes, device = PIPELINES[pipeline]
    return module_to_stim(compile_module(load(EXAMPLES / f"memory_z_d{d}.qbc"), passes, device=device))


def logical_error_rate(circuit: stim.Circuit, seed: int) -> float:
    events, observables = sample_detectors(circuit, SHOTS, seed)
    matching = pymatching.Matching.from_detector_error_model(detector_error_model(circuit))
    return float(np.mean(np.any(matching.decode_batch(events) != observables, axis=1)))


@cache
def reference_rate(d: int) -> float:
    return logical_error_rate(stim_reference(d), seed=1000 + d)


def error_signature(dem: stim.DetectorErrorModel) -> list[tuple]:
    """Each error mechanism as (probability, #detectors, #observables, #components): equal
    multisets mean the same error model up to renumbering the detectors."""
    out = []
    for e in dem.flattened():
        if e.type == "error":
            t = e.targets_copy()
            out.append((round(e.args_copy()[0], 12), sum(x.is_relative_detector_id() for x in t),
                        sum(x.is_logical_observable_id() for x in t), sum(x.is_separator() for x in t)))
    return sorted(out)


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("d", [3, 5])
def test_logical_error_rate_agrees_with_stims_generated_circuit(d, pipeline):
    seed = d + 100 * list(PIPELINES).index(pipeline)  # independent samples for each pipeline
    ours, theirs = logical_error_rate(navm_circuit(d, pipeline), seed=seed), reference_rate(d)
    standard_error = np.sqrt(ours * (1 - ours) / SHOTS + theirs * (1 - theirs) / SHOTS)
    assert 0.002 < theirs < 0.05  # the comparison means something: errors happen, not too often
    assert abs(ours - theirs) <= 4 * standard_error, (ours, theirs, standard_error)


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("d", [3, 5])
def test_error_model_matches_stims(d, pipeline):
    ours, theirs = detector_error_model(navm_circuit(d, pipeline)), detector_error_model(stim_reference(d))
    assert (ours.num_detectors, ours.num_observables) == (theirs.num_detectors, theirs.num_observables)
    assert ours.num_detectors == (d * d - 1) * d  # half a round at each end: Z detectors only
    assert error_signature(ours) == error_signature(theirs)


@pytest.mark.parametrize("d", [3, 5])
def test_examples_are_up_to_date(d):
    assert (EXAMPLES / f"memory_z_d{d}.qbc").read_text(encoding="utf-8") == rotated_memory_z_qbc(d, d, P)


@pytest.mark.parametrize("d", [2, 3, 4])
def test_noiseless_surface_code_detectors_never_fire(d):
    circuit = module_to_stim(compile_module(load_text(rotated_memory_z_qbc(d, 2, 0.0), "qbc", "s.qbc"), "unroll"))
    assert "ERROR" not in str(circuit) and "DEPOLARIZE" not in str(circuit)
    events, observables = sample_detectors(circuit, 2000, seed=5)
    assert not events.any() and not observables.any()
    records = sample(circuit, 200, seed=5)
    assert records.shape[1] == (d * d - 1) * 2 + d * d


def test_repetition_program_detectors_are_zero_without_noise():
    circuit = module_to_stim(compile_module(load(PROGRAMS / "repetition.qbc"), "unroll"))
    assert str(circuit).splitlines()[3:] == [
        "CX 0 1 2 1", "M 1", "R 1", "DETECTOR rec[-1]",
        "CX 0 1 2 1", "M 1", "R 1", "DETECTOR rec[-1] rec[-2]",
        "M 0 2", "DETECTOR rec[-1] rec[-2] rec[-3]", "OBSERVABLE_INCLUDE(0) rec[-2]",
    ]
    events, observables = sample_detectors(circuit, 1000, seed=7)
    assert events.shape == (1000, 3) and not events.any() and not observables.any()
    assert not sample(circuit, 1000, seed=7).any()


def test_layout_is_stims_on_a_5um_square_lattice():
    lay = RotatedLayout(3)
    reference = stim_reference(3).get_final_qubit_coordinates()
    assert sorted(lay.data + lay.measure, key=lambda c: (c.imag, c.real)) == sorted(
        (complex(x, y) for x, y in reference.values()), key=lambda c: (c.imag, c.real))
    xy = np.array([lay.position_um(c) for c in lay.data + lay.measure])
    assert (xy % 5 == 0).all() and xy.min() == 5 and xy.max() == 25
    for k in range(4):
        for a, b in lay.cx_layer(k):
            assert np.hypot(*(xy[a] - xy[b])) == 5.0


@pytest.mark.parametrize("args, message", [
    ((1, 3, 0.0), "a rotated surface code needs distance >= 2 and rounds >= 1, got 1 and 3"),
    ((3, 0, 0.0), "a rotated surface code needs distance >= 2 and rounds >= 1, got 3 and 0"),
    ((3, 3, 1.5), "noise probability 1.5 is not in [0, 1]"),
])
def test_generator_rejects_bad_arguments(args, message):
    with pytest.raises(NavmError) as err:
        rotated_memory_z_qbc(*args)
    assert err.value.message == message
