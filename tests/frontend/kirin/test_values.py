"""Compile-time values: the two ways a value can fail to be one, on hand-built kirin IR."""

from __future__ import annotations

import pytest

pytest.importorskip("bloqade")

from bloqade.qubit import stmts as qubit
from kirin import ir, types
from kirin.dialects import py

from navm.diagnostics import NavmError
from navm.frontend.kirin.values import constant, number


def test_block_argument_has_no_compile_time_value():
    block = ir.Block()
    theta = block.args.append_from(types.Float, "theta")
    user = py.binop.Add(theta, theta)
    with pytest.raises(NavmError, match="uses `theta`, which is not known at compile time"):
        constant(theta, user)


def test_value_of_an_unknown_statement_is_an_error():
    new = qubit.New()
    user = py.binop.Add(new.result, new.result)
    with pytest.raises(NavmError, match="needs the value of `qubit.new`, which navm cannot evaluate"):
        constant(new.result, user)


def test_arithmetic_is_evaluated():
    two, three = py.Constant(2.0), py.Constant(3)
    product = py.binop.Mult(two.result, three.result)
    negated = py.unary.USub(product.result)
    assert number(negated.result, negated) == -6.0
