"""The whole return: the 10% additional tax, provisional lines, ordering, and the clean samples."""
from pathlib import Path

import pytest

from chkhelp import codes, errors, form, ira_form, only, person, result, run, scenario
from taxdocs.checks.run import check, exit_status, summary
from taxdocs.model.load import load
from taxdocs.rules.engine import compute

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_early_distribution_tax_ex19():
    """EX-19 case 1: 2,000 not rolled over at 42 -> 200 on Schedule 2 line 8. The code 1 shortcut does not
    apply: the tax is owed on 2,000, not on the full 10,000 shown on the 1099-R (i5329; rules.md §8.1)."""
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 8000, "date": "2025-04-01"}
    data = scenario([form("401k", 10000, ("1",), box2a=10000, box4=2000, uses=[use])],
                    taxpayer=person(birth="1983-03-01"))
    f = only(run(data), "EARLY_DISTRIBUTION_TAX")
    assert "$2,000" in f.message and "$200" in f.message and "Form 5329 is required" in f.message
    assert f.severity == "info"


def test_code_1_shortcut_when_tax_is_owed_on_the_full_amount():
    data = scenario([form("401k", 10000, ("1",), box2a=10000, box4=2000)], taxpayer=person(birth="1983-03-01"))
    assert "not needed" in only(run(data), "EARLY_DISTRIBUTION_TAX").message


def test_early_distribution_tax_with_form_5329():
    """An exception for part of it, not shown in box 7, needs Form 5329 (rules.md §8.1)."""
    data = scenario([form("401k", 10000, ("1",), box2a=10000, box4=2000,
                          exceptions=[{"number": "05", "amount": 4000}])], taxpayer=person(birth="1983-03-01"))
    f = only(run(data), "EARLY_DISTRIBUTION_TAX")
    assert "$6,000" in f.message and "$600" in f.message and "Form 5329 is required" in f.message


def test_form_5329_needed_for_an_exception_box_7_does_not_show():
    """Code 1, all of it excepted (exception 08, higher education, from an IRA): no tax, but the exception is claimed
    only on Form 5329 (i5329 Who Must File); audit 12 case 11 got no finding at all."""
    data = scenario([ira_form("ira", 12000, ("1",), exceptions=[{"number": "08"}])],
                    taxpayer=person(birth="1983-03-01", ira={"year_end_value": 0}))
    f = only(run(data), "FORM_5329_FOR_EXCEPTION")
    assert "$12,000" in f.message and "exception 08" in f.message and "$1,200" in f.message
    assert f.severity == "warning" and "EARLY_DISTRIBUTION_TAX" not in codes(run(data))
    shown = scenario([ira_form("ira", 12000, ("2",))], taxpayer=person(birth="1983-03-01", ira={"year_end_value": 0}))
    assert "FORM_5329_FOR_EXCEPTION" not in codes(run(shown))  # box 7 shows the exception (code 2): no form
    # audit (session 18): the filed figures show Form 5329 with the exception: not "file Form 5329"
    data["filed"] = {"f5329_taxpayer": {"1": 12000, "2": 12000, "3": 0, "4": 0}}
    assert "FORM_5329_FOR_EXCEPTION" not in codes(run(data)) and not errors(run(data))


def test_no_early_distribution_tax_at_59_half():
    data = scenario([form("401k", 10000, ("7",), box2a=10000, box4=2000)], taxpayer=person(birth="1960-01-01"))
    assert "EARLY_DISTRIBUTION_TAX" not in codes(run(data))


def test_provisional_lines_name_the_missing_fact():
    data = scenario([ira_form("ira1", 600)], taxpayer=person(birth="1950-02-01", ira={
        "ever_nondeductible": True, "year_end_value": 1800, "nondeductible_contributions": 100}))
    found = run(data)
    f = only(found, "PROVISIONAL_LINES")
    assert f.severity == "info" and f.field == "taxpayer.ira.prior_basis" and f.record == "return"
    assert "f8606.taxpayer.line15c" in f.message and "f1040.line4b" in f.message
    assert "f8606.taxpayer.line15c" in f.data["keys"]


