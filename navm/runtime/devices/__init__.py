"""Device profiles: the site lattice, radii and ISA version of a target device.

See docs/devices.md for the format; `load_profile("default")` for the built-in one.
"""

from navm.runtime.devices.profile import (
    DeviceProfile,
    Site,
    builtin_profiles,
    load_profile,
    parse_profile,
    profile_schema,
)

__all__ = ["DeviceProfile", "Site", "builtin_profiles", "load_profile", "parse_profile", "profile_schema"]
