"""Alembic environment for the ledger. Runs inside the package: `open_store` passes its own
connection (already in a locked transaction) in `config.attributes["connection"]`. From the
command line: `alembic -c taxdocs/ledger/alembic.ini -x url=sqlite:///taxdocs.db upgrade head`.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from taxdocs.ledger.models import VERSION_TABLE, Base

config = context.config
target_metadata = Base.metadata


def _configure(**kw) -> None:
    context.configure(target_metadata=target_metadata, version_table=VERSION_TABLE,
                      render_as_batch=True, compare_type=False, **kw)


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the ledger URL: alembic -c taxdocs/ledger/alembic.ini -x url=URL ...")
    from taxdocs.ledger.connect import normalize_url
    return normalize_url(url)


def run_offline() -> None:
    _configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    with engine.begin() as conn:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
