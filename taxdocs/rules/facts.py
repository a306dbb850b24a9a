"""Per-person facts: scenario inputs and amounts derived from the legs, each with its source."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from taxdocs.core.dates import date_at_age
from taxdocs.core.lines import RANK, Named
from taxdocs.core.money import ONE, ZERO, dollars, total
from taxdocs.model.scenario import Account, Person, UseKind
from taxdocs.rules import roth
from taxdocs.rules.legs import IRA_SOURCES, inherited_link, payer_key, prior_year_form


def is_conversion(leg, src) -> bool:
    """Traditional/SEP/SIMPLE IRA money moved to a Roth IRA (rules.md §7.4)."""
    return src in IRA_SOURCES and leg.valid and (
        leg.kind == UseKind.conversion or (leg.is_rollover and leg.to == Account.roth_ira))


def plan_into_roth(leg, src) -> bool:
    """A plan's money rolled into a Roth IRA (a qualified rollover contribution, IRC §408A(e)(1))."""
    return src == Account.plan and leg.valid and leg.is_rollover and leg.to == Account.roth_ira


def deposit_year(leg, year: int) -> int:
    """The year the money reached the account it went to: the deposit date's, else the year paid."""
    return leg.deposited.year if leg.deposited is not None else year


def into_roth(leg, src) -> bool:
    """Money moved into a Roth IRA this year that makes a conversion layer: a conversion or a plan rollover."""
    return is_conversion(leg, src) or plan_into_roth(leg, src)


def drac_into_roth(leg, src) -> bool:
    """A designated Roth account rolled into a Roth IRA: contribution basis, not a layer (Reg. §1.408A-10 A-3)."""
    return src == Account.designated_roth and leg.is_rollover and leg.valid and leg.to == Account.roth_ira


_NAMED: dict[str, Named] = {}


def _named(head: str) -> Named:
    """One per person prefix, kept for the process: a person's fact keys and sources repeat in every return."""
    n = _NAMED.get(head)
    if n is None:
        n = _NAMED[head] = Named(head)
    return n


