"""The Python example in docs/vm.md runs and its assertions hold."""

from __future__ import annotations

import re

from tests.helpers import TESTS


def test_vm_doc_example_runs():
    doc = (TESTS.parent / "docs" / "vm.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    assert blocks
    namespace: dict = {}
    exec(compile(blocks[0], "docs/vm.md", "exec"), namespace)
    assert namespace["table"]["node"].tolist() == [0, 1, 2, 3]
