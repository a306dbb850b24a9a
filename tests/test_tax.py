"""Bracket engine. Expected figures come from examples.md / rules.md, never from the program."""
from decimal import Decimal as D

import pytest
from hypothesis import given, settings, strategies as st

from taxdocs.params import STATUSES, load_year
from taxdocs.rules.tax import Slice, marginal_rate, tax_effect, tax_on, tax_slices

P2026 = load_year(2026)

# examples.md EX-27 (CNBC/IRS table reproducing Rev. Proc. 2025-32): cumulative tax at each floor
EX27_SINGLE = [(12400, "1240"), (50400, "5800"), (105700, "17966"), (201775, "41024"),
               (256225, "58448"), (640600, "192979.25")]
EX27_MFJ = [(24800, "2480"), (100800, "11600"), (211400, "35932"), (403550, "82048"),
            (512450, "116896"), (768700, "206583.50")]


# Rev. Proc. 2025-32 Table 2 (heads of household), as transcribed in several independent copies: its cumulative column
# pins the 32% floor at 201,750 (16,155 + 24% x 96,050 = 39,207), not the single filer's 201,775
HOH_2026 = [(17700, "1770"), (67450, "7740"), (105700, "16155"), (201750, "39207"), (256200, "56631"),
            (640600, "191171")]


@pytest.mark.parametrize("status,floor,tax", [("single", f, t) for f, t in EX27_SINGLE]
                         + [("mfj", f, t) for f, t in EX27_MFJ] + [("qss", f, t) for f, t in EX27_MFJ]
                         + [("hoh", f, t) for f, t in HOH_2026])
def test_ex27_tax_at_each_2026_floor(status, floor, tax):
    assert tax_on(D(floor), status, P2026) == D(tax)


@pytest.mark.parametrize("income, rate, subtract", [(100000, "0.24", "6600"), (200000, "0.32", "21168"),
                                                      (300000, "0.35", "28105.50"), (700000, "0.37", "39668")])
def test_2023_single_schedule_against_the_tax_computation_worksheet(income, rate, subtract):
    """2023 (late and amended returns): Rev. Proc. 2022-38 brackets against the 2023 Form 1040 Tax Computation
    Worksheet, Section A (single): income x rate - subtraction amount [K]."""
    assert tax_on(D(income), "single", load_year(2023)) == D(income) * D(rate) - D(subtract)


def test_ex24_part_a_conversion_inside_24_percent():
    # EX-24 Part A (D): 2026 single, other taxable income 120,000, conversion 50,000 -> 12,000 exactly
    e = tax_effect(D(120000), D(50000), "single", P2026)
    assert e.difference == D(12000)
    assert e.marginal_rate_start == e.marginal_rate_end == D("0.24")
    assert e.slices == (Slice(D("0.24"), D(105700), D(201775), D(50000), D(12000)),)


EX25_BRACKETS = [(0, "0.20"), (50000, "0.25"), (100000, "0.30"), (150000, "0.35")]  # 25%/30% per EX-25


def test_ex25_part_a_hypothetical_brackets():
    # EX-25 Part A: base 80,000 + 50,000 -> 20,000 @ 25% and 30,000 @ 30%; 5,000 + 9,000 = 14,000
    slices = tax_slices(D(80000), D(50000), "single", EX25_BRACKETS)
    assert [(s.rate, s.amount_in_bracket, s.tax) for s in slices] == [
        (D("0.25"), D(20000), D(5000)), (D("0.30"), D(30000), D(9000))]
    e = tax_effect(D(80000), D(50000), "single", EX25_BRACKETS)
    assert e.difference == D(14000)
    assert (e.marginal_rate_start, e.marginal_rate_end) == (D("0.25"), D("0.30"))


def test_negative_taxable_income_counts_as_zero():
    assert tax_on(D(-5000), "single", P2026) == 0
    assert tax_on(D(0), "single", P2026) == 0
    e = tax_effect(D(-5000), D(5000), "single", P2026)
    assert e.difference == 0 and e.marginal_rate_start == 0
    assert sum(s.amount_in_bracket for s in e.slices) == D(5000)


def test_cents_are_kept():
    # 10% of 0.05 is 0.005: no rounding inside the engine
    assert tax_on(D("0.05"), "single", P2026) == D("0.005")


