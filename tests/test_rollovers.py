"""Issue 3 rules at their edges: 60 days, 12 months, 59½, waivers, eligibility, Notice 2014-54 choices,
designated Roth accounts, in-plan Roth rollovers, conversion recapture, SIMPLE 25%."""
from decimal import Decimal

import pytest

from builders import form, person, run, scenario


def plan_rollover(paid, deposited, amount=20000, rolled=20000, codes=("1",), box4=None, **kw):
    return form("p", amount, codes, paid, box2a=amount, box4=box4 if box4 is not None else amount // 5,
                uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": rolled, "date": deposited, **kw}])


YOUNG = person(birth="1980-01-01")


@pytest.mark.parametrize("deposited,late", [("2025-05-02", False), ("2025-05-03", True)])
def test_day_60_on_time_day_61_late(deposited, late):
    # paid Mar 3; day 60 is May 2 (IRC §402(c)(3)(A): "no later than the 60th day following the day of receipt")
    res = run(scenario(2025, [plan_rollover("2025-03-03", deposited)], taxpayer=YOUNG))
    assert ("ROLLOVER_60_DAY_LATE" in [e.code for e in res.events]) is late
    assert res.graph["f1040.line5b"] == (20000 if late else 0)
    assert res.graph["f1040.schedule2_line8"] == (2000 if late else 0)  # 10% at 45


@pytest.mark.parametrize("deposited,safe", [("2025-06-30", True), ("2025-07-01", False)])
def test_self_certification_30_days_after_reason_ends(deposited, safe):
    """Within 30 days of the reason ending the deposit is deemed "as soon as practicable" (Rev. Proc. 2020-46
    §3.02(3)); later it can still be, so the self-certified rollover counts either way, flagged past the safe harbor."""
    waiver = {"kind": "self_certification", "reason": 6, "reason_ended": "2025-05-31"}
    res = run(scenario(2025, [plan_rollover("2025-01-10", deposited, waiver=waiver)], taxpayer=YOUNG))
    codes = [e.code for e in res.events]
    assert ("ROLLOVER_SELF_CERTIFIED" in codes) is safe and ("SELF_CERT_30_DAY" in codes) is not safe
    assert all(e.accepted for e in res.events)
    assert res.graph["f1040.line5b"] == 0


def test_waiver_kinds():
    plr = run(scenario(2025, [plan_rollover("2025-01-10", "2025-06-01", waiver={"kind": "private_letter_ruling",
                                                                                  "reference": "PLR 202512345"})],
                       taxpayer=YOUNG))
    assert plr.graph["f1040.line5b"] == 0
    auto_late = run(scenario(2025, [plan_rollover("2025-01-10", "2026-01-11", waiver={"kind": "automatic"})],
                             taxpayer=YOUNG))
    assert auto_late.graph["f1040.line5b"] == 20000  # more than 1 year: Rev. Proc. 2003-16 §3.03
    postponed = run(scenario(2025, [plan_rollover("2025-01-10", "2025-04-01", waiver={
        "kind": "disaster_postponement", "deadline": "2025-04-15"})], taxpayer=YOUNG))
    assert postponed.graph["f1040.line5b"] == 0


def ira_rollover(paid, deposited, amount=10000, id="i"):
    return form(id, amount, ["1"], paid, ira=True, box2a=amount,
                uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": amount, "date": deposited}])


@pytest.mark.parametrize("paid,blocked", [("2025-03-09", True), ("2025-03-10", False)])
def test_once_per_12_months_to_the_day(paid, blocked):
    p = person(birth="1980-01-01", rollovers_last_12_months=[{"distribution_date": "2024-03-10"}],
               ira={"year_end_value": 50000})
    res = run(scenario(2025, [ira_rollover(paid, "2025-04-01")], taxpayer=p))
    assert ("ROLLOVER_ONCE_PER_YEAR" in [e.code for e in res.events]) is blocked
    assert res.graph["f1040.line4b"] == (10000 if blocked else 0)


def test_second_rollover_same_year_blocked_but_conversion_and_plan_rollover_do_not_count():
    p = person(birth="1980-01-01", ira={"year_end_value": 50000})
    forms = [ira_rollover("2025-02-01", "2025-02-20", id="a"), ira_rollover("2025-09-01", "2025-09-20", id="b"),
             form("c", 5000, ["2"], "2025-05-01", ira=True, box2a=5000,
                  uses=[{"kind": "indirect_rollover", "to": "roth_ira", "amount": 5000, "date": "2025-05-10"}])]
    res = run(scenario(2025, forms, taxpayer=p))
    blocked = [e.leg for e in res.events if e.code == "ROLLOVER_ONCE_PER_YEAR"]
    assert blocked == ["b:0"]
    assert res.graph["taxpayer.ira.converted"] == 5000
    assert res.graph["f1040.line4b"] == 10000 + 5000  # failed rollover b, plus the conversion (no basis)


def test_one_distribution_redeposited_in_two_parts_is_one_rollover():
    """§408(d)(3)(B) bars a rollover of an amount received within a year of "any other amount" rolled over: one
    distribution put back in two deposits (or into two IRAs) within 60 days is one rollover (audit 7 case 33;
    before, the second deposit was refused, 8,000 taxed plus 10%). A second distribution the same day is another
    amount and still counts."""
    p = person(birth="1980-01-01", ira={"year_end_value": 50000})
    two = form("a", 20000, ["1"], "2025-02-01", ira=True, box2a=20000, uses=[
        {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 12000, "date": "2025-02-20"},
        {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 8000, "date": "2025-03-15"}])
    res = run(scenario(2025, [two], taxpayer=p))
    assert "ROLLOVER_ONCE_PER_YEAR" not in [e.code for e in res.events] and res.graph["f1040.line4b"] == 0
    other = ira_rollover("2025-02-01", "2025-02-25", amount=5000, id="b")
    res = run(scenario(2025, [two, other], taxpayer=p))
    assert [e.leg for e in res.events if e.code == "ROLLOVER_ONCE_PER_YEAR"] in (["b:0"], ["a:0", "a:1"])


@pytest.mark.parametrize("paid,early", [("2025-07-14", True), ("2025-07-15", False)])
def test_59_and_a_half_edge(paid, early):
    # born Jan 15, 1966: 59½ on Jul 15, 2025 (six months after the 59th birthday)
    p = person(birth="1966-01-15", ira={"year_end_value": 0})
    res = run(scenario(2025, [form("i", 10000, ["1" if early else "7"], paid, ira=True, box2a=10000)], taxpayer=p))
    assert res.forms["i"].early is early
    assert res.graph["f5329.taxpayer.line4"] == (1000 if early else 0)


def test_withholding_shortfall_taxable_and_10_percent():
    # EX-19: only the net check rolled over; the withheld 20% is taxable and early
    res = run(scenario(2025, [plan_rollover("2025-03-01", "2025-04-01", amount=10000, rolled=8000, box4=2000)],
                       taxpayer=YOUNG))
    assert res.graph["f1040.line5b"] == 2000 and res.graph["f1040.line25b"] == 2000
    assert res.graph["f5329.taxpayer.line4"] == 200


@pytest.mark.parametrize("flag,code", [({"rmd_year": True}, "ROLLOVER_OF_RMD"), ({"hardship": True}, "ROLLOVER_NOT_ELIGIBLE"),
                                       ({"sepp": True}, "ROLLOVER_NOT_ELIGIBLE")])
def test_amounts_that_cannot_be_rolled_over(flag, code):
    f = plan_rollover("2025-03-01", "2025-03-20", codes=("7",), **{})
    f.update(flag)
    res = run(scenario(2025, [f], taxpayer=person(birth="1950-01-01")))
    assert code in [e.code for e in res.events]
    assert res.graph["f1040.line5b"] == 20000


def test_nonspouse_beneficiary_cannot_do_60_day_rollover():
    f = form("inh", 30000, ["4"], "2025-03-01", ira=True, box2a=30000, nonspouse_beneficiary=True,
             uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 30000, "date": "2025-03-20"}])
    res = run(scenario(2025, [f], taxpayer=YOUNG))
    assert "INHERITED_60_DAY_ROLLOVER" in [e.code for e in res.events]
    assert res.graph["f1040.line4b"] == 30000 and res.graph["f5329.taxpayer.line4"] == 0  # death: no 10%


