"""The distance-3 surface-code memory experiment through the zoned pipeline (`navm.compile`, the
default `zoned` device): its mid-circuit measurements and resets stay in order, it runs on stim and
decodes (pymatching) to the logical error rate its noise model gives.

How "consistent with its model" is checked:

1. **The program's own noise** (p = 0.005, stim's generator's channels): moved, staged and timed by
   the zoned passes, the circuit has exactly the detector error model of stim's
   `surface_code:rotated_memory_z` (every error mechanism with the same probability and the same
   number of detectors and observables), and its logical error rate agrees with stim's circuit's
   within 4 standard errors of the difference. An out-of-order measurement, reset or channel would
   change the error model.
2. **The device model** (insert-noise: transfers, idle decoherence while atoms move and wait, gates,
   SPAM), alone (`--no-noise` then insert-noise) and on top of the program's own noise
   (`noise="device"`). The model's prediction is the circuit's detector error model: independent
   error mechanisms, each flipping a set of detectors and observables. Two checks against it:
   - each detector fires with the probability the model gives exactly,
     (1 − Π (1 − 2 p_e)) / 2 over the mechanisms e that flip it (no decoder involved), sampled
     from the circuit within 4.5 standard errors;
   - the logical error rate of circuit samples decoded by pymatching agrees, within 4 standard
     errors of the difference, with that of samples drawn from the model itself (the detector
     error model's own sampler) and decoded by the same matching graph.
   And the device's channels act: the combined model fails more often than either part.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pymatching
import pytest
import stim

import navm
from navm.backends.stim import detector_error_model, sample_detectors
from navm.pipeline import compile_module
from tests.backends.test_stim_surface_code import error_signature, stim_reference

ROOT = Path(__file__).parents[2]
PATH = ROOT / "examples" / "surface_code" / "memory_z_d3.qbc"
SHOTS = 100_000
MODELS = ("program", "device-only", "device")


@cache
def compiled(model: str) -> navm.Compiled:
    """`navm.compile` on the default (zoned) device: "program" keeps the program's noise, "device" adds
    the device model, "device-only" strips the program's (`--no-noise`) and inserts the device's."""
    if model == "device-only":
        c = navm.compile(PATH, noise="none")
        compile_module(c.module, "insert-noise")
        return c
    return navm.compile(PATH, noise=model)


@cache
def circuit(model: str) -> stim.Circuit:
    return compiled(model).to_stim()


def decoded_rate(dem: stim.DetectorErrorModel, events: np.ndarray, flips: np.ndarray) -> float:
    matching = pymatching.Matching.from_detector_error_model(dem)
    return float(np.mean(np.any(matching.decode_batch(events) != flips, axis=1)))


def standard_error(*rates: float) -> float:
    return float(np.sqrt(sum(r * (1 - r) / SHOTS for r in rates)))


@cache
def logical_error_rate(model: str) -> float:
    c = circuit(model)
    events, flips = sample_detectors(c, SHOTS, seed=11 + MODELS.index(model))
    return decoded_rate(detector_error_model(c), events, flips)


def test_the_zoned_pipeline_moves_the_atoms_and_keeps_the_experiment():
    c = compiled("program")
    assert c.device == "zoned"
    summary = c.schedule()
    assert summary.isa_version == "1.2" and summary.motion["transfers"] > 0
    assert summary.two_qubit_gates == 72  # 3 rounds × 4 layers × 6 CZs, every CX a CZ between u3s
    names = [r.name for r in c.table.rows()]
    assert names.count("measure") == 33 and names.count("reset") == 41  # 3 × 8 mid-circuit, 9 final
    assert names.count("detector") == 24 and names.count("observable") == 1


def test_noiseless_detectors_never_fire():
    c = navm.compile(PATH, noise="none").to_stim()
    events, flips = sample_detectors(c, 5000, seed=2)
    assert not events.any() and not flips.any()


def test_the_programs_noise_gives_stims_error_model_and_rate():
    ours, theirs = detector_error_model(circuit("program")), detector_error_model(stim_reference(3))
    assert (ours.num_detectors, ours.num_observables) == (theirs.num_detectors, theirs.num_observables) == (24, 1)
    assert error_signature(ours) == error_signature(theirs)
    reference = stim_reference(3)
    events, flips = sample_detectors(reference, SHOTS, seed=21)
    theirs_rate = decoded_rate(detector_error_model(reference), events, flips)
    ours_rate = logical_error_rate("program")
    assert abs(ours_rate - theirs_rate) <= 4 * standard_error(ours_rate, theirs_rate), (ours_rate, theirs_rate)


@pytest.mark.parametrize("model", ["device-only", "device"])
def test_detectors_fire_as_the_model_says(model):
    c = circuit(model)
    dem = detector_error_model(c, decompose_errors=False)
    keep = np.ones(dem.num_detectors)  # Π (1 − 2 p_e) per detector
    for e in dem.flattened():
        if e.type == "error":
            p = e.args_copy()[0]
            for t in e.targets_copy():
                if t.is_relative_detector_id():
                    keep[t.val] *= 1 - 2 * p
    predicted = (1 - keep) / 2
    events, _ = sample_detectors(c, SHOTS, seed=31 + MODELS.index(model))
    sigma = np.sqrt(predicted * (1 - predicted) / SHOTS)
    z = (events.mean(axis=0) - predicted) / sigma
    assert np.abs(z).max() < 4.5, z
    assert predicted.min() > 0.01  # the model fires every detector: the check means something


@pytest.mark.parametrize("model", ["device-only", "device"])
def test_the_logical_error_rate_is_the_models(model):
    c = circuit(model)
    dem = detector_error_model(c)
    sampled = logical_error_rate(model)
    events, flips, _ = dem.compile_sampler(seed=41 + MODELS.index(model)).sample(SHOTS)
    predicted = decoded_rate(dem, events, flips)
    assert 0.005 < predicted < 0.2
    assert abs(sampled - predicted) <= 4 * standard_error(sampled, predicted), (sampled, predicted)


def test_the_device_model_acts():
    program, device_only, both = (logical_error_rate(m) for m in MODELS)
    assert both - program > 4 * standard_error(both, program), (program, both)
    assert both - device_only > 4 * standard_error(both, device_only), (device_only, both)
    noise = compiled("device").noise
    assert noise.mode == "device" and noise.device["depolarize2"] == 72 and noise.device["readout_flip"] == 17
