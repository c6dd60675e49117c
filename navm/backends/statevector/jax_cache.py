"""JAX's persistent compilation cache for the statevector kernels, in navm's cache folder.

Every fresh process would otherwise compile its XLA programs again (about half
a second for a Bell pair). `configure()` runs where this package first imports
JAX and points JAX's own persistent cache at `cache_dir("jax")` (navm/cache.py),
with no minimum compile time, so every kernel is kept. JAX keys each entry by
the lowered program, the compile options, and the JAX/jaxlib/XLA versions, so a
stale entry is never used. JAX still traces and lowers each kernel in every
process; only XLA's compilation is skipped.

`NAVM_NO_CACHE=1` leaves JAX's settings alone, and so does a cache folder the
user already chose for JAX (`JAX_COMPILATION_CACHE_DIR`). An entry JAX cannot
read (a truncated or damaged file) is compiled again; JAX's warning about it
is silenced, since the result is the same.
"""

from __future__ import annotations

import warnings

import jax

from navm.cache import cache_dir

_configured = False


def configure() -> str | None:
    """Point JAX's persistent compilation cache at navm's cache folder (once per process); the folder
    in use, or None when the cache is off."""
    global _configured
    if _configured:
        return jax.config.jax_compilation_cache_dir
    _configured = True
    if jax.config.jax_compilation_cache_dir:  # the user's own choice
        return jax.config.jax_compilation_cache_dir
    folder = cache_dir("jax")
    if folder is None:
        return None
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    warnings.filterwarnings("ignore", message="Error reading persistent compilation cache entry")
    return str(folder)
