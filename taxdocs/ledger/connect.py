"""Opening a ledger: the URL (a file path, $TAXDOCS_LEDGER or ./taxdocs.db), the SQLAlchemy engine (SQLite with its
write lock taken first, or PostgreSQL through psycopg), the schema migrations (Alembic), and database errors in one
line, never the SQL or a password."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from taxdocs.ledger import models as m
from taxdocs.ledger.records import LedgerError

DEFAULT_PATH = "taxdocs.db"
ENV_URL = "TAXDOCS_LEDGER"
MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK = 0x7A78_6C65  # advisory lock id for migrations ("taxle")
BUSY_TIMEOUT_S = 30


def normalize_url(url_or_path: Optional[str | os.PathLike] = None) -> str:
    """A SQLAlchemy URL from a URL, a file path, $TAXDOCS_LEDGER or ./taxdocs.db.
    postgres:// and postgresql:// use the psycopg (3) driver."""
    raw = str(url_or_path) if url_or_path not in (None, "") else (os.environ.get(ENV_URL) or DEFAULT_PATH)
    if "://" not in raw:
        return "sqlite:///" + str(Path(raw).expanduser().resolve())
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is refused by open_store; shown as given, its password hidden
        return _mask(url)


def db_error(doing: str, where: str, e: BaseException) -> str:
    """A database failure in a line: the driver's own first line, never the SQL statement or its parameters."""
    orig = getattr(e, "orig", None) or e
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    if not text or text.startswith("[<class") or "[SQL:" in text:
        text = type(orig).__name__
    if any(k in text.lower() for k in ("readonly", "read-only", "read only")):
        return f"cannot {doing} the ledger {where}: it is read-only ({text}); nothing was written"
    return f"cannot {doing} the ledger {where}: {text}" + ("; nothing was written" if doing == "write" else "")


def _mask(raw: str) -> str:
    """A URL as given, its password hidden: SQLAlchemy's own rendering when it can parse it, else everything between
    the user's colon and the last "@" (a password may hold "/" or "@")."""
    import re
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL SQLAlchemy reads: hide by hand
        return re.sub(r"(://[^/:@]*:).*@", r"\1***@", raw)


def _engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        eng = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _connect(dbapi_conn, _rec):
            dbapi_conn.isolation_level = None      # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            cur.close()

        @event.listens_for(eng, "begin")
        def _begin(conn):
            # a write transaction takes the write lock before it reads anything
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("taxdocs_write") else "BEGIN")
        return eng
    if u.get_backend_name() == "postgresql" and u.get_driver_name() == "psycopg":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise LedgerError("a PostgreSQL ledger needs the psycopg package: pip install 'psycopg[binary]'") from None
    return create_engine(url, pool_pre_ping=True)


def alembic_config():
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


# The newest migration in migrations/versions. Opening a ledger already at this revision does not
# load Alembic at all (it is slow to import); tests/ledger/test_ledger_migrations.py checks the value.
SCHEMA_HEAD = "0003"


def schema_head() -> str:
    """The head revision according to Alembic's scripts."""
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_revision(engine: Engine) -> Optional[str]:
    """The ledger's schema revision, None for an empty database."""
    from sqlalchemy import inspect, text
    with engine.connect() as conn:
        if not inspect(conn).has_table(m.VERSION_TABLE):
            return None
        return conn.execute(text(f"SELECT version_num FROM {m.VERSION_TABLE}")).scalar()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the schema to `target` under a lock (SQLite write lock / PostgreSQL advisory lock),
    so two processes opening a new ledger at once do not both create it."""
    cur = schema_revision(engine)
    if target == "head" and cur == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory
    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    if cur is not None:
        try:
            script.get_revision(cur)
        except Exception:
            raise LedgerError(f"this ledger has schema revision {cur!r}, written by a newer taxdocs; "
                              "upgrade taxdocs to open it") from None
    if target == "head" and cur == script.get_current_head():
        return
    with engine.connect() as conn:
        conn.execution_options(taxdocs_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)


def _prepare_file(p: Path, create: bool) -> None:
    """A SQLite ledger file: created owner-only (names, amounts; SQLite gives its journal files the same mode), and
    an empty file given as the ledger made owner-only before it is filled."""
    if p.is_dir():
        raise LedgerError(f"the ledger {p} is a folder: give a file path (e.g. {p / DEFAULT_PATH})")
    if not p.exists():
        if not create:
            raise LedgerError(f"no ledger at {p} (commit a year or give --ledger / ${ENV_URL})")
        if not p.parent.is_dir():
            raise LedgerError(f"cannot create the ledger {p}: folder {p.parent} does not exist")
        try:
            os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError as e:
            raise LedgerError(f"cannot create the ledger {p}: {e.strerror}") from None
    try:
        if p.is_file() and p.stat().st_size == 0 and p.stat().st_mode & 0o077:
            os.chmod(p, 0o600)
    except OSError as e:
        raise LedgerError(f"cannot make the ledger {p} owner-only: {e.strerror}") from None
