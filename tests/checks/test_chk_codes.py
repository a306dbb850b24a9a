"""Box 7 distribution codes (rules.md §2.1): pairs, Roth codes with the IRA box, G/H and 2a, codes and age."""
from datetime import date

from decimal import Decimal

import pytest

from chkhelp import codes, form, ira_form, only, person, result, run, scenario
from taxdocs.checks.box_checks import code_s
from taxdocs.checks.context import Ctx
from taxdocs.errors import InputError


# --- pairs and years ----------------------------------------------------------------------

@pytest.mark.parametrize("bad,why", [(("7", "1"), "1 and 8, 2 and 8"), (("1", "7"), "1 and 8"),
                                     (("Q", "B"), "cannot be combined"), (("G", "7"), "only with"),
                                     (("7", "7"), "twice")])
def test_code_pair_invalid(bad, why):
    f = only(run(scenario([form("p1", 1000, bad, box2a=1000)])), "CODE_PAIR_INVALID")
    assert why in f.message and f.field == "forms_1099r[0].box7" and f.severity == "error"


@pytest.mark.parametrize("good", [("1", "8"), ("8", "2"), ("G", "4"), ("7", "D"), ("B", "G")])
def test_code_pair_valid(good):
    assert "CODE_PAIR_INVALID" not in codes(run(scenario([form("p1", 1000, good, box2a=0)])))


def test_code_y_alone_is_not_valid_but_y7_is():
    """Y (QCD, from 2025) is always paired: Y7, Y4, YK (rules.md §2.1)."""
    old = person(birth="1950-01-01")
    alone = scenario([ira_form("q", 5000, ("Y",), uses=[{"kind": "qcd", "amount": 5000}])], taxpayer=old)
    assert "never used alone" in only(run(alone), "CODE_PAIR_INVALID").message
    paired = scenario([ira_form("q", 5000, ("Y", "7"), uses=[{"kind": "qcd", "amount": 5000}])], taxpayer=old)
    assert "CODE_PAIR_INVALID" not in codes(run(paired))


def test_code_not_valid_for_year():
    old = person(birth="1950-01-01")
    y2024 = scenario([ira_form("q", 5000, ("Y", "7"), paid="2024-03-01", uses=[{"kind": "qcd", "amount": 5000}])],
                     year=2024, taxpayer=old)
    f = only(run(y2024), "CODE_NOT_VALID_FOR_YEAR")
    assert "2024" in f.message and "2025" in f.message
    y2025 = scenario([ira_form("q", 5000, ("Y", "7"), uses=[{"kind": "qcd", "amount": 5000}])], taxpayer=old)
    assert "CODE_NOT_VALID_FOR_YEAR" not in codes(run(y2025))


# --- Roth codes and recharacterizations with the IRA box ----------------------------------

@pytest.mark.parametrize("code", ["J", "Q", "T"])
def test_roth_code_with_ira_box(code):
    tp = person(birth="1950-01-01", roth={"first_contribution_year": 2010})
    bad = scenario([form("r", 1000, (code,), ira=True)], taxpayer=tp)
    f = only(run(bad), "CODE_ROTH_WITH_IRA_BOX")
    assert f.field == "forms_1099r[0].box7_ira_sep_simple" and code in f.message
    good = scenario([form("r", 1000, (code,), ira=False)], taxpayer=tp)
    assert "CODE_ROTH_WITH_IRA_BOX" not in codes(run(good))


def test_recharacterization_code_with_ira_box():
    bad = scenario([form("n", 1000, ("R",), ira=True, box2a=0)])
    assert "recharacterization" in only(run(bad), "CODE_RECHAR_WITH_IRA_BOX").message
    good = scenario([form("n", 1000, ("R",), ira=False, box2a=0)])
    assert "CODE_RECHAR_WITH_IRA_BOX" not in codes(run(good))


@pytest.mark.parametrize("box7", [("1", "L"), ("7", "A"), ("7", "B"), ("M",), ("U",), ("9",), ("6",), ("7", "D"),
                                  ("F",), ("C",), ("6", "W"), ("4", "H")])
def test_plan_or_contract_code_with_ira_box(box7):
    """Codes used only for employer plans or annuity/insurance contracts cannot carry the IRA/SEP/SIMPLE box."""
    tp = person(birth="1950-01-01")
    bad = scenario([form("p", 1000, box7, ira=True, box2a=1000)], taxpayer=tp)
    f = only(run(bad), "CODE_NEVER_IRA_WITH_IRA_BOX")
    never = next(c for c in box7 if c not in "147")
    assert f.field == "forms_1099r[0].box7_ira_sep_simple" and f"code {never} (" in f.message
    good = scenario([form("p", 1000, box7, ira=False, box2a=1000)], taxpayer=tp)
    assert "CODE_NEVER_IRA_WITH_IRA_BOX" not in codes(run(good))