def test_zero_added_and_marginal_rate():
    e = tax_effect(D(12400), D(0), "single", P2026)
    assert e.slices == () and e.difference == 0
    assert e.marginal_rate_start == e.marginal_rate_end == D("0.12")  # rate on the next dollar
    assert marginal_rate(D(-1), "single", P2026) == 0
    assert marginal_rate(D(12399), "single", P2026) == D("0.10")


def test_negative_added_runs_downward():
    e = tax_effect(D(130000), D(-50000), "single", EX25_BRACKETS)
    assert e.difference == D(-14000)
    assert [s.rate for s in e.slices] == [D("0.30"), D("0.25")]
    assert (e.marginal_rate_start, e.marginal_rate_end) == (D("0.30"), D("0.25"))


def test_input_checks():
    with pytest.raises(TypeError):
        tax_on(1000.0, "single", P2026)
    with pytest.raises(ValueError, match="unknown filing status"):
        tax_on(D(1000), "joint", P2026)
    with pytest.raises(ValueError, match="start at 0"):
        tax_on(D(1000), "single", [(100, "0.1")])
    assert tax_on(1000, "single", P2026) == D(100)  # int accepted


# ---- properties ---------------------------------------------------------------------------------

money = st.decimals(min_value=-20000, max_value=3_000_000, places=2, allow_nan=False, allow_infinity=False)
status = st.sampled_from(STATUSES)
year = st.sampled_from([2024, 2025, 2026])


@st.composite
def schedules(draw):
    cuts = sorted(draw(st.sets(st.integers(1, 1_000_000), max_size=6)))
    rates = draw(st.lists(st.decimals(min_value=0, max_value=1, places=3), min_size=len(cuts) + 1,
                          max_size=len(cuts) + 1))
    return list(zip([0] + cuts, rates))


@given(year, status, money, money)
def test_monotone(y, s, a, b):
    lo, hi = sorted((a, b))
    p = load_year(y)
    assert tax_on(lo, s, p) <= tax_on(hi, s, p)


@settings(max_examples=200)
@given(year, status, money, money)
def test_slices_add_up(y, s, base, added):
    e = tax_effect(base, added, s, load_year(y))
    assert sum((x.tax for x in e.slices), D(0)) == e.tax_with - e.tax_without == e.difference
    assert sum((x.amount_in_bracket for x in e.slices), D(0)) == added


@given(schedules(), money, money)
def test_slices_add_up_any_schedule(sched, base, added):
    e = tax_effect(base, added, "single", sched)
    assert sum((x.tax for x in e.slices), D(0)) == e.difference
    assert sum((x.amount_in_bracket for x in e.slices), D(0)) == added
    lo, hi = sorted((base, base + added))
    assert tax_on(lo, "single", sched) <= tax_on(hi, "single", sched)


def test_unused_deductions_are_filled_first():
    """Other income below the deductions (wages 10,000, 2025 single standard deduction 15,750): the input may be
    negative, and the conversion fills the 5,750 first (IRC §63): tax on 34,250 = 1,192.50 + 12% x 22,325 =
    3,871.50 (audit 6 T03). Before, the input could not be below 0 and the best entry (0) gave 4,561.50."""
    from builders import run, scenario, form, person
    data = scenario(2025, [form("c", 40000, ["7"], "2025-06-01", ira=True, box2a=40000, box2b_not_determined=True,
                                uses=[{"kind": "conversion", "to": "roth_ira", "amount": 40000}])],
                    taxpayer=person(birth="1960-01-01", ira={"year_end_value": 0, "prior_basis": 0}), income=-5750)
    g = run(data).graph
    assert g["tax.without"] == 0 and g["tax.difference"] == D("3871.50")
    assert g["tax.effect"].slices[0].rate == 0 and g["tax.effect"].slices[0].amount_in_bracket == 5750


def _agi_case(birth, income, conv=25000, year=2025, status="single", spouse=None, **tp):
    from builders import form, person, scenario
    forms = [form("c", conv, ["7"], f"{year}-06-01", ira=True, box2a=conv, box2b_not_determined=True,
                  uses=[{"kind": "conversion", "to": "roth_ira", "amount": conv}])]
    data = scenario(year, forms, status=status, spouse=spouse,
                    taxpayer=person(birth=birth, ira={"year_end_value": 0, "prior_basis": 0}, **tp))
    data["income"] = income
    return data


