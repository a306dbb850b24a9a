"""Input problems and Form 1099-R boxes: arithmetic, state/local rows, the payer's TIN."""
import pytest

from chkhelp import codes, form, input_run, only, person, result, run, scenario
from taxdocs.checks.box_checks import box_arithmetic, payer_tin
from taxdocs.checks.input_checks import classify, input_findings
from taxdocs.errors import Problem
from taxdocs.model.scenario import Scenario


def _plan(**kw):
    return scenario([form("p1", 10000, ("1",), box2a=10000, **kw)])


# --- input problems (exit 2) --------------------------------------------------------------

@pytest.mark.parametrize("code,bad,good", [
    ("INPUT_INVALID", {"boxx": 1}, {}),
    ("INPUT_UNKNOWN_CODE", {"box7": ["Z"]}, {"box7": ["1"]}),
    ("INPUT_DATE_PAID", {"date_paid": "2024-12-31"}, {"date_paid": "2025-01-01"}),
    ("INPUT_USES_EXCEED_BOX1", {"uses": [{"kind": "cash", "amount": 10001}]}, {"uses": [{"kind": "cash", "amount": 10000}]}),
    ("INPUT_USE_DESTINATION", {"uses": [{"kind": "indirect_rollover", "amount": 100, "date": "2025-03-05"}]},
     {"uses": [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 100, "date": "2025-03-05"}]}),
    ("INPUT_USE_DATE", {"uses": [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 100}]},
     {"uses": [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 100, "date": "2025-03-01"}]}),
    ("INPUT_USE_DATE", {"uses": [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 100, "date": "2025-02-28"}]},
     {"uses": [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 100, "date": "2025-03-01"}]}),
    ("INPUT_USE_PRETAX", {"uses": [{"kind": "direct_rollover", "to": "traditional_ira", "amount": 100, "pretax": "100.01"}]},
     {"uses": [{"kind": "direct_rollover", "to": "traditional_ira", "amount": 100, "pretax": 100}]}),
])
def test_input_problems(code, bad, good):
    found = input_run(_plan(**bad))
    f = only(found, code)
    assert f.severity == "error" and f.field.startswith("forms_1099r[0]") and f.record in ("p1", "")
    assert code not in codes(input_run(_plan(**good)))


def test_input_birth_date():
    data = scenario([form()], taxpayer={"name": "A", "ssn": "123-45-6789"})
    f = only(input_run(data), "INPUT_BIRTH_DATE")
    assert f.field == "taxpayer.birth_date"
    assert input_run(scenario([form()])) == []


def test_input_person_facts():
    bad = scenario([], taxpayer=person(ira={"nondeductible_contributions": 1000, "nondeductible_after_year_end": 1001}))
    good = scenario([], taxpayer=person(ira={"nondeductible_contributions": 1000, "nondeductible_after_year_end": 1000}))
    assert only(input_run(bad), "INPUT_PERSON_FACTS").field == "taxpayer.ira.nondeductible_after_year_end"
    assert input_run(good) == []
    typo = scenario([], taxpayer=person(ira={"prior_basis": -1}))  # a malformed value, not a contradiction
    assert codes(input_run(typo)) == {"INPUT_INVALID"}


def test_public_safety_years_need_the_employee_flag():
    """IRC §72(t)(10)(B): the 25 years of service count only for a qualified public safety employee; years
    given without the flag were ignored without a word before."""
    bad = scenario([], taxpayer=person(public_safety_service_years=25))
    f = only(input_run(bad), "INPUT_PERSON_FACTS")
    assert f.field == "taxpayer.public_safety_service_years" and "public_safety_employee" in f.message
    assert input_run(scenario([], taxpayer=person(public_safety_employee=True, public_safety_service_years=25))) == []


def test_input_file_problems_classify():
    assert classify(Problem("x.yaml", "", "file not found")) == "INPUT_FILE"
    assert classify(Problem("x.yaml", "line 3", "not valid YAML: bad")) == "INPUT_FILE"
    assert classify(Problem("x.yaml", "", "a scenario must be a mapping (YAML/JSON object)")) == "INPUT_FILE"
    f = input_findings([Problem("x.yaml", "", "file not found")])[0]
    assert f.code == "INPUT_FILE" and f.message == "x.yaml: file not found"
    # a near miss: a well-formed problem on a field is not a file problem
    assert classify(Problem("x.yaml", "tax_year", "Input should be a valid integer")) == "INPUT_INVALID"


# --- box arithmetic -----------------------------------------------------------------------