def test_qcd_age_and_notation():
    old = person(birth="1950-01-01", ira={"year_end_value": 100000, "prior_basis": 5000})
    res = run(scenario(2025, [form("q", 10000, ["7"], "2025-06-01", ira=True, box2a=10000,
                                   uses=[{"kind": "qcd", "amount": 10000}])], taxpayer=old))
    assert res.graph["f1040.line4b"] == 0 and res.graph["f1040.line4c"] == ["QCD"]
    assert res.graph["taxpayer.ira.distributions"] == 0  # QCD is out of line 7 (i8606 line 7)
    young = person(birth="1960-01-01")
    res = run(scenario(2025, [form("q", 10000, ["7"], "2025-06-01", ira=True, box2a=10000,
                                   uses=[{"kind": "qcd", "amount": 10000}])], taxpayer=young))
    assert "QCD_UNDER_AGE" in [e.code for e in res.events] and res.graph["f1040.line4b"] == 10000


def test_outstanding_rollover_goes_to_line_6_not_line_7():
    p = person(birth="1950-01-01", ira={"prior_basis": 10000, "year_end_value": 80000, "nondeductible_contributions": 0})
    forms = [ira_rollover("2025-12-15", "2026-01-20", amount=20000, id="o"),
             form("d", 10000, ["7"], "2025-06-01", ira=True, box2a=10000)]
    res = run(scenario(2025, forms, taxpayer=p))
    g = res.graph
    assert g["f8606.taxpayer.line6"] == 100000 and g["f8606.taxpayer.line7"] == 10000
    assert g["f8606.taxpayer.line10"] == Decimal("0.091")  # 10,000 / 110,000


