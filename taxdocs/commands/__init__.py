"""Command modules. Each has `register(app)`; a missing optional module is skipped."""
from __future__ import annotations

import importlib

MODULES = ("core", "check", "render", "forms", "ledger", "batch", "serve")
HELP = ("Form 1099-R data in; Form 8606, Form 1040 retirement lines, findings and documents out.\n\n"
        "Start with `taxdocs compute samples/04-indirect-rollover-withholding.yaml`, then `taxdocs explain` "
        "on any line it prints. `taxdocs schema` prints the input format.")


def new_app(modules: tuple[str, ...] = MODULES):
    """The `taxdocs` command with the given command modules (all of them for the console; a local
    batch loads only its own, `taxdocs.entry`)."""
    import typer
    app = typer.Typer(name="taxdocs", help=HELP, no_args_is_help=True, pretty_exceptions_enable=False,
                      add_completion=False)
    for name in modules:
        try:
            mod = importlib.import_module(f"taxdocs.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"taxdocs.commands.{name}":
                continue
            raise
        mod.register(app)
    return app
