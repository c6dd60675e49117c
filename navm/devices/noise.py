"""The `noise` section of a device profile: the error model insert-noise and the simulators use.

Gate errors are noise-dialect channels (`pauli`, `depolarize`, `depolarize2`),
so insert-noise can copy them into the IR as they are. Idle errors come from
T1/T2 through the Pauli-twirl formula, or from Pauli rates. docs/devices.md
documents each field, its default and where the default comes from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from navm.frontend.json_source import JsonDocument
from navm.ir.gates import GATES, OPCODE
from navm.devices.checks import (
    JsonPath,
    dotted,
    fail,
    fail_key,
    non_negative,
    pauli_triple,
    positive,
    probability,
)
from navm.devices.gates import DeviceGates

SECTION: JsonPath = ("noise",)
CHANNELS_BY_ARITY = {1: ("pauli", "depolarize"), 2: ("depolarize2",)}

DEFAULT_GATE_CHANNELS: dict[str, tuple[str, tuple[float, ...]]] = {
    "r": ("depolarize", (0.0003,)),
    "rz": ("pauli", (0.0, 0.0, 0.001)),
    "cz": ("depolarize2", (0.005,)),
}
DEFAULT_UNPAIRED_RYDBERG_ERROR = 0.0025
DEFAULT_IDLE = {"t1_us": 4.0e6, "t2_us": 1.5e6}
DEFAULT_SPAM = {"prep_error": 0.001, "readout_false_positive": 0.002, "readout_false_negative": 0.005}
DEFAULT_LOSS_PER_GATE: dict[str, float] = {}
DEFAULT_LOSS_PER_US_IDLE = 1.0e-7


@dataclass(frozen=True)
class GateChannel:
    """The error after one native gate: a noise-dialect channel and its parameters."""

    channel: str  # "pauli" (px, py, pz) | "depolarize" (p) | "depolarize2" (p)
    params: tuple[float, ...]

    def pauli(self) -> tuple[float, ...]:
        """Probabilities of each non-identity Pauli: (X, Y, Z) for one qubit; for two, the 15
        products in stim's PAULI_CHANNEL_2 order (IX, IY, IZ, XI, XX, …, ZZ), each p/15."""
        if self.channel == "pauli":
            return self.params
        p = self.params[0]
        return (p / 3,) * 3 if self.channel == "depolarize" else (p / 15,) * 15

    @property
    def error(self) -> float:
        """Total probability of a Pauli error."""
        return math.fsum(self.params)


@dataclass(frozen=True)
class IdleNoise:
    """Errors of an idle qubit: from `t1_us` and `t2_us`, or from `rate_per_us` (X, Y, Z rates)."""

    t1_us: float | None = None
    t2_us: float | None = None
    rate_per_us: tuple[float, float, float] | None = None

    def pauli(self, dt_us: float) -> tuple[float, float, float]:
        """(px, py, pz) after idling `dt_us` µs.

        T1/T2: the Pauli-twirl approximation of amplitude and phase damping,
        px = py = (1 - e^(-t/T1))/4, pz = (1 - e^(-t/T2))/2 - px (Tomita & Svore,
        PRA 90, 062320 (2014), eqs. 9-10). Rates: X, Y, Z errors as independent
        Poisson processes, composed exactly; px ≈ rate_x·t for small t.
        """
        if not (math.isfinite(dt_us) and dt_us >= 0):
            raise ValueError(f"idle time must be a finite number of µs >= 0, got {dt_us}")
        if self.rate_per_us is None:
            assert self.t1_us is not None and self.t2_us is not None
            px = -math.expm1(-dt_us / self.t1_us) / 4
            pz = max(0.0, -math.expm1(-dt_us / self.t2_us) / 2 - px)  # >= 0 up to rounding, as T2 <= 2 T1
            return px, px, pz
        rx, ry, rz = self.rate_per_us
        # Pauli eigenvalues minus one: lambda_X = exp(-2 (ry + rz) t), and so on.
        ex, ey, ez = (math.expm1(-2 * (a + b) * dt_us) for a, b in ((ry, rz), (rx, rz), (rx, ry)))
        return (max(0.0, (ex - ey - ez) / 4), max(0.0, (ey - ex - ez) / 4), max(0.0, (ez - ex - ey) / 4))


