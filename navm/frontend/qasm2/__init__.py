"""OpenQASM 2 front end: text -> navm IR (see docs/qasm2.md).

    from navm.frontend.qasm2 import load_file, load_text
    module = load_file("examples/qasm2/ghz.qasm")       # a navm.circuit, or qbc ops if it has `if`
    module = load_text(source, "mine.qasm")
"""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from navm.frontend.qasm2.builder import build_module
from navm.frontend.qasm2.parser import parse_source
from navm.perf import gc_paused


def load_text(text: str, file: str = "<input>") -> ModuleOp:
    """Parse and build OpenQASM 2 source text. `file` names it in diagnostics; if it is an
    existing file, relative `include`s are read from its folder (else from the current one)."""
    path = Path(file)
    with gc_paused():  # ~10^6 small acyclic objects for a large file: GC passes only cost time
        return build_module(parse_source(text, file), path.resolve() if path.is_file() else None)


def load_file(path: str | Path) -> ModuleOp:
    """Read and build an OpenQASM 2 file."""
    from navm.frontend import read_source

    return load_text(read_source(path), str(path))


__all__ = ["load_file", "load_text"]
