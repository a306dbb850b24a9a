"""Roth IRAs (rules.md §7), qualified charitable distributions and HSA funding distributions (rules.md §3
Exceptions 3 and 4)."""
from datetime import date
from decimal import Decimal

import pytest

from chkhelp import codes, form, ira_form, only, person, result, run, scenario


def roth_dist(amount, codes_=("J",), birth="1975-01-01", paid="2025-11-08", **roth):
    return scenario([form("roth1", amount, codes_, paid=paid, box2b_not_determined=True)],
                    taxpayer=person(birth=birth, roth=roth))


# --- five-year status ---------------------------------------------------------------------------

def test_roth_5yr_unknown_code_t():
    """Code T: 59½ reached, 5-year status unknown to the payer (rules.md §2.1, §7.1)."""
    f = only(run(roth_dist(7000, ("T",), birth="1960-01-01", contribution_basis=5000)), "ROTH_5YR_UNKNOWN")
    assert f.severity == "warning" and f.field == "taxpayer.roth.first_contribution_year" and "code T" in f.message


def test_roth_5yr_unknown_changes_nothing_within_the_contribution_basis():
    """Left from an earlier audit: 7,000 out of 10,000 of contributions is untaxed either way: info, not a
    warning. With the basis not given (assumed 0) the status matters again."""
    res = run(roth_dist(7000, ("T",), birth="1960-01-01", contribution_basis=10000))
    f = only(res, "ROTH_5YR_NO_EFFECT")
    assert f.severity == "info" and "$10,000" in f.message and "$7,000" in f.message
    # what the status still changes (second read): the form and the basis carried, not the tax
    assert "no Form 8606 would be needed" in f.message and "not be reduced" in f.message
    assert "ROTH_5YR_UNKNOWN" not in codes(res)
    assert "ROTH_5YR_UNKNOWN" in codes(run(roth_dist(7000, ("T",), birth="1960-01-01")))
    assert "ROTH_5YR_NO_EFFECT" not in codes(run(roth_dist(7000, ("T",), birth="1960-01-01", contribution_basis=6999)))


def test_roth_5yr_known():
    data = roth_dist(7000, ("T",), birth="1960-01-01", first_contribution_year=2015, contribution_basis=10000)
    assert "ROTH_5YR_UNKNOWN" not in codes(run(data))


def test_first_roth_year_after_a_conversion_on_record():
    """62, 50,000 from a Roth IRA: first year given as 2022, but a 2018 conversion of 20,000 is on record. The
    conversion started the clock (Reg. §1.408A-6 Q&A-2): qualified, nothing taxable (before: 30,000 taxable)."""
    conv = [{"year": 2018, "amount": 20000, "taxable": 20000}]
    data = roth_dist(50000, ("J",), birth="1963-01-01", first_contribution_year=2022, conversions=conv)
    res = run(data)
    f = only(res, "ROTH_FIRST_YEAR_AFTER_CONVERSION")
    assert f.field == "taxpayer.roth.first_contribution_year" and "2022" in f.message and "2018" in f.message
    assert result(data).lines()["f1040.line4b"] == 0
    ok = roth_dist(50000, ("J",), birth="1963-01-01", first_contribution_year=2018, conversions=conv)
    assert "ROTH_FIRST_YEAR_AFTER_CONVERSION" not in codes(run(ok))


def test_inherited_roth_nonqualified_names_its_own_form():
    inh = form("inh", 40000, ("T",), box2b_not_determined=True, source="inherited_roth_ira",
               decedent_first_roth_year=2022, decedent_roth_basis=30000)
    f = only(run(scenario([inh], taxpayer=person(birth="1990-01-01"))), "INHERITED_ROTH_8606")
    assert f.severity == "info" and "$40,000" in f.message and "$10,000" in f.message
    assert "f8606-taxpayer-inherited-roth-1.pdf" in f.message and "Part III" in f.message
    inh_q = dict(inh, decedent_first_roth_year=2015)  # the owner's 5 years are met: qualified
    assert "INHERITED_ROTH_8606" not in codes(run(scenario([inh_q], taxpayer=person(birth="1990-01-01"))))


def test_irr_history_is_said_to_be_unused():
    irr = [{"year": 2023, "amount": 10000, "taxable": 10000}]
    f = only(run(roth_dist(5000, ("J",), contribution_basis=10000, in_plan_rollovers=irr)), "IRR_HISTORY_NOT_USED")
    assert f.severity == "info" and "box 10" in f.message and f.field == "taxpayer.roth.in_plan_rollovers"
    assert "IRR_HISTORY_NOT_USED" not in codes(run(roth_dist(5000, ("J",), contribution_basis=10000)))


