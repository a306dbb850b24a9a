"""Cases from a twelfth audit (session 13), worked by hand from the rules (IRC §72(t), §408A; i1099r; Reg.
§1.408A-6), where the facts given contradict what the payer's code or the taxpayer's claim says.

* Roth code T or Q means the payer knows of 59½, death or disability. A birth date under 59½ with neither death nor
  disability outweighs it, as it does a code 7: before, the 10% was dropped (R36, R36b).
* Exception 01 (separation from service at 55) claimed although the separation came in an earlier year, or the
  1099-R is marked as another employer's plan: before, the claim was applied as given (P22, P42).
* Inherited Roth IRAs: each decedent's basis covers only that decedent's distributions (R38, R38b).
* Code D (a commercial annuity) is not a plan: no Simplified Method, no exception 01, no rollover (D06, D07, D25).
"""
import pytest

from builders import assert_example, form, person, run, scenario
from taxdocs.checks.run import check

ROTH = {"first_contribution_year": 2022, "contribution_basis": 2000,
        "conversions": [{"year": 2023, "amount": 5000, "taxable": 5000}]}


def _roth(code, **tp):
    # 45, not disabled; 10,000 from a Roth IRA: 2,000 contributions, then the 2023 conversion of 5,000 (within its
    # 5 years: recaptured), then 3,000 of earnings (line 25c). 10% of 3,000 + 5,000 = 800.
    return scenario(2025, [form("r1", 10000, [code], "2025-09-01", box2b_not_determined=True)],
                    taxpayer=person(birth="1980-02-01", roth=ROTH, **tp), income=60000)


def _sep55(born, separated, separating_employer):
    # a 401(k) pays 20,000 (code 1) on 2025-09-01; exception 01 claimed on the 1099-R
    return scenario(2025, [form("k401", 20000, ["1"], "2025-09-01", box2a=20000, box4=4000,
                                separating_employer=separating_employer, exceptions=[{"number": "01"}])],
                    taxpayer=person(birth=born, separated_from_service_year=separated), income=50000)


def _inherited_roth(*forms_):
    # a 30-year-old beneficiary; each form: (id, amount, payer, decedent, decedent's basis), owner's first year 2022
    return scenario(2025, [form(i, amt, ["T"], "2025-05-01", payer=payer, box2b_not_determined=True,
                                source="inherited_roth_ira", decedent_first_roth_year=2022, decedent_roth_basis=basis,
                                **({"decedent": dec} if dec else {})) for i, amt, payer, dec, basis in forms_],
                    taxpayer=person(birth="1995-02-01"), income=40000)


def _annuity_d(codes, box1, box2a, born, **kw):
    # a commercial (nonqualified) annuity from an insurer: code D (i1099r)
    return scenario(2025, [form("insurer", box1, codes, "2025-09-01", box2a=box2a, payer="Big Life Insurance Co", **kw)],
                    taxpayer=person(birth=born, separated_from_service_year=2025), income=60000)