def test_no_provisional_lines_when_facts_are_given():
    data = scenario([ira_form("ira1", 600)], taxpayer=person(birth="1950-02-01", ira={
        "prior_basis": 2000, "year_end_value": 1800}))
    assert "PROVISIONAL_LINES" not in codes(run(data))


def test_findings_are_sorted_errors_first():
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 8000, "date": "2025-06-01"}
    data = scenario([form("401k", 10000, ("1",), box2a=10000, box4=1000, uses=[use], local=[{"tax_withheld": 5}])],
                    taxpayer=person(birth="1983-03-01"))
    found = run(data)
    sev = [f.severity for f in found]
    assert sev == sorted(sev, key=["error", "warning", "info"].index)
    assert {"error", "warning", "info"} <= set(sev)


def test_exit_status():
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 8000, "date": "2025-06-01"}
    late = run(scenario([form("401k", 10000, ("1",), box2a=10000, box4=2000, uses=[use])],
                        taxpayer=person(birth="1983-03-01")))
    assert exit_status(late) == 1 and summary(late)["error"] >= 1
    assert exit_status([]) == 0 and exit_status([], usable=False) == 2


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_samples_have_no_error_findings(path):
    """Every bundled sample is a clean, correctly reported story: no error findings."""
    found = check(compute(load(path), str(path)))
    assert errors(found) == [], [(f.code, f.message) for f in errors(found)]


def test_samples_show_their_stories():
    def codes_of(stem):
        return codes(check(compute(load(SAMPLES / f"{stem}.yaml"))))
    assert "WITHHOLDING_SHORTFALL" in codes_of("04-indirect-rollover-withholding")     # EX-25 C
    assert "BACKDOOR_PRO_RATA" in codes_of("06b-backdoor-roth-spoiled")                # EX-08
    assert "BACKDOOR_PRO_RATA" not in codes_of("06a-backdoor-roth")


def test_exception_05_for_the_whole_distribution_is_questioned():
    """IRC §72(t)(2)(B): only medical expenses above 7.5% of AGI. AGI 60,000 + the 20,000 paid = 80,000: floor 6,000."""
    data = scenario([ira_form("ira", 20000, ("1",), exceptions=[{"number": "05"}])],
                    taxpayer=person(birth="1980-03-01"), income={"other_agi": 60000})
    f = only(run(data), "EXCEPTION_05_WHOLE")
    assert f.severity == "warning" and "$20,000" in f.message and "7.5%" in f.message and "$6,000" in f.message
    assert result(data).lines()["f5329.taxpayer.line4"] == 0          # the claim stands; the finding asks
    near = scenario([ira_form("ira", 20000, ("1",), exceptions=[{"number": "05", "amount": 9000}])],
                    taxpayer=person(birth="1980-03-01"), income={"other_agi": 60000})
    assert "EXCEPTION_05_WHOLE" not in codes(run(near))              # an amount given: it is the expenses
    no_agi = scenario([ira_form("ira", 20000, ("1",), exceptions=[{"number": "05"}])], taxpayer=person(birth="1980-03-01"))
    assert "floor is" not in only(run(no_agi), "EXCEPTION_05_WHOLE").message
    # the expenses given: the amount above the floor is named (9,500 - 6,000 = 3,500)
    spent = scenario([ira_form("ira", 20000, ("1",), exceptions=[{"number": "05"}])],
                     taxpayer=person(birth="1980-03-01"), income={"other_agi": 60000, "medical_expenses": 9500})
    assert "the exception's amount is $3,500" in only(run(spent), "EXCEPTION_05_WHOLE").message


