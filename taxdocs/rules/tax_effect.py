"""What the retirement income costs: federal tax with and without it, bracket by bracket.

Two ways in: the taxable income from everything else (`income.other_taxable_income`, after deductions), or the
AGI from everything else (`income.other_agi`), from which the deductions are taken with and without the
retirement income (taxdocs.rules.deductions): the senior deduction shrinks as the income grows, so its cost shows.
Qualified dividends and net capital gain in the other income are taxed on top of the ordinary income (Qualified
Dividends and Capital Gain Tax Worksheet), so the retirement income can push them into a higher rate; with the AGI and
the net investment income, the 3.8% net investment income tax is figured with and without it (IRC §1411).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from taxdocs.core.lines import Form
from taxdocs.core.money import ZERO, pos
from taxdocs.rules import deductions, social_security
from taxdocs.rules.simplified_method import nonqualified_annuity
from taxdocs.rules.tax import Gains, brackets_source, line16_tax, tax_alone, tax_effect


CENT = Decimal("0.01")
_CITE16 = "i1040 line 16: the Tax Table below $100,000 of taxable income (general.yaml tax_table)"
_FORMULA16 = ("Tax Table (the tax on the row's midpoint), else Tax Computation Worksheet; under the Qualified Dividends "
              "and Capital Gain Tax Worksheet with gains; whole dollars")


def declare(res, yp, gp) -> None:
    g = res.graph
    sc = res.scenario
    f = Form(g, "tax")
    status = sc.filing_status.value
    if yp is None:
        g.fact("tax.brackets", None, f"{sc.tax_year} brackets", "no tax-year data file", "missing",
               f"no bracket data for {sc.tax_year}: the tax effect is not computed")
    else:
        g.fact("tax.brackets", yp.brackets[status], f"{sc.tax_year} brackets, {status}", brackets_source(status, yp))
    if sc.income.other_agi is None or yp is None:
        g.fact("income.other_taxable_income", sc.income.other_taxable_income,
               "Taxable income from everything else (after deductions)", "scenario: income.other_taxable_income")
        added = lambda g: g["f1040.retirement_taxable"]  # noqa: E731
        formula = "tax(other + retirement) - tax(other), by bracket"
    else:
        _from_agi(g, sc, yp, gp)
        added = lambda g: g["tax.taxable_with"] - g["income.other_taxable_income"]  # noqa: E731
        formula = "tax(taxable income with) - tax(taxable income without), by bracket"
    gains = _gains(g, sc, yp, gp)
    f.line("effect", "Tax effect of the retirement income", "IRC §1(j), §1(h); taxdocs/params/<year>.yaml", formula,
           lambda g: tax_effect(g["income.other_taxable_income"], added(g), status, yp, gains(g))
           if g["tax.brackets"] is not None else None)
    # figured on its own (the same figure as the effect's): it reads only the other income, so a missing fact about the
    # retirement income does not mark it
    f.line("without", "Tax on the other taxable income alone", "IRC §1(j)", "brackets",
           lambda g: tax_alone(g["income.other_taxable_income"], status, yp, gains(g))
           if g["tax.brackets"] is not None else None)
    f.line("with", "Tax including the retirement income", "IRC §1(j)", "brackets",
           lambda g: f["effect"].tax_with if f["effect"] else None)
    f.line("difference", "Income tax caused by the retirement income", "IRC §1(j)", "with - without",
           lambda g: f["effect"].difference if f["effect"] else None)
    # i1040 line 16: the Tax Table under $100,000 of taxable income (whole dollars, $50 rows): what the return shows
    table = gp.tax_table

    def line16(g, income):
        return line16_tax(income, status, yp, table, gains(g)) if g["tax.brackets"] is not None else None
    f.line("line16_without", "Form 1040 line 16 without the retirement income", _CITE16, _FORMULA16,
           lambda g: line16(g, g["income.other_taxable_income"]))
    f.line("line16_with", "Form 1040 line 16 with the retirement income", _CITE16, _FORMULA16,
           lambda g: line16(g, g["income.other_taxable_income"] + added(g)))
    f.line("line16_difference", "Form 1040 line 16: tax added by the retirement income", _CITE16, "with - without",
           lambda g: f["line16_with"] - f["line16_without"] if f["line16_with"] is not None else None)
    f.line("additional_tax", "Plus additional tax on early distributions", "Schedule 2 line 8", "Form 5329 line 4",
           lambda g: g["f1040.schedule2_line8"])
    niit = _niit(g, sc, yp, gp)
    formula = "difference + additional tax" + (" + net investment income tax difference" if niit else "")
    niit = niit or _niit_not_asked(sc, yp, gp)
    f.line("total_cost", "Federal cost of the retirement income", "", formula,
           lambda g: f["difference"] + f["additional_tax"] + niit(g) if f["difference"] is not None else None)


def _gains(g, sc, yp, gp):
    """The other income's qualified dividends and net capital gain, as the worksheet needs them (None: none given)."""
    inc = sc.income
    if not (inc.qualified_dividends or inc.net_capital_gain):
        return lambda g: None
    g.fact("income.qualified_dividends", inc.qualified_dividends, "Qualified dividends (Form 1040 line 3a)",
           "scenario: income.qualified_dividends")
    g.fact("income.net_capital_gain", inc.net_capital_gain, "Net capital gain (Schedule D line 15/16, or Form 1040 line 7)",
           "scenario: income.net_capital_gain")
    status = sc.filing_status.value
    cg = yp.capital_gains if yp is not None else None
    if cg is None:
        g.fact("tax.capital_gain_rates", None, f"{sc.tax_year} capital gain rate ceilings", "no data for the year",
               "provisional", f"no {sc.tax_year} capital gain ceilings: qualified dividends and capital gain are taxed "
               "as ordinary income here, so the tax with and without the retirement income is not exact")
    else:
        g.fact("tax.capital_gain_rates", (cg.zero_max[status], cg.fifteen_max[status], gp.rates.capital_gain_middle.value,
                                          gp.rates.capital_gain_top.value),
               f"{sc.tax_year} 0%/15% ceilings, {status}: {cg.zero_max[status]:,} / {cg.fifteen_max[status]:,}; "
               "rates 15% / 20%", yp.source("capital_gains.zero_max"))
    Form(g, "tax").line("gains", "Qualified dividends and net capital gain in the other income",
                        "i1040 Qualified Dividends and Capital Gain Tax Worksheet lines 2-6, 13",
                        "line 3a + net capital gain, with the year's 0%/15% ceilings",
                        lambda g: None if g["tax.capital_gain_rates"] is None else Gains(
                            g["income.qualified_dividends"] + g["income.net_capital_gain"], *g["tax.capital_gain_rates"]))
    return lambda g: g["tax.gains"]


