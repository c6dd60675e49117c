"""The optional `navm[kirin]` extra: bloqade and kirin are imported only when a kernel is loaded."""

from __future__ import annotations

from navm.diagnostics import NavmError

INSTALL_HINT = "pip install navm[kirin]"


def require() -> None:
    """Fail with an install hint, not an ImportError, when bloqade or kirin is missing."""
    try:
        import bloqade.qasm2
        import bloqade.squin  # noqa: F401
        import kirin  # noqa: F401
    except ImportError as err:
        raise NavmError(
            f"Kirin/bloqade kernels need the optional extra: {INSTALL_HINT} ({err})"
        ) from None