@pytest.mark.parametrize("box7", [("7",), ("7", "K"), ("G",), ("E",), ("2",), ("7", "Y"), ("S",)])
def test_ira_codes_with_ira_box_are_not_flagged(box7):
    f = form("i", 1000, box7, ira=True, box2a=1000)
    assert "CODE_NEVER_IRA_WITH_IRA_BOX" not in codes(run(scenario([f], taxpayer=person(birth="1950-01-01"))))


@pytest.mark.parametrize("code", ["Q", "T"])
def test_roth_exception_code_under_59_half(code):
    """Q/T say 59½, death or disability; a birth date under 59½ with neither outweighs them (the 10% applies)."""
    roth = {"first_contribution_year": 2022, "contribution_basis": 2000}
    young = scenario([form("r", 5000, (code,), box2b_not_determined=True)], taxpayer=person(birth="1980-02-01", roth=roth))
    f = only(run(young), "CODE_ROTH_EXCEPTION_UNDER_59_HALF")
    assert f"code {code}" in f.message and f.field == "forms_1099r[0].box7"
    for tp in (person(birth="1960-01-01", roth=roth), person(birth="1980-02-01", roth=roth, disabled=True)):
        ok = scenario([form("r", 5000, (code,), box2b_not_determined=True)], taxpayer=tp)
        assert "CODE_ROTH_EXCEPTION_UNDER_59_HALF" not in codes(run(ok))


# --- G and H ------------------------------------------------------------------------------

def test_code_g_to_traditional_ira_with_taxable_2a():
    """Code G with 2a > 0 is wrong unless the destination is a Roth IRA (rules.md §2.1)."""
    bad = scenario([form("g", 80000, ("G",), box2a=80000,
                         uses=[{"kind": "direct_rollover", "to": "traditional_ira", "amount": 80000}])])
    f = only(run(bad), "CODE_G_TAXABLE_MISMATCH")
    assert "traditional IRA" in f.message and "should be 0" in f.message and f.field == "forms_1099r[0].box2a"
    good = scenario([form("g", 80000, ("G",), box2a=0,
                          uses=[{"kind": "direct_rollover", "to": "traditional_ira", "amount": 80000}])])
    assert "CODE_G_TAXABLE_MISMATCH" not in codes(run(good))


def test_code_g_to_roth_ira_with_zero_2a():
    """EX-24 A: 50,000 of pre-tax 401(k) money rolled directly to a Roth IRA: 2a = 50,000 (i1099r code G)."""
    uses = [{"kind": "direct_rollover", "to": "roth_ira", "amount": 50000}]
    f = only(run(scenario([form("g", 50000, ("G",), box2a=0, uses=uses)])), "CODE_G_TAXABLE_MISMATCH")
    assert "$50,000" in f.message and "Roth IRA" in f.message
    assert "CODE_G_TAXABLE_MISMATCH" not in codes(run(scenario([form("g", 50000, ("G",), box2a=50000, uses=uses)])))


def test_code_g_to_roth_ira_with_after_tax_part():
    """EX-24 B: 80,000 pre-tax / 20,000 after-tax; 25,000 converted: 2a = 20,000, box 5 = 5,000."""
    uses = [{"kind": "direct_rollover", "to": "roth_ira", "amount": 25000}]
    acct = {"balance": 100000, "after_tax": 20000}
    ok = scenario([form("g", 25000, ("G",), box2a=20000, box5=5000, plan_account=acct, uses=uses)])
    assert "CODE_G_TAXABLE_MISMATCH" not in codes(run(ok))
    wrong = scenario([form("g", 25000, ("G",), box2a=25000, box5=5000, plan_account=acct, uses=uses)])
    assert "$20,000" in only(run(wrong), "CODE_G_TAXABLE_MISMATCH").message


def test_code_h_taxable():
    bad = scenario([form("h", 326000, ("H",), box2a=1, box5=207000)])
    f = only(run(bad), "CODE_H_TAXABLE")
    assert f.field == "forms_1099r[0].box2a" and "$1" in f.message
    assert "CODE_H_TAXABLE" not in codes(run(scenario([form("h", 326000, ("H",), box2a=0, box5=207000)])))


# --- codes and age (59½ = six months after the 59th birthday, Pub. 590-B) -------------------

BORN = "1966-01-15"  # 59½ on 2025-07-15


def _age_case(code, paid, **kw):
    return scenario([form("p", 10000, (code,), paid=paid, box2a=10000, **kw)], taxpayer=person(birth=BORN))


def test_code_7_one_day_before_59_half():
    f = only(run(_age_case("7", "2025-07-14")), "CODE_7_UNDER_59_HALF")
    # a warning: the payer's form is wrong, but the 10% is computed all the same (audit 7 case 17)
    assert "Jul 15, 2025" in f.message and "Jul 14, 2025" in f.message and f.severity == "warning"


def test_code_7_on_the_59_half_date():
    assert "CODE_7_UNDER_59_HALF" not in codes(run(_age_case("7", "2025-07-15")))


