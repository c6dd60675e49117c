"""encode/decode: the documented bytes, round trips, and every error, named by field."""

from __future__ import annotations

import math
import struct
import zlib

import pytest

from navm.diagnostics import NavmError
from navm.runtime.packets import SIZE, Packet, PacketError, decode, encode
from tests.runtime.packets.forge import forge

NS = 1_700_000_000_000_000_000
GOLDEN = bytes.fromhex(
    "51424350 01 00 0030"            # magic QBCP, version 1, flags 0, length 48
    "3ff8000000000000"                # sigma 1.5
    "3fd0000000000000"                # entropy 0.25
    "3feccccccccccccd"                # purity 0.9
    "17979cfe362a0000"                # timestamp 1.7e18 ns
    "00000007"                        # node_id 7
    "beb842da"                        # crc32 of the 44 bytes before
)


def test_the_documented_bytes():
    assert SIZE == 48
    packet = encode(1.5, 0.25, 0.9, 7, NS)
    assert packet == GOLDEN == forge()
    assert zlib.crc32(packet[:44]) == int.from_bytes(packet[44:], "big")


def test_decode_gives_an_immutable_record():
    p = decode(GOLDEN)
    assert p == Packet(sigma=1.5, entropy=0.25, purity=0.9, node_id=7, timestamp=NS)
    assert type(p) is Packet and p.node_id == 7 and p.timestamp == NS
    with pytest.raises(AttributeError):
        p.sigma = 2.0  # type: ignore[misc]


@pytest.mark.parametrize("data", [GOLDEN, bytearray(GOLDEN), memoryview(GOLDEN)])
def test_decode_takes_any_bytes_like(data):
    assert decode(data) == decode(GOLDEN)


@pytest.mark.parametrize("values", [
    (0.0, 0.0, 0.0, 0, 0),
    (math.nextafter(8.0, 0.0), 1e308, 1.0, 2**32 - 1, 2**63 - 1),
    (5e-324, 5e-324, 5e-324, 1, -(2**63)),
    (-0.0, -0.0, -0.0, 0, -1),
    (3, 2, 1, True, 10),  # ints and bools are numbers
])
def test_round_trip_at_the_edges(values):
    packet = encode(*values)
    assert len(packet) == SIZE
    assert decode(packet) == tuple(values)
    assert encode(*decode(packet)) == packet


def test_numpy_scalars_encode_like_python_numbers():
    np = pytest.importorskip("numpy")
    assert encode(np.float64(1.5), np.float32(0.25), np.float64(0.9), np.uint32(7), np.int64(NS)) == GOLDEN


def test_negative_zero_keeps_its_sign_on_the_wire():
    assert math.copysign(1.0, decode(encode(-0.0, 0.0, 0.0, 0, 0)).sigma) == -1.0


BAD_VALUES = [
    ({"sigma": math.nan}, "sigma", "sigma is NaN"),
    ({"sigma": math.inf}, "sigma", "sigma = inf is not finite"),
    ({"sigma": 8.0}, "sigma", "sigma = 8.0 is not in [0, 8)"),
    ({"sigma": -1e-300}, "sigma", "sigma = -1e-300 is not in [0, 8)"),
    ({"sigma": "1.5"}, "sigma", "sigma must be a real number, got str"),
    ({"sigma": None}, "sigma", "sigma must be a real number, got NoneType"),
    ({"entropy": -0.5}, "entropy", "entropy = -0.5 is negative"),
    ({"entropy": math.inf}, "entropy", "entropy = inf is not finite"),
    ({"entropy": -math.inf}, "entropy", "entropy = -inf is not finite"),
    ({"entropy": math.nan}, "entropy", "entropy is NaN"),
    ({"entropy": 1j}, "entropy", "entropy must be a real number, got complex"),
    ({"purity": 1.0000000000000002}, "purity", "purity = 1.0000000000000002 is not in [0, 1]"),
    ({"purity": -0.1}, "purity", "purity = -0.1 is not in [0, 1]"),
    ({"purity": math.nan}, "purity", "purity is NaN"),
    ({"node_id": -1}, "node_id", "node_id = -1 is negative"),
    ({"node_id": 2**32}, "node_id", "node_id = 4294967296 does not fit in uint32 (max 4294967295)"),
    ({"node_id": 7.0}, "node_id", "node_id must be an integer, got float"),
    ({"node_id": "7"}, "node_id", "node_id must be an integer, got str"),
    ({"timestamp": 2**63}, "timestamp", "timestamp = 9223372036854775808 does not fit in int64 nanoseconds (max"),
    ({"timestamp": -(2**63) - 1}, "timestamp", "timestamp = -9223372036854775809 does not fit in int64 nanoseconds"),
    ({"timestamp": 1.7e9}, "timestamp", "timestamp must be an integer, got float"),
]


