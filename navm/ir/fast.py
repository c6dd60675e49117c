"""Fast construction of ops and attributes whose inputs the caller guarantees.

xDSL's constructors re-verify every attribute and set up each op generically
(~40 µs per op here); the front end builds one op per source instruction from
values it has already checked, so it fills the same fields directly. The
results are ordinary xDSL objects: `verify_module` still verifies every op,
and tests check that fast-built IR is structurally equal to normally built IR.
"""

from __future__ import annotations

from typing import Mapping, TypeVar

from xdsl.dialects.builtin import ArrayAttr, FileLineColLoc, IntAttr, StringAttr
from xdsl.ir import Attribute, Data, Operation, SSAValues

_EMPTY = SSAValues()
OpT = TypeVar("OpT", bound=Operation)
DataT = TypeVar("DataT", bound=Data)


def new_op(cls: type[OpT], properties: Mapping[str, Attribute], location: Attribute) -> OpT:
    """An op with the given properties and location and no operands, results or regions."""
    op = cls.__new__(cls)
    op.__dict__.update(
        _operands=_EMPTY,
        _operand_uses=(),
        results=_EMPTY,
        _successors=(),
        _successor_uses=(),
        properties=dict(properties),
        attributes={},
        location=location,
        regions=(),
    )
    return op


def new_data(cls: type[DataT], value) -> DataT:
    """A Data attribute holding an already-valid value."""
    attr = cls.__new__(cls)
    object.__setattr__(attr, "data", value)
    return attr


def new_array(elements: tuple[Attribute, ...]) -> ArrayAttr:
    return new_data(ArrayAttr, elements)


def new_loc(file: StringAttr, line: int, column: int) -> FileLineColLoc:
    loc = FileLineColLoc.__new__(FileLineColLoc)
    object.__setattr__(loc, "filename", file)
    object.__setattr__(loc, "line", new_data(IntAttr, line))
    object.__setattr__(loc, "column", new_data(IntAttr, column))
    return loc
