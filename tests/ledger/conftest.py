"""Ledger tests run on SQLite always, and on PostgreSQL when one is reachable:
$TAXDOCS_TEST_PG_URL if set (then it must work), else the server `ci/postgres.sh` starts
(postgresql://taxdocs:taxdocs@127.0.0.1:5432/taxdocs_test). Each PostgreSQL test gets its own
schema (search_path in the URL), dropped afterwards. The reason for a skip is printed at the end."""
from __future__ import annotations

import os
import uuid

import pytest

PG_DEFAULT = "postgresql+psycopg://taxdocs:taxdocs@127.0.0.1:5432/taxdocs_test"
_PG: dict = {}


def pg_status() -> tuple[str | None, str]:
    """(base URL, "") when a server answers, else (None, why not)."""
    if "status" not in _PG:
        _PG["status"] = _probe()
    return _PG["status"]


def _probe() -> tuple[str | None, str]:
    from taxdocs.ledger.store import _safe, normalize_url
    given = os.environ.get("TAXDOCS_TEST_PG_URL")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if given:
            pytest.fail("TAXDOCS_TEST_PG_URL is set but psycopg is not installed (pip install 'psycopg[binary]')")
        return None, "psycopg is not installed (pip install 'psycopg[binary]')"
    from sqlalchemy import create_engine, text
    url = normalize_url(given or PG_DEFAULT)
    try:
        eng = create_engine(url, connect_args={"connect_timeout": 3})
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return url, ""
    except Exception as e:
        why = f"no PostgreSQL server at {_safe(url)} ({type(e).__name__}); set TAXDOCS_TEST_PG_URL or run ci/postgres.sh"
        if given:
            pytest.fail(f"TAXDOCS_TEST_PG_URL is set but {why}")
        return None, why


def pytest_terminal_summary(terminalreporter):
    if "status" not in _PG:
        return
    url, why = _PG["status"]
    from taxdocs.ledger.store import _safe
    line = (f"ledger tests on PostgreSQL: ran against {_safe(url)}" if url
            else f"ledger tests on PostgreSQL: SKIPPED: {why}")
    terminalreporter.write_line(line, yellow=not url, bold=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    if request.param == "postgresql":
        url, why = pg_status()
        if not url:
            pytest.skip(why)
    return request.param


@pytest.fixture
def ledger_url(backend, tmp_path) -> str:
    """A fresh, empty ledger location on the backend: a file path, or a PostgreSQL URL whose
    search_path is a new schema."""
    if backend == "sqlite":
        yield str(tmp_path / "ledger.db")
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    base, _ = pg_status()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def store(ledger_url):
    from taxdocs.ledger.store import open_store
    s = open_store(ledger_url)
    yield s
    s.close()
