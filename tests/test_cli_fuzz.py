"""The whole CLI, in process, on random and mutated files of every input language: it compiles (exit 0)
or reports a user error (exit 2); an internal error (exit 70) or a traceback fails the test.

Files are QBC, OpenQASM 2, σ documents and IR text, from the examples and random bytes; each is
compiled for the small test device (unroll is capped at 20,000 steps so a mutated loop ends quickly)
and, when it compiles, run for a few shots. Kirin kernels are Python modules that navm imports and
runs; fuzzing them would fuzz Python itself, so they are left out.
"""

from __future__ import annotations

import io
import os
import tempfile
from contextlib import redirect_stderr
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = ("qbc", "qasm", "sigma.json", "mlir")


def _seeds() -> dict[str, list[bytes]]:
    seeds: dict[str, list[bytes]] = {s: [] for s in SUFFIXES}
    for path in sorted((ROOT / "examples").rglob("*")):
        for suffix in SUFFIXES[:3]:
            if path.name.endswith("." + suffix) and "lattice" not in path.name and path.stat().st_size < 4000:
                seeds[suffix].append(path.read_bytes())
    from navm.frontend import load
    from navm.ir.context import print_module
    from navm.pipeline import compile_module

    for name in ("bell.qbc", "noise.qbc", "ghz_loop.qbc"):
        module = compile_module(load(ROOT / "examples" / "qbc" / name), "unroll")
        seeds["mlir"].append(print_module(module).encode())
    return seeds


SEEDS = _seeds()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=True)


@st.composite
def mutated(draw, suffix: str) -> bytes:
    """An example file with a few byte-level edits: deletions, insertions, replacements, splices."""
    data = bytearray(draw(st.sampled_from(SEEDS[suffix])))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(("delete", "insert", "replace", "splice")))
        piece = draw(st.binary(min_size=1, max_size=8)) if draw(st.integers(0, 3)) == 0 else \
            draw(st.sampled_from([b"9999999999999999999999", b"-", b"[", b"]", b"{", b"}", b",", b";", b"\n",
                                  b'"', b"q0", b"q99", b"r1", b"1e999", b"nan", b"\xe9", b"\x00", b"\xef\xbb\xbf",
                                  b"(", b")", b"pi/0", b"0x", b"loc(", b"->"]))
        if kind == "delete":
            del data[at: at + draw(st.integers(1, 12))]
        elif kind == "insert":
            data[at:at] = piece
        elif kind == "replace":
            data[at: at + len(piece)] = piece
        else:
            other = draw(st.sampled_from(SEEDS[suffix]))
            start = draw(st.integers(0, len(other)))
            data[at:at] = other[start: start + draw(st.integers(1, 40))]
    return bytes(data)


class _Capture:
    """What run_cli needs of pytest's capsys, inside a hypothesis example (capsys is per test, not per
    example): stderr, redirected here."""

    def __init__(self) -> None:
        self.err = io.StringIO()

    def readouterr(self):
        text = self.err.getvalue()
        self.err.seek(0)
        self.err.truncate()
        return SimpleNamespace(out="", err=text)


def _fuzz(suffix: str):
    @SETTINGS
    @given(data=st.one_of(mutated(suffix), st.binary(max_size=200)))
    def test(data):
        capture = _Capture()
        with redirect_stderr(capture.err):
            _exits_0_or_2(data, suffix, capture)

    return test


def _exits_0_or_2(data: bytes, suffix: str, capture: _Capture) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"fuzz.{suffix}")
        with open(path, "wb") as f:
            f.write(data)
        for args in (["compile", path, "--emit", "json"], ["run", path, "--shots", "8", "--json"]):
            rc, _, err = run_cli(*args, "--device", "test-small", "-P", "unroll{max_steps=20000}", capsys=capture)
            if rc not in (0, 2) or "Traceback" in err or "internal error" in err:
                pytest.fail(f"navm {args[0]} exited {rc} on {data!r}:\n{err}")
            if rc != 0:
                return


test_qbc_files = _fuzz("qbc")
test_qasm_files = _fuzz("qasm")
test_sigma_files = _fuzz("sigma.json")
test_ir_text_files = _fuzz("mlir")
