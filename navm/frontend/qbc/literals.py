"""Reading operand text: splitting an operand list and classifying each operand.

An instruction's operand list reaches us as one string (one Lark token, see
parser.py). `split_operands` cuts it at commas keeping each operand's offset, and
`classify` turns one operand's text into a `Raw` value with one compiled regex.
Nothing here knows about constants or labels: names stay names.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from navm.ir.instruction_set import NUM_REGISTERS

INT64_MIN = -(1 << 63)
UINT64_MAX = (1 << 64) - 1

# Raw operand tags.
REG = "reg"  # value: register number
INT = "int"  # value: int, wrapped to signed int64
FLOAT = "float"  # value: float
QUBIT = "qubit"  # value: qubit index
QUBIT_REG = "qubit_reg"  # value: register number holding the index
QUBIT_NAME = "qubit_name"  # value: constant name used as index, q[NAME]
NAME = "name"  # value: a constant or label name
BAD = "bad"  # value: error message


class Raw(NamedTuple):
    """One operand as written: its tag, value and text (for messages)."""

    tag: str
    value: int | float | str
    text: str


_INT = r"[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+)"
_FLOAT = r"[+-]?(?:[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"

_OPERAND = re.compile(
    rf"""
      (?P<reg>[rR][0-9]+)
    | (?P<qubit>[qQ][0-9]+)
    | [qQ]\[[ \t]*(?:(?P<qreg>[rR][0-9]+)|(?P<qint>{_INT})|(?P<qname>{_NAME}))[ \t]*\]
    | (?P<float>{_FLOAT})
    | (?P<int>{_INT})
    | (?P<neg>-[ \t]*{_NAME})
    | (?P<name>{_NAME})
    """,
    re.VERBOSE | re.ASCII,
)
_NAME_RE = re.compile(_NAME, re.ASCII)
_REG_OR_QUBIT = re.compile(r"[rRqQ][0-9]+", re.ASCII)


def parse_int(text: str) -> int | None:
    """A decimal or hex literal as a signed int64, or None if it needs more than 64 bits.

    Values in [2**63, 2**64) wrap (0xFFFFFFFFFFFFFFFF is -1); below -2**63 or
    above 2**64 - 1 is out of range.
    """
    body = text.lstrip("+-")
    if len(body.lstrip("0xX")) > 20:  # more digits than any 64-bit value (and int() has a digit limit)
        return None
    value = int(body, 16) if body[:2] in ("0x", "0X") else int(body)
    if text.startswith("-"):
        value = -value
    if value < INT64_MIN or value > UINT64_MAX:
        return None
    return value - (1 << 64) if value >= (1 << 63) else value


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters for a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _register(text: str) -> Raw | None:
    number = parse_int(text[1:])
    if number is None or not 0 <= number < NUM_REGISTERS:
        return None
    return Raw(REG, number, text)


def _qubit(index_text: str, whole: str) -> Raw:
    index = parse_int(index_text)
    if index is None or index < 0:
        return Raw(BAD, f"qubit index in {shorten(whole)} must be a non-negative 64-bit integer", whole)
    return Raw(QUBIT, index, whole)


def _no_register(text: str, whole: str) -> Raw:
    return Raw(BAD, f"there is no register {shorten(text)} (registers are r0..r{NUM_REGISTERS - 1})", whole)


def classify(text: str) -> Raw:
    """Classify one operand's text (already stripped of surrounding blanks)."""
    m = _OPERAND.fullmatch(text)
    if m is None:
        return _unreadable(text)
    kind = m.lastgroup
    if kind == "reg":
        return _register(text) or _no_register(text, text)
    if kind == "qubit":
        return _qubit(text[1:], text)
    if kind == "float":
        value = float(text)
        if math.isinf(value):
            return Raw(BAD, f"float literal {shorten(text)} is out of range", text)
        return Raw(FLOAT, value, text)
    if kind == "int":
        value = parse_int(text)
        if value is None:
            return Raw(BAD, f"integer literal {shorten(text)} does not fit in 64 bits", text)
        return Raw(INT, value, text)
    if kind == "name":
        return Raw(NAME, text, text)
    if kind == "neg":
        return Raw(BAD, f"a '-' sign cannot precede a constant name ({shorten(text)}); "
                        "define the negative value as its own constant", text)
    if kind == "qreg":
        reg = m.group("qreg")
        found = _register(reg)
        return Raw(QUBIT_REG, found.value, text) if found else _no_register(reg, text)
    if kind == "qint":
        return _qubit(m.group("qint"), text)
    return Raw(QUBIT_NAME, m.group("qname"), text)


def _unreadable(text: str) -> Raw:
    words = text.split()
    if len(words) > 1 and all(_OPERAND.fullmatch(w) for w in words):
        return Raw(BAD, f"missing ',' between operands '{shorten(words[0])}' and '{shorten(words[1])}'", text)
    return Raw(BAD, f"'{shorten(text)}' is not a valid operand (expected a register, number, "
                    "constant, label or qubit)", text)


def split_operands(text: str) -> list[tuple[int, str]]:
    """Cut an operand list at commas: (offset of the operand in `text`, stripped text).

    An empty operand keeps the offset where it should have been, with text "".
    """
    out: list[tuple[int, str]] = []
    start = 0
    for piece in text.split(","):
        stripped = piece.strip()
        lead = len(piece) - len(piece.lstrip()) if stripped else 0
        out.append((start + lead, stripped))
        start += len(piece) + 1
    return out


def is_name(text: str) -> bool:
    """Whether `text` is a valid label or constant name (registers and qubits are not)."""
    return _NAME_RE.fullmatch(text) is not None and not is_reserved(text)


def is_reserved(text: str) -> bool:
    """Whether `text` reads as a register or a qubit (r3, R16, q0)."""
    return _REG_OR_QUBIT.fullmatch(text) is not None
