"""navm.frontend.qbc: what valid QBC assembly parses into (errors: test_qbc_errors.py)."""

from __future__ import annotations

import gc
import random
import re
import textwrap
from pathlib import Path

import pytest

from navm.diagnostics import SourceLocation, source_line
from navm.frontend.qbc import parse_file, parse_text
from navm.frontend.qbc.ast import Instruction, Label, OperandType
from navm.ir.instruction_set import ALIASES, INSTRUCTIONS, SUPPORTED_ISA_VERSIONS, Kind

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "qbc").glob("*.qbc"))
DOC = ROOT / "docs" / "qbc.md"

R, I, F, L, Q, QR = (OperandType.REG, OperandType.INT, OperandType.FLOAT, OperandType.LABEL,
                     OperandType.QUBIT, OperandType.QUBIT_REG)


def parse(src: str, **kw):
    return parse_text(textwrap.dedent(src), "t.qbc", **kw)


def instructions(program):
    return [item for item in program.items if isinstance(item, Instruction)]


def shapes(program):
    """Each instruction as (mnemonic, [(type, value), ...])."""
    return [(i.mnemonic, [(o.type, o.value) for o in i.operands]) for i in instructions(program)]


def at(line: int, column: int, file: str = "t.qbc") -> SourceLocation:
    return SourceLocation(file, line, column)


# --- every mnemonic, every form ------------------------------------------------------

# Operand texts per position kind, cycled, and what each becomes.
SAMPLES = {
    Kind.REG: [("r1", (R, 1)), ("R15", (R, 15))],
    Kind.VALUE: [("r2", (R, 2)), ("-5", (I, -5)), ("2.5", (F, 2.5)), ("C", (I, 7)), ("0x10", (I, 16)),
                 ("HALF", (F, 0.5))],
    Kind.LABEL: [("target", (L, "target"))],
    Kind.QUBIT: [("q3", (Q, 3)), ("q[4]", (Q, 4)), ("q[QI]", (Q, 2)), ("q[r5]", (QR, 5))],
}


def forms():
    for name, sig in INSTRUCTIONS.items():
        counts = range(sig.min_count, sig.min_count + 4) if sig.variadic else [len(f) for f in sig.forms]
        for n in counts:
            yield name, sig, n


@pytest.mark.parametrize("name, sig, n", list(forms()), ids=lambda v: str(v) if not hasattr(v, "forms") else "")
def test_every_mnemonic_in_every_form(name, sig, n):
    version = next(v for v in SUPPORTED_ISA_VERSIONS if sig.available_in(v))
    kinds = sig.kinds_for(n)
    texts, expected = [], []
    for i, kind in enumerate(kinds):
        text, shape = SAMPLES[kind][i % len(SAMPLES[kind])]
        texts.append(text)
        expected.append(shape)
    src = (f".isa {version}\n.define C 7\n.define QI 2\n.define HALF 0.5\n"
           f"target:\n    {name.lower()} {', '.join(texts)}\n")
    program = parse_text(src, "t.qbc")
    assert shapes(program) == [(name, expected)]
    assert program.isa_version == version
    (instr,) = instructions(program)
    assert instr.loc == at(6, 5)
    column = 5 + len(name) + 1
    for op, text in zip(instr.operands, texts):
        assert op.loc == at(6, column)
        column += len(text) + 2


@pytest.mark.parametrize("alias, canonical", sorted(ALIASES.items()))
def test_aliases_resolve_to_the_canonical_mnemonic(alias, canonical):
    program = parse(f"top: {alias.lower()} r1, 0, top\n")
    assert shapes(program) == [(canonical, [(R, 1), (I, 0), (L, "top")])]


def test_mnemonics_directives_registers_and_qubits_are_case_insensitive():
    program = parse("""\
        .ISA 1.1
        .Define n 3
        .DEFINE N 4
        QaDd R1, r2, n
        qsite Q[N], 9
        qh Q2
    """)
    assert program.isa_version == "1.1"
    assert shapes(program) == [("QADD", [(R, 1), (R, 2), (I, 3)]), ("QSITE", [(Q, 4), (I, 9)]),
                               ("QH", [(Q, 2)])]


def test_labels_and_constants_are_case_sensitive():
    program = parse("""\
        .define K 1
        .define k 2
        Loop: QMOV r1, K
        loop: QMOV r2, k
        QJMP Loop
        QJMP loop
    """)
    assert [op.value for i in instructions(program) for op in i.operands] == [1, 1, 2, 2, "Loop", "loop"]


# --- lines, labels, comments ---------------------------------------------------------

