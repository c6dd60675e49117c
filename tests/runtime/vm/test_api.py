"""`execute` and `VMResult`: inputs, engine choice, registers, words and typed regions, bad arguments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from navm.diagnostics import NavmError
from navm.frontend import load_text
from navm.runtime.vm import Memory, execute

PROGRAM = """
.define BASE 0x1000
        QMOV r1, 0
loop:   QMUL r2, r1, 24
        QADD r2, BASE
        QSTORE r1, r2            ; +0 id (int)
        QADD r2, 8
        QMUL r3, r1, 0.5
        QSTORE r3, r2            ; +8 half (float)
        QADD r2, 8
        QSTORE -1, r2            ; +16 flag (int)
        QADD r1, 1
        QJLT r1, 4, loop
        QHALT
"""


@pytest.mark.parametrize("engine", ["reference", "compiled"])
def test_registers_steps_words_and_regions(engine):
    r = execute(PROGRAM, engine=engine)
    assert r.registers[1] == 4 and type(r.registers[1]) is int
    assert r.registers[3] == 1.5 and type(r.registers[3]) is float
    assert r.steps == 2 + 10 * 4 + 1 - 1  # QMOV + 10 per iteration + QHALT
    assert r.read(0x1000 + 24 + 8) == 0.5 and type(r.read(0x1000 + 24 + 8)) is float
    assert r.read(0x1000 + 24) == 1 and type(r.read(0x1000 + 24)) is int
    assert r.read(0x8) == 0
    table = r.region(0x1000, 24, 4, [("id", "int"), ("half", "float"), ("flag", "int")])
    assert table["id"].tolist() == [0, 1, 2, 3]
    assert table["half"].tolist() == [0.0, 0.5, 1.0, 1.5]
    assert table["flag"].tolist() == [-1] * 4
    assert table.dtype["id"] == np.dtype(">i8")  # binary output is big-endian
    by_offset = r.region(0x1000, 24, 4, [("flag", 16, "int"), ("id", 0, "float")])
    assert by_offset["id"].tolist() == [0.0, 1.0, 2.0, 3.0]  # an int word read as float converts
    assert len(r.memory) == 12


def test_inputs_text_path_and_module(tmp_path):
    path = tmp_path / "p.qbc"
    path.write_text(PROGRAM)
    a = execute(PROGRAM)
    assert execute(path) == a
    assert execute(str(path)) == a
    assert execute(load_text(PROGRAM, "qbc")) == a
    assert a.engine == "compiled"


def test_engines_agree_on_this_program():
    assert execute(PROGRAM, engine="reference") == execute(PROGRAM, engine="compiled")


@pytest.mark.parametrize("kwargs,message", [
    ({"engine": "jit"}, "unknown VM engine 'jit'"),
    ({"max_steps": -1}, "max_steps must be >= 0"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(NavmError, match=message):
        execute(PROGRAM, **kwargs)


def test_missing_file_and_bad_source():
    with pytest.raises(NavmError, match="does/not/exist.qbc: no such file"):
        execute("does/not/exist.qbc")
    with pytest.raises(NavmError, match="unknown mnemonic|QFOO"):
        execute("QFOO r1\n")
    with pytest.raises(NavmError, match="expected QBC source"):
        execute(42)


@pytest.mark.parametrize("args,message", [
    ((0x1000, 20, 1, [("a", "int")]), "entry size 20"),
    ((0x1004, 24, 1, [("a", "int")]), "address 4100 is not a multiple of 8"),
    ((0x1000, 24, -1, [("a", "int")]), "negative"),
    ((0x1000, 24, 1, [("a", "str")]), "use 'int' or 'float'"),
    ((0x1000, 24, 1, [("a", 20, "int")]), "offset 20"),
    ((0x1000, 24, 1, [("a", 24, "int")]), "offset 24"),
    ((0x1000, 24, 1, [("a", "int"), ("a", "int")]), "duplicate field"),
    ((0x1000, 24, 1, [("a",)]), "is not \\(name, type\\)"),
    ((0x1000, 24, 2, [("id", "int"), ("half", "int")]), "word at address 4104 holds a float"),
])
def test_region_errors(args, message):
    r = execute(PROGRAM)
    with pytest.raises(NavmError, match=message):
        r.region(*args)


def test_read_rejects_bad_addresses():
    r = execute(PROGRAM)
    with pytest.raises(NavmError, match="multiple of 8"):
        r.read(12)
    with pytest.raises(NavmError, match="not an int"):
        r.read(8.0)


def test_memory_round_trips_through_dicts_and_compares_types():
    words = {0: 1, 8: 2.5, -8: -0.0, 4096 * 7: -1, 2**62: 3}
    m = Memory.from_dict(words)
    assert m.to_dict() == words and len(m) == 5
    assert Memory.from_dict({0: 0}) != Memory.from_dict({0: 0.0})
    assert Memory.from_dict({0: 0.0}) != Memory.from_dict({0: -0.0})
    assert Memory.from_dict({}) == Memory.from_dict({}) and m.read(16) == 0


def test_examples_programs_run_on_both_engines():
    root = Path(__file__).resolve().parents[3] / "examples" / "qbc"
    r = execute(root / "lattice_small.qbc")
    assert r == execute(root / "lattice_small.qbc", engine="reference")
    assert r.region(0x10000, 32, 20, [("id", "int"), ("x", "float"), ("y", "float"), ("sigma", "float")])["id"].tolist() \
        == list(range(20))
