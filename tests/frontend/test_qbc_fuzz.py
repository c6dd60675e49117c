"""navm.frontend.qbc on random and mutated text: a Program or a located NavmError, nothing else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from navm.diagnostics import NavmError
from navm.frontend.qbc import parse_text
from navm.frontend.qbc.ast import Program
from navm.ir.instruction_set import ALIASES, INSTRUCTIONS

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "qbc").glob("*.qbc"))]
FILE = "fuzz.qbc"  # not an existing file: includes resolve against the working directory

FRAGMENTS = (
    list(INSTRUCTIONS) + [m.lower() for m in INSTRUCTIONS] + list(ALIASES)
    + [".define", ".entry_point", ".include", ".isa", ".end", ".ISA", ".bogus", "1.0", "1.1", "2.0"]
    + ["r0", "r15", "r16", "R3", "q0", "q[", "]", "q[r2]", "q[N]", "q[-1]", "q99", "N", "X", "loop", "loop:",
       "0", "-7", "+3", "0x", "0xFFFFFFFFFFFFFFFF", "0x10000000000000000", "1e999", "2.5", ".5", "1e-3", "-",
       ",", ", ", " ", "  ", "\t", "\n", "\r\n", ";", "; c\n", ":", '"', '"x.qbc"', "@", "é", "\x00"]
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_located_error(text: str) -> None:
    """The property: a Program, or a NavmError pointing inside the text."""
    try:
        program = parse_text(text, FILE)
    except NavmError as err:
        assert err.loc is not None, err
        assert err.loc.line >= 1 and err.loc.column >= 1, err
        if ".include" not in text.lower():
            assert err.loc.file == FILE
            assert err.loc.line <= text.count("\n") + 1, err
        err.render()
    else:
        assert isinstance(program, Program)


@SETTINGS
@given(st.text(max_size=300))
def test_random_text(text):
    parse_or_located_error(text)


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join))
def test_random_token_soup(text):
    parse_or_located_error(text)


@st.composite
def mutated_examples(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "swap_lines", "duplicate_line"]))
        if op in ("swap_lines", "duplicate_line"):
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "swap_lines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(j, lines[i])
            text = "\n".join(lines)
            continue
        at = draw(st.integers(0, len(text)))
        if op == "insert":
            text = text[:at] + draw(st.text(min_size=1, max_size=4) | st.sampled_from(FRAGMENTS)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)):]
        else:
            text = text[:at] + draw(st.characters()) + text[at + 1:]
    return text


@SETTINGS
@given(mutated_examples())
def test_mutated_examples(text):
    parse_or_located_error(text)


def test_the_seeds_parse():
    assert len(SEEDS) >= 4
    for text in SEEDS:
        assert isinstance(parse_text(text, FILE), Program)