def test_designated_roth_5yr_unknown():
    data = scenario([form("drac", 5000, ("B", "7"), box2a=1000, box5=4000)], taxpayer=person(birth="1960-01-01"))
    f = only(run(data), "ROTH_5YR_UNKNOWN")
    assert f.field == "forms_1099r[0].box11"
    known = scenario([form("drac", 5000, ("B", "7"), box2a=1000, box5=4000, box11=2010)],
                     taxpayer=person(birth="1960-01-01"))
    assert "ROTH_5YR_UNKNOWN" not in codes(run(known))


# --- basis and earnings (Form 8606 Part III) ---------------------------------------------------------

def test_roth_basis_missing():
    f = only(run(roth_dist(7000, first_contribution_year=2022)), "ROTH_BASIS_MISSING")
    assert "$7,000" in f.message and f.field == "taxpayer.roth.contribution_basis"
    assert "ROTH_BASIS_MISSING" not in codes(run(roth_dist(7000, first_contribution_year=2022,
                                                           contribution_basis=5000)))


def test_roth_nonqualified_earnings():
    """7,000 out, 5,000 of regular contributions, no conversions: 2,000 of earnings taxable; under 59½: 10% = 200."""
    data = roth_dist(7000, first_contribution_year=2022, contribution_basis=5000)
    f = only(run(data), "ROTH_NONQUALIFIED_EARNINGS")
    assert "$2,000" in f.message and "$200" in f.message and "$5,000" in f.message
    assert result(data).graph["f8606.taxpayer.line25c"] == 2000


def test_roth_distribution_within_basis():
    data = roth_dist(5000, first_contribution_year=2022, contribution_basis=5000)
    assert "ROTH_NONQUALIFIED_EARNINGS" not in codes(run(data))


def justin(conversion_year, birth="1975-01-01"):
    """EX-12 (Justin) moved to 2025 and under 59½: 5,000 regular contribution, 80,000 converted (60,000 taxable);
    a 7,000 distribution: 5,000 from contributions, 2,000 from the conversion's taxable layer."""
    return roth_dist(7000, birth=birth, first_contribution_year=conversion_year, contribution_basis=0,
                     contributions_this_year=5000,
                     conversions=[{"year": conversion_year, "amount": 80000, "taxable": 60000}])


def test_roth_conversion_recapture_within_5_years():
    """rules.md §7.2 / EX-12: 'Otherwise the 2,000 would have been exposed' -> 10% = 200."""
    f = only(run(justin(2021)), "ROTH_CONVERSION_RECAPTURE")
    assert "$2,000" in f.message and "$200" in f.message and "2021" in f.message and "2025" in f.message
    assert "ROTH_NONQUALIFIED_EARNINGS" not in codes(run(justin(2021)))


def test_roth_conversion_recapture_after_5_years():
    """A 2020 conversion's period is 2020-2024: a 2025 distribution is past it."""
    assert "ROTH_CONVERSION_RECAPTURE" not in codes(run(justin(2020)))


def test_roth_conversion_recapture_not_after_59_half():
    """EX-12 as stated: Justin is 60, so no recapture."""
    assert "ROTH_CONVERSION_RECAPTURE" not in codes(run(justin(2021, birth="1960-01-01")))


# --- recharacterized conversion (rules.md §7.6) ---------------------------------------------------------

def test_recharacterized_conversion():
    uses = [{"kind": "conversion", "to": "roth_ira", "amount": 6000},
            {"kind": "recharacterization", "to": "traditional_ira", "amount": 4000}]
    data = scenario([ira_form("c", 10000, ("2",), uses=uses)], taxpayer=person(ira={"prior_basis": 0,
                                                                                   "year_end_value": 0}))
    f = only(run(data), "RECHARACTERIZED_CONVERSION")
    assert "$4,000" in f.message and f.severity == "error" and f.field == "forms_1099r[0].uses[1].kind"


def test_recharacterized_conversion_from_the_roth_side():
    conv = ira_form("c", 10000, ("2",), uses=[{"kind": "conversion", "to": "roth_ira", "amount": 10000}])
    back = form("r", 10000, ("N",), box2a=0, uses=[{"kind": "recharacterization", "to": "traditional_ira",
                                                   "amount": 10000}])
    data = scenario([conv, back], taxpayer=person(ira={"prior_basis": 0, "year_end_value": 10000}))
    assert "RECHARACTERIZED_CONVERSION" in codes(run(data))


