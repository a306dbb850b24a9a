"""Basis, Form 8606 line 6, outstanding rollovers, a required 8606 not filed, and the spoiled backdoor."""
from decimal import Decimal

from chkhelp import codes, errors, ira_form, only, person, result, run, scenario
from taxdocs.checks.basis_checks import PriorYear

OLD = "1950-02-01"  # no 10% tax; RMD age passed (rollovers get RMD warnings, not used here)


def ex02(**ira):
    """EX-02 Bill King: basis 2,000, Dec 31 value 1,800, distribution 600 -> line 10 .833, line 12 500, 15c 100."""
    facts = {"prior_basis": 2000, "year_end_value": 1800}
    facts.update(ira)
    facts = {k: v for k, v in facts.items() if v is not None}
    return scenario([ira_form("ira1", 600)], taxpayer=person(birth=OLD, ira=facts))


def ex08(intent=True, **ira):
    """EX-08 Teddy: 7,000 nondeductible, converted; 93,000 pre-tax at year end -> line 11 490, line 18 6,510."""
    facts = {"nondeductible_contributions": 7000, "prior_basis": 0, "year_end_value": 93000}
    facts.update(ira)
    use = {"kind": "conversion", "to": "roth_ira", "amount": 7000, "date": "2025-02-01"}
    if intent:
        use["basis_only_intent"] = True
    return scenario([ira_form("conv", 7000, ("7",), paid="2025-02-01", uses=[use])],
                    taxpayer=person(birth="1965-05-05", ira=facts))


# --- missing basis --------------------------------------------------------------------------

def test_basis_missing_when_facts_show_nondeductible_money():
    found = run(ex02(prior_basis=None, ever_nondeductible=True))
    f = only(found, "BASIS_MISSING")
    assert f.severity == "error" and f.record == "taxpayer" and f.field == "taxpayer.ira.prior_basis"
    assert "ira1" in f.message and "$600" in f.message and "line 14" in f.message
    assert "BASIS_ASSUMED_ZERO" not in codes(found)


def test_basis_missing_when_an_8606_was_filed_before():
    f = only(run(ex02(prior_basis=None, last_8606_year=2021)), "BASIS_MISSING")
    assert "2021" in f.message


def test_basis_given_is_not_missing():
    found = run(ex02(ever_nondeductible=True))
    assert not codes(found) & {"BASIS_MISSING", "BASIS_ASSUMED_ZERO"}
    assert errors(found) == []


def test_basis_missing_on_a_conversion():
    """F-BASIS-MISSING covers conversions too (rules.md §11)."""
    data = ex08(intent=False, prior_basis=None, ever_nondeductible=True)
    assert "BASIS_MISSING" in codes(run(data))


def test_basis_assumed_zero_is_info():
    f = only(run(ex02(prior_basis=None)), "BASIS_ASSUMED_ZERO")
    assert f.severity == "info" and "ever_nondeductible: false" in f.fix


def test_basis_assumed_zero_not_when_confirmed_none():
    assert "BASIS_ASSUMED_ZERO" not in codes(run(ex02(prior_basis=None, ever_nondeductible=False)))


def test_basis_not_needed_for_a_full_rollover():
    data = scenario([ira_form("ira1", 600, uses=[{"kind": "indirect_rollover", "to": "traditional_ira",
                                                  "amount": 600, "date": "2025-06-10"}], paid="2025-06-01")],
                    taxpayer=person(ira={"ever_nondeductible": True}))
    assert "BASIS_MISSING" not in codes(run(data))


def test_basis_chain_disagrees_with_prior_line_14():
    """Line 2 must be last year's line 14 (rules.md §4.3, §4.6). EX-02's line 14 is 1,500."""
    found = run(ex02(), prior={"taxpayer": PriorYear(Decimal(1500), 2024, "2024 Form 8606")})
    f = only(found, "BASIS_CHAIN")
    assert "$2,000" in f.message and "$1,500" in f.message and "$500" in f.message and f.severity == "error"


def test_basis_chain_agrees():
    found = run(ex02(prior_basis=1500), prior={"taxpayer": PriorYear(Decimal(1500), 2024, "2024 Form 8606")})
    assert "BASIS_CHAIN" not in codes(found)


# --- line 6 ---------------------------------------------------------------------------------

def test_line6_missing():
    f = only(run(ex02(year_end_value=None)), "LINE6_MISSING")
    assert f.severity == "error" and f.field == "taxpayer.ira.year_end_value" and "Dec 31, 2025" in f.message


