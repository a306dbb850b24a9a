"""Traditional IRA basis and Form 8606 Part I/II: missing or broken basis, line 6, outstanding
rollovers, a required 8606 not filed, and the backdoor Roth spoiled by pro rata (rules.md §4, §5.1)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from taxdocs.checks.catalogue import make, money
from taxdocs.checks.context import Ctx, ira_source
from taxdocs.checks.finding import Finding
from taxdocs.core.money import ZERO, total
from taxdocs.rules.facts import inherited_key, is_conversion, plan_to_inherited
from taxdocs.rules.legs import IRA_SOURCES, inherited_link
from taxdocs.model.scenario import Account, UseKind


@dataclass
class PriorYear:
    """Last year's Form 8606 line 14 for one person, from a filed PDF or the ledger."""
    line14: Decimal
    year: Optional[int] = None
    source: str = ""


def _ira_out(ctx: Ctx, who: str) -> tuple[list[str], Decimal, list]:
    """Forms and amounts that left traditional/SEP/SIMPLE IRAs and meet basis this year:
    money kept (or treated as kept) and conversions. Rollovers do not."""
    ids, amount, legs = [], ZERO, []
    for info in ctx.res.forms.values():
        if info.person != who or not ira_source(info.source):
            continue
        mine = [l for l in info.legs if l.kept or is_conversion(l, info.source)
                or (l.kind == UseKind.qcd and not l.valid)]
        f = info.legs[0].form
        if mine or (f.box2b_not_determined and f.box7_ira_sep_simple and any(not l.is_rollover for l in info.legs)):
            ids.append(info.form_id)
            amount += total(l.amount for l in mine)
            legs += mine
    return ids, amount, legs


def basis(ctx: Ctx, prior: dict[str, PriorYear] | None = None) -> list[Finding]:
    out = []
    for who, person in ctx.sc.people():
        ira = person.ira
        ids, amount, _ = _ira_out(ctx, who)
        field = f"{who}.ira.prior_basis"
        if ids and ira.prior_basis is None:
            why = None
            if ira.ever_nondeductible:
                why = "the facts say nondeductible contributions or after-tax rollovers were made in some year"
            elif ira.last_8606_year is not None:
                why = f"a Form 8606 was last filed for {ira.last_8606_year}"
            if why:
                out.append(make("BASIS_MISSING", who, field, who=who, forms=", ".join(ids), amount=amount,
                                year=ctx.year, why=why))
            elif ira.ever_nondeductible is None and amount > 0:  # (a QCD alone pays nothing basis could shelter)
                out.append(make("BASIS_ASSUMED_ZERO", who, field, who=who, forms=", ".join(ids), amount=amount))
        p = (prior or {}).get(who)
        if p is not None:
            given = ira.prior_basis
            if (given if given is not None else ZERO) != p.line14 or (given is None and p.line14 > 0):
                out.append(make("BASIS_CHAIN", who, field, who=who, given=given, line14=p.line14,
                                prior_year=p.year or ctx.year - 1, source=p.source or "as supplied",
                                difference=abs((given or ZERO) - p.line14)))
    return out


def _line6_matters(ctx: Ctx, who: str) -> bool:
    f = f"f8606.{who}"
    if ctx.line(f"{f}.part1_full") or ctx.line(f"ws11.{who}.applies"):
        return True
    converted = ctx.zline(f"{who}.ira.converted")
    if converted > 0 and ctx.zline(f"{f}.basis_before") > 0:
        return True  # total conversion or not: decided by the year-end value
    person = ctx.person(who)
    ids, _, _ = _ira_out(ctx, who)
    return bool(ids) and person.ira.prior_basis is None and bool(person.ira.ever_nondeductible)


def line6(ctx: Ctx) -> list[Finding]:
    out = []
    for who, person in ctx.sc.people():
        ira = person.ira
        matters = _line6_matters(ctx, who)
        accounts = ira.year_end_accounts
        if matters and ctx.status(f"{who}.ira.year_end_value") == "missing":
            amount = ctx.zline(f"{who}.ira.distributions") + ctx.zline(f"{who}.ira.converted")
            unvalued = [a.name for a in accounts if a.value is None]
            if unvalued:
                out.append(make("LINE6_INCOMPLETE", who, f"{who}.ira.year_end_accounts", who=who, year=ctx.year,
                                accounts=", ".join(unvalued), missing_count=len(unvalued), count=len(accounts)))
            else:
                out.append(make("LINE6_MISSING", who, f"{who}.ira.year_end_value", who=who, year=ctx.year,
                                amount=amount))
        if ira.year_end_value is not None and accounts and all(a.value is not None for a in accounts):
            listed = total(a.value for a in accounts)
            if listed != ira.year_end_value:
                out.append(make("LINE6_ACCOUNTS_DISAGREE", who, f"{who}.ira.year_end_value", who=who,
                                given=ira.year_end_value, listed=listed))
        if matters:
            out += _outstanding(ctx, who)
    return out


