"""zlib.crc32 of many equal-length messages at once, column by column, in NumPy.

CRC-32 is affine over GF(2): for messages of a fixed length L,

    crc32(m) = crc32(L zero bytes) XOR  XOR_i  T_i[m_i]

where T_i[b] is the (linear, zero-initialised, no final XOR) CRC of byte b
followed by L-1-i zero bytes. So instead of a byte-serial loop, every byte
position is an independent table lookup across all messages at once, and
the lookups XOR together in any order. Positions are taken two bytes at a
time (65536-entry tables, one per position pair: half the lookups of a byte
table), and constant columns (a packet header) fold into the starting value.
`tests/runtime/packets/test_packets_crc.py` checks the result bit for bit
against zlib.crc32.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_POLY = 0xEDB88320  # zlib's CRC-32, bit-reflected
_BLOCK = 1 << 16  # messages per block: keeps the temporaries in cache
_LITTLE = sys.byteorder == "little"


def _byte_table() -> np.ndarray:
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> 1) ^ np.uint32(_POLY), t >> 1).astype(np.uint32)
    return t


_TABLE = _byte_table()


@lru_cache(maxsize=8)
def _byte_tables(length: int) -> np.ndarray:
    """(length, 256): T_i[b] for every position i of a `length`-byte message."""
    tables = np.empty((length, 256), dtype=np.uint32)
    tables[length - 1] = _TABLE
    for i in range(length - 2, -1, -1):  # one more zero byte after position i: advance the CRC by a byte
        after = tables[i + 1]
        tables[i] = _TABLE[after & 0xFF] ^ (after >> 8)
    return tables


@lru_cache(maxsize=64)
def _pair_table(length: int, offset: int) -> np.ndarray:
    """T for the two bytes at `offset`, `offset`+1, indexed by their big-endian uint16 value."""
    t = _byte_tables(length)
    return (t[offset][:, None] ^ t[offset + 1][None, :]).ravel()


def _as_native(column: np.ndarray) -> np.ndarray:
    """A column as native unsigned integers shaped (rows, m) whose last axis is contiguous (copied only if needed)."""
    if column.dtype.kind != "u":
        raise TypeError(f"CRC columns must be unsigned integers, got {column.dtype}")
    column = column.reshape(len(column) if column.ndim else 1, int(np.prod(column.shape[1:])))
    if not column.dtype.isnative or (column.shape[1] > 1 and column.strides[1] != column.dtype.itemsize):
        column = np.ascontiguousarray(column, dtype=column.dtype.newbyteorder("="))
    return column


def _lookups(column: np.ndarray, offset: int, length: int) -> list[tuple[np.ndarray, int, np.ndarray]]:
    """(values, index into them, table) for each byte or byte pair of a native column at `offset`."""
    m = column.shape[1]
    width = column.dtype.itemsize
    if width == 1:
        tables = _byte_tables(length)
        return [(column, j, tables[offset + j]) for j in range(m)]
    halves = column.view(np.uint16)  # (n, m * width // 2), native order inside each element
    per = width // 2
    out = []
    for j in range(m):
        for p in range(per):  # p = 0 is the most significant (first on the wire) pair
            k = j * per + (per - 1 - p if _LITTLE else p)
            out.append((halves, k, _pair_table(length, offset + j * width + 2 * p)))
    return out


def crc32_columns(columns: Sequence[np.ndarray]) -> np.ndarray:
    """zlib.crc32 of n messages given column by column, as uint32[n].

    Message r is the big-endian bytes of `columns[0][r]`, then of
    `columns[1][r]`, ... A column is unsigned integers shaped (n,), or (n, m)
    for m values side by side, or 0-d for a value shared by every message.
    """
    arrays = [np.asarray(c) for c in columns]
    n = next((len(a) for a in arrays if a.ndim), 1)
    natives = [_as_native(a) for a in arrays]
    length = sum(c.shape[1] * c.dtype.itemsize for c in natives)
    start = np.uint32(zlib.crc32(bytes(length)))
    varying, offset = [], 0
    for a, native in zip(arrays, natives):
        for values, k, table in _lookups(native, offset, length):
            if a.ndim:
                varying.append((values, k, table))
            else:  # the same bytes in every message: fold them into the start value
                start ^= table[values[0, k]]
        offset += native.shape[1] * native.dtype.itemsize
    out = np.empty(n, dtype=np.uint32)
    scratch = np.empty(min(n, _BLOCK), dtype=np.uint32)
    for lo in range(0, n, _BLOCK):
        hi = min(n, lo + _BLOCK)
        acc, tmp = out[lo:hi], scratch[: hi - lo]
        acc[...] = start
        for values, k, table in varying:
            np.take(table, values[lo:hi, k], out=tmp, mode="wrap")  # in range; "wrap" skips the bounds check
            acc ^= tmp
    return out


def crc32_rows(rows: np.ndarray) -> np.ndarray:
    """zlib.crc32 of each row of a 2-D uint8 array, as uint32[n]."""
    rows = np.ascontiguousarray(rows, dtype=np.uint8)
    if rows.ndim != 2:
        raise ValueError(f"expected a 2-D array of rows, got shape {rows.shape}")
    width = rows.shape[1]
    columns = [rows[:, : width & ~1].view(">u2")] if width >= 2 else []
    if width & 1:
        columns.append(rows[:, width - 1 :])
    return crc32_columns(columns) if columns else np.full(len(rows), zlib.crc32(b""), dtype=np.uint32)
