"""One packet at a time: `encode` and `decode`, each a precompiled struct call plus range checks.

The fast path is one `if` of chained comparisons (which are also false for
NaN) around one `struct` call and one `zlib.crc32`; anything that fails it
goes to `checks`, which says what is wrong. Allocations per call: the result,
plus on encode the 44-byte body the CRC is taken of and its 4-byte CRC
(cheaper in CPython than packing into a shared buffer, and thread-safe).
"""

from __future__ import annotations

import math
import struct
import zlib

from navm.runtime.packets.checks import check_bytes, check_values
from navm.runtime.packets.errors import PacketError
from navm.runtime.packets.layout import BODY, CRC, CRC_OFFSET, HEADER, NODE_ID_MAX, PACKET, SIGMA_LIMIT
from navm.runtime.packets.record import Packet

_pack_body = BODY.pack
_pack_crc = CRC.pack
_unpack = PACKET.unpack
_crc32 = zlib.crc32
_INF = math.inf  # entropy < inf: finite (and not NaN, like every comparison here)
_new_packet = tuple.__new__  # Packet(...) goes through a Python-level __new__; this does not


def encode(sigma: float, entropy: float, purity: float, node_id: int, timestamp: int) -> bytes:
    """The 48-byte packet for one node's state; `timestamp` in integer nanoseconds since the epoch."""
    try:
        if 0.0 <= sigma < SIGMA_LIMIT and 0.0 <= entropy < _INF and 0.0 <= purity <= 1.0 \
                and 0 <= node_id <= NODE_ID_MAX:
            body = _pack_body(HEADER, sigma, entropy, purity, timestamp, node_id)
            return body + _pack_crc(_crc32(body))
    except (TypeError, struct.error):
        pass
    check_values(sigma, entropy, purity, node_id, timestamp)
    raise PacketError(f"cannot encode ({sigma!r}, {entropy!r}, {purity!r}, {node_id!r}, {timestamp!r})",
                      field="packet")  # pragma: no cover - check_values names every case struct refuses


def decode(data: bytes | bytearray | memoryview) -> Packet:
    """The `Packet` in 48 bytes, after checking length, header, CRC and value ranges."""
    try:
        header, sigma, entropy, purity, timestamp, node_id, crc = _unpack(data)
    except struct.error:
        pass
    else:
        if header == HEADER and crc == _crc32(data[:CRC_OFFSET]) and 0.0 <= sigma < SIGMA_LIMIT \
                and 0.0 <= entropy < _INF and 0.0 <= purity <= 1.0:
            return _new_packet(Packet, (sigma, entropy, purity, node_id, timestamp))
    check_bytes(data)
    raise PacketError("invalid packet", field="packet")  # pragma: no cover - check_bytes names every failure
