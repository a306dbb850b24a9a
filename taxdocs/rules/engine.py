"""compute(scenario) -> Result: derive the legs, allocate, then declare every form line.

Order: legs (what happened) -> rollover validity -> plan and Roth-account allocation ->
per-person facts -> form lines (8606, Worksheet 1-1, 5329, 1040, tax effect). Lines are
lazy; `Result.lines()` evaluates them all.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, Optional

from taxdocs.core.dates import age_reached, date_at_age
from taxdocs.core.lines import Graph
from taxdocs.core.money import ZERO, total
from taxdocs.model.scenario import Account, Person, Scenario, UseKind
from taxdocs.params import ParamsError, general, load_year
from taxdocs.rules import (f1040, f5329, f8606, facts, rollovers, roth, simplified_method, tax_effect,
                           worksheet_1_1)
from taxdocs.rules.legs import IRA_SOURCES, Leg, inherited_link, legs_of, valid_legs
from taxdocs.rules.plan_distributions import PlanGroup, allocate, tax_leg
from taxdocs.rules.rollovers import Event



@dataclass
class FormInfo:
    form_id: str
    person: str
    source: Account
    source_why: str
    paid: date
    legs: list[Leg]
    early: bool = False            # under 59½ on the date paid, no death/disability
    age_known: bool = False        # the birth date is given: `early` rests on facts, not on a blank
    not_early_by: str = ""         # why not: "age" | "disability" | "death" (i5329 exceptions 12, 03, 04)
    qualified: Optional[bool] = None   # Roth IRA / designated Roth: qualified distribution?


class Form8606Ref(NamedTuple):
    """One Form 8606 of the return: a person's own (decedent None) or one decedent's inherited IRAs."""
    key: str                        # f8606.<key>.line...
    who: str                        # the person who files it
    decedent: Optional[str] = None
    roth: bool = False              # an inherited Roth IRA's (Part III only)
    forms: tuple = ()               # its 1099-Rs (an inherited Roth IRA's form)

    @property
    def title(self) -> str:
        if self.decedent is None:
            return self.who
        return f"{self.who}, {'Roth ' if self.roth else ''}IRAs inherited from {self.decedent}"

    @property
    def slug(self) -> str:
        """For file names: taxpayer, spouse, taxpayer-inherited-1, taxpayer-inherited-roth-1."""
        return self.key.replace("_", "-")


@dataclass
class Result:
    scenario: Scenario
    graph: Graph
    forms: dict[str, FormInfo]
    groups: list[PlanGroup]
    events: list[Event]
    file: str = "<input>"
    inherited: list[Form8606Ref] = field(default_factory=list)   # inherited IRAs' own Forms 8606
    _lines: Optional[dict] = field(default=None, repr=False)

    def lines(self) -> dict[str, Any]:
        """Every declared line, evaluated once (lines are fixed once compute returns)."""
        if self._lines is None or len(self._lines) != len(self.graph.defs):
            self._lines = self.graph.evaluate_all()
        return self._lines

    def release(self) -> None:
        """Drop the lines and their values. The line functions close over this result (a reference
        cycle), so a batch worker calls this when a return is written, instead of waiting for the GC."""
        self.graph.clear()
        self._lines = None

    def forms_8606(self) -> list[Form8606Ref]:
        """Every Form 8606 of the return: each person's own, then one per decedent whose IRAs a person
        inherited."""
        return [Form8606Ref(w, w) for w in self.people()] + self.inherited

    def people(self) -> list[str]:
        return [who for who, _ in self.scenario.people()]


def _age_at(person: Person, on: date, age) -> bool:
    return person.birth_date is not None and age_reached(person.birth_date, on, age.years, age.months)


def compute(sc: Scenario, file: str = "<input>") -> Result:
    gp, yp = general(), _year_params(sc.tax_year)
    g = Graph()
    events: list[Event] = []
    forms: dict[str, FormInfo] = {}
    half = gp.ages.early_distribution

    # 1. legs and rollover validity, form by form
    for f in sc.forms_1099r:
        person = sc.person(f.recipient)
        src, why, legs = legs_of(f)
        info = FormInfo(f.id, f.recipient, src, why, f.paid_on, legs)
        dead_or_disabled = person.disabled or "3" in f.box7 or "4" in f.box7 or src in (
            Account.inherited_ira, Account.inherited_roth_ira)
        info.early = not _age_at(person, info.paid, half) and not dead_or_disabled
        info.age_known = person.birth_date is not None
        if not info.early:
            info.not_early_by = ("age" if _age_at(person, info.paid, half) else
                                 "disability" if person.disabled or "3" in f.box7 else "death")
        rmd_row = gp.rmd.applicable_age_for(person.birth_date) if person.birth_date else None
        for leg in legs:
            events += rollovers.check_window(leg, f.received_on or info.paid, gp.periods.rollover_days.value,
                                             gp.periods.self_cert_after_reason_days.value,
                                             gp.periods.return_due_date_extended)
            events += rollovers.check_eligible(leg, src, person, rmd_row, sc.tax_year,
                                               sc.forms_1099r)
            if leg.kind == UseKind.qcd:
                events += _check_qcd(leg, src, person, info.paid, gp)
            elif leg.kind == UseKind.hfd and src not in rollovers.IRA_LIKE:
                # IRC §408(d)(9): an HSA funding distribution comes only from an IRA (Notice 2008-51)
                leg.valid = False
                leg.invalid_reasons.append("HFD_NOT_FROM_IRA")
                events.append(Event("HFD_NOT_FROM_IRA", leg.ref, {"source": src.value, "amount": leg.amount}, False))
        events += rollovers.rmd_first_dollars(legs, src)  # after the checks: only valid rollovers are split
        forms[f.id] = info

    # 2. once per 12 months, per person, across all IRAs (IRC §408(d)(3)(B))
    for who, person in sc.people():
        cands = [(l.form.received_on or i.paid, l) for i in forms.values() if i.person == who
                 for l in i.legs if rollovers.counts_once_per_year(l, i.source)]
        events += rollovers.check_once_per_year(cands, [r.distribution_date for r in person.rollovers_last_12_months],
                                                gp.periods.once_per_year_rollover.value)
    _hfd_limit(sc, forms, yp, gp, events)

    # 3. plan and designated Roth allocation (Notice 2014-54; §402(c)(2))
    groups = _plan_groups(sc, forms)
    for info in forms.values():
        if info.source == Account.designated_roth:
            info.qualified = _drac_qualified(info, sc.person(info.person), gp)
        elif info.source in (Account.roth_ira, Account.inherited_roth_ira):
            info.qualified = _roth_qualified(info, sc.person(info.person), gp)
    for grp in groups:
        allocate(grp)
        for leg in grp.legs:
            info = forms[leg.form.id]
            if info.source == Account.designated_roth:
                _tax_drac_leg(leg, info)
            else:
                tax_leg(leg)

    _qcd_hfd_basis_limit(sc, forms, yp, events)  # after the allocation: after-tax plan money rolled in is basis
    # the annual limit is on QCDs, and basis paid to a charity is not one (IRC §408(d)(8)(D)): after the basis limit
    _qcd_limit(sc, forms, yp, events)
    _qcd_deduction_offset(sc, forms, events)  # last: it reduces what the other limits leave

    res = Result(sc, g, forms, groups, events, file)
    for info in forms.values():
        f = info.legs[0].form
        if info.source == Account.plan and simplified_method.applies(f, gp):
            simplified_method.declare(res, info, gp)
            excl = g[f"sm.{f.id}.line8"]  # the exclusion spreads over what was kept, in order
            payer_figured = simplified_method.payer_figured(f)
            for leg in info.legs:
                if leg.kept:
                    figured = max(leg.amount - excl, ZERO)
                    excl -= leg.amount - figured
                    # a box 2a the payer figured stands unless the worksheet gives less (Pub. 575 Worksheet A line 9)
                    leg.taxable = min(leg.taxable, figured) if payer_figured else figured
    for who, person in sc.people():
        facts.declare(res, who, person, gp, yp)
        worksheet_1_1.declare(res, who)
        f8606.declare(res, who)
        f5329.declare(res, who, gp, yp)
        for n in range(1, len(person.inherited_iras) + 1):  # each decedent's IRAs: their own 8606 (rules.md §4.1)
            key = facts.inherited_key(who, n)
            facts.declare_inherited(res, who, n, person, gp)
            worksheet_1_1.declare(res, key)
            f8606.declare(res, key)
            res.inherited.append(Form8606Ref(key, who, person.inherited_iras[n - 1].decedent))
        # each decedent's Roth IRAs, when what they paid is not qualified: a Part III of their own (rules.md §4.1)
        for n, grp in enumerate(facts.inherited_roth_groups(res, who), 1):
            key = facts.inherited_roth_key(who, n)
            facts.declare_inherited_roth(res, who, n, grp, gp)
            f8606.declare(res, key)  # Part I is never completed on it: no Worksheet 1-1
            res.inherited.append(Form8606Ref(key, who, grp.decedent, roth=True, forms=tuple(grp.forms)))
    f1040.declare(res)
    tax_effect.declare(res, yp, gp)
    return res


def _year_params(year: int):
    """This year's data, or None: lines still compute; the tax effect and QCD limit say why they are blank."""
    try:
        return load_year(year)
    except ParamsError:
        return None


