"""Inherited Roth IRAs in the ledger: the decedent's basis left after each year's Form 8606 Part III of their own
(i8606 lines 22 and 24) and the decedent's first Roth year carry to the next year's 1099-Rs from that decedent, through
a year with no distribution from them (the 10-year rule spreads a beneficiary's payments over years)."""
from __future__ import annotations

from decimal import Decimal

from builders import form
from ledger_scenarios import CLIENT, SSN, base, pat

from taxdocs.ledger import keys
from taxdocs.ledger.carry import fill_from_ledger
from taxdocs.ledger.store import CarryFacts
from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute

INH = "f8606.taxpayer_inherited_roth_1."


def inh(year: int, box1: int, basis=None, conv=None, first=None, decedent="Sam Lee") -> dict:
    f = form(f"inh-{year}", box1, ("T",), f"{year}-05-01", box2b_not_determined=True, source="inherited_roth_ira",
             decedent=decedent, payer="Custodian A")
    for k, v in (("decedent_roth_basis", basis), ("decedent_roth_conversion_basis", conv),
                 ("decedent_first_roth_year", first)):
        if v is not None:
            f[k] = v
    return f


def year(y: int, *forms) -> dict:
    return base(y, pat(ira={"prior_basis": 0, "year_end_value": 0}), list(forms))


def latest(store) -> CarryFacts:
    return store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts


def test_the_decedents_basis_left_carries_through_a_quiet_year(store):
    # 2024: 7,000 paid; basis 10,000 of which 4,000 conversions: 22 = 6,000, 23 = 1,000, 24 = 4,000, 25a = 0
    res = compute(from_data(year(2024, inh(2024, 7000, basis=10000, conv=4000, first=2022))))
    got = res.lines()
    assert (got[INH + "line22"], got[INH + "line23"], got[INH + "line24"], got[INH + "line25a"]) == (6000, 1000, 4000, 0)
    store.commit(from_data(year(2024, inh(2024, 7000, basis=10000, conv=4000, first=2022))))
    # left: contributions 6,000 - 6,000 = 0; conversions 4,000 - 1,000 = 3,000
    assert latest(store).inherited_roth == {"Sam Lee": {"basis": Decimal(3000), "conversion_basis": Decimal(3000),
                                                        "first_year": 2022}}
    # 2025: nothing from Sam Lee's Roth IRAs; what was left is kept for 2026
    store.commit(from_data(year(2025)))
    assert latest(store).inherited_roth["Sam Lee"]["basis"] == 3000
    # 2026: 5,000 paid, basis and first year left blank: filled (3,000, all conversions; 2022). The owner's 5 years
    # run 2022-2026, so it is still not qualified: 22 = 0, 23 = 5,000, 24 = 3,000, 25a = 2,000 taxable
    sc, found = fill_from_ledger(from_data(year(2026, inh(2026, 5000, decedent="sam lee"))), store)
    f = sc.forms_1099r[0]
    assert (f.decedent_roth_basis, f.decedent_roth_conversion_basis, f.decedent_first_roth_year) == (3000, 3000, 2022)
    assert any(x.code == "LEDGER_FILLED" and "Roth IRAs inherited from Sam Lee" in x.message for x in found)
    got = compute(sc).lines()
    assert (got[INH + "line22"], got[INH + "line23"], got[INH + "line24"], got[INH + "line25a"]) == (0, 5000, 3000, 2000)
    assert got["f1040.line4b"] == 2000
    # committed: 3,000 - 3,000 = nothing left (under the name as the ledger spells it)
    store.commit(from_data(year(2026, inh(2026, 5000, decedent="sam lee"))))
    assert latest(store).inherited_roth == {"Sam Lee": {"basis": 0, "conversion_basis": 0, "first_year": 2022}}


def test_a_basis_given_that_differs_is_kept_and_said(store):
    store.commit(from_data(year(2024, inh(2024, 7000, basis=10000, conv=4000, first=2022))))
    sc, found = fill_from_ledger(from_data(year(2025, inh(2025, 2000, basis=9000, first=2022))), store)
    assert sc.forms_1099r[0].decedent_roth_basis == 9000
    d = [x for x in found if x.code == "LEDGER_DISAGREES"]
    assert len(d) == 1 and d[0].field == "forms_1099r[0].decedent_roth_basis" and "has 3,000" in d[0].message


