"""Rollovers: the engine's decisions (events) as findings, the 20% withholding, and Notice 2014-54
(rules.md §5.3, §6). The engine decides whether a rollover counts; this module only reports."""
from __future__ import annotations

from decimal import Decimal

from taxdocs.checks.catalogue import make, money
from taxdocs.checks.context import Ctx, account_words
from taxdocs.checks.finding import Finding
from datetime import date

from taxdocs.core.dates import add_months, days_between, plus_days
from taxdocs.core.money import ZERO, total
from taxdocs.model.scenario import Account, UseKind
from taxdocs.rules.facts import roth_destination_assumed
from taxdocs.rules.legs import valid_legs
from taxdocs.rules.rollovers import in_rmd_years

# Where in the scenario each event points (the tail after forms_1099r[i].uses[k]).
EVENT_FIELD = {
    "ROLLOVER_60_DAY_LATE": "date", "ROLLOVER_SELF_CERTIFIED": "waiver", "SELF_CERT_INCOMPLETE": "waiver",
    "SELF_CERT_30_DAY": "waiver.reason_ended", "ROLLOVER_AUTOMATIC_WAIVER": "waiver",
    "ROLLOVER_PLR_WAIVER": "waiver.reference", "ROLLOVER_POSTPONED_DEADLINE": "waiver.deadline",
}
# Box 7 codes and facts that make a plan payment not an eligible rollover distribution (rules.md §6.3),
# or that fall outside the mandatory 20% (code 4 beneficiaries, code M offsets: no cash to withhold from).
# no mandatory 20%: not eligible rollover distributions, and G/H (a direct rollover: IRC §3405(c)(2))
NO_MANDATORY_20 = {"L", "U", "9", "8", "P", "E", "4", "A", "B", "D", "F", "5", "6", "W", "G", "H"}


def events(ctx: Ctx) -> list[Finding]:
    out = []
    for ev in ctx.res.events:
        info, leg = ctx.leg_of(ev.leg)
        form_id = info.form_id if info else ev.leg.rpartition(":")[0]
        who = info.person if info else "taxpayer"
        d = dict(ev.detail)
        data = {**d, "form": form_id, "who": ctx.who_words(who), "year": ctx.year,
                "early": ctx.early_note(info) if not ev.accepted else "",
                "waiver": f" (the waiver given does not extend it: {d['waiver']})" if d.get("waiver") else ""}
        data.setdefault("amount", leg.amount if leg is not None else ZERO)
        if ev.code == "SELF_CERT_INCOMPLETE":
            w = leg.use.waiver if leg is not None and leg.use is not None else None
            lacking = [t for t, v in (("the reason number", getattr(w, "reason", None)),
                                      ("the date the reason ended", getattr(w, "reason_ended", None))) if v is None]
            data["lacking"] = " or ".join(lacking) or "its details"
        if ev.code == "SELF_CERT_30_DAY":
            days = ctx.gp.periods.self_cert_after_reason_days.value
            data["after"] = days_between(d["reason_ended"], d["deposited"])
            data["safe_harbor"] = plus_days(d["reason_ended"], days)
        if ev.code in ("QCD_NOT_FROM_IRA", "QCD_FROM_SEP_SIMPLE", "HFD_NOT_FROM_IRA"):
            data["source"] = account_words(d.get("source"))
        if ev.code == "QCD_REDUCED_BY_DEDUCTIONS":
            rest = d["amount"] - d["reduced"]
            data["rest"] = f"; the other {money(rest)} stays a QCD" if rest > 0 else "; none of it stays a QCD"
        if ev.code == "QCD_UNDER_AGE" and d.get("reaches") is None:
            data["reaches"] = "a date that cannot be told (no birth date)"
        tail = EVENT_FIELD.get(ev.code, "")
        field = ctx.leg_path(ev.leg, tail) if leg is not None and leg.index >= 0 else ctx.leg_path(ev.leg)
        out.append(make(ev.code, form_id, field, **data))
    return out


