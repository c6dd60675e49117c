"""Keeping Python's cyclic garbage collector out of the compile path.

A 100k-instruction program becomes ~10^6 Python objects (xDSL ops, attributes,
closures); every full GC pass walks all of them, which more than doubled the
time to build, verify and unroll such programs here. Compilation allocates a
lot and frees little, so the CLI and benchmarks pause the collector while they
compile and let it run once afterwards.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