def _check_qcd(leg: Leg, src: Account, person: Person, paid: date, gp) -> list[Event]:
    """QCD: owner 70½ or older, from an IRA other than an ongoing SEP/SIMPLE (IRC §408(d)(8); rules.md §3)."""
    out = []
    if not _age_at(person, paid, gp.ages.qcd):
        leg.valid = False
        leg.invalid_reasons.append("QCD_UNDER_AGE")
        out.append(Event("QCD_UNDER_AGE", leg.ref, {"paid": paid, "amount": leg.amount,
                          "reaches": date_at_age(person.birth_date, gp.ages.qcd.years, gp.ages.qcd.months)
                          if person.birth_date else None}, False))
    # a Roth IRA is an IRA here too (IRC §408A(a)); only its otherwise-taxable part gains from the exclusion
    if src not in rollovers.IRA_LIKE:
        leg.valid = False
        leg.invalid_reasons.append("QCD_NOT_FROM_IRA")
        out.append(Event("QCD_NOT_FROM_IRA", leg.ref, {"source": src.value, "amount": leg.amount}, False))
    elif src in (Account.sep_ira, Account.simple_ira):
        out.append(Event("QCD_FROM_SEP_SIMPLE", leg.ref, {"source": src.value, "amount": leg.amount}, True))
    return out


