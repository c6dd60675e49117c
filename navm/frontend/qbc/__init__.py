"""QBC assembly front end: text -> checked `Program` (see docs/qbc.md)."""

from navm.frontend.qbc.parser import parse_file, parse_text

__all__ = ["parse_file", "parse_text"]
