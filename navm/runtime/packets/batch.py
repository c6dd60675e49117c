"""Many packets at once with NumPy: `encode_batch` and `decode_batch`.

Same format, same checks and the same messages as the scalar API: the
vectorised checks find the first bad packet, and `checks` explains it, naming
the packet's index (and counting the other bad ones in a note).
"""

from __future__ import annotations

import sys

import numpy as np
from numpy.typing import ArrayLike

from navm.runtime.packets.checks import check_bytes, check_values
from navm.runtime.packets.crc import crc32_columns
from navm.runtime.packets.errors import PacketError
from navm.runtime.packets.layout import (
    HEADER_WORD,
    NODE_ID_MAX,
    SIGMA_LIMIT,
    SIZE,
    TIMESTAMP_MAX,
    TIMESTAMP_MIN,
)
from navm.runtime.packets.record import FIELDS, PACKET_DTYPE

_HEADER_WORD = np.uint64(HEADER_WORD)
_LITTLE = sys.byteorder == "little"
_INT_RANGE = {"node_id": (0, NODE_ID_MAX), "timestamp": (TIMESTAMP_MIN, TIMESTAMP_MAX)}


def _column(name: str, values: ArrayLike) -> np.ndarray:
    """One input column as a 0-d or 1-D native array of the field's type; ranges are checked later."""
    a = np.asarray(values)
    if a.ndim > 1:
        raise PacketError(f"{name} must be one value per packet (a 1-D array), got shape {a.shape}", field=name)
    if a.size == 0:  # np.asarray([]) is float64, whatever the field
        return np.empty(a.shape, dtype=np.int64 if name in _INT_RANGE else np.float64)
    if name in _INT_RANGE:
        if a.dtype.kind not in "biu":
            raise PacketError(f"{name} must be integers, got an array of {a.dtype}", field=name)
        return a
    if a.dtype.kind not in "biuf":
        raise PacketError(f"{name} must be real numbers, got an array of {a.dtype}", field=name)
    return a.astype(np.float64, copy=False)


def _columns(sigma: ArrayLike, others: tuple[ArrayLike, ...]) -> tuple[list[np.ndarray], int]:
    """The five input columns in `FIELDS` order and the number of packets."""
    if all(o is None for o in others):
        records = np.asarray(sigma)
        if records.dtype.names is None:
            raise TypeError("encode_batch takes five arrays (sigma, entropy, purity, node_id, timestamp) "
                            "or one structured array with those fields")
        missing = [f for f in FIELDS if f not in records.dtype.names]
        if missing:
            raise PacketError(f"the records have no {', '.join(missing)} field", field=missing[0])
        raw = [records[f] for f in FIELDS]
    elif any(o is None for o in others):
        raise TypeError("encode_batch takes all five arrays or one structured array")
    else:
        raw = [sigma, *others]
    columns = [_column(name, values) for name, values in zip(FIELDS, raw)]
    lengths = {len(c) for c in columns if c.ndim}
    if len(lengths) > 1:
        shown = ", ".join(f"{name} {len(c)}" for name, c in zip(FIELDS, columns) if c.ndim)
        raise PacketError(f"the arrays have different lengths ({shown})", field="length")
    return columns, lengths.pop() if lengths else 1


def _first_bad(ok: np.ndarray) -> tuple[int, int] | None:
    """(index of the first False, how many more) or None when all are True."""
    if ok.all():
        return None
    bad = np.flatnonzero(~ok)
    return int(bad[0]), len(bad) - 1


def _in_range(name: str, a: np.ndarray) -> np.ndarray | bool:
    """Which integers fit the field; comparisons the dtype makes pointless are skipped."""
    if a.dtype.kind == "b":
        return True
    low, high = _INT_RANGE[name]
    info = np.iinfo(a.dtype)
    ok: np.ndarray | bool = True
    if info.min < low:
        ok = a >= low
    if info.max > high:
        ok = ok & (a <= high)
    return ok


