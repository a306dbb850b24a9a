"""What rested on an assumption stays marked so in later years (audit of session 16): an assumed first Roth year is
carried as the latest it can be, never as the year; a basis or a conversion layer filled from a provisional year is
itself provisional, so what that year leaves is provisional too."""
from __future__ import annotations

from builders import form
from ledger_scenarios import base, pat, with_

from taxdocs.checks.run import check
from taxdocs.ledger.carry import fill_from_ledger
from taxdocs.ledger import keys
from taxdocs.ledger.store import facts_from_result
from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute

from ledger_scenarios import CLIENT, SSN


def conversion_2025(**roth) -> dict:
    return base(2025, pat(birth="1955-01-01", ira={"year_end_value": 0, "prior_basis": 0}, roth=roth), [
        form("conv", 20000, ["2"], "2025-03-10", ira=True, box2a=20000, box2b_not_determined=True,
             uses=[{"kind": "conversion", "to": "roth_ira", "amount": 20000}])])


def roth_2026(**roth) -> dict:
    """71 in 2026: a code T distribution, qualified if the 5-year period is met."""
    return base(2026, pat(birth="1955-01-01", ira={"year_end_value": 0}, roth=roth),
                [form("roth-2026", 26000, ["T"], "2026-06-01")])


def pat(birth="1980-06-01", **kw):
    from ledger_scenarios import pat as p
    d = p(**kw)
    d["birth_date"] = birth
    return d


def latest(store):
    return store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts


def test_an_assumed_first_roth_year_is_a_bound_not_the_year(store):
    """Audit r2: a 2025 conversion with no first Roth year. Recorded as 2025 and read back as the year, a 2026
    code T distribution was nonqualified with no word; the client may have had a Roth IRA since 2021. Now the
    ledger fills 2025 as the latest the first year can be, and the period is unknown, as when typed in."""
    store.commit(from_data(conversion_2025()))
    f = latest(store)
    assert f.roth_first_year == 2025 and "roth_first_year" in f.provisional
    sc, _ = fill_from_ledger(from_data(roth_2026()), store)
    assert sc.taxpayer.roth.first_contribution_year is None and sc.taxpayer.roth.first_year_at_latest == 2025
    res = compute(sc)
    assert res.forms["roth-2026"].qualified is None
    assert "ROTH_5YR_UNKNOWN" in [x.code for x in check(res)]
    # given, the year is the year
    sc, _ = fill_from_ledger(from_data(roth_2026(first_contribution_year=2020)), store)
    assert compute(sc).forms["roth-2026"].qualified is True


def test_the_first_year_carried_is_the_earliest_inflow_on_record(store):
    """Audit r3: a 2021 conversion layer listed and a 2025 contribution: the clock started by 2021 (Reg. §1.408A-6
    Q&A-2), not 2025."""
    d = with_(conversion_2025(), "taxpayer.roth.conversions", [{"year": 2021, "amount": 50000, "taxable": 50000}])
    store.commit(from_data(d))
    assert latest(store).roth_first_year == 2021
    sc, _ = fill_from_ledger(from_data(roth_2026()), store)
    assert compute(sc).forms["roth-2026"].qualified is True  # 2021 + 5 years: met from 2026-01-01


def test_a_basis_filled_from_a_provisional_year_stays_provisional(store):
    """Audit r4: 2025 committed with the basis assumed 0 (2024 missing) is provisional; 2026 filled from it
    warned once, then recorded its own line 14 as firm, and 2027 took it silently. Now 2026's line 14 is
    provisional too, and 2027 is warned."""
    def year(y, **ira):
        forms = [form("cash", 5000, ["1"], f"{y}-08-01", ira=True, box2a=5000, box2b_not_determined=True)] \
            if y == 2025 else []
        return base(y, pat(ira={"nondeductible_contributions": 7000, "year_end_value": 30000, **ira}), forms)
    store.commit(from_data(year(2023, prior_basis=0)))
    store.commit(from_data(year(2025)))          # 2024 missing: basis assumed 0
    assert "ira_basis" in latest(store).provisional
    sc, found = fill_from_ledger(from_data(year(2026)), store)
    assert "LEDGER_PROVISIONAL" in [x.code for x in found]
    res = compute(sc)
    assert res.graph.status("taxpayer.ira.prior_basis") == "provisional"
    assert "ira_basis" in facts_from_result(res, "taxpayer").provisional
    store.commit(from_data(year(2026)))
    _, found = fill_from_ledger(from_data(year(2027)), store)
    assert [x.field for x in found if x.code == "LEDGER_PROVISIONAL"] == ["taxpayer.ira.prior_basis"]


