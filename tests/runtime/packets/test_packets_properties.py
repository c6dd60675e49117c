"""Properties (hypothesis): round trips, scalar and batch agree byte for byte, any one-byte change is caught."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from navm.runtime.packets import SIZE, PacketError, decode, decode_batch, encode, encode_batch

SETTINGS = settings(max_examples=200, deadline=None)
SIGMA = st.floats(0.0, 8.0, exclude_max=True)
ENTROPY = st.floats(0.0, allow_infinity=False)
PURITY = st.floats(0.0, 1.0)
NODE = st.integers(0, 2**32 - 1)
TIME = st.integers(-(2**63), 2**63 - 1)
VALUES = st.tuples(SIGMA, ENTROPY, PURITY, NODE, TIME)


@SETTINGS
@given(VALUES)
def test_scalar_round_trip(values):
    packet = encode(*values)
    assert len(packet) == SIZE and decode(packet) == values
    assert encode(*decode(packet)) == packet


@SETTINGS
@given(st.lists(VALUES, max_size=40))
def test_batch_and_scalar_agree_byte_for_byte(rows):
    columns = [np.array(c, dtype=t) for c, t in
               zip(zip(*rows), ("f8", "f8", "f8", "u4", "i8"))] if rows else [[]] * 5
    wire = encode_batch(*columns)
    assert wire.tobytes() == b"".join(encode(*r) for r in rows)
    decoded = decode_batch(wire.tobytes())
    assert [tuple(r.item()) for r in decoded] == [decode(encode(*r)) for r in rows]
    assert encode_batch(decoded).tobytes() == wire.tobytes()


def _error(fn, *args) -> PacketError:
    try:
        fn(*args)
    except PacketError as e:
        return e
    raise AssertionError(f"{fn.__name__} accepted a bad packet")


@SETTINGS
@given(st.lists(VALUES, min_size=1, max_size=8), st.data())
def test_any_one_byte_change_is_caught_the_same_way(rows, data):
    wire = bytearray(b"".join(encode(*r) for r in rows))
    at = data.draw(st.integers(0, len(wire) - 1))
    wire[at] ^= data.draw(st.integers(1, 255))
    index = at // SIZE
    scalar = _error(decode, bytes(wire[index * SIZE:(index + 1) * SIZE]))
    batch = _error(decode_batch, bytes(wire))
    assert (batch.index, batch.field) == (index, scalar.field)
    assert batch.message.split(": ", 1)[1] == scalar.message.split(": ", 1)[1]
    assert scalar.field in {"magic", "version", "flags", "length", "crc32"}


BAD = st.one_of(
    st.tuples(st.just(0), st.one_of(st.floats(8.0), st.floats(max_value=-1e-320), st.just(float("nan")))),
    st.tuples(st.just(1), st.one_of(st.floats(max_value=-1e-320), st.just(float("inf")), st.just(float("nan")))),
    st.tuples(st.just(2), st.one_of(st.floats(1.0, exclude_min=True), st.floats(max_value=-1e-320))),
    st.tuples(st.just(3), st.one_of(st.integers(-(2**63), -1), st.integers(2**32, 2**63 - 1))),
)


@SETTINGS
@given(st.lists(VALUES, min_size=1, max_size=6), BAD, st.data())
def test_bad_values_are_refused_the_same_way(rows, bad, data):
    index = data.draw(st.integers(0, len(rows) - 1))
    column, value = bad
    row = list(rows[index])
    row[column] = value
    scalar = _error(encode, *row)
    columns = [np.array(c, dtype=t) for c, t in zip(zip(*rows), ("f8", "f8", "f8", "i8", "i8"))]
    columns[column][index] = value
    batch = _error(encode_batch, *columns)
    assert (batch.index, batch.field, scalar.field) == (index, scalar.field, ("sigma", "entropy", "purity",
                                                                                "node_id")[column])
    assert batch.message.split(": ", 1)[1] == scalar.message.split(": ", 1)[1]
