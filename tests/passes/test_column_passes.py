"""schedule, canonicalize and blockade-check work on whole columns; these tests pin that down.

On a 3000-row circuit they give, to the last bit, what the row-by-row implementations gave
before the move (values recorded then): a change of EXPECTED is a change of the passes' output,
to be reviewed like a snapshot change. The fallbacks for a site the profile lacks give the same
answers and errors as the fast paths.
"""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Row
from navm.passes.blockade_check import check_rows
from navm.passes.canonicalize import simplify
from navm.passes.schedule import schedule_rows
from navm.devices import load_profile
from navm.devices.blockade import blockade_pairs


def native_rows(n_qubits: int, n_rows: int, seed: int, neighbours) -> list[Row]:
    """Native gates on pairs within the blockade radius, with measurements, resets, barriers,
    noise, detectors, result names and locations mixed in."""
    rng = random.Random(seed)
    locs = [SourceLocation("golden.qbc", k, 1) for k in range(1, 6)] + [None]
    rows, measured = [], 0
    for _ in range(n_rows):
        k, q, loc = rng.random(), rng.randrange(n_qubits), rng.choice(locs)
        if k < 0.3:
            rows.append(Row("r", (q,), (rng.choice([0.0, 1.5707963267948966]), rng.choice([0.5, -0.5, 1.25])), None, loc))
        elif k < 0.5:
            rows.append(Row("rz", (q,), (rng.uniform(-3, 3),), None, loc))
        elif k < 0.85:
            a, b = rng.choice(neighbours)
            rows.append(Row("cz", (a, b) if rng.random() < 0.5 else (b, a), (), None, loc))
        elif k < 0.9:
            rows.append(Row("measure", (q,), (), f"m{rng.randrange(5)}", loc))
            measured += 1
        elif k < 0.93:
            rows.append(Row("reset", (q,), (), None, loc))
        elif k < 0.96:
            rows.append(Row("barrier", tuple(rng.sample(range(n_qubits), rng.randint(0, 2))), (), None, loc))
        elif k < 0.98:
            rows.append(Row("depolarize", (q,), (0.01,), None, loc))
        elif measured:
            rows.append(Row("detector", (), (), None, loc, (rng.randrange(measured),)))
    return rows


def digest(table: GateTable) -> str:
    h = hashlib.sha256()
    for column in (table.opcode, table.qubit_offsets, table.qubits, table.params, table.result, table.loc,
                   table.start, table.duration, table.stage):
        h.update(np.ascontiguousarray(column).tobytes())
    h.update(repr((table.result_names, table.locs)).encode())
    return h.hexdigest()[:16]


EXPECTED = {
    "test-small": {
        "asap": ("22af8af054ad34b9", {"duration_us": 5866.0, "stages": 1058, "two_qubit_gates": 1058,
                                      "fidelity_estimate": 4.2964130352856685e-19}),
        "alap": ("d3a5707b098c67ee", {"duration_us": 5757.0, "stages": 1058, "two_qubit_gates": 1058,
                                      "fidelity_estimate": 4.366403469687211e-19}),
        "blockade": {"checked_gates": 1058, "spectators": 5939, "max_distance_um": 7.0710678118654755},
        "canonicalize": ("1cd4e33fa4d2af5a", 2691),
    },
    "square-16x16": {
        "asap": ("03c0ff84907c3191", {"duration_us": 88048.29999999962, "stages": 678, "two_qubit_gates": 1022,
                                      "fidelity_estimate": 1.956585073098827e-19}),
        "alap": ("1bffcc258054e9b3", {"duration_us": 90617.54999999955, "stages": 701, "two_qubit_gates": 1022,
                                      "fidelity_estimate": 4.7974336640848746e-20}),
        "blockade": {"checked_gates": 1022, "spectators": 4700, "max_distance_um": 7.0710678118654755},
        "canonicalize": ("86b26e09b9221b4f", 2677),
    },
}


@pytest.fixture(scope="module", params=[("test-small", 9), ("square-16x16", 24)], ids=["test-small", "square-16x16"])
def case(request):
    device, n = request.param
    profile = load_profile(device)
    a, b, _ = blockade_pairs(profile)
    neighbours = [(int(x), int(y)) for x, y in zip(a, b) if x < n and y < n]
    return device, profile, np.arange(n), native_rows(n, 3000, 11, neighbours)


@pytest.mark.parametrize("mode", ["asap", "alap"])
def test_schedule_is_unchanged(case, mode):
    device, profile, sites, rows = case
    out, summary = schedule_rows(rows, sites, profile, mode)
    assert (digest(GateTable.from_rows(out)), summary) == EXPECTED[device][mode]


def test_blockade_check_is_unchanged(case):
    device, profile, sites, rows = case
    out, _ = schedule_rows(rows, sites, profile)
    assert check_rows(out, sites, profile) == EXPECTED[device]["blockade"]


def test_canonicalize_is_unchanged(case):
    device, _, _, rows = case
    out = simplify(GateTable.from_rows(rows))
    assert (digest(out), len(out)) == EXPECTED[device]["canonicalize"]


def test_stages_without_the_restriction_masks_are_the_same(case, monkeypatch):
    """With a site the profile lacks, the masks cannot be built; the pair-by-pair fallback
    must partition the stages the same way."""
    _, profile, sites, rows = case
    want = schedule_rows(rows, sites, profile)

    def unknown(*_):
        raise KeyError("no site")

    monkeypatch.setattr("navm.passes.schedule_parts.restriction_masks", unknown)
    assert schedule_rows(rows, sites, profile) == want


def test_an_unknown_site_matters_only_when_a_stage_is_shared():
    """As before: the restriction check (and its KeyError) runs only for CZs of one moment."""
    profile = load_profile("test-small")
    sites = np.array([0, 1, 999, 3])
    out, _ = schedule_rows([Row("cz", (0, 1), ()), Row("cz", (1, 2), ())], sites, profile)
    assert [r.timing[2] for r in out] == [0, 1]
    with pytest.raises(KeyError):
        schedule_rows([Row("cz", (0, 1), ()), Row("cz", (2, 3), ())], sites, profile)


@pytest.mark.parametrize("with_masks", [True, False])
def test_blockade_check_reports_the_first_clash_in_stage_order(with_masks, monkeypatch):
    if not with_masks:  # as with a site the profile lacks: the pair-by-pair check alone
        monkeypatch.setattr("navm.passes.blockade_check.restriction_masks", lambda *_: {}[0])
    profile = load_profile("test-small")
    loc = SourceLocation("f.qbc", 9, 1)

    def cz(a, b, stage, at=None):
        return Row("cz", (a, b), (), None, at, (), (float(stage), 1.0, stage))

    rows = [cz(0, 1, 0), cz(9, 10, 0), cz(11, 12, 1), cz(3, 4, 1), cz(6, 7, 1, loc), cz(4, 5, 2)]
    with pytest.raises(NavmError, match=r"Rydberg stage 1: 'cz' on q6, q7 has atoms within") as err:
        check_rows(rows, np.arange(13), profile)
    assert err.value.loc == loc and "the other gate: 'cz' on q3, q4" in err.value.notes[0]
