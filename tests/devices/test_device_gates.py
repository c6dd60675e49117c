"""The `gates` section of device profiles: defaults, merging, lookups and every validation error."""

from __future__ import annotations

import pytest

from navm.diagnostics import NavmError
from navm.devices import load_profile
from navm.devices.gates import DEFAULT_DURATIONS_US
from tests.devices.test_devices import assert_parse_error, at, parse, profile_text

NATIVE_NOTE = ("native gates: cz, r, rz",)


def gates_of(**section):
    return parse(profile_text(gates=section)).gates


# ---------------------------------------------------------------- defaults


def test_defaults_without_a_gates_section():
    g = parse(profile_text()).gates
    assert g.native == ("cz", "r", "rz")
    assert dict(g.addressing) == {"cz": ("global",), "r": ("global", "local"), "rz": ("local",)}
    assert dict(g.durations_us) == {"cz_global": 0.25, "r_global": 0.5, "r_local": 1.0, "rz_local": 0.2,
                                    "measure": 500.0, "reset": 50.0}
    assert (g.rydberg_gap_us, g.measure_dead_time_us) == (0.5, 200.0)
    assert (g.max_local_1q, g.max_cz_per_stage) == (10, 64)


def test_the_default_profile_spells_out_the_format_defaults():
    assert load_profile("square-16x16").gates == parse(profile_text()).gates


def test_test_small_round_numbers():
    g = load_profile("test-small").gates
    assert dict(g.durations_us) == {"cz_global": 1.0, "r_global": 1.0, "r_local": 2.0, "rz_local": 1.0,
                                    "measure": 10.0, "reset": 5.0}
    assert (g.rydberg_gap_us, g.measure_dead_time_us, g.max_local_1q, g.max_cz_per_stage) == (1.0, 10.0, 2, 2)


def test_duration_lookup():
    g = parse(profile_text()).gates
    assert g.duration("cz") == 0.25
    assert g.duration("r") == 0.5  # the preferred (first) mode: global
    assert g.duration("r", "local") == 1.0
    assert (g.duration("measure"), g.duration("reset")) == (500.0, 50.0)
    assert g.mode("r") == "global" and g.mode("rz") == "local"
    assert g.is_native("rz") and not g.is_native("h")
    with pytest.raises(KeyError, match=r"'h' is not a native gate of this device \(native: cz, r, rz\)"):
        g.duration("h")
    with pytest.raises(KeyError, match=r"gate 'rz' has no global addressing on this device \(its addressing: local\)"):
        g.duration("rz", "global")


def test_given_keys_replace_defaults_key_by_key():
    g = gates_of(durations_us={"cz": 0.3, "measure": 1000.0}, cooldowns_us={"rydberg_gap": 2.0},
                 parallelism={"max_cz_per_stage": 8})
    assert dict(g.durations_us) == {"cz_global": 0.3, "r_global": 0.5, "r_local": 1.0, "rz_local": 0.2,
                                    "measure": 1000.0, "reset": 50.0}
    assert (g.rydberg_gap_us, g.measure_dead_time_us, g.max_local_1q, g.max_cz_per_stage) == (2.0, 200.0, 10, 8)


def test_a_plain_key_times_every_mode_and_a_mode_key_wins():
    g = gates_of(durations_us={"r": 0.7})
    assert (g.duration("r", "global"), g.duration("r", "local")) == (0.7, 0.7)
    g = gates_of(durations_us={"r": 0.7, "r_local": 2.5})
    assert (g.duration("r", "global"), g.duration("r", "local")) == (0.7, 2.5)


def test_addressing_as_a_string_or_a_list():
    g = gates_of(addressing={"r": "local", "cz": ["local", "global"]})
    assert dict(g.addressing) == {"cz": ("local", "global"), "r": ("local",), "rz": ("local",)}
    assert g.duration("cz") == g.duration("cz", "global") == 0.25  # the plain default `cz` times both
    assert "r_global" not in g.durations_us  # defaults for modes the gate lost are dropped


def test_another_native_gate_set():
    dev = parse(profile_text(
        gates={"native": ["cx", "h", "rz"], "durations_us": {"cx": 0.4, "h_local": 0.3}},
        noise={"gate_pauli": {"cx": {"depolarize2": 0.01}, "h": {"depolarize": 0.001}}},
    ))
    g = dev.gates
    assert g.native == ("cx", "h", "rz")
    assert dict(g.addressing) == {"cx": ("local",), "h": ("local",), "rz": ("local",)}  # unlisted: local
    assert dict(g.durations_us) == {"cx_local": 0.4, "h_local": 0.3, "rz_local": 0.2,
                                    "measure": 500.0, "reset": 50.0}
    assert sorted(dev.noise.gate_channels) == ["cx", "h", "rz"]


def test_zero_duration_is_allowed():
    assert gates_of(durations_us={"rz_local": 0}).duration("rz") == 0.0  # a virtual Z


def test_format_default_table_is_complete_for_the_default_gates():
    assert set(DEFAULT_DURATIONS_US) == {"r_global", "r_local", "rz_local", "cz", "measure", "reset"}


# ---------------------------------------------------------------- errors


def test_unknown_native_gate():
    text = profile_text(gates={"native": ["cz", "cs"]})
    assert_parse_error(text, "unknown native gate 'cs'", '"cs"', notes=(
        "did you mean 's'?",
        "navm gates that can be native: h, x, y, z, s, sdg, t, tdg, rx, ry, rz, r, cz, cx, swap, u3",
    ))