def declare(res, who: str, person: Person, gp, yp) -> None:
    g, y = res.graph, res.scenario.tax_year
    ira, rf = person.ira, person.roth
    pre = f"{who}"
    mine = [i for i in res.forms.values() if i.person == who]
    keys, src = _named(f"{who}."), _named(f"scenario: {who}.").__getitem__
    vals, described, ranks = g.vals, g.facts, g.ranks

    def fact(name, value, label, source, status="complete", note=None):  # Graph.fact, inlined (~30 a person)
        if value.__class__ is Decimal:
            value = value.quantize(ONE, ROUND_HALF_UP)  # whole dollars on every line (i8606 General Instructions)
        key = keys[name]
        vals[key] = value
        described[key] = (label, source, note)
        if status != "complete":
            ranks[key] = RANK[status]
        elif key in ranks:
            del ranks[key]

    def legs_where(pred):
        return [(i, l) for i in mine for l in i.legs if pred(i, l)]

    # --- traditional IRA (Form 8606 Part I/II) ---
    fact("ira.nondeductible_contributions", ira.nondeductible_contributions,
         "Nondeductible traditional IRA contributions for the year", src("ira.nondeductible_contributions"))
    fact("ira.after_year_end", ira.nondeductible_after_year_end,
         "Part of them made Jan 1 - due date of next year", src("ira.nondeductible_after_year_end"))
    fact("ira.deductible_contributions", ira.deductible_contributions,
         "Deductible traditional IRA contributions for the year", src("ira.deductible_contributions"))
    # filled by the ledger from a year where they rested on an assumption; facts the ledger filled (their source says so)
    assumed, ledger = person.ledger_marks()
    if ira.prior_basis is not None:
        fact("ira.prior_basis", ira.prior_basis, "Basis at end of last year (prior Form 8606 line 14)",
             ledger.get("ira.prior_basis") or src("ira.prior_basis"), *_assumed(assumed, "ira.prior_basis"))
    elif ira.ever_nondeductible:
        fact("ira.prior_basis", ZERO, "Basis at end of last year (prior Form 8606 line 14)", src("ira.prior_basis"),
             "provisional", "not given although the facts show nondeductible contributions: assumed 0 (finding BASIS_MISSING)")
    else:
        fact("ira.prior_basis", ZERO, "Basis at end of last year (prior Form 8606 line 14)", src("ira.prior_basis"),
             note="not given: taken as no basis")

    conv = legs_where(lambda i, l: is_conversion(l, i.source))
    ira_kept = legs_where(lambda i, l: i.source in IRA_SOURCES and l.kept)
    plan_at_in = aftertax_rolled_in(mine)
    fact("ira.plan_aftertax_rolled_in", total(l.aftertax for _, l in plan_at_in),
         "After-tax plan money rolled into a traditional IRA this year",
         "derived: " + (", ".join(f"{l.ref} after-tax {l.aftertax}" for _, l in plan_at_in) if plan_at_in else "none"))
    fact("ira.distributions", total(l.amount for _, l in ira_kept),
         "Traditional, SEP and SIMPLE IRA distributions not rolled over, converted or given (QCD)",
         "derived: " + (", ".join(f"{l.ref} {l.amount}" for _, l in ira_kept) if ira_kept else "none"))
    returned = legs_where(lambda i, l: l.kind == UseKind.returned_contribution and i.source in IRA_SOURCES | {
        Account.roth_ira} and not prior_year_form(l.form))  # code P: the earlier year's return
    fact("ira.returned_earnings", total(earnings_share(l) for _, l in returned),
         "Earnings on contributions returned by the due date (taxable; not on line 7)",
         "derived (i1040 Exception 2; i8606 line 7): " + (", ".join(f"{l.ref} box 2a share {earnings_share(l)}"
                                                                     for _, l in returned) if returned else "none"))
    fact("ira.early_distributions", total(l.amount for i, l in ira_kept if i.early and not payer_excepted(i)),
         "Of those, paid before 59½ with no exception shown in box 7", "derived: box 7 and birth date")
    fact("ira.converted", total(l.amount for _, l in conv), "Converted to Roth IRAs this year",
         "derived: " + (", ".join(f"{l.ref} {l.amount}" for _, l in conv) if conv else "none"))
    outstanding = outstanding_legs(mine, y)
    given_out = ira.outstanding_rollovers
    fact("ira.outstanding_rollovers", outstanding_rollovers(ira, mine, y),
         "Outstanding rollovers at year end", src("ira.outstanding_rollovers") if given_out is not None
         else "derived: " + (", ".join(f"{l.ref} deposited {l.deposited}" for _, l in outstanding) if outstanding else "none"))
    yev = year_end_value(ira)
    if yev is None:
        fact("ira.year_end_value", ZERO, "Value of all traditional, SEP and SIMPLE IRAs on Dec 31",
             src("ira.year_end_value"), "missing", "not given (finding LINE6_MISSING)")
    else:
        fact("ira.year_end_value", yev, "Value of all traditional, SEP and SIMPLE IRAs on Dec 31", src("ira.year_end_value"))
    fact("ira.repayments", ira.repayments_treated_as_rollovers, "Repayments treated as rollovers",
         src("ira.repayments_treated_as_rollovers"))
    fact("ira.contributions_before_conversion",
         ira.contributions_made_before_conversion if ira.contributions_made_before_conversion is not None
         else ira.nondeductible_contributions - ira.nondeductible_after_year_end,
         "Line 1 contributions made before the conversion", src("ira.contributions_made_before_conversion"))
    # --- QCDs offset by IRA deductions after 70½ (IRC §408(d)(8)(A) last sentence; engine._qcd_deduction_offset)
    offset = legs_where(lambda i, l: l.qcd_offset > 0)
    # the totals through last year filled from a year where they rested on an assumption (ledger): so does all this
    totals_assumed = next((assumed[k] for k in ("ira.deductions_after_70_half_prior", "ira.qcd_reductions_prior")
                           if k in assumed), None)
    fact("ira.qcd_offset", total(l.qcd_offset for _, l in offset),
         "QCDs not excluded: offset by IRA deductions allowed after 70½ (taxable, line 4b)",
         "derived (Pub. 590-B QCD Adjustment Worksheet): "
         + (", ".join(f"{l.ref} {l.qcd_offset}" for _, l in offset) if offset else "none"),
         *(("provisional", totals_assumed) if totals_assumed else ()))
    # next year's worksheet starts from the two totals through this year (IRC §408(d)(8)(A)): declared whenever
    # either is above 0, or may be (a deduction this year and no birth date to tell whether 70½ was reached)
    prior, used = ira.deductions_after_70_half_prior or ZERO, ira.qcd_reductions_prior or ZERO  # blank: 0
    qcd = bool(legs_where(lambda i, l: l.kind == UseKind.qcd and l.valid))
    reached = qcd or (person.birth_date is not None and date_at_age(
        person.birth_date, gp.ages.qcd.years, gp.ages.qcd.months) <= date(y, 12, 31))
    unknown = not qcd and person.birth_date is None and ira.deductible_contributions > 0
    next_deductions = prior + (ira.deductible_contributions if reached else ZERO)
    next_used = used + total(l.qcd_offset for _, l in offset)
    if next_deductions or next_used or unknown or totals_assumed:
        fact("ira.deductions_after_70_half_next_year", next_deductions,
             "IRA deductions allowed after 70½, through this year (next year's QCD offset)",
             "derived: ira.deductions_after_70_half_prior + this year's deduction once 70½ is reached by Dec 31",
             "provisional" if unknown or totals_assumed else "complete",
             "no birth date: this year's deduction left out" if unknown else totals_assumed)
        fact("ira.qcd_reductions_next_year", next_used,
             "QCD reductions through this year (next year's QCD offset)",
             "derived: ira.qcd_reductions_prior + this year's offset",
             *(("provisional", totals_assumed) if totals_assumed else ()))
    g.fact(f"{pre}.ira.use_worksheet_1_1", ira.use_worksheet_1_1, "Use Pub. 590-B Worksheet 1-1 (blank = automatic)",
           src("ira.use_worksheet_1_1"))

    # --- Roth IRA (Part III) ---
    roth_dist = legs_where(lambda i, l: i.source == Account.roth_ira and l.kept)
    nonq = [(i, l) for i, l in roth_dist if not i.qualified]
    fact("roth.distributions", total(l.amount for _, l in roth_dist), "Roth IRA distributions not rolled over",
         "derived: " + (", ".join(f"{l.ref} {l.amount}" for _, l in roth_dist) if roth_dist else "none"))
    status = "provisional" if any(i.qualified is None for i, _ in roth_dist) else "complete"
    fact("roth.nonqualified", total(l.amount for _, l in nonq), "Nonqualified Roth IRA distributions",
         "derived: " + (", ".join(f"{l.ref} {l.amount}" + (" (5-year status unknown)" if i.qualified is None else "")
                                  for i, l in nonq) if nonq else "none"), status)
    fact("roth.early_share_amount", total(l.amount for i, l in nonq if i.early and not payer_excepted(i)),
         "Nonqualified Roth IRA distributions before 59½", "derived: box 7 and birth date")
    fact("roth.homebuyer_expenses", rf.homebuyer_expenses, "Qualified first-time homebuyer expenses", src("roth.homebuyer_expenses"))
    fact("roth.prior_homebuyer", rf.prior_homebuyer, "Earlier homebuyer distributions",
         ledger.get("roth.prior_homebuyer") or src("roth.prior_homebuyer"))
    fact("roth.homebuyer_limit", gp.limits.first_time_homebuyer_lifetime.value, "Lifetime homebuyer limit",
         gp.limits.first_time_homebuyer_lifetime.source)
    fact("roth.qualified_years", gp.periods.roth_qualified_years.value, "Roth IRA 5-taxable-year period (years)",
         gp.periods.roth_qualified_years.source)
    if rf.contribution_basis is None:
        st = "provisional" if nonq else "complete"
        fact("roth.contribution_basis", ZERO, "Regular Roth IRA contribution basis before this year",
             src("roth.contribution_basis"), st, "not given: assumed 0")
    else:
        fact("roth.contribution_basis", rf.contribution_basis, "Regular Roth IRA contribution basis before this year",
             ledger.get("roth.contribution_basis") or src("roth.contribution_basis"),
             *_assumed(assumed, "roth.contribution_basis"))
    fact("roth.contributions_this_year", rf.contributions_this_year, "Regular Roth IRA contributions for the year",
         src("roth.contributions_this_year"))
    drac_in = legs_where(lambda i, l: drac_into_roth(l, i.source))
    drac_basis = total(l.amount if i.qualified else l.aftertax for i, l in drac_in)
    fact("roth.drac_basis_rolled_in", drac_basis, "Designated Roth rollovers treated as regular contributions",
         "derived (Reg. §1.408A-10 A-3): " + (", ".join(
             f"{l.ref} {'all ' + str(l.amount) + ' (qualified)' if i.qualified else 'basis ' + str(l.aftertax)}"
             for i, l in drac_in) if drac_in else "none"))
    layers = [roth.Layer(c.year, c.amount, c.taxable, c.distributed) for c in rf.conversions]
    fact("roth.conversion_basis_prior", total(l.left for l in layers), "Conversion and rollover basis from earlier years",
         src("roth.conversions") + f" ({len(layers)} layers)", *_assumed(assumed, "roth.conversions"))
    plan_roth = legs_where(lambda i, l: plan_into_roth(l, i.source))
    guessed = [l for _, l in plan_roth if roth_destination_assumed(l)]
    fact("roth.plan_rollovers", total(l.amount for _, l in plan_roth), "Plan rollovers to Roth IRAs this year",
         "derived: " + (", ".join(f"{l.ref} {l.amount} (taxable {l.taxable})" for _, l in plan_roth) if plan_roth else "none"),
         "provisional" if guessed else "complete",
         "code G with a taxable amount and no `uses`: taken as a rollover to a Roth IRA, but it may be an in-plan "
         "Roth rollover (i1099r code G)" if guessed else None)
    fact("roth.plan_rollovers_taxable", total(l.taxable for _, l in plan_roth), "Taxable part of those", "derived")
    first = rf.first_contribution_year
    opened = None
    if drac_in and not rf.conversions and rf.contribution_basis in (None, 0):
        # the year money first reached a Roth IRA: a regular contribution for this year, else the earliest deposit of
        # this year's rollovers and conversions (one paid in December may arrive in January: IRC §408A(d)(3)(F)(i)(II))
        opened = y if rf.contributions_this_year > 0 else min(deposit_year(l, y) for i in mine for l in i.legs
                                                              if into_roth(l, i.source) or drac_into_roth(l, i.source))
    eff = first if first is not None else opened
    note = "" if first is not None else (f"a designated Roth rollover opened the first Roth IRA: the clock starts in {eff}"
                                         " (Reg. §1.408A-10 A-4)" if eff else "")
    bounds = [l.year for l in layers] + ([rf.first_year_at_latest] if rf.first_year_at_latest is not None else [])
    earliest = roth.first_year_bound(first, bounds)
    if first is not None and earliest < first:  # finding ROTH_FIRST_YEAR_AFTER_CONVERSION
        eff = earliest
        note = (f"first_contribution_year {first} is after {earliest}, when money is on record as going into a Roth "
                f"IRA (a conversion or rollover is a Roth IRA contribution, Reg. §1.408A-6 Q&A-2): the period counts "
                f"from {earliest}")
    g.fact(f"{pre}.roth.first_year", eff, "First year of any Roth IRA contribution", src("roth.first_contribution_year"),
           "complete" if eff is not None or not roth_dist else "provisional", note or None)
    g.fact(f"{pre}.roth.layers", layers, "Conversion layers", src("roth.conversions"),
           *_assumed(assumed, "roth.conversions"))
    if eff is None and bounds:  # the latest the first Roth year can be (a conversion is a Roth contribution)
        g.fact(f"{pre}.roth.first_year_bound", roth.first_year_bound(None, bounds),
               "First Roth IRA year at the latest: the earliest conversion, rollover or year given as a bound",
               src("roth.conversions") + (", " + src("roth.first_year_at_latest") if rf.first_year_at_latest else ""))


