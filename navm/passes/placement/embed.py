"""Exact embedding of the interaction graph into the blockade graph, by bounded backtracking.

An embedding (a subgraph monomorphism) puts every interacting pair on sites
within the blockade radius, so the circuit needs no routing. Finding one is
NP-hard in general; this search is a small constraint solver that is quick on
the structured graphs circuits have (chains, rings, grids, fans, code lattices):
- the next qubit is the one with the fewest candidate sites (free sites next to
  every placed partner, with enough free neighbours for its unplaced partners);
  a new connected part starts from its best-connected qubit on a central site;
- candidate sites are tried nearest (in µm) to the placed partners first, then
  most central, then in the seeded random order;
- a choice that leaves some waiting qubit without a candidate is undone at once.
It gives up after `EMBED_BUDGET` placements tried (a count, not a clock, so the
answer is the same on every machine), after quick necessary conditions have
ruled out hopeless cases (too many qubits, degrees the sites cannot match,
pinned partners out of range).
"""

from __future__ import annotations

import sys

import numpy as np

from navm.passes.placement.hops import UNREACHABLE, hop_distances
from navm.passes.placement.sites import SiteGraph

EMBED_BUDGET = 5_000
MAX_EMBED_QUBITS = 600  # the search recurses once per qubit


class _OutOfBudget(Exception):
    pass


def exact_embedding(graph: SiteGraph, weights: np.ndarray, fixed: np.ndarray,
                    rng: np.random.Generator, budget: int = EMBED_BUDGET) -> np.ndarray | None:
    """Local sites for the interacting qubits (-1 for the others, `fixed` kept) such that
    every interacting pair is adjacent, or None if none was found within the budget."""
    linked = weights > 0
    degree = linked.sum(axis=1)
    nodes = np.flatnonzero(degree > 0)
    if len(nodes) == 0:
        return fixed.astype(np.int64).copy()
    if len(nodes) > MAX_EMBED_QUBITS or not _could_embed(graph, linked, degree, nodes, fixed):
        return None
    search = _Search(graph, linked, degree, nodes, fixed, rng, budget)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * len(nodes) + 200))
    try:
        found = search.solve()
    except _OutOfBudget:
        found = False
    finally:
        sys.setrecursionlimit(limit)
    if not found:
        return None
    site = fixed.astype(np.int64).copy()
    for q, s in search.site_of.items():
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
    i, j = np.nonzero(np.triu(linked[np.ix_(pinned, pinned)]))
    return bool((graph.dist[fixed[pinned[i]], fixed[pinned[j]]] <= 1).all())