def test_a_year_with_no_figures_is_a_warning():
    """A 2022 QCD of 150,000: the year's 100,000 limit is not on file, so it cannot be applied; the return says so."""
    from taxdocs.params import available_years
    data = scenario([ira_form("ira", 150000, ("7",), "2022-05-01", uses=[{"kind": "qcd", "amount": 150000}])],
                    year=2022, taxpayer=person(birth="1945-03-01"))
    f = only(run(data), "TAX_YEAR_NOT_ON_FILE")
    years = available_years()
    assert f.severity == "warning" and f"{years[0]}-{years[-1]}, not for 2022" in f.message
    on_file = scenario([ira_form("ira", 1000, ("7",))], taxpayer=person(birth="1945-03-01"))
    assert "TAX_YEAR_NOT_ON_FILE" not in codes(run(on_file))


def test_exception_05_is_one_amount_for_the_return():
    """Audit: AGI 60,000 + 30,000 paid = 90,000, floor 6,750; medical 12,000 -> 5,250 in all. Two claims with no
    amount share it in turn (5,250 then 0); a stated 4,000 comes off first (1,250 left); more stated than that warns."""
    def two(first, second, spent=12000, agi=60000):
        return scenario([ira_form("ira1", 20000, ("1",), exceptions=[first]),
                         ira_form("ira2", 10000, ("1",), exceptions=[second])],
                        taxpayer=person(birth="1980-03-01"), income={"other_agi": agi, "medical_expenses": spent})
    found = [f for f in run(two({"number": "05"}, {"number": "05"})) if f.code == "EXCEPTION_05_WHOLE"]
    assert [f.record for f in found] == ["ira1", "ira2"]
    assert "the exception's amount is $5,250" in found[0].message
    assert "$0 of it not claimed on other 1099-Rs: the exception's amount is $0" in found[1].message
    one = only(run(two({"number": "05", "amount": 4000}, {"number": "05"})), "EXCEPTION_05_WHOLE")
    assert "$1,250 of it not claimed on other 1099-Rs: the exception's amount is $1,250" in one.message
    over = only(run(two({"number": "05", "amount": 20000}, {"number": "05", "amount": 1000})), "EXCEPTION_05_OVER")
    assert over.severity == "warning" and "$21,000" in over.message and "$5,250" in over.message \
        and "$15,750 more owes" in over.message
    assert "EXCEPTION_05_OVER" not in codes(run(two({"number": "05", "amount": 4000}, {"number": "05", "amount": 1250})))
    # only what Form 5329 excepts counts: no 10% at 75 (code 7); a stated amount above the distribution is capped by it
    old = scenario([ira_form("ira", 20000, ("7",), exceptions=[{"number": "05", "amount": 8000}])],
                   taxpayer=person(birth="1950-03-01"), income={"other_agi": 60000, "medical_expenses": 1000})
    assert "EXCEPTION_05_OVER" not in codes(run(old))
    capped = scenario([ira_form("ira", 5000, ("1",), exceptions=[{"number": "05", "amount": 9000}])],
                      taxpayer=person(birth="1980-03-01"), income={"other_agi": 60000, "medical_expenses": 12000})
    assert "EXCEPTION_05_OVER" not in codes(run(capped))  # 5,000 excepted, under 12,000 - 7.5% x 65,000 = 7,125


def test_exception_05_floor_is_never_negative():
    data = scenario([ira_form("ira", 20000, ("1",), exceptions=[{"number": "05"}])], taxpayer=person(birth="1980-03-01"),
                    income={"other_agi": -50000, "medical_expenses": 5000})
    m = only(run(data), "EXCEPTION_05_WHOLE").message
    assert "the floor is $0" in m and "the exception's amount is $5,000" in m, m


