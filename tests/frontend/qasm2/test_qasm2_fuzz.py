"""navm.frontend.qasm2 on random and mutated text: a module or a located NavmError, nothing else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.frontend.qasm2 import load_text

ROOT = Path(__file__).resolve().parents[3]
FILE = "fuzz.qasm"  # not an existing file: includes resolve against the working directory
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "qasm2").glob("*.qasm"))] + [
    'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg a[2]; qreg b[2]; creg c[2];\n'
    "gate g(t, u) x, y { U(t, -u^2, sin(t)/2) x; cx x, y; barrier x, y; }\n"
    "g(pi/3, 1.5e-1) a[0], b[1];\ncx a, b;\nmeasure a -> c;\nif (c == 2) g(1, 2) b[0], b[1];\nreset a;\n",
]
FRAGMENTS = [
    "OPENQASM", "2.0", "include", '"qelib1.inc"', '"x.inc"', "qreg", "creg", "gate", "opaque", "measure", "reset",
    "barrier", "if", "pi", "U", "CX", "h", "cx", "u3", "ccx", "q", "c", "a", "[", "]", "[0]", "[99]", "(", ")", "{",
    "}", ",", ";", "->", "==", "+", "-", "*", "/", "^", "sin", "ln", "sqrt", "1e999", "0", "1.5", ".5", "2^1000",
    " ", "\n", "\t", "//", "// c\n", "é", "\x00", "$",
]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_or_located_error(text: str) -> None:
    """The property: a module, or a NavmError pointing inside the text."""
    try:
        module = load_text(text, FILE)
    except NavmError as err:
        assert err.loc is not None, err
        assert err.loc.line >= 1 and err.loc.column >= 1, err
        if "include" not in text or err.loc.file == FILE:
            assert err.loc.file in (FILE, "qelib1.inc"), err
            assert err.loc.line <= text.count("\n") + 1, err
        err.render()
    else:
        assert isinstance(module, ModuleOp)


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join))
def test_random_token_soup(text):
    load_or_located_error(text)


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        if op == "insert":
            text = text[:at] + draw(st.text(min_size=1, max_size=3) | st.sampled_from(FRAGMENTS)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)):]
        else:
            text = text[:at] + draw(st.characters()) + text[at + 1:]
    return text


@SETTINGS
@given(mutated())
def test_mutated_programs(text):
    load_or_located_error(text)


def test_the_seeds_load():
    for text in SEEDS:
        assert isinstance(load_text(text, FILE), ModuleOp)