def _assumed(assumed: dict, path: str) -> tuple:
    """(status, note) of a fact the ledger filled: provisional when the year it came from rested on an assumption."""
    why = assumed.get(path)
    return ("provisional", why) if why else ()


def plan_to_inherited(res, who: str) -> list[tuple]:
    """(form, leg) of a plan's after-tax money a beneficiary rolled directly into an inherited IRA."""
    return aftertax_rolled_in([i for i in res.forms.values() if i.person == who], {Account.inherited_ira})


def inherited_rolled_in(mine, person, forms, n: int) -> list[tuple]:
    """(form, leg) of after-tax plan money rolled into the IRA inherited from the person's n-th decedent (IRC
    §402(c)(11)): basis of that inherited IRA's own Form 8606."""
    return [(i, l) for i, l in aftertax_rolled_in(mine, {Account.inherited_ira})
            if inherited_link(person, i.legs[0].form, forms) == n]


def aftertax_rolled_in(mine, into=IRA_SOURCES) -> list[tuple]:
    """(form, leg) of after-tax plan money rolled into a traditional IRA this year: basis (i8606 line 2)."""
    return [(i, l) for i in mine for l in i.legs if i.source == Account.plan and l.is_rollover and l.valid
            and l.to in into and l.aftertax > 0]