def test_conversion_layers_resting_on_a_missing_value_are_provisional(store):
    """Audit r5: the 2025 year-end value is missing, so line 18 (the layer's taxable part) is not final; the layer
    was stored as firm and a 2026 early Roth distribution owed no 10% with no word. Now the layer is provisional
    and filling it says so."""
    d = base(2025, pat(ira={"prior_basis": 7000}), [
        form("conv", 20000, ["2"], "2025-03-10", ira=True, box2a=20000, box2b_not_determined=True,
             uses=[{"kind": "conversion", "to": "roth_ira", "amount": 20000}])])
    store.commit(from_data(d))
    assert "conversion_layers" in latest(store).provisional
    sc, found = fill_from_ledger(from_data(base(2026, pat(ira={"year_end_value": 0}),
                                                [form("roth", 10000, ["J"], "2026-05-01")])), store)
    assert "taxpayer.roth.conversions" in [x.field for x in found if x.code == "LEDGER_PROVISIONAL"]
    assert compute(sc).graph.status("f5329.taxpayer.line1") == "provisional"


def test_export_and_import_keep_the_commit_order(store, tmp_path):
    """Audit r6: 2024 amended after 2025 was committed from it: LEDGER_STALE. Import wrote the versions year by
    year, so 2025 looked committed after the amendment and the warning was gone."""
    from ledger_scenarios import year1, year2, year3
    from taxdocs.ledger.store import open_store
    store.commit(from_data(year1()))
    store.commit(from_data(year2()))
    store.commit(from_data(with_(year1(), "taxpayer.ira.nondeductible_contributions", 6000)), amend=True)
    assert "LEDGER_STALE" in [f.code for f in fill_from_ledger(from_data(year3()), store)[1]]
    other = open_store(str(tmp_path / "other.db"))
    try:
        other.import_(store.export(CLIENT))
        assert "LEDGER_STALE" in [f.code for f in fill_from_ledger(from_data(year3()), other)[1]]
    finally:
        other.close()


def test_qcd_offset_totals_filled_from_a_provisional_year_stay_provisional(store):
    """Second read: 2024 with no birth date and a deductible contribution records the after-70½ total as an
    assumption; 2025 was warned, then recorded its own totals as firm, and 2026 took them silently."""
    from builders import person
    from ledger_scenarios import SSN as ssn

    def year(y, birth, **ira):
        p = person(name="Pat", ssn=ssn, birth=birth, ira={"year_end_value": 80000, **ira})
        if birth is None:
            p.pop("birth_date", None)
        return base(y, p)
    store.commit(from_data(year(2024, None, deductible_contributions=7000, prior_basis=0)))
    assert "deductions_after_70_half" in latest(store).provisional
    store.commit(from_data(year(2025, "1950-01-01", deductible_contributions=1000)))
    assert "deductions_after_70_half" in latest(store).provisional
    _, found = fill_from_ledger(from_data(year(2026, "1950-01-01")), store)
    assert "taxpayer.ira.deductions_after_70_half_prior" in [x.field for x in found if x.code == "LEDGER_PROVISIONAL"]


def test_import_keeps_a_years_versions_in_order_whatever_their_times(store, tmp_path):
    """Second read: v1 with no time (or a clock set back) was written after v2 and became current."""
    from ledger_scenarios import year1
    from taxdocs.ledger.store import open_store
    store.commit(from_data(year1()))
    store.commit(from_data(with_(year1(), "taxpayer.ira.nondeductible_contributions", 6000)), amend=True)
    doc = store.export(CLIENT)
    years = doc["people"][0]["years"]
    years[0]["committed_at"], years[1]["committed_at"] = "2030-01-01T00:00:00+00:00", "2029-01-01T00:00:00+00:00"
    other = open_store(str(tmp_path / "other.db"))
    try:
        other.import_(doc)
        assert other.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.ira_basis == 6000
    finally:
        other.close()


def test_roth_years_before_1998_or_after_the_tax_year_are_refused():
    """Second read: first_year_at_latest -5 was a traceback and 0 made a code T distribution qualified."""
    import pytest
    from taxdocs.errors import InputError
    for path, value in (("taxpayer.roth.first_year_at_latest", -5), ("taxpayer.roth.first_year_at_latest", 0),
                        ("taxpayer.roth.first_contribution_year", 1997), ("taxpayer.roth.first_year_at_latest", 2027)):
        with pytest.raises(InputError) as e:
            from_data(with_(roth_2026(), path, value))
        assert any(p.path == path for p in e.value.problems), (path, value)
    d = with_(roth_2026(), "taxpayer.roth.conversions", [{"year": 1990, "amount": 1000, "taxable": 1000}])
    with pytest.raises(InputError):
        from_data(d)
