"""Parameter files and the loader. Expected figures are copied from rules.md, not from the program."""
from datetime import date
from decimal import Decimal as D
from itertools import product

import pytest
from hypothesis import given, strategies as st
from pydantic import BaseModel, ValidationError

from taxdocs.params import (
    DATA_DIR, STATUSES, Bracket, ParamsError, Param, Sourced, available_years, codes, general, load_file, load_year,
)

TAGS = ("[V", "[S", "[K", "[D")


def floors(p, status):
    return [b.lower for b in p.brackets[status]][1:]


# ---- rules.md §1.1 brackets ----------------------------------------------------------

BRACKET_FLOORS = {  # rules.md §1.1 tables
    2026: {
        "single": [12400, 50400, 105700, 201775, 256225, 640600],
        "mfj": [24800, 100800, 211400, 403550, 512450, 768700],
        "hoh": [17700, 67450, 105700, 201750, 256200, 640600],
        "mfs": [12400, 50400, 105700, 201775, 256225, 384350],
    },
    2025: {
        "single": [11925, 48475, 103350, 197300, 250525, 626350],
        "mfj": [23850, 96950, 206700, 394600, 501050, 751600],
        "hoh": [17000, 64850, 103350, 197300, 250500, 626350],
        "mfs": [11925, 48475, 103350, 197300, 250525, 375800],
    },
    2024: {
        "single": [11600, 47150, 100525, 191950, 243725, 609350],
        "mfj": [23200, 94300, 201050, 383900, 487450, 731200],
        "hoh": [16550, 63100, 100500, 191950, 243700, 609350],
        "mfs": [11600, 47150, 100525, 191950, 243725, 365600],
    },
}
RATES = ["0.10", "0.12", "0.22", "0.24", "0.32", "0.35", "0.37"]


@pytest.mark.parametrize("year,status", [(y, s) for y in BRACKET_FLOORS for s in BRACKET_FLOORS[y]])
def test_bracket_floors(year, status):
    p = load_year(year)
    assert floors(p, status) == [D(x) for x in BRACKET_FLOORS[year][status]]
    assert [b.rate for b in p.brackets[status]] == [D(r) for r in RATES]
    assert p.brackets[status][0].lower == 0


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_qss_equals_mfj(year):
    p = load_year(year)
    assert p.brackets["qss"] == p.brackets["mfj"]
    assert p.std_deduction["qss"] == p.std_deduction["mfj"]


def test_2026_hoh_conflict_recorded():
    p = load_year(2026)
    assert p.brackets["hoh"][4].lower == D(201750)
    assert "201,750" in p.source("brackets") and "201,775" in p.brackets.note


# ---- rules.md §1.2 standard deduction --------------------------------------------------

@pytest.mark.parametrize("year,single,mfj,hoh,married,unmarried", [
    (2024, 14600, 29200, 21900, 1550, 1950),
    (2025, 15750, 31500, 23625, 1600, 2000),   # OBBBA figures, not Rev. Proc. 2024-40's
    (2026, 16100, 32200, 24150, 1650, 2050),
])
def test_standard_deduction(year, single, mfj, hoh, married, unmarried):
    p = load_year(year)
    sd = p.std_deduction
    assert (sd["single"], sd["mfs"], sd["mfj"], sd["qss"], sd["hoh"]) == tuple(map(D, (single, single, mfj, mfj, hoh)))
    assert p.additional_std_deduction.married == married
    assert p.additional_std_deduction.unmarried == unmarried


def test_senior_deduction():
    assert load_year(2024).senior_deduction is None
    for y in (2025, 2026):
        s = load_year(y).senior_deduction
        assert (s.amount, s.phaseout_rate, s.threshold, s.threshold_joint) == (D(6000), D("0.06"), D(75000), D(150000))
        assert (s.first_year, s.last_year) == (2025, 2028)
        assert "[K]" in s.source


# ---- rules.md §1.3 limits ----------------------------------------------------------------