def outstanding_legs(mine, year: int) -> list[tuple]:
    return [(i, l) for i in mine for l in i.legs if is_outstanding(l, i.source, year)]


def outstanding_rollovers(ira, mine, year: int) -> Decimal:
    """As given, or the rollovers paid this year and deposited next year (i8606 line 6)."""
    if ira.outstanding_rollovers is not None:
        return ira.outstanding_rollovers
    return total(l.amount for _, l in outstanding_legs(mine, year))


def line5_basis(ira, mine) -> Decimal:
    """Form 8606 line 5 from the facts: nondeductible contributions + prior basis + after-tax plan money
    rolled in, less contributions made after the year end (i8606 lines 1-5)."""
    return (ira.nondeductible_contributions + (ira.prior_basis or ZERO) - ira.nondeductible_after_year_end
            + total(l.aftertax for _, l in aftertax_rolled_in(mine)))


def roth_destination_assumed(leg) -> bool:
    """A plan's code G direct rollover with a taxable amount, destination not given: a Roth IRA or the plan's
    own designated Roth account (in-plan Roth rollover) are reported alike (i1099r code G; legs.default_use)."""
    return leg.use is None and leg.to == Account.roth_ira and "G" in leg.form.box7 and "H" not in leg.form.box7


def is_outstanding(leg, src, year: int) -> bool:
    """An outstanding rollover: paid in the year, deposited in the next within the window (i8606 line 6)."""
    return (src in IRA_SOURCES and leg.is_rollover and leg.valid and leg.to in IRA_SOURCES
            and leg.deposited is not None and leg.deposited.year > year)