def test_ira_to_plan_rollover_is_out_of_line_7():
    p = person(birth="1970-01-01", ira={"prior_basis": 6000, "year_end_value": 6000})
    f = form("r", 94000, ["G"], "2025-04-01", ira=True, box2a=0)  # IRA box + code G: to an employer plan
    res = run(scenario(2025, [f], taxpayer=p))
    assert res.graph["taxpayer.ira.distributions"] == 0 and res.graph["f1040.line4b"] == 0
    assert res.graph["f1040.line4c"] == ["Rollover"]


def test_in_plan_roth_rollover_taxable_without_additional_tax():
    f = form("irr", 30000, ["G"], "2025-04-01", box2a=30000,
             uses=[{"kind": "in_plan_roth_rollover", "to": "designated_roth", "amount": 30000}])
    res = run(scenario(2025, [f], taxpayer=YOUNG))
    assert res.graph["f1040.line5b"] == 30000 and res.graph["f1040.schedule2_line8"] == 0


@pytest.mark.parametrize("birth,box11,basis", [("1960-01-01", 2015, 326000), ("1968-01-01", 2015, 207000),
                                               ("1960-01-01", 2022, 207000)])
def test_designated_roth_rollover_basis(birth, box11, basis):
    # Reg. §1.408A-10 A-3: qualified -> all of it is regular contribution basis; else box 5 only
    f = form("h", 326000, ["H"], "2025-02-10", box2a=0, box5=207000, box11=box11)
    res = run(scenario(2025, [f], taxpayer=person(birth=birth)))
    assert res.graph["taxpayer.roth.drac_basis_rolled_in"] == basis


def test_designated_roth_cash_nonqualified_earnings_taxable():
    f = form("b", 10000, ["B", "1"], "2025-02-10", box2a=4000, box5=6000, box11=2021)
    res = run(scenario(2025, [f], taxpayer=YOUNG))
    assert res.graph["f1040.line5b"] == 4000 and res.graph["f5329.taxpayer.line4"] == 400


def test_notice_2014_54_participant_choice():
    # 100,000 = 70,000 pre-tax + 30,000 after-tax; two rollovers of 50,000 each; the participant puts
    # 50,000 pre-tax in the traditional IRA and 20,000 pre-tax + 30,000 after-tax in the Roth IRA
    f = form("s", 100000, ["G"], "2025-05-01", box2a=20000, box5=30000, uses=[
        {"kind": "direct_rollover", "to": "roth_ira", "amount": 50000, "pretax": 20000},
        {"kind": "direct_rollover", "to": "traditional_ira", "amount": 50000}])
    res = run(scenario(2025, [f], taxpayer=YOUNG))
    assert res.graph["taxpayer.roth.plan_rollovers_taxable"] == 20000
    assert res.graph["f1040.line5b"] == 20000 and res.graph["taxpayer.ira.plan_aftertax_rolled_in"] == 0


def test_after_tax_to_traditional_ira_becomes_8606_basis():
    # i8606 line 2: the nontaxable part of a plan distribution rolled to a traditional IRA is basis
    f = form("t", 50000, ["G"], "2025-05-01", box2a=0, box5=10000,
             uses=[{"kind": "direct_rollover", "to": "traditional_ira", "amount": 50000}])
    res = run(scenario(2025, [f], taxpayer=person(birth="1970-01-01", ira={"year_end_value": 52000})))
    assert res.graph["taxpayer.ira.plan_aftertax_rolled_in"] == 10000
    assert res.graph["f8606.taxpayer.basis_next_year"] == 10000


def roth_year(year, amount, paid, birth, layers, basis=0, first=2015, code="J"):
    p = person(birth=birth, roth={"first_contribution_year": first, "contribution_basis": basis,
                                  "conversions": layers})
    return scenario(year, [form("r", amount, [code], paid)], taxpayer=p)


def test_conversion_recapture_under_59_half():
    # 10,000 out: 2,000 basis, then the 2023 layer (taxable 8,000 first) -> 8,000 within its 5 years -> 10% = 800
    res = run(roth_year(2025, 10000, "2025-06-01", "1980-01-01",
                        [{"year": 2023, "amount": 20000, "taxable": 15000}], basis=2000))
    g = res.graph
    assert g["f8606.taxpayer.line25c"] == 0 and g["f5329.taxpayer.line1"] == 8000 and g["f5329.taxpayer.line4"] == 800


def test_conversion_recapture_window_closed_and_fifo():
    # 2019 layer's window closed in 2024; FIFO takes the 2019 layer first -> no recapture
    res = run(roth_year(2025, 10000, "2025-06-01", "1980-01-01",
                        [{"year": 2019, "amount": 10000, "taxable": 10000},
                         {"year": 2023, "amount": 20000, "taxable": 20000}]))
    assert res.graph["f5329.taxpayer.line4"] == 0


