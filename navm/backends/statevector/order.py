"""Ordering passes so that the state changes sides (`layout.py`) as seldom as possible.

Every change from the high side (column slabs) to the low side (row slabs) or
back costs a full read and write of the state, ~1.5 ns per amplitude at
n = 24 (a pass in a slab costs ~0.6–1). Passes on disjoint positions commute,
so any order that keeps each position's passes in turn is the same circuit.
A list schedule that stays on the current side while it can does a
brickwork's two layers in one visit of each side instead of two: the CZ
across the sides joins whichever side runs next.
"""

from __future__ import annotations

import heapq

from navm.backends.statevector.layout import Layout
from navm.backends.statevector.schedule import BlockPass, Pass
from navm.backends.statevector.slabs import HIGH, LOW

EITHER = 2


def by_side(passes: list[Pass], touched: list[set[int]], lay: Layout) -> list[Pass]:
    """`passes` reordered; pass i must follow every earlier pass sharing a position with it."""
    side = [(HIGH if lay.is_high(p.block) else LOW) if isinstance(p, BlockPass) else EITHER for p in passes]
    waiting = [0] * len(passes)
    after: list[list[int]] = [[] for _ in passes]
    last: dict[int, int] = {}
    for i, positions in enumerate(touched):
        for j in {last[p] for p in positions if p in last}:
            after[j].append(i)
            waiting[i] += 1
        last.update(dict.fromkeys(positions, i))
    ready: dict[int, list[int]] = {LOW: [], HIGH: [], EITHER: []}
    for i, w in enumerate(waiting):
        if not w:
            heapq.heappush(ready[side[i]], i)
    current = next((s for s in side if s != EITHER), LOW)
    out: list[Pass] = []
    while len(out) < len(passes):
        here = [h for h in (ready[current], ready[EITHER]) if h]
        if not here:
            current = HIGH + LOW - current
            continue
        i = heapq.heappop(min(here, key=lambda h: h[0]))
        out.append(passes[i])
        for j in after[i]:
            waiting[j] -= 1
            if not waiting[j]:
                heapq.heappush(ready[side[j]], j)
    return out
