"""`GateTable.take` / `normalized` build, column-wise, exactly the table `from_rows` builds from rows."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from navm.diagnostics import SourceLocation
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import GATES

_KINDS = ["h", "rz", "r", "cz", "cx", "measure", "reset", "barrier", "depolarize", "detector"]


def random_rows(rng: random.Random, n: int, timed: bool) -> list[Row]:
    locs = [SourceLocation("f.qbc", k, 1) for k in range(5)]
    rows, measured = [], 0
    for _ in range(n):
        name = rng.choice(_KINDS)
        g = GATES[[x.name for x in GATES].index(name)]
        arity = rng.randint(0, 3) if name == "barrier" else g.n_qubits
        qubits = tuple(rng.sample(range(6), arity))
        params = tuple(rng.choice([0.0, -0.0, 0.25, rng.uniform(-9, 9)]) for _ in g.params)
        result = f"m{rng.randrange(3)}" if name == "measure" else None
        records = (rng.randrange(measured),) if name == "detector" and measured else ()
        if name == "detector" and not records:
            continue
        measured += name == "measure"
        timing = (rng.uniform(0, 9), rng.choice([0.0, 1.5]), rng.choice([-1, 2])) if timed and rng.random() < 0.8 else None
        rows.append(Row(name, qubits, params, result, rng.choice(locs + [None]), records, timing))
    return rows


def assert_same(got: GateTable, want: GateTable) -> None:
    assert got == want
    assert got.result_names == want.result_names and got.locs == want.locs
    for f in dataclasses.fields(GateTable):
        a, b = getattr(got, f.name), getattr(want, f.name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape, f.name
            assert a.tobytes() == b.tobytes(), f.name


@pytest.mark.parametrize("seed", range(20))
def test_take_is_from_rows_of_the_taken_rows(seed):
    rng = random.Random(seed)
    table = GateTable.from_rows(random_rows(rng, rng.randint(0, 40), timed=seed % 2 == 0))
    rows = list(table.rows())
    index = [rng.randrange(len(rows)) for _ in range(rng.randint(0, 50))] if rows else []
    assert_same(table.take(index), GateTable.from_rows([rows[i] for i in index]))


def test_normalized_renumbers_and_clears_like_from_rows():
    """Unused parameter slots, unused or out-of-order names and locations, and the duration
    or stage of an unscheduled row are what `from_rows` would drop or renumber."""
    rng = random.Random(7)
    base = GateTable.from_rows(random_rows(rng, 30, timed=True))
    messy = dataclasses.replace(
        base,
        params=base.params + np.where(base.params == 0, 3.0, 0.0),
        result_names=("unused",) + base.result_names,
        result=np.where(base.result >= 0, base.result + 1, -1).astype(np.int32),
        locs=tuple(reversed(base.locs)) + (SourceLocation("x", 1, 1),),
        loc=np.where(base.loc >= 0, len(base.locs) - 1 - base.loc, -1).astype(np.int32),
        start=np.where(np.arange(len(base)) % 3 == 0, np.nan, base.start),
    )
    assert_same(messy.normalized(), GateTable.from_rows(list(messy.rows())))
    assert messy.normalized().locs == base.locs


def test_take_of_nothing_is_the_empty_table():
    table = GateTable.from_rows([Row("h", (0,), ())])
    assert_same(table.take([]), GateTable.from_rows([]))