def test_line6_given():
    res = result(ex02())
    assert res.graph["f8606.taxpayer.line10"] == Decimal("0.833")  # EX-02
    assert res.graph["f8606.taxpayer.line15c"] == 100
    assert not codes(run(ex02())) & {"LINE6_MISSING", "LINE6_INCOMPLETE"}


def test_line6_not_needed_without_basis():
    data = scenario([ira_form("ira1", 600)], taxpayer=person(birth=OLD, ira={"ever_nondeductible": False}))
    assert "LINE6_MISSING" not in codes(run(data))


def test_line6_incomplete_accounts():
    accts = [{"name": "Bank IRA", "value": 1000}, {"name": "Broker IRA"}]
    f = only(run(ex02(year_end_value=None, year_end_accounts=accts)), "LINE6_INCOMPLETE")
    assert "Broker IRA" in f.message and "1 of 2" in f.message
    full = [{"name": "Bank IRA", "value": 1000}, {"name": "Broker IRA", "value": 800}]
    found = run(ex02(year_end_value=None, year_end_accounts=full))
    assert not codes(found) & {"LINE6_INCOMPLETE", "LINE6_MISSING"}
    assert result(ex02(year_end_value=None, year_end_accounts=full)).graph["f8606.taxpayer.line6"] == 1800


def test_line6_accounts_disagree():
    accts = [{"name": "A", "value": 1000}, {"name": "B", "value": 700}]
    f = only(run(ex02(year_end_accounts=accts)), "LINE6_ACCOUNTS_DISAGREE")
    assert "$1,800" in f.message and "$1,700" in f.message
    ok = [{"name": "A", "value": 1000}, {"name": "B", "value": 800}]
    assert "LINE6_ACCOUNTS_DISAGREE" not in codes(run(ex02(year_end_accounts=ok)))


# --- outstanding rollovers (i8606 line 6) ---------------------------------------------------

def _outstanding(deposited, given=None):
    facts = {"prior_basis": 2000, "year_end_value": 1800}
    if given is not None:
        facts["outstanding_rollovers"] = given
    return scenario([ira_form("ira1", 600),
                     ira_form("ira2", 5000, paid="2025-12-20",
                              uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 5000,
                                     "date": deposited}])],
                    taxpayer=person(birth="1970-01-01", ira=facts))


def test_outstanding_rollover_is_added_to_line6():
    found = run(_outstanding("2026-01-10"))
    f = only(found, "OUTSTANDING_ROLLOVER")
    assert f.severity == "info" and "$5,000" in f.message and "Jan 10, 2026" in f.message
    assert f.field == "forms_1099r[1].uses[0].date"
    assert result(_outstanding("2026-01-10")).graph["f8606.taxpayer.line6"] == 6800


def test_rollover_completed_by_dec_31_is_not_outstanding():
    assert "OUTSTANDING_ROLLOVER" not in codes(run(_outstanding("2025-12-31")))


def test_outstanding_rollover_given_differs():
    f = only(run(_outstanding("2026-01-10", given=4000)), "OUTSTANDING_ROLLOVER_DIFFERS")
    assert "$4,000" in f.message and "$5,000" in f.message
    same = run(_outstanding("2026-01-10", given=5000))
    assert "OUTSTANDING_ROLLOVER_DIFFERS" not in codes(same) and "OUTSTANDING_ROLLOVER" in codes(same)


# --- Form 8606 required but not filed ------------------------------------------------------------

def test_form_8606_not_filed():
    f = only(run(ex08(form_8606_filed=False)), "FORM_8606_NOT_FILED")
    assert f.severity == "error" and "Part II" in f.message and "$7,000" in f.message
    assert f.field == "taxpayer.ira.form_8606_filed"


def test_form_8606_not_filed_says_what_is_lost():
    """Audit 12 case 01: distributions only, 2,000 of basis: no $50 penalty (that is for unreported nondeductible
    contributions, IRC §6693(b)); the basis recovered goes unclaimed. Bill King (EX-02): line 13 = 500."""
    data = scenario([ira_form("ira1", 600)], taxpayer=person(birth="1950-03-01", ira={
        "prior_basis": 2000, "year_end_value": 1800, "form_8606_filed": False}))
    f = only(run(data), "FORM_8606_NOT_FILED")
    assert "$500 of basis recovered this year is not claimed" in f.fix and "penalty" not in f.fix
    assert "$50 penalty" in only(run(ex08(form_8606_filed=False)), "FORM_8606_NOT_FILED").fix  # EX-08: line 1 > 0


