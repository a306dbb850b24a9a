"""The overall limitation on itemized deductions from 2026 (IRC §68(a) as amended by P.L. 119-21 §70111): itemized
deductions less 2/37 of the lesser of them and the income (before the cut, plus them) above the start of the 37%
bracket (single 2026: 640,600, Rev. Proc. 2025-32). Figures worked by hand from the statute and the brackets."""
import pytest

from builders import form, person, run, scenario


def conversion(year, other_agi, itemized, amount=100000, status="single"):
    f = form("conv", amount, ["7"], f"{year}-06-02", ira=True, box2a=amount, box2b_not_determined=True,
             uses=[{"kind": "conversion", "to": "roth_ira", "amount": amount}])
    spouse = person(name="Sam Test", ssn="400-11-2299", birth="1970-01-01") if status == "mfj" else None
    d = scenario(year, [f], status=status, spouse=spouse,
                 taxpayer=person(birth="1970-01-01", ira={"prior_basis": 0, "year_end_value": 100000}))
    d["income"] = {"other_agi": other_agi, "itemized_deductions": itemized}
    return d


CASES = [
    # 700,000 AGI: cut 2/37 x (700,000 - 640,600) = 3,211 -> taxable 603,211, tax 58,448 + 35% x 346,986 = 179,893.10;
    # 800,000 AGI: cut 2/37 x min(100,000, 159,400) = 5,405 -> taxable 705,405, tax 192,979.25 + 37% x 64,805
    # = 216,957.10; the conversion costs 37,064.00 (36,188 without the limitation)
    ("crosses", 2026, 700000, 96789, 94595, "179893.10", "216957.10", "37064.00"),
    # both sides cut by the whole 5,405: the difference is 37% of 100,000
    ("both above", 2026, 800000, 94595, 94595, None, None, "37000.00"),
    # 2025: no overall limitation (repealed 2018-2025)
    ("2025", 2025, 700000, 100000, 100000, None, None, None),
]


@pytest.mark.parametrize("name, year, agi, ded_without, ded_with, without, with_, difference", CASES,
                         ids=[c[0] for c in CASES])
def test_itemized_deductions_after_the_overall_limitation(name, year, agi, ded_without, ded_with, without, with_,
                                                           difference):
    g = run(conversion(year, agi, 100000)).graph
    assert (g["tax.deduction_without"], g["tax.deduction_with"]) == (ded_without, ded_with)
    for key, want in (("tax.without", without), ("tax.with", with_), ("tax.difference", difference)):
        if want is not None:
            assert str(g[key]) == want, key


def test_the_standard_deduction_when_the_cut_itemized_are_less():
    # itemized 16,500 against the 2026 single standard deduction of 16,100: at 1,000,000 AGI the cut is
    # 2/37 x 16,500 = 892, leaving 15,608: the standard deduction is larger and is taken
    g = run(conversion(2026, 1000000, 16500)).graph
    assert g["tax.deduction_without"] == 16100


def test_joint_filers_start_at_their_own_37_percent_bracket():
    # MFJ 2026: the 37% bracket starts at 768,700. AGI 800,000: cut 2/37 x 31,300 = 1,692; with the conversion
    # (900,000): 2/37 x min(100,000, 131,300) = 5,405
    g = run(conversion(2026, 800000, 100000, status="mfj")).graph
    assert (g["tax.deduction_without"], g["tax.deduction_with"]) == (98308, 94595)
    notes = " ".join(g.node("tax.deduction_with").notes)
    assert "less 5,405 (IRC §68: 2/37 of the lesser of the itemized deductions and the 131,300 of income above 768,700)" \
        in notes, notes
