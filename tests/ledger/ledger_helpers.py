"""Helpers shared by the ledger tests (not in conftest.py: test modules import these by name)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def dump_everything(store) -> str:
    """All rows of every ledger table, as text."""
    from sqlalchemy import text
    from taxdocs.ledger.models import Base
    parts = []
    with store.engine.connect() as c:
        for t in Base.metadata.sorted_tables:
            parts += [repr(tuple(r)) for r in c.execute(text(f"SELECT * FROM {t.name} ORDER BY id"))]
    return "\n".join(parts)


def spawn_cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.Popen:
    e = dict(os.environ)
    e.pop("TAXDOCS_LEDGER_TEST_HOOK", None)
    e.update(env or {})
    return subprocess.Popen([sys.executable, "-m", "taxdocs.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=e, cwd=cwd)