def test_roth_earnings_taxable_and_early():
    res = run(roth_year(2025, 12000, "2025-06-01", "1980-01-01", [{"year": 2016, "amount": 5000, "taxable": 5000}],
                        basis=4000))
    g = res.graph
    assert g["f8606.taxpayer.line25c"] == 3000 and g["f1040.line4b"] == 3000 and g["f5329.taxpayer.line4"] == 300


def test_qualified_roth_distribution_needs_no_8606():
    res = run(roth_year(2025, 12000, "2025-06-01", "1960-01-01", [], first=2015, code="T"))
    assert res.graph["f8606.taxpayer.required"] is False and res.graph["f1040.line4b"] == 0


def test_simple_ira_first_two_years_25_percent():
    res = run(scenario(2025, [form("s", 10000, ["S"], "2025-03-01", ira=True, box2a=10000)],
                       taxpayer=person(birth="1985-01-01", ira={"year_end_value": 0})))
    assert res.graph["f5329.taxpayer.line4"] == 2500


def test_separation_from_service_at_55_exception():
    p = person(birth="1969-03-01", separated_from_service_year=2025)  # 56 in 2025
    res = run(scenario(2025, [form("x", 20000, ["1"], "2025-05-01", box2a=20000)], taxpayer=p))
    assert res.graph["f5329.taxpayer.line1"] == 20000 and res.graph["f5329.taxpayer.line2"] == 20000
    assert res.graph["f5329.taxpayer.line2_exception"] == "01" and res.graph["f5329.taxpayer.line4"] == 0


def test_simplified_method_single_life():
    # i1040 Simplified Method Worksheet: cost 31,000, age 65 at start -> 260 payments (rules.md §10);
    # 31,000 / 260 = 119.23 a month; 12 payments -> 1,431 excluded; 12,000 - 1,431 = 10,569 taxable
    f = form("ann", 12000, ["7"], "2025-12-31", box2b_not_determined=True, box9b=31000,
             annuity={"start_date": "2020-01-01", "age_at_start": 65, "payments_this_year": 12})
    res = run(scenario(2025, [f], taxpayer=person(birth="1955-01-01")))
    g = res.graph
    assert g["sm.ann.line3"] == 260 and g["sm.ann.line4"] == Decimal("119.23")
    assert g["sm.ann.line8"] == 1431 and g["f1040.line5b"] == 10569 and g["f1040.line5a"] == 12000
    assert g["sm.ann.line11"] == 31000 - 1431


def test_simplified_method_in_whole_dollars():
    """Audit (session 17): box 1 of 24,000.75 put 22,558.75 on line 5b. Amounts on the return are whole dollars
    (i1040 Rounding Off to Whole Dollars); only line 4, a monthly share, is to the cent: 31,235 / 260 = 120.13."""
    f = form("ann", "24000.75", ["7"], "2025-12-31", box2b_not_determined=True, box9b="31234.56",
             annuity={"start_date": "2023-07-01", "age_at_start": 65, "payments_this_year": 12,
                      "recovered_before": "1234.50"})
    g = run(scenario(2025, [f], taxpayer=person(birth="1958-01-01"))).graph
    assert (g["sm.ann.line1"], g["sm.ann.line2"], g["sm.ann.line4"], g["sm.ann.line6"]) == (24001, 31235,
                                                                                           Decimal("120.13"), 1235)
    assert g["sm.ann.line8"] == 1442 and g["sm.ann.line9"] == 22559 and g["f1040.line5b"] == 22559


def test_simplified_method_cost_fully_recovered():
    f = form("ann", 12000, ["7"], "2025-12-31", box2b_not_determined=True, box9b=10000,
             annuity={"start_date": "2005-01-01", "age_at_start": 60, "joint_age_at_start": 118,
                      "payments_this_year": 12, "recovered_before": 9800})
    res = run(scenario(2025, [f], taxpayer=person(birth="1945-01-01")))
    # joint table (start after 1997): combined 118 -> 360; 10,000/360 x 12 = 333; only 200 left to recover
    assert res.graph["sm.ann.line3"] == 360 and res.graph["sm.ann.line8"] == 200
    assert res.graph["f1040.line5b"] == 11800


@pytest.mark.parametrize("start, age, joint, table", [
    ("1990-03-01", 62, None, 240),     # July 2, 1986 - Nov. 18, 1996: Notice 88-118's table (61-65: 240)
    ("1996-11-18", 55, None, 300),     # the last day of it (55 and under: 300)
    ("1996-11-19", 55, None, 360),     # the first day of the current single-life table
    ("1995-05-01", 60, 118, 260),      # a joint annuity before 1998: the primary annuitant's age (56-60: 260)
])
def test_simplified_method_table_by_starting_date(start, age, joint, table):
    """Pub. 575: the expected-payments table depends on the annuity starting date. Before, every starting date
    used the current table."""
    ann = {"start_date": start, "age_at_start": age, "payments_this_year": 12}
    if joint:
        ann["joint_age_at_start"] = joint
    f = form("ann", 12000, ["7"], "2025-12-31", box2b_not_determined=True, box9b=24000, annuity=ann)
    assert run(scenario(2025, [f], taxpayer=person(birth="1930-01-01"))).graph["sm.ann.line3"] == table


