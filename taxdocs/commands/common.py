"""Shared by commands: loading with clear errors, and the exit codes."""
from __future__ import annotations

import functools
from pathlib import Path

import typer
from rich.console import Console

from taxdocs.errors import InputError, TaxdocsError

err = Console(stderr=True, emoji=False)  # an input's ":100:" is not an emoji code
out = Console(emoji=False)

EXIT_OK, EXIT_ERRORS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def load_scenario(path: Path):
    from taxdocs.model.load import load
    return load(path)


def guarded(fn):
    """Turn input problems into a clear message and exit 2; never a traceback."""
    @functools.wraps(fn)
    def wrapper(*a, **kw):
        try:
            return fn(*a, **kw)
        except InputError as e:
            err.print("[bold red]Input problems:[/]")
            for p in e.problems:
                err.print(f"  {p}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        except TaxdocsError as e:
            err.print("[bold red]Error:[/] ", end="")
            err.print(str(e), highlight=False, markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        except typer.Exit:
            raise
        except Exception as e:  # last resort: one line, no traceback, no PII
            err.print("[bold red]Internal error:[/] ", end="")
            err.print(f"{type(e).__name__}: {e}. Please report it with the command you ran.", highlight=False, markup=False)
            raise typer.Exit(EXIT_INTERNAL)
    return wrapper