def test_labels_alone_with_an_instruction_and_several_on_one_instruction():
    program = parse("""\
        start:
        again:   ; a comment
            QMOV r1, 1
        body: QADD r1, 1   ; label and instruction
        a: b: QHALT
        tail:
    """)
    kinds = [(type(item).__name__, getattr(item, "name", getattr(item, "mnemonic", None))) for item in program.items]
    assert kinds == [("Label", "start"), ("Label", "again"), ("Instruction", "QMOV"), ("Label", "body"),
                     ("Instruction", "QADD"), ("Label", "a"), ("Label", "b"), ("Instruction", "QHALT"),
                     ("Label", "tail")]
    assert program.items[0].loc == at(1, 1)
    assert program.items[3].loc == at(4, 1)
    assert program.items[4].loc == at(4, 7)
    assert program.items[6].loc == at(5, 4)


def test_comments_blank_lines_and_indentation_are_ignored():
    src = "; header\n\n\t  QH q0 ;; gate\n   \n;\nQX\tq1;no space\n\r\n  QHALT   \r\n"
    program = parse_text(src, "t.qbc")
    assert shapes(program) == [("QH", [(Q, 0)]), ("QX", [(Q, 1)]), ("QHALT", [])]
    assert [i.loc for i in instructions(program)] == [at(3, 4), at(6, 1), at(8, 3)]
    assert instructions(program)[1].operands[0].loc == at(6, 4)


def test_empty_and_comment_only_programs():
    assert parse("").items == []
    assert parse("; nothing\n\n").items == []


def test_crlf_line_ends():
    program = parse_text("QRET \r\nQADD r1, 2 \r\nx:\r\n.define Y 1\r\nQJMP x\r\n", "t.qbc")
    assert shapes(program) == [("QRET", []), ("QADD", [(R, 1), (I, 2)]), ("QJMP", [(L, "x")])]


def test_operand_blanks_are_free_and_columns_exact():
    program = parse("QADD   r1 ,r2,\t  3\n")
    ops = instructions(program)[0].operands
    assert [op.loc.column for op in ops] == [8, 12, 18]


def test_labels_may_be_used_before_and_after_their_definition():
    program = parse("""\
        QJMP later
        earlier: QHALT
        later: QCALL earlier
    """)
    assert shapes(program)[0] == ("QJMP", [(L, "later")])


# --- literals and constants ----------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("0", 0), ("-12", -12), ("+7", 7), ("007", 7),
    ("0x1F", 31), ("0XfF", 255), ("-0x10", -16),
    ("0xFFFFFFFFFFFFFFFF", -1), ("0x8000000000000000", -(1 << 63)), ("0x7FFFFFFFFFFFFFFF", (1 << 63) - 1),
    ("18446744073709551615", -1), ("-9223372036854775808", -(1 << 63)),
    ("0x00000000000000000000000001", 1),
])
def test_int_literals(text, value):
    (op,) = instructions(parse(f"QMOV r1, {text}\n"))[0].operands[1:]
    assert (op.type, op.value) == (I, value)


@pytest.mark.parametrize("text", ["8.0", "8.", ".5", "0.57735026918962576451", "1e-3", "-2.5E+3", "3E2", "-0.0"])
def test_float_literals_are_python_float_of_the_exact_text(text):
    (op,) = instructions(parse(f"QMOV r1, {text}\n"))[0].operands[1:]
    assert op.type is F
    assert op.value == float(text) and str(op.value) == str(float(text))


def test_constants_substitute_their_value_at_the_use():
    program = parse("""\
        .define N 4
        .define ALSO_N N
        .define PI 3.14159265358979323846
        .define MASK 0xFFFFFFFFFFFFFFFF
        QMOV r1, ALSO_N
        QRZ q[N], PI
        QMOV r2, MASK
    """)
    assert shapes(program) == [("QMOV", [(R, 1), (I, 4)]), ("QRZ", [(Q, 4), (F, 3.141592653589793)]),
                               ("QMOV", [(R, 2), (I, -1)])]
    assert instructions(program)[0].operands[1].loc == at(5, 10)


def test_qubit_forms():
    program = parse("""\
        .define ANC 7
        QCZ q0, q[3]
        QCZ q[ANC], q[ r2 ]
        QCX q[0x0A], Q12
    """)
    assert shapes(program) == [("QCZ", [(Q, 0), (Q, 3)]), ("QCZ", [(Q, 7), (QR, 2)]),
                               ("QCX", [(Q, 10), (Q, 12)])]


# --- directives ----------------------------------------------------------------------

