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
LOOKAHEAD_DECAY = 0.5

_KIND = [g.kind for g in GATES]


@dataclass
class Routed:
    """The routed circuit as emission lists: row `src[i]` of the input (or, for
    `src[i] >= len(table)`, row `src[i] - len(table)` of the SWAP template) on atoms
    `qubits` (flat, in order), located at input row `loc_row[i]`."""

    src: list[int]
    loc_row: list[int]
    qubits: list[int]
    atom_sites: list[int]  # local site of every atom; the first n are the input qubits'
    final_atom: list[int]  # atom holding each input qubit at the end
    swaps: int


def route_table(table: GateTable, n: int, sites: np.ndarray, graph: SiteGraph, routed: np.ndarray,
                swap_template: list[tuple[int, int]], lookahead: int, seed: int) -> Routed:
    """Route `table` on `n` qubits at local `sites`; `routed[r]` marks the rows that must act on
    adjacent atoms; `swap_template` lists (a, b) qubit slots (b = -1 for a 1-qubit row) of the
    rows that make one SWAP of atoms (a, b)."""
    rows = len(table)
    offsets = table.qubit_offsets.tolist()
    qubits = table.qubits.tolist()
    opcode = table.opcode.tolist()
    lanes = _lanes(table, n)
    chain = n  # the virtual lane that keeps measurements and annotations in order
    waiting = [len(lane) for lane in lanes]
    on_lane = _rows_on_lanes(lanes, n + 1)
    head = [0] * (n + 1)
    for lane_rows in on_lane:
        if lane_rows:
            waiting[lane_rows[0]] -= 1
    ready = [r for r in range(rows) if waiting[r] == 0]
    heapq.heapify(ready)

    dist = graph.dist_rows
    neighbours = graph.neighbours
    priority = np.random.default_rng(seed).random(len(graph)).tolist()
    atom_site = [int(s) for s in sites.tolist()]
    site_atom = [-1] * len(graph)
    for a, s in enumerate(atom_site):
        site_atom[s] = a
    holder = list(range(n))  # program qubit held by each atom, -1 for an ancilla in |0>
    atom_of = list(range(n))
    where = list(atom_site)  # current local site of each program qubit
    partners = _partners(table, routed, n)
    next_gate = [0] * n
    decay = [0] * n
    weights = [LOOKAHEAD_DECAY ** k for k in range(max(lookahead, 1))]
    front: dict[int, tuple[int, int]] = {}
    target = -1

    src: list[int] = []
    loc_row: list[int] = []
    out_q: list[int] = []
    swaps = 0
    template_base = rows
    done = 0

    while True:
        while ready:
            r = heapq.heappop(ready)
            lo, hi = offsets[r], offsets[r + 1]
            if routed[r]:
                qa, qb = qubits[lo], qubits[lo + 1]
                if dist[where[qa]][where[qb]] > 1:
                    front[r] = (qa, qb)
                    continue
                next_gate[qa] += 1
                next_gate[qb] += 1
                decay[qa] = decay[qb] = 0
            src.append(r)
            loc_row.append(r)
            for k in range(lo, hi):
                out_q.append(atom_of[qubits[k]])
            done += 1
            for lane in lanes[r]:
                head[lane] += 1
                lane_rows = on_lane[lane]
                if head[lane] < len(lane_rows):
                    nxt = lane_rows[head[lane]]
                    waiting[nxt] -= 1
                    if waiting[nxt] == 0:
                        heapq.heappush(ready, nxt)
        if not front:
            break
        if target not in front:
            target = min(front, key=lambda g: (dist[where[front[g][0]]][where[front[g][1]]], g))
        qa, qb = front[target]
        s, t = _best_swap(qa, qb, where, dist, neighbours, site_atom, holder, partners, next_gate,
                          decay, weights, priority)
        a = site_atom[s]
        b = site_atom[t]
        if b < 0:  # an empty site: bring in an ancilla atom in |0>
            b = len(atom_site)
            atom_site.append(t)
            site_atom[t] = b
            holder.append(-1)
        for slot_a, slot_b in swap_template:
            src.append(template_base + len(src) - len(src) + _template_index(swap_template, slot_a, slot_b))
            loc_row.append(target)
        _ = opcode
        swaps += 1
        for k, (slot_a, slot_b) in enumerate(swap_template):
            pass
        # the template rows just appended: fix their source indices and qubits
        for k, (slot_a, slot_b) in enumerate(swap_template):
            src[len(src) - len(swap_template) + k] = template_base + k
            out_q.append(a if slot_a == 0 else b)
            if slot_b >= 0:
                out_q.append(a if slot_b == 0 else b)
        pa, pb = holder[a], holder[b]
        holder[a], holder[b] = pb, pa
        if pa >= 0:
            atom_of[pa], where[pa] = b, t
            decay[pa] += 1
        if pb >= 0:
            atom_of[pb], where[pb] = a, s
            decay[pb] += 1
        for g, (x, y) in list(front.items()):
            if (x == pa or y == pa or (pb >= 0 and (x == pb or y == pb))) and dist[where[x]][where[y]] <= 1:
                del front[g]
                heapq.heappush(ready, g)
    if done != rows:
        raise AssertionError(f"route: {rows - done} rows never became ready")
    return Routed(src, loc_row, out_q, atom_site, atom_of, swaps)


