"""The deductions between AGI and taxable income, for the tax effect when AGI is given (IRC §63; Schedule 1-A).

Standard deduction for the filing status, plus the additional amount per person 65 or older or blind (IRC §63(c),
(f)), or itemized deductions when larger; plus the senior deduction of 2025-2028 (IRC §151(d)(5)(C) as added by
P.L. 119-21 §70103; Schedule 1-A Part V), which every person 65 or older takes, itemizing or not, reduced by 6% of
MAGI above the threshold. From 2026, itemized deductions are cut by the overall limitation of IRC §68(a) (2/37 of the
income in the 37% bracket, at most of the deductions; the year file's `itemized_limitation`).

Itemized items that move with the AGI are figured at each AGI when given apart from `itemized_deductions`: medical
expenses above 7.5% of the AGI (IRC §213(a)), state and local taxes up to the year's limit and its 2025-2029 phase-down
above a MAGI threshold (IRC §164(b)(6), (7)), and from 2026 charitable contributions above 0.5% of the AGI (IRC
§170(b)(1)(I)). Without itemizing, from 2026, cash gifts up to the year's limit are deducted too (IRC §170(p); the
year file's `nonitemizer_gifts`). Not modelled: the charitable percentage-of-AGI ceilings, a dependent's limited
standard deduction, a married-filing-separately spouse who itemizes, the QBI, tips, overtime and car-loan
deductions, and MAGI's foreign-income add-backs.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from taxdocs.core.dates import date_at_age
from taxdocs.core.money import ZERO, dollars

MARRIED = ("mfj", "mfs", "qss")  # the additional amount for married persons and surviving spouses (IRC §63(f)(1))


def aged(person, year: int, gp) -> bool:
    """65 by the end of the year: one is 65 on the day before the 65th birthday (Pub. 501), so a Jan. 1 birthday
    in the next year counts. Someone who died in the year counts only if 65 at death (Pub. 501 and 554, "Death
    before age 65"; IRC §63(f)(1))."""
    if person.birth_date is None:
        return False
    turns = date_at_age(person.birth_date, gp.ages.aged_deduction.years) - timedelta(days=1)
    end = date(year, 12, 31)
    died = person.date_of_death
    return turns <= (min(died, end) if died is not None else end)


def _people(sc) -> list:
    """Whose age and sight count: the taxpayer, and the spouse on a joint return."""
    return [sc.taxpayer] + ([sc.spouse] if sc.spouse is not None and sc.filing_status.value == "mfj" else [])


def standard(sc, yp, gp) -> tuple[Decimal, int]:
    status = sc.filing_status.value
    boxes = sum(aged(p, sc.tax_year, gp) + bool(p.blind) for p in _people(sc))
    per = yp.additional_std_deduction.married if status in MARRIED else yp.additional_std_deduction.unmarried
    return yp.std_deduction[status] + per * boxes, boxes  # IRC §63(c)(2), (c)(3), (f)


def senior(sc, yp, gp, magi: Decimal) -> Decimal:
    """Schedule 1-A lines 31-37: per person 65 or older, $6,000 less 6% of MAGI over $75,000 ($150,000 joint),
    not below 0; married persons only on a joint return."""
    sd = yp.senior_deduction
    status = sc.filing_status.value
    if sd is None or not (sd.first_year <= sc.tax_year <= sd.last_year) or status == "mfs":
        return ZERO
    threshold = sd.threshold_joint if status == "mfj" else sd.threshold
    each = max(sd.amount - dollars(max(magi - threshold, ZERO) * sd.phaseout_rate), ZERO)
    return each * sum(aged(p, sc.tax_year, gp) for p in _people(sc))


def limited(sc, yp, item: Decimal, base: Decimal) -> tuple[Decimal, str]:
    """Itemized deductions after the overall limitation, where the year has one (IRC §68(a) from 2026): less
    numerator/denominator of the lesser of them and `base` (taxable income before it, plus them: the AGI less the
    other deductions) above the start of the 37% bracket for the filing status."""
    lim = yp.itemized_limitation
    if lim is None:
        return item, ""
    start = next(b.lower for b in yp.brackets[sc.filing_status.value] if b.rate == lim.bracket_rate)
    above = max(base - start, ZERO)
    cut = dollars(min(item, above) * lim.numerator / lim.denominator)  # whole dollars, as on the form
    if cut <= 0:
        return item, ""
    return item - cut, (f" less {cut:,} (IRC §68: {lim.numerator}/{lim.denominator} of the lesser of the itemized "
                        f"deductions and the {dollars(above):,} of income above {start:,})")


def salt_limit(sc, yp, magi: Decimal) -> Decimal:
    """IRC §164(b)(6): the year's limit on state and local taxes; 2025-2029 reduced by 30% of the MAGI above the
    threshold, not below the floor (§164(b)(7)); half of each amount when married filing separately."""
    s = yp.salt_limit
    mfs = sc.filing_status.value == "mfs"
    limit, p = (s.limit_mfs if mfs else s.limit), s.phasedown
    if p is None:
        return limit
    threshold, floor = (p.threshold_mfs, p.floor_mfs) if mfs else (p.threshold, p.floor)
    return max(limit - dollars(max(magi - threshold, ZERO) * p.rate), floor)


def itemized(sc, yp, gp, agi: Decimal) -> tuple[Decimal | None, str]:
    """Schedule A at this AGI, before IRC §68: `itemized_deductions` plus the items given apart that move with
    the AGI, each figured at it; and what they were. None: nothing itemized given."""
    inc = sc.income
    med, salt, gifts = inc.medical_expenses, inc.state_local_taxes, inc.charitable_contributions
    if inc.itemized_deductions is None and med is None and salt is None and gifts is None:
        return None, ""
    total, parts = inc.itemized_deductions or ZERO, []
    if inc.itemized_deductions is not None and (med is not None or salt is not None or gifts is not None):
        parts.append(f"other {inc.itemized_deductions:,}")
    base = max(agi, ZERO)
    if med is not None:  # Schedule A lines 1-4
        rate = gp.rates.medical_agi_floor.value
        floor = dollars(base * rate)
        total += max(med - floor, ZERO)
        parts.append(f"medical {max(med - floor, ZERO):,} (of {med:,}, above {rate:.1%} of AGI: {floor:,})")
    if salt is not None:  # Schedule A lines 5a-5e
        cap = salt_limit(sc, yp, agi)
        total += min(salt, cap)
        parts.append(f"taxes {min(salt, cap):,} (of {salt:,}, limit {cap:,})")
    if gifts is not None:  # Schedule A lines 11-14
        cf = yp.charitable_floor
        floor = dollars(base * cf.rate) if cf is not None else ZERO
        total += max(gifts - floor, ZERO)
        parts.append(f"gifts {max(gifts - floor, ZERO):,}" + (f" (of {gifts:,}, above {cf.rate:.1%} of AGI: {floor:,})"
                                                             if cf is not None else ""))
    return total, (": " + ", ".join(parts)) if parts else ""


def gifts_without_itemizing(sc, yp) -> tuple[Decimal, str]:
    """IRC §170(p) (from 2026): a non-itemizer deducts cash gifts to public charities up to the year's limit (joint
    return: `limit_joint`); `charitable_contributions` are taken as such gifts."""
    gifts, ng = sc.income.charitable_contributions, yp.nonitemizer_gifts
    if not gifts or ng is None:
        return ZERO, ""
    cap = ng.limit_joint if sc.filing_status.value == "mfj" else ng.limit
    amount = min(gifts, cap)
    return amount, f" + gifts {amount:,} without itemizing (IRC §170(p): cash gifts to public charities, up to {cap:,})"


def deduction(sc, yp, gp, agi: Decimal) -> tuple[Decimal, str]:
    """The deductions at this AGI, and a sentence saying what was taken: itemized, or the standard deduction with
    the non-itemizer's gifts, whichever is larger (IRC §63(b), (e)); plus the senior deduction."""
    std, boxes = standard(sc, yp, gp)
    gifts, gifts_how = gifts_without_itemizing(sc, yp)
    whole, items = itemized(sc, yp, gp, agi)
    sen = senior(sc, yp, gp, agi)
    item, cut = (whole, "") if whole is None else limited(sc, yp, whole, agi - sen)
    itemize = item is not None and item > std + gifts
    main = item if itemize else std + gifts
    how = (f"itemized {whole:,}{items}{cut}" if itemize else
           f"standard {std:,}" + (f" ({boxes} additional amount{'s' if boxes != 1 else ''} for 65 or older or blind)"
                                if boxes else "") + gifts_how)
    if sen:
        how += f" + senior deduction {sen:,} (Schedule 1-A Part V, MAGI {dollars(agi):,})"
    return main + sen, how