def test_isa_defaults_to_1_0_and_can_be_set():
    assert parse("QH q0\n").isa_version == "1.0"
    assert parse("; c\n.isa 1.1 ; comment\nQSITE q0, 3\n").isa_version == "1.1"
    assert parse(".isa 1.0\nQLOC q0, 1.5, 2\n").isa_version == "1.0"


def test_entry_point_names_a_label_defined_anywhere():
    program = parse("""\
        .entry_point main
        helper: QRET
        main: QCALL helper
    """)
    assert program.entry_point == "main"
    assert program.entry_loc == at(1, 1)
    assert program.main_file == "t.qbc"
    assert parse("QHALT\n").entry_point is None


def test_end_ignores_the_rest_of_the_file_even_if_it_does_not_parse():
    program = parse("QH q0\n.END ; stop here\nQX q1\n\"unterminated @@@ 123\n")
    assert shapes(program) == [("QH", [(Q, 0)])]
    program = parse("QH q0\ndone: .end\n!!!\n")
    assert [type(item) for item in program.items] == [Instruction, Label]
    assert parse(".end").items == []


def test_include_is_textual_with_constants_visible_after_it(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "consts.qbc").write_text(".define N 3\n.include \"more.qbc\"\n")
    (tmp_path / "lib" / "more.qbc").write_text(".define THETA 0.25\nshared: QH q[N]\n.end\nnot QBC at all\n")
    main = tmp_path / "main.qbc"
    main.write_text("QX q0\n.include \"lib/consts.qbc\"\nQRZ q[N], THETA\nQJMP shared\n")
    program = parse_file(main)
    assert shapes(program) == [("QX", [(Q, 0)]), ("QH", [(Q, 3)]), ("QRZ", [(Q, 3), (F, 0.25)]),
                               ("QJMP", [(L, "shared")])]
    more = str(tmp_path / "lib" / "more.qbc")
    assert [item.loc.file for item in program.items] == [str(main), more, more, str(main), str(main)]
    assert program.items[2].loc == SourceLocation(more, 2, 9)
    assert source_line(program.items[2].loc) == "shared: QH q[N]"
    assert program.main_file == str(main)


def test_include_search_order_and_include_dirs(tmp_path, monkeypatch):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "defs.qbc").write_text(".define FROM_DIR 1\n")
    (tmp_path / "defs2.qbc").write_text(".define HERE 2\n")
    src = '.include "defs.qbc"\n.include "defs2.qbc"\nQMOV r1, FROM_DIR\nQMOV r2, HERE\n'
    monkeypatch.chdir(tmp_path)  # `<input>` includes are relative to the working directory
    program = parse_text(src, include_dirs=[tmp_path / "inc"])
    assert shapes(program) == [("QMOV", [(R, 1), (I, 1)]), ("QMOV", [(R, 2), (I, 2)])]
    main = tmp_path / "main.qbc"
    main.write_text(src)
    monkeypatch.chdir(ROOT)  # a name that is an existing file: relative to its folder
    assert shapes(parse_text(src, str(main), include_dirs=[str(tmp_path / "inc")])) == shapes(program)
    assert shapes(parse_file(str(main), include_dirs=[tmp_path / "inc"])) == shapes(program)


def test_an_included_file_may_repeat_the_programs_isa(tmp_path):
    (tmp_path / "lib.qbc").write_text(".isa 1.1\nQSITE q1, 2\n")
    (tmp_path / "main.qbc").write_text('.isa 1.1\n.include "lib.qbc"\n.include "lib2.qbc"\n')
    (tmp_path / "lib2.qbc").write_text("QSITE q2, 3\n")
    assert parse_file(tmp_path / "main.qbc").isa_version == "1.1"


def test_the_same_file_may_be_included_twice_in_a_row(tmp_path):
    (tmp_path / "gate.qbc").write_text("QH q0\n")
    (tmp_path / "main.qbc").write_text('.include "gate.qbc"\n.include "./gate.qbc"\n')
    assert shapes(parse_file(tmp_path / "main.qbc")) == [("QH", [(Q, 0)])] * 2


# --- larger programs -----------------------------------------------------------------