@pytest.mark.parametrize("box,code", [("box2a", "BOX_2A_EXCEEDS_BOX1"), ("box3", "BOX_3_EXCEEDS_BOX1"),
                                      ("box4", "BOX_4_EXCEEDS_BOX1"), ("box5", "BOX_5_EXCEEDS_BOX1")])
def test_box_exceeds_box1_as_input_finding(box, code):
    bad = scenario([form("p1", 1000, ("1",), **{box: "1000.01"})])
    found = input_run(bad)
    f = only(found, code)
    assert f.field == f"forms_1099r[0].{box}" and f.record == "p1"
    assert "$1,000.01" in f.message and "$1,000" in f.message
    good = scenario([form("p1", 1000, ("1",), **{box: 1000})])
    assert input_run(good) == []


def test_box_arithmetic_runs_on_an_unvalidated_scenario():
    data = scenario([form("p1", 100, ("1",), box2a=150, box5=120)])
    sc = Scenario.model_validate(data)  # model only: the semantic checks did not run
    assert codes(box_arithmetic(sc)) == {"BOX_2A_EXCEEDS_BOX1", "BOX_5_EXCEEDS_BOX1"}


def test_box3_exceeds_2a():
    f = only(run(scenario([form("p1", 10000, ("1",), box2a=5000, box3="5000.01")])), "BOX_3_EXCEEDS_2A")
    assert f.field == "forms_1099r[0].box3" and "$5,000.01" in f.message
    assert "BOX_3_EXCEEDS_2A" not in codes(run(scenario([form("p1", 10000, ("1",), box2a=5000, box3=5000)])))


# --- state and local rows -------------------------------------------------------------------

def test_state_row_incomplete():
    bad = scenario([form(state=[{"tax_withheld": 50, "distribution": 10000}])])
    f = only(run(bad), "STATE_ROW_INCOMPLETE")
    assert f.field == "forms_1099r[0].state[0]" and "box 15" in f.message and f.severity == "warning"
    good = scenario([form(state=[{"tax_withheld": 50, "state": "CA", "payer_state_no": "123-4567",
                                  "distribution": 10000}])])
    assert "STATE_ROW_INCOMPLETE" not in codes(run(good))


def test_state_row_withholding_without_state_number():
    bad = scenario([form(state=[{"tax_withheld": 50, "state": "CA"}])])
    assert "state number" in only(run(bad), "STATE_ROW_INCOMPLETE").message
    bad2 = scenario([form(state=[{"tax_withheld": 50, "state": "Cal", "payer_state_no": "1"}])])
    assert "two-letter" in only(run(bad2), "STATE_ROW_INCOMPLETE").message


def test_local_row_incomplete():
    bad = scenario([form(local=[{"tax_withheld": 10}])])
    f = only(run(bad), "LOCAL_ROW_INCOMPLETE")
    assert f.field == "forms_1099r[0].local[0]" and "locality" in f.message
    good = scenario([form(local=[{"tax_withheld": 10, "locality": "Detroit", "distribution": 10000}])])
    assert "LOCAL_ROW_INCOMPLETE" not in codes(run(good))


# --- payer TIN ------------------------------------------------------------------------------

def _tin(tin):
    d = form()
    d["payer"]["tin"] = tin
    return scenario([d])


@pytest.mark.parametrize("tin,why", [("12-345678", "8"), ("00-0000000", "zeros"), ("123-45-6789", "Social Security"),
                                     ("1-23456789", "NN-NNNNNNN")])
def test_payer_tin_invalid(tin, why):
    f = only(run(_tin(tin)), "PAYER_TIN_INVALID")
    assert why in f.message and f.field == "forms_1099r[0].payer.tin" and f.severity == "error"
    assert tin not in f.message and tin.replace("-", "") not in f.message  # never echo what may be an SSN


@pytest.mark.parametrize("tin", ["12-3456789", "123456789", "04-1112222", "23 2186884"])  # a space as printed (audit, s18)
def test_payer_tin_valid(tin):
    assert "PAYER_TIN_INVALID" not in codes(run(_tin(tin)))


def test_payer_tin_blank_is_not_checked():
    d = form()
    del d["payer"]["tin"]
    assert payer_tin(Scenario.model_validate(scenario([d]))) == []


