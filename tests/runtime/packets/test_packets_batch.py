"""encode_batch/decode_batch: the same bytes as the scalar API, every input form, every error with its index."""

from __future__ import annotations

import math

import numpy as np
import pytest

from navm.runtime.packets import (
    PACKET_DTYPE,
    SIZE,
    WIRE_DTYPE,
    PacketError,
    decode,
    decode_batch,
    encode,
    encode_batch,
)
from tests.runtime.packets.forge import forge

NS = 1_700_000_000_000_000_000
COLUMNS = (
    np.array([0.0, 1.5, 7.999, 4.0, 2.25]),
    np.array([0.0, 0.25, 1e300, 3.0, 0.5]),
    np.array([0.0, 0.9, 1.0, 0.5, 0.125]),
    np.array([0, 7, 2**32 - 1, 12, 99], dtype=np.int64),
    np.array([NS, NS + 1, -1, 2**63 - 1, -(2**63)], dtype=np.int64),
)
ROWS = list(zip(*(c.tolist() for c in COLUMNS)))
WIRE = b"".join(encode(*r) for r in ROWS)


def test_encode_batch_gives_the_scalar_bytes():
    rows = encode_batch(*COLUMNS)
    assert rows.shape == (5, SIZE) and rows.dtype == np.uint8
    assert rows.tobytes() == WIRE
    assert [r.tobytes() for r in rows] == [encode(*r) for r in ROWS]


def test_encode_batch_takes_lists_and_broadcasts_scalars():
    rows = encode_batch([1.5, 2.0], 0.25, [0.9, 1.0], [7, 8], NS)
    assert rows.tobytes() == encode(1.5, 0.25, 0.9, 7, NS) + encode(2.0, 0.25, 1.0, 8, NS)


def test_encode_batch_takes_a_structured_array():
    records = np.zeros(5, dtype=[("timestamp", ">i8"), ("purity", "f4"), ("node_id", "u2"), ("extra", "S3"),
                                 ("sigma", "f8"), ("entropy", ">f8")])
    for name, column in zip(("sigma", "entropy", "purity", "node_id", "timestamp"), COLUMNS):
        if name != "purity" and name != "node_id":
            records[name] = column
    records["purity"], records["node_id"] = [0.0, 0.5, 1.0, 0.25, 0.125], [0, 1, 65535, 3, 4]
    expected = b"".join(encode(r["sigma"], r["entropy"], float(r["purity"]), int(r["node_id"]), int(r["timestamp"]))
                        for r in records)
    assert encode_batch(records).tobytes() == expected


def test_decode_batch_gives_the_scalar_records():
    out = decode_batch(WIRE)
    assert out.dtype == PACKET_DTYPE and out.shape == (5,)
    assert [tuple(r.item()) for r in out] == [tuple(decode(WIRE[i * SIZE:(i + 1) * SIZE])) for i in range(5)]
    assert out["sigma"].dtype == np.float64 and out["sigma"].dtype.isnative
    assert out["node_id"].dtype == np.uint32 and out["timestamp"].dtype == np.int64
    assert out["timestamp"].tolist() == COLUMNS[4].tolist()


def test_decode_then_encode_is_the_identity():
    assert encode_batch(decode_batch(WIRE)).tobytes() == WIRE


@pytest.mark.parametrize("make", [
    bytes, bytearray, memoryview,
    lambda b: np.frombuffer(b, np.uint8).reshape(-1, SIZE),
    lambda b: np.frombuffer(b, np.uint8).reshape(-1, SIZE).copy().view(WIRE_DTYPE),
    lambda b: np.repeat(np.frombuffer(b, np.uint8).reshape(-1, SIZE), 2, axis=0)[::2],  # not contiguous
], ids=["bytes", "bytearray", "memoryview", "rows", "wire-dtype", "strided"])
def test_decode_batch_takes_any_buffer(make):
    assert decode_batch(make(WIRE)).tobytes() == decode_batch(WIRE).tobytes()


def test_decode_batch_does_not_alias_its_input():
    data = bytearray(WIRE)
    out = decode_batch(data)
    out["sigma"][:] = 0.0
    assert bytes(data) == WIRE


def test_the_wire_dtype_reads_encoded_rows():
    wire = encode_batch(*COLUMNS).reshape(-1).view(WIRE_DTYPE)
    assert wire["magic"].tolist() == [b"QBCP"] * 5 and set(wire["length"].tolist()) == {48}
    assert wire["node_id"].tolist() == COLUMNS[3].tolist() and wire["purity"].tolist() == COLUMNS[2].tolist()


def test_empty_batches():
    assert encode_batch([], [], [], [], []).shape == (0, SIZE)
    assert decode_batch(b"").shape == (0,)


def _bad(column: int, value, index: int = 3) -> list[np.ndarray]:
    cols = [c.copy() for c in COLUMNS]
    cols[column][index] = value
    return cols


BAD_VALUES = [
    (0, math.nan, "sigma", "sigma is NaN"),
    (0, 8.0, "sigma", "sigma = 8.0 is not in [0, 8)"),
    (0, -math.inf, "sigma", "sigma = -inf is not finite"),
    (1, -1.0, "entropy", "entropy = -1.0 is negative"),
    (1, math.inf, "entropy", "entropy = inf is not finite"),
    (2, 1.5, "purity", "purity = 1.5 is not in [0, 1]"),
    (2, math.nan, "purity", "purity is NaN"),
    (3, -1, "node_id", "node_id = -1 is negative"),
    (3, 2**32, "node_id", "node_id = 4294967296 does not fit in uint32"),
]