@pytest.mark.parametrize("name, birth, income, kw, without, with_, difference", [
    # 2025 single, 67, other AGI 75,000, conversion 25,000 (audit 6 T04): deductions 15,750 + 2,000 + 6,000 -> TI
    # 51,250, tax 6,189; with it the senior deduction is 6,000 - 6% x 25,000 = 4,500 -> TI 77,750, tax 12,019
    ("senior phase-out", "1958-05-01", {"other_agi": 75000}, {}, "6189", "12019", "5830"),
    # the same at 60: no additional amount, no senior deduction: TI 59,250 -> 84,250
    ("under 65", "1965-05-01", {"other_agi": 75000}, {}, "7949", "13449", "5500"),
    # wages 10,000 at 35 (audit 6 T03): the conversion fills the unused 5,750 of the 15,750 first
    ("unused standard deduction", "1990-05-01", {"other_agi": 10000}, {"conv": 40000}, "0", "3871.50", "3871.50"),
    # itemizing 30,000 beats the 17,750 standard at 67; the senior deduction comes on top (itemizing or not):
    # TI 75,000 - 36,000 = 39,000 -> 4,441.50; 100,000 - 34,500 = 65,500 -> 9,324
    ("itemized", "1958-05-01", {"other_agi": 75000, "itemized_deductions": 30000}, {}, "4441.50", "9324", "4882.50"),
    # blind and 67 in 2024: two additional amounts (14,600 + 2 x 1,950, IRC §63(f)); no senior deduction yet:
    # TI 56,500 -> 7,483; 81,500 -> 12,983
    ("2024 blind and 65", "1958-05-01", {"other_agi": 75000}, {"year": 2024, "blind": True}, "7483", "12983", "5500"),
])
def test_tax_effect_from_agi(name, birth, income, kw, without, with_, difference):
    conv = kw.pop("conv", 25000)
    year = kw.pop("year", 2025)
    g = run_graph(_agi_case(birth, income, conv=conv, year=year, **kw))
    assert (g["tax.without"], g["tax.with"], g["tax.difference"]) == (D(without), D(with_), D(difference)), name


def run_graph(data):
    from builders import run
    return run(data).graph


def test_senior_deduction_on_a_joint_return_is_per_person():
    """Schedule 1-A Part V: 6,000 less 6% of MAGI over 150,000, for each spouse 65 or older (lines 35-36b)."""
    from builders import person
    data = _agi_case("1955-01-01", {"other_agi": 180000}, conv=0, status="mfj",
                     spouse=person(name="Sam Doe", ssn="123-45-6780", birth="1956-01-01"))
    g = run_graph(data)
    # 31,500 + 2 x 1,600 + 2 x (6,000 - 1,800) = 43,100
    assert g["tax.deduction_without"] == 43100 and g["income.other_taxable_income"] == 180000 - 43100
    assert "senior deduction 8,400" in " ".join(g.node("tax.deduction_without").notes)
    mfs = run_graph(_agi_case("1955-01-01", {"other_agi": 80000}, conv=0, status="mfs"))
    assert mfs["tax.deduction_without"] == 15750 + 1600  # no senior deduction when married filing separately


def test_aged_on_the_day_before_the_birthday():
    """Pub. 501: one is 65 on the day before the 65th birthday; born Jan. 1, 1961 counts for 2025, Jan. 2 does not."""
    from taxdocs.params import general
    from taxdocs.rules.deductions import aged
    from datetime import date
    from types import SimpleNamespace as P
    gp = general()
    assert aged(P(birth_date=date(1961, 1, 1), date_of_death=None), 2025, gp) is True
    assert aged(P(birth_date=date(1961, 1, 2), date_of_death=None), 2025, gp) is False
    # died in the year: 65 only if 65 at death (Pub. 501/554 "Death before age 65"); 65th birthday Nov. 15, 2025
    born = date(1960, 11, 15)
    assert aged(P(birth_date=born, date_of_death=date(2025, 6, 30)), 2025, gp) is False
    assert aged(P(birth_date=born, date_of_death=date(2025, 11, 14)), 2025, gp) is True  # the day before
    assert aged(P(birth_date=date(1950, 1, 1), date_of_death=date(2025, 3, 1)), 2025, gp) is True


