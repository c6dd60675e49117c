"""Printed IR parses back to a structurally equal module, for every example and test program,
before and after each pass, in both the custom and the generic syntax.

The parser builds ops through the ordinary xDSL constructors, so this also checks that the
front end's fast construction path (navm/ir/fast.py) yields ordinary, equal IR.
"""

from __future__ import annotations

import io

import pytest
from xdsl.printer import Printer

from navm.diagnostics import NavmError
from navm.frontend import load, load_text
from navm.ir.context import parse_module, print_module
from navm.pipeline import compile_module
from tests.helpers import TESTS

ROOT = TESTS.parent
SOURCES = sorted(
    [p.relative_to(ROOT) for p in (ROOT / "examples").rglob("*") if p.suffix in (".qbc", ".json")]
    + [p.relative_to(ROOT) for p in (TESTS / "programs").glob("*") if p.suffix in (".qbc", ".json")]
)


# Programs whose full size is a benchmark, not a test: run them at a small size here.
SMALLER = {"examples/lattice.qbc": (".define N 196883", ".define N 60")}


def load_source(source):
    if str(source) in SMALLER:
        old, new = SMALLER[str(source)]
        text = source.read_text()
        assert old in text
        return load_text(text.replace(old, new), "qbc", str(source))
    return load(source)


def roundtrip(module):
    text = print_module(module)
    again = parse_module(text)
    assert again.is_structurally_equivalent(module), text
    assert print_module(again) == text
    generic = io.StringIO()
    Printer(stream=generic, print_generic_format=True, print_debuginfo=True).print_op(module)
    assert parse_module(generic.getvalue()).is_structurally_equivalent(module)


@pytest.mark.parametrize("source", SOURCES, ids=str)
def test_roundtrip_at_every_stage(source, monkeypatch):
    monkeypatch.chdir(ROOT)
    module = load_source(source)
    roundtrip(module)
    for passes in ("unroll", "canonicalize"):
        try:
            compile_module(module, passes, device="square-16x16")
        except NavmError as err:
            assert "dynamic control flow" in err.message or "needs ISA" in err.message
            return
        roundtrip(module)


def test_there_are_sources():
    assert len(SOURCES) >= 8
