"""Fidelity models of zoned programs (docs/zoned.md, "Fidelity models").

Three models score the same replayed and timed program:

- `"navm"`, navm's own estimate (the schedule's `fidelity_estimate`): the product of the
  profile's noise channels over the program — every gate's fidelity (1 − its Pauli error),
  `architecture.transfer.fidelity` per atom transfer, 1 − `noise.unpaired_rydberg_error` per
  atom a pulse drives without a partner, each atom's idle channel (`noise.idle`) over its
  idle time, and preparation, readout and reset errors;
- `"zac"`, ZAC's published model, F = f1^g1 · f2^g2 · ft^Nt · Π_q (1 − idle_q / T2), with f1, f2
  and ft the profile's 1-qubit, CZ and transfer fidelities and T2 its `noise.idle.t2_us`;
- `"zac+excitation"`, the same times (1 − unpaired_rydberg_error) per unpaired exposure
  (ZAC defines this factor but leaves it commented out).

An atom is busy during its own gates, measurements and resets, one transfer time for each
load and each store it takes part in (2 × transfer per rearrangement, as ZAC counts), and
the CZ duration of every pulse while it stands inside the laser region (paired or not);
idle_q is the total duration minus that, so time spent moving counts as idle.

Why log space: a program of 900k gates has a fidelity far below the smallest double, so
every factor is kept as its base-10 logarithm and summed; `fidelity` is 10^log10 and reads
0.0 only when the model itself gives 0 (an atom idle longer than T2 in ZAC's linear idle
term).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from navm.ir.circuit_table import GateTable
from navm.ir.gates import GATES
from navm.passes.analysis.motion import MotionTrace
from navm.passes.analysis.motion_events import zoned_architecture
from navm.passes.analysis.zoned_time import ZonedTimes

MODELS = ("navm", "zac", "zac+excitation")


def _log10(x: float) -> float:
    return math.log10(x) if x > 0 else -math.inf


@dataclass(frozen=True)
class ModelResult:
    """One model's figure: `log10` of the fidelity, each factor's log10, and the counts it used."""

    name: str
    log10: float
    factors_log10: dict[str, float]
    counts: dict[str, float] = field(default_factory=dict)

    @property
    def fidelity(self) -> float:
        return 10.0 ** self.log10 if self.log10 > -math.inf else 0.0

    @property
    def factors(self) -> dict[str, float]:
        return {k: (10.0 ** v if v > -math.inf else 0.0) for k, v in self.factors_log10.items()}

    def to_json(self) -> dict:
        """JSON-ready: a log10 of minus infinity (a fidelity of exactly 0) is written as null."""
        def finite(v: float):
            return v if v > -math.inf else None

        return {"fidelity": self.fidelity, "log10": finite(self.log10), "factors": self.factors,
                "factors_log10": {k: finite(v) for k, v in self.factors_log10.items()}, "counts": dict(self.counts)}


def _model(name: str, factors: dict[str, float], counts: dict) -> ModelResult:
    total = math.fsum(factors.values()) if all(v > -math.inf for v in factors.values()) else -math.inf
    return ModelResult(name, total, factors, counts)


@dataclass(frozen=True)
class _Inputs:
    """What every model reads, gathered once."""

    one_qubit_log10: float  # Σ log10(gate fidelity) over 1-qubit gate rows
    one_qubit_gates: int
    cz: int
    transfers: int
    unpaired_exposures: int
    idle_us: np.ndarray  # per atom
    measures: int
    resets: int
    duration_us: float


def _inputs(table: GateTable, trace: MotionTrace, times: ZonedTimes, profile) -> _Inputs:
    arch = zoned_architecture(profile)
    noise = profile.noise
    n = trace.num_qubits
    opcode = table.opcode.astype(np.intp)
    counts = np.diff(table.qubit_offsets)
    kind = np.array([g.kind for g in GATES])[opcode] if len(opcode) else np.zeros(0, str)
    one = (kind == "gate") & (counts == 1)
    log_f1 = 0.0
    for code, k in zip(*np.unique(opcode[one], return_counts=True)):
        log_f1 += int(k) * _log10(noise.gate_fidelity(GATES[int(code)].name))
    own = one | (kind == "measure") | (kind == "reset")
    rows = np.flatnonzero(own)
    busy = np.zeros(n)
    if rows.size:  # each of these rows acts on one qubit
        np.add.at(busy, table.qubits[table.qubit_offsets[rows]], times.duration[rows])
    busy += trace.transfers * arch.transfer_us
    busy += trace.pulses_in_laser * profile.gates.duration("cz")
    return _Inputs(log_f1, int(one.sum()), trace.cz, trace.total_transfers, trace.unpaired_exposures,
                   np.maximum(times.total_us - busy, 0.0), int((kind == "measure").sum()),
                   int((kind == "reset").sum()), times.total_us)


def t2_us(noise) -> float:
    """T2 for ZAC's idle term: `noise.idle.t2_us`, or, for an idle model given as rates, the decay
    time of the coherence, 1 / (2 (ry + rz)) (docs/devices.md, "Idle errors from rates")."""
    idle = noise.idle
    if idle.t2_us is not None:
        return idle.t2_us
    _, ry, rz = idle.rate_per_us
    return math.inf if ry + rz == 0 else 1.0 / (2 * (ry + rz))


def _zac_factors(x: _Inputs, profile) -> dict[str, float]:
    arch = zoned_architecture(profile)
    t2 = t2_us(profile.noise)
    ratio = x.idle_us / t2
    idle = -math.inf if (ratio >= 1).any() else math.fsum(np.log1p(-ratio).tolist()) / math.log(10)
    return {
        "one_qubit": x.one_qubit_log10,
        "two_qubit": x.cz * _log10(profile.noise.gate_fidelity("cz")) if x.cz else 0.0,
        "transfer": x.transfers * _log10(arch.transfer_fidelity) if x.transfers else 0.0,
        "idle": idle,
    }


def _counts(x: _Inputs) -> dict:
    return {"one_qubit_gates": x.one_qubit_gates, "cz": x.cz, "transfers": x.transfers, "duration_us": x.duration_us}


def _excitation(x: _Inputs, profile) -> float:
    f = 1.0 - sum(profile.noise.unpaired_rydberg_pauli)
    return x.unpaired_exposures * _log10(f) if x.unpaired_exposures else 0.0


def _navm(x: _Inputs, profile) -> ModelResult:
    noise = profile.noise
    spam = noise.spam
    n = len(x.idle_us)
    zac = _zac_factors(x, profile)
    idle = [_log10(1.0 - sum(noise.idle_pauli(float(t)))) for t in x.idle_us.tolist()]
    spam_log = (n + x.resets) * _log10(1.0 - spam.prep_error) if n + x.resets else 0.0
    if x.measures:
        spam_log += x.measures * _log10(1.0 - (spam.readout_false_positive + spam.readout_false_negative) / 2)
    factors = {"one_qubit": zac["one_qubit"], "two_qubit": zac["two_qubit"], "transfer": zac["transfer"],
               "excitation": _excitation(x, profile),
               "idle": -math.inf if -math.inf in idle else math.fsum(idle),
               "spam": spam_log}
    return _model("navm", factors, {**_counts(x), "unpaired_exposures": x.unpaired_exposures,
                                    "measurements": x.measures, "resets": x.resets})


def fidelity_models(table: GateTable, trace: MotionTrace, times: ZonedTimes, profile) -> dict[str, ModelResult]:
    """Every model of this module, keyed by name (MODELS)."""
    x = _inputs(table, trace, times, profile)
    zac = _zac_factors(x, profile)
    return {
        "navm": _navm(x, profile),
        "zac": _model("zac", zac, _counts(x)),
        "zac+excitation": _model("zac+excitation", {**zac, "excitation": _excitation(x, profile)},
                                 {**_counts(x), "unpaired_exposures": x.unpaired_exposures}),
    }
