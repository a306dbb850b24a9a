"""Form 8606, Nondeductible IRAs: every line 1-25c, one form per person (rules.md §4).

Lines of a part that is not completed are blank (None), never zero.
"""
from __future__ import annotations

from datetime import date

from taxdocs.core.lines import Form
from taxdocs.core.money import ZERO, dollars, pos, ratio, z
from taxdocs.rules import roth, worksheet_1_1


def declare(res, who: str) -> None:
    g = res.graph
    f = Form(g, f"f8606.{who}")
    p = who

    def fact(name):
        return g[f"{p}.{name}"]

    # --- which parts (form face; rules.md §4.2) ---
    f.line("basis_before", "Basis available this year (line 1 + line 2 amounts)", "i8606 lines 1-2",
           "nondeductible + prior basis + after-tax rolled in",
           lambda g: fact("ira.nondeductible_contributions") + fact("ira.prior_basis") + fact("ira.plan_aftertax_rolled_in"))
    f.line("total_conversion", "Everything in traditional IRAs was converted", "i8606 line 16-17 (Part I skipped)",
           "converted > 0, no other distribution, nothing left at year end",
           lambda g: fact("ira.converted") > 0 and fact("ira.distributions") == 0
           and g.status(f"{p}.ira.year_end_value") == "complete"  # a blank value is not proof of zero
           and fact("ira.year_end_value") + fact("ira.outstanding_rollovers") == 0)
    f.line("part1", "Part I is completed", "Form 8606 Part I header",
           "line 1 > 0, or distributions with basis, or a partial conversion with basis",
           lambda g: fact("ira.nondeductible_contributions") > 0
           or (fact("ira.distributions") > 0 and f["basis_before"] > 0)
           or (fact("ira.converted") > 0 and f["basis_before"] > 0 and not f["total_conversion"]))
    f.line("part1_full", "Part I lines 4-15c are completed", "Form 8606 line 3 question",
           "Part I and (distributions or conversions this year)",
           lambda g: bool(f["part1"]) and fact("ira.distributions") + fact("ira.converted") > 0)
    f.line("worksheet", "Lines 13, 15a, 17 and 18 come from Worksheet 1-1", "Pub. 590-B, Reporting your nontaxable distribution on Form 8606",
           "worksheet applies and line 5 >= worksheet line 8",
           lambda g: bool(f["part1_full"]) and g[f"ws11.{p}.applies"] and f.z("5") >= z(g[f"ws11.{p}.line8"]))
    f.line("part2", "Part II is completed", "Form 8606 Part II header", "conversions this year",
           lambda g: fact("ira.converted") > 0)
    f.line("part3", "Part III is completed", "Form 8606 Part III header", "nonqualified Roth IRA distributions",
           lambda g: fact("roth.nonqualified") > 0)
    f.line("required", "Form 8606 must be filed", "i8606 Who Must File", "any part completed",
           lambda g: bool(f["part1"] or f["part2"] or f["part3"]))

    short = lambda: not f["worksheet"]  # noqa: E731 lines 6-12, when Part I is completed in full

    # --- Part I ---
    f.line("1", "Nondeductible contributions to traditional IRAs for the year", "i8606 line 1", "input",
           lambda g: fact("ira.nondeductible_contributions"), when="part1")
    f.line("2", "Total basis in traditional IRAs", "i8606 line 2", "prior-year line 14 + after-tax plan money rolled in",
           lambda g: fact("ira.prior_basis") + fact("ira.plan_aftertax_rolled_in"), when="part1")
    f.line("3", "Add lines 1 and 2", "8606 line 3", "L1 + L2",
           lambda g: f.z("1") + f.z("2"), when="part1")
    f.line("4", "Contributions on line 1 made from Jan 1 to the due date of next year", "i8606 line 4", "input",
           lambda g: fact("ira.after_year_end"), when="part1_full")
    f.line("5", "Subtract line 4 from line 3", "8606 line 5", "L3 - L4",
           lambda g: f.z("3") - f.z("4"), when="part1_full")
    f.line("6", "Value of all traditional, SEP and SIMPLE IRAs on Dec 31, plus outstanding rollovers", "i8606 line 6",
           "year-end value + outstanding rollovers - repayments, not below 0",
           lambda g: pos(fact("ira.year_end_value") + fact("ira.outstanding_rollovers") - fact("ira.repayments"))
           if short() else None, when="part1_full")
    f.line("7", "Distributions (not rollovers, QCDs, conversions, recharacterizations)", "i8606 line 7", "from the 1099-Rs",
           lambda g: fact("ira.distributions") if short() else None, when="part1_full")
    f.line("8", "Net amount converted to Roth IRAs", "i8606 line 8", "from the 1099-Rs",
           lambda g: fact("ira.converted") if short() else None, when="part1_full")
    f.line("9", "Add lines 6, 7 and 8", "8606 line 9", "L6 + L7 + L8",
           lambda g: f.z("6") + f.z("7") + f.z("8") if short() else None, when="part1_full")
    f.line("10", "Divide line 5 by line 9 (at most 1.000)", "i8606 line 10; rules.md §4.4", "L5 / L9, 3 places half-up, cap 1.000",
           lambda g: ratio(f["5"], f["9"]) if short() else None, when="part1_full")
    f.line("11", "Nontaxable portion of the amount converted", "8606 line 11", "L8 x L10, whole dollars",
           lambda g: _product(g, f, "11") if short() else None, when="part1_full")
    f.line("12", "Nontaxable portion of the distributions not converted", "8606 line 12",
           "L7 x L10, whole dollars", lambda g: _product(g, f, "12") if short() else None, when="part1_full")
    f.line("13", "Nontaxable portion of all distributions", "8606 line 13; Pub. 590-B step 6", "L11 + L12 (or Worksheet 1-1 line 8)",
           lambda g: (g[f"ws11.{p}.line8"] if f["worksheet"] else f.z("11") + f.z("12")), when="part1_full")
    f.line("14", "Total basis in traditional IRAs for this year and earlier years", "8606 line 14; rules.md §4.4",
           "L3 - L13 (L3 if no distributions), not below 0", lambda g: _line14(g, f, f["part1_full"]), when="part1")
    f.line("15a", "Taxable amount before disaster distributions", "8606 line 15a", "L7 - L12 (or Worksheet 1-1 line 11)",
           lambda g: (g[f"ws11.{p}.line11"] if f["worksheet"] else f.z("7") - f.z("12")), when="part1_full")
    f.line("15b", "Amount on 15a attributable to qualified disaster distributions", "i8606 line 15b", "none entered",
           lambda g: ZERO, when="part1_full")
    f.line("15c", "Taxable amount (to Form 1040 line 4b)", "8606 line 15c", "L15a - L15b",
           lambda g: f.z("15a") - f.z("15b"), when="part1_full")

    # --- Part II ---
    f.line("16", "Net amount converted to Roth IRAs", "i8606 line 16", "line 8, or the amount converted",
           lambda g: fact("ira.converted"), when="part2")
    f.line("17", "Basis in the amount converted", "i8606 line 17", "line 11 (Worksheet: L16 - ws L10), or basis if Part I skipped",
           lambda g: _line17(g, f, p), when="part2")
    f.line("18", "Taxable amount of the conversion (to Form 1040 line 4b)", "8606 line 18", "L16 - L17",
           lambda g: (g[f"ws11.{p}.line10"] if f["worksheet"] else pos(f.z("16") - f.z("17"))), when="part2")

    # --- Part III ---
    stop21 = lambda: f.z("21") > 0  # noqa: E731 "If line 21 is zero, stop here"
    stop23 = lambda: stop21() and f.z("23") > 0  # noqa: E731
    f.line("19", "Nonqualified Roth IRA distributions", "i8606 line 19", "from the 1099-Rs",
           lambda g: fact("roth.nonqualified"), when="part3")
    f.line("20", "Qualified first-time homebuyer expenses", "i8606 line 20; IRC §408A(d)(2)(A)(iv), (B)",
           "min(expenses, $10,000 - earlier, L19); 0 until the 5-taxable-year period has passed",
           lambda g: _line20(g, f, p, res.scenario.tax_year), when="part3")
    f.line("21", "Subtract line 20 from line 19", "8606 line 21", "L19 - L20, not below 0",
           lambda g: pos(f.z("19") - f.z("20")), when="part3")
    f.line("22", "Basis in Roth IRA contributions", "i8606 line 22", "prior basis + contributions for the year + designated Roth basis",
           lambda g: fact("roth.contribution_basis") + fact("roth.contributions_this_year") + fact("roth.drac_basis_rolled_in")
           if stop21() else None, when="part3")
    f.line("23", "Subtract line 22 from line 21", "8606 line 23", "L21 - L22, not below 0",
           lambda g: pos(f.z("21") - f.z("22")) if stop21() else None, when="part3")
    f.line("24", "Basis in conversions and rollovers from plans", "i8606 line 24",
           "earlier layers not yet recovered + this year's line 16 + plan rollovers to Roth IRAs",
           lambda g: fact("roth.conversion_basis_prior") + z(f["16"]) + fact("roth.plan_rollovers") if stop23() else None, when="part3")
    f.line("25a", "Subtract line 24 from line 23", "8606 line 25a", "L23 - L24, not below 0",
           lambda g: pos(f.z("23") - f.z("24")) if stop23() else None, when="part3")
    f.line("25b", "Amount on 25a attributable to qualified disaster distributions", "i8606 line 25b", "none entered",
           lambda g: ZERO if stop23() and f.z("25a") > 0 else None, when="part3")
    f.line("25c", "Taxable amount (to Form 1040 line 4b)", "8606 line 25c", "L25a - L25b (0 when Part III stops early)",
           lambda g: (f.z("25a") - f.z("25b") if stop23() and f.z("25a") > 0 else ZERO), when="part3")

    # --- carried forward and the Roth ordering detail ---
    f.line("basis_next_year", "Traditional IRA basis carried to next year", "8606 line 14 (or line 2 less line 17)",
           "line 14 if Part I, else basis less what the conversion used",
           lambda g: f["14"] if f["part1"] else pos(f["basis_before"] - z(f["17"])))
    f.line("roth_ordering", "Roth ordering of this year's nonqualified distributions", "Reg. §1.408A-6 Q&A-8; rules.md §7.3",
           "line 21: contributions, then conversions by year (a year's taxable part first), then earnings",
           lambda g: _ordering(g, f, p, res), when="part3")