def test_code_1_on_the_59_half_date():
    f = only(run(_age_case("1", "2025-07-15")), "CODE_1_OVER_59_HALF")
    assert f.severity == "warning" and "code 1" in f.message


def test_code_1_one_day_before_59_half():
    assert "CODE_1_OVER_59_HALF" not in codes(run(_age_case("1", "2025-07-14")))


def test_code_j_at_59_half_is_flagged_too():
    tp = person(birth=BORN, roth={"first_contribution_year": 2010, "contribution_basis": 50000})
    f = only(run(scenario([form("r", 1000, ("J",), paid="2025-08-01")], taxpayer=tp)), "CODE_1_OVER_59_HALF")
    assert "code J" in f.message


def test_code_2_with_no_exception():
    f = only(run(_age_case("2", "2025-03-01")), "CODE_2_NO_EXCEPTION")
    assert f.severity == "warning" and "$10,000" in f.message and "separation" in f.message
    assert "457(b)" in f.message and "457(b)" in f.fix


@pytest.mark.parametrize("kw", [{"exceptions": [{"number": "10"}]}, {"sepp": True},
                                {"governmental_457b": True}])  # i1099r code 2 (audit, session 18)
def test_code_2_with_an_exception_listed(kw):
    assert "CODE_2_NO_EXCEPTION" not in codes(run(_age_case("2", "2025-03-01", **kw)))


def test_code_2_separated_from_service_at_55():
    tp = person(birth="1968-05-01", separated_from_service_year=2023)  # reached 55 in 2023
    data = scenario([form("p", 10000, ("2",), box2a=10000)], taxpayer=tp)
    assert "CODE_2_NO_EXCEPTION" not in codes(run(data))
    tp_early = person(birth="1968-05-01", separated_from_service_year=2022)  # the year before reaching 55
    assert "CODE_2_NO_EXCEPTION" in codes(run(scenario([form("p", 10000, ("2",), box2a=10000)], taxpayer=tp_early)))


@pytest.mark.parametrize("paid, sep, excepted", [
    ("2025-03-01", {"separated_from_service_date": "2025-06-30"}, False),  # paid while still employed
    ("2025-07-01", {"separated_from_service_date": "2025-06-30"}, True),
    ("2025-06-30", {"separated_from_service_date": "2025-06-30"}, True),   # paid on the day of separation: taken as after
    ("2025-03-01", {"separated_from_service_year": 2026}, False),          # separation in a later year
    ("2025-03-01", {"separated_from_service_year": 2025}, True),           # no date: the year is all there is
])
def test_exception_01_only_after_the_separation(paid, sep, excepted):
    """IRC §72(t)(2)(A)(v): "made to an employee after separation from service after attainment of age 55". 56 in
    2025 (born 1969): a 401(k) payment before the separation owes the 10% (2,000), claimed or not."""
    tp = person(birth="1969-01-01", **sep)
    auto = scenario([form("p", 20000, ("1",), box2a=20000, paid=paid)], taxpayer=tp)
    claimed = scenario([form("p", 20000, ("1",), box2a=20000, paid=paid, exceptions=[{"number": "01"}])],
                       taxpayer=tp)
    for data in (auto, claimed):
        assert result(data).graph["f5329.taxpayer.line4"] == (0 if excepted else 2000)
    if not excepted:
        f = only(run(claimed), "EXCEPTION_NOT_ALLOWED")
        assert "after the separation from service" in f.message and "Mar 1, 2025" in f.message
    coded = scenario([form("p", 20000, ("2",), box2a=20000, paid=paid)], taxpayer=tp)
    assert ("CODE_2_NO_EXCEPTION" in codes(run(coded))) is not excepted


def test_exception_01_in_the_separation_year_without_a_date_is_flagged():
    """Only the year given: a payment that year is taken as after the separation, and an info finding asks for the
    date. With the date given (or a payment in a later year) there is nothing to ask."""
    def data(paid, **sep):
        return scenario([form("p", 20000, ("1",), box2a=20000, paid=paid)],
                        taxpayer=person(birth="1969-01-01", **sep))
    f = only(run(data("2025-03-01", separated_from_service_year=2025)), "EXCEPTION_01_DATE_ASSUMED")
    assert f.severity == "info" and f.field == "taxpayer.separated_from_service_date" and "Mar 1, 2025" in f.message
    assert "EXCEPTION_01_DATE_ASSUMED" not in codes(run(data("2025-03-01", separated_from_service_date="2025-02-01")))
    assert "EXCEPTION_01_DATE_ASSUMED" not in codes(run(data("2025-03-01", separated_from_service_year=2024)))


def test_separation_date_and_year_must_agree():
    data = scenario([form("p", 20000, ("1",), box2a=20000)],
                    taxpayer=person(birth="1969-01-01", separated_from_service_date="2025-06-30",
                                    separated_from_service_year=2024))
    with pytest.raises(InputError) as e:
        result(data)
    assert any(p.path == "taxpayer.separated_from_service_date" for p in e.value.problems)