def _call(fn, **changes):
    values = {"sigma": 1.5, "entropy": 0.25, "purity": 0.9, "node_id": 7, "timestamp": NS, **changes}
    return fn(**values)


@pytest.mark.parametrize("changes, field, message", BAD_VALUES, ids=lambda v: str(v)[:40])
def test_encode_refuses_bad_values(changes, field, message):
    with pytest.raises(PacketError) as info:
        _call(encode, **changes)
    assert info.value.field == field and info.value.index is None
    assert str(info.value).startswith(f"error: QBC packet: {message}")
    assert isinstance(info.value, NavmError)


# Values that cannot be encoded, forged onto the wire with a correct CRC: decode checks them too.
WIRE_VALUES = [(c, f, m) for c, f, m in BAD_VALUES if f in ("sigma", "entropy", "purity") and type(c[f]) is float]


@pytest.mark.parametrize("changes, field, message", WIRE_VALUES, ids=lambda v: str(v)[:40])
def test_decode_refuses_bad_values_even_with_a_good_crc(changes, field, message):
    with pytest.raises(PacketError) as info:
        decode(forge(**changes))
    assert info.value.field == field and info.value.message == f"QBC packet: {message}"


MALFORMED = [
    (GOLDEN[:47], "length", "expected 48 bytes, got 47 (truncated)"),
    (b"", "length", "expected 48 bytes, got 0 (truncated)"),
    (GOLDEN + b"\0", "length", "expected 48 bytes, got 49 (too long)"),
    (forge(magic=b"QBCQ"), "magic", "bad magic b'QBCQ' (expected b'QBCP')"),
    (forge(version=2), "version", "unsupported format version 2 (this decoder reads version 1)"),
    (forge(version=0), "version", "unsupported format version 0 (this decoder reads version 1)"),
    (forge(flags=0x80), "flags", "unknown flags 0x80 (version 1 defines none)"),
    (forge(length=64), "length", "length field says 64 bytes, version 1 packets are 48"),
    (forge(crc=0), "crc32", "CRC32 mismatch: the packet says 0x00000000, bytes 0..43 give 0xbeb842da"),
    (GOLDEN[:20] + bytes([GOLDEN[20] ^ 1]) + GOLDEN[21:], "crc32", "CRC32 mismatch"),
]


@pytest.mark.parametrize("data, field, message", MALFORMED, ids=lambda v: str(v)[:40])
def test_decode_refuses_malformed_bytes(data, field, message):
    with pytest.raises(PacketError) as info:
        decode(data)
    assert info.value.field == field and info.value.index is None
    assert info.value.message.startswith(f"QBC packet: {message}")


def test_the_header_is_checked_before_the_crc():
    """A packet of another version may have another layout: its CRC means nothing to this decoder."""
    with pytest.raises(PacketError) as info:
        decode(forge(version=2, crc=1))
    assert info.value.field == "version"


def test_decode_refuses_what_is_not_bytes():
    with pytest.raises(TypeError):
        decode("QBCP" * 12)  # type: ignore[arg-type]


def test_struct_layout_matches_the_docs():
    """Each field at its documented offset, read back with struct alone."""
    sigma, entropy, purity = struct.unpack_from(">ddd", GOLDEN, 8)
    (timestamp,), (node_id, crc) = struct.unpack_from(">q", GOLDEN, 32), struct.unpack_from(">II", GOLDEN, 40)
    assert (GOLDEN[:4], GOLDEN[4], GOLDEN[5], GOLDEN[6:8]) == (b"QBCP", 1, 0, b"\x00\x30")
    assert (sigma, entropy, purity, timestamp, node_id) == (1.5, 0.25, 0.9, NS, 7)
    assert crc == zlib.crc32(GOLDEN[:44])
