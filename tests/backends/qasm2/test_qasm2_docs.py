"""docs/backends/qasm2.md: its ```python example runs, and its header example is what
`navm compile examples/ghz.qbc --emit qasm2` prints."""

from __future__ import annotations

import re

import pytest

from tests.helpers import TESTS, run_cli

ROOT = TESTS.parent
PAGE = ROOT / "docs" / "backends" / "qasm2.md"
TEXT = PAGE.read_text(encoding="utf-8")
PYTHON = re.findall(r"```python\n(.*?)```", TEXT, re.DOTALL)


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("code", PYTHON)
def test_python_examples_run(code):
    exec(compile(code, str(PAGE), "exec"), {})  # noqa: S102 - the page's own example


def test_the_header_example_is_the_real_output(capsys):
    (block,) = re.findall(r"^```\n(OPENQASM.*?)^```", TEXT, re.DOTALL | re.MULTILINE)
    rc, out, err = run_cli("compile", "examples/ghz.qbc", "--device", "square-16x16", "--emit", "qasm2", capsys=capsys)
    assert rc == 0, err
    assert PYTHON and out.startswith(block)
