"""What the retirement income costs: federal tax with and without it, bracket by bracket.

Two ways in: the taxable income from everything else (`income.other_taxable_income`, after deductions), or the
AGI from everything else (`income.other_agi`), from which the deductions are taken with and without the
retirement income (taxdocs.rules.deductions): the senior deduction shrinks as the income grows, so its cost shows.
"""
from __future__ import annotations

from taxdocs.core.lines import Form
from taxdocs.rules import deductions, social_security
from taxdocs.rules.tax import brackets_source, tax_effect


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
    f.line("effect", "Tax effect of the retirement income", "IRC §1(j); taxdocs/params/<year>.yaml", formula,
           lambda g: tax_effect(g["income.other_taxable_income"], added(g), status, yp)
           if g["tax.brackets"] is not None else None)
    f.line("without", "Tax on the other taxable income alone", "IRC §1(j)", "brackets",
           lambda g: f["effect"].tax_without if f["effect"] else None)
    f.line("with", "Tax including the retirement income", "IRC §1(j)", "brackets",
           lambda g: f["effect"].tax_with if f["effect"] else None)
    f.line("difference", "Income tax caused by the retirement income", "IRC §1(j)", "with - without",
           lambda g: f["effect"].difference if f["effect"] else None)
    f.line("additional_tax", "Plus additional tax on early distributions", "Schedule 2 line 8", "Form 5329 line 4",
           lambda g: g["f1040.schedule2_line8"])
    f.line("total_cost", "Federal cost of the retirement income", "", "difference + additional tax",
           lambda g: f["difference"] + f["additional_tax"] if f["difference"] is not None else None)


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
