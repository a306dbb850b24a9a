"""Rollover validity: the 60-day window and its waivers, once per 12 months, eligibility.

Compute decides whether a rollover counts (a late one is a taxable distribution);
each decision is recorded on the leg with its rule so the checker can report it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from taxdocs.core.dates import add_months, date_at_age, days_between, plus_days
from taxdocs.core.money import ZERO, dollars
from taxdocs.model.scenario import Account, Person, UseKind, WaiverKind
from taxdocs.params import MonthDay
from taxdocs.rules.legs import IRA_SOURCES, Leg, inherited_link
from taxdocs.rules.plan_distributions import PRETAX_ORDER
from taxdocs.rules.simplified_method import nonqualified_annuity

IRA_LIKE = IRA_SOURCES | {Account.roth_ira, Account.inherited_ira, Account.inherited_roth_ira}
NOT_ELIGIBLE_CODES = {"L": "a loan treated as a deemed distribution (code L)", "U": "a §404(k) dividend (code U)",
                      "9": "the cost of life insurance (code 9)", "8": "a corrective distribution (code 8)",
                      "P": "a corrective distribution (code P)", "E": "an EPCRS distribution (code E)"}


@dataclass
class Event:
    code: str         # finding code in the catalogue
    leg: str          # leg reference (form id:use index)
    detail: dict      # figures and dates for the message
    accepted: bool    # True: rollover still counts (waiver); False: it does not


# Where a non-spouse beneficiary's direct rollover may go, by the account it comes from (IRC §402(c)(11), §402A(c)(3),
# §408(d)(3)(C), §408A(e)): a plan's pre-tax money to an inherited IRA or (taxed) an inherited Roth IRA.
_HEIRS = {Account.inherited_ira: frozenset({Account.inherited_ira}),
          **{a: frozenset({Account.inherited_roth_ira})
             for a in (Account.inherited_roth_ira, Account.designated_roth, Account.roth_ira)}}
_ANY_HEIR = frozenset({Account.inherited_ira, Account.inherited_roth_ira})


def _event(leg: Leg, code: str, accepted: bool, **detail) -> Event:
    ev = Event(code, leg.ref, detail, accepted)
    if not accepted:
        leg.valid = False
    leg.invalid_reasons.append(code)
    return ev


def check_window(leg: Leg, paid: date, window_days: int, self_cert_days: int,
                 extended_due: Optional[MonthDay] = None) -> list[Event]:
    """60 days from receipt (IRC §402(c)(3)(A), §408(d)(3)(A)); a qualified plan loan offset (code M):
    until the extended due date of that year's return (§402(c)(3)(C)); waivers per Rev. Proc. 2020-46 / 2003-16."""
    if leg.kind != UseKind.indirect_rollover or leg.deposited is None:
        return []
    days = days_between(paid, leg.deposited)
    deadline = plus_days(paid, window_days)  # day 60 is on time (rules.md §6.1)
    if extended_due is not None and "M" in leg.form.box7:
        deadline = max(deadline, extended_due.next_year_after(paid))
    if leg.deposited <= deadline:
        return []
    w = leg.use.waiver if leg.use else None
    base = dict(paid=paid, deposited=leg.deposited, days=days, deadline=deadline, amount=leg.amount)
    if w is None:
        return [_event(leg, "ROLLOVER_60_DAY_LATE", False, **base)]
    if w.kind == WaiverKind.self_certification:
        if w.reason is None or w.reason_ended is None:
            return [_event(leg, "SELF_CERT_INCOMPLETE", False, **base)]
        if leg.deposited > plus_days(w.reason_ended, self_cert_days):
            # Rev. Proc. 2020-46 §3.02(3): "as soon as practicable" after the reason ended, deemed met within 30 days;
            # past them the certification can still be true, and the taxpayer may report the rollover (a warning)
            return [_event(leg, "SELF_CERT_30_DAY", True, reason=w.reason, reason_ended=w.reason_ended, **base)]
        return [_event(leg, "ROLLOVER_SELF_CERTIFIED", True, reason=w.reason, reason_ended=w.reason_ended, **base)]
    if w.kind == WaiverKind.automatic:
        # Rev. Proc. 2003-16 §3.03: deposit within 1 year from the start of the 60-day period.
        if leg.deposited > add_months(paid, 12):
            return [_event(leg, "ROLLOVER_60_DAY_LATE", False, waiver="automatic (over 1 year)", **base)]
        return [_event(leg, "ROLLOVER_AUTOMATIC_WAIVER", True, **base)]
    if w.kind == WaiverKind.private_letter_ruling:
        return [_event(leg, "ROLLOVER_PLR_WAIVER", True, reference=w.reference or "", **base)]
    # Disaster or military postponement: the deadline moves to the stated date.
    if w.deadline is None or leg.deposited > w.deadline:
        return [_event(leg, "ROLLOVER_60_DAY_LATE", False, waiver=f"{w.kind.value} without a later deadline", **base)]
    return [_event(leg, "ROLLOVER_POSTPONED_DEADLINE", True, postponed_to=w.deadline, **base)]