def _niit(g, sc, yp, gp):
    """The change in the 3.8% net investment income tax (IRC §1411(a)(1); Form 8960 lines 8-17), as a function of
    the graph for total_cost; None where it is not figured. MAGI is taken as the AGI (no foreign exclusions). IRA
    and qualified plan distributions are not investment income (§1411(c)(5)) but raise the MAGI; the taxable part
    of a nonqualified annuity (code D) is investment income (§1411(c)(1)(A)(i))."""
    inc = sc.income
    if inc.other_agi is None or yp is None:
        return None
    f = Form(g, "tax")
    status = sc.filing_status.value
    n = gp.niit
    g.fact("tax.niit_threshold", n.threshold[status], f"Net investment income tax threshold, {status}", n.source)
    if inc.net_investment_income is None:
        if not (inc.qualified_dividends or inc.net_capital_gain or _annuity_ids(sc)):
            return None
        # investment income shown but not its total: the cost is provisional once the AGI passes the threshold
        g.fact("income.net_investment_income", None, "Net investment income (Form 8960 line 8)",
               "scenario: income.net_investment_income", "provisional",
               "not given: the 3.8% net investment income tax (IRC §1411) is left out of the cost although the AGI "
               f"passes {n.threshold[status]:,} and the return has investment income")

        def unknown(g):
            if f["agi_with"] > g["tax.niit_threshold"]:
                g.reads("income.net_investment_income")
            return 0
        return unknown
    g.fact("income.net_investment_income", inc.net_investment_income, "Net investment income from everything else "
           "(Form 8960 line 8)", "scenario: income.net_investment_income")
    annuities = _annuity_ids(sc)

    def niit(agi, nii):
        # Form 8960 lines 12-17, in cents like the income tax beside it (3.8% of whole dollars has three decimals)
        return (min(nii, pos(agi - g["tax.niit_threshold"])) * n.rate).quantize(CENT, ROUND_HALF_UP)

    def nii_with(g):
        rows = g["f1040.forms"]
        return g["income.net_investment_income"] + sum((r["taxable"] for r in rows if r["id"] in annuities
                                                        and r["taxable"] is not None), ZERO)  # None: a Roth source

    f.line("niit_without", "Net investment income tax without the retirement income", "IRC §1411; Form 8960 line 17",
           "3.8% x smaller of NII and (AGI without - threshold)",
           lambda g: niit(f["agi_without"], g["income.net_investment_income"]))
    f.line("niit_with", "Net investment income tax with the retirement income", "IRC §1411; Form 8960 line 17",
           "3.8% x smaller of NII (+ taxable nonqualified annuities, code D) and (AGI with - threshold)",
           lambda g: niit(f["agi_with"], nii_with(g)))
    f.line("niit_difference", "Net investment income tax caused by the retirement income", "IRC §1411(c)(1), (c)(5)",
           "with - without", lambda g: f["niit_with"] - f["niit_without"])
    return lambda g: f["niit_difference"]