@dataclass(frozen=True)
class SpamNoise:
    """State preparation and measurement errors, as probabilities."""

    prep_error: float  # a prepared or reset qubit starts in |1> instead of |0>
    readout_false_positive: float  # a qubit in |0> reads as 1
    readout_false_negative: float  # a qubit in |1> reads as 0


@dataclass(frozen=True)
class NoiseModel:
    """The validated `noise` section, defaults filled in. `gate_channels` has one entry
    per native gate; `loss_per_gate` only the gates that lose atoms."""

    gate_channels: Mapping[str, GateChannel] = field(hash=False)
    unpaired_rydberg_error: float
    idle: IdleNoise
    spam: SpamNoise
    loss_per_gate: Mapping[str, float] = field(hash=False)
    loss_per_us_idle: float

    def gate_channel(self, name: str) -> GateChannel:
        """The error channel after native gate `name`; KeyError for a gate that is not native."""
        try:
            return self.gate_channels[name]
        except KeyError:
            raise KeyError(f"{name!r} is not a native gate of this device") from None

    def gate_pauli(self, name: str) -> tuple[float, ...]:
        """Pauli probabilities after gate `name`: 3 for a 1-qubit gate, 15 for a 2-qubit one."""
        return self.gate_channel(name).pauli()

    def gate_fidelity(self, name: str) -> float:
        """1 - the total Pauli error of gate `name` (loss not counted), for schedule estimates."""
        return 1.0 - self.gate_channel(name).error

    def idle_pauli(self, dt_us: float) -> tuple[float, float, float]:
        """(px, py, pz) of a qubit idle for `dt_us` µs; see `IdleNoise.pauli`."""
        return self.idle.pauli(dt_us)

    @property
    def unpaired_rydberg_pauli(self) -> tuple[float, float, float]:
        """The error on an atom the Rydberg laser drives without a partner: a Pauli Z."""
        return 0.0, 0.0, self.unpaired_rydberg_error

    def gate_loss(self, name: str) -> float:
        """Probability that each atom of gate `name` is lost (0 unless the profile says)."""
        return self.loss_per_gate.get(name, 0.0)

    def idle_loss(self, dt_us: float) -> float:
        """Probability that an atom is lost while idle for `dt_us` µs: 1 - e^(-rate·t)."""
        if not (math.isfinite(dt_us) and dt_us >= 0):
            raise ValueError(f"idle time must be a finite number of µs >= 0, got {dt_us}")
        return -math.expm1(-self.loss_per_us_idle * dt_us)


# ---------------------------------------------------------------- parsing


def _gate_channel(doc: JsonDocument, path: JsonPath, gate: str, spec: dict[str, Any]) -> GateChannel:
    n_qubits = GATES[OPCODE[gate]].n_qubits
    allowed = CHANNELS_BY_ARITY[n_qubits]
    if len(spec) != 1:
        raise fail(doc, path, f"{dotted(path)} must give exactly one channel, got {len(spec)}",
                   (f"for a {n_qubits}-qubit gate: {' or '.join(allowed)}",))
    (channel, value), = spec.items()
    where = (*path, channel)
    if channel not in allowed:
        raise fail_key(doc, where, f"{dotted(path)}: {channel} does not fit {gate!r}, a {n_qubits}-qubit gate",
                       (f"use {' or '.join(allowed)}",))
    if channel == "pauli":
        return GateChannel(channel, pauli_triple(doc, where, value))
    return GateChannel(channel, (probability(doc, where, value),))


