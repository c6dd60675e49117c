"""navm: a compiler and runtime for neutral-atom quantum computers.

`navm.compile(program, device)` and `navm.run(program_or_compiled, ...)` are the Python API
(navm/api.py, docs/python-api.md); they are imported on first use, so `import navm` and the
command line stay fast.
"""

__version__ = "0.1.0"
__all__ = ["Compiled", "RunResult", "compile", "run"]


def __getattr__(name: str):
    if name in __all__:
        from navm import api

        return getattr(api, name)
    raise AttributeError(f"module 'navm' has no attribute {name!r}")