def _line20(g, f, p: str, year: int):
    """A first-time homebuyer distribution is qualified (and goes here) only after the Roth 5-taxable-year
    period (IRC §408A(d)(2)(A)(iv), (B); i8606 line 20). Before that, only the 10% may be excepted (Form
    5329, exception 09)."""
    expenses = g[f"{p}.roth.homebuyer_expenses"]
    if expenses <= 0:
        return ZERO
    first, years = g[f"{p}.roth.first_year"], g[f"{p}.roth.qualified_years"]
    bound = g.get(f"{p}.roth.first_year_bound") if first is None else None
    met = roth.five_year_met_by(first, [bound] if bound is not None else [], date(year, 12, 31), years)
    if met is None:
        g.provisional("first Roth IRA year not given: the 5-year period is taken as not passed (line 20 is 0)")
        return ZERO
    if not met:
        g.note(f"the 5-year period from {first} ends with {first + years - 1}: not a qualified distribution; "
               "exception 09 on Form 5329 may still waive the 10%")
        return ZERO
    if first is None:
        g.note(f"first Roth IRA year not given; money went into a Roth IRA by {bound} (a conversion, rollover or a year "
               "on record), so the 5-year period has passed (Reg. §1.408A-6 Q&A-2)")
    room = pos(g[f"{p}.roth.homebuyer_limit"] - g[f"{p}.roth.prior_homebuyer"])
    return min(expenses, room, f.z("19"))


