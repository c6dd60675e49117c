"""The docs' examples are tested: IR blocks parse and verify, `$ navm …` commands run."""

from __future__ import annotations

import re
import shlex

import pytest

from navm.ir.context import parse_module, print_module
from navm.ir.verify import verify_module
from navm.passes import PASSES
from tests.helpers import TESTS, run_cli

ROOT = TESTS.parent
DOCS = sorted((ROOT / "docs").rglob("*.md"))
IR_BLOCK = re.compile(r"<!-- ir-example -->\s*```mlir\n(.*?)```", re.S)
COMMAND = re.compile(r"^\$ navm (.+)$", re.M)
PYTHON_BLOCK = re.compile(r"<!-- python-example -->\s*```python\n(.*?)```", re.S)


def blocks(pattern):
    return [(doc, m.group(1)) for doc in DOCS for m in pattern.finditer(doc.read_text())]


@pytest.mark.parametrize("doc, text", blocks(IR_BLOCK), ids=lambda v: getattr(v, "name", ""))
def test_ir_examples_parse_verify_and_roundtrip(doc, text):
    module = parse_module(text, doc.name)
    verify_module(module)
    assert parse_module(print_module(module)).is_structurally_equivalent(module)


@pytest.mark.parametrize("doc, command", blocks(COMMAND), ids=lambda v: getattr(v, "name", v))
def test_documented_commands_run(doc, command, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    rc, _, err = run_cli(*shlex.split(command), capsys=capsys)
    assert rc == 0, err


@pytest.mark.parametrize("doc, code", blocks(PYTHON_BLOCK), ids=lambda v: getattr(v, "name", ""))
def test_python_examples_run(doc, code, monkeypatch):
    """`<!-- python-example -->` blocks run as they are, from the repository root."""
    monkeypatch.chdir(ROOT)
    exec(compile(code, str(doc), "exec"), {"__name__": "__doc_example__"})


README_COMMAND = re.compile(r"^\./dev (navm .+?|example)\s*(?:#.*)?$", re.M)


@pytest.mark.parametrize("command", README_COMMAND.findall((ROOT / "README.md").read_text()))
def test_readme_commands_run(command, monkeypatch, capsys):
    """The README's `./dev example` and `./dev navm …` lines, run in-process: `./dev example` is
    the navm commands of the script's `example)` case, which compile (a schedule) and run (counts)."""
    if command == "example":
        script = (ROOT / "dev").read_text()
        case = script[script.index("  example)"):script.index(";;", script.index("  example)"))]
        commands = re.findall(r'"\$VENV/bin/navm" (.+)', case)
        assert [c.split()[0] for c in commands] == ["compile", "run"]
    else:
        commands = [command.removeprefix("navm ")]
    monkeypatch.chdir(ROOT)
    outputs = []
    for line in commands:
        rc, out, err = run_cli(*shlex.split(line), capsys=capsys)
        assert rc == 0, err
        outputs.append(out)
    if command == "example":
        assert "Rydberg stages" in outputs[0] and "1,000 shots on statevector" in outputs[1]


def test_every_pass_has_a_page():
    for name in PASSES:
        page = ROOT / "docs" / "passes" / f"{name}.md"
        assert page.exists(), f"missing {page}"
        assert f"# `{name}`" in page.read_text()


def test_there_are_examples():
    assert len(blocks(IR_BLOCK)) >= 2 and len(blocks(COMMAND)) >= 2 and len(blocks(PYTHON_BLOCK)) >= 4


def test_docs_link_only_inside_the_repository():
    """Relative links resolve to files of the repository (no ../../shared/...)."""
    link = re.compile(r"\]\((?!https?://|#)([^)#\s]+)")
    for doc in DOCS + [ROOT / "README.md"]:
        for target in link.findall(doc.read_text()):
            path = (doc.parent / target).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{doc.name}: broken link {target}"
