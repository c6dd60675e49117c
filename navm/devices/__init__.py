"""Device profiles: the site lattice, radii, ISA version, native gates and noise model of a device.

See docs/devices.md for the format; `load_profile("square-16x16")` for the built-in one.
Blockade geometry (graph, restriction, triangles) is in `navm.devices.blockade`.
"""

from navm.devices.gates import DeviceGates
from navm.devices.noise import GateChannel, IdleNoise, NoiseModel, SpamNoise
from navm.devices.profile import (
    DeviceProfile,
    Site,
    builtin_profiles,
    load_profile,
    parse_profile,
    profile_document,
    profile_schema,
)

__all__ = [
    "DeviceGates", "DeviceProfile", "GateChannel", "IdleNoise", "NoiseModel", "Site", "SpamNoise",
    "builtin_profiles", "load_profile", "parse_profile", "profile_document", "profile_schema",
]
