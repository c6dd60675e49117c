"""docs/kirin.md stays true: its example kernel, IR, Python snippet and error text are what navm does."""

from __future__ import annotations

import re
import runpy

import pytest

from navm.diagnostics import NavmError
from navm.frontend.kirin import load_kernel_file
from navm.ir.context import print_module
from tests.helpers import TESTS

pytest.importorskip("bloqade")

ROOT = TESTS.parent
DOC = (ROOT / "docs" / "kirin.md").read_text(encoding="utf-8")


def block_after(marker: str, language: str) -> str:
    match = re.search(re.escape(marker) + r".*?```" + language + r"\n(.*?)```", DOC, re.DOTALL)
    assert match, f"no {language} block after {marker!r}"
    return match.group(1)


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_example_kernel_is_the_one_in_examples():
    shown = block_after("`examples/kirin/ghz.py` is an ordinary Python file", "python")
    assert shown in (ROOT / "examples" / "kirin" / "ghz.py").read_text(encoding="utf-8")


def test_ir_example_is_what_the_front_end_builds():
    shown = block_after("prints the IR the front end built", "mlir")
    assert print_module(load_kernel_file("examples/kirin/ghz.py:main")) == shown


def test_python_example_runs(tmp_path):
    script = tmp_path / "example.py"  # a real file: kirin reads a kernel's source with inspect
    script.write_text(block_after("<!-- kirin-python-example -->", "python"), encoding="utf-8")
    runpy.run_path(str(script))  # it asserts its own result


def test_quoted_error_is_the_real_one():
    shown = block_after("and `navm compile tests/frontend/kirin/bad_kernels.py:leaks` prints", "")
    with pytest.raises(NavmError) as caught:
        load_kernel_file("tests/frontend/kirin/bad_kernels.py:leaks")
    assert caught.value.render() + "\n" == shown