@pytest.mark.parametrize("column, value, field, message", BAD_VALUES, ids=lambda v: str(v)[:30])
def test_encode_batch_names_the_packet_and_the_field(column, value, field, message):
    with pytest.raises(PacketError) as info:
        encode_batch(*_bad(column, value))
    assert (info.value.index, info.value.field) == (3, field)
    assert info.value.message.startswith(f"QBC packet 3: {message}") and info.value.notes == ()


def test_encode_batch_rejects_timestamps_beyond_int64():
    ts = np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64)
    with pytest.raises(PacketError) as info:
        encode_batch(np.zeros(4), np.zeros(4), np.zeros(4), np.zeros(4, np.uint32), ts)
    assert (info.value.index, info.value.field) == (2, "timestamp")
    assert "timestamp = 9223372036854775808 does not fit in int64" in info.value.message
    assert info.value.notes == ("1 more packet in this batch is invalid",)


def test_encode_batch_counts_the_other_bad_packets():
    with pytest.raises(PacketError) as info:
        encode_batch(math.nan, 0.0, 0.0, [1, 2, 3], 0)
    assert info.value.index == 0 and info.value.notes == ("2 more packets in this batch are invalid",)
    assert "note: 2 more packets" in info.value.render()


@pytest.mark.parametrize("args, field, message", [
    ((COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3].astype(float), COLUMNS[4]), "node_id",
     "node_id must be integers, got an array of float64"),
    ((COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4] / 1e9), "timestamp",
     "timestamp must be integers, got an array of float64"),
    ((["a"] * 5, *COLUMNS[1:]), "sigma", "sigma must be real numbers, got an array of <U1"),
    ((COLUMNS[0], COLUMNS[1] + 0j, *COLUMNS[2:]), "entropy", "entropy must be real numbers, got an array of complex128"),
    ((COLUMNS[0].reshape(5, 1), *COLUMNS[1:]), "sigma", "sigma must be one value per packet (a 1-D array)"),
    ((COLUMNS[0][:4], *COLUMNS[1:]), "length", "the arrays have different lengths (sigma 4, entropy 5,"),
])
def test_encode_batch_rejects_unusable_columns(args, field, message):
    with pytest.raises(PacketError) as info:
        encode_batch(*args)
    assert info.value.field == field and info.value.index is None
    assert info.value.message.startswith(f"QBC packet: {message}")


def test_encode_batch_rejects_records_without_a_field():
    records = np.zeros(2, dtype=[("sigma", "f8"), ("entropy", "f8"), ("purity", "f8"), ("node_id", "u4")])
    with pytest.raises(PacketError, match="the records have no timestamp field") as info:
        encode_batch(records)
    assert info.value.field == "timestamp"


@pytest.mark.parametrize("args", [(COLUMNS[0],), (COLUMNS[0], COLUMNS[1])])
def test_encode_batch_wants_five_columns_or_records(args):
    with pytest.raises(TypeError, match="encode_batch takes"):
        encode_batch(*args)


def test_decode_batch_reports_a_truncated_last_packet():
    with pytest.raises(PacketError) as info:
        decode_batch(WIRE[:-44])
    assert (info.value.index, info.value.field) == (4, "length")
    assert info.value.message == "QBC packet 4: expected 48 bytes, got 4 (truncated)"


MALFORMED = [
    (forge(magic=b"XBCP"), "magic", "bad magic b'XBCP' (expected b'QBCP')"),
    (forge(version=9), "version", "unsupported format version 9"),
    (forge(flags=1), "flags", "unknown flags 0x01"),
    (forge(length=47), "length", "length field says 47 bytes"),
    (forge(crc=0xDEADBEEF), "crc32", "CRC32 mismatch: the packet says 0xdeadbeef"),
    (forge(sigma=math.nan), "sigma", "sigma is NaN"),
    (forge(sigma=-2.0), "sigma", "sigma = -2.0 is not in [0, 8)"),
    (forge(entropy=-math.inf), "entropy", "entropy = -inf is not finite"),
    (forge(purity=2.0), "purity", "purity = 2.0 is not in [0, 1]"),
]


@pytest.mark.parametrize("packet, field, message", MALFORMED, ids=lambda v: str(v)[:30])
@pytest.mark.parametrize("index", [0, 2, 4])
def test_decode_batch_names_the_packet_and_the_field(packet, field, message, index):
    data = WIRE[: index * SIZE] + packet + WIRE[(index + 1) * SIZE:]
    with pytest.raises(PacketError) as info:
        decode_batch(data)
    assert (info.value.index, info.value.field) == (index, field)
    assert info.value.message.startswith(f"QBC packet {index}: {message}")
    with pytest.raises(PacketError) as scalar:
        decode(packet)
    assert scalar.value.message.removeprefix("QBC packet: ") == info.value.message.removeprefix(f"QBC packet {index}: ")


def test_decode_batch_reports_the_first_bad_packet_and_counts_the_rest():
    data = WIRE[:SIZE] + forge(crc=1) + forge(purity=-1.0) + forge(version=3)
    with pytest.raises(PacketError) as info:
        decode_batch(data)
    assert (info.value.index, info.value.field) == (1, "crc32")
    assert info.value.notes == ("2 more packets in this batch are invalid",)
