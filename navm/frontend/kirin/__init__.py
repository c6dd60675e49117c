"""Kirin/bloqade kernels to navm IR (docs/kirin.md).

`load_kernel(kernel)` takes a kernel object (`@squin.kernel`, `@qasm2.main`,
`@qasm2.extended`); `load_kernel_file("module.py:name")` is what `navm compile`
uses. bloqade's own passes unroll loops, inline calls and fold constants
(`flatten`), then the flat statements become one `navm.circuit` (`lower`).
bloqade and kirin are the optional extra `navm[kirin]`: nothing imports them until
a kernel is loaded, and a missing extra is a NavmError that says how to install it.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ModuleOp

from navm.frontend.kirin.extra import require
from navm.frontend.kirin.kernel_file import is_kernel_spec

__all__ = ["is_kernel_spec", "load_kernel", "load_kernel_file"]


def load_kernel(kernel, args: Sequence[object] = ()) -> ModuleOp:
    """The navm module of a bloqade kernel; `args` bind its parameters (angles, sizes) to constants."""
    require()
    from kirin import ir

    from navm.diagnostics import NavmError
    from navm.frontend.kirin.flatten import flatten
    from navm.frontend.kirin.lower import lower

    if not isinstance(kernel, ir.Method):
        raise NavmError(f"load_kernel expects a bloqade kernel (a kirin Method), not {type(kernel).__name__}")
    return lower(flatten(kernel, args))


def load_kernel_file(spec: str) -> ModuleOp:
    """The navm module of the kernel `NAME` defined in the Python file `FILE.py` (`FILE.py:NAME`)."""
    require()
    from navm.frontend.kirin.kernel_file import kernel_from_file

    return load_kernel(kernel_from_file(spec))