def test_code_2_public_safety_after_25_years_of_service():
    """The same exception 01 rule as Form 5329 (IRC §72(t)(10), SECURE 2.0 §329): 25 years of service at 47."""
    def tp(years):
        return person(birth="1978-05-01", separated_from_service_year=2025, public_safety_employee=True,
                      public_safety_service_years=years)
    assert "CODE_2_NO_EXCEPTION" not in codes(run(scenario([form("p", 10000, ("2",), box2a=10000)], taxpayer=tp(25))))
    assert "CODE_2_NO_EXCEPTION" in codes(run(scenario([form("p", 10000, ("2",), box2a=10000)], taxpayer=tp(20))))


def test_code_2_on_a_roth_conversion_under_59_half():
    """i1099r: code 2 covers a Roth IRA conversion under 59½."""
    data = scenario([ira_form("c", 7000, ("2",), uses=[{"kind": "conversion", "to": "roth_ira", "amount": 7000}])],
                    taxpayer=person(ira={"prior_basis": 0, "year_end_value": 0}))
    assert "CODE_2_NO_EXCEPTION" not in codes(run(data))


def test_code_s_start_unknown():
    data = scenario([ira_form("s", 5000, ("S",))], taxpayer=person(ira={"ever_nondeductible": False}))
    f = only(run(data), "CODE_S_START_UNKNOWN")
    assert f.severity == "info" and "25%" in f.message
    assert "CODE_S_START_UNKNOWN" not in codes(run(scenario([ira_form("s", 5000, ("1",))])))


def test_code_s_after_two_years():
    """IRC §72(t)(6): the 2-year period begins on the date of first participation."""
    res = result(scenario([ira_form("s", 5000, ("S",), paid="2025-03-01")]))
    ctx = Ctx(res)
    f = res.scenario.forms_1099r[0]
    after = code_s(ctx, f, date(2025, 3, 1), date(2023, 3, 1))
    assert [x.code for x in after] == ["CODE_S_AFTER_2_YEARS"] and "Mar 1, 2025" in after[0].message
    within = code_s(ctx, f, date(2025, 2, 28), date(2023, 3, 1))
    assert within == []


# --- exceptions claimed that Form 5329 cannot take (i5329 line 2 table; IRC §72(t)(8)(D)) --------------------

def test_exception_not_for_the_account():
    """01 (separation at 55) is for plans, not IRAs: refused, and the 10% computed without it."""
    data = scenario([ira_form("i", 20000, ("1",), box2a=20000, exceptions=[{"number": "01"}])],
                    taxpayer=person(birth="1969-01-01", separated_from_service_year=2025, ira={"year_end_value": 1}))
    f = only(run(data), "EXCEPTION_NOT_ALLOWED")
    assert f.severity == "warning" and "does not apply to IRA distributions" in f.message
    assert f.field == "forms_1099r[0].exceptions"
    assert result(data).graph["f5329.taxpayer.line4"] == 2000
    ok = scenario([ira_form("i", 20000, ("1",), box2a=20000, exceptions=[{"number": "03"}])],
                  taxpayer=person(birth="1969-01-01", ira={"year_end_value": 1}))
    assert "EXCEPTION_NOT_ALLOWED" not in codes(run(ok))


def test_exception_09_beyond_the_lifetime_limit():
    data = scenario([ira_form("i", 8000, ("1",), box2a=8000, exceptions=[{"number": "09"}])],
                    taxpayer=person(birth="1985-01-01", ira={"year_end_value": 1}, roth={"prior_homebuyer": 6000}))
    f = only(run(data), "EXCEPTION_NOT_ALLOWED")
    assert "lifetime" in f.message and "$4,000" in f.message
    within = scenario([ira_form("i", 4000, ("1",), box2a=4000, exceptions=[{"number": "09"}])],
                      taxpayer=person(birth="1985-01-01", ira={"year_end_value": 1}, roth={"prior_homebuyer": 6000}))
    assert "EXCEPTION_NOT_ALLOWED" not in codes(run(within))


# --- code P and plan code 8: which return, which line -------------------------------------------

def test_ira_code_p_belongs_to_the_earlier_return():
    """i8606: a contribution returned after the year is reported on that year's return (IRC §408(d)(4))."""
    data = scenario([ira_form("r", 7150, ("P",), box2a=150, box4=15)])
    res = result(data)
    lines = res.lines()
    assert lines["f1040.line4a"] is None and lines["f1040.line4b"] is None
    assert lines["f1040.line25b"] == 15  # withheld this year: claimed this year
    f = only(run(data), "CODE_P_PRIOR_YEAR")
    assert "2024" in f.message and "$150" in f.message and "$15" in f.message