def _qcd_limit(sc: Scenario, forms: dict[str, FormInfo], yp, events: list[Event]) -> None:
    """QCDs above the annual limit are taxable distributions (IRC §408(d)(8)(A), as indexed)."""
    if yp is None:
        return
    for who, _ in sc.people():
        room = yp.qcd.limit
        qcds = valid_legs(forms, who, UseKind.qcd)
        for leg in qcds:
            if leg.amount > room:
                excess = leg.amount - room
                events.append(Event("QCD_OVER_LIMIT", leg.ref, {"amount": leg.amount, "limit": yp.qcd.limit,
                                                                 "excess": excess}, False))
                leg.invalid_reasons.append("QCD_OVER_LIMIT")
                _keep_excess(forms, leg, excess, "QCD above the annual limit")  # the rest stays a QCD
            room = max(room - leg.amount, ZERO)


def _hfd_limit(sc: Scenario, forms: dict[str, FormInfo], yp, gp, events: list[Event]) -> None:
    """An HSA funding distribution excludes at most the year's HSA contribution limit for the coverage held when it
    is paid, with the catch-up from the year of 55 (IRC §408(d)(9)(C)(i), §223(b)(2)-(3); Notice 2008-51). One in a
    lifetime; a second only in the same year, paid under family coverage after the first under self-only, and
    together at most the family limit (§408(d)(9)(C)(ii)(II)). The excess, and any other one, is a taxable
    distribution. Coverage not given: the most it can be (family), and a finding asks."""
    for who, person in sc.people():
        hfds = valid_legs(forms, who, UseKind.hfd)
        if not hfds:
            continue
        # neither depends on the year's dollar limits: one in a lifetime (IRC §408(d)(9)(C)(ii)(I)); not an eligible
        # individual, the §223(b) limit is 0 (IRC §223(b)(7), (c)(1))
        refused = ("HFD_ONCE_IN_A_LIFETIME" if person.earlier_hfd_year is not None else
                   "HFD_NOT_ELIGIBLE" if person.hsa_coverage == "none" else None)
        if refused:
            for leg in hfds:
                leg.valid = False  # not a qualified HSA funding distribution: kept (taxable)
                leg.invalid_reasons.append(refused)
                events.append(Event(refused, leg.ref, {"amount": leg.amount, "earlier": person.earlier_hfd_year}, False))
            continue
        if yp is None or yp.hsa is None:
            events.append(Event("HFD_LIMIT_UNKNOWN", hfds[0].ref, {"amount": hfds[0].amount}, True))
            continue
        cov, age = person.hsa_coverage, gp.ages.hsa_catch_up
        # attained 55 before the close of the year (IRC §223(b)(3)(A)); the birth date is required with a 1099-R
        catch_up = gp.limits.hsa_catch_up.value if person.birth_date is not None and age_reached(
            person.birth_date, date(sc.tax_year, 12, 31), age.years, age.months) else ZERO
        self_only, family = yp.hsa.self_only + catch_up, yp.hsa.family + catch_up
        allowed = 1 if cov == "self_only" else 2  # a second one only on the change to family coverage
        if len(hfds) > 1 and cov != "self_only":
            events.append(Event("HFD_MORE_THAN_ONE", hfds[1].ref, {"count": len(hfds)}, True))
        for leg in hfds[allowed:]:
            leg.valid = False  # not a qualified HSA funding distribution: kept (taxable)
            leg.invalid_reasons.append("HFD_NOT_ALLOWED_AGAIN")
            events.append(Event("HFD_NOT_ALLOWED_AGAIN", leg.ref, {"amount": leg.amount}, False))
        hfds = hfds[:allowed]
        # the first is capped at the self-only limit when a second follows it (it was paid under self-only coverage)
        caps = ([(self_only, "self-only"), (family, "family")] if len(hfds) > 1 else
                [(self_only, "self-only")] if cov == "self_only" else [(family, "family")])
        given = total(l.amount for l in hfds)
        if cov is None and len(hfds) == 1 and self_only < given <= family:
            events.append(Event("HFD_COVERAGE_UNKNOWN", hfds[0].ref, {
                "given": given, "self_only": self_only, "family": family}, True))
        used = ZERO
        for leg, (cap, kind) in zip(hfds, caps):
            room = max(cap - used, ZERO)
            if leg.amount > room:
                guessed = cov is None and len(hfds) == 1
                events.append(Event("HFD_OVER_LIMIT", leg.ref, {
                    "amount": leg.amount, "limit": cap, "excess": leg.amount - room, "earlier": used,
                    "coverage": f"{kind} coverage" + (" (the most it can be: hsa_coverage not given)" if guessed else ""),
                    "catch_up": ", with the catch-up from 55" if catch_up else ""}, False))
                leg.invalid_reasons.append("HFD_OVER_LIMIT")
                _keep_excess(forms, leg, leg.amount - room, "HSA funding distribution above the HSA limit")
            used += leg.amount


