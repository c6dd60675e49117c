"""The CLI's consoles, and how its sub-command groups are made, shared by every command module."""

from __future__ import annotations

import typer
from rich.console import Console

err_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)  # "a.md:x:" is not an emoji
out_console = Console(highlight=False, soft_wrap=True, emoji=False)


def command_group(name: str, help: str, **options) -> typer.Typer:
    """A `navm NAME …` group: errors reach navm.cli.main (no Typer traceback pages), no own completion."""
    return typer.Typer(name=name, help=help, add_completion=False, pretty_exceptions_enable=False, **options)
