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
    # committed: 3,000 - 3,000 = nothing left (under the name as this year's 1099-R spells it)
    store.commit(from_data(year(2026, inh(2026, 5000, decedent="sam lee"))))
    assert latest(store).inherited_roth == {"sam lee": {"basis": 0, "conversion_basis": 0, "first_year": 2022}}


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