def in_rmd_years(birth: Optional[date], rmd_age, year: int) -> bool:
    """The year of reaching the applicable RMD age, or later: an RMD is due for the year (IRC §401(a)(9))."""
    return (birth is not None and rmd_age is not None
            and date_at_age(birth, rmd_age.years, rmd_age.months).year <= year)


def check_eligible(leg: Leg, src: Account, person: Person, rmd_age, year: int, forms: list) -> list[Event]:
    """Amounts that are not eligible rollover distributions (IRC §402(c)(4), §408(d)(3); rules.md §6.3)."""
    if not (leg.is_rollover or leg.kind == UseKind.conversion):  # a conversion is a rollover too (§408A(e))
        return []
    f, out = leg.form, []
    for code in f.box7:
        if code in NOT_ELIGIBLE_CODES:
            out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, what=NOT_ELIGIBLE_CODES[code], amount=leg.amount))
    if f.hardship:
        out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, what="a hardship distribution", amount=leg.amount))
    if f.sepp:
        out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, what="a substantially equal periodic payment", amount=leg.amount))
    if f.corrective:
        out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, what="a corrective distribution", amount=leg.amount))
    if f.annuity is not None and src == Account.plan:  # IRC §402(c)(4)(A)
        out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, amount=leg.amount,
                          what="an annuity payment (one of a series of substantially equal periodic payments for life)"))
    if nonqualified_annuity(f):  # IRC §402(c)(4), (8)(B); §408(d)(3)(A): only a plan or an IRA pays a rollover; a §1035 exchange is code 6
        out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, amount=leg.amount,
                          what="a payment from a nonqualified annuity or life insurance contract (code D)"))
    if "S" in f.box7 and leg.to != Account.simple_ira:
        # code S: paid in the SIMPLE IRA's first 2 years; only another SIMPLE IRA may take it
        # (IRC §408(d)(3)(G); Notice 98-4 Q&A I-3; Reg. §1.408A-4 A-4(b): no conversion either)
        out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, amount=leg.amount,
                          what="a SIMPLE IRA distribution in its first 2 years (code S) going elsewhere than a SIMPLE IRA"))
    inherited = src in (Account.inherited_ira, Account.inherited_roth_ira) or "4" in f.box7
    # a beneficiary's Roth money may also go to an inherited Roth IRA (IRC §402(c)(11), §408(d)(3)(C); i1099r 4+H)
    roth_to = (Account.roth_ira, Account.inherited_roth_ira, None) if inherited else (Account.roth_ira, None)
    if src == Account.roth_ira and leg.is_rollover and leg.to not in roth_to:
        # a Roth IRA rolls over only into another Roth IRA (IRC §408A(e); Pub. 590-A "Rollover From a Roth IRA")
        out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, amount=leg.amount,
                          what="Roth IRA money going elsewhere than a Roth IRA"))
    if src == Account.designated_roth and leg.is_rollover and leg.to not in roth_to + (Account.designated_roth,):
        # IRC §402A(c)(3): only to a Roth IRA or another designated Roth account
        out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, amount=leg.amount,
                          what="designated Roth account money going elsewhere than a Roth IRA or designated Roth account"))
    # listed under inherited_iras = kept as an inherited IRA, not treated as the beneficiary's own: a non-spouse's,
    # unless the 1099-R says the surviving spouse was paid (`nonspouse_beneficiary: false`), whose IRA is not an
    # "inherited IRA" (IRC §408(d)(3)(C)(ii)(II)) and may be rolled over or converted
    said = f.nonspouse_beneficiary is not None
    nonspouse = f.nonspouse_beneficiary or (not said and src == Account.inherited_ira
                                            and inherited_link(person, f, forms) is not None)
    if inherited and nonspouse and leg.kind == UseKind.indirect_rollover:
        out.append(_event(leg, "INHERITED_60_DAY_ROLLOVER", False, amount=leg.amount))
    elif inherited and leg.kind == UseKind.indirect_rollover and not said:
        # only the surviving spouse may roll a death distribution over (IRC §408(d)(3)(C), §402(c)(9)): taken as
        # the spouse, and asked
        out.append(_event(leg, "INHERITED_ROLLOVER_SPOUSE_ASSUMED", True, amount=leg.amount))
    elif (inherited and f.nonspouse_beneficiary and leg.kind == UseKind.direct_rollover
          and leg.to not in _HEIRS.get(src, _ANY_HEIR)):
        # a non-spouse beneficiary's money moves only into an IRA set up as inherited (IRC §402(c)(11),
        # §408(d)(3)(C); rules.md §6.3), never into their own; an inherited IRA is not converted (§408A(e))
        out.append(_event(leg, "ROLLOVER_NOT_ELIGIBLE", False, amount=leg.amount,
                          what="a non-spouse beneficiary's distribution going elsewhere than an inherited IRA of its kind"))
    if src == Account.inherited_ira and nonspouse and leg.kind == UseKind.conversion:  # IRC §408(d)(3)(C), §408A(e)
        out.append(_event(leg, "INHERITED_IRA_CONVERSION", False, amount=leg.amount))
    if f.rmd_year and f.rmd_amount is None:  # the RMD's size not given: all of it (rmd_first_dollars otherwise)
        out.append(_event(leg, "ROLLOVER_OF_RMD", False, amount=leg.amount))
    elif (not f.rmd_year and f.rmd_amount is None and src in IRA_SOURCES | {Account.plan}
          and in_rmd_years(person.birth_date, rmd_age, year)):
        label = f"{rmd_age.years}½" if rmd_age.months == 6 else str(rmd_age.years)
        out.append(_event(leg, "RMD_YEAR_ROLLOVER_UNCONFIRMED", True, rmd_age=label, amount=leg.amount))
    return out


