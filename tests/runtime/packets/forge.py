"""Packets built field by field with `struct`, independently of the codec: any header, any value, any CRC."""

from __future__ import annotations

import struct
import zlib

BODY = struct.Struct(">4sBBHdddqI")


def forge(sigma=1.5, entropy=0.25, purity=0.9, node_id=7, timestamp=1_700_000_000_000_000_000, *,
          magic=b"QBCP", version=1, flags=0, length=48, crc=None) -> bytes:
    """A packet with the given fields; the CRC is correct unless `crc` is given."""
    body = BODY.pack(magic, version, flags, length, sigma, entropy, purity, timestamp, node_id)
    return body + struct.pack(">I", zlib.crc32(body) if crc is None else crc)
