"""The vectorised CRC-32 is zlib.crc32, bit for bit, for any length, column layout and block split."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

import navm.runtime.packets.crc as crc_module
from navm.runtime.packets import crc32_columns, crc32_rows

RNG = np.random.default_rng(20240601)


@pytest.mark.parametrize("length", [0, 1, 2, 3, 4, 7, 8, 31, 44, 48, 65])
def test_rows_match_zlib(length):
    rows = RNG.integers(0, 256, (300, length), dtype=np.uint8)
    rows[0] = 0
    rows[1] = 255
    assert crc32_rows(rows).tolist() == [zlib.crc32(r.tobytes()) for r in rows]


def test_rows_that_are_not_contiguous():
    rows = RNG.integers(0, 256, (100, 90), dtype=np.uint8)[::3, 5:49]
    assert crc32_rows(rows).tolist() == [zlib.crc32(r.tobytes()) for r in rows]


def test_rows_must_be_two_dimensional():
    with pytest.raises(ValueError, match="2-D"):
        crc32_rows(np.zeros(8, np.uint8))


def test_mixed_columns_match_zlib_of_their_big_endian_bytes():
    n = 257
    a = RNG.integers(0, 256, n, dtype=np.uint8)
    b = RNG.integers(0, 2**16, (n, 3), dtype=np.uint16).astype(">u2")  # big-endian input
    c = RNG.integers(0, 2**32, (n, 2), dtype=np.uint32)[:, 1]  # strided
    d = RNG.integers(0, 2**63, (n, 4), dtype=np.uint64)[:, 1:3]  # rows strided, last axis contiguous
    const = np.uint64(0x0123456789ABCDEF)
    got = crc32_columns([a, b, const, c, d])
    for i in range(n):
        message = struct.pack(">B3HQI2Q", a[i], *b[i].tolist(), int(const), c[i], *d[i].tolist())
        assert got[i] == zlib.crc32(message), i


def test_blocks_split_anywhere(monkeypatch):
    monkeypatch.setattr(crc_module, "_BLOCK", 7)
    rows = RNG.integers(0, 256, (50, 44), dtype=np.uint8)
    assert crc32_rows(rows).tolist() == [zlib.crc32(r.tobytes()) for r in rows]


def test_only_constant_columns_give_one_crc():
    assert crc32_columns([np.uint32(0xDEADBEEF)]).tolist() == [zlib.crc32(bytes.fromhex("deadbeef"))]


def test_signed_columns_are_refused():
    with pytest.raises(TypeError, match="unsigned"):
        crc32_columns([np.zeros(3, np.int64)])
