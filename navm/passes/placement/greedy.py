"""Greedy placement and local improvement, both scored by the SWAPs routing would need.

Cost of a placement: Σ over interacting pairs of weight × max(hops − 1, 0), where
hops is the distance of the two sites in the blockade graph (0 for every pair
within the blockade radius). All the arithmetic is on integers held in float64,
so it is exact and the result is the same on every machine.
"""

from __future__ import annotations

import numpy as np

from navm.passes.placement.sites import SiteGraph

IMPROVE_MAX_STEPS = 256


def placement_cost(graph: SiteGraph, weights: np.ndarray, site: np.ndarray) -> float:
    """Σ w · max(hops − 1, 0) over all pairs (each counted once)."""
    return float((weights * graph.excess[np.ix_(site, site)]).sum() / 2)


def greedy_place(graph: SiteGraph, weights: np.ndarray, fixed: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Local site of every qubit; `fixed` (local site or -1 per qubit) are kept.

    Qubits that interact are placed one by one, the one most strongly tied to
    those already placed first, each at the free site that minimises the cost
    to its placed partners; then by how many of its unplaced partners could
    still sit next to it, then centrality; the seeded `rng` breaks exact ties.
    Qubits without interactions take the most central free sites last.
    """
    n, m = len(fixed), len(graph)
    site = fixed.astype(np.int64).copy()
    taken = np.zeros(m, dtype=bool)
    taken[site[site >= 0]] = True
    a, b = graph.edges
    free_nb = np.bincount(a[~taken[b]], minlength=m) + np.bincount(b[~taken[a]], minlength=m)
    linked = weights > 0
    strength = weights.sum(axis=1)
    placed = site >= 0
    tie = rng.permutation(n)
    conn = weights[:, placed].sum(axis=1)
    pending = linked[:, ~placed].sum(axis=1)  # each qubit's partners not yet placed
    centre = graph.centrality.astype(np.float64)
    while True:
        todo = ~placed & (strength > 0)
        if not todo.any():
            break
        cand = np.flatnonzero(todo)
        q = int(cand[np.lexsort((tie[cand], -strength[cand], -conn[cand]))[0]])
        partners = np.flatnonzero(linked[q] & placed)
        cost = graph.excess[:, site[partners]] @ weights[q, partners] if len(partners) else np.zeros(m)
        deficit = np.maximum(pending[q] - free_nb, 0)
        key = (cost + deficit) * (m + 1) + centre + rng.random(m) * 0.5
        key[taken] = np.inf
        s = int(np.argmin(key))
        _take(graph, site, taken, free_nb, q, s)
        placed[q] = True
        conn += weights[:, q]
        pending -= linked[:, q]
    rest = np.flatnonzero(~placed)
    if len(rest):
        free = np.flatnonzero(~taken)
        order = free[np.lexsort((rng.random(len(free)), centre[free]))]
        site[rest] = order[: len(rest)]
    return site


def _take(graph: SiteGraph, site: np.ndarray, taken: np.ndarray, free_nb: np.ndarray, q: int, s: int) -> None:
    site[q] = s
    taken[s] = True
    for t in graph.neighbours[s]:
        free_nb[t] -= 1


def improve(graph: SiteGraph, weights: np.ndarray, site: np.ndarray, movable: np.ndarray,
            max_steps: int = IMPROVE_MAX_STEPS) -> np.ndarray:
    """Steepest descent on the cost: each step makes the best single move of a qubit to a
    free site or swap of two qubits' sites, until none lowers the cost."""
    n, m = len(site), len(graph)
    site = site.copy()
    if n < 1 or not movable.any():
        return site
    excess = graph.excess
    rows = np.arange(n)
    taken = np.zeros(m, dtype=bool)
    taken[site] = True
    cost_at = weights @ excess[site, :]  # cost_at[q, s]: q's cost if it sat on s
    for _ in range(max_steps):
        here = cost_at[rows, site]
        move = cost_at - here[:, None]
        move[:, taken] = np.inf
        move[~movable] = np.inf
        cross = cost_at[:, site]
        swap = cross - here[:, None] + cross.T - here[None, :] + 2 * weights * excess[np.ix_(site, site)]
        swap[~movable] = np.inf
        swap[:, ~movable] = np.inf
        np.fill_diagonal(swap, np.inf)
        best_move, best_swap = move.argmin(), swap.argmin()
        gain_move, gain_swap = move.flat[best_move], swap.flat[best_swap]
        if min(gain_move, gain_swap) >= -0.5:  # costs are integers: no strict improvement left
            break
        if gain_move <= gain_swap:
            q, s = divmod(int(best_move), m)
            taken[site[q]], taken[s] = False, True
            _relocate(cost_at, weights, excess, q, site[q], s)
            site[q] = s
        else:
            q, r = divmod(int(best_swap), n)
            sq, sr = site[q], site[r]
            _relocate(cost_at, weights, excess, q, sq, sr)
            _relocate(cost_at, weights, excess, r, sr, sq)
            site[q], site[r] = sr, sq
    return site


def _relocate(cost_at: np.ndarray, weights: np.ndarray, excess: np.ndarray, q: int, old: int, new: int) -> None:
    cost_at += np.outer(weights[:, q], excess[new] - excess[old])
