"""The routing-table file layout, version 1: header, field schema and the 128-byte record.

Everything is big-endian. The field schema below is written into every file
so that a reader can check, field by field, that it understands the records
before it reads them (docs/routing-table.md has the byte-by-byte tables).
"""

from __future__ import annotations

import struct
from typing import NamedTuple

import numpy as np

MAGIC = b"NAVMROUT"
FORMAT_VERSION = 1
RECORD_SIZE = 128
MAX_NEIGHBOURS = 12
NO_TRIANGLE = -1
NO_NEIGHBOUR = -1
SIGMA_PERIOD = 8.0  # σ ∈ [0, 8) lives on a circle: 8 ≡ 0
J_RADIUS = 1728.0

# Fixed header: magic, version, header size, record size, field count, entry count, CRC-32, reserved.
HEADER = struct.Struct(">8sHHHHQII")
CHECKSUM_OFFSET = 24
# One schema entry per record field: name (NUL-padded ASCII), type code, byte offset, element count, reserved.
SCHEMA_ENTRY = struct.Struct(">20s4sHHI")
NAME_BYTES = 20

# Type codes in the schema: big-endian scalars.
TYPE_CODES = {"i4": ">i4", "i8": ">i8", "f8": ">f8", "u1": "u1"}


class Field(NamedTuple):
    """One field of the record: its name, type code, byte offset and element count (1 for a scalar)."""

    name: str
    type: str
    offset: int
    count: int = 1

    @property
    def size(self) -> int:
        return np.dtype(TYPE_CODES[self.type]).itemsize * self.count


FIELDS: tuple[Field, ...] = (
    Field("node_id", "i4", 0),
    Field("site_id", "i4", 4),
    Field("x_um", "f8", 8),
    Field("y_um", "f8", 16),
    Field("sigma", "f8", 24),
    Field("j_re", "f8", 32),
    Field("j_im", "f8", 40),
    Field("triangle", "i4", 48),
    Field("neighbour_count", "i4", 52),
    Field("record_addr", "i8", 56),
    Field("fidelity", "f8", 64),
    Field("neighbours", "i4", 72, MAX_NEIGHBOURS),
    Field("reserved", "u1", 120, 8),
)

# The fields an entry carries (what the JSON mirror and the producers fill in): all but the
# padding; `neighbour_count` is implied by the length of the neighbour list there.
ENTRY_FIELDS = tuple(f.name for f in FIELDS if f.name not in ("reserved", "neighbour_count"))
INT_FIELDS = ("node_id", "site_id", "triangle", "record_addr")
FLOAT_FIELDS = ("x_um", "y_um", "sigma", "j_re", "j_im", "fidelity")


def _dtype(fields: tuple[Field, ...]) -> np.dtype:
    formats = [TYPE_CODES[f.type] if f.count == 1 else (TYPE_CODES[f.type], (f.count,)) for f in fields]
    return np.dtype({"names": [f.name for f in fields], "formats": formats,
                     "offsets": [f.offset for f in fields], "itemsize": RECORD_SIZE})


RECORD_DTYPE = _dtype(FIELDS)


def _header_size(field_count: int) -> int:
    """The fixed header plus the schema, rounded up to a whole record so records stay aligned."""
    raw = HEADER.size + SCHEMA_ENTRY.size * field_count
    return -(-raw // RECORD_SIZE) * RECORD_SIZE


HEADER_SIZE = _header_size(len(FIELDS))


def _check_layout() -> None:
    """The record table above tiles 128 bytes exactly, without overlaps (checked at import)."""
    covered = np.zeros(RECORD_SIZE, dtype=np.int64)
    for f in FIELDS:
        covered[f.offset:f.offset + f.size] += 1
    assert (covered == 1).all(), "routing-table record fields must tile the record exactly"


_check_layout()


def schema_bytes(fields: tuple[Field, ...] = FIELDS) -> bytes:
    """The schema as written after the fixed header."""
    return b"".join(SCHEMA_ENTRY.pack(f.name.encode("ascii"), f.type.encode("ascii"), f.offset, f.count, 0)
                    for f in fields)


def parse_schema_entry(raw: bytes) -> Field:
    """One schema entry back as a Field (names and type codes with their NUL padding removed)."""
    name, type_code, offset, count, _ = SCHEMA_ENTRY.unpack(raw)
    return Field(name.rstrip(b"\0").decode("ascii", "replace"), type_code.rstrip(b"\0").decode("ascii", "replace"),
                 offset, count)
