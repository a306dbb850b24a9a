"""The `taxdocs` command. Thin: each command lives in taxdocs/commands/<name>.py."""
from __future__ import annotations

import sys

from taxdocs.commands import new_app

app = new_app()


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
