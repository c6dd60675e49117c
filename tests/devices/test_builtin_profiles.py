"""Built-in device profiles are read with the C `json` module (navm.frontend.json_source.trusted_json):
each must be strict JSON that the positional parser reads the same, and errors must still be located."""

from __future__ import annotations

import pytest

from navm.frontend.json_source import parse_json, trusted_json
from navm.devices import builtin_profiles, load_profile, parse_profile
from navm.devices.profile import BUILTIN_PREFIX, _builtin_path


@pytest.mark.parametrize("name", builtin_profiles())
def test_builtin_profile_is_strict_json_read_the_same_by_both_readers(name):
    path = _builtin_path(name)
    text = path.read_text(encoding="utf-8")
    strict = parse_json(text, str(path))
    trusted = trusted_json(text, str(path))
    assert trusted.value == strict.value
    for where in ([], ["lattice"], ["blockade_radius_um"], ["gates"], ["noise"], ["no", "such", "key"]):
        assert trusted.locate(where) == strict.locate(where)
        assert trusted.locate_key(where) == strict.locate_key(where)


@pytest.mark.parametrize("name", builtin_profiles())
def test_builtin_profile_equals_the_same_text_loaded_from_a_file(name, tmp_path):
    text = _builtin_path(name).read_text(encoding="utf-8")
    builtin = load_profile(name)
    assert builtin.source == BUILTIN_PREFIX + name
    from_text = parse_profile(text, "copy.json", builtin.source)
    assert from_text.sites == builtin.sites
    assert from_text.gates == builtin.gates and from_text.noise == builtin.noise
    assert (from_text.blockade_radius_um, from_text.min_spacing_um, from_text.restriction_factor) == \
        (builtin.blockade_radius_um, builtin.min_spacing_um, builtin.restriction_factor)