def year_end_value(ira) -> Decimal | None:
    """The Dec 31 value of all traditional, SEP and SIMPLE IRAs: as given, or the sum of the accounts
    when every one has a value; None when not known (i8606 line 6)."""
    if ira.year_end_value is None and ira.year_end_accounts and all(a.value is not None for a in ira.year_end_accounts):
        return total(a.value for a in ira.year_end_accounts)
    return ira.year_end_value


def earnings_share(leg) -> Decimal:
    """Box 2a (the earnings) in proportion to the part of box 1 this leg returned."""
    f = leg.form
    if not f.box2a or not f.box1:
        return ZERO
    return dollars(f.box2a * leg.amount / f.box1)


@dataclass
class InheritedRoth:
    """One decedent's Roth IRAs, as a beneficiary's nonqualified distributions from them show it."""
    decedent: str                   # the `decedent` named on the 1099-Rs, else their payer (and account)
    amount: Decimal = ZERO          # nonqualified distributions kept
    basis: Decimal = ZERO           # the decedent's contribution and conversion basis left
    conversion_basis: Decimal = ZERO  # the part of it from conversions and rollovers
    refs: list = field(default_factory=list)     # the legs
    forms: list = field(default_factory=list)    # the 1099-Rs' ids
    basis_given: bool = False       # a form of the decedent's gives decedent_roth_basis (their forms share it)
    qualified_unknown: bool = False  # the decedent's first Roth year not given

    @property
    def basis_unknown(self) -> bool:
        return not self.basis_given


