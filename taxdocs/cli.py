"""The `taxdocs` command. Thin: each command lives in taxdocs/commands/<name>.py."""
from __future__ import annotations

import sys

import typer

from taxdocs.commands import register_all

app = typer.Typer(
    name="taxdocs",
    help="Form 1099-R data in; Form 8606, Form 1040 retirement lines, findings and documents out.\n\n"
         "Start with `taxdocs compute samples/04-indirect-rollover-withholding.yaml`, then `taxdocs explain` "
         "on any line it prints. `taxdocs schema` prints the input format.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
register_all(app)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