def test_recharacterized_contribution_then_converted_is_not_a_recharacterized_conversion():
    """Audit 12 c24: a 7,000 Roth contribution recharacterized Mar. 1 (7,300 with earnings, code N), the 7,300 then
    converted Mar. 15. The conversion came after: nothing converted was recharacterized. 8606: line 1 7,000; line 10
    7,000 / 7,300 = .959; line 11 7,300 x .959 = 7,001 (the form's rounding: line 14 0, not -1; rules.md §4.4); line
    18 299; 4a 14,600, 4b 299."""
    back = form("r", 7300, ("N",), paid="2025-03-01", box2a=0, source="roth_ira",
                uses=[{"kind": "recharacterization", "to": "traditional_ira", "amount": 7300}])
    conv = ira_form("c", 7300, ("2",), paid="2025-03-15", box2a=7300, box2b_not_determined=True,
                    uses=[{"kind": "conversion", "to": "roth_ira", "amount": 7300}])
    data = scenario([back, conv], taxpayer=person(birth="1980-05-05", ira={"nondeductible_contributions": 7000,
                                                  "prior_basis": 0, "year_end_value": 0},
                                                  roth={"first_contribution_year": 2025, "contributions_this_year": 0}))
    assert "RECHARACTERIZED_CONVERSION" not in codes(run(data))
    L = result(data).lines()
    assert (L["f1040.line4a"], L["f1040.line4b"], L["f8606.taxpayer.line18"]) == (14600, 299, 299)


def test_recharacterized_regular_contribution_is_allowed():
    """A regular Roth contribution can still be recharacterized (rules.md §7.6)."""
    back = form("r", 7000, ("N",), box2a=0, uses=[{"kind": "recharacterization", "to": "traditional_ira",
                                                  "amount": 7000}])
    data = scenario([back], taxpayer=person(roth={"contributions_this_year": 7000}))
    assert "RECHARACTERIZED_CONVERSION" not in codes(run(data))


# --- QCDs ---------------------------------------------------------------------------------------------

QCD_BORN = "1955-01-10"  # 70½ on 2025-07-10


def qcd(paid="2025-08-01", amount=10000, birth=QCD_BORN, **kw):
    return scenario([ira_form("q", amount, ("7",), paid=paid, uses=[{"kind": "qcd", "amount": amount}], **kw)],
                    taxpayer=person(birth=birth, ira={"ever_nondeductible": False}))


def test_qcd_one_day_before_70_half():
    f = only(run(qcd("2025-07-09")), "QCD_UNDER_AGE")
    assert "Jul 10, 2025" in f.message and f.severity == "error"


def test_qcd_on_the_70_half_date():
    assert "QCD_UNDER_AGE" not in codes(run(qcd("2025-07-10")))


def test_qcd_over_the_limit():
    """2025 QCD limit 108,000 (rules.md §1.3)."""
    f = only(run(qcd(amount=108001)), "QCD_OVER_LIMIT")
    assert "$108,000" in f.message and "$1 " in f.message
    assert "QCD_OVER_LIMIT" not in codes(run(qcd(amount=108000)))


def test_qcd_not_from_an_ira():
    data = scenario([form("q", 5000, ("7",), box2a=5000, uses=[{"kind": "qcd", "amount": 5000}])],
                    taxpayer=person(birth="1950-01-01"))
    assert "employer plan" in only(run(data), "QCD_NOT_FROM_IRA").message
    assert "QCD_NOT_FROM_IRA" not in codes(run(qcd()))


def test_qcd_from_a_roth_ira_is_a_qcd():
    """A Roth IRA is an IRA for §408(d)(8) (IRC §408A(a)); only ongoing SEP and SIMPLE IRAs are left out. Audit 12
    c20: 30,000 of a nonqualified Roth IRA (5,000 contributions, a 20,000 conversion, 5,000 earnings) to charity at
    72: the earnings are excluded as the QCD, the rest is basis: 4a 30,000, 4b 0, QCD (before: an error, 4b 5,000)."""
    roth = {"first_contribution_year": 2022, "contribution_basis": 5000,
            "conversions": [{"year": 2022, "amount": 20000, "taxable": 20000}]}
    data = scenario([form("r", 30000, ("T",), paid="2025-05-01", source="roth_ira",
                          uses=[{"kind": "qcd", "amount": 30000}])], taxpayer=person(birth="1953-01-01", roth=roth))
    assert "QCD_NOT_FROM_IRA" not in codes(run(data))
    L = result(data).lines()
    assert (L["f1040.line4a"], L["f1040.line4b"], L["f1040.line4c"]) == (30000, 0, ["QCD"])


def test_hfd_not_from_an_ira():
    """IRC §408(d)(9): only an IRA funds an HSA tax free. From a 401(k) at 50 (code 1): 5b 4,300, 10% = 430, no HFD
    notation (audit 12: it was excluded with no finding)."""
    hfd = [{"kind": "hfd", "amount": 4300}]
    data = scenario([form("k", 4300, ("1",), box2a=4300, uses=hfd)], taxpayer=person(birth="1975-01-01"))
    assert "employer plan" in only(run(data), "HFD_NOT_FROM_IRA").message
    L = result(data).lines()
    assert (L["f1040.line5b"], L["f1040.line5c"], L["f1040.schedule2_line8"]) == (4300, [], 430)
    ira = scenario([ira_form("i", 4300, ("1",), uses=hfd)], taxpayer=person(birth="1975-01-01", ira={"year_end_value": 0}))
    assert "HFD_NOT_FROM_IRA" not in codes(run(ira)) and result(ira).lines()["f1040.line4c"] == ["HFD"]


