"""Producer (a): a routing table from the result region a QBC program left in VM memory.

The program writes `count` entries of 128 bytes (16 words) from `base`, one per
node, with this word layout (int words for ids, float words for the rest; an
int stored in a float word is converted, a float in an int word is an error):

    word 0 node_id   1 site_id   2 x_um   3 y_um   4 sigma   5 j_re   6 j_im
    word 7 triangle (-1: none)   8 record_addr   9 fidelity   10..15 neighbour ids (-1: unused)

A VM entry holds up to 6 neighbours; the -1 words may sit anywhere among
words 10..15 (the ids keep their order).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from navm.backends.routing_table.layout import NO_NEIGHBOUR
from navm.backends.routing_table.table import RoutingTable
from navm.diagnostics import NavmError

VM_ENTRY_SIZE = 128
VM_NEIGHBOURS = 6
VM_FIELDS: tuple[tuple[str, str], ...] = (
    ("node_id", "int"), ("site_id", "int"), ("x_um", "float"), ("y_um", "float"), ("sigma", "float"),
    ("j_re", "float"), ("j_im", "float"), ("triangle", "int"), ("record_addr", "int"), ("fidelity", "float"),
    *((f"neighbour_{k}", "int") for k in range(VM_NEIGHBOURS)),
)


def from_vm_result(result: Any, base: int, count: int) -> RoutingTable:
    """The table in `count` 128-byte entries from `base` of a `VMResult`'s memory."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise NavmError(f"routes region: entry count must be an int >= 0, got {count!r}")
    region = result.region(base, VM_ENTRY_SIZE, count, VM_FIELDS)  # checks `base` is a word address
    what = f"routes region at {base:#x} ({count} entries of {VM_ENTRY_SIZE} bytes)"
    listed = np.column_stack([region[f"neighbour_{k}"] for k in range(VM_NEIGHBOURS)]) if count else \
        np.empty((0, VM_NEIGHBOURS), dtype=np.int64)
    unused = listed == NO_NEIGHBOUR
    # Move the -1 words to the end of each row, keeping the ids in the order the program wrote them.
    order = np.argsort(unused, axis=1, kind="stable")
    blank = np.ones(count, dtype=bool)
    for name, _ in VM_FIELDS:
        blank &= region[name] == 0
    if blank.any():
        row = int(np.argmax(blank))
        raise NavmError(f"{what}: entry {row} (address {base + VM_ENTRY_SIZE * row:#x}) is all zeros: the program "
                        "did not write it (unwritten words read as 0)")
    columns = {name: region[name] for name, _ in VM_FIELDS[:10]}
    columns["neighbours"] = np.take_along_axis(listed, order, axis=1)
    return RoutingTable.from_columns(columns, what=what,
                                     where=lambda row: f"entry {row} (address {base + VM_ENTRY_SIZE * row:#x})")


def from_program(program: str | os.PathLike[str], base: int, count: int, *, engine: str = "compiled",
                 max_steps: int | None = None) -> RoutingTable:
    """Run a QBC program on the VM `engine`, then read its routes region.

    `program` is a path (a `Path`, or a string ending in .qbc) or QBC source text, as for `execute`.
    """
    from navm.runtime.vm import execute

    source = Path(program) if isinstance(program, os.PathLike) else program
    return from_vm_result(execute(source, engine=engine, max_steps=max_steps), base, count)