def test_simplified_method_before_1987_is_not_capped_at_the_cost():
    """i1040 Simplified Method Worksheet: a starting date before 1987 skips lines 6-7 and 10-11; the exclusion
    goes on after the cost is recovered (IRC §72(b)(2) applies from 1987). 17,000 / 170 (age 70) = 100 a month."""
    f = form("ann", 12000, ["7"], "2025-12-31", box2b_not_determined=True, box9b=17000,
             annuity={"start_date": "1986-09-01", "age_at_start": 70, "payments_this_year": 12,
                      "recovered_before": 17000})
    g = run(scenario(2025, [f], taxpayer=person(birth="1916-01-01"))).graph
    assert g["sm.ann.line3"] == 170 and g["sm.ann.line8"] == 1200 and g["f1040.line5b"] == 10800
    assert g["sm.ann.line7"] is None and g["sm.ann.line11"] is None


def test_simplified_method_not_before_july_2_1986():
    """Notice 88-118: the Simplified Method is for starting dates after July 1, 1986; earlier ones used the General
    Rule (Pub. 939), so the payer's box 2a stands."""
    f = form("ann", 12000, ["7"], "2025-12-31", box2a=9000, box9b=17000,
             annuity={"start_date": "1986-06-01", "age_at_start": 70, "payments_this_year": 12})
    g = run(scenario(2025, [f], taxpayer=person(birth="1916-01-01"))).graph
    assert not g.has("sm.ann.line1") and g["f1040.line5b"] == 9000




def test_in_plan_rollover_recapture_from_box_10():
    # a designated Roth distribution before 59½ with box 10 (IRR within 5 years): 10% on it (i5329 line 1)
    f = form("b", 10000, ["B", "1"], "2025-02-10", box2a=0, box5=10000, box10=6000, box11=2023)
    res = run(scenario(2025, [f], taxpayer=YOUNG))
    assert res.graph["f5329.taxpayer.line1"] == 6000 and res.graph["f5329.taxpayer.line4"] == 600


def test_pretax_choice_cannot_break_pretax_first():
    # EX-23 B with a choice of 0 pre-tax for the Roth rollover: rollovers still take pre-tax first (rules.md §5.3)
    f = form("d", 40000, ["1"], "2025-05-01", box4=1600, plan_account={"balance": 100000, "after_tax": 40000},
             uses=[{"kind": "direct_rollover", "to": "roth_ira", "amount": 16000, "pretax": 0}])
    res = run(scenario(2025, [f], taxpayer=person(birth="1980-01-01")))
    assert res.graph["taxpayer.roth.plan_rollovers_taxable"] == 16000 and res.graph["f1040.schedule2_line8"] == 800


def test_recharacterization_goes_to_line_4():
    f = form("n", 7000, ["N"], "2025-03-01", box2a=0)
    res = run(scenario(2025, [f], taxpayer=YOUNG))
    assert res.graph["f1040.line4a"] == 7000 and res.graph["f1040.line4b"] == 0 and res.graph["f1040.line5a"] is None


def test_plan_box_2a_below_box_1_without_box_5():
    # i1040 lines 5a-5b: partially taxable -> 5a total, 5b from box 2a
    res = run(scenario(2025, [form("p", 10000, ["7"], "2025-03-01", box2a=5000)], taxpayer=person(birth="1950-01-01")))
    assert res.graph["f1040.line5a"] == 10000 and res.graph["f1040.line5b"] == 5000


def test_rmd_cannot_be_converted():
    f = form("c", 20000, ["7"], "2025-03-01", ira=True, box2a=20000, rmd_year=True,
             uses=[{"kind": "conversion", "to": "roth_ira", "amount": 20000}])
    res = run(scenario(2025, [f], taxpayer=person(birth="1950-01-01", ira={"year_end_value": 100000})))
    assert "ROLLOVER_OF_RMD" in [e.code for e in res.events] and res.graph["taxpayer.ira.converted"] == 0


def test_separate_after_tax_contract_pro_rata_within_the_subaccount():
    # rules.md §5.2: a separate after-tax contract (72(d)(2)) is pro-rated only against itself:
    # subaccount 25,000 = 20,000 contributions + 5,000 earnings; 10,000 out -> 8,000 after-tax, 2,000 taxable
    f = form("s", 10000, ["1"], "2025-05-01", plan_account={"balance": 25000, "after_tax": 20000,
                                                            "separate_after_tax_contract": True})
    res = run(scenario(2025, [f], taxpayer=person(birth="1980-01-01")))
    assert res.graph["f1040.line5b"] == 2000 and "72(d)(2)" in res.groups[0].aftertax_source


