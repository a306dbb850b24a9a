"""Store: opening, keys, commit / unchanged / amend with history, no SSN in clear."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_helpers import dump_everything
from ledger_scenarios import CLIENT, SSN, base, pat, with_, year1, year2

from taxdocs.ledger import keys
from taxdocs.ledger.store import (LedgerConflict, LedgerError, LedgerNeedsAmend, normalize_url, open_store)
from taxdocs.model.load import from_data


# ---------------------------------------------------------------- opening

def test_default_location_is_taxdocs_db_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TAXDOCS_LEDGER", raising=False)
    assert normalize_url(None) == f"sqlite:///{tmp_path / 'taxdocs.db'}"
    with open_store() as s:
        assert s.counts() == {"people": 0, "commits": 0, "years": 0}
    assert (tmp_path / "taxdocs.db").is_file()


def test_environment_variable_and_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("TAXDOCS_LEDGER", str(tmp_path / "firm.db"))
    assert normalize_url(None) == f"sqlite:///{tmp_path / 'firm.db'}"
    assert normalize_url("sqlite:////x/y.db") == "sqlite:////x/y.db"            # an explicit one wins
    assert normalize_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_missing_ledger_is_an_error_when_not_creating(tmp_path):
    with pytest.raises(LedgerError, match="no ledger at"):
        open_store(tmp_path / "none.db", create=False)
    with pytest.raises(LedgerError, match="does not exist"):
        open_store(tmp_path / "no-such-folder" / "x.db")


def test_a_ledger_from_a_newer_taxdocs_is_refused(ledger_url):
    from sqlalchemy import text
    from taxdocs.ledger.models import VERSION_TABLE
    s = open_store(ledger_url)
    with s.engine.begin() as c:
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    s.close()
    with pytest.raises(LedgerError, match="newer taxdocs"):
        open_store(ledger_url)


# ---------------------------------------------------------------- keys

def test_ssn_key_is_stable_and_not_the_ssn():
    k = keys.ssn_key("123-45-6789")
    assert k == keys.ssn_key("123456789") == keys.ssn_key(" 123 45 6789 ")
    assert len(k) == 64 and "6789" not in k[:4]
    assert k != keys.ssn_key("123-45-6780")
    # fixed salt: the same key in every install (exports move between firms)
    assert k == "d4d74f57a738ea70330fcab7d9cca4f28bf10d2ee1bf4f62abd27d137f2a2f23"


def test_canonical_text_ignores_spelling():
    a = from_data(year1())
    b = from_data(json.loads(json.dumps(year1()).replace("7000", "7000.00")))
    assert keys.canonical_scenario(a) == keys.canonical_scenario(b)
    assert SSN not in keys.canonical_scenario(a) and "123456789" not in keys.canonical_scenario(a)


# ---------------------------------------------------------------- commit

def test_commit_same_again_changes_nothing(store):
    r1 = store.commit(from_data(year1()), source="a.yaml")
    assert [(o.status, o.version) for o in r1.outcomes] == [("new", 1)]
    before = store.counts()
    # the same inputs, spelled differently
    same = json.loads(json.dumps(year1()).replace("7000", "7000.00"))
    r2 = store.commit(from_data(same), source="b.json")
    assert [(o.status, o.version) for o in r2.outcomes] == [("unchanged", 1)]
    assert not r2.changed
    assert store.counts() == before


def test_different_inputs_need_amend_and_keep_history(store):
    store.commit(from_data(year1()))
    changed = with_(year1(), "taxpayer.ira.nondeductible_contributions", 6500)
    before = store.counts()
    with pytest.raises(LedgerNeedsAmend, match=r"2024 is already in the ledger .*IRA basis 7,000 -> 6,500"):
        store.commit(from_data(changed))
    assert store.counts() == before                       # nothing written
    rep = store.commit(from_data(changed), amend=True, source="fix.yaml")
    o = rep.outcomes[0]
    assert (o.status, o.version, o.previous) == ("amended", 2, 1)
    years = store.people(CLIENT)[0].years
    assert [(y.tax_year, y.version, y.current, y.kind) for y in years] == \
        [(2024, 1, False, "commit"), (2024, 2, True, "amend")]
    assert [y.facts.ira_basis for y in years] == [Decimal(7000), Decimal(6500)]
    assert store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.ira_basis == 6500
    # amending back to the first inputs is a third version, not a rewrite
    rep = store.commit(from_data(year1()), amend=True)
    assert rep.outcomes[0].version == 3
    assert len(store.people(CLIENT)[0].years) == 3


def test_amend_names_the_later_years_built_on_it(store):
    store.commit(from_data(year1()))
    store.commit(from_data(year2()))
    rep = store.commit(from_data(with_(year1(), "taxpayer.ira.nondeductible_contributions", 6000)), amend=True)
    assert rep.outcomes[0].later_years == [2025]


def test_expect_version_is_an_optimistic_check(store):
    with pytest.raises(LedgerConflict, match="expected version 1, the ledger has 0"):
        store.commit(from_data(year1()), expect_version=1)
    store.commit(from_data(year1()), expect_version=0)
    changed = with_(year1(), "taxpayer.ira.year_end_value", 51000)
    with pytest.raises(LedgerConflict):
        store.commit(from_data(changed), amend=True, expect_version=0)
    assert store.commit(from_data(changed), amend=True, expect_version=1).outcomes[0].version == 2


def test_client_id_is_required_to_commit(store):
    d = year1()
    del d["client_id"]
    with pytest.raises(LedgerError, match="no client_id"):
        store.commit(from_data(d))
    assert store.counts()["commits"] == 0


def test_joint_return_records_each_spouse_under_its_own_key(store):
    spouse = {"name": "Lee Rivera", "ssn": "987-65-4321", "birth_date": "1982-02-02",
              "ira": {"nondeductible_contributions": 7000, "prior_basis": 1000, "year_end_value": 9000},
              "client_id": "C-200"}
    d = base(2024, pat(ira={"nondeductible_contributions": 7000, "prior_basis": 0, "year_end_value": 50000}),
             filing_status="mfj", spouse=spouse)
    rep = store.commit(from_data(d))
    assert sorted((o.who, o.client_id, o.ssn_masked) for o in rep.outcomes) == \
        [("spouse", "C-200", "***-**-4321"), ("taxpayer", CLIENT, "***-**-6789")]
    assert store.current_years("C-200", keys.ssn_key("987654321"))[-1].facts.ira_basis == 8000
    assert store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.ira_basis == 7000
    assert store.counts() == {"people": 2, "commits": 1, "years": 2}


def test_cents_are_exact(store):
    d = with_(year1(), "taxpayer.ira.nondeductible_contributions", "1234.56")
    d = with_(d, "taxpayer.ira.prior_basis", "0.01")
    store.commit(from_data(d))
    f = store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts
    # Form 8606 is in whole dollars (i8606: round all amounts): 1,235 + 0 -> line 14 = 1,235, stored exactly
    assert f.ira_basis == Decimal("1235") and str(f.ira_basis) == "1235"


def test_no_ssn_in_clear_anywhere(store, tmp_path):
    one = year1()   # audit (session 18): an SSN typed into the notes, and an account number that is the SSN
    one["notes"] = "client SSN 123-45-6789, called in March"
    two = year2()
    two["forms_1099r"][0]["account_number"] = "123456789"
    store.commit(from_data(one))
    store.commit(from_data(two))
    text = dump_everything(store) + json.dumps(store.export())
    for s in ("123-45-6789", "123456789", "123 45 6789"):
        assert s not in text
    assert "6789" in text                                 # the last four are kept
    if store.url.startswith("sqlite:///"):
        raw = Path(store.url[len("sqlite:///"):]).read_bytes()
        assert b"123-45-6789" not in raw and b"123456789" not in raw


# ---------------------------------------------------------------- amounts

from hypothesis import given, strategies as st  # noqa: E402

cents = st.integers(0, 10**13 - 1).map(lambda c: Decimal(c).scaleb(-2))


@given(cents, st.sampled_from(["sqlite", "postgresql"]), st.integers(0, 3))
def test_money_round_trips_exactly(amount, dialect_name, extra_zeros):
    from sqlalchemy.dialects import postgresql, sqlite
    from taxdocs.ledger.models import Money
    dialect = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}[dialect_name]
    spelled = Decimal(str(amount) + ("0" * extra_zeros if "." in str(amount) else ""))
    t = Money()
    back = t.process_result_value(t.process_bind_param(spelled, dialect), dialect)
    assert back == amount
    assert keys.money_text(back) == keys.money_text(amount)


def test_amending_one_spouse_names_later_years_only_for_the_one_whose_figures_changed(store):
    """Audit (session 16): a joint amendment wrote a new version for both spouses and told both to commit later years
    again, though the other's carried figures were the same."""
    from builders import person
    def joint(y, nd):
        d = with_(year1(), "tax_year", y)
        d["filing_status"] = "mfj"
        d["spouse"] = person(name="Sam Rivera", ssn="400-22-3344", birth="1981-02-01",
                             ira={"year_end_value": 20000, "prior_basis": 500})
        d["taxpayer"]["ira"]["nondeductible_contributions"] = nd
        if y > 2024:
            d["taxpayer"]["ira"].pop("prior_basis", None)
            d["spouse"]["ira"].pop("prior_basis", None)
        return d
    store.commit(from_data(joint(2024, 7000)))
    store.commit(from_data(joint(2025, 0)))
    rep = store.commit(from_data(joint(2024, 6000)), amend=True)
    later = {o.who: o.later_years for o in rep.outcomes}
    assert later == {"taxpayer": [2025], "spouse": []}


def test_a_year_committed_before_ssns_in_free_text_were_masked_is_unchanged(store, monkeypatch):
    """Second read (session 18): masking an SSN typed into the notes changed the content hash of a year committed
    before, so committing the same inputs again was refused as different."""
    one = year1()
    one["notes"] = "client SSN 123-45-6789"
    monkeypatch.setattr(keys, "_mask_ssns", lambda data, ssns: data)    # as taxdocs did before
    assert store.commit(from_data(one)).changed
    monkeypatch.undo()
    again = store.commit(from_data(one))                                 # refused (LedgerNeedsAmend) before
    assert not again.changed and [o.status for o in again.outcomes] == ["unchanged"]


def test_a_password_with_a_slash_is_hidden(tmp_path):
    """Second read (session 18): the hand-made mask left a password holding "/" in the message."""
    import pytest
    from taxdocs.ledger.store import LedgerError, open_store
    with pytest.raises(LedgerError) as e:
        open_store("postgresql+nosuchdriver://user:se/cret@host/db")
    assert "se/cret" not in str(e.value) and "cret" not in str(e.value) and "***" in str(e.value)
