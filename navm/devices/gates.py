"""The `gates` section of a device profile: what the device executes natively, and how fast.

The scheduler reads it: which gates are native, whether a gate drives a whole
zone at once (`global`) or single atoms (`local`), how long each takes, the
cooldowns between operations and how many may run side by side. Every key
has a default (docs/devices.md says where each comes from); a profile gives
only what differs.
"""

from __future__ import annotations

import difflib
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
    positive_integer,
)

SECTION: JsonPath = ("gates",)
MODES = ("global", "local")
PLAIN_DURATIONS = ("measure", "reset")  # operations timed without an addressing mode
NATIVE_CANDIDATES = tuple(g.name for g in GATES if g.kind == "gate" and g.n_qubits in (1, 2))

DEFAULT_NATIVE = ("cz", "r", "rz")
DEFAULT_ADDRESSING: dict[str, tuple[str, ...]] = {"r": ("global", "local"), "rz": ("local",), "cz": ("global",)}
UNLISTED_ADDRESSING = ("local",)  # a native gate neither the profile nor the defaults address
DEFAULT_DURATIONS_US: dict[str, float] = {
    "r_global": 0.5, "r_local": 1.0, "rz_local": 0.2, "cz": 0.25, "measure": 500.0, "reset": 50.0,
}
DEFAULT_COOLDOWNS_US: dict[str, float] = {"rydberg_gap": 0.5, "measure_dead_time": 200.0}
DEFAULT_PARALLELISM: dict[str, int] = {"max_local_1q": 10, "max_cz_per_stage": 64}

_DURATION_KEYS_NOTE = "keys are a native gate (`cz`), a gate and mode (`r_global`, `r_local`), `measure` or `reset`"
_KIND_WORDS = {"macro": "a macro", "measure": "a measurement", "reset": "a reset",
               "barrier": "a barrier", "noise": "a noise channel"}


@dataclass(frozen=True)
class DeviceGates:
    """The validated `gates` section, defaults filled in.

    `addressing[g]` lists the modes gate g can run in, preferred first;
    `durations_us` is the resolved table, keyed `<gate>_<mode>` for every
    native gate and mode, plus `measure` and `reset`.
    """

    native: tuple[str, ...]
    addressing: Mapping[str, tuple[str, ...]] = field(hash=False)
    durations_us: Mapping[str, float] = field(hash=False)
    rydberg_gap_us: float
    measure_dead_time_us: float
    max_local_1q: int
    max_cz_per_stage: int

    def is_native(self, name: str) -> bool:
        return name in self.addressing

    def mode(self, name: str) -> str:
        """The preferred addressing mode of native gate `name`."""
        return self._modes(name)[0]

    def duration(self, name: str, mode: str | None = None) -> float:
        """µs that native gate `name` takes in `mode` (default: its preferred mode), or
        that `measure` / `reset` take. KeyError for anything the device cannot do."""
        if name in PLAIN_DURATIONS:
            return self.durations_us[name]
        modes = self._modes(name)
        if mode is None:
            mode = modes[0]
        elif mode not in modes:
            raise KeyError(f"gate {name!r} has no {mode} addressing on this device "
                           f"(its addressing: {', '.join(modes)})")
        return self.durations_us[f"{name}_{mode}"]

    def _modes(self, name: str) -> tuple[str, ...]:
        try:
            return self.addressing[name]
        except KeyError:
            raise KeyError(f"{name!r} is not a native gate of this device "
                           f"(native: {', '.join(self.native)})") from None


# ---------------------------------------------------------------- parsing