def _inherited_roth(first, basis=None):
    f = form("inh", 30000, ["T"], "2025-08-01", source="inherited_roth_ira", decedent_first_roth_year=first)
    if basis is not None:
        f["decedent_roth_basis"] = basis
    p = person(birth="1985-01-01", roth={"first_contribution_year": 2023, "contribution_basis": 6000})
    return run(scenario(2025, [f], taxpayer=p))


def test_inherited_roth_uses_the_decedents_clock_not_the_beneficiarys():
    # rules.md §7.1: death qualifies; the owner's 5-year period applies; own basis is not combined (§4.1)
    g = _inherited_roth(2000).graph
    assert g["f8606.taxpayer.part3"] is False and g["f1040.line4b"] == 0 and g["f1040.line4a"] == 30000
    g = _inherited_roth(2023, basis=20000).graph  # decedent's clock not met: above his basis is taxable
    assert g["f8606.taxpayer.line19"] is None and g["f1040.line4b"] == 10000 and g["f5329.taxpayer.line4"] == 0


def test_cents_are_rounded_on_every_line():
    # i8606 General Instructions: round all amounts to whole dollars, half up
    f = form("d", "10000.50", ["7"], "2025-05-01", ira=True, box2a="10000.50", box4="1000.25")
    g = run(scenario(2025, [f], taxpayer=person(birth="1950-01-01", ira={"prior_basis": 6000,
                                                                         "year_end_value": "93456.78"}))).graph
    assert (g["f8606.taxpayer.line6"], g["f8606.taxpayer.line7"], g["f8606.taxpayer.line9"]) == (93457, 10001, 103458)
    assert g["f8606.taxpayer.line10"] == Decimal("0.058") and g["f8606.taxpayer.line15c"] == 9421
    assert (g["f1040.line4a"], g["f1040.line4b"], g["f1040.line25b"]) == (10001, 9421, 1000)


def test_returned_contribution_earnings_taxable_without_additional_tax():
    # i1040 Exception 2 item 4: 8606 governs; earnings (box 2a) taxable; no 10% (SECURE 2.0 §333)
    f = form("x", 7350, ["8", "1"], "2025-03-01", ira=True, box2a=350)
    g = run(scenario(2025, [f], taxpayer=YOUNG)).graph
    assert (g["f1040.line4a"], g["f1040.line4b"], g["f5329.taxpayer.line4"]) == (7350, 350, 0)


@pytest.mark.parametrize("use", [7350, 7000])
def test_a_returned_contribution_given_without_its_earnings_is_still_returned_whole(use):
    # i1040 Exception 2: the corrective distribution (contribution + earnings, box 2a) is one; a use of only the
    # 7,000 contribution leaves 350 that is part of it, not an ordinary distribution taxed a second time
    f = form("x", 7350, ["8", "1"], "2025-03-01", ira=True, box2a=350,
             uses=[{"kind": "returned_contribution", "amount": use}])
    g = run(scenario(2025, [f], taxpayer=YOUNG)).graph
    assert (g["f1040.line4a"], g["f1040.line4b"], g["f5329.taxpayer.line4"]) == (7350, 350, 0)


def test_roth_exception_claimed_on_the_form():
    f = form("r", 15000, ["J"], "2025-06-01", exceptions=[{"number": "08"}])
    p = person(birth="1980-01-01", roth={"first_contribution_year": 2015, "contribution_basis": 10000})
    g = run(scenario(2025, [f], taxpayer=p)).graph
    assert g["f8606.taxpayer.line25c"] == 5000 and g["f5329.taxpayer.line2"] == 5000
    assert g["f5329.taxpayer.line2_exception"] == "08" and g["f5329.taxpayer.line4"] == 0


def test_box_10_on_a_direct_rollover_owes_nothing():
    f = form("h", 50000, ["H"], "2025-02-10", box2a=0, box5=30000, box10=8000, box11=2020)
    assert run(scenario(2025, [f], taxpayer=YOUNG)).graph["f5329.taxpayer.line4"] == 0


def test_a_converted_rmd_stays_taxable():
    """An RMD cannot be converted (rules.md §6.3): the amount is a taxable distribution, not lost."""
    from taxdocs.model.load import from_data
    from taxdocs.rules.engine import compute
    data = {"tax_year": 2025, "filing_status": "single",
            "taxpayer": {"name": "Old Convert", "ssn": "400-55-1414", "birth_date": "1945-01-01",
                         "ira": {"prior_basis": 0, "year_end_value": 100000}},
            "forms_1099r": [{"id": "conv", "payer": {"name": "Broker"}, "box1": 10000, "box2a": 10000,
                             "box2b_not_determined": True, "box7": ["7"], "box7_ira_sep_simple": True,
                             "date_paid": "2025-06-02", "rmd_year": True,
                             "uses": [{"kind": "conversion", "to": "roth_ira", "amount": 10000}]}]}
    g = compute(from_data(data, "x")).graph
    assert g["f1040.line4b"] == 10000 and g["taxpayer.ira.converted"] == 0
    data["forms_1099r"][0]["rmd_year"] = False             # near miss: not an RMD -> a conversion
    g = compute(from_data(data, "x")).graph
    assert g["f1040.line4b"] == 10000 and g["taxpayer.ira.converted"] == 10000 and g["f8606.taxpayer.line18"] == 10000


