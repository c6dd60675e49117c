"""QBC assembly text -> `Program`: the Lark front end and the `.include` driver.

Why an instruction is ONE token: Lark's lexer and LALR parser cost several
microseconds per token in pure Python, and generated programs of 100,000 gate
lines are normal. Lexing `QCZ q1, q2 ; note` as mnemonic, operand, comma,
operand and newline tokens would cost ~6 tokens a line; grammar.lark makes the
mnemonic, its whole operand list, the comment and the line break a single
INSTRUCTION terminal, and literals.py splits and classifies the operand list
with one compiled regex, keeping each operand's exact column. The grammar still
decides where labels, instructions and directives start and end, and rejects
any character that cannot start one.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from navm.cache import lark_cache
from navm.diagnostics import NavmError, SourceLocation, register_source
from navm.lark_errors import lark_syntax_error
from navm.frontend.qbc import directives
from navm.frontend.qbc.assembler import Assembler
from navm.frontend.qbc.ast import Program
from navm.frontend.qbc.includes import IncludeStack, SourceFile, read_source, resolve
from navm.ir.instruction_set import DEFAULT_ISA_VERSION
from navm.perf import gc_paused

MAX_INCLUDE_DEPTH = 64

# A line holding only `.end` (maybe after a label, maybe with a comment): the
# file ends there, so what follows need not even lex.
_END_LINE = re.compile(
    r"^[ \t\r\f]*(?:[A-Za-z_][A-Za-z0-9_]*:[ \t\r\f]*)?\.end[ \t\r\f]*(?:;[^\n]*)?$",
    re.MULTILINE | re.IGNORECASE | re.ASCII,
)

_WORDS = {
    "LABEL": "a label (name:)",
    "INSTRUCTION": "an instruction",
    "DIRECTIVE": "a directive (.name)",
    "$END": "the end of the file",
    "<END-OF-FILE>": "the end of the file",
}


class _Items(Transformer):
    """Inline transformer: builds the flat token list as the parser reduces, no tree."""

    def start(self, children: list) -> list[Token]:
        return children[0] if children else []

    def items(self, children: list) -> list[Token]:
        if len(children) == 1:
            return children  # the first item: a fresh list from the parser
        children[0].append(children[1])
        return children[0]


@functools.cache
def _lark() -> Lark:
    grammar = Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", transformer=_Items(), cache=lark_cache("qbc"))


def scan(text: str, file: str) -> list[Token]:
    """The LABEL, INSTRUCTION and DIRECTIVE tokens of one file, up to its `.end`."""
    end = _END_LINE.search(text)
    if end is not None:
        text = text[: end.end()]
    try:
        return _lark().parse(text)
    except UnexpectedInput as err:
        raise _syntax_error(err, file) from None


def _syntax_error(err: UnexpectedInput, file: str) -> NavmError:
    return lark_syntax_error(err, file, _WORDS, notes=_hint(err))


def _hint(err: UnexpectedInput) -> tuple[str, ...]:
    char = getattr(err, "char", "")
    history = getattr(err, "token_history", None) or []
    previous = history[-1] if history else None
    if previous is not None and previous.type == "INSTRUCTION" and "\n" not in previous:
        return ("put a space between the mnemonic and its operands",)
    if char == ":":
        return ("a label is written 'name:' with no space before the colon",)
    if char.isdigit() or char in "+-":
        return ("a line starts with a label, a mnemonic or a directive, never a number",)
    return ()


class _Assembly:
    """One run over a main file and everything it includes, in text order."""

    def __init__(self, include_dirs) -> None:
        self.include_dirs = tuple(Path(d) for d in include_dirs)
        self.stack = IncludeStack()
        self.isa_loc: SourceLocation | None = None
        self.asm: Assembler | None = None

    def run(self, text: str, source: SourceFile) -> Program:
        tokens = scan(text, source.name)
        version = self._main_isa(tokens, source.name)
        self.asm = Assembler(version, source.name)
        self.stack.push(source, None)
        self._file(tokens, source)
        return self.asm.finish()

    def _main_isa(self, tokens: list[Token], file: str) -> str:
        """The main file's `.isa` decides the program's version (default 1.0)."""
        for tok in tokens:
            if tok.type == "DIRECTIVE" and tok.value[:4].lower() == ".isa" and tok.value[4:5] in ("", " ", "\t"):
                d = directives.read(tok.value, file, tok.line, tok.column)
                self.isa_loc = d.loc
                return directives.isa_version(d)
        return DEFAULT_ISA_VERSION

    def _file(self, tokens: list[Token], source: SourceFile) -> None:
        asm = self.asm
        instruction = asm.instruction
        file = source.name
        code_seen = False  # an instruction or .include came before (for .isa)
        isa_seen: SourceLocation | None = None
        for tok in tokens:
            kind = tok.type
            if kind == "INSTRUCTION":
                instruction(tok.value, file, tok.line, tok.column)
                code_seen = True
            elif kind == "LABEL":
                asm.label(tok.value[:-1], SourceLocation(file, tok.line, tok.column))
            else:
                d = directives.read(tok.value, file, tok.line, tok.column)
                if d.name == ".isa":
                    self._isa(d, source, code_seen, isa_seen)
                    isa_seen = d.loc
                elif d.name == ".include":
                    self._include(directives.include_path(d), source, d.loc)
                    code_seen = True
                else:
                    self._simple_directive(d)

    def _simple_directive(self, d: directives.Directive) -> None:
        if d.name == ".define":
            name, value = directives.expect_args(d, 2, ".define NAME value")
            self.asm.define(name.text, name.loc, value.text, value.loc)
        elif d.name == ".entry_point":
            (name,) = directives.expect_args(d, 1, ".entry_point label")
            self.asm.entry_point(name.text, name.loc, d.loc)
        else:  # .end: the text after it was cut off by `scan`
            directives.expect_args(d, 0, ".end")

    def _isa(self, d: directives.Directive, source: SourceFile, code_seen: bool,
             isa_seen: SourceLocation | None) -> None:
        version = directives.isa_version(d)
        if isa_seen is not None:
            raise NavmError("duplicate .isa directive", d.loc, notes=(f"first .isa at {isa_seen}",))
        if code_seen:
            raise NavmError(".isa must come before the first instruction and .include of its file", d.loc)
        program = self.asm.program.isa_version
        if version != program:
            where = f"set by .isa at {self.isa_loc}" if self.isa_loc else "the default, no .isa in the main file"
            raise NavmError(f"{source.name} targets ISA {version} but the program targets ISA {program}",
                            d.loc, notes=(f"the main file decides the program's ISA version ({where})",))

    def _include(self, written: str, includer: SourceFile, loc: SourceLocation) -> None:
        target = resolve(written, includer, self.include_dirs, loc)
        if len(self.stack.files) >= MAX_INCLUDE_DEPTH:
            raise NavmError(f"includes nested more than {MAX_INCLUDE_DEPTH} deep", loc)
        self.stack.push(target, loc)
        text = read_source(Path(target.name), loc)
        register_source(target.name, text)
        self._file(scan(text, target.name), target)
        self.stack.pop()


def parse_text(text: str, file: str = "<input>", *, include_dirs=()) -> Program:
    """Parse QBC source text. `file` names it in diagnostics; if it names an
    existing file, `.include` paths are relative to its folder (else to the
    current directory), then to each of `include_dirs`."""
    register_source(file, text)
    with gc_paused():  # the parse makes ~500k small acyclic objects: GC passes only cost time
        return _Assembly(include_dirs).run(text, SourceFile(file, _real_path(file)))


def parse_file(path: str | Path, *, include_dirs=()) -> Program:
    """Read and parse a QBC file."""
    path = Path(path)
    text = read_source(path, None)
    register_source(str(path), text)
    with gc_paused():  # the parse makes ~500k small acyclic objects: GC passes only cost time
        return _Assembly(include_dirs).run(text, SourceFile(str(path), path.resolve()))


def _real_path(file: str) -> Path | None:
    try:
        path = Path(file)
        return path.resolve() if path.is_file() else None
    except (OSError, ValueError):
        return None
