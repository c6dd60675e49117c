"""Older revisions of navm beside this checkout, so a benchmark measures before and after in one run."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def extract_tree(rev: str, into: Path) -> Path:
    """`navm/` as of git revision `rev`, under `into` (a process started there imports it)."""
    archive = subprocess.run(["git", "archive", "--format=tar", rev, "navm"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)
    return into