def test_form_8606_filed_or_not_required():
    assert "FORM_8606_NOT_FILED" not in codes(run(ex08(form_8606_filed=True)))
    no_basis = scenario([ira_form("ira1", 600)], taxpayer=person(ira={"ever_nondeductible": False,
                                                                      "form_8606_filed": False}))
    assert "FORM_8606_NOT_FILED" not in codes(run(no_basis))


# --- backdoor Roth spoiled by pro rata (EX-08) -------------------------------------------------

def test_backdoor_pro_rata_ex08():
    f = only(run(ex08()), "BACKDOOR_PRO_RATA")
    assert f.severity == "warning" and f.field == "forms_1099r[0].uses[0].basis_only_intent"
    for figure in ("$7,000", "$93,000", "0.070", "7%", "$490", "$6,510"):
        assert figure in f.message, figure


def test_backdoor_pro_rata_without_the_intent_flag():
    """A nondeductible contribution and a conversion in the same year is the backdoor pattern."""
    f = only(run(ex08(intent=False)), "BACKDOOR_PRO_RATA")
    assert "nondeductible contribution of $7,000" in f.message


def test_clean_backdoor():
    """No pre-tax IRA money at year end: line 10 = 1.000, nothing taxable."""
    found = run(ex08(year_end_value=0))
    assert "BACKDOOR_PRO_RATA" not in codes(found)
    assert errors(found) == []


def test_backdoor_leftover_earnings_are_not_spoiling():
    """7,000 contributed, 7,005 converted, 3 of earnings left at Dec 31: line 10 = 0.999, line 18 = 7 of which 5 is the
    conversion's own earnings. Under 1% of the conversion moved: no warning. 500 left: 464 more taxable, warned."""
    def backdoor(left):
        use = {"kind": "conversion", "to": "roth_ira", "amount": 7005, "date": "2025-02-01", "basis_only_intent": True}
        return scenario([ira_form("conv", 7005, ("7",), paid="2025-02-01", uses=[use])],
                        taxpayer=person(birth="1965-05-05", ira={"nondeductible_contributions": 7000, "prior_basis": 0,
                                                                 "year_end_value": left}))
    res = result(backdoor(3))
    assert res.lines()["f8606.taxpayer.line18"] == 7
    assert "BACKDOOR_PRO_RATA" not in codes(run(backdoor(3)))
    f = only(run(backdoor(500)), "BACKDOOR_PRO_RATA")
    assert "$469 is taxable" in f.message  # 7,005 x 0.933 = 6,536 basis


def test_basis_assumed_zero_not_for_a_qcd_alone():
    """A valid QCD pays nothing basis could shelter (it comes from the taxable money first, IRC §408(d)(8)(D)):
    no "paid $0" note; a cash distribution beside it still gets one."""
    qcd = ira_form("q", 10000, ("Y", "7"), uses=[{"kind": "qcd", "amount": 10000}])
    data = scenario([qcd], taxpayer=person(birth="1950-01-01"))
    assert "BASIS_ASSUMED_ZERO" not in codes(run(data))
    data = scenario([qcd, ira_form("c", 5000, ("7",))], taxpayer=person(birth="1950-01-01"))
    assert "$5,000" in only(run(data), "BASIS_ASSUMED_ZERO").message


# --- an earlier year's excess withdrawn after the due date ------------------------------------

def test_excess_withdrawn_after_the_due_date_is_explained():
    """IRC §408(d)(5); i8606 "Return of Excess Traditional IRA Contributions": not income if conditions hold; the
    finding names them and, with a basis given, says line 2 must leave the excess out. Near miss: the same money
    kept is an ordinary distribution, no finding."""
    use = [{"kind": "excess_withdrawn", "amount": 3000}]
    data = scenario([ira_form("x", 3000, uses=use)], taxpayer=person(birth=OLD, ira={"prior_basis": 0,
                                                                                    "year_end_value": 20000}))
    found = only(run(data), "EXCESS_WITHDRAWN_AFTER_DUE_DATE")
    assert "line 2" not in found.message and found.severity == "info"
    assert "EXCESS_WITHDRAWN_AFTER_DUE_DATE" not in codes(run(scenario([ira_form("x", 3000)], taxpayer=person(
        birth=OLD, ira={"prior_basis": 0, "year_end_value": 20000}))))
