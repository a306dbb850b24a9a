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


@pytest.mark.parametrize("status,floor,tax", [("single", f, t) for f, t in EX27_SINGLE]
                         + [("mfj", f, t) for f, t in EX27_MFJ] + [("qss", f, t) for f, t in EX27_MFJ])
def test_ex27_tax_at_each_2026_floor(status, floor, tax):
    assert tax_on(D(floor), status, P2026) == D(tax)


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