def test_plan_code_8_is_line_1h_and_code_p_the_earlier_year():
    """i1040 line 1h: corrective distributions of excess deferrals (plus earnings) from a plan, not 5a-5b;
    code P: taxable in the year before (IRC §402(g)(2)(A), (C))."""
    data = scenario([form("p", 3000, ("P",), box2a=3000, corrective=True),
                     form("e", 250, ("8",), box2a=250, corrective=True)])
    lines = result(data).lines()
    assert lines["f1040.line5a"] is None and lines["f1040.line5b"] is None
    assert lines["f1040.line1h_corrective"] == 250 and lines["f1040.retirement_taxable"] == 250
    assert only(run(data), "CODE_P_PRIOR_YEAR").record == "p"


def test_code_r_recharacterization_belongs_to_the_earlier_year():
    """i8606 (2015) Recharacterizations, example 2: a 2015 contribution recharacterized on Feb 24, 2016 is
    reported "only in the attached statement, and not on your 2015 or 2016 tax return"; on the 2016 return the
    code R 1099-R ($3,300) adds nothing to lines 4a-4b. Code N (same year) stays on line 4a."""
    data = scenario([form("r", 3300, ("R",), ira=False, box2a=0, paid="2025-02-24")])
    lines = result(data).lines()
    assert lines["f1040.line4a"] is None and lines["f1040.line4b"] is None
    f = only(run(data), "CODE_R_PRIOR_YEAR")
    assert f.severity == "info" and "2024" in f.message and "$3,300" in f.message
    same_year = scenario([form("n", 3300, ("N",), ira=False, box2a=0)])
    assert result(same_year).lines()["f1040.line4a"] == 3300
    assert "CODE_R_PRIOR_YEAR" not in codes(run(same_year))


def test_ira_code_8_stays_on_line_4():
    """Code 8 from an IRA: the earnings are taxable this year on line 4b (i1040 lines 4a-4b, Exception 2)."""
    data = scenario([ira_form("r", 7150, ("8",), box2a=150)])
    lines = result(data).lines()
    assert lines["f1040.line4a"] == 7150 and lines["f1040.line4b"] == 150
    assert "CODE_P_PRIOR_YEAR" not in codes(run(data))


# --- exception numbers the year does not have, caps, numbers not transcribed ----------------------

def _young_ira(number, box1=8000, year=2025, amount=None):
    ex = {"number": number} if amount is None else {"number": number, "amount": amount}
    return scenario([ira_form("x", box1, ("1",), paid=f"{year}-03-01", exceptions=[ex])], year=year,
                    taxpayer=person(birth="1990-05-05", ira={"year_end_value": 50000}))


@pytest.mark.parametrize("number,year,why", [("42", 2025, "01-23"), ("99", 2025, "99 only summarizes"),
                                             ("13", 2016, "01-12")])
def test_a_number_the_years_form_does_not_have_is_refused(number, year, why):
    data = _young_ira(number, year=year)
    f = only(run(data), "EXCEPTION_NOT_ALLOWED")
    assert why in f.message
    assert result(data).lines()["f5329.taxpayer.line4"] == 800  # 10% of 8,000: nothing excepted


def test_birth_or_adoption_is_capped_per_claim():
    """IRC §72(t)(2)(H): $5,000 per birth or adoption (2025 i5329 exception 19)."""
    data = _young_ira("19")
    lines = result(data).lines()
    assert lines["f5329.taxpayer.line2"] == 5000 and lines["f5329.taxpayer.line4"] == 300
    assert "at most $5,000" in only(run(data), "EXCEPTION_NOT_ALLOWED").message
    within = _young_ira("19", box1=4000)
    assert result(within).lines()["f5329.taxpayer.line4"] == 0
    assert "EXCEPTION_NOT_ALLOWED" not in codes(run(within))


def test_a_number_not_transcribed_is_applied_and_flagged():
    data = _young_ira("16", box1=1000)  # annuity contracts: in the 2025 list, not transcribed
    assert result(data).lines()["f5329.taxpayer.line4"] == 0
    f = only(run(data), "EXCEPTION_NUMBER_UNVERIFIED")
    assert "16" in f.message and "2025" in f.message
    assert "EXCEPTION_NUMBER_UNVERIFIED" not in codes(run(_young_ira("03")))


@pytest.mark.parametrize("number, allowed", [("13", False), ("14", False), ("15", False), ("17", False),
                                             ("18", True), ("21", True)])
def test_numbers_13_to_21_have_their_accounts(number, allowed):
    """2024-2025 numbers 13-15, 17 are plan exceptions (457, pre-1986 election, ESOP dividends, phased
    retirement); 18 (§414(w)) and 21 (corrective income) may be IRAs. Before, all were applied as claimed."""
    data = _young_ira(number, box1=1000)
    assert result(data).lines()["f5329.taxpayer.line4"] == (0 if allowed else 100)
    assert ("EXCEPTION_NOT_ALLOWED" in codes(run(data))) is not allowed
    assert "EXCEPTION_NUMBER_UNVERIFIED" not in codes(run(data))