def _keep_excess(forms: dict[str, FormInfo], leg: Leg, excess: Decimal, why: str) -> None:
    """Split `excess` off a QCD, HFD or rollover to a plan: the rest stays what it was, the excess is kept
    (a taxable distribution, or basis paid out where the IRAs hold basis)."""
    leg.amount -= excess
    forms[leg.form.id].legs.append(Leg(leg.form, leg.index, UseKind.cash, None, excess, None, use=leg.use,
                                       inferred=why))


# Kinds that come first out of the money that would otherwise be taxable: a QCD (IRC §408(d)(8)(D)) and a
# qualified HSA funding distribution (IRC §408(d)(9)(B) "to the extent ... otherwise includible", (E); Notice
# 2008-51). Both statutes measure the same amount (all the IRAs of the aggregate paid out this year, as one
# contract), so QCDs and HFDs of one year share it, taken in the order paid.
QCD_HFD = (UseKind.qcd, UseKind.hfd)


def _qcd_hfd_basis_limit(sc: Scenario, forms: dict[str, FormInfo], yp, events: list[Event]) -> None:
    """Limit QCDs and HFDs to the pre-tax money of each Form 8606 aggregate: a person's own traditional,
    SEP and SIMPLE IRAs (IRC §408(d)(2)), and the IRAs inherited from each decedent, which have their own
    Form 8606 (rules.md §4.1, §5.1). Needs the basis and the Dec 31 value: when one is missing,
    LINE6_MISSING or INHERITED_LINE6_MISSING asks for it and nothing is limited. A QCD takes pre-tax money only up to
    the year's QCD limit: what it gives above that is taxed as any other distribution (Pub. 590-B), so it leaves the
    pre-tax money to a later HFD or rollover to a plan."""
    for who, person in sc.people():
        qcd_left = [yp.qcd.limit] if yp is not None else None  # the person's QCD limit left (shared by the aggregates)
        mine = [i for i in forms.values() if i.person == who]
        own = [i for i in mine if i.source in IRA_SOURCES]
        ira, value = person.ira, facts.year_end_value(person.ira)
        if value is not None:
            line6 = max(value + facts.outstanding_rollovers(ira, own, sc.tax_year)
                        - ira.repayments_treated_as_rollovers, ZERO)  # i8606 line 6
            _limit_to_pretax(own, line6, facts.line5_basis(ira, mine),  # the same terms as the Form 8606 facts
                             "every traditional, SEP and SIMPLE IRA", "Form 8606", forms, events, qcd_left)
        for n, entry in enumerate(person.inherited_iras, 1):
            theirs = [i for i in mine if i.source == Account.inherited_ira
                      and inherited_link(person, i.legs[0].form, sc.forms_1099r) == n]
            # its own 8606 lines 2 and 6: only the decedent's plan can add to it (a direct rollover, IRC §402(c)(11))
            rolled_in = total(l.aftertax for _, l in facts.inherited_rolled_in(mine, person, sc.forms_1099r, n))
            if entry.year_end_value is not None:
                _limit_to_pretax(theirs, entry.year_end_value, entry.basis + rolled_in,
                                 f"every IRA inherited from {entry.decedent}",
                                 f"the Form 8606 for the IRAs inherited from {entry.decedent}", forms, events, qcd_left)


