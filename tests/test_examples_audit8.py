"""Plan examples from an eighth audit (session 10): Reg. §1.402(c)-2 Q&A-8, from the eCFR text.

"The portion of the distribution that is excludible from gross income is first allocated toward satisfaction of
section 401(a)(9)": an RMD split off a rollover is met from the after-tax money first. Before, the RMD was carved
off the first listed rollover before the Notice 2014-54 allocation, so the taxable amount depended on the order of
the `uses` (N8a gave 10,000, N8b 0).
"""
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
