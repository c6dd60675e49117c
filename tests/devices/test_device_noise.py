"""The `noise` section of device profiles: defaults, the idle formulas, fidelities and every validation error."""

from __future__ import annotations

import math

import pytest

from navm.devices import load_profile
from navm.devices.noise import GateChannel, IdleNoise
from tests.devices.test_devices import assert_parse_error, parse, profile_text

NATIVE_NOTE = ("native gates: cz, r, rz",)


def noise_of(**section):
    return parse(profile_text(noise=section)).noise


def compose(p: tuple[float, float, float], q: tuple[float, float, float]) -> tuple[float, float, float]:
    """The Pauli channel p followed by q (a Pauli error survives if exactly one side applies it)."""
    (px, py, pz), (qx, qy, qz) = p, q
    pi, qi = 1 - px - py - pz, 1 - qx - qy - qz
    return (px * qi + qx * pi + py * qz + pz * qy,
            py * qi + qy * pi + px * qz + pz * qx,
            pz * qi + qz * pi + px * qy + py * qx)


# ---------------------------------------------------------------- defaults


def test_defaults_without_a_noise_section():
    n = parse(profile_text()).noise
    assert dict(n.gate_channels) == {
        "cz": GateChannel("depolarize2", (0.005,)),
        "r": GateChannel("depolarize", (0.0003,)),
        "rz": GateChannel("pauli", (0.0, 0.0, 0.001)),
    }
    assert n.unpaired_rydberg_error == 0.0025 and n.unpaired_rydberg_pauli == (0.0, 0.0, 0.0025)
    assert n.idle == IdleNoise(t1_us=4.0e6, t2_us=1.5e6)
    assert (n.spam.prep_error, n.spam.readout_false_positive, n.spam.readout_false_negative) == (0.001, 0.002, 0.005)
    assert (dict(n.loss_per_gate), n.loss_per_us_idle) == ({}, 1e-7)


def test_the_default_profile_spells_out_the_format_defaults():
    assert load_profile("square-16x16").noise == parse(profile_text()).noise


def test_default_fidelities_are_the_published_figures():
    n = load_profile("square-16x16").noise
    assert n.gate_fidelity("cz") == pytest.approx(0.995, abs=1e-15)
    assert n.gate_fidelity("r") == pytest.approx(0.9997, abs=1e-15)
    assert n.gate_fidelity("rz") == pytest.approx(0.999, abs=1e-15)


def test_gate_pauli_of_each_channel():
    n = load_profile("test-small").noise
    assert n.gate_pauli("r") == pytest.approx((0.001, 0.001, 0.001))
    assert n.gate_pauli("rz") == (0.0, 0.0, 0.001)
    two = n.gate_pauli("cz")
    assert len(two) == 15 and two == pytest.approx((0.001,) * 15)
    assert n.gate_fidelity("cz") == pytest.approx(0.985)
    with pytest.raises(KeyError, match="'h' is not a native gate of this device"):
        n.gate_pauli("h")


def test_test_small_round_numbers():
    n = load_profile("test-small").noise
    assert n.idle == IdleNoise(t1_us=1000.0, t2_us=1000.0)
    assert (n.spam.prep_error, n.spam.readout_false_positive, n.spam.readout_false_negative) == (0.01, 0.01, 0.02)
    assert (n.unpaired_rydberg_error, n.gate_loss("cz"), n.gate_loss("r"), n.loss_per_us_idle) == (
        0.001, 0.01, 0.0, 0.0001)


def test_given_keys_replace_defaults_key_by_key():
    n = noise_of(gate_pauli={"cz": {"depolarize2": 0.01}}, spam={"prep_error": 0.0})
    assert n.gate_channel("cz") == GateChannel("depolarize2", (0.01,))
    assert n.gate_channel("r") == GateChannel("depolarize", (0.0003,))
    assert (n.spam.prep_error, n.spam.readout_false_negative) == (0.0, 0.005)


# ---------------------------------------------------------------- idle formulas


def test_idle_from_t1_t2_hand_computed():
    idle = IdleNoise(t1_us=1000.0, t2_us=500.0)
    px, py, pz = idle.pauli(1000.0)
    # px = (1 - e^-1)/4, pz = (1 - e^-2)/2 - px
    assert (px, py, pz) == pytest.approx((0.1580301397, 0.1580301397, 0.2743022187), abs=1e-10)


def test_idle_test_small_values():
    n = load_profile("test-small").noise
    p = (1 - math.exp(-0.1)) / 4
    assert n.idle_pauli(100.0) == pytest.approx((p, p, p), rel=1e-14)  # T1 = T2: pz = 2p - p