def test_box_2a_plus_box_5_above_box_1_is_a_warning():
    """Boxes 2a and 5 are both parts of box 1 (audit 7 case 20): together above it, a warning."""
    data = scenario([form("p", 10000, ("7",), box2a=9000, box5=2000)])
    f = only(run(data), "BOX_2A_AND_5_OVER_BOX1")
    assert f.severity == "warning" and f.field == "forms_1099r[0].box2a"
    assert "BOX_2A_AND_5_OVER_BOX1" not in codes(run(scenario([form("p", 10000, ("7",), box2a=8000,
                                                                          box5=2000)])))


def test_designated_roth_box_5_may_exceed_box_1():
    """i1099r box 5: a Roth 401(k) paid out at a loss reports its contributions "even if they exceed the box 1
    amount" (audit 8 P7): accepted, not an input error."""
    data = scenario([form("b", 8000, ("B", "7"), box2a=0, box5=10000, box11=2015)],
                    taxpayer=person(birth="1955-01-01"))
    assert input_run(data) == [] and "BOX_5_EXCEEDS_BOX1" not in codes(run(data))
    assert result(data).lines()["f1040.line5b"] == 0
    assert "BOX_5_EXCEEDS_BOX1" in codes(input_run(scenario([form("p", 8000, ("7",), box2a=0, box5=10000)])))


def test_annuity_before_july_1986_without_a_taxable_amount_is_flagged():
    """Notice 88-118: the Simplified Method starts with July 2, 1986; taxdocs does not figure the General Rule, so
    such an annuity with no taxable amount from the payer is taxed in full, and says so."""
    ann = {"start_date": "1986-06-01", "age_at_start": 70, "payments_this_year": 12}
    f = only(run(scenario([form("a", 12000, ("7",), box2b_not_determined=True, annuity=ann)])), "ANNUITY_GENERAL_RULE")
    assert f.severity == "warning" and "1986" in f.message
    assert "ANNUITY_GENERAL_RULE" not in codes(run(scenario([form("a", 12000, ("7",), box2a=9000, annuity=ann)])))


def test_annuity_facts_on_a_nonqualified_annuity_are_flagged():
    """Code D: the Simplified Method is for qualified plans only (IRC §72(d)(1)(A)); box 2a stands."""
    ann = {"start_date": "2020-01-01", "age_at_start": 65, "payments_this_year": 12}
    f = only(run(scenario([form("a", 12000, ("7", "D"), box2a=7800, box9b=100000, annuity=ann)])),
             "ANNUITY_NONQUALIFIED")
    assert "box 2a" in f.message and f.field == "forms_1099r[0].annuity"
    blank = only(run(scenario([form("a", 12000, ("7", "D"), box2b_not_determined=True, annuity=ann)])),
                 "ANNUITY_NONQUALIFIED")
    assert "all of box 1" in blank.message
    assert "ANNUITY_NONQUALIFIED" not in codes(run(scenario([form("a", 12000, ("7",), box2a=7800, annuity=ann)])))


def test_annuitant_75_with_5_guaranteed_years_needs_the_general_rule():
    """IRC §72(d)(1)(E): 76 at the start with a 10-year period certain: box 2a stands, not the Simplified Method."""
    ann = {"start_date": "2020-01-01", "age_at_start": 76, "payments_this_year": 12, "guaranteed_years": 10}
    data = scenario([form("a", 12000, ("7",), box2a=9000, box9b=50000, annuity=ann)])
    f = only(run(data), "ANNUITY_GENERAL_RULE_AGE_75")
    assert "76" in f.message and "10 years" in f.message
    assert result(data).lines()["f1040.line5b"] == 9000
    few = dict(ann, guaranteed_years=3)  # fewer than 5: the Simplified Method (160 payments): 12,000 - 12 x 312.50
    data = scenario([form("a", 12000, ("7",), box2a=9000, box9b=50000, annuity=few)])
    assert "ANNUITY_GENERAL_RULE_AGE_75" not in codes(run(data))
    assert result(data).lines()["f1040.line5b"] == 8250
    unknown = {k: v for k, v in ann.items() if k != "guaranteed_years"}
    f = only(run(scenario([form("a", 12000, ("7",), box2a=9000, box9b=50000, annuity=unknown)])),
             "ANNUITY_GUARANTEE_UNKNOWN")
    assert f.severity == "info" and "guaranteed_years" in f.fix


def test_annuity_starting_after_the_tax_year_is_refused():
    from taxdocs.errors import InputError
    from taxdocs.model.load import from_data
    ann = {"start_date": "2026-01-01", "age_at_start": 70, "payments_this_year": 12}
    with pytest.raises(InputError) as e:
        from_data(scenario([form("a", 12000, ("7",), box2a=9000, annuity=ann)]), "x.yaml")
    assert "forms_1099r[0].annuity.start_date" in str(e.value) and "after tax year 2025" in str(e.value)


