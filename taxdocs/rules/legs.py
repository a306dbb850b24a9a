"""Normalize: each Form 1099-R becomes legs (where each part of the money went).

The 1099-R stays as issued; a leg is a derived fact beside it. The remainder of box 1
not named in `uses` is cash kept by the recipient (it includes any tax withheld).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

from taxdocs.core.money import ZERO, dollars
from taxdocs.model.scenario import Account, Form1099R, Use, UseKind

IRA_SOURCES = {Account.traditional_ira, Account.sep_ira, Account.simple_ira}
# Read on every leg, several times a return: a local name is ~10x faster than `UseKind.x` on Python 3.11,
# whose enum class attributes go through EnumType.__getattr__'s slot.
_ROLLOVERS = frozenset({UseKind.direct_rollover, UseKind.indirect_rollover})
_CASH = UseKind.cash
_MOVED = frozenset({UseKind.qcd, UseKind.hfd, UseKind.conversion})  # not valid: kept (taxable)
ROTH_CODES = {"J", "Q", "T"}


@dataclass
class Leg:
    form: Form1099R
    index: int                      # position in uses; -1 for the remainder
    kind: UseKind
    to: Optional[Account]
    amount: Decimal
    deposited: Optional[date]
    use: Optional[Use] = None
    inferred: str = ""              # why the engine inferred this leg
    valid: bool = True              # a rollover that counts as one
    invalid_reasons: list[str] = field(default_factory=list)
    pretax: Decimal = ZERO          # Notice 2014-54 / §402(c)(2) allocation (plans)
    aftertax: Decimal = ZERO
    taxable: Decimal = ZERO
    nua: Decimal = ZERO             # of pre-tax: NUA in employer securities kept, not taxed now (IRC §402(e)(4))
    qcd_offset: Decimal = ZERO      # of a QCD: not excluded, for IRA deductions after 70½ (IRC §408(d)(8)(A))
    rmd: bool = False               # the year's RMD split off a rollover or conversion (not rolled over)

    @property
    def ref(self) -> str:
        return f"{self.form.id}:{'rest' if self.index < 0 else self.index}"

    @property
    def is_rollover(self) -> bool:
        return self.kind in _ROLLOVERS

    @property
    def kept(self) -> bool:
        """Money that stays out of any retirement account for tax purposes."""
        kind = self.kind
        return kind == _CASH or (not self.valid and (kind in _ROLLOVERS or kind in _MOVED))


def valid_legs(forms: dict, who: str, kind: UseKind) -> list[Leg]:
    """A person's valid legs of one kind with money in them, in the order paid (limits are taken in that order).
    `forms`: the engine's form id -> FormInfo."""
    return sorted((l for i in forms.values() if i.person == who for l in i.legs
                   if l.kind == kind and l.valid and l.amount > 0), key=lambda l: forms[l.form.id].paid)


def source_of(f: Form1099R) -> tuple[Account, str]:
    """The account paid from: as stated, else inferred from box 7 (i1099r Table 1)."""
    if f.source is not None:
        return f.source, ""
    codes = set(f.box7)
    if codes & ROTH_CODES:
        return Account.roth_ira, "codes J/Q/T are Roth IRA codes"
    if codes & {"N", "R"}:
        return Account.traditional_ira, "code N/R: an IRA recharacterization (Form 1040 line 4)"
    if codes & {"B", "H"}:
        return Account.designated_roth, "code B/H: designated Roth account"
    if f.ira_form:
        if "4" in codes:
            return Account.inherited_ira, "code 4 with the IRA box: paid to a beneficiary"
        if f.decedent:
            return Account.inherited_ira, f"inherited from {f.decedent} (the 1099-R's `decedent`)"
        if "S" in codes:
            return Account.simple_ira, "code S: SIMPLE IRA"
        if not f.box7_ira_sep_simple:
            return Account.traditional_ira, "code K is an IRA code (i1099r), though the IRA/SEP/SIMPLE box is not checked"
        return Account.traditional_ira, "IRA/SEP/SIMPLE box checked"
    return Account.plan, "IRA box not checked and no Roth code: employer plan"


def prior_year_form(f: Form1099R) -> bool:
    """A 1099-R that belongs on the earlier year's return, not this one; only its box 4 withholding counts
    here (paid this year):
    * code P: taxable in the year before the one paid (i1099r code P; i8606 "contribution returned":
      report it on the earlier year's return; IRC §402(g)(2)(C), §408(d)(4));
    * code R: a contribution for the earlier year recharacterized this year; it is reported only in the
      statement attached to the earlier year's return, "not on your [earlier] or [this year's] tax
      return" (i8606 Recharacterizations; i1099r code R; IRC §408A(d)(6))."""
    return "P" in f.box7 or "R" in f.box7


def corrective_plan_form(f: Form1099R, src: Account) -> bool:
    """Code 8 from an employer plan, designated Roth account included (codes B+8): excess deferrals or contributions
    (plus earnings) returned, their taxable part this year on Form 1040 line 1h, not lines 5a-5b (i1040 line 1h;
    i1099r codes 8, B)."""
    return src in (Account.plan, Account.designated_roth) and "8" in f.box7 and not prior_year_form(f)