def test_another_decedent_is_not_filled(store):
    store.commit(from_data(year(2024, inh(2024, 7000, basis=10000, conv=4000, first=2022))))
    sc, _ = fill_from_ledger(from_data(year(2025, inh(2025, 2000, decedent="Alex Lee"))), store)
    assert sc.forms_1099r[0].decedent_roth_basis is None and sc.forms_1099r[0].decedent_first_roth_year is None


def test_a_basis_not_given_is_not_recorded(store):
    """Taken as 0 that year (provisional): not a figure to carry."""
    store.commit(from_data(year(2024, inh(2024, 7000, first=2022))))
    assert latest(store).inherited_roth == {}


def test_export_and_import_keep_it():
    facts = CarryFacts(Decimal(0), Decimal(0), inherited_roth={
        "Sam Lee": {"basis": Decimal(3000), "conversion_basis": Decimal(1000), "first_year": 2022}})
    assert CarryFacts.from_dict(facts.as_dict()).inherited_roth == facts.inherited_roth
    assert "inherited_roth" not in CarryFacts(Decimal(0), Decimal(0)).as_dict()  # older exports hash the same


def test_an_amended_year_reaches_a_quiet_year_committed_again(store):
    """Audit (helper, S6): 2023 amended from a 10,000 to a 6,000 basis; 2024, with no 1099-R from the decedent, must
    take the change when committed again (--amend), or 2026 is figured from the old basis."""
    store.commit(from_data(year(2023, inh(2023, 2000, basis=10000, first=2022))))
    store.commit(from_data(year(2024)))
    store.commit(from_data(year(2025, inh(2025, 3000))))
    store.commit(from_data(year(2023, inh(2023, 2000, basis=6000, first=2022))), amend=True)
    r = store.commit(from_data(year(2024)), amend=True)
    y2024 = next(y for y in store.current_years(CLIENT, keys.ssn_key(SSN)) if y.tax_year == 2024)
    assert r.outcomes[0].status == "amended" and y2024.facts.inherited_roth["Sam Lee"]["basis"] == 4000
    store.commit(from_data(year(2025, inh(2025, 3000))), amend=True)
    sc, _ = fill_from_ledger(from_data(year(2026, inh(2026, 5000))), store)
    got = compute(sc).lines()
    assert (got[INH + "line22"], got[INH + "line23"], got[INH + "line25a"], got["f1040.line4b"]) == (1000, 4000, 4000, 4000)


def two_accounts(y: int, box1: int, basis=(None, None)) -> dict:
    forms = []
    for acct, b in zip(("111-7654", "222-7654"), basis):
        f = form(f"{acct}-{y}", box1, ("T",), f"{y}-05-01", box2b_not_determined=True, source="inherited_roth_ira",
                 payer="Custodian Z", account_number=acct, decedent_first_roth_year=2022)
        if b is not None:
            f["decedent_roth_basis"] = b
        forms.append(f)
    return year(y, *forms)


def test_two_accounts_ending_alike_are_two_names(store):
    """Audit (helper, S8a): no decedent named, two accounts at one payer ending 7654 with 5,000 and 2,000 of basis.
    1,000 from each in 2024 leaves 4,000 and 1,000; 3,000 from each in 2025: 0 and 2,000 taxable."""
    store.commit(from_data(two_accounts(2024, 1000, (5000, 2000))))
    assert sorted(v["basis"] for v in latest(store).inherited_roth.values()) == [1000, 4000]
    sc, _ = fill_from_ledger(from_data(two_accounts(2025, 3000)), store)
    assert compute(sc).lines()["f1040.line4b"] == 2000


def test_a_basis_on_one_of_the_decedents_forms_is_theirs(store):
    """Audit (helper, S8d): the decedent's forms share one basis; given on one of two, it is known (not provisional)
    and carried."""
    d1, d2 = inh(2024, 1000, basis=5000, first=2022), inh(2024, 1000, first=2022)
    d2["id"] = "inh-2024-b"
    res = compute(from_data(year(2024, d1, d2)))
    assert res.lines()[INH + "line22"] == 5000 and res.graph.status(INH + "line22") == "complete"
    store.commit(from_data(year(2024, d1, d2)))
    assert latest(store).inherited_roth["Sam Lee"]["basis"] == 3000


