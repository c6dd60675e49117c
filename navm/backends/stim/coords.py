"""QUBIT_COORDS for a placement: where each qubit sits, in the units stim shows.

ISA 1.0 placements are coordinates in µm and are used as they are. ISA 1.1
placements are device site ids: with a device profile they become the site's
(x, y) in µm; without one the site id itself is written as a 1-D coordinate,
which still tells qubits apart in stim's diagrams. Unplaced qubits get none.
"""

from __future__ import annotations

import math

from navm.diagnostics import NavmError
from navm.ir.circuit_table import Placement
from navm.devices import DeviceProfile


def qubit_coords(placement: Placement, profile: DeviceProfile | None = None) -> list[tuple[int, tuple[float, ...]]]:
    """(qubit, coordinates) for every placed qubit, in qubit order."""
    out: list[tuple[int, tuple[float, ...]]] = []
    if placement.coords is not None:
        for q, (x, y) in enumerate(placement.coords.tolist()):
            if not (math.isnan(x) or math.isnan(y)):
                out.append((q, (x, y)))
        return out
    for q, site in enumerate(placement.sites.tolist()):
        if site < 0:
            continue
        if profile is None:
            out.append((q, (float(site),)))
            continue
        try:
            s = profile.site(site)
        except KeyError:
            raise NavmError(f"q{q} is placed on site {site}, which device profile "
                            f"'{profile.name}' does not have", placement.decl_loc(q)) from None
        out.append((q, (s.x, s.y)))
    return out


def coords_lines(placement: Placement, profile: DeviceProfile | None = None) -> list[str]:
    """The QUBIT_COORDS instructions of a placement, as stim text."""
    return [f"QUBIT_COORDS({', '.join(map(repr, c))}) {q}" for q, c in qubit_coords(placement, profile)]