def _outstanding(ctx: Ctx, who: str) -> list[Finding]:
    out, legs = [], []
    for info in ctx.res.forms.values():
        if info.person != who or not ira_source(info.source):
            continue
        for l in info.legs:
            if l.is_rollover and l.valid and l.to in IRA_SOURCES and l.deposited and l.deposited.year > ctx.year:
                legs.append((info, l))
    given = ctx.person(who).ira.outstanding_rollovers
    derived = total(l.amount for _, l in legs)
    if given is not None and given != derived:
        forms = (" (" + ", ".join(f"{l.ref} {money(l.amount)}" for _, l in legs) + ")") if legs else ""
        return [make("OUTSTANDING_ROLLOVER_DIFFERS", who, f"{who}.ira.outstanding_rollovers", who=who, given=given,
                     derived=derived, year=ctx.year, next_year=ctx.year + 1, forms=forms)]
    for info, l in legs:
        out.append(make("OUTSTANDING_ROLLOVER", info.form_id, ctx.leg_path(l.ref, "date"), form=info.form_id,
                        amount=l.amount, paid=info.paid, deposited=l.deposited, year=ctx.year,
                        next_year=ctx.year + 1))
    return out


def form_8606_filed(ctx: Ctx) -> list[Finding]:
    out = []
    for who, person in ctx.sc.people():
        if person.ira.form_8606_filed is not False or not ctx.line(f"f8606.{who}.required"):
            continue
        out.append(make("FORM_8606_NOT_FILED", who, f"{who}.ira.form_8606_filed", who=who, year=ctx.year,
                        **why_8606(ctx, who)))
    return out


def why_8606(ctx: Ctx, who: str) -> dict:
    """Why a person's Form 8606 is required (its parts) and what is lost without it, as finding data."""
    reasons = []
    f = f"f8606.{who}"
    if ctx.line(f"{f}.part1"):
        reasons.append("Part I: nondeductible contributions, or distributions while there is basis")
    if ctx.line(f"{f}.part2"):
        reasons.append(f"Part II: {money(ctx.zline(f + '.line16'))} converted to a Roth IRA")
    if ctx.line(f"{f}.part3"):
        reasons.append(f"Part III: {money(ctx.zline(f + '.line19'))} of nonqualified Roth IRA distributions")
    # what is lost without it: the record of nondeductible contributions (penalty IRC §6693(b)), and the basis
    # claimed this year (line 13 or 17: distributions taxed in full, i1040 lines 4a-4b)
    lost = []
    if ctx.zline(f"{f}.line1") > 0:
        lost.append("the nondeductible contributions are not on record (they count as deductible, and the $50 "
                    "penalty applies unless there is reasonable cause)")
    # line 13 holds line 11 (= line 17) when Part I is completed; without Part I, line 17 alone
    claimed = ctx.zline(f"{f}.line13") or ctx.zline(f"{f}.line17")
    if claimed > 0:
        lost.append(f"the {money(claimed)} of basis recovered this year is not claimed, so that much "
                    "of the distributions or conversions is taxed though it should not be")
    if ctx.line(f"{f}.part3"):  # i8606 lines 19-25c: without Part III the Roth distribution is not shown as basis
        covered = ctx.zline(f"{f}.line19") - ctx.zline(f"{f}.line25c")
        if covered > 0:
            lost.append(f"the {money(covered)} of the Roth IRA distributions that Roth basis covers is not shown as "
                        "such, and the IRS may tax it")
    if ctx.line(f"{f}.part2"):  # Part II: the conversion is what later years' line 24 counts as basis
        lost.append("the conversion is not on record as Roth IRA basis for later years (Form 8606 line 24)")
    return {"reasons": "; ".join(reasons), "lost": "; ".join(lost) or "the basis is not on record for later years"}


# BACKDOOR_PRO_RATA is raised when the year-end money made at least this share of the conversion taxable (taxdocs'
# threshold, not a rule of law: below it, the leftover earnings of the conversion itself)
SPOILED_SHARE = Decimal("0.01")