def _limit_to_pretax(infos: list[FormInfo], line6: Decimal, basis: Decimal, aggregate: str, form_8606: str,
                     forms: dict[str, FormInfo], events: list[Event], qcd_left: list | None = None) -> None:
    """Pre-tax money = what would be taxable if the aggregate were paid out this year: its Dec 31 value
    (Form 8606 line 6 terms) + what left it this year - basis. QCDs and HFDs take it in the order paid; the
    part of one above what is left is basis paid out: a kept leg, on Form 8606 line 7 (IRC §408(d)(8)(D),
    §408(d)(9)(E); i1040 lines 4a-4b Exceptions 3 and 4)."""
    legs = sorted((l for i in infos for l in i.legs if l.valid and (l.kind in QCD_HFD or _to_plan(l))),
                  key=lambda l: forms[l.form.id].paid)
    if not legs or basis <= 0:
        return
    left = total(l.amount for i in infos for l in i.legs  # kept, given, sent to an HSA or a plan, converted
                 if l.kept or (l.valid and (l.kind in QCD_HFD + (UseKind.conversion,)
                                            or (l.is_rollover and l.to in (Account.roth_ira, Account.plan)))))
    pretax = max(line6 + left - basis, ZERO)
    room = pretax
    for leg in legs:
        if leg.amount > room:
            excess = leg.amount - room
            events.append(_over_taxable(leg, {"amount": leg.amount, "excess": excess, "pretax": pretax,
                                              "earlier": pretax - room, "aggregate": aggregate, "f8606": form_8606}))
            what = "Rollover to a plan" if _to_plan(leg) else leg.kind.value.upper()
            _keep_excess(forms, leg, excess, f"{what} above the IRAs' pre-tax money: basis paid out")
        took = leg.amount
        if leg.kind == UseKind.qcd and qcd_left is not None:
            took = min(took, qcd_left[0])  # above the QCD limit: not a QCD, taxed pro rata (_qcd_limit splits it off)
            qcd_left[0] -= took
        room = max(room - took, ZERO)


def _to_plan(leg: Leg) -> bool:
    """An IRA rollover to an employer plan: only the money that would be taxable can go, and it goes first
    (IRC §408(d)(3)(A)(ii), (H)(ii); Pub. 590-B), so it shares the pre-tax money with QCDs and HFDs."""
    return leg.is_rollover and leg.to == Account.plan


def _qcd_deduction_offset(sc: Scenario, forms: dict[str, FormInfo], events: list[Event]) -> None:
    """The QCD exclusion, as the limits above leave it, is reduced by the IRA deductions allowed for taxable
    years ending on or after the date the owner reached 70½, less the reductions of earlier years (IRC
    §408(d)(8)(A) last sentence, SECURE Act §107(b); Notice 2020-68; Pub. 590-B QCD Adjustment Worksheet).
    A valid QCD this year means 70½ was reached by its date, so this year's deduction counts. The part
    not excluded stays a QCD for the IRAs' basis (it came out of pre-tax money, §408(d)(8)(D)) and is
    taxable in full on line 4b. QCDs take the offset in the order paid."""
    for who, person in sc.people():
        legs = valid_legs(forms, who, UseKind.qcd)
        ira = person.ira
        prior, used = ira.deductions_after_70_half_prior or ZERO, ira.qcd_reductions_prior or ZERO  # blank: 0
        offset = prior + ira.deductible_contributions - used
        for leg in legs:
            if offset <= 0:
                break
            leg.qcd_offset = min(leg.amount, offset)
            offset -= leg.qcd_offset
            events.append(Event("QCD_REDUCED_BY_DEDUCTIONS", leg.ref, {
                "amount": leg.amount, "reduced": leg.qcd_offset, "prior": prior,
                "this_year": ira.deductible_contributions, "used": used}, True))


