"""Both engines agree bit for bit (registers and their types, memory words and types, stack, steps) or
trap with the same message at the same line, on hand-picked edge cases and on random programs."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from navm.runtime.vm import VMTrap, execute

INT_EDGES = [0, 1, -1, 2, -2, 3, 7, -7, 8, 2**31, 2**53 + 1, 2**62, 2**63 - 1, -(2**63), -(2**63) + 1]
FLOAT_EDGES = [0.0, -0.0, 0.5, -0.5, 1.5, -2.25, 3.0, 1e-300, 1e300, 2.0**53, 2.0**63, -(2.0**63), 9.0e18]


def run_both(src: str, max_steps: int | None = None):
    outcomes = []
    for engine in ("reference", "compiled"):
        try:
            outcomes.append(("ok", execute(src, engine=engine, max_steps=max_steps)))
        except VMTrap as trap:
            outcomes.append(("trap", (str(trap.message), trap.loc)))
    return outcomes


def assert_agree(src: str, max_steps: int | None = None):
    (ka, a), (kb, b) = run_both(src, max_steps)
    assert ka == kb, f"reference {ka}: {a}\ncompiled {kb}: {b}\n{src}"
    assert a == b, f"\n{src}"
    return ka, a


EDGE_PROGRAMS = {
    "wrap_add": "QMOV r1, 0x7FFFFFFFFFFFFFFF\nQADD r1, 1\nQSUB r2, r1, 1\nQMUL r3, r1, r1",
    "min_div_minus_one": "QMOV r1, -9223372036854775808\nQDIV r2, r1, -1\nQMOD r3, r1, -1\nQNEG r1",
    "floored": "QDIV r1, -7, 2\nQMOD r2, -7, 2\nQDIV r3, 7, -2\nQMOD r4, 7, -2\nQMOD r5, -7.5, 2\n"
               "QMOD r6, 7.5, -2\nQMOD r7, -0.0, 5\nQMOD r8, 0.0, -5.0\nQDIV r9, 7, 2.0",
    "promotion": "QMOV r1, 3\nQADD r2, r1, 0.5\nQMUL r3, r1, 2.0\nQSUB r4, 9007199254740993, 0.0\n"
                 "QNEG r2\nQMOV r5, -0.0\nQNEG r5",
    "exact_compare": "QMOV r1, 9007199254740993\nQMOV r2, 9007199254740992.0\nQJEQ r1, r2, eq\n"
                     "QMOV r3, 1\neq: QJGT r1, r2, gt\nQMOV r4, 1\ngt: QJLE r2, r1, le\nQMOV r5, 1\nle: QHALT",
    "huge_float_compare": "QMOV r1, 9223372036854775807\nQJLT r1, 9.223372036854775808e18, a\nQMOV r2, 1\n"
                          "a: QJGT r1, -1e300, b\nQMOV r3, 1\nb: QJNE 0, 0.5, c\nQMOV r4, 1\nc: QHALT",
    "memory_types": "QSTORE 1, 0\nQSTORE 2.5, 8\nQSTORE 0, 16\nQLOAD r1, 8\nQLOAD r2, 0\nQLOAD r3, 24\n"
                    "QSTORE -0.0, -8\nQLOAD r4, -8\nQSTORE r4, 0x7FFFFFFFFFFFFFF8",
    "stack_types": "QMOV r1, 5\nQMOV r2, 2.5\nQPUSH r1, r2, r1\nQPOP r3, r4\nQADD r5, r3, r4\nQPUSH r5",
    "calls": "QCALL f\nQCALL f\nQHALT\nf: QADD r1, 1\nQMUL r2, r1, 1.5\nQRET",
    "recursion": ".define DEPTH 200\nQCALL f\nQHALT\nf: QADD r1, 1\nQJGE r1, DEPTH, done\nQPUSH r1\nQCALL f\n"
                 "QPOP r2\ndone: QRET",
    "many_pages": ".define N 5000\nloop: QMUL r2, r1, 4096\nQSTORE r1, r2\nQADD r1, 1\nQJLT r1, N, loop\n"
                  "QLOAD r3, 4096",
    "dense_then_float": ".define N 3000\nloop: QMUL r2, r1, 8\nQMUL r3, r1, 0.5\nQSTORE r3, r2\nQADD r1, 1\n"
                        "QJLT r1, N, loop\nQLOAD r4, 80",
    "div_zero_int": "QMOV r1, 4\nQDIV r1, 0",
    "div_zero_float": "QMOV r1, 4.0\nQDIV r1, -0.0",
    "mod_zero": "QMOD r1, 5, 0",
    "misaligned": "QSTORE 1, 12",
    "float_address": "QLOAD r1, 8.0",
    "negative_misaligned": "QLOAD r1, -4",
    "empty_pop": "QPUSH r1\nQPOP r2, r3",
    "empty_ret": "QRET",
    "off_the_end_label": "QJMP done\nQMOV r1, 1\ndone:",
}


@pytest.mark.parametrize("name", sorted(EDGE_PROGRAMS))
def test_edge_programs_agree(name):
    assert_agree(EDGE_PROGRAMS[name])


@pytest.mark.parametrize("limit", [0, 1, 5, 17, 1000])
def test_step_limit_agrees(limit):
    assert_agree(EDGE_PROGRAMS["recursion"], max_steps=limit)


def test_exact_compare_distinguishes_large_ints_from_floats():
    kind, result = assert_agree(EDGE_PROGRAMS["exact_compare"])
    assert result.registers[3] == 1 and result.registers[4] == 0 and result.registers[5] == 0


# ---------------------------------------------------------------- random programs

LABELS = itertools.count()  # label names only need to be unique
REGS = [f"r{i}" for i in range(6)]  # r6..r9 are reserved for loop counters and addresses
ints = st.one_of(st.sampled_from(INT_EDGES), st.integers(-(2**63), 2**63 - 1), st.integers(-20, 20))
floats = st.one_of(st.sampled_from(FLOAT_EDGES), st.floats(-1e6, 1e6, allow_nan=False), st.floats(-3, 3))
values = st.one_of(st.sampled_from(REGS), ints.map(str), floats.map(repr))


@st.composite
def instruction(draw, depth: int) -> list[str]:
    kind = draw(st.sampled_from(["arith", "arith", "arith", "mov", "neg", "mem", "mem", "stack", "branch",
                                 "loop" if depth < 2 else "arith", "call" if depth < 2 else "mov"]))
    d = draw(st.sampled_from(REGS))
    if kind == "arith":
        op = draw(st.sampled_from(["QADD", "QSUB", "QMUL", "QDIV", "QMOD"]))
        if draw(st.booleans()):
            return [f"{op} {d}, {draw(values)}"]
        return [f"{op} {d}, {draw(values)}, {draw(values)}"]
    if kind == "mov":
        return [f"QMOV {d}, {draw(values)}"]
    if kind == "neg":
        return [f"QNEG {d}"]
    if kind == "mem":
        slot = draw(st.integers(-4, 40))
        if draw(st.booleans()):  # computed address from a register (may be misaligned or a float: traps agree)
            return [f"QMOD r9, {d}, 16", "QMUL r9, 8", f"QADD r9, {8 * slot}",
                    draw(st.sampled_from([f"QSTORE {draw(values)}, r9", f"QLOAD {d}, r9"]))]
        addr = 8 * slot if draw(st.integers(0, 9)) else draw(st.integers(-20, 20))
        return [draw(st.sampled_from([f"QSTORE {draw(values)}, {addr}", f"QLOAD {d}, {addr}"]))]
    if kind == "stack":
        regs = draw(st.lists(st.sampled_from(REGS), min_size=1, max_size=3))
        return [f"{draw(st.sampled_from(['QPUSH', 'QPOP']))} {', '.join(regs)}"]
    if kind == "branch":
        label = f"skip{next(LABELS)}"
        cond = draw(st.sampled_from(["QJEQ", "QJNE", "QJLT", "QJLE", "QJGT", "QJGE"]))
        body = draw(st.lists(instruction(depth + 1), min_size=1, max_size=3))
        return [f"{cond} {draw(values)}, {draw(values)}, {label}"] + [x for b in body for x in b] + [f"{label}:"]
    if kind == "loop":
        label = f"loop{next(LABELS)}"
        counter = f"r{6 + depth}"
        body = draw(st.lists(instruction(depth + 1), min_size=1, max_size=4))
        return ([f"QMOV {counter}, 0", f"{label}:"] + [x for b in body for x in b]
                + [f"QADD {counter}, 1", f"QJLT {counter}, {draw(st.integers(1, 6))}, {label}"])
    return ["QCALL sub"]


@st.composite
def program(draw) -> str:
    lines = [f"QMOV {r}, {draw(values)}" for r in REGS if draw(st.booleans())]
    for ins in draw(st.lists(instruction(0), min_size=1, max_size=12)):
        lines += ins
    lines.append("QHALT")
    lines.append("sub:")
    for ins in draw(st.lists(instruction(2), min_size=0, max_size=4)):  # depth 2: no calls, so no recursion
        lines += ins
    lines.append("QRET")
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program(), st.one_of(st.just(100_000), st.integers(0, 200)))
def test_random_programs_agree(src, max_steps):
    assert_agree(src, max_steps)
