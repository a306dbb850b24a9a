"""fill_from_ledger: fills blanks, reports disagreements and gaps, never changes its inputs."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from builders import form
from ledger_scenarios import CLIENT, SSN, base, pat, with_, year1, year2, year3

from taxdocs.checks.finding import Finding
from taxdocs.ledger import keys
from taxdocs.ledger.carry import fill_from_ledger, rollover_dates_reaching
from taxdocs.ledger.store import CarryFacts
from taxdocs.model.load import from_data


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def committed(store, *makers):
    for make in makers:
        store.commit(from_data(make()))
    return store


def test_a_year_committed_before_the_year_it_follows_is_stale(store):
    """Audit 12: 2025 committed first (no history: line 2 = 0), then 2024. 2026 is filled from 2025 as recorded,
    and LEDGER_STALE says that 2025 was figured without 2024 (before, nothing was said)."""
    committed(store, year2, year1)
    _, findings = fill_from_ledger(from_data(year3()), store)
    [st] = [f for f in findings if f.code == "LEDGER_STALE"]
    assert "2025 (version 1) was committed before 2024 was recorded" in st.message and "--amend" in st.fix
    store.commit(from_data(year2()), amend=True)  # 2025 again, now from 2024
    assert "LEDGER_STALE" not in codes(fill_from_ledger(from_data(year3()), store)[1])


def test_pure_the_input_is_not_changed_and_nothing_is_written(store):
    committed(store, year1, year2)
    sc = from_data(year3())
    before, counts = sc.model_dump(), store.counts()
    filled, _ = fill_from_ledger(sc, store)
    assert sc.model_dump() == before
    assert store.counts() == counts
    assert filled is not sc and filled.taxpayer.ira.prior_basis == 4660


def test_fills_and_says_so(store):
    committed(store, year1, year2)
    filled, findings = fill_from_ledger(from_data(year3()), store)
    assert codes(findings) == ["LEDGER_FILLED"]
    f = findings[0]
    assert isinstance(f, Finding) and f.severity == "info" and f.record == "taxpayer"
    assert "2025 (version 1)" in f.message and "prior_basis 4,660" in f.message
    assert SSN not in f.message and "***-**-6789" in f.message
    assert f.to_dict()["code"] == "LEDGER_FILLED"


def test_given_facts_are_kept_and_disagreements_reported(store):
    committed(store, year1, year2)
    d = year3()
    d = with_(d, "taxpayer.ira.prior_basis", 5000)
    d = with_(d, "taxpayer.roth.contribution_basis", 3000)           # agrees: no finding
    d = with_(d, "taxpayer.roth.first_contribution_year", 2026)   # 2025's inflow is on record: 2025 at the latest
    d = with_(d, "taxpayer.roth.conversions", [{"year": 2025, "amount": 20000, "taxable": 20000}])
    filled, findings = fill_from_ledger(from_data(d), store)
    tp = filled.taxpayer
    assert tp.ira.prior_basis == 5000 and tp.roth.first_contribution_year == 2026
    assert tp.roth.conversions[0].taxable == 20000
    dis = [f for f in findings if f.code == "LEDGER_DISAGREES"]
    assert [f.field for f in dis] == ["taxpayer.ira.prior_basis", "taxpayer.roth.conversions",
                                      "taxpayer.roth.first_contribution_year"]
    assert all(f.severity == "warning" for f in dis)
    m = dis[0].message
    assert "5,000" in m and "4,660" in m and "2025" in m          # both values, and where the ledger's is from
    assert dis[0].data == {"scenario": "5,000", "ledger": "4,660", "ledger_year": 2025, "ledger_version": 1}
    assert "2026" in dis[2].message and "2025" in dis[2].message
    # a year before the bound agrees with it (the 2025 inflow only says "2025 at the latest")
    _, findings = fill_from_ledger(from_data(with_(year3(), "taxpayer.roth.first_contribution_year", 2023)), store)
    assert "LEDGER_DISAGREES" not in codes(findings)
    # the same numbers spelled differently agree
    _, findings = fill_from_ledger(from_data(with_(year3(), "taxpayer.ira.prior_basis", "4660.00")), store)
    assert "LEDGER_DISAGREES" not in codes(findings)


def test_ever_nondeductible(store):
    committed(store, year1)
    filled, _ = fill_from_ledger(from_data(year2()), store)
    assert filled.taxpayer.ira.ever_nondeductible is True
    _, findings = fill_from_ledger(from_data(with_(year2(), "taxpayer.ira.ever_nondeductible", False)), store)
    assert [f.field for f in findings if f.code == "LEDGER_DISAGREES"] == ["taxpayer.ira.ever_nondeductible"]


def test_gap_warns_and_fills_only_what_no_year_can_change(store):
    committed(store, year1, year2)                     # 2024, 2025; the scenario is 2027
    d = {**year3(), "tax_year": 2027, "forms_1099r": []}
    filled, findings = fill_from_ledger(from_data(d), store)
    gap = [f for f in findings if f.code == "LEDGER_GAP"]
    assert len(gap) == 1 and gap[0].severity == "warning"
    assert "has 2025 but not 2026" in gap[0].message and gap[0].data["missing_years"] == [2026]
    tp = filled.taxpayer
    assert tp.ira.prior_basis is None and tp.roth.contribution_basis is None and tp.roth.conversions == []
    assert tp.ira.ever_nondeductible is True and tp.roth.first_year_at_latest == 2025  # 2025's inflow: a bound


def test_uses_the_current_version(store):
    committed(store, year1)
    store.commit(from_data(with_(year1(), "taxpayer.ira.nondeductible_contributions", 6000)), amend=True)
    filled, _ = fill_from_ledger(from_data(year2()), store)
    assert filled.taxpayer.ira.prior_basis == 6000


def test_a_year_figured_from_a_year_amended_since_is_stale(store):
    """Audit 9: 2024 amended after 2025 was committed from it. 2026 is filled from 2025 as recorded (line 2
    14,660, not the 13,660 a re-commit of 2025 gives), and LEDGER_STALE says so and what to do."""
    committed(store, year1, year2)
    assert "LEDGER_STALE" not in codes(fill_from_ledger(from_data(year3()), store)[1])
    store.commit(from_data(with_(year1(), "taxpayer.ira.nondeductible_contributions", 6000)), amend=True)
    filled, findings = fill_from_ledger(from_data(year3()), store)
    [st] = [f for f in findings if f.code == "LEDGER_STALE"]
    assert st.severity == "warning" and st.field == "taxpayer.ira.prior_basis"
    assert "2025 (version 1) was committed from 2024" in st.message and "now version 2: IRA basis 7,000 -> 6,000" in st.message
    assert st.data["amended_year"] == 2024 and "--amend" in st.fix
    assert filled.taxpayer.ira.prior_basis == 4660
    store.commit(from_data(year2()), amend=True)  # 2025 again, from 2024 as amended
    filled, findings = fill_from_ledger(from_data(year3()), store)
    assert "LEDGER_STALE" not in codes(findings) and filled.taxpayer.ira.prior_basis != 4660


def test_an_amendment_that_hands_on_the_same_facts_is_not_stale(store):
    committed(store, year1, year2)
    store.commit(from_data(with_(year1(), "income.other_taxable_income", 95000)), amend=True)
    assert "LEDGER_STALE" not in codes(fill_from_ledger(from_data(year3()), store)[1])


def test_nothing_to_fill(store):
    d = year2()
    del d["client_id"]
    _, findings = fill_from_ledger(from_data(d), store)
    assert codes(findings) == ["LEDGER_NO_CLIENT_ID"]
    _, findings = fill_from_ledger(from_data(year2()), store)
    assert codes(findings) == ["LEDGER_NO_HISTORY"]
    committed(store, year1)
    filled, findings = fill_from_ledger(from_data(with_(year2(), "client_id", "C-999")), store)
    assert codes(findings) == ["LEDGER_OTHER_CLIENT"] and "C-100" in findings[0].message
    # year1 left 7,000 of basis there, not used under C-999: a warning (audit, session 16)
    assert findings[0].severity == "warning" and "C-100 (2024) holds basis" in findings[0].message
    assert filled.taxpayer.ira.prior_basis is None
    # a later year in the ledger is not "prior"
    filled, findings = fill_from_ledger(from_data({**year1(), "tax_year": 2023}), store)
    assert codes(findings) == ["LEDGER_NO_HISTORY"]


def test_person_client_id_wins_over_the_scenario_one(store):
    committed(store, year1)
    d = with_(with_(year2(), "client_id", "HOUSEHOLD-1"), "taxpayer.client_id", CLIENT)
    filled, _ = fill_from_ledger(from_data(d), store)
    assert filled.taxpayer.ira.prior_basis == 7000


def test_provisional_figures_are_flagged(store):
    facts = CarryFacts(ira_basis=Decimal(0), roth_contribution_basis=Decimal(0), provisional=["ira_basis"])
    store.seed(CLIENT, SSN, 2024, facts)
    _, findings = fill_from_ledger(from_data(year2()), store)
    assert "LEDGER_PROVISIONAL" in codes(findings)


def test_rollover_window():
    # the 12 months from a distribution reach into the year when they end after Jan 1
    assert rollover_dates_reaching([date(2025, 1, 1), date(2025, 1, 2), date(2025, 12, 31), date(2024, 6, 1)],
                                   2026) == [date(2025, 1, 2), date(2025, 12, 31)]
    # a receipt early in the year itself (a December check received in January) bars a rollover until the next
    # January: multi-year audit, session 18 (it was dropped, and a second rollover within 12 months passed)
    assert rollover_dates_reaching([date(2026, 1, 3)], 2026) == [date(2026, 1, 3)]
    assert rollover_dates_reaching([date(2027, 1, 3)], 2026) == []


def test_rollover_dates_given_and_missing_disagree(store):
    committed(store, year1, year2)
    d = with_(year3(), "taxpayer.rollovers_last_12_months", [{"distribution_date": "2025-08-01"}])
    filled, findings = fill_from_ledger(from_data(d), store)
    assert [r.distribution_date for r in filled.taxpayer.rollovers_last_12_months] == [date(2025, 8, 1)]
    dis = [f for f in findings if f.code == "LEDGER_DISAGREES"]
    assert dis and "2025-11-10" in dis[0].message


def test_joint_return_fills_each_spouse(store):
    spouse = {"name": "Lee Rivera", "ssn": "987-65-4321", "birth_date": "1982-02-02",
              "ira": {"nondeductible_contributions": 7000, "prior_basis": 1000, "year_end_value": 9000}}
    store.commit(from_data(base(2024, pat(ira={"nondeductible_contributions": 7000, "prior_basis": 0,
                                                   "year_end_value": 50000}), filing_status="mfj", spouse=spouse)))
    spouse2 = {**spouse, "ira": {"year_end_value": 9500}}
    filled, findings = fill_from_ledger(from_data(base(2025, pat(ira={"year_end_value": 1}), filing_status="mfj",
                                                       spouse=spouse2)), store)
    assert filled.taxpayer.ira.prior_basis == 7000 and filled.spouse.ira.prior_basis == 8000
    assert sorted(f.record for f in findings if f.code == "LEDGER_FILLED") == ["spouse", "taxpayer"]
    assert keys.ssn_key(filled.spouse.ssn) != keys.ssn_key(filled.taxpayer.ssn)


def test_a_url_or_path_works_too(store, ledger_url, tmp_path):
    import pytest
    from taxdocs.ledger.store import LedgerError
    committed(store, year1)
    filled, _ = fill_from_ledger(from_data(year2()), ledger_url)
    assert filled.taxpayer.ira.prior_basis == 7000
    with pytest.raises(LedgerError, match="no ledger at"):
        fill_from_ledger(from_data(year2()), str(tmp_path / "none.db"))
    assert not (tmp_path / "none.db").exists()


def _inheritor(year: int, basis=None, distribution: int = 0) -> dict:
    """Pat with IRAs inherited from John Smith (their own Form 8606, rules.md §4.1); `basis` None: not given."""
    inh = {"decedent": "John Smith", "year_end_value": 300000}
    if basis is not None:
        inh["basis"] = basis
    ira = {"year_end_value": 50000, **({"prior_basis": 0} if year == 2024 else {})}
    forms = [form("inh", distribution, ["4"], f"{year}-06-02", ira=True, box2b_not_determined=True,
                  decedent="John Smith")] if distribution else []
    return base(year, pat(ira=ira, inherited_iras=[inh]), forms)


def test_an_inherited_iras_basis_is_carried_by_decedent(store):
    """Audit 9 (s8): the inherited IRAs' own Form 8606 line 14 was not carried; left out the next year, their
    basis was 0 with no word (4b 32,742 instead of 29,802 in the audit's case)."""
    store.commit(from_data(_inheritor(2024, basis=33333, distribution=30000)))
    [y] = store.current_years(CLIENT, keys.ssn_key(SSN))
    assert list(y.facts.inherited_basis) == ["John Smith"] and 0 < y.facts.inherited_basis["John Smith"] < 33333
    left = y.facts.inherited_basis["John Smith"]
    filled, findings = fill_from_ledger(from_data(_inheritor(2025, distribution=10000)), store)
    assert filled.taxpayer.inherited_iras[0].basis == left
    assert f"basis {left:,} in the IRAs inherited from John Smith" in findings[-1].message
    filled, findings = fill_from_ledger(from_data(_inheritor(2025, basis=left)), store)  # given, agrees: kept, quiet
    assert filled.taxpayer.inherited_iras[0].basis == left and "LEDGER_DISAGREES" not in codes(findings)
    filled, findings = fill_from_ledger(from_data(_inheritor(2025, basis=0)), store)  # given 0: kept, but disagrees
    [dis] = [f for f in findings if f.code == "LEDGER_DISAGREES"]
    assert filled.taxpayer.inherited_iras[0].basis == 0 and dis.field == "taxpayer.inherited_iras[0].basis"
    doc = store.export(CLIENT)  # export / import keep it
    assert doc["people"][0]["years"][0]["facts"]["inherited_basis"] == {"John Smith": str(left)}


def test_inherited_basis_of_a_decedent_no_longer_listed_is_flagged(store):
    """Audit 12: the entry misspelt ("John Smyth") or left out: the recorded basis was dropped with no word."""
    store.commit(from_data(_inheritor(2024, basis=33333, distribution=30000)))
    misspelt = _inheritor(2025)
    misspelt["taxpayer"]["inherited_iras"][0]["decedent"] = "John Smyth"
    _, findings = fill_from_ledger(from_data(misspelt), store)
    [f] = [f for f in findings if f.code == "LEDGER_INHERITED_UNLISTED"]
    assert "John Smith" in f.message and f.severity == "warning" and f.field == "taxpayer.inherited_iras"
    left_out = _inheritor(2025)
    left_out["taxpayer"]["inherited_iras"] = []
    assert "LEDGER_INHERITED_UNLISTED" in codes(fill_from_ledger(from_data(left_out), store)[1])
    assert "LEDGER_INHERITED_UNLISTED" not in codes(fill_from_ledger(from_data(_inheritor(2025)), store)[1])


def test_years_without_inherited_iras_keep_their_facts_hash():
    assert "inherited_basis" not in CarryFacts(Decimal(0), Decimal(0)).as_dict()