# --- emergency personal expense (23) and domestic abuse (22): IRC §72(t)(2)(I), (K); Notice 2024-55 ------------

def _early(*forms, year=2025):
    return scenario(list(forms), year=year, taxpayer=person(birth="1985-03-01", ira={"year_end_value": 20000}))


def _ira(id, box1, number, paid="2025-05-10", **kw):
    return ira_form(id, box1, ("1",), paid=paid, exceptions=[{"number": number, **kw}])


def _plan(id, box1, number, balance, paid="2024-07-01"):
    return form(id, box1, ("1",), paid=paid, box2a=box1, plan_account={"balance": balance, "after_tax": 0},
                exceptions=[{"number": number}])


@pytest.mark.parametrize("name, data, line2, line4, refused", [
    # $1,000 a person-year (§72(t)(2)(I)(iii)): audit 5 C01
    ("emergency capped", _early(_ira("e", 3000, "23")), 1000, 200, ["at most $1,000"]),
    # one distribution a calendar year, the one that excepts the most (§72(t)(2)(I)(ii)): C02
    ("emergency once a year", _early(_ira("mar", 800, "23", paid="2025-03-01"), _ira("sep", 900, "23", paid="2025-09-01")),
     900, 80, ["one distribution a calendar year, and it was applied to sep"]),
    # 2025 limit $10,300 (2025.yaml domestic_abuse_limit): C03
    ("domestic abuse capped", _early(_ira("d", 15000, "22")), 10300, 470, ["at most $10,300"]),
    # the limit is for the person's year across forms
    ("domestic abuse across forms", _early(_ira("d1", 6000, "22"), _ira("d2", 6000, "22")), 10300, 170,
     ["at most $4,300"]),
    # 50% of the vested balance just before the distribution (§72(t)(2)(K)(ii)(I)(bb)): C04, 2024
    ("domestic abuse half the balance", _early(_plan("k", 8000, "22", 12000), year=2024), 6000, 200,
     ["at most $6,000 (50% of the vested balance"]),
    # emergency: the balance over $1,000
    ("emergency balance over 1,000", _early(_plan("k", 1000, "23", 1600), year=2024), 600, 40,
     ["at most $600 (the vested balance"]),
    ("within the limits", _early(_ira("e", 900, "23"), _ira("d", 5000, "22")), 5900, 0, []),
    # a Roth IRA distribution's earnings (8606 line 25c) are one Form 5329 item: the cap, not a second-form refusal
    ("emergency from a Roth IRA", scenario([form("r", 3000, ("J",), paid="2025-05-01", exceptions=[{"number": "23"}])],
                                           taxpayer=person(birth="1985-01-01", roth={"first_contribution_year": 2015,
                                                                                    "contribution_basis": 0})),
     1000, 200, ["at most $1,000"]),
])
def test_emergency_and_domestic_abuse_limits(name, data, line2, line4, refused):
    lines = result(data).lines()
    assert lines["f5329.taxpayer.line2"] == line2 and lines["f5329.taxpayer.line4"] == line4
    found = [f.message for f in run(data) if f.code == "EXCEPTION_NOT_ALLOWED"]
    assert len(found) == len(refused) and all(r in m for r, m in zip(refused, found))


def test_a_balance_limit_without_a_balance_is_said():
    """No balance for an IRA: the dollar cap is applied, the balance limit is not checkable (info)."""
    f = only(run(_early(_ira("d", 5000, "22"))), "EXCEPTION_LIMIT_UNCHECKED")
    assert f.severity == "info" and "50% of the vested balance" in f.message
    assert "EXCEPTION_LIMIT_UNCHECKED" not in codes(run(_early(_plan("k", 5000, "22", 20000), year=2024)))


def test_two_birth_claims_for_twins_are_not_a_refusal():
    """One claim of 19 per child (general.yaml): twins, $10,000, two blank claims: all excepted, nothing refused
    (audit 5 C06). One claim leaves $5,000 taxed, and says so."""
    twins = scenario([ira_form("t", 10000, ("1",), exceptions=[{"number": "19"}, {"number": "19"}])],
                     taxpayer=person(birth="1990-01-01", ira={"year_end_value": 1}))
    assert result(twins).lines()["f5329.taxpayer.line4"] == 0
    assert "EXCEPTION_NOT_ALLOWED" not in codes(run(twins))
    one = scenario([ira_form("t", 10000, ("1",), exceptions=[{"number": "19"}])],
                   taxpayer=person(birth="1990-01-01", ira={"year_end_value": 1}))
    assert result(one).lines()["f5329.taxpayer.line4"] == 500
    assert "at most $5,000" in only(run(one), "EXCEPTION_NOT_ALLOWED").message


