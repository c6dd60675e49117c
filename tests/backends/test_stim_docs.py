"""The ```python examples of docs/backends/stim.md run as written."""

from __future__ import annotations

import re

import pytest

from tests.helpers import TESTS

PAGE = TESTS.parent / "docs" / "backends" / "stim.md"
BLOCKS = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)


def test_the_page_has_an_example():
    assert BLOCKS


@pytest.mark.parametrize("code", BLOCKS)
def test_python_examples_run(code, monkeypatch):
    monkeypatch.chdir(TESTS.parent)
    exec(compile(code, str(PAGE), "exec"), {})  # noqa: S102 - the page's own example