def _product(g, f, line: str):
    """Lines 11 and 12 as the form figures them: line 8 (7) x line 10, in whole dollars (i8606 lines 11-12). With
    line 10 rounded up to 3 places (a conversion of a little more than the basis: 1.000) they can take a few dollars
    more than the basis on line 3; the form does so, and line 14 is then 0, not negative (rules.md §4.4)."""
    return dollars(f.z("8" if line == "11" else "7") * f.z("10"))


def _line14(g, f, full: bool):
    val = f.z("3") - (f.z("13") if full else ZERO)
    if val < 0:
        g.note(f"line 3 - line 13 = {val}: line 10, rounded up to 3 places, recovers {-val} more than the basis "
               "(the form's own arithmetic); entered 0, not negative (rules.md §4.4)")
        return ZERO
    return val


def _line17(g, f, p):
    if f["part1_full"]:
        if f["worksheet"]:
            return f.z("16") - z(g[f"ws11.{p}.line10"])
        return f["11"]
    basis = g[f"{p}.ira.prior_basis"] + g[f"{p}.ira.plan_aftertax_rolled_in"] + g[f"{p}.ira.contributions_before_conversion"]
    if basis > f.z("16"):
        g.note(f"basis {basis} exceeds the amount converted; line 17 limited to line 16")
    return min(basis, f.z("16"))


def _ordering(g, f, p, res):
    layers = list(g[f"{p}.roth.layers"])
    year = res.scenario.tax_year
    if f["part2"]:
        layers.append(roth.Layer(year, f.z("16"), f.z("18")))
    plan_amt = g[f"{p}.roth.plan_rollovers"]
    if plan_amt:
        layers.append(roth.Layer(year, plan_amt, g[f"{p}.roth.plan_rollovers_taxable"]))
    from taxdocs.params import general
    window = general().periods.roth_conversion_years.value
    basis = g[f"{p}.roth.contribution_basis"] + g[f"{p}.roth.contributions_this_year"] + g[f"{p}.roth.drac_basis_rolled_in"]
    # line 21: the qualified first-time homebuyer amount (line 20) is off before the basis (i8606 lines 20-23)
    return roth.order(f.z("21"), basis, layers, year, window)
