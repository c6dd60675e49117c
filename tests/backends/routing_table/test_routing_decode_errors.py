"""Every way a binary file can be wrong gets its own clear NavmError (and `navm routes show` exits 2)."""

from __future__ import annotations

import struct

import pytest

from navm.backends.routing_table import decode, encode, load
from navm.backends.routing_table.layout import HEADER_SIZE, SCHEMA_ENTRY
from navm.diagnostics import NavmError
from tests.backends.routing_table.tables import patched, ring_table, with_checksum
from tests.helpers import run_cli

GOOD = encode(ring_table(6))
RECORD_1 = HEADER_SIZE + 128


def schema_entry(k: int, name: str, type_code: str, offset: int, count: int = 1) -> bytes:
    return with_checksum(GOOD[:32 + 32 * k] + SCHEMA_ENTRY.pack(name.encode(), type_code.encode(), offset, count, 0)
                         + GOOD[32 + 32 * (k + 1):])


CASES = {
    "empty": (b"", "truncated: 0 bytes, shorter than the 32-byte header"),
    "cut in the magic": (GOOD[:5], "truncated: 5 bytes, shorter than the 32-byte header"),
    "cut in the header": (GOOD[:20], "truncated: 20 bytes, shorter than the 32-byte header"),
    "cut in the schema": (GOOD[:300], "truncated: 300 bytes, shorter than the 512-byte header and schema"),
    "cut in a record": (GOOD[:-50], "truncated: the file ends 78 bytes into record 5 (records are 128 bytes)"),
    "bad magic": (b"XAVMROUT" + GOOD[8:], "not a navm routing table: the file starts with b'XAVMROUT', "
                                          "expected the magic b'NAVMROUT'"),
    "short bad magic": (b"PK\x03", "not a navm routing table: the file starts with b'PK\\x03'"),
    "json-looking text": (b"hello", "not a navm routing table"),
    "newer version": (patched(GOOD, 8, ">H", 2), "routing table format version 2 is not supported "
                                                 "(this navm reads version 1)"),
    "version 0": (patched(GOOD, 8, ">H", 0, recrc=False), "format version 0 is not supported"),
    "record size": (patched(GOOD, 12, ">H", 64), "header says records are 64 bytes; format 1 records are 128"),
    "header size too small": (patched(GOOD, 10, ">H", 256), "header size 256 does not hold the 13-field schema "
                                                            "(448 bytes)"),
    "header size unaligned": (patched(GOOD, 10, ">H", 520), "header size 520 does not hold"),
    "checksum, record byte": (bytes(GOOD[:RECORD_1 + 9]) + bytes([GOOD[RECORD_1 + 9] ^ 0x01]) + GOOD[RECORD_1 + 10:],
                              "checksum mismatch: the header says CRC-32 0x"),
    "checksum, header byte": (patched(GOOD, 28, ">I", 7, recrc=False), "(the file is corrupt)"),
    "checksum field itself": (patched(GOOD, 24, ">I", 0, recrc=False), "checksum mismatch"),
    "count too high": (patched(GOOD, 16, ">Q", 7), "entry count 7 in the header does not match the file: it "
                                                   "holds 6 record(s) (768 bytes after the 512-byte header)"),
    "count too low": (patched(GOOD, 16, ">Q", 5), "entry count 5 in the header does not match the file: it holds 6"),
    "whole record missing": (with_checksum(GOOD[:-128]), "entry count 6 in the header does not match the file: "
                                                         "it holds 5 record(s)"),
    "extra record": (with_checksum(GOOD + bytes(128)), "entry count 6 in the header does not match the file: "
                                                       "it holds 7 record(s)"),
    "schema: renamed field": (schema_entry(2, "x_mm", "f8", 8), "record schema not understood: field 2 is 'x_mm' "
                                                                "f8×1 at byte 8, expected 'x_um' f8×1 at byte 8"),
    "schema: other type": (schema_entry(0, "node_id", "i8", 0), "field 0 is 'node_id' i8×1 at byte 0, expected "
                                                                "'node_id' i4×1 at byte 0"),
    "schema: moved field": (schema_entry(3, "y_um", "f8", 24), "field 3 is 'y_um' f8×1 at byte 24"),
    "schema: fewer neighbours": (schema_entry(11, "neighbours", "i4", 72, 10), "field 11 is 'neighbours' i4×10"),
    "schema: missing fields": (patched(GOOD, 14, ">H", 12), "field 12 is nothing, expected 'reserved' u1×8 "
                                                            "at byte 120"),
    "schema: unknown extra field": (
        with_checksum(struct.pack(">H", 14).join((GOOD[:14], GOOD[16:32 + 32 * 13]))
                      + SCHEMA_ENTRY.pack(b"colour", b"u1", 120, 1, 0) + GOOD[32 + 32 * 14:]),
        "record schema not understood: unknown extra field 'colour' (format 1 has 13 fields)"),
    "record: fidelity 0": (patched(GOOD, RECORD_1 + 64, ">d", 0.0), "entry 1 (byte 704) (node 1): fidelity 0.0 is "
                                                                   "outside (0, 1]"),
    "record: neighbour count 13": (patched(GOOD, RECORD_1 + 52, ">i", 13), "neighbour_count 13 is outside 0..12"),
    "record: count below the list": (patched(GOOD, RECORD_1 + 52, ">i", 1), "neighbour_count is 1 but the list is "
                                                                          "[0, 2, -1, -1, -1, -1, -1, -1, -1, -1, "
                                                                          "-1, -1]: unused slots must be -1"),
    "record: duplicate id": (patched(GOOD, RECORD_1 + 128, ">i", 1), "entry 2 (byte 768) (node 1): node_id 1 is "
                                                                    "already used by entry 1"),
}


@pytest.mark.parametrize("data, message", CASES.values(), ids=CASES.keys())
def test_decode_error(data, message):
    with pytest.raises(NavmError) as info:
        decode(data, "t.bin")
    assert info.value.message.startswith("t.bin: ")
    assert message in info.value.message
    assert info.value.loc is None


def test_good_bytes_decode():
    assert decode(GOOD) == ring_table(6)
    assert decode(bytearray(GOOD)) == ring_table(6)


def test_load_names_the_file_and_cli_exits_2(tmp_path, capsys):
    path = tmp_path / "broken.bin"
    path.write_bytes(GOOD[:-50])
    with pytest.raises(NavmError, match="broken.bin: truncated"):
        load(path)
    rc, out, err = run_cli("routes", "show", str(path), capsys=capsys)
    assert rc == 2 and out == ""
    assert err.startswith(f"error: {path}: truncated: the file ends 78 bytes into record 5")
    assert "Traceback" not in err


def test_missing_file(tmp_path):
    with pytest.raises(NavmError, match="cannot read routing table '.*nope.bin': No such file"):
        load(tmp_path / "nope.bin")
