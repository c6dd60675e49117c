"""Gate sites and the rules of a Rydberg pulse (docs/zoned.md, "Legality", rule 4).

A pulse drives every atom inside the laser region: any two of them within the blockade
radius are entangled. So a legal `rydberg` row pairs the two traps of gate sites, with both
atoms stored and the AOD empty, no other atom within the blockade radius of a pair's
atoms, and no two atoms under the laser within that radius without being a listed pair.

`GateSites` answers which gate site a trap belongs to (for the rules, for error messages
and for the zones a pulse stands in); `close_pairs` finds the atoms within the blockade
radius of each other near the laser, in a sweep over x.
"""

from __future__ import annotations

import numpy as np

from navm.passes.analysis.motion_events import SLACK, xy


class GateSites:
    """Per trap site id: the entanglement zone, gate site and side (0 left, 1 right); -1 elsewhere."""

    def __init__(self, arch) -> None:
        n = len(arch.coords)
        self.arch = arch
        self.zone = np.full(n, -1, dtype=np.int64)
        self.site = np.full(n, -1, dtype=np.int64)
        self.side = np.full(n, -1, dtype=np.int64)
        for z, zone in enumerate(arch.zones):
            k = np.arange(len(zone.left))
            self.zone[zone.left] = self.zone[zone.right] = z
            self.site[zone.left] = self.site[zone.right] = k
            self.side[zone.left], self.side[zone.right] = 0, 1

    def name(self, trap: int) -> str:
        """A trap as error messages name it."""
        z = int(self.zone[trap]) if 0 <= trap < len(self.zone) else -1
        if z >= 0:
            side = "left" if self.side[trap] == 0 else "right"
            return (f"the {side} trap of gate site {int(self.site[trap])} of zone '{self.arch.zones[z].name}' "
                    f"(site {trap})")
        if 0 <= trap < len(self.arch.is_storage) and self.arch.is_storage[trap]:
            return f"storage trap {trap}"
        return f"trap {trap}"

    def zones_of(self, traps: np.ndarray) -> tuple[int, ...]:
        """The zones whose gate sites hold some of `traps` (-1 entries: no trap)."""
        zones = self.zone[traps[traps >= 0]]
        zones = zones[zones >= 0]
        if len(self.arch.zones) == 1:
            return (0,) if len(zones) else ()
        return tuple(sorted(set(zones.tolist())))

    def same_site(self, ta: np.ndarray, tb: np.ndarray) -> np.ndarray:
        """Whether traps `ta[i]` and `tb[i]` are the two traps of one gate site."""
        za = np.where(ta >= 0, self.zone[ta], -1)
        zb = np.where(tb >= 0, self.zone[tb], -1)
        return (za >= 0) & (za == zb) & (self.site[ta] == self.site[tb]) & (self.side[ta] != self.side[tb])


def close_pairs(pos: np.ndarray, arch, radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Atom pairs (a < b, sorted) at most `radius` apart, among the atoms within `radius` of a laser
    region, with their distances: a sweep over x, so only atoms whose xs are that close are compared."""
    nearby = np.zeros(len(pos), bool)
    x, y = pos[:, 0], pos[:, 1]
    for zone in arch.zones:
        (x0, y0), (x1, y1) = zone.laser
        nearby |= (x >= x0 - radius) & (x <= x1 + radius) & (y >= y0 - radius) & (y <= y1 + radius)
    ids = np.flatnonzero(nearby)
    ids = ids[np.argsort(pos[ids, 0], kind="stable")]
    x, y = pos[ids, 0], pos[ids, 1]
    reach = radius * (1 + SLACK)
    hi = np.searchsorted(x, x + reach, side="right")
    counts = hi - np.arange(len(ids)) - 1
    i = np.repeat(np.arange(len(ids)), counts)
    j = i + 1 + np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    d = np.hypot(x[j] - x[i], y[j] - y[i])
    keep = d <= reach
    a, b = ids[i[keep]], ids[j[keep]]
    lo, high = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((high, lo))
    return lo[order], high[order], d[keep][order]


def check_pulse(state, pairs: np.ndarray, row: int | None) -> None:
    """The pulse rules on the replay's `state` (motion.Replay), for the pulse's `pairs` (k × 2)."""
    if state.in_aod.any():
        q = int(np.flatnonzero(state.in_aod)[0])
        state.fail(f"rydberg: q{q} is in the AOD during the pulse, at {xy(state.pos[q])}: "
                   "store every atom before a pulse", row)
    if len(pairs):
        ok = state.gate_sites.same_site(state.trap[pairs[:, 0]], state.trap[pairs[:, 1]])
        if not ok.all():
            a, b = (int(q) for q in pairs[np.flatnonzero(~ok)[0]])
            state.fail(f"rydberg: q{a} and q{b} are not on the two traps of one gate site: "
                       f"{state.whereabouts(a)}; {state.whereabouts(b)}", row)
    close_a, close_b, dist = state.close_pairs()
    if not len(close_a):
        return
    partner = state.partner  # all -1 between pulses
    partner[pairs[:, 0]], partner[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]
    listed = partner[close_a] == close_b
    touches = (partner[close_a] >= 0) | (partner[close_b] >= 0)
    both_lit = state.in_laser[close_a] & state.in_laser[close_b]
    bad = np.flatnonzero(~listed & (touches | both_lit))
    if not bad.size:
        partner[pairs.reshape(-1)] = -1
        return
    k = int(bad[0])
    a, b, d = int(close_a[k]), int(close_b[k]), float(dist[k])
    if touches[k]:
        p, c = (a, b) if partner[a] >= 0 else (b, a)
        state.fail(f"rydberg: {state.at(c)} is {d:.3f} µm from {state.at(p)}, within the blockade radius "
                   f"({state.radius:g} µm) of the pair (q{p}, q{int(partner[p])})", row)
    state.fail(f"rydberg: {state.at(a)} and {state.at(b)} are {d:.3f} µm apart under the laser, within the "
               f"blockade radius ({state.radius:g} µm), but not a pair of the pulse: it would entangle them", row)
