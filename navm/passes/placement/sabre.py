"""SWAP routing in the style of SABRE: a front layer, a look-ahead window and a decay.

Rows run in a dependency order: a row waits for the rows before it on each
of its qubits (a barrier without qubits waits for all of them; measurements
and detector/observable rows also keep their relative order, so measurement
record numbers do not change). Ready rows are taken lowest row first, so the
output stays as close to program order as the dependencies allow. A ready
2-qubit gate whose atoms are out of blockade range joins the front layer.

When nothing else can run, the router takes the front gate with the fewest
hops left (oldest first on a tie) and SWAPs it closer until it can run, one
hop per SWAP, along shortest paths of the blockade graph. Among the SWAPs
that take a hop off that gate, it picks the one that is best for what comes
next: for both qubits the SWAP moves, the change in distance to their next
`lookahead` partners (weights 1, ½, ¼, …; the front gates are the first of
those), plus `DECAY_WEIGHT` per SWAP each of them took since its last gate
(spreading SWAPs over qubits lets them run in parallel). A SWAP into a site
with no atom only happens when no shortest step has an atom there; it adds
an ancilla atom in |0>. The seeded RNG ranks sites to break exact ties. Every
SWAP shortens the routed gate, so routing always ends, after at most
(hops − 1) SWAPs per gate.

Python work is O(1) per row plus O(lookahead) per candidate SWAP.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from navm.ir.circuit_table import GateTable
from navm.ir.gates import GATES
from navm.passes.placement.sites import SiteGraph

DECAY_WEIGHT = 0.1
SWAP_MARK = -1
LOOKAHEAD_DECAY = 0.5

_CHAIN, _BARRIER, _OTHER = 1, 2, 0  # how a row kind orders: measurement chain, barrier, by qubits
_KIND_CODES = np.array([{"measure": _CHAIN, "annotation": _CHAIN, "barrier": _BARRIER}.get(g.kind, _OTHER)
                        for g in GATES], dtype=np.int8)


@dataclass
class Routed:
    """The routed circuit as emission lists: row `src[i]` of the input, or a SWAP where
    `src[i] == SWAP_MARK`, on atoms `qubits` (flat, in order: a SWAP lists its two atoms),
    located at input row `loc_row[i]`."""

    src: list[int]
    loc_row: list[int]
    qubits: list[int]
    atom_sites: list[int]  # local site of every atom; the first n are the input qubits'
    final_atom: list[int]  # atom holding each input qubit at the end
    swaps: int


def route_table(table: GateTable, n: int, sites: np.ndarray, graph: SiteGraph, routed: np.ndarray,
                lookahead: int, seed: int) -> Routed:
    """Route `table` on `n` qubits at local `sites`; `routed[r]` marks the rows that must act on
    adjacent atoms."""
    router = _Router(table, n, sites, graph, routed, lookahead, seed)
    while True:
        router.run_ready_rows()
        if not router.front:
            break
        router.swap_towards_target()
    if router.done != len(table):
        raise AssertionError(f"route: {len(table) - router.done} rows never became ready")
    return Routed(router.src, router.loc_row, router.out_q, router.atom_site, router.atom_of, router.swaps)


class _Router:
    """The routing state. Atoms are numbered as in the output; `holder[a]` is the program qubit
    atom a holds (-1: none, the atom is |0>); `where[q]` is program qubit q's current site."""

    def __init__(self, table: GateTable, n: int, sites: np.ndarray, graph: SiteGraph, routed: np.ndarray,
                 lookahead: int, seed: int) -> None:
        kind = _KIND_CODES[table.opcode.astype(np.int64)]
        in_chain = kind == _CHAIN
        for_all = (kind == _BARRIER) & (np.diff(table.qubit_offsets) == 0)
        self.offsets = table.qubit_offsets.tolist()
        self.qubits = table.qubits.tolist()
        self.in_chain, self.for_all, self.is_routed = in_chain.tolist(), for_all.tolist(), routed.tolist()
        self.chain, self.all_lanes = n, list(range(n))
        self.on_lane, self.waiting = _rows_on_lanes(table, n, in_chain, for_all)
        self.head = [0] * (n + 1)
        for lane_rows in self.on_lane:
            if lane_rows:
                self.waiting[lane_rows[0]] -= 1
        self.ready = [r for r, w in enumerate(self.waiting) if w == 0]
        heapq.heapify(self.ready)

        self.dist, self.neighbours = graph.dist_rows, graph.neighbours
        self.priority = np.random.default_rng(seed).random(len(graph)).tolist()
        self.atom_site = [int(s) for s in sites.tolist()]
        self.site_atom = [-1] * len(graph)
        for a, s in enumerate(self.atom_site):
            self.site_atom[s] = a
        self.holder = list(range(n))
        self.atom_of = list(range(n))
        self.where = list(self.atom_site)
        self.partners = _partners(table, routed, n)
        self.next_gate = [0] * n  # index into partners[q] of q's next routed gate
        self.decay = [0] * n  # SWAPs q took since its last routed gate
        self.front_of = [-1] * n  # the front gate q waits in
        self.weights = [LOOKAHEAD_DECAY ** k for k in range(lookahead)]
        self.front: dict[int, tuple[int, int]] = {}
        self.target = -1
        self.src: list[int] = []
        self.loc_row: list[int] = []
        self.out_q: list[int] = []
        self.swaps = self.done = 0

    def run_ready_rows(self) -> None:
        """Emit ready rows, lowest first, until none is left; routed gates out of range wait in
        the front layer. (The hot loop: attributes are read into locals once.)"""
        ready, offsets, qubits, dist, where = self.ready, self.offsets, self.qubits, self.dist, self.where
        is_routed, front, front_of = self.is_routed, self.front, self.front_of
        next_gate, decay, atom_of = self.next_gate, self.decay, self.atom_of
        src, loc_row, out_q = self.src, self.loc_row, self.out_q
        for_all, in_chain, head, on_lane, waiting = self.for_all, self.in_chain, self.head, self.on_lane, self.waiting
        chain, all_lanes = [self.chain], self.all_lanes
        done = 0
        while ready:
            r = heapq.heappop(ready)
            lo, hi = offsets[r], offsets[r + 1]
            if is_routed[r]:
                qa, qb = qubits[lo], qubits[lo + 1]
                if dist[where[qa]][where[qb]] > 1:
                    front[r] = (qa, qb)
                    front_of[qa] = front_of[qb] = r
                    continue
                front_of[qa] = front_of[qb] = -1
                next_gate[qa] += 1
                next_gate[qb] += 1
                decay[qa] = decay[qb] = 0
            src.append(r)
            loc_row.append(r)
            lanes = qubits[lo:hi]
            for q in lanes:
                out_q.append(atom_of[q])
            done += 1
            if for_all[r]:
                lanes = all_lanes
            elif in_chain[r]:
                lanes = lanes + chain
            for lane in lanes:
                at = head[lane] = head[lane] + 1
                lane_rows = on_lane[lane]
                if at < len(lane_rows):
                    nxt = lane_rows[at]
                    waiting[nxt] -= 1
                    if waiting[nxt] == 0:
                        heapq.heappush(ready, nxt)
        self.done += done

    def swap_towards_target(self) -> None:
        """One SWAP that takes a hop off the target front gate (chosen anew once it has run)."""
        front, dist, where = self.front, self.dist, self.where
        if self.target not in front:
            self.target = min(front, key=lambda g: (dist[where[front[g][0]]][where[front[g][1]]], g))
        s, t = self.best_swap(*front[self.target])
        a, b = self.site_atom[s], self.site_atom[t]
        if b < 0:  # an empty site: bring in an ancilla atom in |0>
            b = self.site_atom[t] = len(self.atom_site)
            self.atom_site.append(t)
            self.holder.append(-1)
        self.src.append(SWAP_MARK)
        self.loc_row.append(self.target)
        self.out_q += (a, b)
        self.swaps += 1
        holder = self.holder
        pa, pb = holder[a], holder[b]
        holder[a], holder[b] = pb, pa
        for q, atom, site in ((pa, b, t), (pb, a, s)):
            if q < 0:
                continue
            self.atom_of[q], where[q] = atom, site
            self.decay[q] += 1
            g = self.front_of[q]
            if g >= 0:
                x, y = front[g]
                if dist[where[x]][where[y]] <= 1:  # it can run now
                    del front[g]
                    self.front_of[x] = self.front_of[y] = -1
                    heapq.heappush(self.ready, g)

    def best_swap(self, qa: int, qb: int) -> tuple[int, int]:
        """The SWAP (from site, to site) that takes one hop off gate (qa, qb): an atom at the
        destination first, then the lowest score, then the seeded rank of the destination.

        Score: for the qubit moved and the one it displaces, the change in weighted distance
        to their next partners (a partner that is the other swapped qubit keeps its distance),
        plus DECAY_WEIGHT per SWAP each took since its last gate."""
        dist, where, partners, next_gate, decay = self.dist, self.where, self.partners, self.next_gate, self.decay
        site_atom, holder, weights, priority = self.site_atom, self.holder, self.weights, self.priority
        sa, sb = where[qa], where[qb]
        d = dist[sa][sb] - 1
        span = len(weights)
        best, best_key = None, None
        for mover, s, other_site in ((qa, sa, sb), (qb, sb, sa)):
            row_s = dist[s]
            i = next_gate[mover]
            ahead = [(w, p, where[p]) for w, p in zip(weights, partners[mover][i : i + span])]
            moved = DECAY_WEIGHT * decay[mover]
            for t in self.neighbours[s]:
                row_t = dist[t]
                if row_t[other_site] != d:
                    continue
                atom = site_atom[t]
                displaced = holder[atom] if atom >= 0 else -1
                score = moved
                for w, p, sp in ahead:
                    if p != displaced:
                        score += w * (row_t[sp] - row_s[sp])
                if displaced >= 0:
                    j = next_gate[displaced]
                    for w, p in zip(weights, partners[displaced][j : j + span]):
                        if p != mover:
                            sp = where[p]
                            score += w * (row_s[sp] - row_t[sp])
                    score += DECAY_WEIGHT * decay[displaced]
                key = (atom < 0, score, priority[t])
                if best_key is None or key < best_key:
                    best, best_key = (s, t), key
        if best is None:
            raise AssertionError(f"route: no SWAP brings sites {sa} and {sb} closer (not connected)")
        return best