def test_one_birth_claimed_on_two_forms_shares_its_5000():
    """IRC §72(t)(2)(H)(ii): $5,000 per individual per birth or adoption, across plans and IRAs (audit 5 C07):
    $3,000 from an IRA and $4,000 from a 401(k) for one child: $5,000 excepted, 10% on $2,000."""
    def claim(event):
        return [{"number": "19", **({"event": event} if event else {})}]
    def data(e1, e2):
        return scenario([ira_form("ira", 3000, ("1",), paid="2025-05-01", exceptions=claim(e1)),
                         form("k401", 4000, ("1",), paid="2025-06-01", box2a=4000, exceptions=claim(e2))],
                        taxpayer=person(birth="1990-01-01", ira={"year_end_value": 30000}))
    same = result(data("child born 2025-03-01", "Child born 2025-03-01 ")).lines()
    assert same["f5329.taxpayer.line2"] == 5000 and same["f5329.taxpayer.line4"] == 200
    assert "at most $2,000" in only(run(data("kid", "kid")), "EXCEPTION_NOT_ALLOWED").message
    apart = result(data("first child", "second child")).lines()  # two births: each its own $5,000
    assert apart["f5329.taxpayer.line2"] == 7000 and apart["f5329.taxpayer.line4"] == 0


@pytest.mark.parametrize("service, paid, birth, line4", [
    (25, "2025-09-01", "1977-05-01", 0),       # 25 years of service at 48: exception 01 (audit 5 C09)
    (24, "2025-09-01", "1977-05-01", 3000),    # 24 years, under 50: taxed
    (None, "2025-09-01", "1975-01-01", 0),     # age 50 in the year of separation: as before
    (30, "2022-06-01", "1977-05-01", 3000),    # before SECURE 2.0 §329 (distributions after Dec. 29, 2022)
])
def test_public_safety_25_years_of_service(service, paid, birth, line4):
    """IRC §72(t)(10) as amended by SECURE 2.0 §329: age 50 or, if earlier, 25 years of service under the plan."""
    year = int(paid[:4])
    who = person(birth=birth, public_safety_employee=True, separated_from_service_year=year)
    if service is not None:
        who["public_safety_service_years"] = service
    data = scenario([form("pension", 30000, ("1",), paid=paid, box2a=30000, box4=6000)], year=year, taxpayer=who)
    assert result(data).lines()["f5329.taxpayer.line4"] == line4


def _four(*forms):
    return scenario(list(forms), taxpayer=person(birth="1985-01-01", ira={"year_end_value": 20000},
                                                 roth={"first_contribution_year": 2015, "contribution_basis": 0}))


_E23 = [{"number": "23"}]


@pytest.mark.parametrize("name, data, line2, line4", [
    # a form the payer already shows as excepted (code 2) has no item: 23 goes to the other one
    ("payer excepted", _four(ira_form("a", 2000, ("2",), exceptions=_E23), ira_form("b", 900, ("1",), exceptions=_E23)),
     900, 0),
    # the balance limit makes a plan's 23 worth $200 (balance 1,200 less 1,000): the IRA's $900 is worth more
    ("balance limit", _four(form("p", 1000, ("1",), box2a=1000, plan_account={"balance": 1200, "after_tax": 0},
                                 exceptions=_E23), ira_form("i", 900, ("1",), exceptions=_E23)), 900, 100),
    # a form another exception covers in full gains nothing from 23
    ("covered by 05", _four(ira_form("a", 2000, ("1",), exceptions=[{"number": "05"}, {"number": "23"}]),
                            ira_form("b", 900, ("1",), exceptions=_E23)), 2900, 0),
    # the Roth IRA's earnings (one item) against an IRA's $500: the Roth's $1,000
    ("Roth or IRA", _four(form("r", 3000, ("J",), exceptions=_E23), ira_form("i", 500, ("1",), exceptions=_E23)),
     1000, 250),
    # limits in whole dollars, rounded down: a balance of 1,600.50 allows 600, not 600.50
    ("rounded down", _four(form("p", 1000, ("1",), box2a=1000, plan_account={"balance": "1600.50", "after_tax": 0},
                                exceptions=_E23)), 600, 40),
])
def test_emergency_goes_where_it_excepts_the_most(name, data, line2, line4):
    """IRC §72(t)(2)(I)(ii): one distribution a calendar year may be treated as an emergency personal expense
    distribution; the taxpayer treats the one that excepts the most (each is tried)."""
    lines = result(data).lines()
    assert (lines["f5329.taxpayer.line2"], lines["f5329.taxpayer.line4"]) == (line2, line4)


