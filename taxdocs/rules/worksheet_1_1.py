"""Pub. 590-B Worksheet 1-1: distributions and contributions for the same year (rules.md §4.5).

Used when traditional IRA distributions or conversions meet contributions for the year
that may be only partly deductible. Lines 8, 10 and 11 replace Form 8606 lines 13, 18, 15a
(Pub. 590-B "Reporting your nontaxable distribution on Form 8606" [K]).
"""
from __future__ import annotations

from taxdocs.core.lines import Form
from taxdocs.core.money import ZERO, dollars, ratio


def applies(g, who: str) -> bool:
    forced = g[f"{who}.ira.use_worksheet_1_1"]
    if forced is not None:
        return bool(forced)
    moved = g[f"{who}.ira.distributions"] + g[f"{who}.ira.converted"]
    contrib = g[f"{who}.ira.deductible_contributions"]
    # Automatic: the circular case, where a deduction and nondeductible contributions for the year
    # meet distributions in the same year. Wholly nondeductible years use Form 8606 as printed.
    return moved > 0 and contrib > 0 and g[f"{who}.ira.nondeductible_contributions"] > 0


def declare(res, who: str) -> None:
    g = res.graph
    w = Form(g, f"ws11.{who}")
    p = who
    cite = "Pub. 590-B Worksheet 1-1"

    w.line("applies", "Worksheet 1-1 used", cite, "distributions or conversions and partly deductible contributions",
           lambda g: applies(g, p))
    w.line("1", "Basis in traditional IRAs at end of last year", f"{cite} line 1", "prior Form 8606 line 14 + after-tax rolled in",
           lambda g: g[f"{p}.ira.prior_basis"] + g[f"{p}.ira.plan_aftertax_rolled_in"], when="applies")
    w.line("2", "All contributions for the year, deductible or not", f"{cite} line 2", "deductible + nondeductible",
           lambda g: g[f"{p}.ira.deductible_contributions"] + g[f"{p}.ira.nondeductible_contributions"], when="applies")
    w.line("3", "Add lines 1 and 2", f"{cite} line 3", "L1 + L2", lambda g: w.z("1") + w.z("2"), when="applies")
    w.line("4", "Value of all traditional IRAs on Dec 31, plus outstanding rollovers", f"{cite} line 4",
           "year-end value + outstanding rollovers - repayments",
           lambda g: max(g[f"{p}.ira.year_end_value"] + g[f"{p}.ira.outstanding_rollovers"] - g[f"{p}.ira.repayments"], ZERO),
           when="applies")
    w.line("5", "Distributions in the year, including conversions", f"{cite} line 5", "distributions + conversions",
           lambda g: g[f"{p}.ira.distributions"] + g[f"{p}.ira.converted"], when="applies")
    w.line("6", "Add lines 4 and 5", f"{cite} line 6", "L4 + L5", lambda g: w.z("4") + w.z("5"), when="applies")
    w.line("7", "Divide line 3 by line 6 (at most 1.000)", f"{cite} line 7", "L3 / L6, 3 places, cap 1.000",
           lambda g: ratio(w["3"], w["6"]), when="applies")
    w.line("8", "Nontaxable portion of the distributions", f"{cite} line 8", "L5 x L7",
           lambda g: dollars(w.z("5") * w.z("7")), when="applies")
    w.line("9", "Taxable portion before the conversion adjustment", f"{cite} line 9", "L5 - L8",
           lambda g: w.z("5") - w.z("8"), when="applies")
    w.line("10", "Part of line 9 allocable to conversions", f"{cite} line 10", "L9 x (converted / L5)",
           lambda g: (dollars(w.z("9") * g[f"{p}.ira.converted"] / w.z("5")) if w.z("5") else ZERO), when="applies")
    w.line("11", "Taxable portion of distributions not converted", f"{cite} line 11", "L9 - L10",
           lambda g: w.z("9") - w.z("10"), when="applies")
