"""The ledger store: what each finished year leaves for the next, per person, with history.

    store = open_store()                 # ./taxdocs.db, or $TAXDOCS_LEDGER, or a path / URL given
    report = store.commit(scenario)      # atomic; the same inputs again change nothing
    store.commit(changed, amend=True)    # a new version; the earlier one stays as history
    store.current_years(client_id, ssn_key(ssn))

The tax logic is not here: `commit` runs `taxdocs.rules.engine.compute` and
`taxdocs.rules.carry.carry_forward` and stores what they give. The records (CarryFacts and the rest) and the
errors are in taxdocs.ledger.records, the URL, engine and migrations in taxdocs.ledger.connect; both are
importable from here too.

Faults. A commit is one database transaction: killed at any point, the ledger is as before
(tests/ledger/test_faults.py kills a child process inside the transaction). Two commits of the
same person-year cannot both win silently: on SQLite the write transaction takes the write lock
first (BEGIN IMMEDIATE); on PostgreSQL the person rows are locked (SELECT ... FOR UPDATE); under
both, (person, year, version) is unique, so a writer that read a stale version fails with
`LedgerConflict` and writes nothing. The second of two commits then sees the first: same inputs
mean "unchanged", different inputs need `--amend`.
"""
from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from taxdocs.core.money import z
from taxdocs.ledger import keys
from taxdocs.ledger import models as m
from taxdocs.ledger.connect import (DEFAULT_PATH, ENV_URL, SCHEMA_HEAD, _engine, _mask, _prepare_file,  # noqa: F401
                                    _safe, alembic_config, db_error, normalize_url, schema_head, schema_revision,
                                    upgrade)
from taxdocs.ledger.records import (QCD_TOTALS, CarryFacts, CommitReport, Entry, LedgerConflict,  # noqa: F401
                                    LedgerError, LedgerNeedsAmend, Outcome, PersonRecord, YearRecord)

ENV_HOOK = "TAXDOCS_LEDGER_TEST_HOOK"


# --------------------------------------------------------------------------- opening

def open_store(url_or_path: Optional[str | os.PathLike] = None, *, create: bool = True,
               migrate: bool = True) -> "LedgerStore":
    """Open (and create, and upgrade to the newest schema) the ledger.

    `url_or_path`: a SQLAlchemy URL (sqlite:///..., postgresql://user:pw@host/db) or a file path;
    blank: $TAXDOCS_LEDGER, else ./taxdocs.db. `create=False`: a missing SQLite file is an error
    instead of a new empty ledger."""
    url = normalize_url(url_or_path)
    shown = _mask(str(url_or_path)) if url_or_path not in (None, "") else _safe(url)
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        raise LedgerError(f"--ledger {shown}: not a database URL or file path (check the host, port and "
                          "brackets)") from None
    if u.get_backend_name() == "sqlite" and (not u.database or ":memory:" in u.database
                                             or "mode=memory" in str(u)):
        raise LedgerError("an in-memory SQLite ledger would be lost on exit; give a file path")
    if u.get_backend_name() == "sqlite" and not u.database.startswith("file:"):
        _prepare_file(Path(u.database), create)
    try:
        eng = _engine(url)
    except (NoSuchModuleError, ImportError) as e:
        why = "unknown database kind" if isinstance(e, NoSuchModuleError) else f"its driver is not installed ({e})"
        raise LedgerError(f"--ledger {shown}: {u.drivername}: {why}; the ledger is a file path (SQLite) or a "
                          "postgresql:// URL") from None
    except ArgumentError as e:
        raise LedgerError(f"--ledger {shown}: {u.drivername}: cannot use it ({e})") from None
    try:
        if migrate:
            upgrade(eng)
    except LedgerError:
        eng.dispose()
        raise
    except SQLAlchemyError as e:
        eng.dispose()
        raise LedgerError(db_error("open", _safe(url), e)) from None
    return LedgerStore(eng, url)


# --------------------------------------------------------------------------- test hook

def _hook(point: str) -> None:
    """Fault-injection for the tests, off unless $TAXDOCS_LEDGER_TEST_HOOK names this point:
    "after_read=sleep:1.5" sleeps; "after_first_row=pause:/tmp/marker" creates the marker file
    and waits (to be killed); "after_first_row=fail" raises. Several: separate with ';'."""
    spec = os.environ.get(ENV_HOOK)
    if not spec:
        return
    for part in spec.split(";"):
        name, _, action = part.strip().partition("=")
        if name != point:
            continue
        kind, _, arg = action.partition(":")
        if kind == "sleep":
            time.sleep(float(arg))
        elif kind == "pause":
            Path(arg).write_text(str(os.getpid()))
            time.sleep(600)
        elif kind == "fail":
            raise RuntimeError(f"test hook: failure injected at {point}")


