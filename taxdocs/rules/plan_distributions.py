"""Employer-plan distributions: §72(e)(8) pro rata and Notice 2014-54 allocation among destinations.

A group is one distribution (several 1099-Rs scheduled at the same time count as one,
Notice 2014-54 §III.A). Pre-tax money goes first to the rollovers (§402(c)(2)); among
several rollovers the participant chooses (the `pretax` field of a use); without a
choice, pre-tax fills traditional IRA and plan rollovers before Roth ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from taxdocs.core.money import ZERO, apportion, dollars
from taxdocs.model.scenario import Account, UseKind
from taxdocs.rules.legs import Leg

# Default order in which rollovers take pre-tax money when the participant did not choose.
PRETAX_ORDER = {Account.traditional_ira: 0, Account.sep_ira: 0, Account.simple_ira: 0, Account.plan: 1,
                Account.inherited_ira: 0, Account.designated_roth: 2, Account.roth_ira: 3, Account.inherited_roth_ira: 3}
# Roth destinations of plan money: pre-tax money going there is taxed (i1099r code G with box 2a; a beneficiary's
# direct rollover to an inherited Roth IRA too: Notice 2008-30 Q&A-7, IRC §402(c)(11))
ROTH_DESTINATIONS = frozenset({Account.roth_ira, Account.inherited_roth_ira, Account.designated_roth})


@dataclass
class PlanGroup:
    key: str
    legs: list[Leg]
    gross: Decimal = ZERO
    aftertax: Decimal = ZERO
    pretax: Decimal = ZERO
    aftertax_source: str = ""
    notes: list[str] = field(default_factory=list)


def aftertax_of(legs: list[Leg]) -> tuple[Decimal, str]:
    """After-tax part of the distribution: §72(e)(8) pro rata on the whole group when the account
    facts are given (Notice 2014-54 background); else per form box 5, or, for money paid out,
    box 1 less box 2a when the payer determined the taxable amount (i1040 lines 5a-5b)."""
    forms = list({id(l.form): l.form for l in legs}.values())
    acct = next((f.plan_account for f in forms if f.plan_account is not None), None)
    gross = sum((dollars(f.box1) for f in forms), ZERO)
    if acct is not None and acct.balance > 0:
        share = min(dollars(gross * acct.after_tax / acct.balance), acct.after_tax)  # IRC §72(e)(8)
        scope = " over the separate after-tax contract (IRC §72(d)(2))" if acct.separate_after_tax_contract else ""
        return share, f"{gross:,} x {acct.after_tax:,} / {acct.balance:,} = {share:,} (IRC §72(e)(8) pro rata{scope})"
    total, how = ZERO, []
    for f in forms:
        part, why = _form_aftertax(f)
        total += part
        how.append(f"{f.id} {part:,} ({why})")
    return total, "; ".join(how)


def _form_aftertax(f) -> tuple[Decimal, str]:
    box5 = dollars(f.box5 or ZERO)
    direct = bool(set(f.box7) & {"G", "H"})  # a direct rollover's 2a says nothing about after-tax money
    if direct or f.box2a is None or f.box2b_not_determined:
        return box5, "box 5"
    # NUA (box 6) is untaxed appreciation, not after-tax money: it is never basis (IRC §402(e)(4); i1099r box 6)
    rest = dollars(f.box1) - dollars(f.box2a) - dollars(f.box6 or ZERO)
    how = "box 1 - box 2a - box 6" if f.box6 else "box 1 - box 2a"
    return (max(box5, rest), how) if rest > box5 else (box5, "box 5")


def allocate(group: PlanGroup) -> None:
    """Split the group's pre-tax and after-tax money among its legs (Notice 2014-54 §III)."""
    group.gross = sum((leg.amount for leg in group.legs), ZERO)
    group.aftertax, group.aftertax_source = aftertax_of(group.legs)
    group.aftertax = min(group.aftertax, group.gross)
    group.pretax = group.gross - group.aftertax
    left = group.pretax
    # an RMD split off a rollover is met from the after-tax money first: "the portion of the distribution that
    # is excludible from gross income is first allocated toward satisfaction of section 401(a)(9)" (Reg.
    # §1.402(c)-2 Q&A-8); only what it takes beyond that is pre-tax (taxable)
    after_left = group.aftertax
    rmds = [leg for leg in group.legs if leg.rmd]
    for leg in rmds:
        from_after = min(leg.amount, after_left)
        after_left -= from_after
        leg.pretax = min(leg.amount - from_after, left)
        left -= leg.pretax
    rolled = [leg for leg in group.legs if leg.is_rollover and leg.valid or leg.kind == UseKind.in_plan_roth_rollover]
    # Pre-tax goes to the rollovers first (§402(c)(2)): together they take min(pre-tax, amount rolled).
    # The participant's choice (`pretax` on a use) only splits that among destinations (Notice 2014-54 §III.B).
    chosen = [leg for leg in rolled if leg.use is not None and leg.use.pretax is not None]
    for leg in chosen:
        leg.pretax = min(leg.use.pretax, leg.amount, left)
        left -= leg.pretax
    order = sorted(rolled, key=lambda l: (l in chosen, PRETAX_ORDER.get(l.to, 9)))
    for leg in order:
        more = min(leg.amount - leg.pretax, left)
        if more > 0 and leg in chosen:
            group.notes.append(f"{leg.ref}: the choice of ${leg.use.pretax:,} pre-tax cannot stand; rollovers take "
                               f"pre-tax money first, so it takes ${leg.pretax + more:,} (Notice 2014-54)")
        leg.pretax += more
        left -= more
    kept = [leg for leg in group.legs if leg not in rolled and not leg.rmd]
    for leg, share in zip(kept, apportion(left, [leg.amount for leg in kept])):  # the rest: to the money paid out
        leg.pretax = share
        left -= share
    for leg in group.legs:
        leg.aftertax = leg.amount - leg.pretax
    if left > 0:
        group.notes.append(f"{left:,} of pre-tax money could not be placed")
    _place_nua(kept + rmds)


def _place_nua(kept: list[Leg]) -> None:
    """Net unrealized appreciation (box 6) in employer securities kept is not taxed now (IRC §402(e)(4)(A),
    (B)); rolled over, the securities are pre-tax money like the rest. It sits on what was kept from the form
    (the shares), pro rata, never above a leg's pre-tax part."""
    for f in {id(l.form): l.form for l in kept}.values():
        legs = [l for l in kept if l.form is f]
        pretax = sum((l.pretax for l in legs), ZERO)
        for leg, share in zip(legs, apportion(min(dollars(f.box6 or ZERO), pretax), [l.pretax for l in legs])):
            leg.nua = share


def tax_leg(leg: Leg) -> None:
    """Taxable part of each plan leg (rules.md §5.3, §7.4)."""
    if leg.kept:
        leg.taxable = leg.pretax - leg.nua
    elif leg.to in ROTH_DESTINATIONS or leg.kind == UseKind.in_plan_roth_rollover:
        leg.taxable = leg.pretax  # a rollover of pre-tax money to a Roth account is taxable (i1099r code G, 2a)
    else:
        leg.taxable = ZERO