def withholding(ctx: Ctx) -> list[Finding]:
    out = []
    rate = ctx.gp.rates.mandatory_withholding.value
    for info in ctx.res.forms.values():
        if info.source != Account.plan:
            continue
        f = info.legs[0].form
        who = ctx.who_words(info.person)
        rolled = [l for l in info.legs if l.kind == UseKind.indirect_rollover and l.valid]
        cash = [l for l in info.legs if l.kind == UseKind.cash]
        shortfall = total(l.taxable for l in cash)
        if f.box4 > 0 and rolled and shortfall > 0:
            equals = (": it is the tax withheld, which was not made up from other money"
                      if shortfall == f.box4 else "")
            # what a rollover needed to leave nothing taxable: the pre-tax part; beyond the cash received, other money
            pretax, received = total(l.pretax for l in info.legs), f.box1 - f.box4
            other = pretax - received
            needed = (f"A rollover of all {money(pretax)} of pre-tax money needed {money(other)} of it made up from "
                      "other money (the tax withheld) within the 60 days" if other > 0 else
                      f"Rolling over the {money(pretax)} of pre-tax money, out of the {money(received)} received, within "
                      "the 60 days would have left nothing taxable (the after-tax part need not be rolled)")
            out.append(make("WITHHOLDING_SHORTFALL", f.id, ctx.leg_path(rolled[0].ref, "amount"), form=f.id, who=who,
                            box1=f.box1, box4=f.box4, rolled=total(l.amount for l in rolled), shortfall=shortfall,
                            equals=equals, early=ctx.early_note(info, shortfall), needed=needed))
        # mandatory 20% (IRC §3405(c)): eligible rollover distributions paid to the participant
        not_eligible = _not_eligible(ctx, f)
        if (set(f.box7) & NO_MANDATORY_20 or f.hardship or f.sepp or f.corrective
                or (f.rmd_year and f.rmd_amount is None) or f.annuity is not None or f.nonspouse_beneficiary
                or f.box1 < 200 or not_eligible is None or _maybe_not_eligible(ctx, info, rolled)):
            continue
        paid_out = [l for l in info.legs if l.kind in (UseKind.cash, UseKind.indirect_rollover)]
        base = total(l.pretax - l.nua for l in paid_out)  # not employer securities' NUA (IRC §3405(e)(8))
        # the RMD paid first, and amounts claimed as 19, 22 or 23, are not eligible rollover distributions
        base = max(base - (f.rmd_amount or ZERO) - not_eligible, ZERO)
        required = (base * rate).quantize(Decimal("0.01"))
        cap = ""
        # withheld only from the cash and property paid, not a plan loan offset (Reg. §1.402(c)-2 Q&A-9; §31.3405(c)-1
        # Q&A-11); code M (a qualified offset) without the amount given: all of box 1 taken as the offset
        offset = f.loan_offset if f.loan_offset is not None else (f.box1 if "M" in f.box7 else ZERO)
        if offset:
            cash_paid = max(total(l.amount for l in paid_out) - offset, ZERO)
            if cash_paid < required:
                cap = (f", but {money(offset)} of box 1 is a plan loan offset, so at most the cash paid "
                       f"({money(cash_paid)}) can be withheld")
                required = cash_paid
        if f.box6:  # employer securities paid: withholding comes only from the cash and other property (IRC §3405(e)(8))
            cap += (", but no more than the cash and property other than employer securities paid (IRC §3405(e)(8); "
                    "box 6 shows employer securities, whose value is not on the form)")
        if base > 0 and f.box4 + 1 < required:
            out.append(make("WITHHOLDING_NOT_20_PERCENT", f.id, ctx.fpath(f.id, "box4"), form=f.id, who=who,
                            base=base, required=(base * rate).quantize(Decimal("0.01")), box4=f.box4, cap=cap))
    return out


def _maybe_not_eligible(ctx: Ctx, info, rolled: list) -> bool:
    """A normal distribution (code 7) that may not be an eligible rollover distribution at all, so the 20% cannot
    be asked for (IRC §402(c)(4)(A), (B)): one of a series of periodic payments (a monthly pension: not a total
    distribution and nothing rolled over), or paid in a year an RMD is due when the RMD part is not given."""
    f = info.legs[0].form
    if "7" not in f.box7:
        return False
    if not f.box2b_total_distribution and not rolled:
        return True
    birth = ctx.sc.person(info.person).birth_date
    return (f.rmd_amount is None and birth is not None
            and in_rmd_years(birth, ctx.gp.rmd.applicable_age_for(birth), ctx.year))


def _not_eligible(ctx: Ctx, f) -> Decimal | None:
    """How much is claimed as distributions that are not eligible rollover distributions: birth or adoption,
    domestic abuse or emergency personal expense (IRC §72(t)(2)(H)(vi); Notice 2024-55; Form W-4R).
    None: such a claim with no amount, so all of it."""
    known = ctx.gp.exception_numbers.for_year(ctx.year)
    claims = [ex for ex in f.exceptions if getattr(known.get(ex.number), "not_rollover_eligible", False)]
    if any(ex.amount is None for ex in claims):
        return None
    return total(ex.amount for ex in claims)