def test_a_year_missing_between_fills_only_the_first_year(store):
    store.commit(from_data(year(2023, inh(2023, 4000, basis=10000, first=2022))))
    sc, found = fill_from_ledger(from_data(year(2025, inh(2025, 2500))), store)
    f = sc.forms_1099r[0]
    assert f.decedent_roth_basis is None and f.decedent_first_roth_year == 2022
    gap = [x for x in found if x.code == "LEDGER_GAP"]
    assert gap and "Roth IRAs inherited from Sam Lee" in gap[0].message


def test_an_inherited_roth_form_the_ledger_cannot_match_is_said(store):
    store.commit(from_data(year(2024, inh(2024, 7000, basis=10000, first=2022))))
    _, found = fill_from_ledger(from_data(year(2025, inh(2025, 2000, decedent="Samuel Lee"))), store)
    w = [x for x in found if x.code == "LEDGER_INHERITED_ROTH_UNMATCHED"]
    assert len(w) == 1 and w[0].severity == "warning" and "Sam Lee" in w[0].message
    # a qualified payment (the owner's 5 years over) needs no basis: nothing to say
    _, found = fill_from_ledger(from_data(year(2025, inh(2025, 2000, decedent="Alex Lee", first=2015))), store)
    assert "LEDGER_INHERITED_ROTH_UNMATCHED" not in [x.code for x in found]


def test_a_first_year_given_that_differs_is_said(store):
    store.commit(from_data(year(2024, inh(2024, 7000, basis=10000, first=2022))))
    sc, found = fill_from_ledger(from_data(year(2025, inh(2025, 2000, first=2019))), store)
    assert sc.forms_1099r[0].decedent_first_roth_year == 2019
    d = [x for x in found if x.code == "LEDGER_DISAGREES"]
    assert len(d) == 1 and d[0].field == "forms_1099r[0].decedent_first_roth_year"


def test_an_export_with_a_carried_basis_imports(store, tmp_path):
    """Second read (session 17): the carried basis was put in the content hash, and import refused the export as
    damaged. The hash is the scenario's again; a quiet year is "unchanged" only if what it carries is too."""
    from taxdocs.ledger.store import open_store
    store.commit(from_data(year(2024, inh(2024, 7000, basis=10000, conv=4000, first=2022))))
    store.commit(from_data(year(2025)))
    doc = store.export()
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        other.import_(doc)
        assert other.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.inherited_roth["Sam Lee"]["basis"] == 3000
    finally:
        other.close()


def test_a_basis_on_one_of_this_years_forms_is_not_overfilled(store):
    """Second read (session 17): the blank one of two forms from the decedent took the ledger's 8,000 while the other
    gave 5,000, and the engine took the larger. Given on one, the basis stands for all; the difference is said."""
    store.commit(from_data(year(2024, inh(2024, 2000, basis=10000, first=2022))))
    a, b = inh(2025, 1000, basis=5000), inh(2025, 1000)
    b["id"] = "inh-2025-b"
    sc, found = fill_from_ledger(from_data(year(2025, a, b)), store)
    assert [f.decedent_roth_basis for f in sc.forms_1099r] == [5000, None]
    assert compute(sc).lines()[INH + "line22"] == 5000
    assert [x.code for x in found].count("LEDGER_DISAGREES") == 1


def test_a_long_payer_name_and_an_ssn_for_account_number(store):
    """Second read (session 18): a 1099-R without `decedent` is kept under payer and account number, which could be
    longer than the new read-time check allowed (the ledger then refused its own year), and an account number that
    is the SSN was stored and exported in full."""
    payer = "Custodian " + "A" * 130
    f = inh(2024, 7000, basis=10000, first=2022)
    del f["decedent"]
    f["payer"] = {"name": payer}
    f["account_number"] = SSN                   # the beneficiary's own SSN as the account number
    store.commit(from_data(year(2024, f)))
    left = latest(store).inherited_roth         # read back (it raised "the ledger is damaged there")
    assert list(left) == [f"{payer} account ***-**-{SSN[-4:]}"]
    text = str(store.export())
    assert SSN not in text and SSN.replace("-", "") not in text