def _template_index(template, slot_a, slot_b) -> int:
    return 0


def _best_swap(qa, qb, where, dist, neighbours, site_atom, holder, partners, next_gate, decay,
               weights, priority) -> tuple[int, int]:
    """The SWAP (from site, to site) that takes one hop off gate (qa, qb), best first by
    look-ahead score, then by whether the destination has an atom, then by the seeded rank."""
    sa, sb = where[qa], where[qb]
    d = dist[sa][sb] - 1
    best = None
    best_key = None
    for mover, s, other_site in ((qa, sa, sb), (qb, sb, sa)):
        for t in neighbours[s]:
            if dist[t][other_site] != d:
                continue
            atom = site_atom[t]
            displaced = holder[atom] if atom >= 0 else -1
            score = _gain(mover, s, t, displaced, where, dist, partners, next_gate, weights) + DECAY_WEIGHT * decay[mover]
            if displaced >= 0:
                score += _gain(displaced, t, s, mover, where, dist, partners, next_gate, weights)
                score += DECAY_WEIGHT * decay[displaced]
            key = (atom < 0, score, priority[t])
            if best_key is None or key < best_key:
                best, best_key = (s, t), key
    return best


def _gain(q, old, new, other, where, dist, partners, next_gate, weights) -> float:
    """Change in weighted distance from q to its next partners if q moves old → new (a partner
    that is `other`, the qubit swapping the other way, keeps its distance)."""
    mine = partners[q]
    start = next_gate[q]
    total = 0.0
    row_old, row_new = dist[old], dist[new]
    for k, w in enumerate(weights):
        i = start + k
        if i >= len(mine):
            break
        p = mine[i]
        if p == other:
            continue
        sp = where[p]
        total += w * (row_new[sp] - row_old[sp])
    return total


def _lanes(table: GateTable, n: int) -> list[list[int]]:
    """Per row, the lanes it waits on: its qubits; all qubits for a barrier without qubits;
    plus the chain lane `n` for measurements and annotations."""
    offsets = table.qubit_offsets.tolist()
    qubits = table.qubits.tolist()
    out: list[list[int]] = []
    everything = list(range(n))
    for r, code in enumerate(table.opcode.tolist()):
        kind = _KIND[code]
        lane = qubits[offsets[r] : offsets[r + 1]]
        if kind == "barrier" and not lane:
            lane = everything
        elif kind in ("measure", "annotation"):
            lane = lane + [n]
        out.append(lane)
    return out


def _rows_on_lanes(lanes: list[list[int]], count: int) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(count)]
    for r, lane in enumerate(lanes):
        for q in lane:
            out[q].append(r)
    return out


def _partners(table: GateTable, routed: np.ndarray, n: int) -> list[list[int]]:
    """Per qubit, the other qubit of each of its routed gates, in program order."""
    out: list[list[int]] = [[] for _ in range(n)]
    start = table.qubit_offsets[:-1][routed]
    a, b = table.qubits[start].tolist(), table.qubits[start + 1].tolist()
    for x, y in zip(a, b):
        out[x].append(y)
        out[y].append(x)
    return out
