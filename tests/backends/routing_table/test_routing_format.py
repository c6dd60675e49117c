"""The binary format byte by byte: header, schema, records, checksum (docs/routing-table.md)."""

from __future__ import annotations

import struct
import zlib

import numpy as np

from navm.backends.routing_table import FIELDS, RECORD_DTYPE, RoutingTable, decode, encode, from_device, load
from navm.backends.routing_table.layout import HEADER_SIZE
from tests.backends.routing_table.tables import ring_columns, ring_table
from tests.helpers import TESTS

EXAMPLES = TESTS.parent / "examples" / "routes"


def test_record_fields_tile_128_bytes_in_order():
    ends = [f.offset + f.size for f in FIELDS]
    assert [f.offset for f in FIELDS] == [0] + ends[:-1]
    assert ends[-1] == 128 == RECORD_DTYPE.itemsize
    assert HEADER_SIZE == 512


def test_header_bytes():
    data = encode(ring_table(6))
    assert data[:8] == b"NAVMROUT"
    version, header_size, record_size, field_count, count, crc, reserved = struct.unpack_from(">HHHHQII", data, 8)
    assert (version, header_size, record_size, field_count, count, reserved) == (1, 512, 128, 13, 6, 0)
    zeroed = data[:24] + b"\0\0\0\0" + data[28:]
    assert crc == zlib.crc32(zeroed)
    assert len(data) == 512 + 6 * 128
    assert data[32 + 32 * 13:512] == bytes(512 - 32 - 32 * 13)


def test_schema_bytes():
    data = encode(ring_table(3))
    entries = [struct.unpack_from(">20s4sHHI", data, 32 + 32 * k) for k in range(13)]
    assert entries[0] == (b"node_id".ljust(20, b"\0"), b"i4\0\0", 0, 1, 0)
    assert entries[2] == (b"x_um".ljust(20, b"\0"), b"f8\0\0", 8, 1, 0)
    assert entries[9] == (b"record_addr".ljust(20, b"\0"), b"i8\0\0", 56, 1, 0)
    assert entries[11] == (b"neighbours".ljust(20, b"\0"), b"i4\0\0", 72, 12, 0)
    assert entries[12] == (b"reserved".ljust(20, b"\0"), b"u1\0\0", 120, 8, 0)


def test_record_bytes_are_big_endian_at_documented_offsets():
    cols = ring_columns(3)
    cols["x_um"] = np.array([0.0, 1.5, -2.25])
    data = encode(RoutingTable.from_columns(cols))
    r1 = 512 + 128
    assert struct.unpack_from(">ii", data, r1) == (1, 101)
    assert struct.unpack_from(">ddddd", data, r1 + 8) == (1.5, 0.0, 8 / 3, cols["j_re"][1], cols["j_im"][1])
    assert struct.unpack_from(">iiqd", data, r1 + 48) == (0, 2, 0x1080, 0.99)
    assert struct.unpack_from(">12i", data, r1 + 72) == (0, 2) + (-1,) * 10
    assert data[r1 + 120:r1 + 128] == bytes(8)


def test_round_trip_and_empty_table():
    table = from_device("square-16x16")
    assert decode(encode(table)) == table
    empty = RoutingTable(np.zeros(0, dtype=RECORD_DTYPE))
    data = encode(empty)
    assert len(data) == 512 and len(decode(data)) == 0


def test_decoded_records_are_read_only_views():
    table = decode(encode(ring_table()))
    assert not table.records.flags.writeable


def test_checked_in_examples_match_the_producer():
    """examples/routes/test-small.bin is what `navm routes build --device test-small` writes: a change to the
    format shows up here (and needs a version bump) before it reaches anyone's files. j comes from
    cos/sin, which may differ in the last bit between machines, so it is compared to 1e-12."""
    table = from_device("test-small")
    stored = load(EXAMPLES / "test-small.bin")
    data = (EXAMPLES / "test-small.bin").read_bytes()
    assert data[:24] == encode(table)[:24] and data[28:512] == encode(table)[28:512]
    for name in RECORD_DTYPE.names:
        if name in ("j_re", "j_im"):
            np.testing.assert_allclose(stored.records[name], table.records[name], rtol=0, atol=1e-12)
        else:
            assert np.array_equal(stored.records[name], table.records[name]), name
