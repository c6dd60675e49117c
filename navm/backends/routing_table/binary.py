"""The binary routing-table format: encode a table to bytes, decode and validate bytes into a table.

Layout (docs/routing-table.md): a fixed 32-byte header, the field schema, zero
padding to `header_size`, then `entry_count` records of 128 bytes. The CRC-32
covers every byte of the file with the checksum field itself read as zeros.
Decoding is a view of the buffer (no per-record Python), checked in this
order: magic, header length, version, header fields, file length against the
entry count, checksum, schema, then the records' own rules (checks.py).
"""

from __future__ import annotations

import zlib
import numpy as np

from navm.backends.routing_table.checks import first_problem
from navm.backends.routing_table.layout import (
    CHECKSUM_OFFSET,
    FIELDS,
    FORMAT_VERSION,
    HEADER,
    HEADER_SIZE,
    MAGIC,
    RECORD_DTYPE,
    RECORD_SIZE,
    SCHEMA_ENTRY,
    parse_schema_entry,
    schema_bytes,
)
from navm.backends.routing_table.table import RoutingTable, problem_error
from navm.diagnostics import NavmError

Buffer = bytes | bytearray | memoryview

_ZERO_CHECKSUM = b"\0\0\0\0"


def _header(count: int, checksum: int) -> bytes:
    fixed = HEADER.pack(MAGIC, FORMAT_VERSION, HEADER_SIZE, RECORD_SIZE, len(FIELDS), count, checksum, 0)
    return (fixed + schema_bytes()).ljust(HEADER_SIZE, b"\0")


def _crc(header: bytes | memoryview, records: Buffer) -> int:
    """CRC-32 (zlib, IEEE 802.3 polynomial) of header + records, the checksum field counted as zeros."""
    crc = zlib.crc32(header[:CHECKSUM_OFFSET])
    crc = zlib.crc32(_ZERO_CHECKSUM, crc)
    crc = zlib.crc32(header[CHECKSUM_OFFSET + 4:], crc)
    return zlib.crc32(records, crc)


def encode_parts(table: RoutingTable) -> tuple[bytes, memoryview]:
    """The header and a view of the records: write both, in order, to get the file (no 25 MB copy)."""
    records = memoryview(np.ascontiguousarray(table.records)).cast("B")
    header = _header(len(table), 0)
    header = _header(len(table), _crc(header, records))
    return header, records


def encode(table: RoutingTable) -> bytes:
    """The whole file as one bytes object."""
    header, records = encode_parts(table)
    return header + records.tobytes()


# ---------------------------------------------------------------- decoding


def _fail(name: str, message: str) -> NavmError:
    return NavmError(f"{name}: {message}")


def _read_header(data: memoryview, name: str) -> tuple[int, int, int, int, int]:
    head = bytes(data[:len(MAGIC)])
    if head != MAGIC[:len(head)]:
        raise _fail(name, f"not a navm routing table: the file starts with {head!r}, expected the magic {MAGIC!r}")
    if len(data) < HEADER.size:
        raise _fail(name, f"truncated: {len(data)} bytes, shorter than the {HEADER.size}-byte header")
    _, version, header_size, record_size, field_count, count, checksum, _ = HEADER.unpack(data[:HEADER.size])
    if version != FORMAT_VERSION:
        raise _fail(name, f"routing table format version {version} is not supported (this navm reads "
                          f"version {FORMAT_VERSION})")
    if record_size != RECORD_SIZE:
        raise _fail(name, f"header says records are {record_size} bytes; format {FORMAT_VERSION} records "
                          f"are {RECORD_SIZE}")
    schema_end = HEADER.size + SCHEMA_ENTRY.size * field_count
    if header_size < schema_end or header_size % RECORD_SIZE:
        raise _fail(name, f"header size {header_size} does not hold the {field_count}-field schema "
                          f"({schema_end} bytes) rounded up to a multiple of {RECORD_SIZE}")
    return header_size, field_count, count, checksum, schema_end


def _check_length(size: int, header_size: int, count: int, name: str) -> None:
    if size < header_size:
        raise _fail(name, f"truncated: {size} bytes, shorter than the {header_size}-byte header and schema")
    body = size - header_size
    if body % RECORD_SIZE:
        row, into = divmod(body, RECORD_SIZE)
        raise _fail(name, f"truncated: the file ends {into} bytes into record {row} "
                          f"(records are {RECORD_SIZE} bytes)")
    held = body // RECORD_SIZE
    if held != count:
        raise _fail(name, f"entry count {count} in the header does not match the file: it holds {held} "
                          f"record(s) ({body} bytes after the {header_size}-byte header)")


def _check_schema(data: memoryview, field_count: int, name: str) -> None:
    found = [parse_schema_entry(bytes(data[at:at + SCHEMA_ENTRY.size]))
             for at in range(HEADER.size, HEADER.size + SCHEMA_ENTRY.size * field_count, SCHEMA_ENTRY.size)]
    for k, expected in enumerate(FIELDS):
        got = found[k] if k < len(found) else None
        if got != expected:
            seen = (f"'{got.name}' {got.type}×{got.count} at byte {got.offset}" if got else "nothing")
            raise _fail(name, f"record schema not understood: field {k} is {seen}, expected "
                              f"'{expected.name}' {expected.type}×{expected.count} at byte {expected.offset} "
                              f"(format {FORMAT_VERSION})")
    if len(found) > len(FIELDS):
        extra = found[len(FIELDS)]
        raise _fail(name, f"record schema not understood: unknown extra field '{extra.name}' "
                          f"(format {FORMAT_VERSION} has {len(FIELDS)} fields)")


def decode(data: Buffer, name: str = "<routing table>") -> RoutingTable:
    """A table from the bytes of a binary routing-table file; NavmError naming `name` if they are not one."""
    view = memoryview(data).cast("B")
    header_size, field_count, count, checksum, _ = _read_header(view, name)
    _check_length(len(view), header_size, count, name)
    actual = _crc(view[:header_size], view[header_size:])
    if actual != checksum:
        raise _fail(name, f"checksum mismatch: the header says CRC-32 {checksum:#010x}, the contents give "
                          f"{actual:#010x} (the file is corrupt)")
    _check_schema(view, field_count, name)
    records = np.frombuffer(view, dtype=RECORD_DTYPE, count=count, offset=header_size)
    problem = first_problem(records)
    if problem is not None:
        field_offset = RECORD_DTYPE.fields[problem.field][1]
        raise problem_error(problem, records, name,
                            lambda row: f"entry {row} (byte {header_size + RECORD_SIZE * row + field_offset})")
    return RoutingTable.checked(records)