def _niit_not_asked(sc, yp, gp):
    """No investment income given or shown: the NIIT is left out; where the AGI with the retirement income passes
    the threshold, the cost says so (a note, not a provisional status: many returns have none)."""
    if sc.income.other_agi is None or yp is None:
        return lambda g: 0

    def note(g):
        threshold = g["tax.niit_threshold"]  # declared by _niit
        if g["tax.agi_with"] > threshold:
            g.note(f"no net investment income given: with the AGI over {threshold:,}, any interest, dividends, rents or "
                   "gains would add up to 3.8% of them (IRC §1411); give income.net_investment_income to figure it")
        return 0
    return note


def _annuity_ids(sc) -> set[str]:
    """1099-Rs with code D: a nonqualified annuity, whose taxable part is investment income (IRC §1411(c)(1)(A)(i))."""
    return {f.id for f in sc.forms_1099r if nonqualified_annuity(f)}


def _from_agi(g, sc, yp, gp) -> None:
    """Taxable income with and without the retirement income, each AGI less its own deductions (IRC §63); the
    taxable part of Social Security benefits is figured for each (IRC §86)."""
    inc = sc.income
    g.fact("income.other_agi", inc.other_agi, "AGI from everything else", "scenario: income.other_agi")
    f = Form(g, "tax")
    status = sc.filing_status.value

    def ded(agi):
        amount, how = deductions.deduction(sc, yp, gp, agi)
        g.note(how)
        return amount

    with_retirement = lambda g: g["income.other_agi"] + g["f1040.retirement_taxable"]  # noqa: E731
    if inc.social_security_benefits is None:
        f.line("agi_without", "AGI without the retirement income", "Form 1040 line 11", "other AGI",
               lambda g: g["income.other_agi"])
        f.line("agi_with", "AGI with the retirement income", "Form 1040 line 11", "other AGI + retirement income",
               with_retirement)
    else:
        g.fact("income.social_security_benefits", inc.social_security_benefits, "Social Security benefits (SSA-1099 box 5)",
               "scenario: income.social_security_benefits")

        def ss(other):
            return social_security.taxable_benefits(inc.social_security_benefits, other, inc.tax_exempt_interest, status,
                                                    inc.mfs_lived_apart_all_year, gp)
        f.line("ss_taxable_without", "Taxable Social Security without the retirement income", "IRC §86; Pub. 915 Worksheet 1",
               "worksheet at the other AGI", lambda g: ss(g["income.other_agi"]))
        f.line("ss_taxable_with", "Taxable Social Security with the retirement income", "IRC §86; Pub. 915 Worksheet 1",
               "worksheet at the other AGI + retirement income", lambda g: ss(with_retirement(g)))
        f.line("agi_without", "AGI without the retirement income", "Form 1040 line 11",
               "other AGI + taxable Social Security", lambda g: g["income.other_agi"] + f["ss_taxable_without"])
        f.line("agi_with", "AGI with the retirement income", "Form 1040 line 11",
               "other AGI + retirement income + taxable Social Security", lambda g: with_retirement(g) + f["ss_taxable_with"])
    f.line("deduction_without", "Deductions without the retirement income", "IRC §63; Schedule 1-A Part V",
           "standard (+65/blind) or itemized, + senior deduction at this AGI", lambda g: ded(f["agi_without"]))
    f.line("deduction_with", "Deductions with the retirement income", "IRC §63; Schedule 1-A Part V",
           "standard (+65/blind) or itemized, + senior deduction at this AGI", lambda g: ded(f["agi_with"]))
    # below 0 where the deductions exceed the other income: the retirement income fills that first
    Form(g, "income").line("other_taxable_income", "Taxable income from everything else (after deductions)",
                           "Form 1040 line 15 without the retirement income", "AGI without - deductions without",
                           lambda g: f["agi_without"] - f["deduction_without"])
    f.line("taxable_with", "Taxable income with the retirement income", "Form 1040 line 15",
           "AGI with - deductions with", lambda g: f["agi_with"] - f["deduction_with"])
