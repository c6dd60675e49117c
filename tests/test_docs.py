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


README_COMMAND = re.compile(r"^\./dev (navm .+?|example)\s*(?:#.*)?$", re.M)


@pytest.mark.parametrize("command", README_COMMAND.findall((ROOT / "README.md").read_text()))
def test_readme_commands_run(command, monkeypatch, capsys):
    """The README's `./dev example` and `./dev navm …` lines, run in-process."""
    if command == "example":
        script = (ROOT / "dev").read_text()
        command = re.search(r'exec "\$VENV/bin/navm" (.+?) "\$@"', script).group(1)
    else:
        command = command.removeprefix("navm ")
    monkeypatch.chdir(ROOT)
    rc, out, err = run_cli(*shlex.split(command), capsys=capsys)
    assert rc == 0, err


def test_every_pass_has_a_page():
    for name in PASSES:
        page = ROOT / "docs" / "passes" / f"{name}.md"
        assert page.exists(), f"missing {page}"
        assert f"# `{name}`" in page.read_text()


def test_there_are_examples():
    assert len(blocks(IR_BLOCK)) >= 2 and len(blocks(COMMAND)) >= 2
