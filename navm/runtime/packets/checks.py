"""Why one packet is invalid, in words: shared by the scalar and the batch APIs.

These run only after a fast check has failed (the batch APIs call them for the
first bad packet they find), so they favour clear messages over speed. Each
raises `PacketError` for the first problem, in wire order: length, magic,
version, flags, length field, CRC, then the values.
"""

from __future__ import annotations

import math
import operator
import struct
import zlib

from navm.runtime.packets.errors import PacketError
from navm.runtime.packets.layout import (
    CRC,
    CRC_OFFSET,
    FLAGS,
    HEADER_FIELDS,
    MAGIC,
    NODE_ID_MAX,
    PACKET,
    SIGMA_LIMIT,
    SIZE,
    TIMESTAMP_MAX,
    TIMESTAMP_MIN,
    VERSION,
)

_DOUBLE = struct.Struct(">d")


def _notes(more: int) -> tuple[str, ...]:
    return (f"{more} more packet{'s' if more != 1 else ''} in this batch {'are' if more != 1 else 'is'} invalid",) if more else ()


def _real(field: str, value: object, index: int | None, more: int) -> None:
    try:
        _DOUBLE.pack(value)
    except struct.error:
        raise PacketError(f"{field} must be a real number, got {type(value).__name__}",
                          field=field, index=index, notes=_notes(more)) from None
    x = float(value)
    problem = None
    if math.isnan(x):
        problem = f"{field} is NaN"
    elif math.isinf(x):
        problem = f"{field} = {x} is not finite"
    elif field == "sigma" and not 0.0 <= x < SIGMA_LIMIT:
        problem = f"sigma = {x!r} is not in [0, 8)"
    elif field == "purity" and not 0.0 <= x <= 1.0:
        problem = f"purity = {x!r} is not in [0, 1]"
    elif x < 0.0:
        problem = f"{field} = {x!r} is negative"
    if problem:
        raise PacketError(problem, field=field, index=index, notes=_notes(more))


def _integer(field: str, value: object, low: int, high: int, kind: str, index: int | None, more: int) -> None:
    try:
        x = operator.index(value)
    except TypeError:
        raise PacketError(f"{field} must be an integer, got {type(value).__name__}",
                          field=field, index=index, notes=_notes(more)) from None
    if x < low:
        raise PacketError(f"{field} = {x} is negative" if low == 0 else f"{field} = {x} does not fit in {kind}",
                          field=field, index=index, notes=_notes(more))
    if x > high:
        raise PacketError(f"{field} = {x} does not fit in {kind} (max {high})", field=field, index=index,
                          notes=_notes(more))


def check_values(sigma: object, entropy: object, purity: object, node_id: object, timestamp: object,
                 index: int | None = None, more: int = 0) -> None:
    """Raise `PacketError` for the first field that cannot go on the wire; `more` other bad packets get a note."""
    _real("sigma", sigma, index, more)
    _real("entropy", entropy, index, more)
    _real("purity", purity, index, more)
    _integer("node_id", node_id, 0, NODE_ID_MAX, "uint32", index, more)
    _integer("timestamp", timestamp, TIMESTAMP_MIN, TIMESTAMP_MAX, "int64 nanoseconds", index, more)


def check_bytes(data: bytes, index: int | None = None, more: int = 0) -> None:
    """Raise `PacketError` for the first malformation of one packet's bytes."""
    notes = _notes(more)
    if len(data) != SIZE:
        how = "truncated" if len(data) < SIZE else "too long"
        raise PacketError(f"expected {SIZE} bytes, got {len(data)} ({how})", field="length", index=index, notes=notes)
    magic, version, flags, length = HEADER_FIELDS.unpack_from(data)
    if magic != MAGIC:
        raise PacketError(f"bad magic {magic!r} (expected {MAGIC!r})", field="magic", index=index, notes=notes)
    if version != VERSION:
        raise PacketError(f"unsupported format version {version} (this decoder reads version {VERSION})",
                          field="version", index=index, notes=notes)
    if flags != FLAGS:
        raise PacketError(f"unknown flags 0x{flags:02x} (version {VERSION} defines none)", field="flags",
                          index=index, notes=notes)
    if length != SIZE:
        raise PacketError(f"length field says {length} bytes, version {VERSION} packets are {SIZE}",
                          field="length", index=index, notes=notes)
    stored, computed = CRC.unpack_from(data, CRC_OFFSET)[0], zlib.crc32(bytes(data[:CRC_OFFSET]))
    if stored != computed:
        raise PacketError(f"CRC32 mismatch: the packet says 0x{stored:08x}, bytes 0..{CRC_OFFSET - 1} give "
                          f"0x{computed:08x}", field="crc32", index=index, notes=notes)
    _, sigma, entropy, purity, timestamp, node_id, _ = PACKET.unpack(data)
    check_values(sigma, entropy, purity, node_id, timestamp, index, more)
