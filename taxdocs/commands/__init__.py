"""Command modules. Each has `register(app)`; a missing optional module is skipped."""
from __future__ import annotations

import importlib

MODULES = ("core", "check", "render", "forms", "ledger", "batch", "serve")


def register_all(app) -> None:
    for name in MODULES:
        try:
            mod = importlib.import_module(f"taxdocs.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"taxdocs.commands.{name}":
                continue
            raise
        mod.register(app)