def test_idle_default_one_millisecond():
    px, py, pz = load_profile("square-16x16").noise.idle_pauli(1000.0)
    assert px == py == pytest.approx((1 - math.exp(-1000 / 4e6)) / 4, rel=1e-14)
    assert pz == pytest.approx((1 - math.exp(-1000 / 1.5e6)) / 2 - px, rel=1e-12)
    assert (px, pz) == pytest.approx((6.2492e-5, 2.7073e-4), rel=1e-4)


def test_idle_limits():
    idle = IdleNoise(t1_us=10.0, t2_us=20.0)  # T2 = 2 T1 exactly: pz = (1 - e^(-t/2T1))^2 / 4
    assert idle.pauli(0.0) == (0.0, 0.0, 0.0)
    _, _, pz = idle.pauli(3.0)
    assert pz >= 0 and pz == pytest.approx((1 - math.exp(-0.15)) ** 2 / 4, rel=1e-9)
    assert idle.pauli(1e9) == pytest.approx((0.25, 0.25, 0.25))  # fully mixed
    with pytest.raises(ValueError, match="idle time must be a finite number of µs >= 0, got -1"):
        idle.pauli(-1)


def test_idle_from_rates_single_axis():
    px, py, pz = IdleNoise(rate_per_us=(0.001, 0.0, 0.0)).pauli(1.0)
    assert (px, py, pz) == pytest.approx(((1 - math.exp(-0.002)) / 2, 0.0, 0.0), rel=1e-12, abs=1e-18)


def test_idle_from_rates_small_time_is_the_rates():
    rates = (1e-6, 2e-6, 3e-6)
    got = IdleNoise(rate_per_us=rates).pauli(1.0)
    assert got == pytest.approx(rates, rel=1e-5)


def test_idle_from_rates_composes_exactly():
    idle = IdleNoise(rate_per_us=(0.001, 0.002, 0.003))
    assert compose(idle.pauli(50.0), idle.pauli(70.0)) == pytest.approx(idle.pauli(120.0), rel=1e-12)


def test_idle_from_t1_t2_composes_exactly():
    idle = IdleNoise(t1_us=300.0, t2_us=200.0)
    assert compose(idle.pauli(40.0), idle.pauli(60.0)) == pytest.approx(idle.pauli(100.0), rel=1e-12)


def test_idle_rates_in_a_profile():
    n = noise_of(idle={"rate_per_us": [0.0, 0.0, 0.5]})
    assert n.idle == IdleNoise(rate_per_us=(0.0, 0.0, 0.5))
    assert n.idle_pauli(1.0) == pytest.approx((0.0, 0.0, (1 - math.exp(-1.0)) / 2), abs=1e-15)


def test_t2_equal_to_twice_t1_is_allowed():
    assert noise_of(idle={"t1_us": 100, "t2_us": 200}).idle == IdleNoise(t1_us=100.0, t2_us=200.0)


def test_idle_loss():
    n = load_profile("test-small").noise
    assert n.idle_loss(0.0) == 0.0
    assert n.idle_loss(1000.0) == pytest.approx(1 - math.exp(-0.1), rel=1e-14)
    with pytest.raises(ValueError):
        n.idle_loss(math.inf)


def test_defaults_of_gates_that_are_not_native_are_dropped():
    n = parse(profile_text(gates={"native": ["cz", "r"]})).noise
    assert sorted(n.gate_channels) == ["cz", "r"]


# ---------------------------------------------------------------- errors


def test_pauli_sum_above_one():
    text = profile_text(noise={"gate_pauli": {"r": {"pauli": [0.5, 0.4, 0.2]}}})
    assert_parse_error(text, "noise.gate_pauli.r.pauli: px + py + pz = 1.1 exceeds 1", "[0.5")


@pytest.mark.parametrize(("values", "index", "bad"), [([0.1, -0.2, 0.0], 1, -0.2), ([0.0, 0.0, 1.5], 2, 1.5)])
def test_pauli_entry_outside_zero_one(values, index, bad):
    text = profile_text(noise={"gate_pauli": {"rz": {"pauli": values}}})
    assert_parse_error(text, f"noise.gate_pauli.rz.pauli[{index}] must be a probability in [0, 1], got {bad}",
                       str(bad))


@pytest.mark.parametrize(("gate", "channel"), [("r", "depolarize"), ("cz", "depolarize2")])
def test_depolarizing_probability_outside_zero_one(gate, channel):
    text = profile_text(noise={"gate_pauli": {gate: {channel: 1.25}}})
    assert_parse_error(text, f"noise.gate_pauli.{gate}.{channel} must be a probability in [0, 1], got 1.25", "1.25")


def test_two_qubit_channel_on_a_one_qubit_gate():
    text = profile_text(noise={"gate_pauli": {"r": {"depolarize2": 0.01}}})
    assert_parse_error(text, "noise.gate_pauli.r: depolarize2 does not fit 'r', a 1-qubit gate",
                       '"depolarize2"', notes=("use pauli or depolarize",))


