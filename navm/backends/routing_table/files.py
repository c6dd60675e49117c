"""Reading and writing routing-table files: binary (`.bin`) or the JSON mirror (`.json`).

Writers pick the format from the suffix and replace the file atomically (a
reader never sees half a table); readers look at the content: a file whose
first non-blank byte is `{` is JSON, anything else must be the binary format.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from navm.backends.routing_table import binary, json_mirror
from navm.backends.routing_table.table import RoutingTable
from navm.diagnostics import NavmError

FORMATS = {".bin": "binary", ".json": "json"}


def format_of(path: str | os.PathLike[str]) -> str:
    """"binary" or "json" from the suffix of `path`; NavmError for any other suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise NavmError(f"cannot tell the routing-table format of '{os.fspath(path)}': name it .bin (binary) "
                        "or .json (JSON mirror)")
    return FORMATS[suffix]


def save(table: RoutingTable, path: str | os.PathLike[str]) -> int:
    """Write `table` to `path` in the format its suffix names; returns the number of bytes written."""
    target = Path(path)
    kind = format_of(target)
    if kind == "binary":
        parts = binary.encode_parts(table)
    else:
        parts = (json_mirror.to_text(table).encode("utf-8"),)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as e:
        raise NavmError(f"cannot write '{os.fspath(path)}': {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                out.write(part)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise NavmError(f"cannot write '{os.fspath(path)}': {e.strerror or e}") from None
    return sum(len(p) for p in parts)


def load(path: str | os.PathLike[str]) -> RoutingTable:
    """The table in `path`, binary or JSON (told apart by content); NavmError if it is not a valid one."""
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise NavmError(f"cannot read routing table '{name}': {e.strerror or e}") from None
    if re.match(rb"\s*\{", data):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise NavmError(f"{name}: the JSON mirror is not valid UTF-8 (byte {e.start})") from None
        return json_mirror.from_text(text, name)
    return binary.decode(data, name)