def hfd(amounts, birth="1975-01-01", year=2025, **kw):
    """HSA funding distributions from a traditional IRA with no basis, one 1099-R each (code 1: under 59½)."""
    forms = [ira_form(f"h{n}", a, ("1",), paid=f"{year}-0{n + 1}-01", uses=[{"kind": "hfd", "amount": a}])
             for n, a in enumerate(amounts)]
    return scenario(forms, year=year, taxpayer=person(birth=birth, ira={"year_end_value": 0}, **kw))


@pytest.mark.parametrize("coverage, birth, amount, taxable", [
    ("self_only", "1975-01-01", 5000, 700),    # 2025 self-only 4,300 (Rev. Proc. 2024-25): 700 over
    ("self_only", "1970-12-31", 5000, 0),      # 55 on Dec 31, 2025: + 1,000 catch-up (IRC §223(b)(3)) = 5,300
    ("self_only", "1971-01-01", 5000, 700),    # 55 only in 2026: no catch-up
    ("family", "1975-01-01", 9000, 450),       # family 8,550
    ("family", "1965-01-01", 9550, 0),         # family + catch-up = 9,550
    ("family", "1965-01-01", 9551, 1),
])
def test_hfd_capped_at_the_hsa_limit(coverage, birth, amount, taxable):
    """IRC §408(d)(9)(C)(i): only up to the year's HSA limit for the coverage is excluded; the rest is a taxable IRA
    distribution, with the 10% under 59½ (before: all of it excluded)."""
    data = hfd([amount], birth=birth, hsa_coverage=coverage)
    L = result(data).lines()
    assert (L["f1040.line4a"], L["f1040.line4b"], L["f1040.line4c"]) == (amount, taxable, ["HFD"])
    if taxable:
        f = only(run(data), "HFD_OVER_LIMIT")
        assert f.severity == "error" and f"${taxable:,}" in f.message
        assert f"for {coverage.replace('_', '-')} coverage" in f.message
        assert L["f5329.taxpayer.line4"] == (taxable * Decimal("0.10")).quantize(Decimal(1))
    else:
        assert "HFD_OVER_LIMIT" not in codes(run(data))


def test_hfd_coverage_not_given_takes_the_family_limit_and_asks():
    data = hfd([6000])
    assert result(data).lines()["f1040.line4b"] == 0
    f = only(run(data), "HFD_COVERAGE_UNKNOWN")
    assert "$4,300" in f.message and "$8,550" in f.message and f.severity == "warning"
    assert "HFD_COVERAGE_UNKNOWN" not in codes(run(hfd([4300])))  # within self-only: nothing to ask
    over = hfd([9000])  # above even the family limit: taxable in part, whatever the coverage
    assert result(over).lines()["f1040.line4b"] == 450
    found = run(over)
    assert "HFD_COVERAGE_UNKNOWN" not in codes(found)
    assert "family coverage (the most it can be: hsa_coverage not given)" in only(found, "HFD_OVER_LIMIT").message


