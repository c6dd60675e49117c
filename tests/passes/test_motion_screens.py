"""The legality rules' plain-Python screens (navm/passes/analysis) agree with their numpy forms.

Each AOD and pulse rule first screens the replay's state in Python and runs its numpy form (which
words the error) only when the screen finds something; a screen that passed what the numpy form
rejects would change move-check's verdicts. So, on random small AODs and atom clouds built to sit
at the limits (gaps at the tolerance and at the spacing, atoms at the blockade radius): a screen
passes exactly when the numpy form does, and the incremental indexes find what a full scan finds.
"""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest

from navm.devices import load_profile
from navm.passes.analysis import aod_rules, pulse_rules

TOL = 0.01
SPACING = 2.0


class Rejected(Exception):
    pass


def _fail(message, row, notes=()):
    raise Rejected(message)


def _rejects(rule, *args) -> bool:
    try:
        rule(*args)
    except Rejected:
        return True
    return False


def _values(rng: random.Random, k: int) -> list[float]:
    """k coordinates whose gaps are at the tolerance or the AOD spacing, or nothing."""
    out = [rng.choice([0.0, 35.0, 67.0])]
    for _ in range(k - 1):
        step = rng.choice([0.0, TOL, TOL * (1 + 1e-12), TOL * 0.5, SPACING, SPACING - TOL, SPACING - 1.5 * TOL,
                           1.0, 3.0, 12.0, -SPACING, -TOL])
        out.append(rng.choice(out) + step)
    rng.shuffle(out)
    return out


def _aod_state(xs: list[float], ys: list[float], rows: int = 100, cols: int = 100):
    """A replay state (motion.Replay's attributes the AOD rules read) with every atom in the AOD."""
    n = len(xs)
    return SimpleNamespace(
        xs=list(xs), ys=list(ys), aod_atoms=dict.fromkeys(range(n)), aod_finite=True, tol=TOL,
        aod=SimpleNamespace(rows=rows, cols=cols, min_spacing_um=SPACING), in_aod=np.ones(n, bool),
        pos=np.column_stack([xs, ys]).reshape(n, 2), fail=_fail)


def test_lines_in_python_as_in_numpy():
    rng = random.Random(0)
    for _ in range(500):
        values = _values(rng, rng.randint(1, 9))
        labels, starts = aod_rules.lines(np.array(values), TOL)
        assert aod_rules.py_lines(values, TOL) == (labels.tolist(), starts.tolist()), values
        assert aod_rules.line_starts(values, TOL) == starts.tolist(), values


def test_the_grid_screen_passes_what_numpy_passes():
    rng = random.Random(1)
    outcomes = set()
    for _ in range(500):
        k = rng.randint(1, 7)
        state = _aod_state(_values(rng, k), _values(rng, k), rows=rng.choice([1, 2, 3, 100]),
                           cols=rng.choice([2, 3, 100]))
        passed = aod_rules.grid_screen(state) is not None
        assert passed == (not _rejects(aod_rules._explain_grid, state, "move", list(range(k)), None)), vars(state)
        outcomes.add(passed)
    assert outcomes == {True, False}


def test_the_move_screen_passes_what_numpy_passes():
    """move_screen before a move: check_order's numpy form before it and check_grid's after it."""
    rng = random.Random(2)
    outcomes = set()
    for _ in range(1000):
        k = rng.randint(1, 6)
        state = _aod_state(_values(rng, k), _values(rng, k), rows=rng.choice([2, 100]), cols=rng.choice([3, 100]))
        atoms = sorted(rng.sample(range(k), rng.randint(1, k)))
        # Targets: the line shifted, onto another atom's line, or a step at the tolerance or the spacing.
        xs = [rng.choice([state.xs[q] + rng.choice([0.0, 1.0, TOL, 3 * TOL, SPACING]),
                          rng.choice(state.xs) + rng.choice([0.0, TOL])]) for q in atoms]
        ys = [rng.choice([state.ys[q] + rng.choice([0.0, -2.0, TOL]), rng.choice(state.ys)]) for q in atoms]
        passed = aod_rules.move_screen(state, atoms, xs, ys)
        numpy = not _rejects(aod_rules.check_order, state, atoms, xs, ys, None)
        if numpy:
            moved = _aod_state(state.xs, state.ys, state.aod.rows, state.aod.cols)
            for q, x, y in zip(atoms, xs, ys):
                moved.xs[q], moved.ys[q] = x, y
            moved.pos = np.column_stack([moved.xs, moved.ys])
            numpy = not _rejects(aod_rules._explain_grid, moved, "move", atoms, None)
        assert passed == numpy, (vars(state), atoms, xs, ys)
        outcomes.add(passed)
    assert outcomes == {True, False}


def test_a_violation_the_screen_finds_is_worded_by_numpy():
    state = _aod_state([0.0, 3.0], [57.0, 57.0])
    assert not aod_rules.move_screen(state, [0], [6.0], [57.0])
    with pytest.raises(Rejected, match="would cross"):
        aod_rules.check_order(state, [0], [6.0], [57.0], None)


def test_stored_atoms_finds_what_a_scan_finds():
    rng = random.Random(3)
    for _ in range(200):
        xs = [rng.choice([0.0, 3.0, 35.0, 37.0]) + rng.choice([0.0, TOL, -TOL, 0.5 * TOL, 2 * TOL, 0.5, 1.0])
              for _ in range(12)]
        ys = [rng.choice([57.0, 67.0]) + rng.choice([0.0, TOL, -TOL, 1.0]) for _ in range(12)]
        index = aod_rules.StoredAtoms(TOL, xs, ys)
        gone = rng.sample(range(12), 4)
        for q in gone:
            index.remove(q)
        for _ in range(20):
            x = rng.choice(xs) + rng.choice([0.0, TOL, -TOL, 1.5 * TOL, 0.999 * TOL])
            y = rng.choice(ys) + rng.choice([0.0, TOL, -TOL, 1.5 * TOL])
            scan = any(abs(xs[q] - x) <= TOL and abs(ys[q] - y) <= TOL for q in range(12) if q not in gone)
            assert index.any_near(x, y) == scan


def test_trap_neighbours_hold_every_close_pair_with_an_atom_under_the_laser():
    """At a pulse every atom stands on its trap: the pairs close_pairs finds are trap neighbours."""
    rng = random.Random(4)
    for radius in (6.0, 12.0, 12.5):
        arch = load_profile("zoned").architecture
        neighbours = pulse_rules.TrapNeighbours(arch, radius)
        candidates = np.concatenate([arch.zones[0].left, arch.zones[0].right, arch.storage[-200:]])
        for _ in range(30):
            traps = rng.sample(candidates.tolist(), 60)
            pos = arch.coords[traps]
            lit = arch.in_laser(pos[:, 0], pos[:, 1])
            a, b, _ = pulse_rules.close_pairs(pos, arch, radius)
            assert len(a)
            for p, q in zip(a.tolist(), b.tolist()):
                if lit[p]:
                    assert traps[q] in neighbours.of(traps[p])
                if lit[q]:
                    assert traps[p] in neighbours.of(traps[q])


def test_one_site_as_same_site():
    sites = pulse_rules.GateSites(load_profile("zoned").architecture)
    zone = sites.arch.zones[0]
    traps = [-1, *zone.left[:3].tolist(), *zone.right[:3].tolist(), *sites.arch.storage[:2].tolist()]
    for ta in traps:
        for tb in traps:
            assert sites.one_site(ta, tb) == bool(sites.same_site(np.array([ta]), np.array([tb]))[0]), (ta, tb)