@pytest.mark.parametrize("year,ira,catch,single_cov,mfj_cov,spouse_cov,roth_s,roth_j,deferral,plan_cu,cu6063,add415,qcd,split", [
    (2024, 7000, 1000, (77000, 87000), (123000, 143000), (230000, 240000), (146000, 161000), (230000, 240000),
     23000, 7500, None, 69000, 105000, 53000),
    (2025, 7000, 1000, (79000, 89000), (126000, 146000), (236000, 246000), (150000, 165000), (236000, 246000),
     23500, 7500, 11250, 70000, 108000, 54000),
    (2026, 7500, 1100, (81000, 91000), (129000, 149000), (242000, 252000), (153000, 168000), (242000, 252000),
     24500, 8000, 11250, 72000, 111000, None),
])
def test_limits(year, ira, catch, single_cov, mfj_cov, spouse_cov, roth_s, roth_j, deferral, plan_cu, cu6063,
                add415, qcd, split):
    p = load_year(year)
    rng = lambda r: (r.lower, r.upper)  # noqa: E731
    assert (p.ira_contribution.limit, p.ira_contribution.catch_up) == (ira, catch)
    d = p.ira_deduction_phaseout
    assert rng(d.single_hoh_covered) == single_cov and rng(d.mfj_covered) == mfj_cov
    assert rng(d.mfj_spouse_covered) == spouse_cov and rng(d.mfs_covered) == (0, 10000)
    assert rng(p.roth_phaseout.single_hoh) == roth_s and rng(p.roth_phaseout.mfj) == roth_j
    assert (p.plan_limits.deferral, p.plan_limits.catch_up, p.plan_limits.catch_up_60_63) == (deferral, plan_cu, cu6063)
    assert p.annual_additions_415c.value == add415
    assert (p.qcd.limit, p.qcd.split_interest_limit) == (qcd, split)


def test_2026_roth_not_the_rothmathpro_figures():
    assert load_year(2026).roth_phaseout.single_hoh.lower != D(150000)


# ---- sources, types, loader ----------------------------------------------------------------

def _walk(node, path=""):
    if isinstance(node, BaseModel):
        yield path, node
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), f"{path}.{name}".lstrip("."))
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(node, (tuple, list)):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, node


def _roots():
    return [load_year(y) for y in available_years()] + [general(), codes()]


def test_every_source_carries_a_rules_md_tag():
    for root in _roots():
        for path, node in _walk(root):
            if isinstance(node, Sourced):
                assert any(t in node.source for t in TAGS), (path, node.source)


def test_no_floats_anywhere():
    for root in _roots():
        for path, node in _walk(root):
            assert not isinstance(node, float), path


def test_get_returns_value_with_source():
    p = load_year(2026)
    got = p.get("std_deduction.mfj")
    assert got == Param(D(32200), p.std_deduction.source)
    assert isinstance(got.value, D)
    assert p.source("brackets.hoh") == p.brackets.source
    assert "Rev. Proc. 2025-32" in p.source("brackets") and "[S]" in p.source("brackets")
    assert general().get("rmd.uniform_table.factors.73").value == D("26.5")
    with pytest.raises(KeyError):
        p.get("no_such.thing")


def test_missing_year():
    with pytest.raises(ParamsError, match=r"^no tax-year data for 2027; add taxdocs/params/2027.yaml$"):
        load_year(2027)


def test_available_years_and_cache():
    assert {2024, 2025, 2026} <= set(available_years())
    assert load_year(2026) is load_year(2026)
    assert general() is general() and codes() is codes()


def test_frozen():
    p = load_year(2026)
    with pytest.raises(ValidationError):
        p.year = 2030
    with pytest.raises(ValidationError):
        p.std_deduction.single = D(1)