def _native(doc: JsonDocument, path: JsonPath, names: list[str]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        where = (*path, i)
        if name not in OPCODE:
            close = difflib.get_close_matches(name, NATIVE_CANDIDATES, n=1)
            notes = (f"did you mean {close[0]!r}?",) if close else ()
            raise fail(doc, where, f"unknown native gate {name!r}",
                       notes + (f"navm gates that can be native: {', '.join(NATIVE_CANDIDATES)}",))
        g = GATES[OPCODE[name]]
        if g.kind != "gate":
            what = _KIND_WORDS.get(g.kind, g.kind)
            raise fail(doc, where, f"{name!r} cannot be a native gate: it is {what}, not a gate")
        if g.n_qubits not in (1, 2):
            raise fail(doc, where, f"{name!r} cannot be a native gate: it acts on {g.n_qubits} qubits, and a "
                                   f"native gate acts on 1 or 2 (decompose-native rewrites the others)")
        if name in seen:
            raise fail(doc, where, f"native gate {name!r} is listed twice",
                       (f"first listed at {doc.locate([*path, seen[name]])}",))
        seen[name] = i
    return tuple(names)


def _not_native(doc: JsonDocument, path: JsonPath, gate: str, native: tuple[str, ...]) -> Exception:
    return fail_key(doc, path, f"{dotted(path[:-1])} names gate {gate!r}, which is not native",
                    (f"native gates: {', '.join(native)}",))


def _addressing(doc: JsonDocument, path: JsonPath, given: dict[str, Any],
                native: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    for gate, value in given.items():
        where = (*path, gate)
        if gate not in native:
            raise _not_native(doc, where, gate, native)
        items = [value] if isinstance(value, str) else value
        steps = [where] if isinstance(value, str) else [(*where, i) for i in range(len(value))]
        for i, (mode, step) in enumerate(zip(items, steps)):
            if mode not in MODES:
                raise fail(doc, step, f"unknown addressing mode {mode!r} for gate {gate!r}; "
                                      f"modes: {', '.join(MODES)}")
            if mode in items[:i]:
                raise fail(doc, step, f"addressing mode {mode!r} is listed twice for gate {gate!r}")
    resolved = {}
    for gate in native:
        value = given.get(gate)
        if value is None:
            resolved[gate] = DEFAULT_ADDRESSING.get(gate, UNLISTED_ADDRESSING)
        else:
            resolved[gate] = (value,) if isinstance(value, str) else tuple(value)
    return resolved


def _check_duration_key(doc: JsonDocument, path: JsonPath, key: str,
                        addressing: dict[str, tuple[str, ...]]) -> None:
    if key in PLAIN_DURATIONS or key in addressing:
        return
    gate, _, mode = key.rpartition("_")
    if mode in MODES and gate in addressing:
        if mode not in addressing[gate]:
            raise fail_key(doc, path, f"{dotted(path)}: gate {gate!r} has no {mode} addressing "
                                      f"(its addressing: {', '.join(addressing[gate])})")
        return
    if mode in MODES and gate in OPCODE or key in OPCODE:
        raise _not_native(doc, path, gate if mode in MODES else key, tuple(addressing))
    raise fail_key(doc, path, f"unknown key {key!r} in {dotted(path[:-1])}",
                   (_DURATION_KEYS_NOTE,))


def _missing_duration_at(gate: str, index: int, section: dict[str, Any]) -> JsonPath:
    """Where a gate without a duration was made native or given its modes."""
    if gate in section.get("addressing", {}):
        return (*SECTION, "addressing", gate)
    if "native" in section:
        return (*SECTION, "native", index)
    return (*SECTION, "durations_us")


def _durations(doc: JsonDocument, path: JsonPath, given: dict[str, Any],
               addressing: dict[str, tuple[str, ...]], section: dict[str, Any]) -> dict[str, float]:
    for key, value in given.items():
        _check_duration_key(doc, (*path, key), key, addressing)
        non_negative(doc, (*path, key), value)
    table: dict[str, float] = {}
    for i, (gate, modes) in enumerate(addressing.items()):
        for mode in modes:
            key = f"{gate}_{mode}"
            for source in (given, DEFAULT_DURATIONS_US):
                value = source.get(key, source.get(gate))
                if value is not None:
                    break
            else:
                raise fail(doc, _missing_duration_at(gate, i, section),
                           f"native gate {gate!r} has no duration for {mode} addressing",
                           (f"add {dotted(path)}.{key} (or {dotted(path)}.{gate} for every mode)",))
            table[key] = float(value)
    for key in PLAIN_DURATIONS:
        table[key] = float(given.get(key, DEFAULT_DURATIONS_US[key]))
    return table


def parse_gates(doc: JsonDocument) -> DeviceGates:
    """The `gates` section of a schema-valid profile document, checked, defaults filled in."""
    path = SECTION
    section: dict[str, Any] = doc.value.get("gates", {})
    native = _native(doc, (*path, "native"), section["native"]) if "native" in section else DEFAULT_NATIVE
    addressing = _addressing(doc, (*path, "addressing"), section.get("addressing", {}), native)
    durations = _durations(doc, (*path, "durations_us"), section.get("durations_us", {}), addressing, section)
    cooldowns = {**DEFAULT_COOLDOWNS_US, **section.get("cooldowns_us", {})}
    for key in section.get("cooldowns_us", {}):
        non_negative(doc, (*path, "cooldowns_us", key), cooldowns[key])
    parallel = {**DEFAULT_PARALLELISM, **section.get("parallelism", {})}
    for key in section.get("parallelism", {}):
        positive_integer(doc, (*path, "parallelism", key), parallel[key])
    return DeviceGates(
        native=native,
        addressing=MappingProxyType(addressing),
        durations_us=MappingProxyType(durations),
        rydberg_gap_us=float(cooldowns["rydberg_gap"]),
        measure_dead_time_us=float(cooldowns["measure_dead_time"]),
        max_local_1q=int(parallel["max_local_1q"]),
        max_cz_per_stage=int(parallel["max_cz_per_stage"]),
    )