def test_an_empty_return_is_a_warning_not_a_pass():
    """No 1099-R and no Form 8606: nothing was figured, which is more often a 1099-R left out than a quiet year."""
    empty = scenario([], taxpayer=person(birth="1970-03-01"))
    f = only(run(empty), "NOTHING_FIGURED")
    assert f.severity == "warning" and f.field == "forms_1099r" and "no Form 1099-R" in f.message
    # a nondeductible contribution alone needs Form 8606 Part I: that return has something to figure
    nd = scenario([], taxpayer=person(birth="1970-03-01", ira={"nondeductible_contributions": 7000,
                                                               "year_end_value": 7100}))
    assert "NOTHING_FIGURED" not in codes(run(nd))
    # one 1099-R is enough
    assert "NOTHING_FIGURED" not in codes(run(scenario([ira_form("ira", 1000, ("7",))],
                                                       taxpayer=person(birth="1945-03-01"))))


def test_a_name_the_form_font_lacks_is_said_on_every_path():
    """Second read (session 17): the plain-letter name (Ł -> L) on the official forms was noted by `render` only;
    a finding reaches the batch and the web too."""
    f = only(run(scenario([ira_form("ira", 1000, ("7",))], taxpayer=person(birth="1945-03-01", name="Łukasz Wróbel"))),
             "NAME_ON_FORMS_PLAIN")
    assert f.severity == "info" and "Lukasz Wróbel" in f.message
    assert "NAME_ON_FORMS_PLAIN" not in codes(run(scenario([ira_form("ira", 1000, ("7",))],
                                                           taxpayer=person(birth="1945-03-01", name="Zoë Ødegård"))))


@pytest.mark.parametrize("ssn, why", [
    ("000-12-3456", "starts with 000 or 666"),
    ("666-12-3456", "starts with 000 or 666"),
    ("123-00-4567", "00 as its 4th and 5th digits"),
    ("123-45-0000", "0000 as its last four"),
    ("912-34-5678", "an ITIN only with"),     # 9XX-34: an IRSN, not an ITIN
    ("912-93-5678", "an ITIN only with"),     # an ATIN (a child being adopted): not a filer's number
    ("912-70-5678", None),                    # an ITIN
    ("912-94-5678", None),
    ("123-45-6789", None),
    ("000-00-0000", None),                    # the web checker's placeholder: said where it is made
])
def test_a_number_never_issued_as_an_ssn_or_itin(ssn, why):
    found = run(scenario([ira_form("ira", 1000, ("7",))], taxpayer=person(birth="1945-03-01", ssn=ssn)))
    if why is None:
        assert "TIN_NEVER_ISSUED" not in codes(found)
        return
    f = only(found, "TIN_NEVER_ISSUED")
    assert f.severity == "warning" and f.field == "taxpayer.ssn" and why in f.message
    assert ssn not in f.message and ssn[:3] not in f.message.replace("000 or 666", "")  # only the last four shown
    assert "***-**-" + ssn[-4:] in f.message


@pytest.mark.parametrize("number, person_kw, form_kw, refused", [
    ("03", {"disabled": False}, {}, True),      # given as not disabled
    ("03", {}, {}, False),                      # not stated: the claim stands
    ("03", {"disabled": True}, {}, False),
    ("02", {}, {"sepp": False}, True),          # the 1099-R given as not one of a series
    ("02", {}, {}, False),
])
def test_exception_claimed_against_the_stated_facts(number, person_kw, form_kw, refused):
    """Audit (session 18): exception 03 claimed for a person given as `disabled: false` (02 with `sepp: false`) was
    applied without a word; exception 01 against the facts was already refused."""
    data = scenario([ira_form("ira", 9000, ("1",), exceptions=[{"number": number}], **form_kw)],
                    taxpayer=person(birth="1980-01-01", ira={"year_end_value": 0}, **person_kw))
    found = [f for f in run(data) if f.code == "EXCEPTION_NOT_ALLOWED"]
    assert bool(found) is refused
    assert (result(data).graph["f5329.taxpayer.line4"] == 900) is refused  # the 10% on all 9,000, or none
