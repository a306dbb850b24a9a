"""Cases from a thirteenth audit (session 20: plan distributions), worked by hand from the rules.

* An in-plan Roth rollover's amount in box 10 is under §72(t) "as if such portion were includible" (IRC
  §402A(c)(4)(D) -> §408A(d)(3)(F)): its exceptions apply to it too, claimed or from the facts (age-55 separation).
  Before, the box 10 amount always carried the 10% (A04, A04b, A04c).
* A governmental 457(b) plan's own money is outside §72(t) (§72(t)(1), §4974(c); §72(t)(9) reaches only amounts
  rolled in; i1099r "Governmental section 457(b) plan distributions"). Before, a code 7 under 59½ carried 10% (A35).
* Exception 02 from a plan needs the series to begin after the separation from service (§72(t)(3)(B)). Before, it
  was applied to a payment made while still employed (A48).
* (IRA audit, session 20) The earnings of an excess IRA contribution returned by the due date are free of the 10% for
  corrective distributions "made on or after December 29, 2022" (IRS, Changes to the 2022 instructions for Form
  5329; i5329 2023 Reminders "Beginning on December 29, 2022"). Before, one paid on Dec. 29 itself carried it (B15).
* (IRA audit) Form 8606 lines 11 and 12 are line 8 (7) x line 10 as the form says; a backdoor conversion of a dollar
  or two more than the basis rounds line 10 to 1.000 and is wholly nontaxable, line 14 entered as 0 (rules.md §4.4;
  irahelp forum-post 35631). Before, line 11 was held to line 3 and line 18 showed the dollar (B23).
"""
from decimal import Decimal

import pytest

from builders import assert_example, form, person, run, scenario
from taxdocs.checks.run import check

F = "f5329.taxpayer."


def _drac_box10(exceptions=(), **tp):
    # Roth 401(k), nonqualified (box 11 2022): 60,000 cash, 40,000 basis (box 5), 20,000 earnings (2a); box 10 10,000.
    # Line 1: 20,000 + 10,000 = 30,000.
    return scenario(2025, [form("r1", 60000, ["B", "1"], "2025-03-01", box2a=20000, box4=4000, box5=40000,
                                box10=10000, box11=2022, exceptions=list(exceptions))],
                    taxpayer=person(birth="1969-02-01", **tp), income=60000)


def _gov457(codes, **kw):
    # 50 years old, separated in 2020 (at 45: no exception 01); 20,000 cash from a governmental 457(b)
    return scenario(2025, [form("g", 20000, codes, "2025-06-01", box2a=20000, box4=4000, governmental_457b=True, **kw)],
                    taxpayer=person(birth="1975-01-01", separated_from_service_year=2020), income=60000)


def _sepp_plan(separated):
    # a 401(k) payment claimed as part of a series of substantially equal periodic payments (02), age 50
    return scenario(2025, [form("p", 12000, ["1"], "2025-03-01", box2a=12000, sepp=True,
                                exceptions=[{"number": "02"}])],
                    taxpayer=person(birth="1975-03-01", separated_from_service_date=separated), income=60000)


def _backdoor(basis, converted):
    return scenario(2025, [form("c", converted, ["2"], "2025-02-01", ira=True, box2a=converted, box2b_not_determined=True,
                                uses=[{"kind": "conversion", "to": "roth_ira", "amount": converted}])],
                    taxpayer=person(birth="1980-01-01", ira={"nondeductible_contributions": basis, "prior_basis": 0,
                                                            "year_end_value": 0}))


P = "f8606.taxpayer."