@pytest.mark.parametrize("old,new,name,match", [
    ('[0, "0.10"]', "[0, 0.10]", "2026.yaml", "never a float"),   # a YAML float
    ("year: 2026", "year: 2026", "2021.yaml", "says year 2026"),  # file name and year disagree
    ("std_deduction:", "std_deductions:", "2026.yaml", "std_deduction"),  # misspelt key
])
def test_load_file_errors(tmp_path, old, new, name, match):
    text = (DATA_DIR / "2026.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ParamsError, match=match):
        load_file(path)


def test_bracket_model_rejects_float_and_bad_schedules():
    with pytest.raises(ValidationError):
        Bracket(lower=0, rate=0.1)
    p = load_year(2026).model_dump()
    p["brackets"]["single"] = [[0, "0.1"], [5000, "0.2"], [4000, "0.3"]]
    with pytest.raises(ValidationError, match="increase"):
        type(load_year(2026)).model_validate(p)


def test_unknown_status():
    with pytest.raises(ValueError, match="unknown filing status"):
        load_year(2026).std_deduction["married"]


# ---- general.yaml ----------------------------------------------------------------------------

def test_general_ages_periods_rates():
    g = general()
    assert (g.ages.early_distribution.years, g.ages.early_distribution.months) == (59, 6)
    assert g.ages.early_distribution.decimal == D("59.5")
    assert g.ages.separation_from_service.years == 55
    assert g.ages.separation_public_safety.years == 50
    assert g.ages.qcd.decimal == D("70.5")
    assert g.periods.rollover_days.value == 60 and g.periods.rollover_days.unit == "days"
    assert g.periods.roth_qualified_years.value == 5 and g.periods.roth_conversion_years.value == 5
    assert g.periods.simple_first_years.value == 2
    assert g.rates.early_distribution.value == D("0.10")
    assert g.rates.simple_early.value == D("0.25")
    assert g.rates.mandatory_withholding.value == D("0.20")
    assert (g.rates.rmd_excise.value, g.rates.rmd_excise_corrected.value) == (D("0.25"), D("0.10"))
    assert g.limits.first_time_homebuyer_lifetime.value == 10000


@pytest.mark.parametrize("birth,age", [
    (date(1951, 1, 1), 73), (date(1959, 12, 31), 73), (date(1960, 1, 1), 75), (date(1950, 6, 1), 72),
])
def test_rmd_applicable_age(birth, age):
    assert general().rmd.applicable_age_for(birth).years == age


def test_uniform_table():
    expected = {72: "27.4", 73: "26.5", 74: "25.5", 75: "24.6", 76: "23.7", 77: "22.9", 78: "22.0",
                79: "21.1", 80: "20.2"}
    r = general().rmd
    assert {a: r.uniform_factor(a) for a in expected} == {a: D(v) for a, v in expected.items()}
    with pytest.raises(ParamsError):
        r.uniform_factor(95)


@pytest.mark.parametrize("age,n", [(40, 360), (55, 360), (56, 310), (60, 310), (61, 260), (65, 260),
                                   (66, 210), (70, 210), (71, 160), (90, 160)])
def test_simplified_method_single(age, n):
    assert general().simplified_method.single_life.payments(age) == n


@pytest.mark.parametrize("age,n", [(100, 410), (110, 410), (111, 360), (120, 360), (121, 310), (130, 310),
                                   (131, 260), (140, 260), (141, 210), (170, 210)])
def test_simplified_method_joint(age, n):
    assert general().simplified_method.joint_lives.payments(age) == n


@pytest.mark.parametrize("no,ira,plan", [("01", False, True), ("02", True, True), ("03", True, True),
                                         ("04", True, True), ("05", True, True), ("06", False, True),
                                         ("07", True, False), ("08", True, False), ("09", True, False),
                                         ("10", True, True), ("11", True, True)])
def test_exception_numbers_01_11(no, ira, plan):
    for year in (2012, 2022, 2025):
        e = general().exception_numbers.lookup(no, year)
        assert (e.ira, e.plan) == (ira, plan)


def test_exception_numbers_keyed_by_year():
    ex = general().exception_numbers
    assert "Other" in ex.lookup("12", 2022).meaning
    assert "incorrectly coded" in ex.lookup("12", 2025).meaning
    assert "birth or adoption" in ex.lookup("19", 2025).meaning
    assert "More than one" in ex.lookup("99", 2023).meaning
    assert ex.lookup(3, 2025) == ex.lookup("03", 2025)
    for number, year in (("99", 2022), ("12", 2023), ("12", 2026), ("01", 2011)):
        with pytest.raises(ParamsError, match="not transcribed"):
            ex.lookup(number, year)


# ---- codes.yaml (rules.md §2.1) ---------------------------------------------------------------

@pytest.mark.parametrize("a,b,year,ok", [
    ("1", "8", 2025, True), ("2", "8", 2024, True), ("4", "8", 2026, True),
    ("7", "1", 2025, False), ("7", "8", 2025, False), ("1", "2", 2025, False), ("3", "4", 2025, False),
    ("G", "4", 2024, True), ("B", "G", 2025, True), ("H", "4", 2025, True), ("H", "B", 2025, False),
    ("J", "P", 2025, True), ("J", "8", 2025, True), ("J", "1", 2025, False), ("J", "B", 2025, False),
    ("Y", "7", 2025, True), ("Y", "4", 2026, True), ("Y", "K", 2025, True), ("Y", "7", 2024, False),
    ("Y", "1", 2025, False), ("Y", "G", 2025, False),
    ("K", "G", 2025, True), ("K", "B", 2025, False), ("M", "B", 2025, True), ("M", "8", 2025, False),
    ("C", "D", 2025, True), ("C", "4", 2025, False), ("D", "3", 2025, True),
    ("6", "W", 2025, True), ("A", "7", 2025, True), ("A", "1", 2025, False), ("U", "B", 2025, True),
    ("L", "B", 2025, True), ("P", "2", 2025, True), ("P", "8", 2025, False),
    ("7", "7", 2025, False), ("Z", "1", 2025, False),
])
def test_code_pairs(a, b, year, ok):
    c = codes()
    assert c.is_valid_pair(a, b, year) is ok
    assert c.is_valid_pair(b, a, year) is ok
    assert c.is_valid_pair(a.lower(), b, year) is ok


@pytest.mark.parametrize("single", ["5", "9", "E", "F", "N", "Q", "R", "S", "T"])
def test_singles_only_codes_pair_with_nothing(single):
    c = codes()
    assert not any(c.is_valid_pair(single, other, 2025) for other in c.codes)
    assert c.is_valid_box7(single, 2025)


def test_y_is_unknown_before_2025():
    c = codes()
    assert not c.known("Y", 2024) and c.known("Y", 2025)
    with pytest.raises(ParamsError):
        c.get_code("Y", 2024)


def test_box7_strings():
    c = codes()
    assert c.is_valid_box7("G4", 2025) and c.is_valid_box7("4G", 2025) and c.is_valid_box7("7", 2025)
    assert not c.is_valid_box7("Y", 2025)          # Y is always paired
    assert c.is_valid_box7("Y7", 2025) and not c.is_valid_box7("Y7", 2024)
    assert not c.is_valid_box7("71", 2025) and not c.is_valid_box7("", 2025) and not c.is_valid_box7("G4B", 2025)


def test_only_three_numeric_pairs():
    c = codes()
    numeric = [k for k in c.codes if k.isdigit()]
    valid = {frozenset((a, b)) for a, b in product(numeric, numeric) if c.is_valid_pair(a, b, 2025)}
    assert valid == {frozenset(("1", "8")), frozenset(("2", "8")), frozenset(("4", "8"))}


def test_table_and_pub1220_agree():
    """Every pair in the i1099r table also passes the Pub. 1220 rules (none to note in codes.yaml)."""
    c = codes()
    disagreements = [(a, b) for a, code in c.codes.items() for b in code.valid_with if not c._pub1220_ok(a, b)]
    assert disagreements == []


@pytest.mark.parametrize("flag,expected", [
    ("roth_ira", "JQT"), ("early_no_exception", "1JS"), ("direct_rollover", "GH"), ("drac", "BH"),
    ("recharacterization", "NR"), ("qcd", "Y"), ("no_ira_checkbox", "JQTNR"), ("simple_25", "S"),
    ("not_eligible_rollover", "89LPU"),
])
def test_code_flags(flag, expected):
    assert codes().with_flag(flag) == frozenset(expected)
    assert all(codes().has_flag(x, flag) for x in expected)


code_st = st.sampled_from(sorted(codes().codes) + ["Z", "0"])


@given(code_st, code_st, st.integers(2020, 2030))
def test_pair_symmetry(a, b, year):
    assert codes().is_valid_pair(a, b, year) == codes().is_valid_pair(b, a, year)


def test_statuses():
    assert STATUSES == ("single", "mfj", "mfs", "hoh", "qss")