def inherited_roth_groups(res, who: str) -> list[InheritedRoth]:
    """A person's nonqualified distributions from inherited Roth IRAs, decedent by decedent (the 1099-R's
    `decedent`, else its payer and account): one decedent's unused basis never shelters another's earnings, and
    forms of one decedent share one basis (rules.md §4.1, §5.1). Each group has a Form 8606 Part III of its own."""
    groups: dict[tuple, InheritedRoth] = {}
    for i in res.forms.values():
        if i.person != who or i.source != Account.inherited_roth_ira or i.qualified:
            continue
        kept = [l for l in i.legs if l.kept and l.amount > 0]
        if not kept:
            continue
        f = i.legs[0].form
        acct = (f.account_number or "").strip()
        key = ("decedent", f.decedent.strip().lower()) if f.decedent else ("payer", *payer_key(f), acct)
        grp = groups.setdefault(key, InheritedRoth(inherited_roth_label(f)))
        # the decedent's basis, stated on each of their forms
        grp.basis = max(grp.basis, f.decedent_roth_basis or ZERO)
        grp.conversion_basis = max(grp.conversion_basis, f.decedent_roth_conversion_basis or ZERO)
        grp.basis_given |= f.decedent_roth_basis is not None
        grp.qualified_unknown |= i.qualified is None
        grp.forms.append(i.form_id)
        for l in kept:
            grp.amount += l.amount
            grp.refs.append(l.ref)
    return list(groups.values())


def inherited_roth_label(f) -> str:
    """Whose Roth IRAs an inherited Roth IRA's 1099-R is from: its `decedent`, else its payer (and account)."""
    acct = (f.account_number or "").strip()
    return f.decedent.strip() if f.decedent else f.payer.name + (f" account ending {acct[-4:]}" if acct else "")


def inherited_roth_ledger_name(f) -> str:
    """The name the ledger keeps a decedent's inherited Roth IRA basis under: the 1099-R's `decedent`, else its payer
    with the whole account number (or the TIN's last four digits), as the forms are grouped (payer and account):
    two accounts ending alike at one payer are two names."""
    if f.decedent:
        return f.decedent.strip()
    acct = (f.account_number or "").strip()
    if _SSN_SHAPED.fullmatch(acct):  # an account number that is the owner's SSN: the ledger holds no SSN
        acct = "***-**-" + acct[-4:]
    tin = "".join(ch for ch in (f.payer.tin or "") if ch.isdigit())
    return f.payer.name.strip() + (f" account {acct}" if acct else f" (TIN ending {tin[-4:]})" if tin else "")


_SSN_SHAPED = re.compile(r"\d{3}[- ]?\d{2}[- ]?\d{4}")


