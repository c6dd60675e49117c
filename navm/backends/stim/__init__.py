"""The stim backend: Clifford circuits with Pauli noise, sampled fast, decoded elsewhere.

`to_stim` lowers a gate table (`module_to_stim` an unrolled module) to a
`stim.Circuit`; `sample`, `count_samples`, `sample_detectors` and `detector_error_model` run it.
See docs/backends/stim.md.
"""

from navm.backends.stim.lower import LOSS_MODELS, module_to_stim, to_stim
from navm.backends.stim.sample import count_samples, detector_error_model, sample, sample_detectors

__all__ = ["LOSS_MODELS", "count_samples", "detector_error_model", "module_to_stim", "sample",
           "sample_detectors", "to_stim"]
