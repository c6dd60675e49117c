"""Producer (b): the routing table of a device profile's lattice."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from navm.backends.routing_table import from_device
from navm.diagnostics import NavmError
from navm.devices import load_profile, parse_profile
from navm.devices.blockade import triangles
from tests.devices.test_devices import profile_text


def test_lattice_rules_on_the_default_device():
    profile = load_profile("square-16x16")
    table = from_device(profile)
    n = len(profile.sites)
    k = np.arange(n)
    assert len(table) == n
    assert table.column("node_id").tolist() == k.tolist()
    assert table.column("site_id").tolist() == [s.id for s in profile.sites]
    assert np.array_equal(table.column("x_um"), profile.coords[:, 0])
    assert np.array_equal(table.column("y_um"), profile.coords[:, 1])
    assert np.array_equal(table.column("sigma"), 8.0 * k / n)
    np.testing.assert_allclose(table.column("j_re"), [1728 * math.cos(2 * math.pi * i / n) for i in k], atol=1e-9)
    np.testing.assert_allclose(table.column("j_im"), [1728 * math.sin(2 * math.pi * i / n) for i in k], atol=1e-9)
    assert (table.column("fidelity") == profile.noise.gate_fidelity("cz")).all()
    assert table.column("record_addr").tolist() == (128 * k).tolist()


def within(profile, a, b):
    sa, sb = profile.site(a), profile.site(b)
    return math.hypot(sa.x - sb.x, sa.y - sb.y) <= profile.blockade_radius_um * (1 + 1e-9)


@pytest.mark.parametrize("name, nodes", [("square-16x16", None), ("square-16x16", 37), ("test-small", None)])
def test_triangles_are_disjoint_blockading_and_maximal(name, nodes):
    profile = load_profile(name)
    table = from_device(profile, nodes)
    n = len(table)
    tri = table.column("triangle")
    sites = table.column("site_id")
    labels = sorted(set(tri.tolist()) - {-1})
    assert labels == list(range(len(labels))) and labels
    for t in labels:
        a, b, c = sites[tri == t].tolist()
        assert within(profile, a, b) and within(profile, b, c) and within(profile, a, c)
    # Maximal: every blockade triangle of the first n sites touches a chosen one.
    row = {s.id: i for i, s in enumerate(profile.sites)}
    for triple in triangles(profile):
        rows = [row[s] for s in triple]
        if max(rows) < n:
            assert any(tri[r] >= 0 for r in rows), triple


@pytest.mark.parametrize("name, nodes", [("square-16x16", None), ("square-16x16", 37), ("test-small", None)])
def test_neighbours_are_the_sites_within_the_blockade_radius_nearest_first(name, nodes):
    profile = load_profile(name)
    table = from_device(profile, nodes)
    xy = np.column_stack((table.column("x_um"), table.column("y_um")))
    for row in range(len(table)):
        listed = table.neighbours_of(row)
        d = np.hypot(*(xy - xy[row]).T)
        expected = [int(i) for i in np.lexsort((np.arange(len(d)), d))
                    if i != row and d[i] <= profile.blockade_radius_um * (1 + 1e-9)]
        assert listed == expected
        for other in listed:
            assert row in table.neighbours_of(other)


def test_dense_lattice_keeps_the_12_nearest():
    text = profile_text(lattice={"kind": "triangular", "rows": 7, "cols": 7, "spacing_um": 4.0},
                        blockade_radius_um=9.0)
    profile = parse_profile(text, "dense.json")
    table = from_device(profile)
    centre = 3 * 7 + 3
    xy = profile.coords
    d = np.hypot(*(xy - xy[centre]).T)
    order = [int(i) for i in np.lexsort((np.arange(len(d)), d)) if i != centre and d[i] <= 9.0 + 1e-9]
    assert len(order) == 18
    assert table.neighbours_of(centre) == order[:12]
    assert int(table.records["neighbour_count"][centre]) == 12


def test_record_base():
    table = from_device("test-small", record_base=0x4000)
    assert table.column("record_addr").tolist() == [0x4000 + 128 * k for k in range(13)]


@pytest.mark.parametrize("kwargs, message", [
    ({"nodes": 0}, "the node count (--nodes) must be between 1 and the 13 sites of device 'navm-test-small', got 0"),
    ({"nodes": 14}, "between 1 and the 13 sites"),
    ({"nodes": 2.5}, "got 2.5"),
    ({"record_base": 12}, "record base must be a word address (an int >= 0, a multiple of 8), got 12"),
    ({"record_base": -8}, "record base must be a word address"),
])
def test_bad_options(kwargs, message):
    with pytest.raises(NavmError) as info:
        from_device("test-small", **kwargs)
    assert message in info.value.message


def test_device_without_cz():
    profile = load_profile("test-small")
    channels = {k: v for k, v in profile.noise.gate_channels.items() if k != "cz"}
    no_cz = dataclasses.replace(profile, noise=dataclasses.replace(profile.noise, gate_channels=channels))
    with pytest.raises(NavmError, match="device 'navm-test-small' has no native cz gate"):
        from_device(no_cz)


def test_unknown_device():
    with pytest.raises(NavmError, match="unknown device profile 'nope'"):
        from_device("nope")
