"""Gate sites and the rules of a Rydberg pulse (docs/zoned.md, "Legality", rule 4).

A pulse drives every atom inside the laser region: any two of them within the blockade
radius are entangled. So a legal `rydberg` row pairs the two traps of gate sites, with both
atoms stored and the AOD empty, no other atom within the blockade radius of a pair's
atoms, and no two atoms under the laser within that radius without being a listed pair.

`GateSites` answers which gate site a trap belongs to (for the rules, for error messages
and for the zones a pulse stands in); `close_pairs` finds the atoms within the blockade
radius of each other near the laser, in a sweep over x.

Why `TrapNeighbours` too: the atoms move between every two pulses, so sweeping all of them at
each pulse costs O(atoms near the laser) numpy work per pulse. But during a pulse every atom
stands on its trap, so `check_pulse` screens the pulse in plain Python from each lit atom's
trap: the occupants of the traps within the radius of it (computed once per trap, with a
margin). Only when the screen finds a suspect pair, or cannot run (an atom in the AOD, a pair
off its gate site), does it run the exact rule (`close_pairs` and numpy), which decides and
words the error. O(atoms under the laser) per pulse.
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
        self._zone, self._site, self._side = self.zone.tolist(), self.site.tolist(), self.side.tolist()

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

    def zones_of_traps(self, traps: list[int]) -> tuple[int, ...]:
        """`zones_of` for a list of trap ids."""
        zone = self._zone
        zones = {zone[t] for t in traps if t >= 0}
        zones.discard(-1)
        if len(self.arch.zones) == 1:
            return (0,) if zones else ()
        return tuple(sorted(zones))

    def one_site(self, ta: int, tb: int) -> bool:
        """`same_site` for two trap ids (-1: no trap)."""
        zone = self._zone
        return (ta >= 0 and tb >= 0 and zone[ta] >= 0 and zone[ta] == zone[tb] and self._site[ta] == self._site[tb]
                and self._side[ta] != self._side[tb])

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


class TrapNeighbours:
    """For a trap, the traps within the blockade radius of it (`of`), from the architecture's
    coordinates, computed on demand and kept. At a pulse every atom stands on its trap (the AOD is
    empty), so the atoms within the radius of an atom are the occupants of its trap's neighbours."""

    def __init__(self, arch, radius: float) -> None:
        self.coords = arch.coords
        self.reach = radius * (1 + SLACK) * (1 + 1e-9)  # a margin over close_pairs' reach
        x, y = self.coords[:, 0], self.coords[:, 1]
        near = np.zeros(len(self.coords), bool)  # traps a neighbour of a trap under the laser can be
        for (x0, y0), (x1, y1) in (zone.laser for zone in arch.zones):
            r = 2 * self.reach
            near |= (x >= x0 - r) & (x <= x1 + r) & (y >= y0 - r) & (y <= y1 + r)
        self.ids = np.flatnonzero(near)
        self.x, self.y = x[self.ids], y[self.ids]
        self._of: dict[int, list[int]] = {}

    def of(self, trap: int) -> list[int]:
        out = self._of.get(trap)
        if out is None:
            x, y = self.coords[trap]
            close = self.ids[np.hypot(self.x - x, self.y - y) <= self.reach].tolist()
            out = self._of[trap] = [t for t in close if t != trap]
        return out


def check_pulse(state, paired: list[int], row: int | None) -> None:
    """The pulse rules on the replay's `state` (motion.Replay), for the pulse's pairs, flat:
    (paired[0], paired[1]), (paired[2], paired[3]), …"""
    screen = not state.aod_atoms and state.on_trap_coords
    partner = _partners(state, paired) if screen else None
    if partner is None or _blockade_suspects(state, partner):
        _explain_pulse(state, np.array(paired, dtype=np.int64).reshape(-1, 2), row)


def _partners(state, paired: list[int]) -> dict[int, int] | None:
    """Each paired atom's partner, if every pair stands on the two traps of one gate site with both
    atoms under the laser; else None."""
    one_site, traps, lit = state.gate_sites.one_site, state.traps, state.lit
    partner = {}
    for i in range(0, len(paired), 2):
        a, b = paired[i], paired[i + 1]
        if not (one_site(traps[a], traps[b]) and lit[a] and lit[b]):
            return None
        partner[a], partner[b] = b, a
    return partner


def _blockade_suspects(state, partner: dict[int, int]) -> bool:
    """Whether two atoms within the blockade radius (with a margin), one of them under the laser, break
    the rules: not a pair of the pulse, and touching one or both under the laser. Every pair the rules
    reject has an atom under the laser (the pulse's atoms stand on gate sites, under it: `_partners`),
    and every atom stands on its trap, at the trap's coordinates (`state.on_trap_coords`)."""
    lit, traps, occupant, neighbours = state.lit, state.traps, state.occupant, state.trap_neighbours
    for a in state.lit_atoms:
        for t in neighbours.of(traps[a]):
            b = int(occupant[t])
            if b >= 0 and partner.get(a, -1) != b and (a in partner or b in partner or lit[b]):
                return True
    return False


def _explain_pulse(state, pairs: np.ndarray, row: int | None) -> None:
    in_aod = state.in_aod
    if in_aod.any():
        q = int(np.flatnonzero(in_aod)[0])
        state.fail(f"rydberg: q{q} is in the AOD during the pulse, at {xy((state.xs[q], state.ys[q]))}: "
                   "store every atom before a pulse", row)
    trap = state.trap
    if len(pairs):
        ok = state.gate_sites.same_site(trap[pairs[:, 0]], trap[pairs[:, 1]])
        if not ok.all():
            a, b = (int(q) for q in pairs[np.flatnonzero(~ok)[0]])
            state.fail(f"rydberg: q{a} and q{b} are not on the two traps of one gate site: "
                       f"{state.whereabouts(a)}; {state.whereabouts(b)}", row)
    close_a, close_b, dist = state.close_pairs()
    if not len(close_a):
        return
    partner = np.full(state.n, -1, dtype=np.int64)
    partner[pairs[:, 0]], partner[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]
    in_laser = state.in_laser
    listed = partner[close_a] == close_b
    touches = (partner[close_a] >= 0) | (partner[close_b] >= 0)
    both_lit = in_laser[close_a] & in_laser[close_b]
    bad = np.flatnonzero(~listed & (touches | both_lit))
    if not bad.size:
        return
    k = int(bad[0])
    a, b, d = int(close_a[k]), int(close_b[k]), float(dist[k])
    if touches[k]:
        p, c = (a, b) if partner[a] >= 0 else (b, a)
        state.fail(f"rydberg: {state.at(c)} is {d:.3f} µm from {state.at(p)}, within the blockade radius "
                   f"({state.radius:g} µm) of the pair (q{p}, q{int(partner[p])})", row)
    state.fail(f"rydberg: {state.at(a)} and {state.at(b)} are {d:.3f} µm apart under the laser, within the "
               f"blockade radius ({state.radius:g} µm), but not a pair of the pulse: it would entangle them", row)