# Box 7 says early (1, J, S) but the facts show an exception: no 10%, and Form 5329 shows the amount
# on lines 1 and 2 with the exception (i5329 Who Must File; line 2, distributions incorrectly coded).
@pytest.mark.parametrize("year,birth,codes,ira,kw,number", [
    (2025, "1960-01-15", ["1"], True, {}, "12"),                     # 65: incorrectly coded (2025 i5329 no. 12)
    (2016, "1950-01-15", ["1"], True, {}, "12"),                     # before 2023: 12 "Other" covers it
    (2024, "1960-01-15", ["1"], True, {}, "12"),                     # 2024: numbered as 2025 [S] (session 10)
    (2025, "1985-01-15", ["1"], False, {"disabled": True}, "03"),     # 40 and disabled, code 1 on a plan
    (2025, "1960-01-15", ["S"], True, {}, "12"),                      # code S at 65
])
def test_early_code_with_an_exception_from_the_facts_is_on_form_5329(year, birth, codes, ira, kw, number):
    g = run(scenario(year, [form("x", 10000, codes, f"{year}-06-01", ira=ira, box2a=10000)],
                     taxpayer=person(birth=birth, ira={"year_end_value": 0}, **kw))).graph
    assert g["f5329.taxpayer.line1"] == 10000 and g["f5329.taxpayer.line2"] == 10000
    assert g["f5329.taxpayer.line2_exception"] == number and g["f5329.taxpayer.line4"] == 0
    assert g["f5329.taxpayer.required"] is True


def test_early_code_at_59_half_in_a_year_whose_number_is_not_transcribed_is_provisional():
    g = run(scenario(2026, [form("x", 10000, ["1"], "2026-06-01", ira=True, box2a=10000)],
                     taxpayer=person(birth="1960-01-15", ira={"year_end_value": 0}))).graph
    assert g["f5329.taxpayer.line2"] == 10000 and g["f5329.taxpayer.line2_exception"] is None
    assert g.status("f5329.taxpayer.line2_exception") == "provisional"


def test_normal_code_at_59_half_needs_no_form_5329():
    g = run(scenario(2025, [form("x", 10000, ["7"], "2025-06-01", ira=True, box2a=10000)],
                     taxpayer=person(birth="1960-01-15", ira={"year_end_value": 0}))).graph
    assert g["f5329.taxpayer.line1"] == 0 and g["f5329.taxpayer.required"] is False


# NUA (box 6): kept shares are not taxed now; rolled over they are pre-tax money and never IRA basis
# (IRC §402(e)(4); i1099r box 6; i8606 line 2 takes only after-tax contributions rolled in).
@pytest.mark.parametrize("uses,line5b,basis", [
    ([], 240000, 0),                                                                     # all kept: 2a is taxed
    ([{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 300000, "date": "2025-07-15"}], 0, 0),
    ([{"kind": "direct_rollover", "to": "traditional_ira", "amount": 200000}], 40000, 0),  # cash rolled, shares kept
])
def test_nua_is_never_ira_basis(uses, line5b, basis):
    f = form("s", 300000, ["2"], "2025-06-01", box2a=240000, box6=60000, box4=48000, uses=uses)
    g = run(scenario(2025, [f], taxpayer=person(birth="1967-03-03", separated_from_service_year=2025,
                                                ira={"year_end_value": 300000}))).graph
    assert g["f1040.line5a"] == 300000 and g["f1040.line5b"] == line5b
    assert g["taxpayer.ira.plan_aftertax_rolled_in"] == basis and g["f8606.taxpayer.basis_next_year"] == basis


# Exception 01 covers the plan of the employer left at 55, not an earlier employer's (IRC §72(t)(2)(A)(v)).
@pytest.mark.parametrize("flag_b,flag_a,line4", [
    (None, None, 2000),    # two plan payers, none marked: not applied (EXCEPTION_NOT_ALLOWED says why)
    (True, None, 1000),    # B marked: its 10,000 excepted; A's old 401(k) is not
    (True, False, 1000),
    (False, False, 2000),
])
def test_separation_at_55_covers_the_employer_left(flag_b, flag_a, line4):
    def plan(id, payer, flag):
        f = form(id, 10000, ["1"], "2025-05-01", box2a=10000, payer=payer)
        if flag is not None:
            f["separating_employer"] = flag
        return f
    p = person(birth="1970-03-01", separated_from_service_year=2025)  # 55 in 2025
    g = run(scenario(2025, [plan("b", "Employer B 401k", flag_b), plan("a", "Employer A 401k", flag_a)],
                     taxpayer=p)).graph
    assert g["f5329.taxpayer.line1"] == 20000 and g["f5329.taxpayer.line4"] == line4


