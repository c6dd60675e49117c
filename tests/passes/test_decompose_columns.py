"""decompose-native's column path builds exactly the table the row rules build."""

from __future__ import annotations

import random

import pytest

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import GATES
from navm.passes.decompose_columns import template
from navm.passes.decompose_native import DEFAULT_NATIVE, _rewrite, decompose, decompose_table
from tests.ir.test_table_take import assert_same

_ALL = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "r", "cz", "cx", "swap",
        "measure", "reset", "barrier", "depolarize", "pauli", "detector"]
NATIVE_SETS = [DEFAULT_NATIVE, DEFAULT_NATIVE | {"cx"}, DEFAULT_NATIVE | {"swap", "h"},
               frozenset({"cz", "r"}), frozenset({"cz", "rx", "ry", "rz"})]


def random_table(rng: random.Random, n: int) -> GateTable:
    locs = [SourceLocation("g.qbc", k, 2) for k in range(4)] + [None]
    rows, measured = [], 0
    for _ in range(n):
        name = rng.choice(_ALL)
        g = GATES[[x.name for x in GATES].index(name)]
        arity = rng.randint(0, 2) if name == "barrier" else g.n_qubits
        params = tuple(rng.uniform(0, 0.2) if name in ("depolarize", "pauli") else rng.uniform(-7, 7)
                       for _ in g.params)
        if name == "detector":
            if not measured:
                continue
            rows.append(Row(name, (), (), None, rng.choice(locs), (rng.randrange(measured),)))
            continue
        measured += name == "measure"
        timing = (rng.uniform(0, 5), 1.0, -1) if rng.random() < 0.3 else None
        rows.append(Row(name, tuple(rng.sample(range(5), arity)), params,
                        f"m{rng.randrange(2)}" if name == "measure" else None, rng.choice(locs), (), timing))
    return GateTable.from_rows(rows)


@pytest.mark.parametrize("seed", range(30))
def test_column_path_equals_row_path(seed):
    rng = random.Random(seed)
    table = random_table(rng, rng.randint(0, 60))
    native = NATIVE_SETS[seed % len(NATIVE_SETS)]
    try:
        want = GateTable.from_rows(decompose(list(table.rows()), native))
    except NavmError as err:
        with pytest.raises(NavmError) as got:
            decompose_table(table, native)
        assert (got.value.message, got.value.loc) == (err.message, err.loc)
        return
    assert_same(decompose_table(table, native), want)


def test_templates_cover_the_default_rules():
    """Every non-native gate of the default set has a template, so the pass never falls back."""
    for g in GATES:
        if g.kind == "gate" and g.name not in DEFAULT_NATIVE:
            assert template(GATES.index(g), DEFAULT_NATIVE, _rewrite) is not None, g.name


def test_a_gate_without_a_rule_has_no_template():
    assert template(GATES.index(next(g for g in GATES if g.name == "z")), frozenset({"cz", "r"}), _rewrite) is None
