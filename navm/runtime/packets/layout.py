"""The QBC packet wire format, version 1: 48 bytes, big-endian, fixed size.

    offset  size  field      type     value
    0       4     magic      bytes    b"QBCP" (51 42 43 50)
    4       1     version    uint8    1
    5       1     flags      uint8    0 (reserved: a decoder rejects any other value)
    6       2     length     uint16   48, the whole packet (lets a stream reader frame packets)
    8       8     sigma      float64  σ-address of the node, 0 <= σ < 8
    16      8     entropy    float64  finite, >= 0
    24      8     purity     float64  0 <= purity <= 1
    32      8     timestamp  int64    nanoseconds since the Unix epoch (UTC); any int64
    40      4     node_id    uint32   0 <= node_id < 2**32
    44      4     crc32      uint32   zlib.crc32 of bytes 0..43

Every field sits at an offset that is a multiple of its size, so the 8-byte
header is one big-endian uint64 word (`HEADER_WORD`) and a batch of packets is
a plain NumPy structured array (`WIRE_DTYPE`).
"""

from __future__ import annotations

import struct

import numpy as np

MAGIC = b"QBCP"
VERSION = 1
FLAGS = 0
SIZE = 48
CRC_OFFSET = 44  # the CRC covers bytes [0, CRC_OFFSET)

HEADER = MAGIC + bytes((VERSION, FLAGS)) + SIZE.to_bytes(2, "big")
HEADER_WORD = int.from_bytes(HEADER, "big")

SIGMA_LIMIT = 8.0  # σ is in [0, SIGMA_LIMIT)
NODE_ID_MAX = 2**32 - 1
TIMESTAMP_MIN, TIMESTAMP_MAX = -(2**63), 2**63 - 1

# header, sigma, entropy, purity, timestamp, node_id (+ crc32 in PACKET)
BODY = struct.Struct(">8sdddqI")
PACKET = struct.Struct(">8sdddqII")
CRC = struct.Struct(">I")
HEADER_FIELDS = struct.Struct(">4sBBH")

WIRE_DTYPE = np.dtype([
    ("magic", "S4"), ("version", "u1"), ("flags", "u1"), ("length", ">u2"),
    ("sigma", ">f8"), ("entropy", ">f8"), ("purity", ">f8"),
    ("timestamp", ">i8"), ("node_id", ">u4"), ("crc32", ">u4"),
])

assert BODY.size == CRC_OFFSET and PACKET.size == SIZE == WIRE_DTYPE.itemsize
assert HEADER_FIELDS.size == len(HEADER) == 8