def test_a_spouse_who_died_before_65_gets_no_65_amounts():
    """Audit 12 c19: 2025 joint; the taxpayer is 70, the spouse died June 30 at 64. One additional amount and one
    senior deduction: 31,500 + 1,600 + 6,000 = 39,100 (the tool gave 46,700); taxable income 20,900 -> 40,900."""
    from builders import form, person, scenario
    data = scenario(2025, [form("p", 20000, ["7"], "2025-03-01", box2a=20000)], status="mfj",
                    taxpayer=person(birth="1955-01-01"),
                    spouse=person(name="Sam Doe", ssn="123-45-6780", birth="1960-11-15", date_of_death="2025-06-30"))
    data["income"] = {"other_agi": 60000}
    L = run_graph(data)
    assert L["tax.deduction_without"] == 39100 and L["tax.taxable_with"] == 40900
    assert (L["tax.without"], L["tax.with"]) == (2090, 4431)


def test_agi_and_taxable_income_are_not_both_given():
    from builders import person, scenario
    from taxdocs.errors import InputError
    from taxdocs.model.load import from_data
    data = scenario(2025, [], taxpayer=person())
    data["income"] = {"other_agi": 50000, "other_taxable_income": 30000}
    with pytest.raises(InputError) as e:
        from_data(data)
    assert "income.other_agi" in str(e.value.problems[0].path)
    data["income"] = {"other_taxable_income": 30000, "itemized_deductions": 20000}
    with pytest.raises(InputError):
        from_data(data)


@pytest.mark.parametrize("benefits, other, exempt, status, apart, taxable", [
    (30000, 20000, 0, "single", False, 5350),     # over the base by 10,000: 4,500 + 85% x 1,000
    (30000, 40000, 0, "single", False, 22350),    # 4,500 + 85% x 21,000
    (20000, 10000, 0, "single", False, 0),        # provisional income 20,000 is under the 25,000 base
    (40000, 30000, 2000, "mfj", False, 12800),    # tax-exempt interest counts: 6,000 + 85% x 8,000
    (10000, 5000, 0, "mfs", False, 8500),         # MFS living together: base 0, 85% at once, capped at 85%
    (10000, 5000, 0, "mfs", True, 0),             # MFS apart all year: the single base
    (30000, 200000, 0, "single", False, 25500),   # at most 85% of the benefits
])
def test_taxable_social_security_pub_915_worksheet_1(benefits, other, exempt, status, apart, taxable):
    """IRC §86; Pub. 915 Worksheet 1, figured by hand (D)."""
    from taxdocs.params import general
    from taxdocs.rules.social_security import taxable_benefits
    assert taxable_benefits(D(benefits), D(other), D(exempt), status, apart, general()) == taxable


def test_conversion_makes_more_social_security_taxable():
    """2025, single, 67, benefits 30,000, other AGI 20,000, conversion 20,000: taxable benefits 5,350 -> 22,350, so
    taxable income goes 1,600 -> 38,600 (deductions 23,750 both ways): tax 160 -> 4,393.50 (D)."""
    g = run_graph(_agi_case("1958-05-01", {"other_agi": 20000, "social_security_benefits": 30000}, conv=20000))
    assert (g["tax.ss_taxable_without"], g["tax.ss_taxable_with"]) == (5350, 22350)
    assert (g["tax.agi_without"], g["tax.agi_with"]) == (25350, 62350)
    assert g["income.other_taxable_income"] == 1600 and g["tax.taxable_with"] == 38600
    assert (g["tax.without"], g["tax.with"], g["tax.difference"]) == (D("160"), D("4393.50"), D("4233.50"))


def test_social_security_needs_agi():
    from builders import person, scenario
    from taxdocs.errors import InputError
    from taxdocs.model.load import from_data
    data = scenario(2025, [], taxpayer=person())
    data["income"] = {"other_taxable_income": 30000, "social_security_benefits": 20000}
    with pytest.raises(InputError) as e:
        from_data(data)
    assert e.value.problems[0].path == "income.social_security_benefits"


def test_tax_without_is_the_effects_and_rests_only_on_the_other_income():
    """Audit (session 17): tax.without read the whole effect, so a missing Dec 31 value (Form 8606) marked the tax on
    the other income alone as missing. Same figure, its own reads."""
    from builders import form, person, scenario
    from taxdocs.model.load import from_data
    from taxdocs.rules.engine import compute
    d = scenario(2025, [form("r", 10000, ["7"], "2025-03-01", ira=True, box2a=10000)],
                 taxpayer=person(birth="1970-05-05", ira={"ever_nondeductible": True}), income=50000)
    res = compute(from_data(d))
    g = res.graph
    assert g["tax.without"] == g["tax.effect"].tax_without == D("5914.00")
    assert g.status("f1040.line4b") != "complete" and g.status("tax.without") == "complete"
