"""docs/packets.md's examples run as doctests (tests/test_docs.py runs only `$ navm` lines and IR blocks)."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[3] / "docs" / "packets.md"
PYCON = re.compile(r"```pycon\n(.*?)```", re.DOTALL)


def test_the_doc_has_examples():
    assert len(PYCON.findall(DOC.read_text())) >= 2


def test_the_examples_give_the_printed_results():
    """The blocks share one namespace, as a reader going down the page would."""
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    namespace: dict = {}
    for i, block in enumerate(PYCON.findall(DOC.read_text())):
        test = parser.get_doctest(block, namespace, f"packets.md[{i}]", str(DOC), 0)
        runner.run(test, clear_globs=False)
        namespace = test.globs  # DocTest copies the dict it is given
    if runner.failures:
        pytest.fail(f"{runner.failures} example(s) in {DOC.name} failed (the doctest report is above)")


def test_the_format_table_matches_the_layout():
    from navm.runtime.packets import WIRE_DTYPE

    rows = re.findall(r"^\| (\d+) \| (\d+) \| `(\w+)` \|", DOC.read_text(), re.MULTILINE)
    assert [(int(o), int(s), name) for o, s, name in rows] == [
        (WIRE_DTYPE.fields[name][1], WIRE_DTYPE.fields[name][0].itemsize, name) for name in WIRE_DTYPE.names]
