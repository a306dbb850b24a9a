"""Roth IRAs: the five-year status, basis, earnings, conversion recapture, and recharacterized
conversions (rules.md §7)."""
from __future__ import annotations

from taxdocs.checks.catalogue import make, money
from taxdocs.checks.context import Ctx, account_words, ira_source
from taxdocs.checks.finding import Finding
from taxdocs.core.money import total
from taxdocs.model.scenario import Account, UseKind
from taxdocs.rules.facts import is_conversion

ROTH_SOURCES = (Account.roth_ira, Account.inherited_roth_ira)


def five_year(ctx: Ctx) -> list[Finding]:
    out = []
    for info in ctx.res.forms.values():
        if info.qualified is not None:
            continue
        f = info.legs[0].form
        kept = total(l.amount for l in info.legs if l.kept)
        if info.source == Account.roth_ira and kept > 0 and _within_contributions(ctx, info.person):
            # the contributions come out first, tax- and penalty-free (IRC §408A(d)(4)(B)): the status changes no tax
            out.append(make("ROTH_5YR_NO_EFFECT", f.id, f"{info.person}.roth.first_contribution_year", form=f.id,
                            amount=kept, paid=info.paid, codes="".join(f.box7),
                            basis=ctx.zline(f"f8606.{info.person}.line22")))
        elif info.source in ROTH_SOURCES and kept > 0:
            fact = f"`{info.person}.roth.first_contribution_year`"
            out.append(make("ROTH_5YR_UNKNOWN", f.id, f"{info.person}.roth.first_contribution_year", form=f.id,
                            amount=kept, account=account_words(info.source),
                            paid=info.paid, codes="".join(f.box7),
                            missing="the first year of any Roth IRA contribution or conversion", fact=fact))
        elif info.source == Account.designated_roth and kept > 0:
            out.append(make("ROTH_5YR_UNKNOWN", f.id, ctx.fpath(f.id, "box11"), form=f.id, amount=kept,
                            account="a designated Roth account", paid=info.paid, codes="".join(f.box7),
                            missing="box 11, the first year of designated Roth contributions,",
                            fact="box 11 of the Form 1099-R (`box11`)"))
    return out


def _within_contributions(ctx: Ctx, who: str) -> bool:
    """This year's Roth IRA distributions, taken as nonqualified, come wholly out of a contribution basis that was
    given (Form 8606 line 23 is 0): nothing taxable, nothing from conversions, whatever the 5-year status."""
    f = f"f8606.{who}"
    return (bool(ctx.line(f"{f}.part3")) and ctx.zline(f"{f}.line23") == 0
            and ctx.status(f"{who}.roth.contribution_basis") == "complete")


def first_year(ctx: Ctx) -> list[Finding]:
    """A first Roth IRA year given later than a conversion on record: the conversion started the clock."""
    out = []
    for who, person in ctx.sc.people():
        given = person.roth.first_contribution_year
        earliest = min((c.year for c in person.roth.conversions), default=None)
        if given is not None and earliest is not None and earliest < given:
            out.append(make("ROTH_FIRST_YEAR_AFTER_CONVERSION", who, f"{who}.roth.first_contribution_year",
                            who=ctx.who_words(who), given=given, earliest=earliest))
    return out


def layer_of_this_year(ctx: Ctx) -> list[Finding]:
    """An earlier years' conversion layer of the tax year itself: last year's conversion that reached the Roth IRA in
    January (its period counts from then), or this year's own conversion given twice."""
    out = []
    for who, person in ctx.sc.people():
        for k, c in enumerate(person.roth.conversions):
            if c.year == ctx.year:
                out.append(make("ROTH_LAYER_OF_THIS_YEAR", who, f"{who}.roth.conversions[{k}].year",
                                who=who, year=c.year, amount=c.amount, last=c.year - 1))
    return out


def inherited_roth_form(ctx: Ctx) -> list[Finding]:
    """A nonqualified distribution from an inherited Roth IRA goes on a Form 8606 of its own, one per decedent
    (rules.md §4.1 item 5): say that it is there, and what its lines 22 and 24 rest on."""
    out = []
    for form in ctx.res.inherited:
        if not form.roth:
            continue
        k, g = form.key, ctx.res.graph
        shown = g.status(f"{k}.roth.nonqualified") == "complete"  # the decedent's first Roth year given
        out.append(make("INHERITED_ROTH_8606", form.forms[0], f"{form.who}.roth", who=form.who, decedent=form.decedent,
                        forms=", ".join(form.forms), amount=ctx.zline(f"f8606.{k}.line19"),
                        basis=ctx.zline(f"{k}.roth.contribution_basis") + ctx.zline(f"{k}.roth.conversion_basis_prior"),
                        taxable=ctx.zline(f"f8606.{k}.line25c"), file=f"f8606-{form.slug}.pdf",
                        met="are not met" if shown else "are not shown to be met"))
    return out


def irr_history(ctx: Ctx) -> list[Finding]:
    """roth.in_plan_rollovers is accepted but not used: a plan reports what is allocable to an in-plan Roth rollover
    within 5 years in box 10 (i1099r), and that is what Form 5329 takes."""
    return [make("IRR_HISTORY_NOT_USED", who, f"{who}.roth.in_plan_rollovers", who=ctx.who_words(who),
                 n=len(person.roth.in_plan_rollovers))
            for who, person in ctx.sc.people() if person.roth.in_plan_rollovers]


