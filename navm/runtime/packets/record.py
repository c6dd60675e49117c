"""What a decoded packet is: a `Packet` tuple (scalar API) or a `PACKET_DTYPE` row (batch API)."""

from __future__ import annotations

import sys
from typing import NamedTuple

import numpy as np


class Packet(NamedTuple):
    """One node's state. A NamedTuple: immutable, and the cheapest record Python builds.

    `node_id` is a uint32; `timestamp` is integer nanoseconds since the Unix epoch (UTC)."""

    sigma: float
    entropy: float
    purity: float
    node_id: int
    timestamp: int


FIELDS = Packet._fields

# A packet whose six 8-byte words are byte-swapped to native order: `decode_batch`
# swaps a whole buffer in one pass and returns a view of it through this dtype,
# so the fields are native numbers and nothing else is copied. The header word
# (offset 0) and the CRC (the other half of the last word) sit in unnamed gaps.
PACKET_DTYPE = np.dtype({
    "names": list(FIELDS),
    "formats": ["f8", "f8", "f8", "u4", "i8"],
    "offsets": [8, 16, 24, 44 if sys.byteorder == "little" else 40, 32],
    "itemsize": 48,
})