CASES = {
    # the Simplified Method is for qualified employer plans (IRC §72(d)(1)(A)): box 2a (General Rule) stands, not
    # 12,000 - 12 x 100,000 / 260 = 7,385 (audit 12 C06)
    "D06-NONQUALIFIED-NO-SIMPLIFIED-METHOD": (
        _annuity_d(["7", "D"], 12000, 7800, "1955-02-02", box9b=100000,
                   annuity={"start_date": "2020-01-01", "age_at_start": 65, "payments_this_year": 12}),
        {"f1040.line5b": 7800}),
    # §72(q)(2) has no separation-from-service exception: 10% of 20,000 at 55 (C07); before, 01 was applied
    "D07-NONQUALIFIED-NO-EXCEPTION-01": (_annuity_d(["1", "D"], 20000, 20000, "1970-03-01"),
                                         {"f1040.schedule2_line8": 2000}),
    "D07b-01-CLAIMED": (_annuity_d(["1", "D"], 20000, 20000, "1970-03-01", exceptions=[{"number": "01"}]),
                        {"f1040.schedule2_line8": 2000}),
    # a nonqualified annuity pays no eligible rollover distribution (IRC §402(c)(4), (8)(B)): the gain stays
    # taxable though the money went into an IRA within 60 days (C25)
    "D25-NONQUALIFIED-NOT-ROLLED": (
        _annuity_d(["7", "D"], 20000, 6000, "1955-01-01",
                   uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 20000, "date": "2025-10-01"}]),
        {"f1040.line5b": 6000, "f1040.line5c": []}),

    # two decedents (no names; two custodians): A's unused basis (30,000 for 10,000 paid) does not shelter B's
    # earnings (15,000 paid, basis 5,000): 10,000 taxable (rules.md §4.1, §5.1); before, 0
    "R38-TWO-DECEDENTS": (_inherited_roth(("inhA", 10000, "Custodian A", None, 30000),
                                          ("inhB", 15000, "Custodian B", None, 5000)), {"f1040.line4b": 10000}),
    # one decedent, two custodians, each form stating her 30,000 basis: 35,000 paid, 5,000 taxable (before, the
    # basis counted twice: 0)
    "R38b-ONE-DECEDENT-TWO-FORMS": (_inherited_roth(("inh1", 20000, "Custodian A", "Mom", 30000),
                                                    ("inh2", 15000, "Custodian B", "mom ", 30000)),
                                    {"f1040.line4b": 5000}),

    "R36-CODE-T-UNDER-59": (_roth("T"), {"f8606.taxpayer.line25c": 3000, "f5329.taxpayer.line1": 8000,
                                          "f5329.taxpayer.line4": 800, "f1040.schedule2_line8": 800}),
    "R36b-CODE-Q-UNDER-59": (_roth("Q"), {"f8606.taxpayer.line25c": 3000, "f5329.taxpayer.line4": 800}),
    # disabled: code T's exception is there (the distribution is not qualified: 5 years not met, Reg. §1.408A-6 A-1)
    # code Q with the first Roth year not given: under 59½ the payer's "qualified" cannot stand either (second read)
    "R36d-CODE-Q-UNDER-59-YEAR-UNKNOWN": (
        scenario(2025, [form("r1", 10000, ["Q"], "2025-09-01", box2b_not_determined=True)],
                 taxpayer=person(birth="1980-02-01", roth={"contribution_basis": 2000}), income=60000),
        {"f8606.taxpayer.line25c": 8000, "f1040.line4b": 8000, "f1040.schedule2_line8": 800}),
    "R36c-CODE-T-DISABLED": (_roth("T", disabled=True), {"f8606.taxpayer.line25c": 3000, "f1040.schedule2_line8": 0}),
    # separated in 2024, 55 only in 2025 (born 1970-06-01): 01 does not apply (IRC §72(t)(2)(A)(v); Notice 87-13)
    "P42-SEPARATED-BEFORE-55": (_sep55("1970-06-01", 2024, True), {"f1040.line5b": 20000, "f5329.taxpayer.line2": 0,
                                                                   "f1040.schedule2_line8": 2000}),
    # another employer's plan (Pub. 575: "from the plan of the employer you separated from")
    "P22-OTHER-EMPLOYER": (_sep55("1969-01-01", 2025, False), {"f5329.taxpayer.line2": 0,
                                                                "f1040.schedule2_line8": 2000}),
    # control: separated in the year of reaching 55, that employer's plan: 01 stands
    "P05-SEPARATED-AT-55": (_sep55("1970-06-01", 2025, True), {"f5329.taxpayer.line2": 20000,
                                                               "f1040.schedule2_line8": 0}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_example(name):
    data, expected = CASES[name]
    assert_example(name, run(data), expected)


def codes(data) -> list[str]:
    return [f.code for f in check(run(data))]


def test_code_t_under_59_is_flagged_and_says_how_to_mend_it():
    found = [f for f in check(run(_roth("T"))) if f.code == "CODE_ROTH_EXCEPTION_UNDER_59_HALF"]
    assert len(found) == 1 and "code T" in found[0].message and "disabled: true" in found[0].fix
    assert "CODE_ROTH_EXCEPTION_UNDER_59_HALF" not in codes(_roth("T", disabled=True))


@pytest.mark.parametrize("name,why", [("P42-SEPARATED-BEFORE-55", "separation was in 2024"),
                                      ("P22-OTHER-EMPLOYER", "separating_employer: false")])
def test_refused_01_is_explained(name, why):
    found = [f for f in check(run(CASES[name][0])) if f.code == "EXCEPTION_NOT_ALLOWED"]
    assert len(found) == 1 and why in found[0].message and "exception 01" in found[0].message