def lattice_builder_program(rows: int = 20, cols: int = 20) -> str:
    """Generated in the style of the lattice builders: a label per node, nested
    QCALLs, 20-digit float constants, loops and stores into a region."""
    out = [
        ".define INV_SQRT3 0.57735026918962576451",
        ".define SQRT3_2 0.86602540378443864676",
        ".define SPACING 5.00000000000000000000",
        ".define TABLE 0x100000",
        ".entry_point main",
        "main:",
    ]
    out += [f"    QCALL row_{r}" for r in range(rows)]
    out.append("    QHALT")
    for r in range(rows):
        out.append(f"row_{r}:")
        out += [f"    QCALL node_{r}_{c}" for c in range(cols)]
        out.append("    QRET")
        for c in range(cols):
            out += [
                f"node_{r}_{c}:",
                f"    QMOV r1, {r * cols + c}",
                "    QMUL r2, r1, SPACING",
                "    QMUL r3, r2, INV_SQRT3",
                "    QMUL r4, r1, 32",
                "    QADD r4, TABLE",
                "    QSTORE r3, r4",
                f"    QJGE r1, {rows * cols}, node_{r}_{c}_done",
                "    QCALL scale",
                f"node_{r}_{c}_done:",
                "    QRET",
            ]
    out += ["scale:", "    QMUL r3, SQRT3_2", "    QRET", ".end"]
    return "\n".join(out) + "\n"


def test_a_lattice_builder_style_program_parses():
    program = parse_text(lattice_builder_program(), "lattice.qbc")
    labels = [item.name for item in program.items if isinstance(item, Label)]
    assert len(labels) == 1 + 20 + 2 * 400 + 1
    assert len(set(labels)) == len(labels)
    assert program.entry_point == "main"
    muls = [i for i in instructions(program) if i.mnemonic == "QMUL" and i.operands[-1].type is F]
    assert {i.operands[-1].value for i in muls} == {0.57735026918962576451, 0.86602540378443864676, 5.0}


def gate_lines(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines = []
    for k in range(n):
        a, b = rng.sample(range(64), 2)
        lines.append([f"QH q{a}", f"QCZ q{a}, q{b}", f"QRZ q{a}, {rng.choice(['0.25', '-1.5707963267948966'])}",
                      f"    QCX q[{a}], q[{b}]   ; cx"][k % 4])
    return "\n".join(lines) + "\n"


def test_a_100k_line_program_parses_completely():
    """Speed is measured by benchmarks/frontend.py; this checks the big case is right."""
    program = parse_text(gate_lines(100_000), "big.qbc")
    assert len(program.items) == 100_000
    assert program.items[-1].loc.line == 100_000


def test_the_garbage_collector_is_left_as_it_was():
    assert gc.isenabled()
    parse("QH q0\n")
    assert gc.isenabled()
    gc.disable()
    try:
        parse("QH q0\n")
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- examples and docs ---------------------------------------------------------------

def test_there_are_examples():
    assert {p.name for p in EXAMPLES} >= {"bell.qbc", "ghz_loop.qbc", "sites.qbc", "noise.qbc", "lattice_small.qbc"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_parse(path):
    program = parse_file(path)
    assert instructions(program)


def test_examples_use_what_they_demonstrate():
    def mnemonics(name):
        return {i.mnemonic for i in instructions(parse_file(ROOT / "examples" / "qbc" / name))}

    bell = parse_file(ROOT / "examples" / "qbc" / "bell.qbc")
    assert bell.isa_version == "1.0" and {"QLOC", "QH", "QCX", "QMEAS"} <= mnemonics("bell.qbc")
    ghz = parse_file(ROOT / "examples" / "qbc" / "ghz_loop.qbc")
    assert any(op.type is QR for i in instructions(ghz) if i.mnemonic == "QLOC" for op in i.operands)
    assert parse_file(ROOT / "examples" / "qbc" / "sites.qbc").isa_version == "1.1"
    assert {"QSITE", "QW"} <= mnemonics("sites.qbc")
    assert {"QPAULI", "QDEPOL", "QDEPOL2", "QLOSS", "QFLIP"} <= mnemonics("noise.qbc")
    assert {"QCALL", "QRET", "QSTORE", "QPUSH", "QPOP"} <= mnemonics("lattice_small.qbc")


def doc_blocks() -> list[str]:
    return re.findall(r"```qbc\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_docs_have_qbc_examples_and_they_parse():
    blocks = doc_blocks()
    assert len(blocks) >= 2
    for n, block in enumerate(blocks):
        assert instructions(parse_text(block, f"docs/qbc.md#block{n}"))


def test_the_docs_list_every_mnemonic_directive_and_alias():
    text = DOC.read_text(encoding="utf-8")
    for name in list(INSTRUCTIONS) + list(ALIASES):
        assert f"`{name}`" in text, name
    for directive in (".define", ".entry_point", ".include", ".isa", ".end"):
        assert f"`{directive}" in text, directive