def notice_2014_54(ctx: Ctx) -> list[Finding]:
    out = []
    for grp in ctx.res.groups:
        rolled = [l for l in grp.legs if (l.is_rollover and l.valid) or l.kind == UseKind.in_plan_roth_rollover]
        chosen = [l for l in rolled if l.use is not None and l.use.pretax is not None]
        problems = []
        problems += [n.rstrip(".") + "." for n in grp.notes]
        legs_after = total(l.aftertax for l in grp.legs)
        if legs_after > grp.aftertax:
            problems.append(f"the parts treated as after-tax add up to {money(legs_after)}, more than the "
                            f"{money(grp.aftertax)} of after-tax money in the distribution ({grp.aftertax_source}).")
        wrong = [l for l in chosen if l.pretax != l.use.pretax]
        for l in wrong:
            if l.pretax < l.use.pretax:  # (more than the choice: the group's note above says what it takes)
                problems.append(f"the use {l.ref} chose {money(l.use.pretax)} of pre-tax money, but only "
                                f"{money(l.pretax)} could be given to it.")
        rolled_total = total(l.amount for l in rolled)
        rolled_pretax = total(l.pretax for l in rolled)
        need = min(grp.pretax, rolled_total)
        if rolled and rolled_pretax < need:
            by = f" because of the `pretax` choice on {', '.join(l.ref for l in chosen)}" if chosen else ""
            roth = [l for l in rolled if l.to in (Account.roth_ira, Account.designated_roth)]
            then = ""
            if roth:
                then = (f" With pre-tax first, the {money(total(l.amount for l in roth))} sent to "
                        f"{account_words(roth[0].to)} carries more pre-tax money and is a taxable conversion; "
                        "the cash paid out carries the after-tax money.")
            problems.append(f"the rollovers ({', '.join(l.ref for l in rolled)}, {money(rolled_total)}) were given "
                            f"only {money(rolled_pretax)} of the pre-tax money{by}, leaving "
                            f"{money(need - rolled_pretax)} too much pre-tax money in the amount paid out. Rollovers "
                            f"take the pre-tax money first (IRC §402(c)(2)): they must hold {money(need)}.{then}")
        if not problems:
            continue
        first = (wrong or chosen or rolled or grp.legs)[0]  # the choice that cannot stand, where there is one
        field = ctx.leg_path(first.ref, "pretax") if first in chosen else ctx.leg_path(first.ref)
        forms = ", ".join(dict.fromkeys(l.form.id for l in grp.legs))
        out.append(make("NOTICE_2014_54", first.form.id, field, forms=forms, gross=grp.gross, pretax=grp.pretax,
                        aftertax=grp.aftertax, problem=" ".join(problems)))
    return out


def roth_destination(ctx: Ctx) -> list[Finding]:
    """Code G with a taxable amount: a Roth IRA or an in-plan Roth rollover; the Roth IRA basis depends on which."""
    out = []
    for info in ctx.res.forms.values():
        guessed = [l for l in info.legs if info.source == Account.plan and roth_destination_assumed(l)]
        if guessed:
            f = info.legs[0].form
            out.append(make("ROTH_DESTINATION_ASSUMED", f.id, ctx.fpath(f.id, "uses"), form=f.id,
                            amount=total(l.amount for l in guessed), taxable=total(l.taxable for l in guessed)))
    return out


def hfd_testing_period(ctx: Ctx) -> list[Finding]:
    """A qualified HSA funding distribution stays excluded only if the person stays HSA-eligible from the month of
    the transfer through the 12th month after it (IRC §408(d)(9)(D)): say until when, on each one that counts."""
    out = []
    for who, _ in ctx.sc.people():
        for leg in valid_legs(ctx.res.forms, who, UseKind.hfd):
            info = ctx.res.forms[leg.form.id]
            moved = (leg.use.date if leg.use is not None and leg.use.date else None) or info.paid
            end = plus_days(add_months(date(moved.year, moved.month, 1), 13), -1)
            out.append(make("HFD_TESTING_PERIOD", info.form_id, ctx.leg_path(leg.ref), form=info.form_id,
                            amount=leg.amount, who=ctx.who_words(info.person), end=end))
    return out


def direct_rollover_withheld(ctx: Ctx) -> list[Finding]:
    """Tax is not withheld from a direct rollover (IRC §3405(c)(2); i1099r box 4): what was withheld was paid out, so
    it cannot also have gone to the receiving plan or IRA."""
    out = []
    for info in ctx.res.forms.values():
        f = info.legs[0].form
        direct = [l for l in info.legs if l.kind == UseKind.direct_rollover]
        rolled = total(l.amount for l in direct)
        if not direct or f.box4 <= 0 or rolled + f.box4 <= f.box1:
            continue
        could = max(f.box1 - f.box4, ZERO)
        out.append(make("DIRECT_ROLLOVER_WITHHELD", f.id, ctx.fpath(f.id, "box4"), form=f.id, box1=f.box1,
                        box4=f.box4, rolled=rolled, could=could, who=ctx.who_words(info.person)))
    return out


def check(ctx: Ctx) -> list[Finding]:
    return (events(ctx) + withholding(ctx) + direct_rollover_withheld(ctx) + notice_2014_54(ctx)
            + roth_destination(ctx) + hfd_testing_period(ctx))
