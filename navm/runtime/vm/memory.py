"""A QBC memory image: sorted word addresses with typed values, read back as words or typed regions.

Both engines hand their final memory over in this one form, so results compare
bit for bit (`==` compares addresses, raw 64-bit patterns and types) and
regions are read with vectorised lookups whatever engine produced them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from navm.diagnostics import NavmError

FIELD_TYPES = {"int": np.dtype(">i8"), "i8": np.dtype(">i8"), "float": np.dtype(">f8"), "f8": np.dtype(">f8")}


class Memory:
    """Words written by a program: `addrs` ascending, `bits` the raw 64-bit patterns, `is_float` the types."""

    __slots__ = ("addrs", "bits", "is_float")

    def __init__(self, addrs: np.ndarray, bits: np.ndarray, is_float: np.ndarray) -> None:
        if len(addrs) > 1 and not bool(np.all(addrs[1:] > addrs[:-1])):
            order = np.argsort(addrs, kind="stable")
            addrs, bits, is_float = addrs[order], bits[order], is_float[order]
        self.addrs = np.ascontiguousarray(addrs, dtype=np.int64)
        self.bits = np.ascontiguousarray(bits, dtype=np.int64)
        self.is_float = np.ascontiguousarray(is_float, dtype=np.bool_)

    @classmethod
    def from_dict(cls, words: Mapping[int, int | float]) -> "Memory":
        addrs = np.fromiter(words.keys(), dtype=np.int64, count=len(words))
        values = list(words.values())
        is_float = np.fromiter((type(v) is float for v in values), dtype=np.bool_, count=len(values))
        bits = np.zeros(len(values), dtype=np.int64)
        if len(values):
            floats = np.array([v if f else 0.0 for v, f in zip(values, is_float)], dtype=np.float64)
            ints = np.array([0 if f else v for v, f in zip(values, is_float)], dtype=np.int64)
            bits = np.where(is_float, floats.view(np.int64), ints)
        return cls(addrs, bits, is_float)

    def __len__(self) -> int:
        return len(self.addrs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Memory):
            return NotImplemented
        return (np.array_equal(self.addrs, other.addrs) and np.array_equal(self.bits, other.bits)
                and np.array_equal(self.is_float, other.is_float))

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[int, int | float]:
        floats = self.bits.view(np.float64)
        return {int(a): (float(f) if t else int(b))
                for a, b, f, t in zip(self.addrs, self.bits, floats, self.is_float)}

    def read(self, addr: int) -> int | float:
        """One word: an int or a float as the program stored it; an unwritten word reads as int 0."""
        _check_address(addr)
        i = int(np.searchsorted(self.addrs, addr))
        if i == len(self.addrs) or self.addrs[i] != addr:
            return 0
        if self.is_float[i]:
            return float(self.bits[i:i + 1].view(np.float64)[0])
        return int(self.bits[i])

    def _lookup(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw bits and float flags of the words at `wanted` (zeros where unwritten)."""
        n = len(self.addrs)
        if n == 0:
            return np.zeros(len(wanted), np.int64), np.zeros(len(wanted), np.bool_)
        i = np.minimum(np.searchsorted(self.addrs, wanted), n - 1)
        found = self.addrs[i] == wanted
        return np.where(found, self.bits[i], 0), found & self.is_float[i]

    def region(self, base: int, entry_size: int, count: int,
               fields: Sequence[tuple[str, str] | tuple[str, int, str]]) -> np.ndarray:
        """`count` entries of `entry_size` bytes from `base`, as a structured array (big-endian fields).

        `fields` lists (name, type) for consecutive words from offset 0, or
        (name, byte_offset, type); types are "int" (int64) or "float" (float64).
        An int word in a float field is converted; a float word in an int field
        is an error naming the address.
        """
        layout = _layout(entry_size, fields)
        _check_address(base)
        if count < 0:
            raise NavmError(f"region: entry count {count} is negative")
        out = np.zeros(count, dtype=[(name, FIELD_TYPES[kind]) for name, _, kind in layout])
        starts = base + entry_size * np.arange(count, dtype=np.int64)
        for name, offset, kind in layout:
            wanted = starts + offset
            bits, floats = self._lookup(wanted)
            if FIELD_TYPES[kind].kind == "i":
                if floats.any():
                    bad = int(wanted[np.argmax(floats)])
                    raise NavmError(f"region: field '{name}' is an int field, but the word at address {bad} "
                                    "holds a float")
                out[name] = bits
            else:
                out[name] = np.where(floats, bits.view(np.float64), bits.astype(np.float64))
        return out


def _check_address(addr: int) -> None:
    if not isinstance(addr, (int, np.integer)) or isinstance(addr, bool):
        raise NavmError(f"address {addr!r} is not an int")
    if addr % 8:
        raise NavmError(f"address {addr} is not a multiple of 8")


def _layout(entry_size: int, fields) -> list[tuple[str, int, str]]:
    if entry_size <= 0 or entry_size % 8:
        raise NavmError(f"region: entry size {entry_size} is not a positive multiple of 8")
    layout = []
    for k, spec in enumerate(fields):
        if len(spec) == 2:
            name, kind = spec
            offset = 8 * k
        elif len(spec) == 3:
            name, offset, kind = spec
        else:
            raise NavmError(f"region: field {spec!r} is not (name, type) or (name, offset, type)")
        if kind not in FIELD_TYPES:
            raise NavmError(f"region: field '{name}' has type {kind!r}; use 'int' or 'float'")
        if offset < 0 or offset % 8 or offset + 8 > entry_size:
            raise NavmError(f"region: field '{name}' at offset {offset} is not a word inside a "
                            f"{entry_size}-byte entry")
        layout.append((name, offset, kind))
    names = [n for n, _, _ in layout]
    if len(set(names)) != len(names):
        raise NavmError(f"region: duplicate field names in {names}")
    return layout
