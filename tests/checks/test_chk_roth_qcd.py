"""Roth IRAs (rules.md §7) and qualified charitable distributions (rules.md §3 Exception 3)."""
from chkhelp import codes, form, ira_form, only, person, result, run, scenario


def roth_dist(amount, codes_=("J",), birth="1975-01-01", paid="2025-11-08", **roth):
    return scenario([form("roth1", amount, codes_, paid=paid, box2b_not_determined=True)],
                    taxpayer=person(birth=birth, roth=roth))


# --- five-year status ---------------------------------------------------------------------------

def test_roth_5yr_unknown_code_t():
    """Code T: 59½ reached, 5-year status unknown to the payer (rules.md §2.1, §7.1)."""
    f = only(run(roth_dist(7000, ("T",), birth="1960-01-01", contribution_basis=10000)), "ROTH_5YR_UNKNOWN")
    assert f.severity == "warning" and f.field == "taxpayer.roth.first_contribution_year" and "code T" in f.message


def test_roth_5yr_known():
    data = roth_dist(7000, ("T",), birth="1960-01-01", first_contribution_year=2015, contribution_basis=10000)
    assert "ROTH_5YR_UNKNOWN" not in codes(run(data))


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


def test_qcd_from_sep():
    f = only(run(qcd(source="sep_ira")), "QCD_FROM_SEP_SIMPLE")
    assert f.severity == "warning" and "SEP IRA" in f.message
    assert "QCD_FROM_SEP_SIMPLE" not in codes(run(qcd(source="traditional_ira")))


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