def inherited_link(person, form: Form1099R, forms) -> Optional[int]:
    """Which of the person's inherited_iras (1-based) a 1099-R from an inherited IRA belongs to: the one it
    names; blank, the only one listed, unless the person's inherited-IRA 1099-Rs come from more than one
    payer or account: then it may be an IRA inherited from someone else, never aggregated with it (rules.md
    §4.1, §5.1). None: not linked (taxed without basis; finding INHERITED_IRA_UNLINKED asks for `decedent`).
    `forms`: the scenario's 1099-Rs."""
    if form.decedent:
        return person.inherited_index(form.decedent)
    if len(person.inherited_iras) != 1:
        return None
    accounts = {(*payer_key(f), f.account_number or "") for f in forms if f.recipient == form.recipient
                and source_of(f)[0] == Account.inherited_ira}
    return 1 if len(accounts) <= 1 else None


def payer_key(f: Form1099R) -> tuple:
    """Who paid a 1099-R: name (any case) and TIN."""
    return (f.payer.name.strip().lower(), f.payer.tin or "")


def ira_corrective(f: Form1099R, src: Account) -> bool:
    """Code 8/P from an IRA: a contribution returned with its earnings (IRC §408(d)(4); i1099r codes 8, P). From a
    plan, designated Roth account included, code 8 is a corrective distribution for line 1h instead."""
    return bool(set(f.box7) & {"8", "P"}) and src not in (Account.plan, Account.designated_roth)


def default_use(f: Form1099R, src: Account) -> tuple[Optional[UseKind], Optional[Account], str]:
    """When `uses` is empty, what box 7 says happened."""
    codes = set(f.box7)
    if codes & {"G", "H"} and "4" in codes and f.nonspouse_beneficiary:
        # a non-spouse beneficiary's direct rollover is to an IRA set up as inherited (IRC §402(c)(11))
        roth = "H" in codes or src == Account.designated_roth or bool(f.box2a and f.box2a > 0)
        return (UseKind.direct_rollover, Account.inherited_roth_ira if roth else Account.inherited_ira,
                "codes 4+G/H, non-spouse beneficiary: direct rollover to an inherited IRA")
    if "H" in codes:
        return UseKind.direct_rollover, Account.roth_ira, "code H: direct rollover of a designated Roth account to a Roth IRA"
    if "G" in codes:
        if src == Account.designated_roth:
            return UseKind.direct_rollover, Account.designated_roth, "codes B+G: designated Roth to another plan's designated Roth"
        if src in IRA_SOURCES:
            return UseKind.direct_rollover, Account.plan, "code G from an IRA: direct rollover to an employer plan"
        if f.box2a and f.box2a > 0:
            return UseKind.direct_rollover, Account.roth_ira, "code G with box 2a > 0: taxable direct rollover to a Roth IRA"
        return UseKind.direct_rollover, Account.traditional_ira, "code G with box 2a = 0: direct rollover (assumed to a traditional IRA)"
    if codes & {"N", "R"}:
        return UseKind.recharacterization, None, "code N/R: recharacterization"
    if ira_corrective(f, src):
        return (UseKind.returned_contribution, None,
                "code 8/P from an IRA: contribution returned with its earnings (box 2a) (i1040 Exception 2)")
    if "Y" in codes:
        return UseKind.qcd, None, "code Y: qualified charitable distribution"
    return None, None, ""


def legs_of(f: Form1099R) -> tuple[Account, str, list[Leg]]:
    src, why = source_of(f)
    legs: list[Leg] = []
    # Forms are filled in whole dollars (i8606 General Instructions: round all amounts, half up). The uses are
    # rounded as running totals, so together they never round to more than box 1 (0.50 + 0.50 of a $1.00 form
    # is $1, not $2).
    used = ZERO
    for i, u in enumerate(f.uses):
        legs.append(Leg(f, i, u.kind, u.to, dollars(used + u.amount) - dollars(used), u.date, use=u))
        used += u.amount
    rest = dollars(f.box1) - sum((leg.amount for leg in legs), ZERO)
    if rest > 0 or not legs:  # box 1 of 0 and no uses: one empty leg (a form always has one)
        kind, to, note = (None, None, "") if f.uses else default_use(f, src)
        if f.uses and ira_corrective(f, src) and any(u.kind == UseKind.returned_contribution for u in f.uses):
            # a corrective IRA distribution is returned whole, contribution and earnings (box 2a) together
            # (i1040 lines 4a-4b Exception 2): the rest of box 1 is part of it, not an ordinary distribution
            kind, note = UseKind.returned_contribution, "code 8/P: the rest of box 1 was returned with the contribution"
        if kind is None:
            kind, note = UseKind.cash, ("" if not f.uses else "the part of box 1 not in `uses` (including tax withheld) was kept")
        legs.append(Leg(f, -1, kind, to, rest, None, inferred=note))
    # A 60-day or direct move from a traditional IRA into a Roth IRA is a conversion (rules.md §7.4);
    # a "conversion" out of a plan is a direct rollover to a Roth IRA (i1099r code G).
    for leg in legs:
        if leg.kind == UseKind.conversion:
            leg.to = leg.to or Account.roth_ira
            if src in (Account.plan, Account.designated_roth):
                leg.kind = UseKind.direct_rollover
                leg.inferred = "a conversion from a plan is a direct rollover to a Roth IRA"
        if src in IRA_SOURCES and leg.is_rollover and leg.to == Account.roth_ira:
            leg.inferred = (leg.inferred + "; " if leg.inferred else "") + "IRA to Roth IRA is a conversion"
            leg.kind = UseKind.conversion if leg.kind == UseKind.direct_rollover else leg.kind
    return src, why, legs
