"""Schema migrations: a ledger written at revision 0001 or 0002 opens (and is upgraded) by this version;
the models match the head revision; two processes opening a new ledger at once both succeed."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger_helpers import spawn_cli
from ledger_scenarios import CLIENT, SSN, year2
from sqlalchemy import text

from taxdocs.ledger import keys
from taxdocs.ledger.carry import fill_from_ledger
from taxdocs.ledger.models import VERSION_TABLE, Base
from taxdocs.ledger.store import _engine, normalize_url, open_store, schema_head, schema_revision, upgrade
from taxdocs.model.load import from_data


def write_revision_1_ledger(url: str) -> None:
    """What taxdocs at schema 0001 wrote: 2024 committed, then amended (basis 7,000 -> 6,500)."""
    eng = _engine(normalize_url(url))
    upgrade(eng, "0001")
    assert schema_revision(eng) == "0001"
    key = keys.ssn_key(SSN)
    with eng.begin() as c:
        c.execute(text("INSERT INTO ledger_person (id, client_id, ssn_key, ssn_last4, name, created_at) "
                       "VALUES (1, :c, :k, '6789', 'Pat Rivera', :t)"), {"c": CLIENT, "k": key, "t": "2025-04-01 10:00:00"})
        for cid, h, when in ((1, "a" * 64, "2025-04-01 10:00:00"), (2, "b" * 64, "2025-05-01 10:00:00")):
            c.execute(text("INSERT INTO ledger_commit (id, client_id, tax_year, content_hash, scenario_json, source, "
                           "committed_at) VALUES (:i, :c, 2024, :h, NULL, 'old.yaml', :w)"),
                      {"i": cid, "c": CLIENT, "h": h, "w": when})
        for yid, ver, basis in ((1, 1, "7000.00"), (2, 2, "6500.00")):
            c.execute(text("INSERT INTO ledger_year (id, person_id, commit_id, tax_year, version, ira_basis, "
                           "roth_contribution_basis, roth_first_year, year_end_value, f8606_json) VALUES "
                           "(:i, 1, :i, 2024, :v, :b, 1000, 2021, 50000, '{\"14\":\"7000\"}')"),
                      {"i": yid, "v": ver, "b": Decimal(basis) if eng.dialect.name != "sqlite" else basis})
        c.execute(text("INSERT INTO ledger_layer (year_id, position, layer_year, amount, taxable, distributed) "
                       "VALUES (2, 0, 2022, 10000, 8000, 0)"))
        c.execute(text("INSERT INTO ledger_rollover (year_id, position, distribution_date, kind) "
                       "VALUES (2, 0, :d, 'ira_to_ira')"), {"d": date(2024, 12, 1)})
        if eng.dialect.name == "postgresql":   # ids were given by hand: move the sequences past them
            for t in ("ledger_person", "ledger_commit", "ledger_year"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"))
    eng.dispose()


def test_a_revision_1_ledger_is_upgraded_and_read(ledger_url):
    write_revision_1_ledger(ledger_url)
    with open_store(ledger_url) as s:            # upgrades to head by itself
        assert schema_revision(s.engine) == schema_head() == "0003"
        years = s.people(CLIENT)[0].years
        assert [(y.version, y.kind, y.current) for y in years] == [(1, "commit", False), (2, "amend", True)]
        cur = years[-1].facts
        assert cur.ira_basis == Decimal(6500) and cur.roth_contribution_basis == 1000
        assert cur.conversion_layers == [{"year": 2022, "amount": 10000, "taxable": 8000, "distributed": 0}]
        assert cur.notes == [] and cur.provisional == []          # the 0002 column is empty for old rows
        # and it carries into the next year
        sc, findings = fill_from_ledger(from_data(year2()), s)
        # year2 is 2025: the 2024 amended version is used
        assert sc.taxpayer.ira.prior_basis == 6500
        assert sc.taxpayer.roth.first_contribution_year == 2021
        assert [r.distribution_date for r in sc.taxpayer.rollovers_last_12_months] == [date(2024, 12, 1)]
        # and new commits go on top
        assert s.commit(from_data(year2())).outcomes[0].status == "new"


def write_revision_2_ledger(url: str) -> None:
    """What taxdocs at schema 0002 wrote: 2024 committed for Jim (born 1949: past 70½) with a deductible
    contribution; the QCD offset totals were not kept then."""
    eng = _engine(normalize_url(url))
    upgrade(eng, "0002")
    assert schema_revision(eng) == "0002"
    with eng.begin() as c:
        c.execute(text("INSERT INTO ledger_person (client_id, ssn_key, ssn_last4, name, created_at) "
                       "VALUES (:c, :k, '6789', 'Jim', :t)"), {"c": CLIENT, "k": keys.ssn_key(SSN), "t": "2025-04-01"})
        c.execute(text("INSERT INTO ledger_commit (client_id, tax_year, content_hash, scenario_json, source, "
                       "committed_at, kind) VALUES (:c, 2024, :h, NULL, 'y1.yaml', '2025-04-01', 'commit')"),
                  {"c": CLIENT, "h": "a" * 64})
        c.execute(text("INSERT INTO ledger_year (person_id, commit_id, tax_year, version, ira_basis, "
                       "roth_contribution_basis, year_end_value, f8606_json, notes_json) VALUES "
                       "(1, 1, 2024, 1, :b, :b, :v, '{}', '{\"notes\": [], \"provisional\": []}')"),
                  {"b": "0" if eng.dialect.name == "sqlite" else Decimal(0),
                   "v": "80000" if eng.dialect.name == "sqlite" else Decimal(80000)})
    eng.dispose()


def test_a_revision_2_ledger_is_upgraded_and_its_rows_have_no_qcd_totals(ledger_url):
    from ledger_scenarios import jim
    write_revision_2_ledger(ledger_url)
    with open_store(ledger_url) as s:
        assert schema_revision(s.engine) == "0003"
        [y] = s.people(CLIENT)[0].years
        assert y.facts.ira_basis == 0 and y.facts.year_end_value == 80000 and y.kind == "commit"
        # not recorded: NULL, not 0
        assert (y.facts.deductions_after_70_half, y.facts.qcd_reductions) == (None, None)
        assert "deductions_after_70_half" not in y.facts.as_dict()
        # 2025 with a QCD: the old year fills the basis, but not the totals, and does not disagree with given ones
        sc, findings = fill_from_ledger(from_data(jim(2025, qcd=6000, contribution=5000)), s)
        assert sc.taxpayer.ira.prior_basis == 0
        assert (sc.taxpayer.ira.deductions_after_70_half_prior, sc.taxpayer.ira.qcd_reductions_prior) == (None, None)
        given = jim(2025, qcd=6000, contribution=5000, deductions_after_70_half_prior=5000, qcd_reductions_prior=0)
        _, findings = fill_from_ledger(from_data(given), s)
        assert "LEDGER_DISAGREES" not in [f.code for f in findings]
        # a new year goes on top and records them
        s.commit(from_data(given))
        cur = s.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts
        assert (cur.deductions_after_70_half, cur.qcd_reductions) == (10000, 6000)


def _downgrade(store, revision: str) -> None:
    """Take an open ledger back to an earlier revision (Alembic), and close it."""
    from alembic import command
    from taxdocs.ledger.store import alembic_config
    cfg = alembic_config()
    with store.engine.begin() as c:
        cfg.attributes["connection"] = c
        command.downgrade(cfg, revision)
    assert schema_revision(store.engine) == revision
    store.close()


def test_downgrade_to_0002_and_upgrade_again_keeps_the_rows(ledger_url):
    from ledger_scenarios import jim
    s = open_store(ledger_url)
    s.commit(from_data(jim(2024, contribution=5000)))
    _downgrade(s, "0002")
    with open_store(ledger_url) as s:
        assert schema_revision(s.engine) == "0003"
        [y] = s.current_years(CLIENT, keys.ssn_key(SSN))
        assert y.facts.year_end_value == 80000 and y.facts.deductions_after_70_half is None


def test_schema_head_constant_is_alembics_head():
    from taxdocs.ledger.store import SCHEMA_HEAD
    assert SCHEMA_HEAD == schema_head()


def test_models_match_the_head_revision(ledger_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    with open_store(ledger_url) as s, s.engine.connect() as c:
        mc = MigrationContext.configure(c, opts={"version_table": VERSION_TABLE, "compare_type": False})
        assert compare_metadata(mc, Base.metadata) == []


def test_downgrade_and_upgrade_again(ledger_url):
    _downgrade(open_store(ledger_url), "0001")
    with open_store(ledger_url) as s:
        assert schema_revision(s.engine) == "0003"
        assert s.commit(from_data(year2())).outcomes[0].status == "new"


def test_two_processes_create_a_new_ledger_at_once(ledger_url, tmp_path):
    import json
    from ledger_scenarios import year1
    f = tmp_path / "y1.json"
    f.write_text(json.dumps(year1()))
    procs = [spawn_cli("ledger", "commit", str(f), "--ledger", ledger_url) for _ in range(2)]
    outs = [(p.wait(120), p.stdout.read(), p.stderr.read()) for p in procs]
    assert [o[0] for o in outs] == [0, 0], outs          # both created/opened it, neither crashed
    with open_store(ledger_url) as s:
        assert schema_revision(s.engine) == "0003"
        assert s.counts()["years"] == 1
