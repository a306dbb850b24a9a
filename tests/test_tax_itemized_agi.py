"""Itemized items that move with the AGI, figured at the AGI with and without the retirement income: medical
expenses above 7.5% of AGI (IRC §213(a)), state and local taxes up to the year's limit and its 2025-2029 phase-down
(IRC §164(b)(6), (7)), and from 2026 charitable gifts above 0.5% of AGI (IRC §170(b)(1)(I)). Figures worked by hand
from the statute, the year's brackets and standard deductions."""
from decimal import Decimal as D

import pytest

from builders import form, person, run, scenario
from taxdocs.errors import InputError
from taxdocs.model.load import from_data


def case(year, income, conv, status="single", birth="1970-01-01"):
    f = form("conv", conv, ["7"], f"{year}-06-02", ira=True, box2a=conv, box2b_not_determined=True,
             uses=[{"kind": "conversion", "to": "roth_ira", "amount": conv}])
    spouse = person(name="Sam Test", ssn="400-11-2299", birth="1970-01-01") if status == "mfj" else None
    d = scenario(year, [f], status=status, spouse=spouse,
                 taxpayer=person(birth=birth, ira={"prior_basis": 0, "year_end_value": 0}))
    d["income"] = income
    return d


CASES = [
    # 2025 single, 67: other AGI 60,000, medical 20,000, other itemized 10,000, conversion 40,000.
    # Without: 20,000 - 7.5% x 60,000 = 15,500 -> itemized 25,500 (standard 15,750 + 2,000), senior 6,000:
    # TI 28,500 -> 3,181.50. With (AGI 100,000): medical 12,500 -> 22,500, senior 6,000 - 6% x 25,000 = 4,500:
    # TI 73,000 -> 10,974. With the itemized amount held at 25,500 the cost was 660 less (3,000 x 22%).
    ("medical floor", 2025, "single", "1958-05-01", 40000,
     {"other_agi": 60000, "itemized_deductions": 10000, "medical_expenses": 20000},
     31500, 27000, "3181.50", "10974.00", "7792.50"),
    # 2025 joint, under 65: other AGI 520,000, taxes 45,000, other itemized 20,000, conversion 60,000.
    # Without: limit 40,000 - 30% x 20,000 = 34,000 -> itemized 54,000, TI 466,000 -> 103,246.
    # With (580,000): 40,000 - 30% x 80,000 = 16,000 -> 36,000, TI 544,000 -> 129,494.50
    ("SALT phase-down", 2025, "mfj", "1970-01-01", 60000,
     {"other_agi": 520000, "itemized_deductions": 20000, "state_local_taxes": 45000},
     54000, 36000, "103246.00", "129494.50", "26248.50"),
    # 2026 single: other AGI 200,000, gifts 10,000, other itemized 20,000, conversion 100,000.
    # Without: 10,000 - 0.5% x 200,000 = 9,000 -> 29,000, TI 171,000 -> 33,638.
    # With (300,000): 10,000 - 1,500 = 8,500 -> 28,500, TI 271,500 -> 63,794.25
    ("2026 charitable floor", 2026, "single", "1970-01-01", 100000,
     {"other_agi": 200000, "itemized_deductions": 20000, "charitable_contributions": 10000},
     29000, 28500, "33638.00", "63794.25", "30156.25"),
    # 2024: the flat 10,000 limit, no phase-down; 10,000 + 5,000 = 15,000 beats the 14,600 standard deduction
    ("2024 flat limit", 2024, "single", "1970-01-01", 50000,
     {"other_agi": 900000, "itemized_deductions": 5000, "state_local_taxes": 15000},
     15000, 15000, None, None, None),
    # 2025 separate: limit 20,000, threshold 250,000, floor 5,000. Without (280,000): 20,000 - 9,000 = 11,000
    # + 10,000 = 21,000. With (300,000): 20,000 - 15,000 = 5,000 -> 15,000, under the 15,750 standard deduction
    ("separate return, to the standard deduction", 2025, "mfs", "1970-01-01", 20000,
     {"other_agi": 280000, "itemized_deductions": 10000, "state_local_taxes": 25000},
     21000, 15750, None, None, None),
    # 2026 single: other 7,000 + gifts 10,000 above 0.5% (500; 1,000 at 200,000) = 16,500 / 16,000, against the
    # 16,100 standard deduction + 1,000 of gifts without itemizing (IRC §170(p)) = 17,100 both ways:
    # TI 82,900 -> 12,950; 182,900 -> 36,494 (audit: the cost was overstated by 108 without §170(p))
    ("2026 gifts without itemizing", 2026, "single", "1970-01-01", 100000,
     {"other_agi": 100000, "itemized_deductions": 7000, "charitable_contributions": 10000},
     17100, 17100, "12950.00", "36494.00", "23544.00"),
    # joint: up to 2,000 (2026 standard deduction 32,200)
    ("2026 joint gifts without itemizing", 2026, "mfj", "1970-01-01", 10000,
     {"other_agi": 100000, "charitable_contributions": 5000}, 34200, 34200, None, None, None),
    # 2025: gifts have no floor before 2026; no other itemized amount given: Schedule A is the items given
    ("2025 gifts, no floor", 2025, "single", "1970-01-01", 10000,
     {"other_agi": 100000, "charitable_contributions": 18000},
     18000, 18000, None, None, None),
]


