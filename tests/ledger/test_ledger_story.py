"""The three-year story: every carried figure right with no manual input after year 1.

Year 1 (2024): nondeductible contributions. Year 2 (2025): a partial conversion. Year 3 (2026):
a Roth distribution that reaches the conversion layer. Each year's scenario leaves the prior-year
facts blank; `commit` fills them from the ledger, computes, and records what carries forward.
Arithmetic by hand from rules.md §4.3 (Form 8606 lines), §7.1-7.3 (Roth clocks and ordering),
§6.4 (once per 12 months).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger_scenarios import CLIENT, SSN, year1, year2, year3

from builders import form
from taxdocs.ledger.carry import fill_from_ledger
from taxdocs.ledger.keys import ssn_key
from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute


def D(x) -> Decimal:
    return Decimal(str(x))


def lines_8606(res, who="taxpayer") -> dict:
    pre = f"f8606.{who}.line"
    return {k[len(pre):]: v for k, v in res.lines().items() if k.startswith(pre) and v is not None}


def test_three_year_story(store):
    key = ssn_key(SSN)

    # ---- year 1 (2024): $7,000 nondeductible, no distribution, no conversion ----------------
    rep = store.commit(from_data(year1()), source="year1")
    assert [o.status for o in rep.outcomes] == ["new"]
    y1 = store.current_years(CLIENT, key)[-1].facts
    # line 1 = 7,000; line 2 = 0 (given); line 3 = 7,000; no distributions -> line 14 = line 3 = 7,000
    assert y1.f8606["1"] == 7000 and y1.f8606["2"] == 0 and y1.f8606["3"] == 7000 and y1.f8606["14"] == 7000
    assert y1.ira_basis == D(7000)                       # basis after year 1 = the contributions
    assert y1.roth_contribution_basis == 0 and y1.conversion_layers == [] and y1.roth_first_year is None
    assert y1.year_end_value == D(50000)

    # ---- year 2 (2025): partial conversion, prior basis blank -> from the ledger ----------------
    sc2, found2 = fill_from_ledger(from_data(year2()), store)
    assert sc2.taxpayer.ira.prior_basis == D(7000)       # 2024 line 14
    assert sc2.taxpayer.ira.ever_nondeductible is True   # basis > 0
    assert not [f for f in found2 if f.severity == "warning"]
    l2 = lines_8606(compute(sc2))
    # line 1 = 0; line 2 = 7,000; line 3 = 7,000; line 4 = 0; line 5 = 7,000
    assert (l2["1"], l2["2"], l2["3"], l2["4"], l2["5"]) == (0, 7000, 7000, 0, 7000)
    # line 6 = Dec 31 value 40,000 (the rollover was redeposited in 2025: nothing outstanding)
    # line 7 = 0 (the rollover is not a distribution for line 7); line 8 = 20,000 converted
    # line 9 = 40,000 + 0 + 20,000 = 60,000
    assert (l2["6"], l2["7"], l2["8"], l2["9"]) == (40000, 0, 20000, 60000)
    # line 10 = 7,000 / 60,000 = 0.11666... -> 0.117 (3 places, half up, rules.md §4.4)
    assert l2["10"] == D("0.117")
    # line 11 = 20,000 x 0.117 = 2,340; line 12 = 0 x 0.117 = 0; line 13 = 2,340
    assert (l2["11"], l2["12"], l2["13"]) == (2340, 0, 2340)
    # line 14 = 7,000 - 2,340 = 4,660; line 15c = 0
    assert l2["14"] == 4660 and l2["15c"] == 0
    # Part II: line 16 = 20,000; line 17 = line 11 = 2,340; line 18 = 20,000 - 2,340 = 17,660
    assert (l2["16"], l2["17"], l2["18"]) == (20000, 2340, 17660)
    rep = store.commit(from_data(year2()), source="year2")
    assert [o.status for o in rep.outcomes] == ["new"]
    y2 = store.current_years(CLIENT, key)[-1].facts
    assert y2.ira_basis == D(4660)                       # line 14 -> 2026 line 2
    assert y2.roth_contribution_basis == D(3000)         # 0 before + 3,000 contributed in 2025
    assert y2.conversion_layers == [{"year": 2025, "amount": D(20000), "taxable": D(17660), "distributed": D(0)}]
    assert y2.roth_first_year == 2025                    # first money into a Roth IRA: 2025 (rules.md §7.1) ...
    assert "roth_first_year" in y2.provisional           # ... at the latest: no earlier Roth IRA was ruled out
    assert y2.ira_rollover_dates == [date(2025, 11, 10)]
    assert y2.f8606 == {k: D(v) for k, v in l2.items()}

    # ---- year 3 (2026): $10,000 nonqualified Roth distribution --------------------------------
    sc3, found3 = fill_from_ledger(from_data(year3()), store)
    tp = sc3.taxpayer
    assert tp.ira.prior_basis == D(4660)
    assert tp.roth.contribution_basis == D(3000)
    assert [(c.year, c.amount, c.taxable, c.distributed) for c in tp.roth.conversions] == [(2025, 20000, 17660, 0)]
    assert tp.roth.first_contribution_year is None and tp.roth.first_year_at_latest == 2025  # a bound, not the year
    # 2025-11-10 + 12 months = 2026-11-10 > Jan 1 2026: the once-per-12-months period reaches 2026
    assert [r.distribution_date for r in tp.rollovers_last_12_months] == [date(2025, 11, 10)]
    assert not [f for f in found3 if f.severity == "warning"]
    res3 = compute(sc3)
    # nonqualified: first Roth year 2025, the 5-year period ends Jan 1 2030; age 45 (rules.md §7.1)
    assert res3.forms["roth"].qualified is False
    l3 = lines_8606(res3)
    # Part I not completed (no contribution, no traditional IRA distribution or conversion)
    assert "14" not in l3 and "1" not in l3
    # line 19 = 10,000; line 20 = 0; line 21 = 10,000
    # line 22 = 3,000 (contribution basis from the ledger); line 23 = 10,000 - 3,000 = 7,000
    # line 24 = 20,000 (2025 conversion not yet recovered); line 25a = max(7,000 - 20,000, 0) = 0
    assert (l3["19"], l3["20"], l3["21"], l3["22"], l3["23"], l3["24"], l3["25a"], l3["25c"]) == \
        (10000, 0, 10000, 3000, 7000, 20000, 0, 0)
    # ordering (rules.md §7.3): 3,000 from contributions, then the 2025 layer, taxable part first:
    # 7,000 of its 17,660 taxable part; nothing from earnings
    order = res3.lines()["f8606.taxpayer.roth_ordering"]
    assert order.from_contributions == D(3000)
    assert [(s.year, s.taxable_part, s.nontaxable_part, s.window_open) for s in order.slices] == \
        [(2025, D(7000), D(0), True)]
    assert order.from_earnings == 0
    # 10% recapture: 7,000 from a conversion inside its own 5-year window, under 59½ (rules.md §7.2)
    assert res3.lines()["f5329.taxpayer.line1"] == D(7000)
    assert res3.lines()["f5329.taxpayer.line4"] == D(700)
    assert res3.lines()["f1040.line4b"] == 0           # nothing taxable: 25c = 0
    rep = store.commit(from_data(year3()), source="year3")
    assert [o.status for o in rep.outcomes] == ["new"]
    y3 = store.current_years(CLIENT, key)[-1].facts
    assert y3.ira_basis == D(4660)                      # Part I skipped: basis unchanged (line 2 -> next line 2)
    assert y3.roth_contribution_basis == D(0)           # 3,000 - 3,000 used
    # 2025 layer: 7,000 distributed; left 13,000, taxable left 17,660 - 7,000 = 10,660
    assert y3.conversion_layers == [{"year": 2025, "amount": D(20000), "taxable": D(17660), "distributed": D(7000)}]
    assert y3.roth_first_year == 2025
    assert y3.year_end_value == D(42000)

    # ---- and into 2027: what a fourth year would be given -------------------------------------
    sc4, _ = fill_from_ledger(from_data({**year3(), "tax_year": 2027, "forms_1099r": []}), store)
    assert sc4.taxpayer.ira.prior_basis == D(4660)
    assert sc4.taxpayer.roth.contribution_basis == 0
    assert [(c.year, c.distributed) for c in sc4.taxpayer.roth.conversions] == [(2025, D(7000))]
    assert sc4.taxpayer.rollovers_last_12_months == []  # 2025-11-10 + 12 months < Jan 1 2027

    # history: three years, one version each; committing the same years again changes nothing
    for make, src in ((year1, "year1"), (year2, "year2"), (year3, "year3")):
        assert not store.commit(from_data(make()), source=src).changed
    assert [(y.tax_year, y.version) for y in store.people(CLIENT)[0].years] == [(2024, 1), (2025, 1), (2026, 1)]


def test_carried_rollover_date_blocks_a_second_rollover(store):
    """§6.4: the 2025-11-10 rollover, carried by the ledger, makes a 2026-03-01 60-day IRA rollover
    (within 12 months) fail the once-per-year rule."""
    store.commit(from_data(year1()))
    store.commit(from_data(year2()))
    second = form("roll2", 4000, ["1"], "2026-03-01", ira=True, box2a=4000,
                  uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 4000, "date": "2026-03-20"}])
    sc, _ = fill_from_ledger(from_data(year3([second])), store)
    codes = [e.code for e in compute(sc).events]
    assert "ROLLOVER_ONCE_PER_YEAR" in codes
    # without the ledger the engine would not know of the 2025 rollover
    assert "ROLLOVER_ONCE_PER_YEAR" not in [e.code for e in compute(from_data(year3([second]))).events]


def test_a_rollover_check_received_in_january_bars_one_in_june(store):
    """Multi-year audit (session 18): a 2024-12-28 check received 2025-01-03 and rolled over; the ledger dropped the
    January receipt date, so a June 2025 rollover passed the once-per-12-months rule (IRC §408(d)(3)(B))."""
    first = form("dec", 6000, ["1"], "2024-12-28", ira=True, box2a=6000, date_received="2025-01-03",
                 uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 6000, "date": "2025-02-10"}])
    one = year1()
    one["forms_1099r"] = [first]
    store.commit(from_data(one))
    june = form("june", 5000, ["1"], "2025-06-02", ira=True, box2a=5000,
                uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 5000, "date": "2025-06-30"}])
    two = year2()
    two["forms_1099r"] = [june]
    sc, _ = fill_from_ledger(from_data(two), store)
    assert [r.distribution_date.isoformat() for r in sc.taxpayer.rollovers_last_12_months] == ["2025-01-03"]
    assert "ROLLOVER_ONCE_PER_YEAR" in [e.code for e in compute(sc).events]


def test_a_first_roth_year_after_a_conversion_on_record_says_which_year_counts(store):
    """Multi-year audit (session 18): LEDGER_DISAGREES said "the scenario's value is used" while the engine counted
    the 5 years from the conversion on record (ROTH_FIRST_YEAR_AFTER_CONVERSION: "taxdocs used 2025")."""
    store.commit(from_data(year1()))
    store.commit(from_data(year2()))               # the 2025 conversion
    late = year3()
    late["taxpayer"]["roth"] = {"first_contribution_year": 2026}
    _, findings = fill_from_ledger(from_data(late), store)
    msg = next(f.message for f in findings if f.code == "LEDGER_DISAGREES" and "first Roth" in f.message)
    assert "counts from 2025" in msg and "value is used" not in msg