def rmd_first_dollars(legs: list[Leg], src: Optional[Account] = None) -> list[Event]:
    """The first dollars distributed in a year are the required minimum distribution until it is met, and
    cannot be rolled over or converted (IRC §402(c)(4)(B), §408(d)(3)(E); Reg. §1.402(c)-2 Q&A-7; Reg.
    §1.408A-4 A-6). Run after the other rollover checks: what was not validly moved (money kept, a late
    rollover, a QCD) takes the RMD first; what is left of it falls on the valid rollovers and conversions,
    each split into an RMD part (not a rollover) and the rest: in the order given for IRAs, Roth destinations
    first for plans (the part's after-tax money is placed by plan_distributions.allocate).
    Returns the split-off parts' events; the new legs are appended to `legs`."""
    f = legs[0].form
    if f.rmd_amount is None:
        return []
    moved = [l for l in legs if l.valid and (l.is_rollover or l.kind in (UseKind.conversion,
                                                                          UseKind.in_plan_roth_rollover))]
    ids = {id(l) for l in moved}
    # a contribution returned (IRC §408(d)(4), (5)) or recharacterized is not a distribution toward the RMD
    # (Reg. §1.408-8 Q&A-9 [K])
    paid_out = [l for l in legs if id(l) not in ids and l.kind not in (UseKind.returned_contribution,
                                                                       UseKind.excess_withdrawn,
                                                                       UseKind.recharacterization)]
    due = max(dollars(f.rmd_amount) - sum((l.amount for l in paid_out), ZERO), ZERO)
    out, emptied = [], set()
    if src in (Account.plan, Account.designated_roth):
        # a plan's RMD is its after-tax money first (Reg. §1.402(c)-2 Q&A-8), which goes to Roth destinations
        # before others (PRETAX_ORDER, reversed): split it off those first, whatever order the uses are listed in
        moved = sorted(moved, key=lambda l: -PRETAX_ORDER.get(l.to, 0))
    for leg in moved:
        part = min(due, leg.amount)
        if part <= 0:
            break
        rmd = Leg(f, leg.index, leg.kind, leg.to, part, leg.deposited, use=leg.use,
                  inferred="the year's RMD, paid first: not eligible to be rolled over", rmd=True)
        leg.amount -= part
        due -= part
        if leg.amount <= 0:
            emptied.add(id(leg))  # all of it was the RMD: the split-off part replaces it
        legs.append(rmd)
        out.append(_event(rmd, "ROLLOVER_OF_RMD", False, amount=part))
    legs[:] = [l for l in legs if id(l) not in emptied]
    return out


def counts_once_per_year(leg: Leg, src: Account) -> bool:
    """IRA-to-IRA 60-day rollovers of the same kind count; conversions, transfers, plan rollovers do not (rules.md §6.4)."""
    if leg.kind != UseKind.indirect_rollover or not leg.valid:
        return False
    if src in IRA_SOURCES and leg.to in IRA_SOURCES:
        return True
    return src == Account.roth_ira and leg.to == Account.roth_ira


def check_once_per_year(candidates: list[tuple[date, Leg]], history: list[date], years: int = 1) -> list[Event]:
    """One IRA-to-IRA rollover in any 1-year period, from distribution date to distribution date
    (IRC §408(d)(3)(B); Bobrow; Ann. 2014-15). A distribution on the anniversary is outside the year."""
    # one amount received is one rollover, however many IRAs it is redeposited into: the rule counts other
    # amounts received (§408(d)(3)(B) "any other amount"), so a form's own legs never bar each other
    out, months = [], 12 * years
    taken: list[tuple[date, object]] = [(d, None) for d in history]
    for paid, leg in sorted(candidates, key=lambda c: c[0]):
        prior = [d for d, form in taken if form is not leg.form and d <= paid and paid < add_months(d, months)]
        if prior:
            out.append(_event(leg, "ROLLOVER_ONCE_PER_YEAR", False, paid=paid, prior=max(prior),
                              amount=leg.amount, next_allowed=add_months(max(prior), months)))
        else:
            taken.append((paid, leg.form))
    return out