def test_age_75_findings_only_where_the_simplified_method_could_run():
    """Before July 2, 1986, or on an IRA form, the Simplified Method never ran: no age-75 finding (second read)."""
    old = {"start_date": "1986-06-01", "age_at_start": 76, "payments_this_year": 12}
    found = codes(run(scenario([form("a", 12000, ("7",), box2b_not_determined=True, annuity=old)])))
    assert "ANNUITY_GENERAL_RULE" in found and "ANNUITY_GUARANTEE_UNKNOWN" not in found
    ira = {"start_date": "2020-01-01", "age_at_start": 76, "payments_this_year": 12}
    found = codes(run(scenario([form("i", 12000, ("7",), ira=True, box2a=12000, annuity=ira)])))
    assert "ANNUITY_GUARANTEE_UNKNOWN" not in found


def test_an_annuity_cost_with_no_facts_is_provisional_and_asked_for():
    """Box 9b cost, box 2a not figured, no annuity facts: the Simplified Method (Pub. 575; i1040 lines 5a-5b) cannot
    run, so the full amount is taxed provisionally and a warning asks for the facts; a filed Simplified Method
    figure is then a provisional mismatch, not an error."""
    pension = form("f1", 24000, ("7",), box2b_not_determined=True, box9b=31000)
    data = scenario([pension], taxpayer=person(birth="1958-01-01"))
    f = only(run(data), "ANNUITY_FACTS_MISSING")
    assert f.severity == "warning" and "$31,000" in f.message
    res = result(data)
    assert res.lines()["f1040.line5b"] == 24000 and res.graph.status("f1040.line5b") == "provisional"
    data["filed"] = {"f1040": {"5a": 24000, "5b": 22569}}
    found = codes(run(data))
    assert "FILED_MISMATCH_PROVISIONAL" in found and "FILED_MISMATCH" not in found
    figured = form("f1", 24000, ("7",), box2a=21600, box9b=31000)          # the payer figured box 2a: nothing asked
    assert "ANNUITY_FACTS_MISSING" not in codes(run(scenario([figured], taxpayer=person(birth="1958-01-01"))))


def test_box_2a_zero_with_tax_withheld_is_questioned():
    """i1099r box 2a/box 5; IRC §3405(c): a payer withholds the 20% from the taxable part only. 2a 0, box 5 blank and
    2,000 withheld: the form is probably misread (2a blank); with box 5 = box 1 it is consistent."""
    bad = form("k", 10000, ("1",), box2a=0, box4=2000)
    f = only(run(scenario([bad], taxpayer=person(birth="1985-01-01"))), "BOX_2A_ZERO_WITHHELD")
    assert f.severity == "warning" and "$2,000" in f.message
    for ok in (form("k", 10000, ("1",), box2a=0, box5=10000, box4=1000),    # all after-tax, as box 5 says
               form("k", 10000, ("G",), box2a=0, box4=1000),                  # a direct rollover's 2a says nothing
               form("r", 10000, ("J",), box2a=0, box4=1000)):                 # a Roth IRA form (no IRA box)
        assert "BOX_2A_ZERO_WITHHELD" not in codes(run(scenario([ok], taxpayer=person(birth="1985-01-01")))), ok


def test_a_state_row_with_only_the_state_is_not_flagged():
    """i1099r: boxes 14-19 are for the payer's convenience; a form from a state with no income tax may show only it."""
    f = form("k", 10000, ("7",), box2a=10000, state=[{"state": "TX"}])
    assert "STATE_ROW_INCOMPLETE" not in codes(run(scenario([f], taxpayer=person(birth="1950-01-01"))))


@pytest.mark.parametrize("balance, warned", [(5000, True), (9999, True), (10000, False), (250000, False)])
def test_plan_balance_below_the_payment(balance, warned):
    """Audit (session 18): a balance typed below box 1 (with after-tax money above it) made the whole payment
    nontaxable without a word."""
    data = scenario([form("b", 10000, ("1",), plan_account={"balance": balance, "after_tax": 20000})],
                    taxpayer=person(birth="1980-01-01"))
    found = [f for f in run(data) if f.code == "PLAN_BALANCE_BELOW_PAYMENT"]
    assert bool(found) is warned
    if warned:
        assert found[0].field == "forms_1099r[0].plan_account.balance" and "$10,000" in found[0].message