def part3(ctx: Ctx) -> list[Finding]:
    out = []
    for who, person in ctx.sc.people():
        f = f"f8606.{who}"
        if not ctx.line(f"{f}.part3"):
            continue
        l19 = ctx.zline(f"{f}.line19")
        if person.roth.contribution_basis is None and l19 > 0:
            out.append(make("ROTH_BASIS_MISSING", who, f"{who}.roth.contribution_basis", who=who, amount=l19,
                            year=ctx.year))
        l25c = ctx.zline(f"{f}.line25c")
        items = ctx.line(f"f5329.{who}.items") or []
        if l25c > 0:
            roth_item = next((i for i in items if i.kind == "roth"), None)
            early = ""
            if roth_item is not None and roth_item.amount - roth_item.excepted > 0:
                taxed = roth_item.amount - roth_item.excepted
                early = (f"; {money(taxed)} of it was paid before 59½, so the 10% additional tax of "
                         f"{money((taxed * ctx.gp.rates.early_distribution.value).quantize(1))} applies (Form 5329)")
            out.append(make("ROTH_NONQUALIFIED_EARNINGS", who, f"{who}.roth", who=who, line19=l19,
                            line22=ctx.zline(f"{f}.line22"), line24=ctx.zline(f"{f}.line24"), line25c=l25c,
                            early=early))
        rec = next((i for i in items if i.kind == "recapture"), None)
        if rec is not None and rec.amount - rec.excepted > 0:
            order = ctx.line(f"{f}.roth_ordering")
            window = ctx.gp.periods.roth_conversion_years.value
            layers = ", ".join(f"{money(s.taxable_part)} from {s.year}, whose period runs through {s.year + window - 1}"
                               for s in (order.slices if order else []) if s.window_open and s.taxable_part > 0)
            amount = rec.amount - rec.excepted
            tax = (amount * ctx.gp.rates.early_distribution.value).quantize(1)
            out.append(make("ROTH_CONVERSION_RECAPTURE", who, f"{who}.roth.conversions", who=who,
                            who_cap=f"The {who}", amount=amount,
                            layers=layers or "this year's layers", tax=tax))
    return out


def recharacterized_conversion(ctx: Ctx) -> list[Finding]:
    """Post-2017: a conversion cannot be recharacterized (TCJA §13611; rules.md §7.6)."""
    if ctx.year < 2018:
        return []
    out = []
    for info in ctx.res.forms.values():
        rechar = [l for l in info.legs if l.kind == UseKind.recharacterization]
        if not rechar:
            continue
        what = None
        f = info.legs[0].form
        # Codes N/R never carry the IRA box (Pub. 1220), so a form without a stated source is from an IRA
        from_roth = info.source == Account.roth_ira or (f.source is None and bool(set(f.box7) & {"N", "R"}))
        if ira_source(info.source) and any(is_conversion(l, info.source) for l in info.legs):
            what = "part of a conversion reported on the same Form 1099-R"
        elif from_roth and any(l.to is not None and ira_source(l.to) for l in rechar):
            person = ctx.person(info.person)
            converted = ctx.zline(f"{info.person}.ira.converted")
            # only a conversion made by the recharacterization's date can be what was recharacterized: one made
            # after it (a recharacterized Roth contribution then converted, the backdoor way) is not
            earlier = any(i.person == info.person and i.paid <= info.paid and any(is_conversion(l, i.source) for l in i.legs)
                          for i in ctx.res.forms.values())
            if converted > 0 and earlier and person.roth.contributions_this_year == 0:
                what = (f"a conversion: the only money put into a Roth IRA for {ctx.year} was "
                        f"{money(converted)} converted, with no regular Roth contribution to recharacterize")
        if what is None:
            continue
        for l in rechar:
            out.append(make("RECHARACTERIZED_CONVERSION", info.form_id, ctx.leg_path(l.ref, "kind"), form=info.form_id,
                            amount=l.amount, what=what, year=ctx.year))
    return out


def conversion_kept_early(ctx: Ctx) -> list[Finding]:
    """Code 2 on a conversion covers what was converted; the part kept (usually the tax withheld) is an
    early distribution (Reg. §1.408A-4 A-7(b); rules.md §7.4)."""
    out = []
    for info in ctx.res.forms.values():
        f = info.legs[0].form
        if (not info.early or "2" not in f.box7 or f.exceptions
                or not any(is_conversion(l, info.source) for l in info.legs)):
            continue
        kept = total(l.amount for l in info.legs if l.kept)
        if kept > 0:
            converted = total(l.amount for l in info.legs if is_conversion(l, info.source))
            out.append(make("CONVERSION_KEPT_EARLY", f.id, ctx.fpath(f.id, "uses"), form=f.id, converted=converted,
                            kept=kept, box4=f.box4, tax=(kept * ctx.gp.rates.early_distribution.value).quantize(1)))
    return out


def check(ctx: Ctx) -> list[Finding]:
    return five_year(ctx) + first_year(ctx) + layer_of_this_year(ctx) + irr_history(ctx) + inherited_roth_form(ctx) + part3(ctx) + recharacterized_conversion(ctx) + conversion_kept_early(ctx)
