"""Reading and changing a QBC program's `.define` constants, for tests that run examples at other sizes."""

from __future__ import annotations

import re


def define(source: str, name: str) -> int | float:
    """The value of `.define NAME value` in `source` (an int, hex included, or a float)."""
    value = re.search(rf"^\.define {name} (\S+)", source, re.M).group(1)
    return float(value) if "." in value else int(value, 0)


def with_defines(source: str, **values: int) -> str:
    """`source` with each `.define NAME …` line (one per name, which must exist) set to the given value."""
    for name, value in values.items():
        source, count = re.subn(rf"^\.define {name} \d+", f".define {name} {value}", source, flags=re.M)
        assert count == 1, name
    return source