# --------------------------------------------------------------------------- the store

def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(d: datetime) -> datetime:
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


class LedgerStore:
    # Lock before reading in a write (SQLite BEGIN IMMEDIATE, PostgreSQL SELECT ... FOR UPDATE).
    # Tests turn it off to show that the unique constraint alone still stops a double win.
    lock_rows = True

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url

    @property
    def display_url(self) -> str:
        return _safe(self.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "LedgerStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- sessions
    @contextmanager
    def _read(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                yield s
        except SQLAlchemyError as e:
            raise LedgerError(db_error("read", self.display_url, e)) from None

    def schema_revision(self) -> Optional[str]:
        try:
            return schema_revision(self.engine)
        except SQLAlchemyError as e:
            raise LedgerError(db_error("read", self.display_url, e)) from None

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One transaction; committed when the block ends, rolled back on any exception."""
        with self.engine.connect() as conn:
            conn.execution_options(taxdocs_write=self.lock_rows)
            with conn.begin():
                with Session(bind=conn, expire_on_commit=False, autoflush=False) as s:
                    yield s
                    s.flush()

    def _where(self, client_id: str, last4: str, y: m.Year) -> str:
        return f"ledger {self.display_url}, client {client_id} {keys.masked(last4)}, {y.tax_year} version {y.version}"

    # -- reading
    def _records(self, person: m.Person) -> list[YearRecord]:
        latest: dict[int, int] = {}
        for y in person.years:
            latest[y.tax_year] = max(latest.get(y.tax_year, 0), y.version)
        out = []
        for y in sorted(person.years, key=lambda y: (y.tax_year, y.version)):
            out.append(YearRecord(person.client_id, person.ssn_last4, person.name, y.tax_year, y.version,
                                  y.version == latest[y.tax_year], y.commit.kind, y.commit.source,
                                  _aware(y.commit.committed_at), y.commit.content_hash,
                                  _facts_of(y, self._where(person.client_id, person.ssn_last4, y)), y.commit_id))
        return out

    def _load_people(self, s: Session, *where) -> list[m.Person]:
        q = (select(m.Person).where(*where)
             .options(selectinload(m.Person.years).selectinload(m.Year.layers),
                      selectinload(m.Person.years).selectinload(m.Year.rollovers),
                      selectinload(m.Person.years).selectinload(m.Year.commit))
             .order_by(m.Person.client_id, m.Person.id))
        return list(s.scalars(q))

    def people(self, client_id: Optional[str] = None) -> list[PersonRecord]:
        """Every person (of one client, or all), with every version of every year."""
        with self._read() as s:
            rows = self._load_people(s, *(() if client_id is None else (m.Person.client_id == client_id,)))
            return [PersonRecord(p.client_id, p.ssn_key, p.ssn_last4, p.name, self._records(p)) for p in rows]

    def person(self, client_id: str, ssn_key: str) -> Optional[PersonRecord]:
        with self._read() as s:
            rows = self._load_people(s, m.Person.client_id == client_id, m.Person.ssn_key == ssn_key)
            return PersonRecord(rows[0].client_id, rows[0].ssn_key, rows[0].ssn_last4, rows[0].name,
                                self._records(rows[0])) if rows else None

    def current_years(self, client_id: str, ssn_key: str) -> list[YearRecord]:
        """The current version of each recorded year of one person, oldest first."""
        p = self.person(client_id, ssn_key)
        return p.current() if p else []

    def clients_of(self, ssn_key: str) -> list[str]:
        """Client ids under which this SSN key is recorded."""
        with self._read() as s:
            return sorted(s.scalars(select(m.Person.client_id).where(m.Person.ssn_key == ssn_key)))

    def client_ids(self) -> list[str]:
        with self._read() as s:
            return sorted(set(s.scalars(select(m.Person.client_id))))

    def history_marker(self, client_ids: list[str], before_year: int) -> str:
        """What the ledger holds for these clients before `before_year`: (SSN key, year, version,
        commit) of every recorded year, as one short hash. It changes when a prior year is committed,
        amended, seeded or imported for any person of these clients, so a batch rerun redoes the
        returns whose carried-forward facts may have changed (and only those)."""
        import hashlib
        with self._read() as s:
            rows = s.execute(
                select(m.Person.client_id, m.Person.ssn_key, m.Year.tax_year, m.Year.version, m.Year.commit_id)
                .join(m.Year, m.Year.person_id == m.Person.id)
                .where(m.Person.client_id.in_(sorted(set(client_ids))), m.Year.tax_year < before_year)
                .order_by(m.Person.client_id, m.Person.ssn_key, m.Year.tax_year, m.Year.version)).all()
        return hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()[:16]

    def counts(self) -> dict[str, int]:
        with self._read() as s:
            return {"people": s.scalar(select(func.count()).select_from(m.Person)) or 0,
                    "commits": s.scalar(select(func.count()).select_from(m.Commit)) or 0,
                    "years": s.scalar(select(func.count()).select_from(m.Year)) or 0}

    # -- writing
    def commit(self, scenario, *, amend: bool = False, source: Optional[str] = None,
               expect_version: Optional[int] = None) -> CommitReport:
        """Record a finished year. Prior-year facts the scenario leaves blank are first taken from
        the ledger (`fill_from_ledger`), then the engine computes the year and `carry_forward`
        gives what is stored. Identical inputs again: nothing changes. Different inputs: needs
        `amend=True` (new version; the earlier one is kept). `expect_version`: optimistic check,
        the current version of every person-year must be this (0 = not recorded yet)."""
        from taxdocs.ledger.carry import fill_from_ledger
        from taxdocs.rules.carry import carry_forward
        from taxdocs.rules.engine import compute

        people = []
        for who, person in scenario.people():
            cid = person.client_id or scenario.client_id
            if not cid:
                raise LedgerError(f"{who} ({person.ssn_last4}) has no client_id: set client_id at the top of the "
                                  "scenario (or on each person) to record it in the ledger")
            people.append(Entry(cid, keys.ssn_key(person.ssn), keys.last4(person.ssn), person.name, who,
                                CarryFacts(Decimal(0), Decimal(0))))
        with self.transaction(_conflict_message(people, scenario.tax_year)) as s:
            # lock the people first (SQLite: the write lock is already held), so the prior years read
            # below cannot be amended by another writer before this year is recorded
            for e in people:
                self._person_row(s, e)
            filled, findings = fill_from_ledger(scenario, self)
            res = compute(filled, source or "<scenario>")
            entries = [Entry(e.client_id, e.ssn_key, e.ssn_last4, e.name, e.who,
                             facts_from_result(res, e.who, carry_forward)) for e in people]
            text = keys.canonical_scenario(filled)
            digest = keys.content_hash(text)
            outcomes = self._record(s, entries, filled.tax_year, digest, text, "commit", source, amend,
                                    expect_version, None, same=(digest, keys.legacy_hash(filled)))
        return CommitReport(filled.tax_year, outcomes, findings, digest)

    def record(self, entries: list[Entry], tax_year: int, digest: str, scenario_json: Optional[str], *,
               kind: str, source: Optional[str], amend: bool = False, expect_version: Optional[int] = None,
               committed_at: Optional[datetime] = None) -> list[Outcome]:
        """Write one transaction: a commit row and a new year version for each entry whose
        current version has a different content hash. All or nothing."""
        with self.transaction(_conflict_message(entries, tax_year)) as s:
            return self._record(s, entries, tax_year, digest, scenario_json, kind, source, amend,
                                expect_version, committed_at)

    @contextmanager
    def transaction(self, conflict: str) -> Iterator[Session]:
        """A write transaction whose lost race (unique person-year-version, or SQLite's lock)
        becomes `LedgerConflict(conflict)`; nothing is written then."""
        try:
            with self._write() as s:
                yield s
        except IntegrityError as e:
            if not _is_race(e):
                raise LedgerError(db_error("write", self.display_url, e)) from None
            raise LedgerConflict(conflict) from None
        except OperationalError as e:
            if "locked" in str(e.orig).lower():
                raise LedgerConflict(conflict) from None
            raise LedgerError(db_error("write", self.display_url, e)) from None
        except SQLAlchemyError as e:  # never the SQL or its parameters (names, amounts) in a message
            raise LedgerError(db_error("write", self.display_url, e)) from None

    def _person_row(self, s: Session, e: Entry) -> m.Person:
        q = select(m.Person).where(m.Person.client_id == e.client_id, m.Person.ssn_key == e.ssn_key)
        if self.lock_rows:
            q = q.with_for_update()
        p = s.scalars(q).first()
        if p is not None:
            return p
        try:
            with s.begin_nested():
                p = m.Person(client_id=e.client_id, ssn_key=e.ssn_key, ssn_last4=e.ssn_last4, name=e.name,
                             created_at=_now())
                s.add(p)
                s.flush()
            return p
        except IntegrityError:   # created meanwhile by another writer (PostgreSQL): take theirs
            return s.scalars(q).one()

    def _record(self, s, entries, tax_year, digest, scenario_json, kind, source, amend, expect_version,
                committed_at, same: tuple = ()) -> list[Outcome]:
        """`same`: content hashes that mean the same inputs (the digest, and the one a year committed by an earlier
        taxdocs had: keys.legacy_hash)."""
        same = same or (digest,)
        rows = [self._person_row(s, e) for e in entries]
        current: list[Optional[m.Year]] = []
        for p in rows:
            y = s.scalars(select(m.Year).where(m.Year.person_id == p.id, m.Year.tax_year == tax_year)
                          .order_by(m.Year.version.desc()).limit(1)
                          .options(selectinload(m.Year.commit), selectinload(m.Year.layers),
                                   selectinload(m.Year.rollovers))).first()
            current.append(y)
        _hook("after_read")
        outcomes, refuse = [], []
        for e, p, y in zip(entries, rows, current):
            if expect_version is not None and (y.version if y else 0) != expect_version:
                raise LedgerConflict(
                    f"client {e.client_id}, {e.who} {keys.masked(e.ssn_last4)}, {tax_year}: expected version "
                    f"{expect_version}, the ledger has {y.version if y else 0}; nothing was written")
            old = None if y is None else _facts_of(y, self._where(e.client_id, e.ssn_last4, y))
            if y is None:
                outcomes.append(Outcome(e.who, e.client_id, e.ssn_last4, tax_year, "new", 1))
            elif y.commit.content_hash in same and not _changes(old, e.facts, carried_only=True):
                # same inputs and the same figures carried (a year with no 1099-R from a decedent passes on what the
                # ledger filled, which is not in its inputs: an amended earlier year reaches it here)
                outcomes.append(Outcome(e.who, e.client_id, e.ssn_last4, tax_year, "unchanged", y.version))
            else:
                o = Outcome(e.who, e.client_id, e.ssn_last4, tax_year, "amended", y.version + 1, y.version,
                            _changes(old, e.facts))
                later = s.scalars(select(m.Year.tax_year).where(m.Year.person_id == p.id,
                                                                m.Year.tax_year > tax_year).distinct())
                # later years need committing again only if what this year carries changed (on a joint return the
                # other spouse's version is new, with the same figures)
                o.later_years = sorted(set(later)) if _changes(old, e.facts, carried_only=True) else []
                outcomes.append(o)
                if not amend:
                    refuse.append((e, y, o))
        if refuse:
            raise LedgerNeedsAmend("\n".join(
                f"client {e.client_id}, {e.who} {keys.masked(e.ssn_last4)}: {tax_year} is already in the ledger "
                f"(version {y.version}, {y.commit.kind} of {_aware(y.commit.committed_at):%Y-%m-%d %H:%M} UTC) with "
                f"different inputs" + (f" ({'; '.join(o.changes)})" if o.changes else
                                       " (nothing it carries changes: the inputs differ, or a prior-year fact was "
                                       "filled from the ledger differently, as after a taxdocs update)")
                for e, y, o in refuse) + "\nNothing was written. Use --amend to record a new version "
                "(the earlier one is kept as history).")
        if all(o.status == "unchanged" for o in outcomes):
            return outcomes
        c = m.Commit(client_id=entries[0].client_id, tax_year=tax_year, content_hash=digest,
                     scenario_json=scenario_json, source=(source or "")[:500] or None,
                     committed_at=committed_at or _now(),
                     kind="amend" if kind == "commit" and any(o.status == "amended" for o in outcomes) else kind)
        s.add(c)
        s.flush()
        first = True
        for e, p, o in zip(entries, rows, outcomes):
            if o.status == "unchanged":
                continue
            if e.name and p.name != e.name:
                p.name = e.name
            s.add(_year_row(p, c, tax_year, o.version, e.facts))
            s.flush()           # the unique (person, year, version) is checked here
            if first:
                _hook("after_first_row")
                first = False
        return outcomes

    def seed(self, client_id: str, ssn: str, tax_year: int, facts: CarryFacts, *, name: Optional[str] = None,
             source: Optional[str] = None, amend: bool = False) -> Outcome:
        """Start a person's history from figures of a year done elsewhere (a filled Form 8606), checked as an
        import's (taxdocs.ledger.seed.check)."""
        from taxdocs.ledger.seed import check
        check(facts, tax_year, client_id, name)
        entry = Entry(client_id, keys.ssn_key(ssn), keys.last4(ssn), name, "taxpayer", facts)
        doc = {"seed": facts.as_dict(), "client_id": client_id, "ssn_key": entry.ssn_key, "tax_year": tax_year}
        text = keys.dumps(doc)
        return self.record([entry], tax_year, keys.content_hash(text), text, kind="seed", source=source,
                           amend=amend)[0]

    # -- export / import
    def export(self, client_id: Optional[str] = None) -> dict:
        from taxdocs.ledger.exchange import export_doc
        return export_doc(self, client_id)

    def import_(self, doc: dict, *, amend: bool = False, source: Optional[str] = None):
        from taxdocs.ledger.exchange import import_doc
        return import_doc(self, doc, amend=amend, source=source)

    def scenario_json(self, client_id: str, ssn_key: str, tax_year: int, version: Optional[int] = None) -> Optional[dict]:
        """The redacted scenario stored with a person-year (current version unless given)."""
        with self._read() as s:
            q = (select(m.Commit.scenario_json).join(m.Year, m.Year.commit_id == m.Commit.id)
                 .join(m.Person, m.Person.id == m.Year.person_id)
                 .where(m.Person.client_id == client_id, m.Person.ssn_key == ssn_key, m.Year.tax_year == tax_year))
            q = q.where(m.Year.version == version) if version else q.order_by(m.Year.version.desc())
            text = s.scalars(q.limit(1)).first()
        try:
            return json.loads(text) if text else None
        except ValueError:
            raise LedgerError(f"ledger {self.display_url}, client {client_id}, {tax_year}: its stored scenario is not "
                              f"JSON; {DAMAGED}") from None


# --------------------------------------------------------------------------- helpers

def facts_from_result(res, who: str, carry_forward=None) -> CarryFacts:
    """What the computed year leaves for the next (the engine's `carry_forward`), plus the
    year's Form 8606 lines and which carried figures rest on assumptions."""
    if carry_forward is None:
        from taxdocs.rules.carry import carry_forward
    cf = carry_forward(res, who)
    g = res.graph
    lines = res.lines()
    pre = f"f8606.{who}.line"
    f8606 = {k[len(pre):]: Decimal(v) for k, v in lines.items()
             if k.startswith(pre) and v is not None and not isinstance(v, (bool, list, dict))}
    provisional = []
    for label, key in (("ira_basis", f"f8606.{who}.basis_next_year"),
                       ("roth_contribution_basis", f"{who}.roth.contribution_basis"),
                       ("roth_first_year", f"{who}.roth.first_year"),
                       ("year_end_value", f"{who}.ira.year_end_value"),
                       ("deductions_after_70_half", f"{who}.ira.deductions_after_70_half_next_year"),
                       ("qcd_reductions", f"{who}.ira.qcd_reductions_next_year")):
        if g.has(key) and g.status(key) != "complete":
            provisional.append(label)
    if cf.roth_first_year_assumed and "roth_first_year" not in provisional:
        provisional.append("roth_first_year")  # a bound: next year fills roth.first_year_at_latest
    # a Roth contribution basis never given and nothing added: a 0 that is not known (next year leaves it blank and
    # asks when a Roth IRA distribution needs it); contributions made are carried as they are
    unknown = res.scenario.person(who).roth.contribution_basis is None and cf.roth_contribution_basis == 0
    # the layers carried rest on this year's conversion taxable part (line 18) and on the layers filled before
    layer_keys = [f"{who}.roth.layers", f"{who}.roth.plan_rollovers"] + ([f"f8606.{who}.line18"]
                                                                        if g[f"f8606.{who}.part2"] else [])
    if cf.conversion_layers and any(g.has(k) and g.status(k) != "complete" for k in layer_keys):
        provisional.append("conversion_layers")
    return CarryFacts(
        ira_basis=Decimal(cf.ira_basis), roth_contribution_basis=Decimal(cf.roth_contribution_basis),
        conversion_layers=[{"year": int(l["year"]), "amount": Decimal(l["amount"]), "taxable": Decimal(l["taxable"]),
                            "distributed": Decimal(l["distributed"])} for l in cf.conversion_layers],
        roth_first_year=cf.roth_first_year, ira_rollover_dates=sorted(set(cf.ira_rollover_dates)),
        year_end_value=None if cf.year_end_value is None else Decimal(cf.year_end_value),
        f8606=f8606, notes=list(cf.notes), provisional=provisional,
        deductions_after_70_half=Decimal(cf.deductions_after_70_half), qcd_reductions=Decimal(cf.qcd_reductions),
        inherited_basis=_inherited_basis(res, who), hfd_year=cf.hfd_year,
        inherited_roth=_inherited_roth(res, who), homebuyer_used=Decimal(cf.homebuyer_used),
        roth_basis_unknown=unknown)


def _inherited_basis(res, who: str) -> dict[str, Decimal]:
    """Each inherited IRA's own Form 8606 line 14 (basis next year), by decedent (rules.md §4.1, §5.1)."""
    from taxdocs.rules.facts import inherited_key
    g, out = res.graph, {}
    for n, entry in enumerate(res.scenario.person(who).inherited_iras, 1):
        key = f"f8606.{inherited_key(who, n)}.basis_next_year"
        if g.has(key):
            out[entry.decedent] = Decimal(z(g[key]))
    return out


def _inherited_roth(res, who: str) -> dict[str, dict]:
    """This year's inherited Roth IRA basis left, by decedent; a decedent no 1099-R named this year keeps what the
    ledger had (filled into the person by `fill_from_ledger`), so a year without a distribution loses nothing."""
    from taxdocs.rules.carry import inherited_roth_left
    before = res.scenario.person(who)._inherited_roth or {}
    spelt = {k.strip().lower(): k for k in before}
    now = {spelt.get(k.strip().lower(), k): v for k, v in inherited_roth_left(res, who).items()}  # the ledger's spelling
    return {**before, **now}


def _facts_of(y: m.Year, where: str = "") -> CarryFacts:
    """A stored year's facts, checked as an import's are: a damaged row (an import before taxdocs checked them, an
    edit of the database) is a LedgerError naming it, never a crash or a wrong figure later."""
    from taxdocs.ledger import validate
    try:
        notes = json.loads(y.notes_json) if y.notes_json else {}
        f8606 = json.loads(y.f8606_json) if y.f8606_json else {}
    except ValueError:
        raise LedgerError(f"{where}: its stored notes or Form 8606 lines are not JSON; {DAMAGED}") from None
    extra = notes if isinstance(notes, dict) else {"notes": notes}
    d = {"ira_basis": y.ira_basis, "roth_contribution_basis": y.roth_contribution_basis,
         "conversion_layers": [{"year": l.layer_year, "amount": l.amount, "taxable": l.taxable,
                                "distributed": l.distributed} for l in sorted(y.layers, key=lambda l: l.position)],
         "roth_first_year": y.roth_first_year,
         "ira_rollover_dates": [r.distribution_date for r in sorted(y.rollovers, key=lambda r: r.position)],
         "year_end_value": y.year_end_value, "f8606": f8606,
         "notes": extra.get("notes", []), "provisional": extra.get("provisional", []),
         "deductions_after_70_half": y.deductions_after_70_half, "qcd_reductions": y.qcd_reductions,
         "inherited_basis": extra.get("inherited_basis") or {}, "hfd_year": extra.get("hfd_year"),
         "inherited_roth": extra.get("inherited_roth") or {}, "homebuyer_used": extra.get("homebuyer_used"),
         "roth_basis_unknown": extra.get("roth_basis_unknown")}
    try:
        return CarryFacts.from_model(validate.facts_model(d))
    except validate.Problems as e:
        shown = "; ".join(f"{p}: {r}" for p, r in e.items[:3]) + (f"; and {len(e.items) - 3} more"
                                                                   if len(e.items) > 3 else "")
        raise LedgerError(f"{where}: stored {shown}; {DAMAGED}") from None


DAMAGED = ("the ledger is damaged there (an import before taxdocs checked them, or an edit of the database): "
           "restore it from a backup")


def _year_row(p: m.Person, c: m.Commit, tax_year: int, version: int, f: CarryFacts) -> m.Year:
    y = m.Year(person=p, commit=c, tax_year=tax_year, version=version, ira_basis=f.ira_basis,
               roth_contribution_basis=f.roth_contribution_basis, roth_first_year=f.roth_first_year,
               year_end_value=f.year_end_value, f8606_json=keys.dumps(f.f8606),
               # the JSON of extras: notes, provisional labels, inherited IRAs' basis, the HFD year (no column of
               # their own)
               notes_json=keys.dumps({"notes": f.notes, "provisional": f.provisional,
                                      **({"inherited_basis": f.inherited_basis} if f.inherited_basis else {}),
                                      **({"hfd_year": f.hfd_year} if f.hfd_year is not None else {}),
                                      **({"inherited_roth": f.inherited_roth} if f.inherited_roth else {}),
                                      **({"homebuyer_used": f.homebuyer_used} if f.homebuyer_used else {}),
                                      **({"roth_basis_unknown": True} if f.roth_basis_unknown else {})}),
               deductions_after_70_half=f.deductions_after_70_half, qcd_reductions=f.qcd_reductions)
    y.layers = [m.Layer(position=i, layer_year=l["year"], amount=l["amount"], taxable=l["taxable"],
                        distributed=l["distributed"]) for i, l in enumerate(f.conversion_layers)]
    y.rollovers = [m.Rollover(position=i, distribution_date=d, kind="ira_to_ira")
                   for i, d in enumerate(f.ira_rollover_dates)]
    return y


_QCD_LABELS = ("deductions after 70½", "QCD reductions")
_HOME = "first-time homebuyer distributions"


def _changes(old: CarryFacts, new: CarryFacts, carried_only: bool = False) -> list[str]:
    """What differs between two versions of a year; `carried_only`: only what the next year is filled from
    (not the Dec 31 value)."""
    from taxdocs.core.money import fmt
    out = []
    for label, a, b in (("IRA basis", old.ira_basis, new.ira_basis),
                        ("Roth contribution basis", old.roth_contribution_basis, new.roth_contribution_basis),
                        ("first Roth year", old.roth_first_year, new.roth_first_year),
                        ("year-end value", None if carried_only else old.year_end_value,
                         None if carried_only else new.year_end_value),
                        ("deductions after 70½", old.deductions_after_70_half, new.deductions_after_70_half),
                        ("QCD reductions", old.qcd_reductions, new.qcd_reductions),
                        ("HSA funding distribution year", old.hfd_year, new.hfd_year),
                        (_HOME, old.homebuyer_used or None, new.homebuyer_used or None)):
        if a != b and not (label in _QCD_LABELS and a is None and b == 0) and not (label == _HOME and a is None):
            # not recorded: the QCD totals before 0003 (now 0), the homebuyer use before session 20
            show = lambda v: "blank" if v is None else str(v) if isinstance(v, int) else fmt(m.tidy(Decimal(v)))  # noqa: E731
            out.append(f"{label} {show(a)} -> {show(b)}")
    if keys.canon(old.conversion_layers) != keys.canon(new.conversion_layers):
        out.append("conversion layers differ")
    if old.ira_rollover_dates != new.ira_rollover_dates:
        out.append("rollover dates differ")
    if keys.canon(old.inherited_basis) != keys.canon(new.inherited_basis):
        out.append("inherited IRA basis differs")
    if keys.canon(old.inherited_roth) != keys.canon(new.inherited_roth):
        out.append("inherited Roth IRA basis differs")
    return out


def _is_race(e: IntegrityError) -> bool:
    """A unique (client, SSN key) or (person, year, version) violation: another writer got there first."""
    text = str(e.orig)
    return any(k in text for k in ("uq_year_person_year_version", "uq_person_client_ssn",
                                   "ledger_year.person_id, ledger_year.tax_year, ledger_year.version",
                                   "ledger_person.client_id, ledger_person.ssn_key"))


def _conflict_message(entries: list[Entry], tax_year: int) -> str:
    who = ", ".join(f"{e.who} {keys.masked(e.ssn_last4)}" for e in entries)
    return (f"another commit for client {entries[0].client_id if entries else '?'} ({who}), {tax_year}, landed at the "
            "same time (or held the ledger locked); nothing was written. Run the command again: it will see that "
            "commit.")