@pytest.mark.parametrize("number, box1, line2_old, line2", [
    # IRA with basis: line 10 = 0.200, so 80% of each dollar paid out is taxable
    ("23", 1500, 1000, 800),     # $1,000 of the distribution is the emergency one: 80% of it taxable (IRC §72(t)(2)(I))
    ("19", 6000, 4800, 4000),    # $5,000 of it for the birth (IRC §72(t)(2)(H)(ii))
    ("09", 12000, 9600, 8000),   # $10,000 of it for the first home (IRC §72(t)(8)(B))
])
def test_capped_exceptions_limit_the_distribution_not_its_taxable_part(number, box1, line2_old, line2):
    """The caps limit distributions; an IRA distribution with basis is taxable pro rata (IRC §408(d)(2),
    §72(e)(8)), so the cap excepts its taxable share. Before, the cap was applied to the taxable amount and
    excepted line2_old."""
    basis = 2000 if box1 <= 8000 else 4000  # line 9 = 5 x basis
    tp = person(birth="1985-01-01", ira={"prior_basis": basis, "year_end_value": 5 * basis - box1})
    data = scenario([ira_form("i", box1, ("1",), exceptions=[{"number": number}])], taxpayer=tp)
    lines = result(data).lines()
    assert lines["f8606.taxpayer.line10"] == Decimal("0.200")
    assert lines["f5329.taxpayer.line1"] == box1 * 8 // 10
    assert lines["f5329.taxpayer.line2"] == line2 != line2_old
    assert lines["f5329.taxpayer.line4"] == (box1 * 8 // 10 - line2) // 10
    msg = only(run(data), "EXCEPTION_NOT_ALLOWED").message
    assert f"at most ${line2:,}" in msg and "pro rata" in msg


def test_capped_exception_on_a_plan_distribution_with_after_tax_money():
    """19 on a $6,000 plan distribution of which 10% is after-tax money (box 5): $5,000 of it, $4,500 taxable."""
    data = scenario([form("p", 6000, ("1",), box2a=5400, box5=600, exceptions=[{"number": "19"}])],
                    taxpayer=person(birth="1985-01-01"))
    lines = result(data).lines()
    assert lines["f5329.taxpayer.line1"] == 5400 and lines["f5329.taxpayer.line2"] == 4500
    assert lines["f5329.taxpayer.line4"] == 90


def test_two_forms_share_a_person_cap_in_distribution_terms():
    """22 (domestic abuse, $10,300 in 2025 for the person): a $10,000 IRA distribution 80% taxable uses $10,000 of
    the limit (excepting $8,000), leaving $300 for a second form."""
    tp = person(birth="1985-01-01", ira={"prior_basis": 4000, "year_end_value": 5000})
    e22 = [{"number": "22"}]
    data = scenario([ira_form("a", 10000, ("1",), exceptions=e22), ira_form("b", 5000, ("1",), exceptions=e22)],
                    taxpayer=tp)
    lines = result(data).lines()
    assert lines["f8606.taxpayer.line10"] == Decimal("0.200")
    assert lines["f5329.taxpayer.line1"] == 12000
    assert lines["f5329.taxpayer.line2"] == 8000 + 240  # $300 of the second form, 80% of it


def test_code_j_with_8_or_p_at_65_is_not_miscoded():
    """i1099r: a returned Roth IRA contribution takes "Code J and Code 8 or P" at any age (audit 7 case 7)."""
    data = scenario([form("r", 5200, ("J", "8"), box2a=200)], taxpayer=person(birth="1960-01-01"))
    assert "CODE_1_OVER_59_HALF" not in codes(run(data))
    assert "CODE_1_OVER_59_HALF" in codes(run(scenario([form("r", 5200, ("J",), box2a=200)],
                                                      taxpayer=person(birth="1960-01-01"))))


def test_code_u_esop_dividends_have_no_10_percent():
    """IRC §72(t)(2)(A)(vi): dividends paid through an ESOP under §404(k) (code U) are not early distributions
    (audit 7 case 45; before, 10% was computed)."""
    data = scenario([form("u", 1200, ("U",), box2a=1200)], taxpayer=person(birth="1981-01-01"))
    assert result(data).lines()["f5329.taxpayer.line4"] == 0


@pytest.mark.parametrize("code, source", [("S", "simple_ira"), ("K", "traditional_ira")])
def test_ira_codes_without_the_ira_box_are_ira_distributions(code, source):
    """i1099r: S and K are IRA codes; with the IRA/SEP/SIMPLE box left unchecked the form still reports an IRA
    (line 4a-4b), not a plan (line 5a-5b, 20% withholding) (audit 7 cases 13-15)."""
    data = scenario([form("x", 3000, (code,), box2a=3000)], taxpayer=person(birth="1981-01-01"))
    res = result(data)
    assert res.forms["x"].source.value == source and res.lines()["f1040.line4b"] == 3000
    assert "WITHHOLDING_NOT_20_PERCENT" not in codes(run(data))


def test_k_with_4_without_the_ira_box_is_an_inherited_ira():
    """Second read: the S/K rule keeps the IRA branch's order, so code 4 still means a beneficiary's IRA."""
    data = scenario([form("x", 3000, ("4", "K"), box2a=3000)], taxpayer=person(birth="1981-01-01"))
    assert result(data).forms["x"].source.value == "inherited_ira"