@pytest.mark.parametrize(("name", "what"), [
    ("qft", "a macro"), ("measure", "a measurement"), ("reset", "a reset"),
    ("barrier", "a barrier"), ("depolarize", "a noise channel"),
])
def test_native_row_that_is_not_a_gate(name, what):
    text = profile_text(gates={"native": ["cz", name]})
    assert_parse_error(text, f"{name!r} cannot be a native gate: it is {what}, not a gate", f'"{name}"')


def test_native_gate_listed_twice():
    text = profile_text(gates={"native": ["cz", "r", "cz"]})
    err = assert_parse_error(text, "native gate 'cz' is listed twice", '"cz"', 1)
    line, col = at(text, '"cz"')
    assert err.notes == (f"first listed at dev.json:{line}:{col}",)


def test_empty_native_list_is_a_schema_error():
    text = profile_text(gates={"native": []})
    with pytest.raises(NavmError) as info:
        parse(text)
    assert info.value.message == "invalid device profile: /gates/native: [] should be non-empty"


def test_unknown_addressing_mode():
    text = profile_text(gates={"addressing": {"r": "laser"}})
    assert_parse_error(text, "unknown addressing mode 'laser' for gate 'r'; modes: global, local", '"laser"')


def test_unknown_addressing_mode_in_a_list():
    text = profile_text(gates={"addressing": {"r": ["global", "beam"]}})
    assert_parse_error(text, "unknown addressing mode 'beam' for gate 'r'; modes: global, local", '"beam"')


def test_addressing_mode_listed_twice():
    text = profile_text(gates={"addressing": {"r": ["local", "local"]}})
    assert_parse_error(text, "addressing mode 'local' is listed twice for gate 'r'", '"local"', 1)


def test_addressing_a_gate_that_is_not_native():
    text = profile_text(gates={"addressing": {"h": "local"}})
    assert_parse_error(text, "gates.addressing names gate 'h', which is not native", '"h"', notes=NATIVE_NOTE)


def test_addressing_of_the_wrong_type():
    text = profile_text(gates={"addressing": {"r": 3}})
    assert_parse_error(text, "invalid device profile: /gates/addressing/r: expected a string or an array, got 3",
                       '3}')


@pytest.mark.parametrize(("key", "value"), [("cz", -0.25), ("measure", -1), ("r_local", 1e400)])
def test_negative_or_infinite_duration(key, value):
    text = profile_text(gates={"durations_us": {key: value}}).replace("Infinity", "1e400")
    shown = "inf" if value == 1e400 else value
    assert_parse_error(text, f"gates.durations_us.{key} must be a non-negative number, got {shown}",
                       f'"{key}": ', shift=len(key) + 4)


def test_duration_for_a_mode_the_gate_lacks():
    text = profile_text(gates={"durations_us": {"rz_global": 1.0}})
    assert_parse_error(text, "gates.durations_us.rz_global: gate 'rz' has no global addressing "
                             "(its addressing: local)", '"rz_global"')


@pytest.mark.parametrize("key", ["h_local", "h", "cx_global"])
def test_duration_for_a_gate_that_is_not_native(key):
    gate = key.split("_")[0]
    text = profile_text(gates={"durations_us": {key: 1.0}})
    assert_parse_error(text, f"gates.durations_us names gate {gate!r}, which is not native", f'"{key}"',
                       notes=NATIVE_NOTE)


def test_unknown_duration_key():
    text = profile_text(gates={"durations_us": {"cz_fast": 1.0}})
    assert_parse_error(text, "unknown key 'cz_fast' in gates.durations_us", '"cz_fast"', notes=(
        "keys are a native gate (`cz`), a gate and mode (`r_global`, `r_local`), `measure` or `reset`",))


def test_native_gate_without_a_duration():
    text = profile_text(gates={"native": ["cz", "r", "rz", "h"]})
    assert_parse_error(text, "native gate 'h' has no duration for local addressing", '"h"', notes=(
        "add gates.durations_us.h_local (or gates.durations_us.h for every mode)",))


def test_new_mode_without_a_duration_points_at_the_addressing():
    text = profile_text(gates={"addressing": {"rz": ["local", "global"]}})
    assert_parse_error(text, "native gate 'rz' has no duration for global addressing", '["local", "global"]',
                       notes=("add gates.durations_us.rz_global (or gates.durations_us.rz for every mode)",))


@pytest.mark.parametrize("key", ["rydberg_gap", "measure_dead_time"])
def test_negative_cooldown(key):
    text = profile_text(gates={"cooldowns_us": {key: -0.5}})
    assert_parse_error(text, f"gates.cooldowns_us.{key} must be a non-negative number, got -0.5", "-0.5")


@pytest.mark.parametrize("key", ["max_local_1q", "max_cz_per_stage"])
def test_parallelism_must_be_positive(key):
    text = profile_text(gates={"parallelism": {key: 0}})
    assert_parse_error(text, f"gates.parallelism.{key} must be a positive integer, got 0", f'"{key}": 0',
                       shift=len(key) + 4)


def test_parallelism_must_be_an_integer():
    text = profile_text(gates={"parallelism": {"max_local_1q": 1.5}})
    assert_parse_error(text, "invalid device profile: /gates/parallelism/max_local_1q: expected an integer, "
                             "got 1.5", "1.5")


def test_unknown_key_in_gates():
    text = profile_text(gates={"durations": {}})
    assert_parse_error(text, 'invalid device profile: /gates: unknown field "durations"', '"durations"', notes=(
        "did you mean 'durations_us'?",
        "allowed fields here: addressing, cooldowns_us, durations_us, native, parallelism",
    ))
