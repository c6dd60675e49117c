"""Conversions between xDSL location attributes and navm SourceLocations."""

from __future__ import annotations

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, StringAttr
from xdsl.ir import Attribute, Operation

from navm.diagnostics import SourceLocation


def to_attr(loc: SourceLocation) -> FileLineColLoc:
    return FileLineColLoc(StringAttr(loc.file), IntAttr(loc.line), IntAttr(loc.column))


def from_attr(attr: Attribute | None) -> SourceLocation | None:
    if isinstance(attr, FileLineColLoc):
        return SourceLocation(attr.filename.data, attr.line.data, attr.column.data)
    return None


def op_location(op: Operation) -> SourceLocation | None:
    """The source position of `op`, or of its nearest ancestor that has one."""
    while op is not None:
        if (loc := from_attr(op.location)) is not None:
            return loc
        op = op.parent_op()
    return None