@pytest.mark.parametrize("source_codes, ira, to, valid", [
    (["J"], False, "traditional_ira", False),   # Roth IRA -> traditional IRA: IRC §408A(e)
    (["J"], False, "roth_ira", True),
    (["B"], False, "simple_ira", False),        # Roth 401(k) -> SIMPLE IRA: IRC §402A(c)(3)
    (["B"], False, "roth_ira", True),
])
def test_roth_money_rolls_over_only_into_roth_accounts(source_codes, ira, to, valid):
    """audit 7 cases 40-42: before, a Roth IRA rolled into a traditional IRA was marked "Rollover" with 4b 0."""
    kw = {"box11": 2015, "box5": 5000} if "B" in source_codes else {}
    f = form("r", 10000, source_codes, "2025-03-01", ira=ira, box2a=0 if "B" in source_codes else None,
             uses=[{"kind": "indirect_rollover", "to": to, "amount": 10000, "date": "2025-03-20"}], **kw)
    res = run(scenario(2025, [f], taxpayer=person(birth="1985-01-01", roth={"first_contribution_year": 2015,
                                                                          "contribution_basis": 2000})))
    assert ("ROLLOVER_NOT_ELIGIBLE" in [e.code for e in res.events if not e.accepted]) is not valid
    assert res.forms["r"].legs[0].valid is valid


def test_sixty_days_run_from_receipt():
    """IRC §408(d)(3)(A): "the 60th day after the day on which he receives the payment": a check paid (mailed) on
    Mar 1 and received Mar 8 may be deposited on May 4 (day 64 after payment, day 57 after receipt) (audit 7 case 30)."""
    def case(received):
        kw = {"date_received": received} if received else {}
        f = form("i", 10000, ["1"], "2025-03-01", ira=True, box2a=10000,
                 uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": "2025-05-04"}],
                 **kw)
        return run(scenario(2025, [f], taxpayer=person(birth="1980-01-01", ira={"year_end_value": 50000})))
    assert "ROLLOVER_60_DAY_LATE" in [e.code for e in case(None).events]
    res = case("2025-03-08")
    assert "ROLLOVER_60_DAY_LATE" not in [e.code for e in res.events] and res.graph["f1040.line4b"] == 0
    from taxdocs.errors import InputError
    with pytest.raises(InputError):
        case("2025-02-20")  # received before it was paid


def test_the_once_a_year_rule_counts_from_receipt():
    """§408(d)(3)(B): "during the 1-year period ending on the day of such receipt": a check paid Mar 9, 2025 but
    received Mar 10 is outside the year of a rollover of a distribution received Mar 10, 2024."""
    p = person(birth="1980-01-01", rollovers_last_12_months=[{"distribution_date": "2024-03-10"}],
               ira={"year_end_value": 50000})
    f = ira_rollover("2025-03-09", "2025-04-01")
    assert "ROLLOVER_ONCE_PER_YEAR" in [e.code for e in run(scenario(2025, [f], taxpayer=p)).events]
    f["date_received"] = "2025-03-10"
    assert "ROLLOVER_ONCE_PER_YEAR" not in [e.code for e in run(scenario(2025, [f], taxpayer=p)).events]


def test_a_designated_roth_excess_deferral_goes_on_line_1h():
    # codes B+8 with no uses: the excess Roth deferral was taxed when deferred; its earnings (box 2a) are taxable
    # when paid, on line 1h like any plan's corrective distribution (i1040 line 1h; i1099r codes 8, B), no 10%
    f = form("b8", 5300, ["B", "8"], "2025-03-01", box2a=300, box5=5000)
    lines = run(scenario(2025, [f], taxpayer=YOUNG)).lines()
    assert (lines["f1040.line1h_corrective"], lines["f1040.line5a"], lines["f5329.taxpayer.line4"]) == (300, None, 0)


def test_a_returned_contribution_on_a_plan_form_is_an_input_error():
    # a returned contribution is an IRA's (IRC §408(d)(4)); a plan's code 8 is taxed as its box 2a shows
    from taxdocs.errors import InputError
    from taxdocs.model.load import from_data
    f = form("b8", 5300, ["B", "8"], "2025-03-01", box2a=300, box5=5000,
             uses=[{"kind": "returned_contribution", "amount": 5000}])
    with pytest.raises(InputError) as e:
        from_data(scenario(2025, [f], taxpayer=YOUNG), "x.yaml")
    assert "forms_1099r[0].uses[0].kind" in str(e.value) and "§408(d)(4)" in str(e.value)