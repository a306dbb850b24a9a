"""Authoritative examples from ../shared/docs/examples.md as table-driven tests.

Expected figures are the source's (S) or the rule base's derivation (D) named in each row,
never the program's own output.
"""

import pytest

from builders import D, assert_example, form, lines, person, run, scenario

P = "f8606.taxpayer."


def ira_dist(amount, year, code="7", **kw):
    return form("ira", amount, [code], f"{year}-06-01", ira=True, box2a=amount, box2b_not_determined=True, **kw)


def conversion(amount, year, code="7"):
    return form("conv", amount, [code], f"{year}-06-01", ira=True, box2a=amount,
                uses=[{"kind": "conversion", "to": "roth_ira", "amount": amount}])


CASES = {
    # EX-02 Bill King (Pub. 590-B filled-in 8606, A1): lines 1-13 (S), 14/15 (D)
    "EX-02": (scenario(2015, [ira_dist(600, 2015)], taxpayer=person(birth="1950-01-01",
              ira={"prior_basis": 2000, "year_end_value": 1800})),
              {P + "line1": 0, P + "line2": 2000, P + "line3": 2000, P + "line4": 0, P + "line5": 2000,
               P + "line6": 1800, P + "line7": 600, P + "line9": 2400, P + "line10": D("0.833"), P + "line12": 500,
               P + "line13": 500, P + "line14": 1500, P + "line15a": 100, P + "line15c": 100,
               "f1040.line4a": 600, "f1040.line4b": 100}),
    # EX-03 Margaret Maple (IRS taxmap 2007, A1): lines 3, 5, 9 (S); 10-15a (D)
    "EX-03": (scenario(2007, [ira_dist(30000, 2007)], taxpayer=person(birth="1940-01-01",
              ira={"prior_basis": 10000, "year_end_value": 50000})),
              {P + "line3": 10000, P + "line5": 10000, P + "line9": 80000, P + "line10": D("0.125"),
               P + "line12": 3750, P + "line13": 3750, P + "line14": 6250, P + "line15a": 26250, P + "line15c": 26250}),
    # EX-06 Ted (Choate, A2): return of basis 4,000, income 46,000, remaining basis 36,000 (S)
    "EX-06": (scenario(2025, [conversion(50000, 2025)], taxpayer=person(birth="1955-01-01",
              ira={"prior_basis": 40000, "year_end_value": 450000})),
              {P + "line2": 40000, P + "line6": 450000, P + "line7": 0, P + "line8": 50000, P + "line9": 500000,
               P + "line10": D("0.080"), P + "line11": 4000, P + "line13": 4000, P + "line14": 36000,
               P + "line16": 50000, P + "line17": 4000, P + "line18": 46000,
               "f1040.line4a": 50000, "f1040.line4b": 46000}),
    # EX-08 Teddy (Slott, A2): 7% after-tax / 93% pre-tax (S); dollar lines (D)
    "EX-08": (scenario(2021, [conversion(7000, 2021)], taxpayer=person(birth="1961-01-01",
              ira={"nondeductible_contributions": 7000, "year_end_value": 93000})),
              {P + "line1": 7000, P + "line2": 0, P + "line3": 7000, P + "line6": 93000, P + "line8": 7000,
               P + "line9": 100000, P + "line10": D("0.070"), P + "line11": 490, P + "line14": 6510,
               P + "line16": 7000, P + "line17": 490, P + "line18": 6510, "f1040.line4a": 7000, "f1040.line4b": 6510}),
    # EX-12 Justin (Pub. 590-B, A1): taxable 0 (S); Part III lines (D)
    "EX-12": (scenario(2020, [form("roth", 7000, ["T"], "2020-11-08")],
              taxpayer=person(birth="1960-01-01", roth={
                  "first_contribution_year": 2016, "contribution_basis": 0, "contributions_this_year": 5000,
                  "conversions": [{"year": 2016, "amount": 80000, "taxable": 60000}]})),
              {P + "line19": 7000, P + "line20": 0, P + "line21": 7000, P + "line22": 5000, P + "line23": 2000,
               P + "line24": 80000, P + "line25a": 0, P + "line25c": 0, "f1040.line4a": 7000, "f1040.line4b": 0,
               "f1040.schedule2_line8": 0}),
    # EX-15 (IRS after-tax page, A1): 40,000 pre-tax + 10,000 after-tax (S); 5a/5b (D)
    "EX-15": (scenario(2025, [form("cash", 50000, ["7"], "2025-04-01", box4=8000,
                                   plan_account={"balance": 100000, "after_tax": 20000})],
                       taxpayer=person(birth="1960-01-01")),
              {"f1040.line5a": 50000, "f1040.line5b": 40000, "f1040.line25b": 8000}),
    # EX-16 (IRS, A1): three destinations, taxable 0 (D)
    "EX-16": (scenario(2025, [form("split", 100000, ["G"], "2025-04-01", box2a=0, box5=20000, uses=[
        {"kind": "direct_rollover", "to": "traditional_ira", "amount": 80000},
        {"kind": "direct_rollover", "to": "roth_ira", "amount": 10000},
        {"kind": "cash", "amount": 10000}])], taxpayer=person(birth="1960-01-01")),
              {"f1040.line5a": 100000, "f1040.line5b": 0, "f1040.line5c": ["Rollover"],
               "taxpayer.roth.plan_rollovers": 10000, "taxpayer.roth.plan_rollovers_taxable": 0}),
    # EX-19 Jordan case 1 (IRS FAQ, A1): 2,000 taxable, 10% on it (S)
    "EX-19-1": (scenario(2025, [form("p", 10000, ["1"], "2025-03-01", box2a=10000, box4=2000, uses=[
        {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 8000, "date": "2025-04-20"}])],
                         taxpayer=person(birth="1983-01-01")),
                {"f1040.line5a": 10000, "f1040.line5b": 2000, "f1040.line25b": 2000,
                 "f1040.schedule2_line8": 200, "f5329.taxpayer.line1": 2000, "f5329.taxpayer.line4": 200}),
    # EX-19 Jordan case 2: rolls over the full 10,000 (S)
    "EX-19-2": (scenario(2025, [form("p", 10000, ["1"], "2025-03-01", box2a=10000, box4=2000, uses=[
        {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": "2025-04-20"}])],
                         taxpayer=person(birth="1983-01-01")),
                {"f1040.line5a": 10000, "f1040.line5b": 0, "f1040.line25b": 2000, "f1040.schedule2_line8": 0}),
    # EX-22 seed 000: whole-balance split, no taxable event (S)
    "EX-22": (scenario(2025, [
        form("g1", 360000, ["G"], "2025-05-01", box2a=0, uses=[{"kind": "direct_rollover", "to": "traditional_ira", "amount": 360000}]),
        form("g2", 120000, ["G"], "2025-05-01", box2a=0, box5=120000,
             uses=[{"kind": "direct_rollover", "to": "roth_ira", "amount": 120000}])], taxpayer=person(birth="1962-01-01")),
              {"f1040.line5a": 480000, "f1040.line5b": 0, "taxpayer.roth.plan_rollovers": 120000,
               "taxpayer.roth.plan_rollovers_taxable": 0}),
    # EX-23 A (seed 001): 8,000 pre-tax to a traditional IRA, 2,000 after-tax to a Roth IRA, no tax (S)
    "EX-23-A": (scenario(2025, [form("d", 10000, ["G"], "2025-05-01", box2a=0, box5=2000, uses=[
        {"kind": "direct_rollover", "to": "traditional_ira", "amount": 8000},
        {"kind": "direct_rollover", "to": "roth_ira", "amount": 2000}])], taxpayer=person(birth="1970-01-01")),
                {"f1040.line5b": 0, "taxpayer.roth.plan_rollovers_taxable": 0}),
    # EX-23 B disallowed structure (D): Roth gets 16,000 pre-tax; cash 24,000 = 8,000 pre-tax + 16,000 after-tax
    "EX-23-B-bad": (scenario(2025, [form("d", 40000, ["1"], "2025-05-01", box4=1600,
                                         plan_account={"balance": 100000, "after_tax": 40000}, uses=[
        {"kind": "direct_rollover", "to": "roth_ira", "amount": 16000}])], taxpayer=person(birth="1980-01-01")),
                    {"f1040.line5a": 40000, "f1040.line5b": 24000, "taxpayer.roth.plan_rollovers_taxable": 16000,
                     "f5329.taxpayer.line1": 8000, "f5329.taxpayer.line4": 800}),
    # EX-23 B allowed structure (S): 24,000 pre-tax to traditional IRA, 16,000 to Roth IRA: tax-free
    "EX-23-B-ok": (scenario(2025, [form("d", 40000, ["G"], "2025-05-01", box2a=0,
                                        plan_account={"balance": 100000, "after_tax": 40000}, uses=[
        {"kind": "direct_rollover", "to": "traditional_ira", "amount": 24000},
        {"kind": "direct_rollover", "to": "roth_ira", "amount": 16000}])], taxpayer=person(birth="1980-01-01")),
                   {"f1040.line5b": 0, "taxpayer.roth.plan_rollovers": 16000, "taxpayer.roth.plan_rollovers_taxable": 0}),
    # EX-24 A (D): 2026 single, other taxable income 120,000, 50,000 pre-tax converted: tax +12,000
    "EX-24-A": (scenario(2026, [form("c", 50000, ["G"], "2026-03-01", box2a=50000,
                                     uses=[{"kind": "direct_rollover", "to": "roth_ira", "amount": 50000}])],
                         taxpayer=person(birth="1970-01-01"), income=120000),
                {"f1040.line5b": 50000, "tax.difference": 12000, "f1040.schedule2_line8": 0}),
    # EX-24 B (S): 80% of a 25,000 conversion from an 80/20 401(k) is taxable
    "EX-24-B": (scenario(2025, [form("c", 25000, ["G"], "2025-03-01", box2a=20000, box5=5000,
                                     uses=[{"kind": "direct_rollover", "to": "roth_ira", "amount": 25000}])],
                         taxpayer=person(birth="1970-01-01")),
                {"f1040.line5a": 25000, "f1040.line5b": 20000, "taxpayer.roth.plan_rollovers": 25000}),
    # EX-25 C (S/D): 50,000 requested, 10,000 withheld, 40,000 redeposited to a Roth IRA; income 50,000
    "EX-25-C": (scenario(2025, [form("w", 50000, ["1"], "2025-02-01", box2a=50000, box4=10000, uses=[
        {"kind": "indirect_rollover", "to": "roth_ira", "amount": 40000, "date": "2025-03-15"}])],
                         taxpayer=person(birth="1980-01-01")),
                {"f1040.line5a": 50000, "f1040.line5b": 50000, "f1040.line25b": 10000, "f5329.taxpayer.line4": 1000}),
    # EX-26 seed 004 (S/D): Roth 401(k) to a new Roth IRA at 57, nonqualified: 207,000 becomes regular basis
    "EX-26": (scenario(2025, [form("h", 326000, ["H"], "2025-02-10", box2a=0, box5=207000, box11=2015)],
                       taxpayer=person(birth="1968-01-01")),
              {"f1040.line5a": 326000, "f1040.line5b": 0, "f1040.line5c": ["Rollover"],
               "taxpayer.roth.drac_basis_rolled_in": 207000, "taxpayer.roth.first_year": 2025,
               "f8606.taxpayer.required": False}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_example(name):
    data, expected = CASES[name]
    assert_example(name, run(data), expected)


def test_ex12_ordering_reaches_2016_taxable_layer():
    res = run(CASES["EX-12"][0])
    order = res.graph["f8606.taxpayer.roth_ordering"]
    assert order.from_contributions == 5000
    assert [(s.year, s.taxable_part, s.nontaxable_part) for s in order.slices] == [(2016, 2000, 0)]
    assert order.recapture_base == 2000 and res.graph["f5329.taxpayer.line1"] == 0  # 60 years old: no 10%


def test_ex02_rounding_order():
    # round line 10 to 3 places, multiply, then round to dollars: 600 x .833 = 499.8 -> 500 (EX-02 test note)
    assert lines(CASES["EX-02"][0])[P + "line12"] == 500
