"""Zoned architectures: the built-in reference profile, and every error a profile's `architecture` can have."""

from __future__ import annotations

import numpy as np
import pytest

from navm.devices import load_profile
from tests.devices.test_devices import assert_error, parse, profile_text

LATTICE = {"kind": "zoned", "zones": [
    {"name": "store", "kind": "square", "rows": 2, "cols": 10, "spacing_um": 3.0, "origin_um": [0.0, 0.0]},
    {"name": "left", "kind": "square", "rows": 2, "cols": 3, "spacing_um": [12.0, 10.0], "origin_um": [5.0, 20.0]},
    {"name": "right", "kind": "square", "rows": 2, "cols": 3, "spacing_um": [12.0, 10.0], "origin_um": [7.0, 20.0]},
]}
ARCH = {"storage": ["store"],
        "entanglement": [{"name": "gates", "slms": ["left", "right"], "rydberg_range_um": [[0.0, 15.0], [40.0, 35.0]]}],
        "aods": [{"rows": 10, "cols": 10, "min_spacing_um": 2.0}]}


def zoned_text(**arch) -> str:
    return profile_text(lattice=LATTICE, architecture={**ARCH, **arch}, min_spacing_um=2.0, blockade_radius_um=6.0,
                        isa_version="1.2")


def test_the_reference_architecture():
    """The published numbers (docs/devices.md): ZAC's and QMAP's reference architecture."""
    profile = load_profile("zoned")
    arch = profile.architecture
    assert profile.zoned and profile.isa_version == "1.2" and len(profile.sites) == 2000 + 2 * 140
    assert len(arch.storage) == 2000 and arch.coords[arch.storage[-1]].tolist() == [297.0, 57.0]
    (zone,) = arch.zones
    assert (zone.rows, zone.cols) == (7, 20)
    assert arch.coords[zone.left[0]].tolist() == [35.0, 67.0] and arch.coords[zone.right[0]].tolist() == [37.0, 67.0]
    assert arch.coords[zone.left[21]].tolist() == [47.0, 77.0]  # 12 µm in x, 10 µm in y
    assert zone.laser == ((30.0, 62.0), (270.0, 132.0))
    assert arch.aods[0].rows == arch.aods[0].cols == 100 and arch.aods[0].min_spacing_um == 2.0
    assert arch.move_duration_us(110.0) == pytest.approx(np.sqrt(110.0 / 0.00275))
    assert (arch.transfer_us, arch.transfer_fidelity) == (15.0, 0.999)
    assert profile.gates.duration("cz") == 0.36 and profile.gates.duration("u3") == 52.0
    assert profile.noise.gate_fidelity("cz") == 0.995 and profile.noise.gate_fidelity("u3") == pytest.approx(0.9997)
    assert profile.noise.idle.t2_us == 1.5e6
    assert arch.gate_site_of[int(zone.right[5])] == (0, 5, 1)
    assert not arch.in_laser(arch.coords[arch.storage, 0], arch.coords[arch.storage, 1]).any()


def test_a_small_zoned_profile_parses():
    arch = parse(zoned_text()).architecture
    assert len(arch.storage) == 20 and arch.zones[0].left.tolist() == [20, 21, 22, 23, 24, 25]


@pytest.mark.parametrize("change, message, needle", [
    ({"storage": ["stor"]}, "no lattice zone is named 'stor' (zones: left, right, store)", '"stor"'),
    ({"entanglement": [{"name": "g", "slms": ["left", "nope"], "rydberg_range_um": [[0, 15], [40, 35]]}]},
     "no lattice zone is named 'nope' (zones: left, right, store)", '"nope"'),
    ({"entanglement": [{"name": "g", "slms": ["left", "right"], "rydberg_range_um": [[0, 15], [20, 35]]}]},
     "gate zone 'g' has traps outside its Rydberg laser", "[[0, 15], [20, 35]]"),
    ({"entanglement": [{"name": "g", "slms": ["left", "right"], "rydberg_range_um": [[0, 0], [40, 35]]}]},
     "storage trap 0 is inside a Rydberg laser: storage must keep idle atoms out of the pulses", '["store"]'),
    ({"entanglement": [{"name": "g", "slms": ["left", "right"], "rydberg_range_um": [[40, 15], [0, 35]]}]},
     "rydberg_range_um is [[x_min, y_min], [x_max, y_max]] with x_min < x_max and y_min < y_max",
     "[[40, 15], [0, 35]]"),
])
def test_architecture_errors_point_at_the_value(tmp_path, change, message, needle):
    assert_error(tmp_path, zoned_text(**change), message, needle)


def test_gate_zone_arrays_must_match(tmp_path):
    lattice = {**LATTICE, "zones": [*LATTICE["zones"][:2], {**LATTICE["zones"][2], "cols": 2}]}
    text = profile_text(lattice=lattice, architecture=ARCH, min_spacing_um=2.0, blockade_radius_um=6.0,
                        isa_version="1.2")
    assert_error(tmp_path, text, "the two trap arrays of a gate zone must have as many traps: 6 and 4",
                 '["left", "right"]')


def test_a_spacing_pair_is_for_square_grids_only(tmp_path):
    text = profile_text(lattice={"kind": "triangular", "rows": 2, "cols": 2, "spacing_um": [5.0, 6.0]})
    assert_error(tmp_path, text, "a triangular lattice has one spacing; [x pitch, y pitch] is for square "
                                 "(rectangular) grids", "[5.0, 6.0]")
