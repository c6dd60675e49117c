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


PAGE_SHIFT = 12  # a page is 2^12 bytes: PAGE_WORDS words
PAGE_WORDS = 1 << (PAGE_SHIFT - 3)
TAG_UNWRITTEN, TAG_INT, TAG_FLOAT = 0, 1, 2


class Memory:
    """Words written by a program, kept in pages: `pages` (ascending page numbers, address >> PAGE_SHIFT),
    `rows` (each page's row in the pools), `pool_bits` (raw 64-bit patterns) and `pool_tags`
    (TAG_UNWRITTEN, TAG_INT or TAG_FLOAT), both shaped (rows, PAGE_WORDS).

    This is the compiled engine's own layout, so its memory is handed over without copying;
    flat arrays of (address, bits, is_float) are built only when asked for (`words()`).
    """

    __slots__ = ("pages", "rows", "pool_bits", "pool_tags", "_words")

    def __init__(self, pages: np.ndarray, rows: np.ndarray, pool_bits: np.ndarray, pool_tags: np.ndarray) -> None:
        self.pages, self.rows = pages, rows
        self.pool_bits, self.pool_tags = pool_bits, pool_tags
        self._words = None

    @classmethod
    def from_words(cls, addrs: np.ndarray, bits: np.ndarray, is_float: np.ndarray) -> "Memory":
        addrs = np.asarray(addrs, dtype=np.int64)
        pages, row_of = np.unique(addrs >> PAGE_SHIFT, return_inverse=True)
        pool_bits = np.zeros((len(pages), PAGE_WORDS), np.int64)
        pool_tags = np.zeros((len(pages), PAGE_WORDS), np.int8)
        offsets = (addrs >> 3) & (PAGE_WORDS - 1)
        pool_bits[row_of, offsets] = bits
        pool_tags[row_of, offsets] = np.where(is_float, TAG_FLOAT, TAG_INT)
        return cls(pages, np.arange(len(pages), dtype=np.int64), pool_bits, pool_tags)

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
        return cls.from_words(addrs, bits, is_float)

    def words(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every written word as flat arrays: addresses (ascending), raw bits, is_float."""
        if self._words is None:
            tags = self.pool_tags[self.rows]
            written = tags != TAG_UNWRITTEN
            offsets = 8 * np.arange(PAGE_WORDS, dtype=np.int64)
            addrs = ((self.pages[:, None] << PAGE_SHIFT) + offsets[None, :])[written]
            self._words = (addrs, self.pool_bits[self.rows][written], tags[written] == TAG_FLOAT)
        return self._words

    def __len__(self) -> int:
        return int(np.count_nonzero(self.pool_tags[self.rows]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Memory):
            return NotImplemented
        return all(np.array_equal(a, b) for a, b in zip(self.words(), other.words()))

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[int, int | float]:
        addrs, bits, is_float = self.words()
        floats = bits.view(np.float64)
        return {int(a): (float(f) if t else int(b)) for a, b, f, t in zip(addrs, bits, floats, is_float)}

    def read(self, addr: int) -> int | float:
        """One word: an int or a float as the program stored it; an unwritten word reads as int 0."""
        _check_address(addr)
        bits, tags = self._lookup(np.array([addr], dtype=np.int64))
        if tags[0] == TAG_FLOAT:
            return float(bits.view(np.float64)[0])
        return int(bits[0])

    def _lookup(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw bits and tags of the words at `wanted` (zeros where unwritten)."""
        if len(self.pages) == 0:
            return np.zeros(len(wanted), np.int64), np.zeros(len(wanted), np.int8)
        page = wanted >> PAGE_SHIFT
        i = np.minimum(np.searchsorted(self.pages, page), len(self.pages) - 1)
        found = self.pages[i] == page
        row = self.rows[i]
        offset = (wanted >> 3) & (PAGE_WORDS - 1)
        return (np.where(found, self.pool_bits[row, offset], 0),
                np.where(found, self.pool_tags[row, offset], TAG_UNWRITTEN).astype(np.int8))

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
            bits, tags = self._lookup(wanted)
            floats = tags == TAG_FLOAT
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
