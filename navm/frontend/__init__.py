"""Front ends: every input language to navm IR, behind one entry point, `load`."""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError

IR_SUFFIXES = (".mlir", ".navm", ".ir")


def language_of(path: str | Path) -> str:
    name = str(path).lower()
    if name.endswith(".qbc"):
        return "qbc"
    if name.endswith(".sigma.json") or name.endswith(".sigma"):
        return "sigma"
    if name.endswith(".qasm"):
        return "qasm2"
    if name.endswith(IR_SUFFIXES):
        return "ir"
    from navm.frontend.kirin import is_kernel_spec

    if is_kernel_spec(path):
        return "kirin"
    raise NavmError(
        f"{path}: cannot tell the input language from the file name; "
        "use .qbc, .sigma.json, .qasm (OpenQASM 2) or .mlir (IR text), or module.py:kernel for a bloqade kernel"
    )


def read_source(path: str | Path) -> str:
    from navm.frontend.source_text import read_source_text

    return read_source_text(path)


def load_text(text: str, language: str, file: str = "<input>") -> ModuleOp:
    """Parse source text of a known language into a module."""
    if language == "qbc":
        from navm.frontend.qbc import parse_text
        from navm.frontend.qbc.builder import build_module

        return build_module(parse_text(text, file))
    if language == "sigma":
        from navm.frontend.sigma import parse_sigma_text
        from navm.frontend.sigma.builder import build_module as build_sigma

        return build_sigma(parse_sigma_text(text, file))
    if language == "qasm2":
        from navm.frontend.qasm2 import load_text as load_qasm2

        return load_qasm2(text, file)
    if language == "ir":
        from navm.ir.context import parse_module

        return parse_module(text, file)
    raise NavmError(f"unknown input language '{language}'")


def load(path: str | Path) -> ModuleOp:
    """Read and parse a .qbc, .sigma.json or IR-text file, or load a `module.py:kernel` bloqade kernel."""
    language = language_of(path)
    if language == "qbc":
        from navm.frontend.qbc import parse_file
        from navm.frontend.qbc.builder import build_module

        return build_module(parse_file(path))
    if language == "kirin":
        from navm.frontend.kirin import load_kernel_file

        return load_kernel_file(str(path))
    return load_text(read_source(path), language, str(path))
