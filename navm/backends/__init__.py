"""Backends: what runs or emits a compiled circuit (statevector, stim, report, …).

The statevector backend's API is re-exported here: `simulate`, `final_state`,
`StatevectorResult`. It is imported on first use, so importing another backend
(`navm.backends.stim`) does not pay for importing JAX.
"""

from __future__ import annotations

from typing import Any

__all__ = ["StatevectorResult", "final_state", "simulate"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from navm.backends import statevector

        return getattr(statevector, name)
    raise AttributeError(f"module 'navm.backends' has no attribute {name!r}")
