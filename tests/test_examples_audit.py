"""Further authoritative examples, found by two audits of the engine (Pub. 590-A/590-B, i8606, i5329,
Notice 2014-54 and Pub. 575 material, regulations and IRS notices), table-driven like test_examples.py.

Each row names its source and marks the source's own figures (S) and figures derived from a rule the
source states (D); never the program's own output. Rows that failed before this file was added: the
QCD above the pre-tax money (P590B-JEFF), returned-contribution earnings before SECURE 2.0 §333
(VITA-2017-MARIA, test_returned_contribution_earnings_before_secure2), exceptions per account and the
09 lifetime limit (AUD-09, -10, -11, test_homebuyer_limit_counts_prior_use), code S rolled to a
non-SIMPLE IRA (AUD-12), Form 8606 line 20 before the 5-year period (AUD-13) and line 20 on Form 5329
(AUD-14).
"""
from decimal import Decimal

import pytest

from builders import assert_example, form, person, run, scenario

P = "f8606.taxpayer."
F = "f5329.taxpayer."
F5 = F


def roth_ira(amount, paid, code="J"):
    return form("roth", amount, [code], paid)


CASES = {
    # Pub. 590-B Worksheet 1-1 "Rose Green"; filled-in Form 8606 (2019) https://www.irs.gov/media/168096 and page 2
    # (2018) https://www.irs.gov/media/168101. Lines 1-5, 13-18 (S); year-end value 20,000 and the 1,500/500
    # deductible split are the Pub. text's inputs (K; consistent with ws line 7 = 2,300 / 25,000 = .092).
    "P590B-ROSE-GREEN": (
        scenario(2019, [form("conv", 5000, ["2"], "2019-06-01", ira=True, box2a=5000, box2b_not_determined=True,
                             uses=[{"kind": "conversion", "to": "roth_ira", "amount": 5000}])],
                 taxpayer=person(birth="1975-01-01", ira={"prior_basis": 300, "deductible_contributions": 1500,
                                                         "nondeductible_contributions": 500, "year_end_value": 20000})),
        {P + "line1": 500, P + "line2": 300, P + "line3": 800, P + "line4": 0, P + "line5": 800, P + "line13": 460,
         P + "line14": 340, P + "line15c": 0, P + "line16": 5000, P + "line17": 460, P + "line18": 4540,
         "ws11.taxpayer.line7": Decimal("0.092"), "f1040.line4b": 4540}),
    # i8606 (2010) p.4, Recharacterizations example: 4,000 Roth contribution + 200 earnings moved to a traditional
    # IRA in 2010, deducted: "You are not required to file Form 8606"; amount transferred on 1040 line 15a (S); 4b 0 (D)
    "I8606-2010-RECHAR-CONTRIB": (
        scenario(2010, [form("rc", 4200, ["N"], "2010-12-29", box2a=0)],
                 taxpayer=person(birth="1970-01-01", ira={"deductible_contributions": 4000, "prior_basis": 0,
                                                         "year_end_value": 4200})),
        {"f1040.line4a": 4200, "f1040.line4b": 0, P + "required": False}),
    # IRS VITA Link & Learn 2017, Case Study 4 "Maria" https://apps.irs.gov/app/vita/content/17s/17_05_095.jsp:
    # 1,000 excess + 50 earnings withdrawn by the due date, age 35: 50 in income, additional tax 5 (S).
    "VITA-2017-MARIA": (
        scenario(2017, [form("ret", 1050, ["1", "8"], "2017-12-01", ira=True, box2a=50)],
                 taxpayer=person(birth="1982-01-01", ira={"prior_basis": 0})),
        {"f1040.line4a": 1050, "f1040.line4b": 50, F5 + "line1": 50, F5 + "line4": 5, "f1040.schedule2_line8": 5}),
    # Same facts in 2025: SECURE 2.0 §333 removed the 10% on the earnings (i8606 2023 What's New) (D)
    "VITA-MARIA-AS-2025": (
        scenario(2025, [form("ret", 1050, ["1", "8"], "2025-12-01", ira=True, box2a=50)],
                 taxpayer=person(birth="1990-01-01", ira={"prior_basis": 0})),
        {"f1040.line4b": 50, F5 + "line4": 0}),
    # Pub. 590-A (2021) "John": IRA-1 -> IRA-2 on Jan 1 2021; "John can't roll over any other 2021 IRA
    # distribution ... This wouldn't apply to a conversion." (S). Amounts are illustrative (D).
    "P590A-2021-JOHN": (
        scenario(2021, [
            form("ira1", 10000, ["7"], "2021-01-01", ira=True, box2a=10000, box2b_not_determined=True,
                 uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": "2021-01-01"}]),
            form("ira3", 5000, ["7"], "2021-06-01", ira=True, box2a=5000, box2b_not_determined=True,
                 uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 5000, "date": "2021-06-10"}])],
            taxpayer=person(birth="1955-01-01", ira={"prior_basis": 0, "year_end_value": 100000})),
        {"f1040.line4a": 15000, "f1040.line4b": 5000, "events": ["ROLLOVER_ONCE_PER_YEAR"]}),
    "P590A-2021-JOHN-CONVERSION": (
        scenario(2021, [
            form("ira1", 10000, ["7"], "2021-01-01", ira=True, box2a=10000, box2b_not_determined=True,
                 uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": "2021-01-01"}]),
            form("ira3", 5000, ["7"], "2021-06-01", ira=True, box2a=5000, box2b_not_determined=True,
                 uses=[{"kind": "indirect_rollover", "to": "roth_ira", "amount": 5000, "date": "2021-06-10"}])],
            taxpayer=person(birth="1955-01-01", ira={"prior_basis": 0, "year_end_value": 100000})),
        {P + "line16": 5000, P + "line18": 5000, "f1040.line4b": 5000, "events": []}),
    # Pub. 590-B QCD rule: "The amount of the QCD is limited to the amount of the distribution that would otherwise
    # be included in income. If your IRA includes nondeductible contributions, the distribution is first considered
    # to be paid out of otherwise taxable income." (S, rule). Facts of the Pub. 590-B "Jeff" example (K): age 75,
    # 25,000 paid to charity from an IRA of 30,000 = 20,000 pre-tax + 10,000 basis; QCD 20,000; 5,000 on
    # Form 8606 line 7; 4b 0; Form 8606 required. Lines 6-14 (D).
    "P590B-JEFF-QCD-WITH-BASIS": (
        scenario(2025, [form("qcd", 25000, ["Y", "7"], "2025-11-01", ira=True, box2a=25000, box2b_not_determined=True,
                             uses=[{"kind": "qcd", "amount": 25000}])],
                 taxpayer=person(birth="1950-01-01", ira={"prior_basis": 10000, "year_end_value": 5000})),
        {"f1040.line4a": 25000, "f1040.line4b": 0, P + "required": True, P + "line6": 5000, P + "line7": 5000,
         P + "line10": Decimal("1.000"), P + "line12": 5000, P + "line13": 5000, P + "line14": 5000, P + "line15c": 0}),
    # i5329 (2017) line 1 Example (formsbank i5329 2017 p.3): conversions 2013 (17: 5,000 / 18: 15,000) and 2014
    # (3,000 / 7,000); Roth contributions 2,000 for 2013 and 2014; 33,000 distributed July 9 2017 at 53.
    # 8606: 19 = 33,000; 23 = 29,000; 25a = 0 (S); allocation 4,000 / 15,000 / 5,000 / 7,000 (S);
    # recapture on 5329 line 1 = 15,000 + 7,000 = 22,000 (D: the sentence is cut in the stored copy); tax 2,200 (D)
    "I5329-2017-RECAPTURE": (
        scenario(2017, [roth_ira(33000, "2017-07-09")],
                 taxpayer=person(birth="1964-01-01", roth={
                     "first_contribution_year": 2013, "contribution_basis": 4000, "contributions_this_year": 0,
                     "conversions": [{"year": 2013, "amount": 20000, "taxable": 15000},
                                     {"year": 2014, "amount": 10000, "taxable": 7000}]})),
        {P + "line19": 33000, P + "line22": 4000, P + "line23": 29000, P + "line24": 30000, P + "line25a": 0,
         P + "line25c": 0, "f1040.line4b": 0, F5 + "line1": 22000, F5 + "line4": 2200}),
    # i5329 (2016) same example one year earlier (formsbank i5329 2016 p.3) (S/D as above)
    "I5329-2016-RECAPTURE": (
        scenario(2016, [roth_ira(33000, "2016-07-09")],
                 taxpayer=person(birth="1963-01-01", roth={
                     "first_contribution_year": 2012, "contribution_basis": 4000, "contributions_this_year": 0,
                     "conversions": [{"year": 2012, "amount": 20000, "taxable": 15000},
                                     {"year": 2013, "amount": 10000, "taxable": 7000}]})),
        {P + "line23": 29000, P + "line25a": 0, F5 + "line1": 22000, F5 + "line4": 2200}),
    # Pub. 590-B Justin/Amelia facts with the owner aged 50 (D): 2,000 from the 2016 conversion's taxable layer
    # inside its 5-year window -> 10% = 200; a year later (2021) the window is closed -> 0.
    "P590B-JUSTIN-AT-50": (
        scenario(2020, [roth_ira(7000, "2020-11-08")], taxpayer=person(birth="1970-01-01", roth={
            "first_contribution_year": 2016, "contribution_basis": 0, "contributions_this_year": 5000,
            "conversions": [{"year": 2016, "amount": 80000, "taxable": 60000}]})),
        {P + "line23": 2000, P + "line25c": 0, F5 + "line1": 2000, F5 + "line4": 200}),
    "P590B-JUSTIN-AT-50-2021": (
        scenario(2021, [roth_ira(7000, "2021-11-08")], taxpayer=person(birth="1971-01-01", roth={
            "first_contribution_year": 2016, "contribution_basis": 0, "contributions_this_year": 5000,
            "conversions": [{"year": 2016, "amount": 80000, "taxable": 60000}]})),
        {P + "line25c": 0, F5 + "line1": 0, F5 + "line4": 0}),

    # AUD-01 Reg. §1.402A-1 A-5 Example (Employee B): nonqualified DRAC distribution 14,000 = 11,000 basis
    # + 3,000 income; 7,000 rolled to a Roth IRA in 60 days = 3,000 income + 4,000 basis; nothing
    # includible (S). Roth IRA regular-contribution basis +4,000 (D: Reg. §1.408A-10 A-3).
    "AUD-01": (scenario(2025, [form("b", 14000, ["B", "1"], "2025-03-01", box2a=3000, box5=11000, box11=2022, uses=[
        {"kind": "indirect_rollover", "to": "roth_ira", "amount": 7000, "date": "2025-04-15"}])],
        taxpayer=person(birth="1980-01-01")),
        {"f1040.line5a": 14000, "f1040.line5b": 0, "taxpayer.roth.drac_basis_rolled_in": 4000,
         F + "line4": 0}),
    # AUD-02 Prop. Reg. §402A preamble (Tax Facts 3781): nonqualified 5,000 from 9,400 contributions +
    # 600 earnings = 4,700 basis + 300 includible (S); 10% on 300 at 45 (D).
    "AUD-02": (scenario(2025, [form("b", 5000, ["B", "1"], "2025-03-01", box11=2022,
                                    plan_account={"balance": 10000, "after_tax": 9400})],
                        taxpayer=person(birth="1980-01-01")),
               {"f1040.line5b": 300, F + "line1": 300, F + "line4": 30}),
    # AUD-03 IRS safe-harbor §402(f) explanation (Notice 2018-74/2020-62 App. A): 12,000 with 2,000 after-tax;
    # 10,000 directly rolled to a traditional IRA, rest paid: "no amount is taxable" (S).
    "AUD-03a": (scenario(2025, [form("a", 12000, ["G"], "2025-03-01", box5=2000, uses=[
        {"kind": "direct_rollover", "to": "traditional_ira", "amount": 10000}])], taxpayer=person(birth="1980-01-01")),
                {"f1040.line5a": 12000, "f1040.line5b": 0, F + "line4": 0}),
    # AUD-03b same explanation: paid to you, 10,000 rolled in 60 days: "no amount is taxable" (S).
    "AUD-03b": (scenario(2025, [form("b", 12000, ["1"], "2025-03-01", box2a=10000, box5=2000, box4=2000, uses=[
        {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": "2025-04-15"}])],
        taxpayer=person(birth="1980-01-01")),
                {"f1040.line5b": 0, "f1040.line25b": 2000, F + "line4": 0}),
    # AUD-04 Pub. 590-B Rose Green filled-in Form 8606 (irs.gov/media/168096, 168101): lines 1-5, 13-18 (S);
    # inputs year-end value 20,000 and 2,000 total contributions derived from the figures (D).
    "AUD-04": (scenario(2019, [form("c", 5000, ["7"], "2019-06-01", ira=True, box2a=5000, uses=[
        {"kind": "conversion", "to": "roth_ira", "amount": 5000}])], taxpayer=person(birth="1950-01-01", ira={
            "prior_basis": 300, "nondeductible_contributions": 500, "deductible_contributions": 1500,
            "year_end_value": 20000})),
               {P + "line1": 500, P + "line2": 300, P + "line3": 800, P + "line4": 0, P + "line5": 800,
                P + "line13": 460, P + "line14": 340, P + "line15c": 0, P + "line16": 5000, P + "line17": 460,
                P + "line18": 4540}),
    # AUD-05 i8606 (2016) "Return of IRA contributions" example: 1,073 withdrawn (1,000 + 73 earnings), no
    # Form 8606; 1,073 on line 4a (15a then), 73 on 4b (S). No 10% after SECURE 2.0 §333 (i8606 2023 What's New).
    "AUD-05": (scenario(2025, [form("r", 1073, ["8"], "2025-12-01", ira=True, box2a=73)],
                        taxpayer=person(birth="1990-01-01", ira={"deductible_contributions": 3000, "year_end_value": 3300})),
               {"f1040.line4a": 1073, "f1040.line4b": 73, P + "required": False, F + "line4": 0}),
    # AUD-06 i5329 (2016) line 1 recapture example: 2012 conversion 20,000 (L17 5,000 / L18 15,000), 2013
    # 10,000 (3,000 / 7,000), contributions 4,000; 33,000 taken 7/9/2016 at 53. 8606 L19 33,000, L23 29,000,
    # L25 0; allocation 4,000 / 15,000 / 5,000 / 7,000 (S). Line 1 = 15,000 + 7,000 = 22,000 (D from the
    # stated allocation and rule: the taxable parts within their 5-year periods).
    "AUD-06": (scenario(2016, [form("r", 33000, ["J"], "2016-07-09")], taxpayer=person(birth="1963-01-01", roth={
        "first_contribution_year": 2012, "contribution_basis": 4000, "contributions_this_year": 0,
        "conversions": [{"year": 2012, "amount": 20000, "taxable": 15000},
                        {"year": 2013, "amount": 10000, "taxable": 7000}]})),
               {P + "line19": 33000, P + "line22": 4000, P + "line23": 29000, P + "line24": 30000,
                P + "line25a": 0, "f1040.line4b": 0, F + "line1": 22000, F + "line4": 2200}),
    # AUD-07 Notice 2010-84 Q&A-12: 6,000 allocable to an in-plan Roth rollover within 5 years -> $600 (S).
    "AUD-07": (scenario(2025, [form("r", 6000, ["B", "1"], "2025-03-01", box2a=0, box5=6000, box10=6000, box11=2023)],
                        taxpayer=person(birth="1985-01-01")),
               {"f1040.line5b": 0, F + "line1": 6000, F + "line4": 600}),
    # AUD-08 Notice 2014-54 §III (60-day, several destinations) / Choate "Myron": 150,000 paid, 100,000
    # taxable, 20,000 withheld, 100,000 rolled in 60 days: nothing taxable (S).
    "AUD-08": (scenario(2025, [form("m", 150000, ["1"], "2025-03-01", box2a=100000, box5=50000, box4=20000, uses=[
        {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 100000, "date": "2025-04-20"}])],
        taxpayer=person(birth="1975-01-01")),
               {"f1040.line5b": 0, F + "line4": 0}),
    # AUD-09 i5329 exception 09 "IRA distributions made for purchase of a first home, up to $10,000";
    # Pub. 590-B: "total qualifying distributions can't be more than $10,000" (S). 18,000 taken:
    # 8,000 subject to the 10% -> 800 (S, martyqualls A3 worked figure; D from the $10,000 rule).
    "AUD-09": (scenario(2025, [form("i", 18000, ["1"], "2025-03-01", ira=True, box2a=18000,
                                    exceptions=[{"number": "09"}])],
                        taxpayer=person(birth="1985-01-01", ira={"year_end_value": 50000})),
               {F + "line1": 18000, F + "line2": 10000, F + "line3": 8000, F + "line4": 800}),
    # AUD-10 i5329 exception 09 is for "IRA distributions": not a 401(k) (S). 10% on 20,000 (D).
    "AUD-10": (scenario(2025, [form("p", 20000, ["1"], "2025-03-01", box2a=20000, box4=4000,
                                    exceptions=[{"number": "09"}])], taxpayer=person(birth="1985-01-01")),
               {F + "line1": 20000, F + "line2": 0, F + "line4": 2000}),
    # AUD-11 i5329 exception 01 "Qualified retirement plan distributions (doesn't apply to IRAs) ... after
    # separation from service ... in or after the year you reach age 55" (S). IRA at 56: 10% applies (D).
    "AUD-11": (scenario(2025, [form("i", 20000, ["1"], "2025-03-01", ira=True, box2a=20000,
                                    exceptions=[{"number": "01"}])],
                        taxpayer=person(birth="1969-01-01", separated_from_service_year=2025,
                                        ira={"year_end_value": 50000})),
               {F + "line2": 0, F + "line4": 2000}),
    # AUD-11b same facts from a 401(k): exception 01 applies automatically (S: i5329 01).
    "AUD-11b": (scenario(2025, [form("p", 20000, ["1"], "2025-03-01", box2a=20000)],
                         taxpayer=person(birth="1969-01-01", separated_from_service_year=2025)),
                {F + "line2": 20000, F + "line2_exception": "01", F + "line4": 0}),
    # AUD-12 Notice 98-4 Q&A I-3 / IRC §408(d)(3)(G): a SIMPLE IRA distribution in the 2-year period is a
    # rollover "only if the distribution is paid into another SIMPLE IRA" (S). Code S rolled to a traditional
    # IRA: taxable 10,000 and 25% = 2,500 (D).
    "AUD-12": (scenario(2025, [form("s", 10000, ["S"], "2025-03-01", ira=True, box2a=10000, uses=[
        {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": "2025-03-20"}])],
        taxpayer=person(birth="1985-01-01", ira={"year_end_value": 20000})),
               {"f1040.line4b": 10000, F + "line1": 10000, F + "line4": 2500}),
    # AUD-13 IRC §408A(d)(2)(A)(iv), (d)(5): a first-home Roth distribution is tax-free only after the
    # 5-year period; before it, line 20 stays 0 and earnings are taxable (exception 09 still stops the 10%)
    # (D from the statute; irahelp/fairmark A3: line 20 "only ... if the Roth has met the 5 year holding
    # period").
    "AUD-13": (scenario(2025, [form("r", 15000, ["J"], "2025-05-01", exceptions=[{"number": "09", "amount": 10000}])],
                        taxpayer=person(birth="1990-01-01", roth={"first_contribution_year": 2022,
                                                                  "contribution_basis": 5000,
                                                                  "homebuyer_expenses": 15000})),
               {P + "line19": 15000, P + "line20": 0, P + "line21": 15000, P + "line22": 5000, P + "line23": 10000,
                P + "line25c": 10000, "f1040.line4b": 10000, F + "line1": 10000, F + "line2": 10000, F + "line4": 0}),
    # AUD-14 i5329 (2016) line 1: "You will also need to include on line 1 ... A qualified first-time
    # homebuyer distribution from line 20 of your ... Form 8606. Also include this amount on line 2 and
    # enter exception number 09" (S). 5-year period met, age 35.
    "AUD-14": (scenario(2025, [form("r", 15000, ["J"], "2025-05-01")],
                        taxpayer=person(birth="1990-01-01", roth={"first_contribution_year": 2015,
                                                                  "contribution_basis": 5000,
                                                                  "homebuyer_expenses": 15000})),
               {P + "line20": 10000, P + "line25c": 0, F + "line1": 10000, F + "line2": 10000,
                F + "line2_exception": "09", F + "line4": 0}),
    # AUD-15 Ascensus 2022-11-16 (A2): qualified DRAC distribution rolled to a Roth IRA opened 2019: "the
    # entire amount ... treated as Roth IRA contributions (basis)"; the Roth IRA clock stays 2019 (S).
    "AUD-15": (scenario(2022, [form("h", 100000, ["H"], "2022-03-01", box2a=0, box5=60000, box11=2010)],
                        taxpayer=person(birth="1960-01-01", roth={"first_contribution_year": 2019, "contribution_basis": 6000})),
               {"f1040.line5b": 0, "taxpayer.roth.drac_basis_rolled_in": 100000, "taxpayer.roth.first_year": 2019}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_example(name):
    data, expected = CASES[name]
    assert_example(name, run(data), expected)


def test_i5329_2017_ordering_detail():
    # i5329 (2017): "First, $4,000 ... line 22; then $15,000 to your 2013 Form 8606, line 18; $5,000 to your
    # 2013 Form 8606, line 17; and $7,000 to your 2014 Form 8606, line 18" (S)
    o = run(CASES["I5329-2017-RECAPTURE"][0]).graph[P + "roth_ordering"]
    assert o.from_contributions == 4000
    assert [(s.year, s.taxable_part, s.nontaxable_part) for s in o.slices] == [(2013, 15000, 5000), (2014, 7000, 2000)]
    assert o.recapture_base == 22000


def test_homebuyer_limit_counts_prior_use():
    # Pub. 590-B: "When added to all your prior qualified first-time homebuyer distributions ... can't be
    # more than $10,000" (S). 6,000 used earlier (recorded as roth.prior_homebuyer) -> 4,000 left (D).
    g = run(scenario(2025, [form("i", 8000, ["1"], "2025-03-01", ira=True, box2a=8000, exceptions=[{"number": "09"}])],
                     taxpayer=person(birth="1985-01-01", ira={"year_end_value": 50000},
                                     roth={"prior_homebuyer": 6000}))).graph
    assert (g[F + "line2"], g[F + "line4"]) == (4000, 400)


def test_returned_contribution_earnings_before_secure2():
    # i8606 (2016) "Return of IRA contributions" example: 1,073 withdrawn, 73 earnings on line 15b; "if you
    # were under age 59 1/2 at the time of a distribution with related earnings, you generally are subject to
    # the additional 10% tax on early distributions" (S). 10% x 73 = 7 (D). SECURE 2.0 §333 removed it for
    # corrective distributions made on or after Dec. 29, 2022 (test_examples_audit13).
    g = run(scenario(2016, [form("r", 1073, ["8"], "2016-12-01", ira=True, box2a=73)],
                     taxpayer=person(birth="1980-01-01", ira={"deductible_contributions": 3000, "year_end_value": 3300}))).graph
    assert (g["f1040.line4a"], g["f1040.line4b"]) == (1073, 73)
    assert (g[F + "line1"], g[F + "line4"]) == (73, 7)


def test_line_20_waits_for_the_first_roth_year():
    # the 5-year period cannot be told without the first Roth year: line 20 stays 0 and is provisional
    data = scenario(2025, [form("r", 15000, ["J"], "2025-05-01")],
                    taxpayer=person(birth="1990-01-01", roth={"contribution_basis": 5000, "homebuyer_expenses": 15000}))
    g = run(data).graph
    assert g[P + "line20"] == 0 and g.status(P + "line20") == "provisional"
    assert "first Roth IRA year not given" in " ".join(g.node(P + "line20").notes)


def test_an_exception_amount_covers_that_much_in_all():
    # 08 claimed for 3,000 on a Roth 1099-R: it covers 3,000 across the taxable part (4,000) and the
    # recapture of the 2023 conversion (5,000), not 3,000 of each (i5329 line 2: the amount excepted)
    data = scenario(2025, [form("r", 10000, ["J"], "2025-05-01", exceptions=[{"number": "08", "amount": 3000}])],
                    taxpayer=person(birth="1985-01-01", roth={
                        "first_contribution_year": 2020, "contribution_basis": 1000,
                        "conversions": [{"year": 2023, "amount": 5000, "taxable": 5000}]}))
    g = run(data).graph
    assert (g[F + "line1"], g[F + "line2"], g[F + "line4"]) == (9000, 3000, 600)


def test_code_p_earnings_belong_to_the_prior_year():
    # code P: the earnings are taxable in the year before the payment (i1099r), so this year's
    # Form 5329 does not take them, before SECURE 2.0 §333 or after
    data = scenario(2021, [form("r", 1100, ["1", "P"], "2021-03-01", ira=True, box2a=100)],
                    taxpayer=person(birth="1985-01-01", ira={"year_end_value": 5000}))
    assert run(data).graph[F + "line1"] == 0


def test_homebuyer_expenses_waive_the_10_percent_without_typing_09():
    # AUD-13's facts without the 09 entry: the stated expenses are the exception (IRC §72(t)(2)(F))
    data = scenario(2025, [form("r", 15000, ["J"], "2025-05-01")],
                    taxpayer=person(birth="1990-01-01", roth={"first_contribution_year": 2022, "contribution_basis": 5000,
                                                              "homebuyer_expenses": 15000}))
    g = run(data).graph
    assert (g[P + "line20"], g[F + "line1"], g[F + "line2"], g[F + "line4"]) == (0, 10000, 10000, 0)
    assert g[F + "line2_exception"] == "09"
