"""`module.py:kernel_name`: import a Python file by its path and take one kernel from it."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.kirin.source import location

SPEC = re.compile(r"^(?P<file>.+\.py)(?::(?P<name>[^:]*))?$", re.IGNORECASE)


def is_kernel_spec(text: str) -> bool:
    """Whether a command-line FILE names a Python file (with or without `:name`)."""
    return SPEC.match(str(text)) is not None


def split_spec(text: str) -> tuple[Path, str]:
    match = SPEC.match(str(text))
    if match is None:
        raise NavmError(f"{text}: expected a Python file and a kernel name, FILE.py:NAME")
    name = match.group("name")
    if not name or not name.isidentifier():
        raise NavmError(f"{text}: name the kernel after the file, as in {match.group('file')}:main"
                        + (f" ('{name}' is not a Python name)" if name else ""))
    return Path(match.group("file")), name


def import_file(path: Path):
    """Run the file as a module (its folder importable, as `python FILE` would make it)."""
    if not path.is_file():
        raise NavmError(f"{path}: no such file")
    module_name = f"_navm_kirin_{abs(hash(str(path.resolve())))}_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    folder = str(path.parent.resolve())
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
    return module


def _run(path: Path):
    """`import_file`, with what the file's own code raises turned into a NavmError."""
    try:
        return import_file(path)
    except NavmError:
        raise
    except SyntaxError as err:
        loc = SourceLocation(str(path), err.lineno or 1, err.offset or 1) if err.lineno else None
        raise NavmError(f"{path}: not valid Python: {err.msg}", loc) from None
    except Exception as err:  # noqa: BLE001 - the file's own code failed: kirin's BuildError, an ImportError, …
        from kirin.source import SourceInfo

        first = (str(err).strip().splitlines() or [""])[0]
        info = getattr(err, "source", None)  # kirin's BuildError knows where in the kernel
        if isinstance(info, SourceInfo):
            raise NavmError(f"kirin could not build this kernel: {type(err).__name__}: {first}",
                            location(info)) from None
        raise NavmError(f"{path}: importing it failed: {type(err).__name__}: {first}") from None


def kernel_from_file(text: str):
    """The kernel object that `FILE.py:NAME` names."""
    from kirin import ir

    path, name = split_spec(text)
    module = _run(path)
    kernels = sorted(k for k, v in vars(module).items() if isinstance(v, ir.Method) and not k.startswith("_"))
    if not hasattr(module, name):
        found = f"kernels in it: {', '.join(kernels)}" if kernels else "it defines no kernels"
        raise NavmError(f"{path} has no attribute '{name}'", notes=(found,))
    kernel = getattr(module, name)
    if not isinstance(kernel, ir.Method):
        raise NavmError(f"{path}:{name} is a {type(kernel).__name__}, not a bloqade kernel "
                        "(a function decorated with @squin.kernel, @qasm2.main or @qasm2.extended)")
    return kernel
