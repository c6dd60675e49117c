"""Fixtures shared by every test."""

from __future__ import annotations

import pytest

from tests.helpers import TESTS


@pytest.fixture
def in_tests_dir(monkeypatch):
    """Run with tests/ as the working directory so source paths in IR are relative."""
    monkeypatch.chdir(TESTS)
