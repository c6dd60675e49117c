"""Exact embedding of the interaction graph into the blockade graph (VF2, with a budget).

An embedding (a subgraph monomorphism) puts every interacting pair on sites
within the blockade radius, so the circuit needs no routing. Finding one is
NP-hard in general, so the search gives up after `EMBED_BUDGET` feasibility
checks (a count, not a clock, so the answer is the same on every machine),
after quick necessary conditions have ruled out hopeless cases.
Sites are tried most central first; the pattern is explored breadth first
from its pinned (user-placed) or best-connected qubit.
"""

from __future__ import annotations

import numpy as np
from networkx import Graph
from networkx.algorithms.isomorphism import GraphMatcher

from navm.passes.placement.sites import SiteGraph

EMBED_BUDGET = 20_000


class _OutOfBudget(Exception):
    pass


class _BudgetedMatcher(GraphMatcher):
    """VF2 that honours pinned qubits, skips taken sites and stops after `budget` checks."""

    def __init__(self, sites: Graph, pattern: Graph, pins: dict[int, int], taken: set[int], budget: int):
        super().__init__(sites, pattern)
        self.pins, self.taken, self.budget = pins, taken, budget

    def syntactic_feasibility(self, site, qubit) -> bool:
        self.budget -= 1
        if self.budget < 0:
            raise _OutOfBudget
        pin = self.pins.get(qubit)
        if pin is not None:
            if site != pin:
                return False
        elif site in self.taken:
            return False
        return super().syntactic_feasibility(site, qubit)


def exact_embedding(graph: SiteGraph, weights: np.ndarray, fixed: np.ndarray,
                    rng: np.random.Generator, budget: int = EMBED_BUDGET) -> np.ndarray | None:
    """Local sites for the interacting qubits (-1 for the others, `fixed` kept) such that
    every interacting pair is adjacent, or None if none was found within the budget."""
    linked = weights > 0
    degree = linked.sum(axis=1)
    nodes = np.flatnonzero(degree > 0)
    if len(nodes) == 0:
        return fixed.astype(np.int64).copy()
    if not _could_embed(graph, linked, degree, nodes, fixed):
        return None
    pattern = Graph()
    pattern.add_nodes_from(_breadth_first(linked, degree, nodes, fixed))
    qa, qb = np.nonzero(np.triu(linked))
    pattern.add_edges_from(zip(qa.tolist(), qb.tolist()))
    sites = Graph()
    order = np.lexsort((rng.random(len(graph)), graph.centrality))
    sites.add_nodes_from(order.tolist())
    a, b = graph.edges
    sites.add_edges_from(zip(a.tolist(), b.tolist()))
    pins = {int(q): int(fixed[q]) for q in nodes if fixed[q] >= 0}
    taken = set(fixed[fixed >= 0].tolist())
    matcher = _BudgetedMatcher(sites, pattern, pins, taken, budget)
    try:
        found = next(matcher.subgraph_monomorphisms_iter(), None)
    except _OutOfBudget:
        return None
    if found is None:
        return None
    site = fixed.astype(np.int64).copy()
    for s, q in found.items():
        site[q] = s
    return site


def _could_embed(graph: SiteGraph, linked: np.ndarray, degree: np.ndarray, nodes: np.ndarray,
                 fixed: np.ndarray) -> bool:
    """Necessary conditions: enough sites, degrees dominated by the sites' degrees, and every
    pair of pinned partners already adjacent."""
    if len(nodes) > len(graph):
        return False
    need = np.sort(degree[nodes])[::-1]
    have = np.sort(graph.degree)[::-1][: len(need)]
    if (need > have).any():
        return False
    pinned = np.flatnonzero(fixed >= 0)
    sub = linked[np.ix_(pinned, pinned)]
    i, j = np.nonzero(np.triu(sub))
    return bool((graph.dist[fixed[pinned[i]], fixed[pinned[j]]] <= 1).all())


def _breadth_first(linked: np.ndarray, degree: np.ndarray, nodes: np.ndarray, fixed: np.ndarray) -> list[int]:
    """Pattern qubits in the order VF2 should match them: pinned first, then breadth first,
    higher degree first within a level; each disconnected part from its best-connected qubit."""
    seen: set[int] = set()
    out: list[int] = []
    starts = sorted(nodes.tolist(), key=lambda q: (fixed[q] < 0, -degree[q], q))
    for start in starts:
        if start in seen:
            continue
        seen.add(start)
        frontier = [start]
        while frontier:
            out.extend(frontier)
            nxt: list[int] = []
            for q in frontier:
                for r in sorted(np.flatnonzero(linked[q]).tolist(), key=lambda r: (fixed[r] < 0, -degree[r], r)):
                    if r not in seen:
                        seen.add(r)
                        nxt.append(r)
            frontier = nxt
    return out
