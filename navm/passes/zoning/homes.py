"""Storage homes: where each atom waits between its Rydberg pulses.

An atom's home is the storage trap it starts in and returns to. Moves are timed as √(d / a),
and a parallel move takes as long as its longest leg, so homes should sit right below the gate
sites their atoms go to: in the storage row nearest the entanglement zone, centred under it,
spread out as far as the row allows up to the gate sites' own pitch (so the pairs of a pulse
go straight up, one gate site per pair), and ordered so that partners are neighbours (a pair's
two atoms then reach the two traps of one site without crossing anyone in the AOD).
"""

from __future__ import annotations

import numpy as np

from navm.devices.architecture import Architecture


def partner_order(pulses: list[list[tuple[int, int]]], num_qubits: int) -> list[int]:
    """Atoms in an order where partners are neighbours: pulse by pulse, a pair new to the order is
    appended, an atom whose partner is placed goes right after it; atoms without CZs come last."""
    order: list[int] = []
    placed: set[int] = set()
    for pulse in pulses:
        for u, v in pulse:
            if u in placed and v in placed:
                continue
            if u not in placed and v not in placed:
                order.extend((u, v))
            else:
                new, old = (v, u) if u in placed else (u, v)
                order.insert(order.index(old) + 1, new)
            placed.update((u, v))
    order.extend(q for q in range(num_qubits) if q not in placed)
    return order


def home_traps(order: list[int], arch: Architecture) -> dict[int, int]:
    """Atom → storage trap: `order` laid out along the storage rows nearest the entanglement zone,
    centred under it, at the widest pitch (up to the gate sites' x pitch) that fits."""
    storage = arch.storage
    xy = arch.coords[storage]
    zone = arch.zones[0]
    site_pitch = float(np.diff(np.unique(arch.coords[zone.left, 0]))[:1].max(initial=12.0))
    centre = float(np.mean(arch.coords[np.concatenate([zone.left, zone.right]), 0]))
    rows = sorted(np.unique(xy[:, 1]).tolist(), key=lambda y: abs(y - zone.laser[0][1]))
    homes: dict[int, int] = {}
    remaining = list(order)
    for y in rows:
        if not remaining:
            break
        in_row = storage[xy[:, 1] == y]
        in_row = in_row[np.argsort(arch.coords[in_row, 0], kind="stable")]
        trap_pitch = float(np.diff(arch.coords[in_row, 0]).min()) if len(in_row) > 1 else site_pitch
        take = remaining[: len(in_row)]
        stride = max(1, min(int(site_pitch / 2 // trap_pitch), len(in_row) // max(len(take), 1)))
        span = stride * (len(take) - 1)
        # the window of traps whose centre is nearest the zone's centre
        first = int(np.argmin(np.abs(arch.coords[in_row, 0] - centre))) - span // 2
        first = min(max(first, 0), len(in_row) - 1 - span)
        for k, atom in enumerate(take):
            homes[atom] = int(in_row[first + stride * k])
        remaining = remaining[len(take):]
    if remaining:
        raise ValueError(f"{len(order)} atoms do not fit the device's {len(storage)} storage traps")
    return homes
