"""Keeping Python's cyclic garbage collector out of the compile path.

A 100k-instruction program becomes ~10^6 Python objects (xDSL ops, attributes,
closures); every full GC pass walks all of them, which more than doubled the
time to build, verify and unroll such programs here. Compilation allocates a
lot and frees little, so the CLI and benchmarks pause the collector while they
compile and let it run once afterwards.

Start-up is the same: importing navm, xDSL, NumPy (and JAX for `navm run`)
creates ~10^5 long-lived objects, and Python's default threshold (a young
collection every 700 allocations, a full one as the heap grows by a quarter)
spent 25 ms of a 0.3 s `navm compile` and 75 ms of `navm run` walking them. A
`navm` process (navm/__main__.py) therefore collects young objects every
`PROCESS_GC_THRESHOLD` allocations instead: a short command never collects, a
long one still does (garbage cycles stay bounded).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


PROCESS_GC_THRESHOLD = 250_000


def defer_collections(threshold: int = PROCESS_GC_THRESHOLD) -> None:
    """For the rest of this process, collect young objects every `threshold` allocations (not more
    often than now). For processes of their own (the `navm` command), not for a library's callers."""
    old = gc.get_threshold()
    gc.set_threshold(max(threshold, old[0]), *old[1:])


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