def payer_excepted(info) -> bool:
    """Box 7 already shows an exception for what was kept: 2, 3, 4, Q, T (unless the facts rule out 59½, death and
    disability); 8/P corrective distributions
    (SECURE 2.0 §333; §72(t) n/a). Code 2 on an IRA form with a conversion is the conversion's own
    exception: the part kept (the tax withheld) is an early distribution (Reg. §1.408A-4 A-7(b);
    rules.md §7.4)."""
    codes = set(info.legs[0].form.box7)
    # U: dividends on employer securities paid through an ESOP (IRC §72(t)(2)(A)(vi); i1099r code U)
    if codes & {"3", "4", "8", "P", "U"}:
        return True
    if codes & {"Q", "T"}:
        # Q/T: the payer knows of 59½, death or disability (i1099r); a birth date under 59½ with neither death nor
        # disability outweighs the code, as it does a code 7 (IRC §72(t)(2)(A); finding CODE_ROTH_EXCEPTION_UNDER_59_HALF)
        return not (info.early and info.age_known)
    return "2" in codes and not any(is_conversion(l, info.source) for l in info.legs)


# --- inherited traditional IRAs with basis: one Form 8606 per decedent (rules.md §4.1, §5.1) ---

def inherited_key(who: str, n: int) -> str:
    """The 'person' key of the n-th inherited IRA's own Form 8606: f8606.<who>_inherited_<n>.line..."""
    return f"{who}_inherited_{n}"


def declare_inherited(res, who: str, n: int, person: Person, gp) -> None:
    """Facts of the separate Form 8606 for IRAs inherited from one decedent: the inherited basis, their
    Dec 31 value and what was kept from them. A beneficiary cannot contribute to, convert or 60-day roll
    over an inherited IRA (IRC §408(d)(3)(C)), so those lines are 0; Parts II and III stay blank."""
    g, entry, key = res.graph, person.inherited_iras[n - 1], inherited_key(who, n)
    path = f"{who}.inherited_iras[{n - 1}]"
    legs = [(i, l) for i in res.forms.values() if i.person == who and i.source == Account.inherited_ira
            and inherited_link(person, i.legs[0].form, res.scenario.forms_1099r) == n for l in i.legs if l.kept]

    def fact(name, value, label, source, status="complete", note=None):
        g.fact(f"{key}.{name}", dollars(value) if isinstance(value, Decimal) else value, label, source, status, note)

    fact("ira.prior_basis", entry.basis, f"Basis inherited from {entry.decedent} (or last year's line 14 for it)",
         f"scenario: {path}.basis")
    fact("ira.distributions", total(l.amount for _, l in legs), f"Distributions kept from IRAs inherited from {entry.decedent}",
         "derived: " + (", ".join(f"{l.ref} {l.amount}" for _, l in legs) if legs else "none"))
    if entry.year_end_value is None:
        fact("ira.year_end_value", ZERO, f"Dec 31 value of IRAs inherited from {entry.decedent}", f"scenario: {path}.year_end_value",
             "missing" if legs and entry.basis > 0 else "complete", "not given" if legs and entry.basis > 0 else None)
    else:
        fact("ira.year_end_value", entry.year_end_value, f"Dec 31 value of IRAs inherited from {entry.decedent}",
             f"scenario: {path}.year_end_value")
    fact("decedent", entry.decedent, "Inherited from", f"scenario: {path}.decedent")
    # a beneficiary's direct rollover from the decedent's plan into an inherited IRA: its after-tax money is
    # basis of that inherited IRA (IRC §402(c)(11); i8606 line 2)
    plan_in = inherited_rolled_in([i for i in res.forms.values() if i.person == who], person, res.scenario.forms_1099r, n)
    fact("ira.plan_aftertax_rolled_in", total(l.aftertax for _, l in plan_in),
         f"After-tax plan money rolled into the IRA inherited from {entry.decedent}",
         "derived: " + (", ".join(f"{l.ref} after-tax {l.aftertax}" for _, l in plan_in) if plan_in else "none"))
    _beneficiary_facts(fact, g, key, gp, ("roth.nonqualified", "roth.contribution_basis", "roth.conversion_basis_prior"))


_NONE = "a beneficiary cannot contribute to, convert or roll over an inherited IRA (IRC §408(d)(3)(C))"