CASES = {
    # irahelp forum-post 35631 as rules.md §4.4 gives it: 6,500 basis, 6,501 converted; line 10 = .99985 -> 1.000;
    # line 11 = 6,501; line 14 = 6,500 - 6,501 = -1 -> 0; line 18 = 0 (D from the form)
    "B23-IRAHELP-6501": (_backdoor(6500, 6501), {P + "line10": 1, P + "line11": 6501, P + "line13": 6501,
                                                 P + "line14": 0, P + "line17": 6501, P + "line18": 0,
                                                 "f1040.line4b": 0}),
    # 7,000 and 7,002: .99971 -> 1.000 (D)
    "B23b-BACKDOOR-7002": (_backdoor(7000, 7002), {P + "line11": 7002, P + "line14": 0, P + "line18": 0}),
    # 7,000 and 7,010: .99857 -> .999; line 11 = 7,010 x .999 = 7,002.99 -> 7,003; line 14 -> 0; line 18 = 7 (D)
    "B23c-BACKDOOR-7010": (_backdoor(7000, 7010), {P + "line10": Decimal("0.999"), P + "line11": 7003, P + "line14": 0,
                                                   P + "line18": 7}),
    # 7,000 and 7,100: .98592 -> .986; line 11 = 7,000.6 -> 7,001; line 14 -> 0; line 18 = 99 (D)
    "B23d-BACKDOOR-7100": (_backdoor(7000, 7100), {P + "line11": 7001, P + "line14": 0, P + "line18": 99}),
    # separated 2025-01-31 in the year after reaching 55; exception 01 claimed: covers the earnings and box 10 (D)
    "A04-BOX10-01-CLAIMED": (_drac_box10([{"number": "01"}], separated_from_service_date="2025-01-31"),
                             {F + "line1": 30000, F + "line2": 30000, F + "line4": 0, "f1040.schedule2_line8": 0}),
    # the same from the facts alone (no exception listed) (D)
    "A04b-BOX10-01-FACTS": (_drac_box10(separated_from_service_date="2025-01-31"),
                            {F + "line1": 30000, F + "line2": 30000, F + "line4": 0}),
    # a QDRO alternate payee (06) (D)
    "A04c-BOX10-06": (_drac_box10([{"number": "06"}]), {F + "line1": 30000, F + "line2": 30000, F + "line4": 0}),
    # an exception for 5,000 only: it covers 5,000 of the 30,000 in all; 10% of 25,000 (D)
    "A04d-BOX10-AMOUNT": (_drac_box10([{"number": "06", "amount": 5000}]),
                          {F + "line1": 30000, F + "line2": 5000, F + "line4": 2500}),
    # no exception: 10% of 30,000 (D; as before)
    "A04e-BOX10-NONE": (_drac_box10(), {F + "line1": 30000, F + "line2": 0, F + "line4": 3000}),
    # governmental 457(b), code 7 under 59½: its own money, no 10% (S: i1099r) (D: amounts)
    "A35-GOV457-CODE7": (_gov457(["7"]), {"f1040.line5b": 20000, F + "line4": 0, "f1040.schedule2_line8": 0}),
    # code 2: likewise (as before)
    "A35c-GOV457-CODE2": (_gov457(["2"]), {F + "line4": 0}),
    # code 1: the payer says it is money rolled in from another plan or IRA (§72(t)(9)): 10% (D)
    "A35b-GOV457-CODE1": (_gov457(["1"]), {F + "line1": 20000, F + "line4": 2000}),
    # code 1 with 13 claimed (not from a rollover): no 10% (as before)
    "A35d-GOV457-CODE1-13": (_gov457(["1"], exceptions=[{"number": "13"}]), {F + "line4": 0}),
    # 02 claimed on a plan payment made before the separation (2025-10-01): refused, 10% of 12,000 (D)
    "A48-02-BEFORE-SEPARATION": (_sepp_plan("2025-10-01"), {F + "line1": 12000, F + "line2": 0, F + "line4": 1200}),
    # paid after the separation (2024-12-31): 02 stands (D)
    "A48b-02-AFTER-SEPARATION": (_sepp_plan("2024-12-31"), {F + "line2": 12000, F + "line4": 0}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_example(name):
    data, expected = CASES[name]
    assert_example(name, run(data), expected)


def test_02_before_separation_is_explained():
    findings = [f for f in check(run(CASES["A48-02-BEFORE-SEPARATION"][0])) if f.code == "EXCEPTION_NOT_ALLOWED"]
    assert len(findings) == 1
    assert "§72(t)(3)(B)" in findings[0].message and "Mar 1, 2025" in findings[0].message


def test_02_from_another_employers_plan_is_not_judged_by_this_separation():
    data = _sepp_plan("2025-10-01")
    data["forms_1099r"][0]["separating_employer"] = False
    assert_example("02 other plan", run(data), {F + "line2": 12000, F + "line4": 0})


def test_code_7_under_59_from_a_governmental_457b_is_not_flagged():
    codes = {f.code for f in check(run(CASES["A35-GOV457-CODE7"][0]))}
    assert "CODE_7_UNDER_59_HALF" not in codes
    data = _gov457(["7"])
    data["forms_1099r"][0]["governmental_457b"] = False  # a 401(k): the code is wrong and the 10% applies
    res = run(data)
    assert "CODE_7_UNDER_59_HALF" in {f.code for f in check(res)}
    assert res.graph[F + "line4"] == 2000


def test_a_refused_01_is_told_once_with_box_10():
    # separated 2025-10-01, paid 2025-03-01: 01 refused for the earnings and box 10 alike, told once
    res = run(_drac_box10([{"number": "01"}], separated_from_service_date="2025-10-01"))
    assert res.graph[F + "line4"] == 3000
    refusals = [f for f in check(res) if f.code == "EXCEPTION_NOT_ALLOWED"]
    assert len(refusals) == 1


@pytest.mark.parametrize("paid, tax", [("2022-12-28", 30), ("2022-12-29", 0), ("2022-12-30", 0)])
def test_returned_roth_excess_earnings_from_december_29_2022(paid, tax):
    # 35 years old; a 2022 Roth IRA excess of 5,000 returned with 300 of earnings by the due date (codes 8, J)
    data = scenario(2022, [form("r1", 5300, ["8", "J"], paid, box2a=300, source="roth_ira")],
                    taxpayer=person(birth="1987-01-01", roth={"first_contribution_year": 2020, "contribution_basis": 10000}))
    res = run(data)
    assert res.graph["f1040.line4b"] == 300
    assert res.graph[F + "line4"] == tax


def test_box_10_and_the_earnings_share_a_capped_exception_as_one_distribution():
    # 19 (birth or adoption) covers $5,000 of the distribution, basis included (IRC §72(t)(2)(H)); of the 60,000,
    # 20,000 earnings + 10,000 box 10 are under §72(t): line 2 = 5,000 x 30,000 / 60,000 = 2,500; 10% of 27,500 (D)
    res = run(_drac_box10([{"number": "19"}]))
    assert (res.graph[F + "line1"], res.graph[F + "line2"], res.graph[F + "line4"]) == (30000, 2500, 2750)
    refused = [f for f in check(res) if f.code == "EXCEPTION_NOT_ALLOWED"]
    assert len(refused) == 1  # the cap, told once for the form


def test_02_before_separation_when_another_plan_also_paid_is_not_judged():
    # two plan payers and no `separating_employer`: which employer was left is not known, so 02 stands (the form's
    # default, as for 01)
    data = _sepp_plan("2025-10-01")
    data["forms_1099r"].append(form("q", 1000, ["7"], "2025-11-01", box2a=1000, payer="New Co"))
    assert_example("02 two payers", run(data), {F + "line2": 12000})


def test_code_2_from_a_governmental_roth_457b_is_not_questioned():
    data = scenario(2025, [form("g", 20000, ["B", "2"], "2025-06-01", box2a=5000, box5=15000, box11=2022,
                                governmental_457b=True)],
                    taxpayer=person(birth="1975-01-01", separated_from_service_year=2020), income=60000)
    res = run(data)
    assert res.graph[F + "line4"] in (0, None)
    assert "CODE_2_NO_EXCEPTION" not in {f.code for f in check(res)}


def _excess(box1, codes, born, uses, ira, forms=()):
    return scenario(2025, [form("x", box1, codes, "2025-05-01", ira=True, box2a=box1, box2b_not_determined=True,
                                uses=uses), *forms], taxpayer=person(birth=born, ira=ira))


def test_excess_withdrawn_after_the_due_date_is_not_income():
    # i8606 (2007) "Return of Excess Traditional IRA Contributions", example: no compensation after retiring,
    # contributions of 4,000 and 3,000 for two years not deducted, all excess; 7,000 withdrawn after the due dates:
    # "include the $7,000 distribution on ... line 15a, enter -0- on line 15b" (S; years moved to 2023-2025)
    data = _excess(7000, ["7"], "1958-01-01", [{"kind": "excess_withdrawn", "amount": 7000}],
                   {"prior_basis": 0, "year_end_value": 30000})
    res = run(data)
    assert (res.graph["f1040.line4a"], res.graph["f1040.line4b"]) == (7000, 0)
    assert not res.graph["f8606.taxpayer.required"]
    assert "EXCESS_WITHDRAWN_AFTER_DUE_DATE" in {f.code for f in check(res)}


def test_excess_withdrawn_stays_off_line_7_and_the_10_percent():
    # 40 years old, code 1: 8,000 paid, 3,000 of it an earlier excess withdrawn (IRC §408(d)(5)), 5,000 kept.
    # i8606: not on line 7. Line 7 5,000; line 9 50,000 + 5,000; line 10 10,000 / 55,000 = .182; line 12 910;
    # line 15c 4,090; 4a 8,000, 4b 4,090; 10% of 4,090 = 409 (D)
    data = _excess(8000, ["1"], "1985-01-01", [{"kind": "excess_withdrawn", "amount": 3000}],
                   {"prior_basis": 10000, "year_end_value": 50000})
    res = run(data)
    g = res.graph
    assert (g[P + "line7"], g[P + "line10"], g[P + "line12"], g[P + "line15c"]) == (5000, Decimal("0.182"), 910, 4090)
    assert (g["f1040.line4a"], g["f1040.line4b"], g[F + "line4"]) == (8000, 4090, 409)
    finding = next(f for f in check(res) if f.code == "EXCESS_WITHDRAWN_AFTER_DUE_DATE")
    assert "$10,000" in finding.message and "line 2" in finding.message  # the basis given must leave it out


@pytest.mark.parametrize("source", ["plan", "roth_ira"])
def test_excess_withdrawn_is_a_traditional_iras(source):
    from taxdocs.errors import InputError
    data = scenario(2025, [form("x", 3000, ["1"], "2025-05-01", box2a=3000, source=source,
                                uses=[{"kind": "excess_withdrawn", "amount": 3000}])],
                    taxpayer=person(birth="1985-01-01"))
    with pytest.raises(InputError) as e:
        run(data)
    assert any(p.path.endswith("uses[0].kind") and "408(d)(5)" in p.rule for p in e.value.problems)
