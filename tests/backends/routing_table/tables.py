"""Small routing tables and byte-patching helpers shared by the routing-table tests."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from navm.backends.routing_table import RoutingTable
from navm.backends.routing_table.layout import CHECKSUM_OFFSET
from navm.backends.routing_table.synthetic import grid_columns

HERE = Path(__file__).parent
RING = HERE / "programs" / "ring.qbc"
RING_BASE = 0x10000


def ring_columns(n: int = 6) -> dict[str, np.ndarray]:
    """n nodes on a line 5 µm apart, each linked to the previous and next node round the ring."""
    k = np.arange(n)
    return {
        "node_id": k, "site_id": k + 100, "x_um": 5.0 * k, "y_um": np.zeros(n),
        "sigma": 8.0 * k / n, "j_re": 1728.0 * np.cos(2 * np.pi * k / n), "j_im": 1728.0 * np.sin(2 * np.pi * k / n),
        "triangle": np.where(k < 3, 0, -1), "record_addr": 0x1000 + 128 * k, "fidelity": np.full(n, 0.99),
        "neighbours": np.column_stack(((k - 1) % n, (k + 1) % n)),
    }


def ring_table(n: int = 6) -> RoutingTable:
    return RoutingTable.from_columns(ring_columns(n))


def grid_table(n: int) -> RoutingTable:
    return RoutingTable.from_columns(grid_columns(n))


def with_checksum(data: bytes | bytearray) -> bytes:
    """`data` with its CRC-32 field recomputed: to test a check that comes after the checksum."""
    out = bytearray(data)
    out[CHECKSUM_OFFSET:CHECKSUM_OFFSET + 4] = b"\0\0\0\0"
    struct.pack_into(">I", out, CHECKSUM_OFFSET, zlib.crc32(bytes(out)))
    return bytes(out)


def patched(data: bytes, offset: int, fmt: str, *values, recrc: bool = True) -> bytes:
    """`data` with struct `fmt` (big-endian) packed at `offset`, checksum recomputed unless told not to."""
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, *values)
    return with_checksum(out) if recrc else bytes(out)