def _rows_on_lanes(table: GateTable, n: int, in_chain: np.ndarray, for_all: np.ndarray
                   ) -> tuple[list[list[int]], list[int]]:
    """Per lane (each qubit, then the chain lane `n`), the rows that wait on it in order; and
    per row, how many lanes it waits on."""
    counts = np.diff(table.qubit_offsets).astype(np.int64)
    row_of = np.repeat(np.arange(len(table)), counts)
    all_rows = np.flatnonzero(for_all)
    chain_rows = np.flatnonzero(in_chain)
    lane = np.concatenate([table.qubits.astype(np.int64), np.full(len(chain_rows), n),
                           np.tile(np.arange(n), len(all_rows))])
    row = np.concatenate([row_of, chain_rows, np.repeat(all_rows, n)])
    order = np.lexsort((row, lane))
    per_lane = np.bincount(lane, minlength=n + 1)
    split = np.split(row[order], np.cumsum(per_lane)[:-1])
    waiting = counts + in_chain + n * for_all
    return [part.tolist() for part in split], waiting.tolist()


def _partners(table: GateTable, routed: np.ndarray, n: int) -> list[list[int]]:
    """Per qubit, the other qubit of each of its routed gates, in program order."""
    out: list[list[int]] = [[] for _ in range(n)]
    start = table.qubit_offsets[:-1][routed]
    a, b = table.qubits[start].tolist(), table.qubits[start + 1].tolist()
    for x, y in zip(a, b):
        out[x].append(y)
        out[y].append(x)
    return out