@pytest.mark.parametrize("name, year, status, birth, conv, income, ded_without, ded_with, without, with_, difference",
                         CASES, ids=[c[0] for c in CASES])
def test_itemized_items_refigured_at_each_agi(name, year, status, birth, conv, income, ded_without, ded_with,
                                              without, with_, difference):
    g = run(case(year, income, conv, status, birth)).graph
    assert (g["tax.deduction_without"], g["tax.deduction_with"]) == (ded_without, ded_with)
    for key, want in (("tax.without", without), ("tax.with", with_), ("tax.difference", difference)):
        if want is not None:
            assert g[key] == D(want), key


def test_the_explanation_shows_each_item():
    g = run(case(2025, {"other_agi": 60000, "itemized_deductions": 10000, "medical_expenses": 20000}, 40000,
                 birth="1958-05-01")).graph
    notes = " ".join(g.node("tax.deduction_without").notes)
    assert "itemized 25,500: other 10,000, medical 15,500 (of 20,000, above 7.5% of AGI: 4,500)" in notes, notes
    g = run(case(2025, {"other_agi": 520000, "itemized_deductions": 20000, "state_local_taxes": 45000}, 60000,
                 status="mfj")).graph
    assert "taxes 16,000 (of 45,000, limit 16,000)" in " ".join(g.node("tax.deduction_with").notes)


def test_below_the_phase_down_the_whole_limit():
    from taxdocs.params import load_year
    from taxdocs.rules.deductions import salt_limit
    sc = from_data(case(2026, {"other_agi": 100000}, 1000))
    y = load_year(2026)
    assert salt_limit(sc, y, D(505000)) == 40400
    assert salt_limit(sc, y, D(515000)) == 40400 - 3000
    assert salt_limit(sc, y, D(700000)) == 10000  # never below the floor


@pytest.mark.parametrize("name", ["medical_expenses", "state_local_taxes", "charitable_contributions"])
def test_items_need_the_agi(name):
    with pytest.raises(InputError) as e:
        from_data(case(2025, {"other_taxable_income": 50000, name: 1000}, 1000))
    assert any(p.path == f"income.{name}" for p in e.value.problems)


def test_csv_columns(tmp_path):
    from taxdocs.batch.reader import open_input
    (tmp_path / "f.csv").write_text("client_id,form_id,box1,box7\nA,f1,100,7\n")
    (tmp_path / "c.csv").write_text("client_id,tax_year,filing_status,other_agi,medical_expenses,state_local_taxes,"
                                    "charitable_contributions\nA,2025,single,90000,\"12,000\",9000,2500\n")
    inp = open_input([tmp_path / "f.csv", tmp_path / "c.csv"])
    try:
        (rec,) = list(inp.records())
    finally:
        inp.close()
    rec.load()
    assert not rec.problems
    inc = rec.data["income"]
    assert (inc["medical_expenses"], inc["state_local_taxes"], inc["charitable_contributions"]) == ("12000", "9000", "2500")
