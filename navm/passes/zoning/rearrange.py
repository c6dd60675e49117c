"""Where the atoms of each Rydberg pulse go: gate sites for its pairs, storage for the rest.

Before a pulse every pair must stand on the two traps of one gate site, and no other atom may be
under the laser (it would be excited for nothing). Atoms already on a gate site are reused where
that saves moves: a pair that stands on one site stays; an atom whose partner is elsewhere keeps
its site and the partner comes to it (its former neighbour, if any, leaves or moves on); other
pairs take the free site nearest to where their atoms are. Every atom in the zone that has no
part in the pulse goes back to storage, to the free trap nearest below its site. The result is a
list of (atom, destination trap) moves; `move-route` turns each rearrangement into parallel AOD
operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from navm.devices.architecture import Architecture

Site = tuple[int, int]  # (entanglement zone, gate site)


@dataclass
class ZoneState:
    """Which trap each atom is in, and each atom's home in storage."""

    arch: Architecture
    home: dict[int, int]
    trap: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.trap:
            self.trap = dict(self.home)

    def site_of(self, atom: int) -> tuple[int, int, int] | None:
        return self.arch.gate_site_of.get(self.trap[atom])

    def storage_near(self, trap: int, taken: set[int]) -> int:
        """The free storage trap nearest to `trap` (an atom leaving the zone parks right below its
        site: the shortest way out, and near where it is likely to be needed again)."""
        for candidate in self.arch.storage_by_distance(trap):
            if candidate not in taken:
                return candidate
        raise ValueError("no free storage trap")

    def traps_of(self, site: Site) -> tuple[int, int]:
        zone = self.arch.zones[site[0]]
        return int(zone.left[site[1]]), int(zone.right[site[1]])


def plan_pulse(state: ZoneState, pairs: list[tuple[int, int]], reuse: bool = True) -> list[tuple[int, int]]:
    """The (atom, destination trap) moves that put `pairs` on gate sites and every other atom of
    the zone in storage; `state` is updated to the positions after them."""
    in_pulse = {q for pair in pairs for q in pair}
    claimed: dict[Site, int] = {}
    dest: dict[int, int] = {}

    def claim(site: Site, k: int, left: int, right: int) -> None:
        claimed[site] = k
        a, b = state.traps_of(site)
        dest[left], dest[right] = a, b

    pending = []
    for k, (u, v) in enumerate(pairs):
        su, sv = state.site_of(u), state.site_of(v)
        if su is not None and sv is not None and su[:2] == sv[:2] and reuse:
            claim(su[:2], k, *((u, v) if su[2] == 0 else (v, u)))
        else:
            pending.append(k)
    fresh = []
    for k in pending:
        anchored = False
        if reuse:
            u, v = pairs[k]
            for a, b in ((u, v), (v, u)):
                s = state.site_of(a)
                if s is not None and s[:2] not in claimed:
                    claim(s[:2], k, *((a, b) if s[2] == 0 else (b, a)))
                    anchored = True
                    break
        if not anchored:
            fresh.append(k)
    # A fresh pair may take any site not claimed: the atoms on it leave or move to their own sites.
    free = state.arch.gate_sites
    centres = state.arch.gate_site_centres
    coords = state.arch.coords
    taken = np.zeros(len(free), bool)
    taken[[state.arch.gate_site_index[site] for site in claimed]] = True
    fresh.sort(key=lambda k: float(coords[[state.trap[q] for q in pairs[k]], 0].mean()))
    for k in fresh:
        u, v = pairs[k]
        here = coords[[state.trap[u], state.trap[v]]].mean(axis=0)
        d = np.hypot(centres[:, 0] - here[0], centres[:, 1] - here[1])
        d[taken] = np.inf
        if not np.isfinite(d).any():
            raise ValueError(f"no free gate site for the pair (q{u}, q{v})")
        pick = int(np.argmin(d))
        taken[pick] = True
        left, right = (u, v) if coords[state.trap[u], 0] <= coords[state.trap[v], 0] else (v, u)
        claim(free[pick], k, left, right)
    moves = [(atom, trap) for atom, trap in dest.items() if state.trap[atom] != trap]
    occupied = set(state.trap.values()) | set(dest.values())
    for atom, trap in list(state.trap.items()):
        if atom not in in_pulse and state.arch.gate_site_of.get(trap) is not None:
            parking = state.storage_near(trap, occupied)
            occupied.add(parking)
            moves.append((atom, parking))
    for atom, trap in moves:
        state.trap[atom] = trap
    return moves