def test_one_qubit_channel_on_a_two_qubit_gate():
    text = profile_text(noise={"gate_pauli": {"cz": {"pauli": [0.0, 0.0, 0.01]}}})
    assert_parse_error(text, "noise.gate_pauli.cz: pauli does not fit 'cz', a 2-qubit gate", '"pauli"',
                       notes=("use depolarize2",))


@pytest.mark.parametrize(("spec", "count"), [({}, 0), ({"depolarize": 0.1, "pauli": [0, 0, 0]}, 2)])
def test_gate_needs_exactly_one_channel(spec, count):
    text = profile_text(noise={"gate_pauli": {"r": spec}})
    assert_parse_error(text, f"noise.gate_pauli.r must give exactly one channel, got {count}", '"r": ', shift=5,
                       notes=("for a 1-qubit gate: pauli or depolarize",))


def test_error_rates_for_a_gate_that_is_not_native():
    text = profile_text(noise={"gate_pauli": {"h": {"depolarize": 0.001}}})
    assert_parse_error(text, "noise.gate_pauli names gate 'h', which is not native", '"h"', notes=NATIVE_NOTE)


def test_native_gate_without_error_rates():
    text = profile_text(gates={"native": ["cz", "r", "rz", "h"], "durations_us": {"h": 0.1}})
    assert_parse_error(text, "native gate 'h' has no error rates", '"h"', notes=("add noise.gate_pauli.h",))


def test_unknown_channel_is_a_schema_error():
    text = profile_text(noise={"gate_pauli": {"r": {"dephase": 0.1}}})
    assert_parse_error(text, 'invalid device profile: /noise/gate_pauli/r: unknown field "dephase"', '"dephase"',
                       notes=("allowed fields here: depolarize, depolarize2, pauli",))


def test_t2_above_twice_t1():
    text = profile_text(noise={"idle": {"t1_us": 100, "t2_us": 300}})
    assert_parse_error(text, "noise.idle.t2_us (300) exceeds 2 × t1_us (200); no qubit dephases slower than "
                             "T2 = 2·T1", "300")


@pytest.mark.parametrize("key", ["t1_us", "t2_us"])
def test_non_positive_coherence_time(key):
    idle = {"t1_us": 100, "t2_us": 100, key: 0}
    text = profile_text(noise={"idle": idle})
    assert_parse_error(text, f"noise.idle.{key} must be a positive number, got 0", f'"{key}": 0', shift=len(key) + 4)


def test_idle_needs_both_times():
    text = profile_text(noise={"idle": {"t1_us": 100}})
    assert_parse_error(text, "noise.idle needs t2_us (or rate_per_us instead)", '{"t1_us"')


def test_idle_times_and_rates_together():
    text = profile_text(noise={"idle": {"rate_per_us": [0, 0, 0], "t2_us": 100}})
    assert_parse_error(text, "noise.idle: give t1_us and t2_us, or rate_per_us, not both", '"t2_us"')


def test_negative_idle_rate():
    text = profile_text(noise={"idle": {"rate_per_us": [0, -1e-6, 0]}})
    assert_parse_error(text, "noise.idle.rate_per_us[1] must be a non-negative number, got -1e-06", "-1e-06")


@pytest.mark.parametrize("key", ["prep_error", "readout_false_positive", "readout_false_negative"])
def test_spam_probability_outside_zero_one(key):
    text = profile_text(noise={"spam": {key: 1.5}})
    assert_parse_error(text, f"noise.spam.{key} must be a probability in [0, 1], got 1.5", "1.5")


def test_unpaired_rydberg_error_outside_zero_one():
    text = profile_text(noise={"unpaired_rydberg_error": -0.1})
    assert_parse_error(text, "noise.unpaired_rydberg_error must be a probability in [0, 1], got -0.1", "-0.1")


def test_gate_loss_outside_zero_one():
    text = profile_text(noise={"loss": {"per_gate": {"cz": 2}}})
    assert_parse_error(text, "noise.loss.per_gate.cz must be a probability in [0, 1], got 2", "2}")


def test_gate_loss_for_a_gate_that_is_not_native():
    text = profile_text(noise={"loss": {"per_gate": {"h": 0.1}}})
    assert_parse_error(text, "noise.loss.per_gate names gate 'h', which is not native", '"h"', notes=NATIVE_NOTE)


def test_negative_idle_loss_rate():
    text = profile_text(noise={"loss": {"per_us_idle": -1e-7}})
    assert_parse_error(text, "noise.loss.per_us_idle must be a non-negative number, got -1e-07", "-1e-07")


def test_pauli_triple_of_the_wrong_length():
    text = profile_text(noise={"gate_pauli": {"r": {"pauli": [0.1, 0.1]}}})
    assert_parse_error(text, "invalid device profile: /noise/gate_pauli/r/pauli: [0.1, 0.1] is too short",
                       "[0.1", notes=("three numbers for the Pauli X, Y and Z errors: [px, py, pz]",))
