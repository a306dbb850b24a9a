"""Plan examples from an eighth audit (session 10): Reg. §1.402(c)-2 Q&A-8, from the eCFR text.

"The portion of the distribution that is excludible from gross income is first allocated toward satisfaction of
section 401(a)(9)": an RMD split off a rollover is met from the after-tax money first. Before, the RMD was carved
off the first listed rollover before the Notice 2014-54 allocation, so the taxable amount depended on the order of
the `uses` (N8a gave 10,000, N8b 0).
"""
from decimal import Decimal

import pytest

from builders import assert_example, form, person, run, scenario

ACCT = {"balance": 200000, "after_tax": 40000}  # 160,000 pre-tax + 40,000 after-tax


def _n8(first, second):
    # 75, RMD 10,000 unmet; 100,000 paid (80,000 pre-tax, 20,000 after-tax); 60-day rollovers 80,000 to a
    # traditional IRA and 20,000 to a Roth IRA: the RMD is 10,000 of after-tax money, all the pre-tax money was
    # rolled: nothing taxable (the extra 10,000 in the Roth IRA is an excess contribution) (A2)
    uses = {"trad": {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 80000, "date": "2025-05-01"},
            "roth": {"kind": "indirect_rollover", "to": "roth_ira", "amount": 20000, "date": "2025-05-01"}}
    return scenario(2025, [form("cash", 100000, ["7"], "2025-04-01", box2a=80000, box5=20000, box4=14000,
                                plan_account=ACCT, rmd_amount=10000, uses=[uses[first], uses[second]])],
                    taxpayer=person(birth="1950-01-01"))


def _a8(rolled):
    # Q&A-8's own example (A1): RMD 4,000, distribution 4,800 of which 1,000 is basis; the eligible rollover
    # distribution is 800. Rolled over: taxable 3,800 - 800 = 3,000 (D); 1,800 redeposited: still 3,000
    return scenario(2025, [form("p", 4800, ["7"], "2025-03-01", box2a=3800, box5=1000, rmd_amount=4000,
                                uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": rolled,
                                       "date": "2025-03-20"}])], taxpayer=person(birth="1950-01-01"))


CASES = {
    "N8a-TRAD-LISTED-FIRST": (_n8("trad", "roth"), {"f1040.line5b": 0, "taxpayer.roth.plan_rollovers_taxable": 0}),
    "N8b-ROTH-LISTED-FIRST": (_n8("roth", "trad"), {"f1040.line5b": 0, "taxpayer.roth.plan_rollovers_taxable": 0}),
    "N9a-REG-A8-EXAMPLE": (_a8(800), {"f1040.line5a": 4800, "f1040.line5b": 3000}),
    "N9b-REG-A8-OVERROLLED": (_a8(1800), {"f1040.line5b": 3000}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_example(name):
    data, expected = CASES[name]
    assert_example(name, run(data), expected)


def test_the_rmd_leg_holds_the_after_tax_money():
    res = run(CASES["N8a-TRAD-LISTED-FIRST"][0])
    (rmd,) = [l for i in res.forms.values() for l in i.legs if l.rmd]
    assert (rmd.amount, rmd.aftertax, rmd.pretax, rmd.taxable) == (10000, 10000, 0, 0)


def _q4(**pform):
    # a non-spouse beneficiary's direct rollover of Mom's 401(k), 100,000 with 20,000 after-tax, into an inherited
    # IRA; 10,000 taken from it later in 2025; Dec 31 value 90,000 (A2: i8606 line 2; IRC §402(c)(11))
    return scenario(2025, [
        form("p", 100000, ["4", "G"], "2025-03-01", box2a=0, box5=20000, nonspouse_beneficiary=True,
             uses=[{"kind": "direct_rollover", "to": "inherited_ira", "amount": 100000}], **pform),
        form("i", 10000, ["4"], "2025-09-01", ira=True, box2a=10000, box2b_not_determined=True, payer="Heir IRA Co",
             decedent="Mom")],
        taxpayer=person(birth="1975-01-01", inherited_iras=[{"decedent": "Mom", "basis": 0, "year_end_value": 90000}]))


def test_q4_after_tax_plan_money_rolled_into_an_inherited_ira_is_its_basis():
    """Its own Form 8606: line 2 20,000; line 10 20,000 / 100,000 = .200; 15c 8,000; 14 18,000 (D). Before, the
    20,000 of basis was lost and 4b was 10,000."""
    assert_example("Q4", run(_q4()), {"f1040.line5b": 0, "f8606.taxpayer_inherited_1.line2": 20000,
                                      "f8606.taxpayer_inherited_1.line10": Decimal("0.200"),
                                      "f8606.taxpayer_inherited_1.line15c": 8000,
                                      "f8606.taxpayer_inherited_1.line14": 18000, "f1040.line4b": 8000})
    assert_example("Q4 naming Mom", run(_q4(decedent="Mom")), {"f8606.taxpayer_inherited_1.line2": 20000})


def test_after_tax_money_rolled_into_an_unlisted_inherited_ira_is_flagged():
    from taxdocs.checks.run import check
    data = _q4()
    data["forms_1099r"] = data["forms_1099r"][:1]
    data["taxpayer"]["inherited_iras"] = []
    f = [x for x in check(run(data)) if x.code == "INHERITED_PLAN_BASIS_UNLINKED"]
    assert len(f) == 1 and "$20,000" in f[0].message and f[0].severity == "warning"


def test_a_qcd_from_the_inherited_ira_sees_the_basis_rolled_in():
    """The QCD comes first from pre-tax money (IRC §408(d)(8)(D)), measured on the inherited IRA's own aggregate:
    30,000 from Mom's plan (25,000 after-tax) rolled in, a 10,000 QCD out, 20,000 left on Dec 31: pre-tax money
    is 20,000 + 10,000 - 25,000 = 5,000, so 5,000 is a QCD and 5,000 is basis paid out (line 7) (A2)."""
    data = scenario(2025, [
        form("p", 30000, ["4", "G"], "2025-02-01", box2a=0, box5=25000, nonspouse_beneficiary=True,
             uses=[{"kind": "direct_rollover", "to": "inherited_ira", "amount": 30000}]),
        form("q", 10000, ["4", "Y"], "2025-09-01", ira=True, box2a=10000, box2b_not_determined=True,
             payer="Heir IRA Co", decedent="Mom", uses=[{"kind": "qcd", "amount": 10000}])],
        taxpayer=person(birth="1950-01-01", inherited_iras=[{"decedent": "Mom", "basis": 0, "year_end_value": 20000}]))
    res = run(data)
    assert "QCD_OVER_TAXABLE" in [e.code for e in res.events]
    g = res.graph
    assert g["f8606.taxpayer_inherited_1.line2"] == 25000 and g["f8606.taxpayer_inherited_1.line7"] == 5000
    assert g["f8606.taxpayer_inherited_1.line15c"] == 0 and g["f1040.line4b"] == 0