def backdoor(ctx: Ctx) -> list[Finding]:
    """A conversion meant to carry only basis, with pre-tax IRA money at year end (EX-08; rules.md §5.1)."""
    out = []
    for who, person in ctx.sc.people():
        f = f"f8606.{who}"
        if not ctx.line(f"{f}.part2") or ctx.status(f"{who}.ira.year_end_value") != "complete":
            continue
        line18 = ctx.zline(f"{f}.line18")
        line6 = ctx.line(f"{f}.line6")
        if line6 is None and ctx.line(f"ws11.{who}.applies"):
            line6 = ctx.line(f"ws11.{who}.line4")
        if line18 <= 0 or not line6:
            continue
        # what the year-end money made taxable: line 18 less the conversion's own excess over the basis (taxable
        # with no money left at Dec 31). A few dollars of earnings left behind move a few dollars: not "spoiled"
        basis, converted = ctx.line(f"{f}.line5"), ctx.zline(f"{f}.line16")
        own = max(converted - basis, ZERO) if basis is not None else ZERO
        if line18 - own < converted * SPOILED_SHARE:
            continue
        intent_legs = [(i, l) for i in ctx.res.forms.values() if i.person == who for l in i.legs
                       if is_conversion(l, i.source) and l.use is not None and l.use.basis_only_intent]
        nd = person.ira.nondeductible_contributions
        if intent_legs:
            intent = "meaning to convert only after-tax basis"
            field = ctx.leg_path(intent_legs[0][1].ref, "basis_only_intent")
        elif nd > 0:
            intent = f"in the same year as a nondeductible contribution of {money(nd)}"
            field = f"{who}.ira.year_end_value"
        else:
            continue
        ratio = ctx.line(f"{f}.line10")
        if ratio is None:
            ratio = ctx.line(f"ws11.{who}.line7")
        share = f"{(Decimal(ratio) * 100).normalize():f}%" if ratio is not None else "a part"
        out.append(make("BACKDOOR_PRO_RATA", who, field, who=who, converted=ctx.zline(f"{f}.line16"), intent=intent,
                        line6=Decimal(line6), year=ctx.year, next_year=ctx.year + 1, share=share,
                        line10=ratio if ratio is not None else "n/a", line17=ctx.zline(f"{f}.line17"),
                        line18=line18, line14=ctx.zline(f"{f}.basis_next_year")))
    return out


def inherited(ctx: Ctx) -> list[Finding]:
    """Inherited IRAs with basis: each decedent's own Form 8606 (rules.md §4.1, §5.1)."""
    out: list[Finding] = []
    for who, person in ctx.sc.people():
        listed = person.inherited_iras
        for info in ctx.res.forms.values():
            f = info.legs[0].form
            if info.person == who and info.source == Account.inherited_ira and listed \
                    and inherited_link(person, f, ctx.sc.forms_1099r) is None:
                out.append(make("INHERITED_IRA_UNLINKED", f.id, ctx.fpath(f.id, "decedent"), who=who, form=f.id,
                                amount=f.box1, listed=[e.decedent for e in listed]))
        for info, leg in plan_to_inherited(ctx.res, who):
            f = info.legs[0].form
            if inherited_link(person, f, ctx.sc.forms_1099r) is None:
                out.append(make("INHERITED_PLAN_BASIS_UNLINKED", f.id, ctx.fpath(f.id, "decedent"), who=who,
                                form=f.id, amount=leg.aftertax, listed=[e.decedent for e in listed] or "none"))
        for n, e in enumerate(listed, 1):
            k = inherited_key(who, n)
            if ctx.status(f"{k}.ira.year_end_value") == "missing":
                out.append(make("INHERITED_LINE6_MISSING", who, f"{who}.inherited_iras[{n - 1}].year_end_value",
                                who=who, decedent=e.decedent, year=ctx.year, index=n - 1,
                                amount=ctx.zline(f"{k}.ira.distributions")))
    return out


def excess_withdrawn(ctx: Ctx) -> list[Finding]:
    """An excess contribution of an earlier year withdrawn after its due date (IRC §408(d)(5)): the conditions that
    make it tax-free, the statement, and line 2 (i8606 "Return of Excess Traditional IRA Contributions")."""
    out = []
    for info in ctx.res.forms.values():
        amount = total(l.amount for l in info.legs if l.kind == UseKind.excess_withdrawn)
        if amount <= 0:
            continue
        basis = ctx.person(info.person).ira.prior_basis
        note = (f" The prior basis given ({money(basis)}) must not include it if it was reported as a nondeductible "
                "contribution on an earlier Form 8606: i8606 says not to take it into account on line 2."
                if basis else "")
        out.append(make("EXCESS_WITHDRAWN_AFTER_DUE_DATE", info.form_id, ctx.fpath(info.form_id, "uses"),
                        form=info.form_id, amount=amount, basis=note))
    return out


def check(ctx: Ctx, prior: dict[str, PriorYear] | None = None) -> list[Finding]:
    return basis(ctx, prior) + line6(ctx) + form_8606_filed(ctx) + backdoor(ctx) + inherited(ctx) + excess_withdrawn(ctx)