def _beneficiary_facts(fact, g, key: str, gp, zero: tuple[str, ...]) -> None:
    """The facts an inherited IRA's own Form 8606 reads that a beneficiary can have none of."""
    for name in ("ira.nondeductible_contributions", "ira.after_year_end", "ira.deductible_contributions",
                 "ira.converted", "ira.outstanding_rollovers", "ira.repayments",
                 "ira.contributions_before_conversion", "roth.homebuyer_expenses",
                 "roth.prior_homebuyer", "roth.contributions_this_year",
                 "roth.drac_basis_rolled_in", "roth.plan_rollovers", "roth.plan_rollovers_taxable") + zero:
        fact(name, ZERO, name.replace("_", " "), f"none for an inherited IRA: {_NONE}")
    fact("roth.homebuyer_limit", gp.limits.first_time_homebuyer_lifetime.value, "Lifetime homebuyer limit",
         gp.limits.first_time_homebuyer_lifetime.source)
    fact("roth.qualified_years", gp.periods.roth_qualified_years.value, "Roth IRA 5-taxable-year period (years)",
         gp.periods.roth_qualified_years.source)
    g.fact(f"{key}.ira.use_worksheet_1_1", False, "Worksheet 1-1", f"not for an inherited IRA: {_NONE}")
    g.fact(f"{key}.roth.layers", [], "Conversion layers", "none for an inherited IRA")


# --- inherited Roth IRAs: a nonqualified distribution goes on a Form 8606 Part III per decedent (rules.md §4.1) ---

def inherited_roth_key(who: str, n: int) -> str:
    """The 'person' key of the n-th inherited Roth IRA's own Form 8606: f8606.<who>_inherited_roth_<n>.line..."""
    return f"{who}_inherited_roth_{n}"


def declare_inherited_roth(res, who: str, n: int, grp: InheritedRoth, gp) -> None:
    """Facts of the separate Form 8606 for Roth IRAs inherited from one decedent (i8606 Who Must File: a
    nonqualified distribution from an inherited Roth IRA): Part III only, with the decedent's basis on lines 22
    (contributions) and 24 (conversions and rollovers). Parts I and II stay blank (IRC §408(d)(3)(C))."""
    g, key = res.graph, inherited_roth_key(who, n)
    refs = ", ".join(grp.refs)

    def fact(name, value, label, source, status="complete", note=None):
        g.fact(f"{key}.{name}", dollars(value) if isinstance(value, Decimal) else value, label, source, status, note)

    fact("decedent", grp.decedent, "Inherited from", f"scenario: the 1099-Rs' decedent or payer ({refs})")
    fact("roth.nonqualified", grp.amount, f"Nonqualified distributions from Roth IRAs inherited from {grp.decedent}",
         f"derived: {refs} (the decedent's 5-taxable-year period not met; IRC §408A(d)(2)(B))",
         "provisional" if grp.qualified_unknown else "complete",
         "the decedent's first Roth year (decedent_first_roth_year) not given: taken as not qualified"
         if grp.qualified_unknown else None)
    unknown = ("provisional", "the decedent's Roth basis (decedent_roth_basis) not given: taken as 0") \
        if grp.basis_unknown else ("complete", None)
    fact("roth.contribution_basis", grp.basis - grp.conversion_basis, f"{grp.decedent}'s basis in Roth IRA contributions",
         f"scenario: decedent_roth_basis less decedent_roth_conversion_basis ({refs})", *unknown)
    fact("roth.conversion_basis_prior", grp.conversion_basis, f"{grp.decedent}'s basis in conversions and rollovers",
         f"scenario: decedent_roth_conversion_basis ({refs})", *unknown)
    for name, label in (("ira.prior_basis", "Traditional IRA basis"), ("ira.distributions", "Traditional IRA distributions"),
                        ("ira.plan_aftertax_rolled_in", "After-tax plan money rolled in"),
                        ("ira.year_end_value", "Dec 31 value of traditional IRAs")):
        fact(name, ZERO, label, "none: this Form 8606 is for an inherited Roth IRA (Part III)")
    _beneficiary_facts(fact, g, key, gp, ())
