"""QBC packets: the node-state wire format (σ, entropy, purity, node id, timestamp) in 48 big-endian bytes.

`encode`/`decode` handle one packet, `encode_batch`/`decode_batch` many with
NumPy; both reject bad values and malformed bytes with `PacketError`. The
format, byte by byte, is in `layout` and docs/packets.md.
"""

from navm.runtime.packets.batch import decode_batch, encode_batch
from navm.runtime.packets.crc import crc32_columns, crc32_rows
from navm.runtime.packets.errors import PacketError
from navm.runtime.packets.layout import MAGIC, SIZE, VERSION, WIRE_DTYPE
from navm.runtime.packets.record import PACKET_DTYPE, Packet
from navm.runtime.packets.scalar import decode, encode

__all__ = ["MAGIC", "PACKET_DTYPE", "SIZE", "VERSION", "WIRE_DTYPE", "Packet", "PacketError", "crc32_columns",
           "crc32_rows", "decode", "decode_batch", "encode", "encode_batch"]