class _Search:
    def __init__(self, graph: SiteGraph, linked: np.ndarray, degree: np.ndarray, nodes: np.ndarray,
                 fixed: np.ndarray, rng: np.random.Generator, budget: int) -> None:
        self.neighbours = [frozenset(nb) for nb in graph.neighbours]
        self.site_degree = graph.degree.tolist()
        self.coords = graph.coords
        self.centrality = graph.centrality.tolist()
        self.rank = (graph.centrality + rng.random(len(graph)) * 0.5).tolist()
        self.partners = {int(q): np.flatnonzero(linked[q]).tolist() for q in nodes}
        self.degree = degree.tolist()
        self.closeness = _closeness(linked, nodes)
        self.tie = rng.permutation(len(fixed)).tolist()
        self.budget = budget
        self.site_of: dict[int, int] = {}
        self.taken: set[int] = set(fixed[fixed >= 0].tolist())
        self.free_nb = [sum(1 for t in nb if t not in self.taken) for nb in self.neighbours]
        self.todo: set[int] = set()
        self.placed_partners = dict.fromkeys(self.partners, 0)
        self.frontier: set[int] = set()  # qubits without a site but with a placed partner
        for q in self.partners:
            if fixed[q] >= 0:
                self.site_of[q] = int(fixed[q])
            else:
                self.todo.add(q)
        for q in self.site_of:
            self._count_placed(q, +1)

    def waiting(self, q: int) -> int:
        """How many partners of q still have no site."""
        return sum(1 for p in self.partners[q] if p not in self.site_of)

    def candidates(self, q: int) -> list[int]:
        """Free sites next to every placed partner of q with room for its unplaced partners
        (all such free sites if no partner is placed yet)."""
        placed = [self.site_of[p] for p in self.partners[q] if p in self.site_of]
        if placed:
            pool = set(self.neighbours[placed[0]])
            for s in placed[1:]:
                pool &= self.neighbours[s]
        else:
            pool = range(len(self.neighbours))
        need, room = self.waiting(q), self.degree[q]
        return [s for s in pool if s not in self.taken and self.free_nb[s] >= need
                and self.site_degree[s] >= room]

    def solve(self) -> bool:
        if not self.todo:
            return True
        q, options = self._next()
        if not options:
            return False
        placed = [self.site_of[p] for p in self.partners[q] if p in self.site_of]
        options.sort(key=lambda s: (self._spread(s, placed), self.rank[s]))
        if not placed and not self.taken:
            # The first qubit on an empty device: sites of equal centrality are alike
            # (lattice symmetry), so try one site per centrality class.
            seen: set[int] = set()
            options = [s for s in options if not (self.centrality[s] in seen or seen.add(self.centrality[s]))]
        for s in options:
            self.budget -= 1
            if self.budget < 0:
                raise _OutOfBudget
            self._place(q, s)
            if self._still_possible(q) and self.solve():
                return True
            self._unplace(q, s)
        return False

    def _next(self) -> tuple[int, list[int]]:
        """The waiting qubit with the fewest candidates; else (a new part) the best-connected."""
        best, best_key, best_options = -1, None, []
        for q in self.frontier:
            placed = self.placed_partners[q]
            options = self.candidates(q)
            key = (len(options), -placed, -self.degree[q], self.tie[q])
            if best_key is None or key < best_key:
                best, best_key, best_options = q, key, options
                if not options:
                    break
        if best >= 0:
            return best, best_options
        q = min(self.todo, key=lambda q: (self.closeness[q], -self.degree[q], self.tie[q]))
        return q, self.candidates(q)

    def _spread(self, s: int, placed: list[int]) -> float:
        x, y = self.coords[s]
        return sum(((x - self.coords[t][0]) ** 2 + (y - self.coords[t][1]) ** 2) ** 0.5 for t in placed)

    def _still_possible(self, q: int) -> bool:
        return all(self.candidates(p) for p in self.partners[q] if p not in self.site_of)

    def _place(self, q: int, s: int) -> None:
        self.site_of[q] = s
        self.taken.add(s)
        self.todo.discard(q)
        self.frontier.discard(q)
        for t in self.neighbours[s]:
            self.free_nb[t] -= 1
        self._count_placed(q, +1)

    def _unplace(self, q: int, s: int) -> None:
        del self.site_of[q]
        self.taken.discard(s)
        self.todo.add(q)
        if self.placed_partners[q]:
            self.frontier.add(q)
        for t in self.neighbours[s]:
            self.free_nb[t] += 1
        self._count_placed(q, -1)

    def _count_placed(self, q: int, step: int) -> None:
        for p in self.partners[q]:
            self.placed_partners[p] += step
            if p not in self.site_of:
                if self.placed_partners[p]:
                    self.frontier.add(p)
                else:
                    self.frontier.discard(p)


def _closeness(linked: np.ndarray, nodes: np.ndarray) -> dict[int, int]:
    """Per interacting qubit, its total hop distance to the others of its connected part:
    the most central qubit (smallest) goes on the most central site."""
    a, b = np.nonzero(linked[np.ix_(nodes, nodes)])
    hops = hop_distances(len(nodes), a, b)
    total = np.where(hops == UNREACHABLE, 0, hops).sum(axis=1, dtype=np.int64)
    return dict(zip(nodes.tolist(), total.astype(np.int64).tolist()))