def encode_batch(sigma: ArrayLike, entropy: ArrayLike = None, purity: ArrayLike = None,
                 node_id: ArrayLike = None, timestamp: ArrayLike = None) -> np.ndarray:
    """n packets as a (n, 48) uint8 array (`.tobytes()` is the wire stream).

    Give five 1-D arrays of one length (a scalar stands for the same value in
    every packet), or one structured array with fields sigma, entropy, purity,
    node_id, timestamp (`PACKET_DTYPE`, for instance what `decode_batch` returns).
    """
    (s, e, p, node, ts), n = _columns(sigma, (entropy, purity, node_id, timestamp))
    ok = (s >= 0.0) & (s < SIGMA_LIMIT) & (e >= 0.0) & (e < np.inf) & (p >= 0.0) & (p <= 1.0) \
        & _in_range("node_id", node) & _in_range("timestamp", ts)
    first = _first_bad(np.broadcast_to(ok, (n,)))
    if first is not None:
        i, more = first
        at = [np.broadcast_to(c, (n,))[i].item() for c in (s, e, p, node, ts)]
        check_values(*at, index=i, more=more)
        raise PacketError("invalid values", field="packet", index=i)  # pragma: no cover - check_values names it
    node, ts = node.astype(np.uint32, copy=False), ts.astype(np.int64, copy=False)
    bits = [s.view(np.uint64), e.view(np.uint64), p.view(np.uint64), ts.view(np.uint64)]
    words = np.empty((n, SIZE // 8), dtype=">u8")  # header, sigma, entropy, purity, timestamp, (node_id, crc32)
    words[:, 0] = _HEADER_WORD
    for k, column in enumerate(bits, start=1):
        words[:, k] = column
    halves = words.view(">u4").reshape(n, SIZE // 4)
    halves[:, 10] = node
    # The CRC from the input columns: contiguous, unlike the 48-byte rows; a scalar column is a constant.
    halves[:, 11] = crc32_columns([_HEADER_WORD, *bits, node])
    return words.view(np.uint8).reshape(n, SIZE)


def _as_bytes(data: bytes | bytearray | memoryview | np.ndarray) -> np.ndarray:
    if isinstance(data, np.ndarray):
        return np.ascontiguousarray(data).view(np.uint8).reshape(-1)
    return np.frombuffer(data, dtype=np.uint8)


def decode_batch(data: bytes | bytearray | memoryview | np.ndarray) -> np.ndarray:
    """The packets in a buffer of n * 48 bytes, as a `PACKET_DTYPE` array of n rows (a new array).

    Checks every packet as `decode` does; the first bad one raises `PacketError` with its index.
    """
    raw = _as_bytes(data)
    n, rest = divmod(raw.size, SIZE)
    if rest:
        check_bytes(raw[n * SIZE :].tobytes(), index=n)
    # One pass byte-swaps every 8-byte word to native order: the header, the three
    # floats and the timestamp become native numbers, and the last word holds
    # (node_id << 32) | crc32. The result is a view of this array.
    words = raw.view(">u8").reshape(n, SIZE // 8).astype(np.uint64)
    halves = words.view(np.uint32).reshape(n, SIZE // 4)
    node, stored_crc = (halves[:, 11:12], halves[:, 10]) if _LITTLE else (halves[:, 10:11], halves[:, 11])
    # A packet whose header differs fails on the header, so the header can be folded in as a constant here.
    crc = crc32_columns([_HEADER_WORD, words[:, 1:5], node])
    floats = words.view(np.float64)
    s, e, p = floats[:, 1], floats[:, 2], floats[:, 3]
    ok = (words[:, 0] == _HEADER_WORD) & (stored_crc == crc) & (s >= 0.0) & (s < SIGMA_LIMIT) \
        & (e >= 0.0) & (e < np.inf) & (p >= 0.0) & (p <= 1.0)
    first = _first_bad(ok)
    if first is not None:
        i, more = first
        check_bytes(raw[i * SIZE : (i + 1) * SIZE].tobytes(), index=i, more=more)
        raise PacketError("invalid packet", field="packet", index=i)  # pragma: no cover - check_bytes names it
    return words.view(PACKET_DTYPE).reshape(n)
