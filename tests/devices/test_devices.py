"""Device profiles: lattice generators, lookups, built-ins, and every validation error."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

from navm.diagnostics import NavmError
from navm.devices import (
    DeviceProfile,
    Site,
    builtin_profiles,
    load_profile,
    parse_profile,
)
from navm.devices.lattices import (
    first_close_pair,
    first_duplicate,
    honeycomb_sites,
    square_sites,
    triangular_sites,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "devices.md"
R3 = math.sqrt(3.0)


def profile_text(**overrides) -> str:
    """A valid profile, one key per line, with `overrides` replacing (None: removing) keys."""
    doc = {
        "name": "t",
        "isa_version": "1.1",
        "lattice": {"kind": "square", "rows": 2, "cols": 3, "spacing_um": 5.0},
        "blockade_radius_um": 7.5,
        "min_spacing_um": 4.0,
    }
    doc.update(overrides)
    doc = {k: v for k, v in doc.items() if v is not None}
    return "{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in doc.items()) + "\n}\n"


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column where the `nth` occurrence of `needle` starts."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def load_error(tmp_path: Path, text: str) -> tuple[NavmError, str]:
    path = tmp_path / "dev.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NavmError) as info:
        load_profile(str(path))
    return info.value, str(path)


def assert_error(tmp_path: Path, text: str, message: str, needle: str, nth: int = 0, shift: int = 0) -> NavmError:
    """The error has exactly `message` and points `shift` columns after the `nth` `needle`."""
    err, path = load_error(tmp_path, text)
    line, column = at(text, needle, nth)
    column += shift
    assert (err.message, err.loc.file, err.loc.line, err.loc.column) == (message, path, line, column)
    return err


def parse(text: str) -> DeviceProfile:
    return parse_profile(text, "<test>")


def assert_parse_error(text: str, message: str, needle: str, nth: int = 0, shift: int = 0,
                       notes: tuple[str, ...] | None = None) -> NavmError:
    """Like `assert_error`, for text parsed in memory as "dev.json"; checks `notes` when given."""
    with pytest.raises(NavmError) as info:
        parse_profile(text, "dev.json")
    err = info.value
    line, column = at(text, needle, nth)
    assert (err.message, err.loc.file, err.loc.line, err.loc.column) == (message, "dev.json", line, column + shift)
    if notes is not None:
        assert err.notes == notes
    return err


# ---------------------------------------------------------------- generators


def test_square_generator_row_major_from_origin():
    assert square_sites(2, 3, 5.0, (1.0, 2.0)).tolist() == [
        [1.0, 2.0], [6.0, 2.0], [11.0, 2.0],
        [1.0, 7.0], [6.0, 7.0], [11.0, 7.0],
    ]


def test_triangular_generator_shifts_odd_rows():
    assert triangular_sites(3, 2, 2.0).tolist() == [
        [0.0, 0.0], [2.0, 0.0],
        [1.0, R3], [3.0, R3],
        [0.0, 2 * R3], [2.0, 2 * R3],
    ]


def test_honeycomb_generator_zigzag_rows():
    assert honeycomb_sites(2, 3, 2.0).tolist() == [
        [0.0, 0.0], [R3, 1.0], [2 * R3, 0.0],
        [0.0, 4.0], [R3, 3.0], [2 * R3, 4.0],
    ]


@pytest.mark.parametrize(("generator", "neighbours"), [
    (square_sites, 4), (triangular_sites, 6), (honeycomb_sites, 3),
])
def test_interior_sites_have_the_lattice_coordination(generator, neighbours):
    pts = generator(8, 8, 3.0, (0.0, 0.0))
    d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    assert d.min() == pytest.approx(3.0)
    counts = (np.abs(d - 3.0) < 1e-9).sum(axis=1)
    assert counts.max() == neighbours
    interior = 4 * 8 + 4  # row 4, col 4
    assert counts[interior] == neighbours


@pytest.mark.parametrize("kind", ["square", "triangular", "honeycomb"])
def test_generator_profile_counts_and_ids(kind):
    dev = parse(profile_text(lattice={"kind": kind, "rows": 4, "cols": 5, "spacing_um": 5.0,
                                      "origin_um": [10.0, -3.0]}))
    assert len(dev.sites) == 20
    assert [s.id for s in dev.sites] == list(range(20))
    assert (dev.sites[0].x, dev.sites[0].y) == (10.0, -3.0)
    assert all(s.zone is None and s.min_isa == "1.0" for s in dev.sites)


def test_zoned_numbers_zone_by_zone_in_listed_order():
    dev = parse(profile_text(lattice={"kind": "zoned", "zones": [
        {"name": "b", "kind": "square", "rows": 1, "cols": 2, "spacing_um": 5.0, "origin_um": [0.0, 50.0],
         "min_isa": "1.1"},
        {"name": "a", "kind": "triangular", "rows": 2, "cols": 2, "spacing_um": 6.0, "origin_um": [0.0, 0.0]},
    ]}))
    assert [(s.id, s.zone, s.min_isa) for s in dev.sites] == [
        (0, "b", "1.1"), (1, "b", "1.1"), (2, "a", "1.0"), (3, "a", "1.0"), (4, "a", "1.0"), (5, "a", "1.0"),
    ]
    np.testing.assert_allclose(dev.coords, [
        (0.0, 50.0), (5.0, 50.0), (0.0, 0.0), (6.0, 0.0), (3.0, 3 * R3), (9.0, 3 * R3),
    ], rtol=0, atol=1e-12)


def test_listed_sites_keep_their_ids_sorted():
    dev = parse(profile_text(lattice={"kind": "listed", "sites": [
        {"id": 7, "x": 0.0, "y": 10.0, "zone": "storage", "min_isa": "1.1"},
        {"id": 2, "x": 0.0, "y": 0.0},
    ]}))
    assert dev.sites == (Site(2, 0.0, 0.0, None, "1.0"), Site(7, 0.0, 10.0, "storage", "1.1"))
    assert dev.site(7).zone == "storage"
    assert dev.coords.tolist() == [[0.0, 0.0], [0.0, 10.0]]


def brute_first_close_pair(xy: np.ndarray, limit: float):
    for j in range(len(xy)):
        for i in range(j):
            if math.hypot(*(xy[i] - xy[j])) < limit:
                return i, j
    return None


@pytest.mark.parametrize("seed", range(20))
def test_first_close_pair_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 120))
    xy = rng.uniform(-40.0, 40.0, size=(n, 2))
    if seed % 3 == 0:
        xy[n // 2] = xy[n // 3]  # exact duplicates land in one cell
    limit = float(rng.uniform(0.5, 6.0))
    assert first_close_pair(xy, limit) == brute_first_close_pair(xy, limit)


def test_first_duplicate_is_the_earliest_repeat():
    assert first_duplicate(np.array([4, 9, 1, 9, 4])) == (1, 3)
    assert first_duplicate(np.array([0, 2, 7])) is None


# ---------------------------------------------------------------- lookups


@pytest.fixture(scope="module")
def default() -> DeviceProfile:
    return load_profile("square-16x16")


def test_site_by_id(default):
    assert default.site(17) == Site(17, 5.0, 5.0, None, "1.0")
    with pytest.raises(KeyError, match="has no site 256"):
        default.site(256)


def test_site_at_within_and_outside_tolerance(default):
    assert default.site_at(5.0, 5.0).id == 17
    assert default.site_at(5.006, 4.994).id == 17  # 0.0085 µm away
    assert default.site_at(5.0, 5.01).id == 17  # exactly on the tolerance
    assert default.site_at(5.0, 5.011) is None
    assert default.site_at(2.5, 2.5) is None
    assert default.site_at(-0.005, 0.0).id == 0
    assert default.site_at(75.0, 75.0).id == 255
    assert default.site_at(80.0, 75.0) is None
    assert default.site_at(math.nan, 0.0) is None
    assert default.site_at(1e308, 0.0) is None and default.site_at(-1e308, 1e308) is None
    fine = parse(profile_text(min_spacing_um=0.1))  # pitch < 1 µm: 1.7e308 / pitch overflows
    assert fine.site_at(1.7e308, 0.0) is None


def test_nearest_sites_sorted_with_ties_by_id(default):
    got = default.nearest_sites(7.0, 5.0, k=2)
    assert [(s.id, d) for s, d in got] == [(17, 2.0), (18, 3.0)]
    tie = default.nearest_sites(2.5, 2.5, k=4)  # four sites at the same distance
    assert [s.id for s, _ in tie] == [0, 1, 16, 17]
    assert [d for _, d in tie] == pytest.approx([2.5 * math.sqrt(2)] * 4)
    assert default.nearest_sites(0.0, 0.0, k=0) == []
    everything = default.nearest_sites(0.0, 0.0, k=1000)
    assert len(everything) == 256 and everything[0] == (default.site(0), 0.0)


def test_coords_in_id_order_and_read_only(default):
    c = default.coords
    assert c.shape == (256, 2) and c.dtype == np.float64
    assert c[17].tolist() == [5.0, 5.0]
    assert default.coords is c
    with pytest.raises(ValueError):
        c[0, 0] = 1.0


# ---------------------------------------------------------------- built-ins


def test_builtin_names():
    assert builtin_profiles() == ["square-16x16", "test-small", "zoned"]


def test_default_profile(default):
    assert (default.name, default.isa_version, default.source) == ("navm-square-16x16", "1.1", "builtin:square-16x16")
    assert (default.blockade_radius_um, default.min_spacing_um, default.coordinate_tolerance_um) == (7.5, 4.0, 0.01)
    assert (default.restriction_factor, default.restriction_radius_um) == (2.0, 15.0)
    assert len(default.sites) == 256
    assert default.site(255) == Site(255, 75.0, 75.0, None, "1.0")
    assert load_profile("builtin:square-16x16") is default


def test_test_small_profile():
    dev = load_profile("test-small")
    assert dev.source == "builtin:test-small"
    assert [s.id for s in dev.sites if s.zone == "entangling"] == list(range(9))
    storage = [s for s in dev.sites if s.zone == "storage"]
    assert [(s.id, s.x, s.y, s.min_isa) for s in storage] == [
        (9, 0.0, 30.0, "1.1"), (10, 5.0, 30.0, "1.1"), (11, 10.0, 30.0, "1.1"), (12, 15.0, 30.0, "1.1"),
    ]
    assert dev.site(8) == Site(8, 10.0, 10.0, "entangling", "1.0")
    assert dev.site(8).available_in("1.0") and dev.site(8).available_in("1.1")
    assert not dev.site(9).available_in("1.0") and dev.site(9).available_in("1.1")
    assert (dev.blockade_radius_um, dev.min_spacing_um) == (7.5, 4.0)


def test_unknown_profile_name_lists_builtins(tmp_path):
    for name in ("nope", "", str(tmp_path / "missing.json"), "builtin:nope"):
        with pytest.raises(NavmError) as info:
            load_profile(name)
        assert info.value.loc is None
        assert info.value.message == (f"unknown device profile {name!r}: no built-in profile or file by that "
                                      f"name (built-in profiles: square-16x16, test-small, zoned)")


def test_unreadable_path_is_a_navm_error(tmp_path):
    with pytest.raises(NavmError) as info:
        load_profile(str(tmp_path))
    assert info.value.loc is None
    assert info.value.message.startswith(f"cannot read device profile {str(tmp_path)!r}: ")


def test_file_profile_is_cached_until_it_changes(tmp_path):
    path = tmp_path / "dev.json"
    path.write_text(profile_text(), encoding="utf-8")
    first = load_profile(str(path))
    assert first.source == str(path.resolve())
    assert load_profile(path) is first
    path.write_text(profile_text(name="renamed"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_profile(str(path)).name == "renamed"


def test_defaults_for_optional_fields():
    dev = parse(profile_text())
    assert (dev.description, dev.coordinate_tolerance_um, dev.source) == ("", 0.01, "<test>")
    assert dev.restriction_factor == 2.0


# ---------------------------------------------------------------- validation errors


def test_bad_json(tmp_path):
    text = profile_text().replace('"t",', '"t",,')
    assert_error(tmp_path, text, "expected a string key after ',', found ','", ",,", shift=1)


def test_not_utf8(tmp_path):
    path = tmp_path / "dev.json"
    path.write_bytes(b'{\n  "name": "\xff"\n}\n')
    with pytest.raises(NavmError) as info:
        load_profile(str(path))
    assert (info.value.message, info.value.loc.line, info.value.loc.column) == (
        "not UTF-8 text (byte 0xff)", 2, 12)


def test_unknown_isa_version(tmp_path):
    text = profile_text(isa_version="2.0")
    assert_error(tmp_path, text, "unknown isa_version '2.0'; supported: 1.0, 1.1, 1.2", '"2.0"')


def test_duplicate_site_id(tmp_path):
    text = profile_text(lattice={"kind": "listed", "sites": [
        {"id": 0, "x": 0.0, "y": 0.0}, {"id": 3, "x": 5.0, "y": 0.0},
        {"id": 1, "x": 10.0, "y": 0.0}, {"id": 3, "x": 15.0, "y": 0.0},
    ]})
    err = assert_error(tmp_path, text, "duplicate site id 3", "3, \"x\": 15", 0)
    line, col = at(text, "3, \"x\": 5")
    assert err.notes == (f"first used at {tmp_path / 'dev.json'}:{line}:{col}",)


def test_listed_sites_too_close(tmp_path):
    text = profile_text(lattice={"kind": "listed", "sites": [
        {"id": 0, "x": 0.0, "y": 0.0}, {"id": 1, "x": 5.0, "y": 0.0}, {"id": 2, "x": 7.0, "y": 1.0},
    ]})
    err = assert_error(tmp_path, text,
                       "sites 1 and 2 are 2.23607 µm apart, closer than min_spacing_um (4)", '{"id": 2')
    line, col = at(text, '{"id": 1')
    assert err.notes == (f"site 1 comes from {tmp_path / 'dev.json'}:{line}:{col}",)


def test_generator_spacing_below_min_spacing(tmp_path):
    text = profile_text(lattice={"kind": "triangular", "rows": 2, "cols": 2, "spacing_um": 3.0})
    assert_error(tmp_path, text, "sites 0 and 1 are 3 µm apart, closer than min_spacing_um (4)", "3.0")


def test_spacing_equal_to_min_spacing_is_accepted_despite_rounding():
    dev = parse(profile_text(lattice={"kind": "triangular", "rows": 3, "cols": 3, "spacing_um": 4.0}))
    assert len(dev.sites) == 9


def test_overlapping_zones(tmp_path):
    text = profile_text(lattice={"kind": "zoned", "zones": [
        {"name": "a", "kind": "square", "rows": 2, "cols": 2, "spacing_um": 5.0, "origin_um": [0.0, 0.0]},
        {"name": "b", "kind": "square", "rows": 1, "cols": 2, "spacing_um": 5.0, "origin_um": [1.0, 5.0]},
    ]})
    err = assert_error(tmp_path, text, "sites 2 and 4 are 1 µm apart, closer than min_spacing_um (4)",
                       "[1.0, 5.0]")
    line, col = at(text, "[0.0, 0.0]")
    assert err.notes == (f"site 2 comes from {tmp_path / 'dev.json'}:{line}:{col}",)


def test_duplicate_zone_name(tmp_path):
    text = profile_text(lattice={"kind": "zoned", "zones": [
        {"name": "a", "kind": "square", "rows": 1, "cols": 1, "spacing_um": 5.0, "origin_um": [0.0, 0.0]},
        {"name": "a", "kind": "square", "rows": 1, "cols": 1, "spacing_um": 5.0, "origin_um": [9.0, 0.0]},
    ]})
    assert_error(tmp_path, text, "duplicate zone name 'a'", '"a"', 1)


def test_unknown_min_isa(tmp_path):
    text = profile_text(lattice={"kind": "listed", "sites": [{"id": 0, "x": 0.0, "y": 0.0, "min_isa": "1.7"}]})
    assert_error(tmp_path, text, "unknown min_isa '1.7'; supported: 1.0, 1.1, 1.2", '"1.7"')


def test_min_isa_newer_than_profile(tmp_path):
    text = profile_text(isa_version="1.0", lattice={"kind": "zoned", "zones": [
        {"name": "s", "kind": "square", "rows": 1, "cols": 1, "spacing_um": 5.0, "origin_um": [0.0, 0.0],
         "min_isa": "1.1"}]})
    assert_error(tmp_path, text, "min_isa 1.1 is newer than the profile's isa_version 1.0, "
                                 "so no program could use these sites", '"1.1"')


@pytest.mark.parametrize("key", ["blockade_radius_um", "min_spacing_um", "coordinate_tolerance_um"])
def test_non_positive_lengths(tmp_path, key):
    text = profile_text(**{key: 0})
    assert_error(tmp_path, text, f"{key} must be a positive number, got 0", f'"{key}": 0', shift=len(key) + 4)


@pytest.mark.parametrize("factor", [0.5, 0, -2])
def test_restriction_factor_below_one(factor):
    text = profile_text(restriction_factor=factor)
    assert_parse_error(text, f"restriction_factor must be at least 1, got {factor}", f'"restriction_factor": {factor}',
                       shift=len('"restriction_factor": '),
                       notes=("parallel Rydberg gates must at least keep out of each other's blockade radius",))


def test_restriction_factor_one_is_allowed():
    assert parse(profile_text(restriction_factor=1)).restriction_radius_um == 7.5


def test_tolerance_must_be_below_half_min_spacing(tmp_path):
    text = profile_text(coordinate_tolerance_um=2.0)
    assert_error(tmp_path, text, "coordinate_tolerance_um (2.0) must be less than min_spacing_um / 2 (2), "
                                 "so that a position matches at most one site", "2.0")


def test_two_sites_at_the_same_position(tmp_path):
    text = profile_text(lattice={"kind": "listed", "sites": [
        {"id": 5, "x": 1.0, "y": 1.0}, {"id": 6, "x": 20.0, "y": 1.0}, {"id": 7, "x": 1.0, "y": 1.0},
    ]})
    assert_error(tmp_path, text, "sites 5 and 7 are 0 µm apart, closer than min_spacing_um (4)", '{"id": 7')


def test_non_finite_position(tmp_path):
    text = profile_text(lattice={"kind": "listed", "sites": [{"id": 0, "x": 1.0, "y": 0.0}]})
    text = text.replace('"x": 1.0', '"x": 1e400')
    assert_error(tmp_path, text, "site 0 has a non-finite position (inf, 0.0)", '{"id": 0')


def test_position_too_far_out_for_the_grid(tmp_path):
    text = profile_text(lattice={"kind": "square", "rows": 1, "cols": 2, "spacing_um": 5.0,
                                 "origin_um": [1e300, 0.0]})
    assert_error(tmp_path, text, "site 0 at (1e+300, 0) µm is too far from the origin for min_spacing_um (4)",
                 '{"kind"')


def test_too_many_sites(tmp_path):
    text = profile_text(lattice={"kind": "square", "rows": 2000, "cols": 2000, "spacing_um": 5.0})
    assert_error(tmp_path, text, "lattice has 4000000 sites, more than navm supports (1000000)", '{"kind"')


def test_infinite_number(tmp_path):
    text = profile_text(blockade_radius_um=1e400)
    text = text.replace("Infinity", "1e400")
    assert_error(tmp_path, text, "blockade_radius_um must be a positive number, got inf", "1e400")


def test_schema_missing_field(tmp_path):
    text = profile_text(min_spacing_um=None)
    assert_error(tmp_path, text, 'invalid device profile: /: missing required field "min_spacing_um"', "{")


def test_schema_typo_in_top_level_key(tmp_path):
    text = profile_text().replace('"blockade_radius_um"', '"blockade_radius"')
    err = assert_error(tmp_path, text, 'invalid device profile: /: unknown field "blockade_radius"',
                       '"blockade_radius"')
    allowed = ("allowed fields here: $schema, architecture, blockade_radius_um, coordinate_tolerance_um, description, "
               "gates, isa_version, lattice, min_spacing_um, name, noise, restriction_factor")
    assert err.notes == ("did you mean 'blockade_radius_um'?", allowed)


def test_schema_typo_in_generator_key(tmp_path):
    text = profile_text(lattice={"kind": "square", "rows": 2, "cols": 2, "spacing": 5.0})
    assert_error(tmp_path, text, 'invalid device profile: /lattice: unknown field "spacing"', '"spacing"')


def test_schema_unknown_lattice_kind(tmp_path):
    text = profile_text(lattice={"kind": "hexagonal", "rows": 2, "cols": 2, "spacing_um": 5.0})
    assert_error(tmp_path, text, 'invalid device profile: /lattice/kind: "hexagonal" is not one of "square", '
                                 '"triangular", "honeycomb", "zoned", "listed"', '"hexagonal"')


def test_schema_zone_cannot_nest_listed(tmp_path):
    text = profile_text(lattice={"kind": "zoned", "zones": [
        {"name": "a", "kind": "listed", "rows": 1, "cols": 1, "spacing_um": 5.0, "origin_um": [0, 0]}]})
    assert_error(tmp_path, text, 'invalid device profile: /lattice/zones/0/kind: "listed" is not one of '
                                 '"square", "triangular", "honeycomb"', '"listed"')


def test_schema_zone_needs_origin(tmp_path):
    text = profile_text(lattice={"kind": "zoned", "zones": [
        {"name": "a", "kind": "square", "rows": 1, "cols": 1, "spacing_um": 5.0}]})
    assert_error(tmp_path, text, 'invalid device profile: /lattice/zones/0: missing required field "origin_um"',
                 '{"name"')


def test_schema_negative_site_id(tmp_path):
    text = profile_text(lattice={"kind": "listed", "sites": [{"id": -1, "x": 0.0, "y": 0.0}]})
    assert_error(tmp_path, text, "invalid device profile: /lattice/sites/0/id: -1 must be at least 0", "-1")


def test_schema_wrong_type(tmp_path):
    text = profile_text(blockade_radius_um="7.5")
    assert_error(tmp_path, text, 'invalid device profile: /blockade_radius_um: expected a number, got "7.5"',
                 '"7.5"')


def test_schema_malformed_version(tmp_path):
    text = profile_text(isa_version="1")
    err = assert_error(tmp_path, text,
                       'invalid device profile: /isa_version: "1" does not match the pattern ^[0-9]+\\.[0-9]+$',
                       '"1"')
    assert err.notes == ('an ISA version: major.minor, for example "1.1"',)


# ---------------------------------------------------------------- docs


def doc_examples() -> list[str]:
    blocks = re.findall(r"<!-- device-example -->\s*```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks, "docs/devices.md has no device-example blocks"
    return blocks


@pytest.mark.parametrize("index", range(len(doc_examples())))
def test_docs_examples_load(tmp_path, index):
    path = tmp_path / f"example{index}.json"
    path.write_text(doc_examples()[index], encoding="utf-8")
    dev = load_profile(str(path))
    assert dev.sites and dev.source == str(path.resolve())


def test_docs_first_example_numbering():
    dev = parse(doc_examples()[0])
    assert [s.id for s in dev.sites if s.zone == "readout"] == [16, 17, 18]
    assert dev.site(18) == Site(18, 16.0, 40.0, "readout", "1.1")


def test_docs_first_example_gates_and_noise():
    dev = parse(doc_examples()[0])
    assert dev.restriction_radius_um == 17.5
    assert dev.gates.native == ("cz", "rx", "ry", "rz")
    assert dict(dev.gates.addressing) == {"cz": ("global",), "rx": ("global",), "ry": ("global",),
                                          "rz": ("local", "global")}
    assert (dev.gates.duration("rz"), dev.gates.duration("rz", "global"), dev.gates.duration("reset")) == (
        0.3, 0.1, 50.0)
    assert dev.gates.max_cz_per_stage == 8 and dev.gates.max_local_1q == 10
    assert dev.noise.gate_fidelity("cz") == pytest.approx(0.992)
    assert dev.noise.idle.rate_per_us == (1e-7, 1e-7, 5e-7)
    assert (dev.noise.spam.prep_error, dev.noise.spam.readout_false_negative) == (0.001, 0.01)
