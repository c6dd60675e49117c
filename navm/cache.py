"""Where navm keeps what it can reuse between processes: parser tables, compiled kernels.

A fresh `navm compile` spends most of its time building things that never
change between runs: Lark's LALR tables for each grammar, XLA programs for the
statevector kernels, native code for VM programs. Each is kept in its own
folder under one cache directory:

- `$NAVM_CACHE_DIR` if set, else `$XDG_CACHE_HOME/navm`, else `~/.cache/navm`;
- `NAVM_NO_CACHE=1` turns every on-disk cache off (nothing is read or written).

Entries are keyed by what produced them (grammar text, navm and library
versions), so a stale entry is never used; deleting the folder is always safe.
A cache that cannot be created or written is silently not used.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


def enabled() -> bool:
    return os.environ.get("NAVM_NO_CACHE", "") in ("", "0")


def cache_dir(kind: str) -> Path | None:
    """The folder for one kind of cached thing ("lark", "jax", "vm"), created; None when caching is
    off or the folder cannot be made."""
    if not enabled():
        return None
    return _make(_root() / kind)


def _root() -> Path:
    explicit = os.environ.get("NAVM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "navm"


@cache
def _make(path: Path) -> Path | None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def lark_cache(name: str) -> str | bool:
    """Lark's `cache=` for a grammar: a file in the cache folder (Lark adds the grammar's hash and
    its own version to the key it stores), or False when caching is off."""
    folder = cache_dir("lark")
    return str(folder / f"{name}.lark-cache") if folder is not None else False
