"""What the retirement income costs: federal tax with and without it, bracket by bracket."""
from __future__ import annotations

from taxdocs.core.lines import Form
from taxdocs.rules.tax import brackets_source, tax_effect


def declare(res, yp) -> None:
    g = res.graph
    sc = res.scenario
    f = Form(g, "tax")
    status = sc.filing_status.value
    g.fact("income.other_taxable_income", sc.income.other_taxable_income,
           "Taxable income from everything else (after deductions)", "scenario: income.other_taxable_income")
    if yp is None:
        g.fact("tax.brackets", None, f"{sc.tax_year} brackets", "no tax-year data file", "missing",
               f"no bracket data for {sc.tax_year}: the tax effect is not computed")
    else:
        g.fact("tax.brackets", yp.brackets[status], f"{sc.tax_year} brackets, {status}", brackets_source(status, yp))
    f.line("effect", "Tax effect of the retirement income", "IRC §1(j); taxdocs/params/<year>.yaml",
           "tax(other + retirement) - tax(other), by bracket",
           lambda g: tax_effect(g["income.other_taxable_income"], g["f1040.retirement_taxable"], status, yp)
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
