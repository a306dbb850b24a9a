"""Simplified Method Worksheet for annuity payments with after-tax cost (IRC §72(d)(1); Pub. 575; rules.md §10).

Used for a plan annuity whenever the annuity facts are given. When the payer figured box 2a (box 2b
"not determined" unchecked), box 2a stands unless the worksheet's line 9 is smaller: "If your Form 1099-R
shows a larger taxable amount, use the amount figured on this line instead" (Pub. 575 Worksheet A line 9;
i1040 lines 5a-5b). One worksheet per 1099-R: keys `sm.<form id>.line1` ... `line11`.
"""
from __future__ import annotations

from taxdocs.core.lines import Form
from taxdocs.core.money import ZERO, dollars


def applies(f, gp) -> bool:
    """Annuity facts given and a starting date the Simplified Method covers (after July 1, 1986; Notice 88-118).
    Earlier annuities, and nonqualified ones (code D: IRC §72(d)(1)(A) covers qualified employer plans only), use
    the General Rule (Pub. 939): box 2a stands."""
    return (f.annuity is not None and f.annuity.start_date > gp.simplified_method.single_life_1986.starting_after
            and not nonqualified_annuity(f) and not general_rule_by_age(f.annuity, gp))


def general_rule_by_age(a, gp) -> bool:
    """75 or older at the starting date with 5 or more years of payments guaranteed (IRC §72(d)(1)(E))."""
    return (a.age_at_start >= gp.ages.simplified_method_under.years and a.guaranteed_years is not None
            and a.guaranteed_years >= gp.periods.annuity_guaranteed_years.value)


def nonqualified_annuity(f) -> bool:
    """Code D: a commercial (nonqualified) annuity or life insurance contract (i1099r code D), not a plan."""
    return "D" in f.box7


def cost_without_facts(f, info) -> bool:
    """A plan 1099-R kept (in part) with the employee's cost in an annuity (box 9b) and no taxable amount figured by
    the payer, but no annuity facts: the Simplified Method (Pub. 575; i1040 lines 5a-5b) cannot be applied."""
    from taxdocs.model.scenario import Account
    return (info.source == Account.plan and bool(f.box9b) and f.annuity is None and not payer_figured(f)
            and not nonqualified_annuity(f) and any(l.kept for l in info.legs))


def payer_figured(f) -> bool:
    """Box 2a is the payer's taxable amount (not blank, box 2b "not determined" not checked)."""
    return f.box2a is not None and not f.box2b_not_determined


def declare(res, info, gp) -> None:
    f = info.legs[0].form
    a = f.annuity
    w = Form(res.graph, f"sm.{f.id}")
    cite = "i1040 Simplified Method Worksheet"
    sm = gp.simplified_method
    joint = a.joint_age_at_start is not None and a.start_date > sm.joint_lives.starting_after
    # the table of the starting date: joint lives after 1997, single life after Nov. 18, 1996, else Notice 88-118's
    table = sm.joint_lives if joint else sm.single_life if a.start_date > sm.single_life.starting_after \
        else sm.single_life_1986
    uncapped = a.start_date < sm.uncapped_before.value  # before 1987: no limit at the cost (IRC §72(b)(2))
    res.graph.fact(f"sm.{f.id}.table", table.payments(a.joint_age_at_start if joint else a.age_at_start),
                   "Expected number of monthly payments", table.source)
    # whole dollars, as every amount carried to the return (i1040 "Rounding Off to Whole Dollars": round all amounts);
    # line 4 alone is to the cent (a monthly share)
    w.line("1", "Total pension or annuity payments this year", f"{cite} line 1", "box 1, whole dollars",
           lambda g: dollars(f.box1))
    w.line("2", "Cost in the plan at the annuity starting date", f"{cite} line 2", "annuity.cost, else box 9b",
           lambda g: dollars(a.cost if a.cost is not None else (f.box9b or ZERO)))
    w.line("3", "Number from Table 1 (single) or Table 2 (joint)", f"{cite} line 3", "by age at the starting date",
           lambda g: g[f"sm.{f.id}.table"])
    w.line("4", "Divide line 2 by line 3", f"{cite} line 4", "L2 / L3, to the cent",
           lambda g: (w.z("2") / w["3"]).quantize(ZERO.scaleb(-2)))
    w.line("5", "Multiply line 4 by the number of months paid this year", f"{cite} line 5", "L4 x months",
           lambda g: dollars(w.z("4") * a.payments_this_year))
    w.line("6", "Cost recovered tax free in earlier years", f"{cite} line 6", "input", lambda g: dollars(a.recovered_before))
    w.line("7", "Subtract line 6 from line 2", f"{cite} line 7", "L2 - L6 (skipped: starting date before 1987)",
           lambda g: None if uncapped else max(w.z("2") - w.z("6"), ZERO))
    w.line("8", "Smaller of line 5 or line 7", f"{cite} line 8", "min(L5, L7); L5 for a starting date before 1987",
           lambda g: w.z("5") if uncapped else min(w.z("5"), w.z("7")))
    w.line("9", "Taxable amount (to Form 1040 line 5b)", f"{cite} line 9", "L1 - L8, not below 0",
           lambda g: max(w.z("1") - w.z("8"), ZERO))
    w.line("10", "Cost recovered through this year", f"{cite} line 10", "L6 + L8",
           lambda g: None if uncapped else w.z("6") + w.z("8"))
    w.line("11", "Cost left to recover", f"{cite} line 11", "L2 - L10",
           lambda g: None if uncapped else w.z("2") - w.z("10"))