def _gate_channels(doc: JsonDocument, section: dict[str, Any], gates: DeviceGates) -> dict[str, GateChannel]:
    path = (*SECTION, "gate_pauli")
    given = section.get("gate_pauli", {})
    for gate in given:
        if not gates.is_native(gate):
            raise fail_key(doc, (*path, gate), f"{dotted(path)} names gate {gate!r}, which is not native",
                           (f"native gates: {', '.join(gates.native)}",))
    channels = {}
    for gate in gates.native:
        if gate in given:
            channels[gate] = _gate_channel(doc, (*path, gate), gate, given[gate])
        elif gate in DEFAULT_GATE_CHANNELS:
            channels[gate] = GateChannel(*DEFAULT_GATE_CHANNELS[gate])
        else:
            native = doc.value.get("gates", {}).get("native", [])
            where = ("gates", "native", native.index(gate)) if gate in native else path
            raise fail(doc, where, f"native gate {gate!r} has no error rates",
                       (f"add {dotted(path)}.{gate}",))
    return channels


def _idle(doc: JsonDocument, section: dict[str, Any]) -> IdleNoise:
    path = (*SECTION, "idle")
    idle = section.get("idle")
    if idle is None:
        return IdleNoise(**DEFAULT_IDLE)
    if "rate_per_us" in idle:
        if len(idle) > 1:
            other = next(k for k in idle if k != "rate_per_us")
            raise fail_key(doc, (*path, other), f"{dotted(path)}: give t1_us and t2_us, or rate_per_us, "
                                                f"not both")
        rates = tuple(non_negative(doc, (*path, "rate_per_us", i), r) for i, r in enumerate(idle["rate_per_us"]))
        return IdleNoise(rate_per_us=rates)  # type: ignore[arg-type]
    missing = [k for k in ("t1_us", "t2_us") if k not in idle]
    if missing:
        raise fail(doc, path, f"{dotted(path)} needs {' and '.join(missing)} (or rate_per_us instead)")
    t1 = positive(doc, (*path, "t1_us"), idle["t1_us"])
    t2 = positive(doc, (*path, "t2_us"), idle["t2_us"])
    if t2 > 2 * t1:
        raise fail(doc, (*path, "t2_us"), f"{dotted(path)}.t2_us ({t2:g}) exceeds 2 × t1_us ({2 * t1:g}); "
                                          f"no qubit dephases slower than T2 = 2·T1")
    return IdleNoise(t1_us=t1, t2_us=t2)


def _loss(doc: JsonDocument, section: dict[str, Any], gates: DeviceGates) -> tuple[dict[str, float], float]:
    path = (*SECTION, "loss")
    loss = section.get("loss", {})
    per_gate = dict(DEFAULT_LOSS_PER_GATE)
    for gate, p in loss.get("per_gate", {}).items():
        where = (*path, "per_gate", gate)
        if not gates.is_native(gate):
            raise fail_key(doc, where, f"{dotted(path)}.per_gate names gate {gate!r}, which is not native",
                           (f"native gates: {', '.join(gates.native)}",))
        per_gate[gate] = probability(doc, where, p)
    per_gate = {g: p for g, p in per_gate.items() if gates.is_native(g)}
    rate = loss.get("per_us_idle", DEFAULT_LOSS_PER_US_IDLE)
    if "per_us_idle" in loss:
        rate = non_negative(doc, (*path, "per_us_idle"), rate)
    return per_gate, float(rate)


def parse_noise(doc: JsonDocument, gates: DeviceGates) -> NoiseModel:
    """The `noise` section of a schema-valid profile document, checked against its native gates."""
    section: dict[str, Any] = doc.value.get("noise", {})
    channels = _gate_channels(doc, section, gates)
    unpaired = section.get("unpaired_rydberg_error", DEFAULT_UNPAIRED_RYDBERG_ERROR)
    if "unpaired_rydberg_error" in section:
        unpaired = probability(doc, (*SECTION, "unpaired_rydberg_error"), unpaired)
    spam = {**DEFAULT_SPAM, **section.get("spam", {})}
    for key in section.get("spam", {}):
        probability(doc, (*SECTION, "spam", key), spam[key])
    per_gate, per_us_idle = _loss(doc, section, gates)
    return NoiseModel(
        gate_channels=MappingProxyType(channels),
        unpaired_rydberg_error=float(unpaired),
        idle=_idle(doc, section),
        spam=SpamNoise(**{k: float(v) for k, v in spam.items()}),
        loss_per_gate=MappingProxyType(per_gate),
        loss_per_us_idle=per_us_idle,
    )