@pytest.mark.parametrize("amounts, coverage, taxable, over", [
    ([3000, 6000], "family", 700, "h1"),   # 3,000 within self-only 4,150; together 8,300: 700 over, on the second
    ([5000, 4000], "family", 850, "h0"),   # the first, under self-only coverage, is capped at 4,150
    ([3000, 6000], None, 700, "h1"),       # coverage not given: taken as the change to family, and asked
])
def test_two_hfds_in_a_year_on_the_change_to_family_coverage(amounts, coverage, taxable, over):
    """§408(d)(9)(C)(ii)(II): a second after self-only coverage became family, the first within the self-only limit,
    together at most the family limit (2024: 4,150 / 8,300, Rev. Proc. 2023-23). Born 1975: 10% of the excess."""
    data = hfd(amounts, year=2024, **({"hsa_coverage": coverage} if coverage else {}))
    L = result(data).lines()
    assert (L["f1040.line4b"], L["f5329.taxpayer.line4"]) == (taxable, taxable // 10)
    res = run(data)
    assert "2 HSA funding distributions" in only(res, "HFD_MORE_THAN_ONE").message
    f = only(res, "HFD_OVER_LIMIT")
    assert f.record == over and f"${taxable:,}" in f.message


def test_a_second_hfd_under_self_only_coverage_is_taxable():
    """Self-only all year: the second is not a qualified HSA funding distribution at all (one in a lifetime)."""
    data = hfd([3000, 3000], hsa_coverage="self_only")
    L = result(data).lines()
    assert (L["f1040.line4b"], L["f5329.taxpayer.line4"]) == (3000, 300)
    res = run(data)
    f = only(res, "HFD_NOT_ALLOWED_AGAIN")
    assert f.record == "h1" and f.severity == "error" and "$3,000" in f.message
    assert not {"HFD_MORE_THAN_ONE", "HFD_OVER_LIMIT"} & set(codes(res))


def test_a_third_hfd_is_never_allowed():
    data = hfd([1000, 1000, 1000], hsa_coverage="family")
    assert result(data).lines()["f1040.line4b"] == 1000
    assert only(run(data), "HFD_NOT_ALLOWED_AGAIN").record == "h2"


def test_hfd_before_any_hsa_limit_on_file(monkeypatch):
    """No HSA limits for the year in the data files: not capped, and a finding says so."""
    import taxdocs.rules.engine as eng
    orig = eng._year_params
    monkeypatch.setattr(eng, "_year_params", lambda y: orig(y).model_copy(update={"hsa": None}))
    data = hfd([20000])
    assert result(data).lines()["f1040.line4b"] == 0
    assert "could not check" in only(run(data), "HFD_LIMIT_UNKNOWN").message


def test_qcd_from_sep():
    f = only(run(qcd(source="sep_ira")), "QCD_FROM_SEP_SIMPLE")
    assert f.severity == "warning" and "SEP IRA" in f.message
    assert "QCD_FROM_SEP_SIMPLE" not in codes(run(qcd(source="traditional_ira")))


# --- QCDs offset by IRA deductions after 70½ (IRC §408(d)(8)(A) last sentence) -------------------------------
# Notice 2020-68 / Pub. 590-B (2021) "Jim": 70½ in 2019; deductible IRA contributions of 5,000 for 2020 and for
# 2021; a 6,000 QCD in 2021 (S: none of it excludable) and a 6,500 QCD in 2022 (the 4,000 of deductions left
# reduce it: 4,000 taxable, 2,500 excluded). Run here on 2025 dates with the same amounts.

def _jim(qcd, this_year, prior=0, used=0, basis=None, value=None):
    ira = {"deductible_contributions": this_year, "deductions_after_70_half_prior": prior,
           "qcd_reductions_prior": used}
    if basis is not None:
        ira.update(prior_basis=basis, year_end_value=value)
    else:
        ira["ever_nondeductible"] = False
    return scenario([ira_form("q", qcd, ("7",), paid="2025-10-01", uses=[{"kind": "qcd", "amount": qcd}])],
                    taxpayer=person(birth="1949-03-01", ira=ira))


@pytest.mark.parametrize("name, data, line4b, next_deductions, next_used", [
    ("Jim, first year: 5,000 + 5,000 of deductions take the whole 6,000 QCD", _jim(6000, 5000, prior=5000),
     6000, 10000, 6000),
    ("Jim, second year: 4,000 left of the offset, 2,500 of the 6,500 QCD excluded",
     _jim(6500, 0, prior=10000, used=6000), 4000, 10000, 10000),
    ("no deduction after 70½: the QCD is all excluded", _jim(6000, 0), 0, None, None),
])
def test_qcd_offset_by_deductions_after_70_half(name, data, line4b, next_deductions, next_used):
    lines = result(data).graph
    assert lines["f1040.line4b"] == line4b, name
    assert lines["f1040.line4a"] == data["forms_1099r"][0]["box1"] and "QCD" in lines["f1040.line4c"]
    if next_deductions is None:
        assert "QCD_REDUCED_BY_DEDUCTIONS" not in codes(run(data))
        assert not lines.has("taxpayer.ira.qcd_reductions_next_year")
    else:
        f = only(run(data), "QCD_REDUCED_BY_DEDUCTIONS")
        assert f.severity == "warning" and f"${line4b:,}" in f.message
        rest = data["forms_1099r"][0]["box1"] - line4b   # (multi-year audit, session 18: "the rest" of nothing)
        assert (f"the other ${rest:,} stays a QCD" if rest else "none of it stays a QCD") in f.message
        assert (lines["taxpayer.ira.deductions_after_70_half_next_year"],
                lines["taxpayer.ira.qcd_reductions_next_year"]) == (next_deductions, next_used)


@pytest.mark.parametrize("name, birth, status, next_deductions", [
    ("72 (70½ in 2023): this year's deduction is carried", "1953-01-10", "complete", 7000),
    ("70½ on Jul 10, 2025, by Dec 31: it counts", QCD_BORN, "complete", 7000),
    ("70½ on Jan 10, 2026: not yet", "1955-07-10", None, None),
    ("55: nothing to carry", "1970-03-15", None, None),
    ("no birth date: provisional, this year's deduction left out", None, "provisional", 0),
])
def test_next_year_deductions_total_without_a_qcd(name, birth, status, next_deductions):
    """A deductible contribution for a year ending on or after the 70½ date offsets later QCDs even when there is
    no QCD and nothing carried in yet (IRC §408(d)(8)(A) last sentence)."""
    g = result(scenario([], taxpayer=person(birth=birth, ira={"deductible_contributions": 7000}))).graph
    key = "taxpayer.ira.deductions_after_70_half_next_year"
    if status is None:
        assert not g.has(key) and not g.has("taxpayer.ira.qcd_reductions_next_year"), name
    else:
        assert (g[key], g.status(key), g["taxpayer.ira.qcd_reductions_next_year"]) == (next_deductions, status, 0), name


def test_qcd_offset_totals_left_blank_are_0():
    """Blank (not given, not filled from a ledger) means 0: the same line 4b and next-year totals."""
    blank = _jim(6000, 5000, prior=5000)
    del blank["taxpayer"]["ira"]["qcd_reductions_prior"]
    g = result(blank).graph
    assert (g["f1040.line4b"], g["taxpayer.ira.qcd_reductions_next_year"]) == (6000, 6000)
    only_used = _jim(6000, 0, used=0)
    del only_used["taxpayer"]["ira"]["deductions_after_70_half_prior"]
    assert result(only_used).graph["f1040.line4b"] == 0


def test_qcd_offset_is_pretax_money_and_leaves_the_basis_alone():
    """The QCD comes out of pre-tax money first (§408(d)(8)(D)); the part the offset takes off the exclusion is
    taxable in full, not through Form 8606: the basis carried forward does not change."""
    without = result(_jim(6000, 0, basis=10000, value=50000)).graph
    offset = result(_jim(6000, 0, prior=2500, basis=10000, value=50000)).graph
    assert (without["f1040.line4b"], offset["f1040.line4b"]) == (0, 2500)
    assert offset["f8606.taxpayer.basis_next_year"] == without["f8606.taxpayer.basis_next_year"] == 10000


# --- a QCD above what would be taxable (IRC §408(d)(8)(D)) -------------------------------------------------

def _qcd(amount, basis, value):
    return scenario([ira_form("q", amount, ("7",), paid="2025-11-01", box2a=amount, box2b_not_determined=True,
                              uses=[{"kind": "qcd", "amount": amount}])],
                    taxpayer=person(birth="1950-01-01", ira={"prior_basis": basis, "year_end_value": value}))


def test_qcd_over_taxable():
    """30,000 in IRAs with 10,000 basis: only 20,000 could have been taxable; 5,000 of a 25,000 QCD is basis."""
    f = only(run(_qcd(25000, 10000, 5000)), "QCD_OVER_TAXABLE")
    assert f.severity == "warning" and "$5,000" in f.message and "$20,000" in f.message
    g = result(_qcd(25000, 10000, 5000)).graph
    assert (g["f8606.taxpayer.line7"], g["f8606.taxpayer.line14"], g["f1040.line4b"]) == (5000, 5000, 0)


def test_qcd_within_pretax_money_or_without_basis():
    assert "QCD_OVER_TAXABLE" not in codes(run(_qcd(20000, 10000, 10000)))  # exactly the pre-tax money
    assert "QCD_OVER_TAXABLE" not in codes(run(_qcd(25000, 0, 5000)))       # no basis: all of it is pre-tax


def test_qcd_over_taxable_counts_earlier_qcds():
    """Two QCDs of 15,000; 25,000 pre-tax (35,000 - 10,000 basis): the second is 5,000 over."""
    data = scenario([ira_form(f"q{i}", 15000, ("7",), paid=f"2025-0{i + 5}-01", box2a=15000, box2b_not_determined=True,
                              uses=[{"kind": "qcd", "amount": 15000}]) for i in (1, 2)],
                    taxpayer=person(birth="1950-01-01", ira={"prior_basis": 10000, "year_end_value": 5000}))
    f = only(run(data), "QCD_OVER_TAXABLE")
    assert f.record == "q2" and "$25,000" in f.message and "$15,000 of that" in f.message and "$5,000" in f.message


# --- QCDs and HFDs above the pre-tax money of each Form 8606 aggregate: the owner's own IRAs and each
# decedent's inherited IRAs (IRC §408(d)(8)(D), §408(d)(9)(B), (E); rules.md §3, §5.1). Audit 3 C17, C17b, C20.

OWN, INH = "f8606.taxpayer.", "f8606.taxpayer_inherited_1."


def _inherited_qcd(box1, qcd, basis, value, own_ira=None):
    """Beneficiary 72; code 4 from an IRA inherited from Parent, part of it paid to a charity."""
    f = ira_form("inherited", box1, ("4",), paid="2025-11-01", decedent="Parent",
                 uses=[{"kind": "qcd", "amount": qcd}])
    extra = {"ira": own_ira} if own_ira else {}
    inherited = [{"decedent": "Parent", "basis": basis, "year_end_value": value}]
    return scenario([f], taxpayer=person(birth="1953-01-01", inherited_iras=inherited, **extra))


def _hfd(amount, basis, value):
    """Owner 50 (code 1); the whole distribution sent to the HSA."""
    return scenario([ira_form("hfd", amount, ("1",), paid="2025-04-01", uses=[{"kind": "hfd", "amount": amount}])],
                    taxpayer=person(birth="1975-06-06", ira={"prior_basis": basis, "year_end_value": value}))


# (name, scenario, expected lines, finding expected, figures in its message)
PRETAX_CASES = [
    # C17b: pre-tax = 20,000 + 15,000 - 30,000 = 5,000 is a QCD; 10,000 of basis on the inherited 8606 line 7
    ("C17b inherited QCD above its pre-tax money", _inherited_qcd(15000, 15000, 30000, 20000),
     {INH + "required": True, INH + "line6": 20000, INH + "line7": 10000, INH + "line10": Decimal("1.000"),
      INH + "line12": 10000, INH + "line14": 20000, INH + "line15c": 0,
      "f1040.line4a": 15000, "f1040.line4b": 0, "f1040.line4c": ["QCD"]},
     "QCD_OVER_TAXABLE", ("$15,000", "$5,000", "$10,000", "inherited from Parent")),
    # the same, beside the owner's own IRA with 500,000 of pre-tax money: each aggregate on its own (rules.md §5.1)
    ("C17b beside an own IRA", _inherited_qcd(15000, 15000, 30000, 20000,
                                               own_ira={"prior_basis": 0, "year_end_value": 500000}),
     {INH + "line7": 10000, INH + "line14": 20000, INH + "line15c": 0, OWN + "required": False, "f1040.line4b": 0},
     "QCD_OVER_TAXABLE", ("$5,000", "$10,000")),
    # C17: the 4,000 QCD is within the pre-tax money (45,000 + 10,000 - 5,000): unchanged
    ("C17 inherited QCD within its pre-tax money", _inherited_qcd(10000, 4000, 5000, 45000),
     {INH + "line6": 45000, INH + "line7": 6000, INH + "line10": Decimal("0.098"), INH + "line12": 588,
      INH + "line14": 4412, INH + "line15c": 5412, "f1040.line4a": 10000, "f1040.line4b": 5412,
      "f1040.line4c": ["QCD"]},
     None, ()),
    # C20: pre-tax = 15,000 + 8,550 - 20,000 = 3,550 is an HFD; 5,000 of basis on line 7, no 10% on it
    ("C20 HFD above the pre-tax money", _hfd(8550, 20000, 15000),
     {OWN + "required": True, OWN + "line6": 15000, OWN + "line7": 5000, OWN + "line10": Decimal("1.000"),
      OWN + "line12": 5000, OWN + "line14": 15000, OWN + "line15c": 0,
      "f1040.line4a": 8550, "f1040.line4b": 0, "f1040.line4c": ["HFD"], "f5329.taxpayer.line4": 0},
     "HFD_OVER_TAXABLE", ("$8,550", "$3,550", "$5,000")),
    # HFD within the pre-tax money (15,000 + 8,550 - 2,000): unchanged, not a Form 8606 distribution
    ("HFD within the pre-tax money", _hfd(8550, 2000, 15000),
     {OWN + "required": False, "taxpayer.ira.distributions": 0, "f1040.line4a": 8550, "f1040.line4b": 0,
      "f1040.line4c": ["HFD"]},
     None, ()),
]


@pytest.mark.parametrize("name,data,lines,code,figures", PRETAX_CASES, ids=[c[0] for c in PRETAX_CASES])
def test_qcd_and_hfd_limited_to_each_aggregates_pretax_money(name, data, lines, code, figures):
    g = result(data).graph
    for key, want in lines.items():
        assert g[key] == want, key
    found = codes(run(data)) & {"QCD_OVER_TAXABLE", "HFD_OVER_TAXABLE"}
    assert found == ({code} if code else set())
    if code:
        f = only(run(data), code)
        assert f.severity == "warning" and all(x in f.message for x in figures), f.message


def _qcd_and_hfd(qcd_paid, hfd_paid):
    """Owner 71 with 10,000 basis, 5,000 on Dec 31: a QCD of 8,000 and an HFD of 4,000 this year.
    Pre-tax = 5,000 + 12,000 - 10,000 = 7,000, shared by both in the order paid."""
    return scenario([ira_form("q", 8000, ("7",), paid=qcd_paid, uses=[{"kind": "qcd", "amount": 8000}]),
                     ira_form("h", 4000, ("7",), paid=hfd_paid, uses=[{"kind": "hfd", "amount": 4000}])],
                    taxpayer=person(birth="1954-01-01", ira={"prior_basis": 10000, "year_end_value": 5000}))


@pytest.mark.parametrize("qcd_paid,hfd_paid,over,notes", [
    # QCD first: it takes 7,000 (1,000 over); nothing is left for the HFD (4,000 over, after 7,000): no HFD at all
    ("2025-03-01", "2025-09-01", {"QCD_OVER_TAXABLE": ("$1,000", "$0 of that"),
                                  "HFD_OVER_TAXABLE": ("$4,000", "$7,000 of that")}, ["QCD"]),
    # HFD first: it fits (4,000); the QCD gets the other 3,000 (5,000 over, after 4,000)
    ("2025-09-01", "2025-03-01", {"QCD_OVER_TAXABLE": ("$5,000", "$4,000 of that")}, ["HFD", "QCD"]),
], ids=["qcd first", "hfd first"])
def test_qcds_and_hfds_share_the_pretax_money_in_the_order_paid(qcd_paid, hfd_paid, over, notes):
    data = _qcd_and_hfd(qcd_paid, hfd_paid)
    findings = run(data)
    assert codes(findings) & {"QCD_OVER_TAXABLE", "HFD_OVER_TAXABLE"} == set(over)
    for code, figures in over.items():
        f = only(findings, code)
        assert all(x in f.message for x in figures), f.message
    g = result(data).graph  # either way 5,000 of basis is paid out and 7,000 is excluded
    assert (g[OWN + "line7"], g[OWN + "line14"], g[OWN + "line15c"], g["f1040.line4b"]) == (5000, 5000, 0, 0)
    assert g["f1040.line4c"] == notes  # an HFD cut to nothing is no HFD (i1040 Exception 4)


# --- code 2 on a conversion: the part kept is an early distribution (Reg. §1.408A-4 A-7(b)) ----------------

def withheld_conversion(birth="1980-03-01", box4=2500, converted=7500, codes_=("2",), **kw):
    f = ira_form("conv", 10000, codes_, box4=box4, uses=[{"kind": "conversion", "amount": converted}], **kw)
    return scenario([f], taxpayer=person(birth=birth, ira={"year_end_value": 0}))


def test_tax_withheld_from_an_early_conversion_gets_the_10_percent():
    """10,000 converted less 2,500 withheld at 45, code 2: 4b 10,000 and 10% of 2,500 = 250 (rules.md §7.4)."""
    data = withheld_conversion()
    lines = result(data).lines()
    assert lines["f1040.line4b"] == 10000 and lines["f8606.taxpayer.line18"] == 7500
    assert lines["f5329.taxpayer.line1"] == 2500 and lines["f5329.taxpayer.line4"] == 250
    f = only(run(data), "CONVERSION_KEPT_EARLY")
    assert f.severity == "warning" and "$2,500" in f.message and "$250" in f.message
    assert f.field == "forms_1099r[0].uses"


def test_conversion_kept_part_near_misses():
    assert "CONVERSION_KEPT_EARLY" not in codes(run(withheld_conversion(birth="1960-01-01")))   # over 59½
    whole = withheld_conversion(box4=0, converted=10000)                                       # nothing kept
    assert "CONVERSION_KEPT_EARLY" not in codes(run(whole))
    assert result(whole).lines()["f5329.taxpayer.line4"] == 0
    claimed = withheld_conversion(exceptions=[{"number": "05", "amount": 2500}])
    assert "CONVERSION_KEPT_EARLY" not in codes(run(claimed))
    assert result(claimed).lines()["f5329.taxpayer.line4"] == 0


def test_an_hfd_by_someone_not_hsa_eligible_is_taxable():
    """hsa_coverage: none (Medicare, or no HDHP): the §223(b) limit is 0, so nothing is excluded; 10% under 59½."""
    data = hfd([3000], hsa_coverage="none")
    L = result(data).lines()
    assert (L["f1040.line4b"], L["f5329.taxpayer.line4"], L["f1040.line4c"]) == (3000, 300, [])
    f = only(run(data), "HFD_NOT_ELIGIBLE")
    assert f.severity == "error" and f.record == "h0" and "$3,000" in f.message
    assert "HFD_NOT_ELIGIBLE" not in codes(run(hfd([3000], hsa_coverage="self_only")))


def test_an_hfd_has_a_testing_period_to_the_12th_month_after():
    """IRC §408(d)(9)(D): moved in January 2025 -> HSA-eligible through January 31, 2026; one over the cap: only what
    stayed an HFD."""
    f = only(run(hfd([3000], hsa_coverage="family")), "HFD_TESTING_PERIOD")   # paid 2025-01-01
    assert f.severity == "info" and "$3,000" in f.message and f.data["end"] == date(2026, 1, 31)
    assert "through Jan 31, 2026" in f.message
    assert "HFD_TESTING_PERIOD" not in codes(run(hfd([3000], hsa_coverage="none")))  # not an HFD at all
    capped = only(run(hfd([9000], hsa_coverage="self_only")), "HFD_TESTING_PERIOD")
    assert "$4,300" in capped.message                                                   # what stayed an HFD