def _over_taxable(leg: Leg, detail: dict) -> Event:
    """The finding for a QCD, HFD or rollover to a plan cut to the pre-tax money (accepted: the part within
    it stands)."""
    if _to_plan(leg):
        return Event("IRA_TO_PLAN_OVER_PRETAX", leg.ref, detail, True)
    if leg.kind == UseKind.hfd:
        return Event("HFD_OVER_TAXABLE", leg.ref, detail, True)
    return Event("QCD_OVER_TAXABLE", leg.ref, detail, True)


def _plan_groups(sc: Scenario, forms: dict[str, FormInfo]) -> list[PlanGroup]:
    """Forms from the same plan, paid the same day (or sharing `group`), are one distribution."""
    buckets: dict[tuple, list[Leg]] = defaultdict(list)
    for f in sc.forms_1099r:
        info = forms[f.id]
        if info.source not in (Account.plan, Account.designated_roth):
            continue
        key = (info.person, info.source.value, f.group or (f.payer.tin or f.payer.name, f.account_number, info.paid))
        buckets[key] += info.legs
    names: set[str] = set()
    out = []
    for (who, source, where), legs in buckets.items():
        name = f"{who}/{source}/" + (where if isinstance(where, str) else _group_name(*where))
        name = next(n for n in (name if i == 1 else f"{name}#{i}" for i in range(1, len(names) + 2)) if n not in names)
        names.add(name)
        out.append(PlanGroup(name, legs))
    return out


def _group_name(payer: str, account: Optional[str], paid) -> str:
    """payer|account|date paid, the account number masked to its last four: it is often the participant's SSN."""
    acct = "" if account is None else ("*" * max(len(account) - 4, 0) + account[-4:])
    return f"{payer}|{acct}|{paid}"


def _drac_qualified(info: FormInfo, person: Person, gp) -> Optional[bool]:
    """Designated Roth: 5 taxable years from box 11 and 59½, disability or death (IRC §402A(d)(2))."""
    f = info.legs[0].form
    if "Q" in f.box7:
        return True
    met = roth.five_year_met(f.box11, info.paid, gp.periods.drac_qualified_years.value)
    trigger = not info.early  # 59½, disability or death
    if met is None:
        return None if trigger else False
    return met and trigger


def _roth_qualified(info: FormInfo, person: Person, gp) -> Optional[bool]:
    """Roth IRA: after the 5-taxable-year period and 59½, disability or death (IRC §408A(d)(2); rules.md §7.1).
    None when the first Roth year is unknown and code Q does not settle it."""
    f = info.legs[0].form
    trigger = not info.early  # 59½, disability or death (an inherited Roth: the owner died)
    years = gp.periods.roth_qualified_years.value
    if info.source == Account.inherited_roth_ira:
        met = roth.five_year_met(f.decedent_first_roth_year, info.paid, years)  # the owner's clock
    else:  # not given: the earliest conversion on record may prove the period met
        rf = person.roth
        met = roth.five_year_met_by(rf.first_contribution_year, [c.year for c in rf.conversions]
                                    + ([rf.first_year_at_latest] if rf.first_year_at_latest is not None else []),
                                    info.paid, years)
    if met is None:
        if "Q" in f.box7 and not (info.early and info.age_known):
            return True  # the payer reports it qualified (i1099r code Q); no fact says otherwise
        return False if not trigger else None
    return met and trigger


def _tax_drac_leg(leg: Leg, info: FormInfo) -> None:
    """Qualified: nothing taxable. Otherwise earnings (pre-tax slot) are taxable when kept (Reg. §1.402A-1)."""
    if info.qualified:
        leg.taxable = ZERO
    else:
        leg.taxable = leg.pretax if leg.kept else ZERO
