"""Form 5329 Part I: the 10% additional tax on early distributions (IRC §72(t); rules.md §8).

Line 1 holds early distributions includible in income that box 7 does not already show as
excepted (codes 2, 3, 4, Q, T need no Form 5329); conversions and rollovers are never on it.
Roth IRA amounts: the taxable part (8606 line 25c), conversion recapture (rules.md §7.2) and the
qualified first-time homebuyer amount (8606 line 20, excepted as 09). Exceptions claimed count only
where the i5329 table allows them for the account, and 09 within its lifetime limit. A form whose
box 7 says early (1, J, S) though the facts show 59½, disability or death is on lines 1 and 2 too,
with that exception (i5329 Who Must File; exception 12 "incorrectly coded", 03, 04).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from taxdocs.core.dates import date_at_age
from taxdocs.core.lines import Form
from taxdocs.core.money import ZERO, dollars, dollars_within, z
from taxdocs.model.scenario import Account, Exception10, UseKind
from taxdocs.rules.facts import earnings_share, payer_excepted
from taxdocs.rules.legs import IRA_SOURCES, payer_key
from taxdocs.rules.simplified_method import nonqualified_annuity


@dataclass
class EarlyItem:
    form_id: str
    kind: str                 # ira | plan | roth | recapture | homebuyer | returned (before SECURE 2.0 §333)
    amount: Decimal           # includible in income, early
    gross: Decimal | None = None  # the distribution behind `amount`, where part of it was basis (caps are on it)
    simple: bool = False      # code S: 25% instead of 10%
    excepted: Decimal = ZERO
    numbers: list[str] = field(default_factory=list)
    why: str = ""             # an exception the engine applied from the facts (shown when unnumbered)
    # ("account", number, meaning) | ("limit", "09", claimed, room, room of the distributions or None)
    # | ("cap", number, claimed, room, per, cap, room of the distribution or None)
    # | ("once", number, first form) | ("unknown", number, year, highest) | ("which_plan", "01")
    refused: list[tuple] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)  # applied as claimed; not in the year's table
    unchecked: list[tuple] = field(default_factory=list)  # (number, balance_cap, cap): no vested balance to check
    # of the $10,000 lifetime first-time homebuyer limit (09), as the room is spent: the distribution for IRA and plan
    # items, the taxable early amount for Roth items (contributions come out first; no rule says which dollars)
    home_used: Decimal = ZERO

    @property
    def account(self) -> str:
        """The i5329 exception table's columns: IRA or qualified plan."""
        return "plan" if self.kind == "plan" else "ira"


class _Claims:
    """What the exceptions claimed may cover: numbers allowed for the account (i5329 line 2 table),
    and 09 within one $10,000 lifetime limit, less earlier use and this year's 8606 line 20
    (IRC §72(t)(2)(F), (t)(8)(D); Pub. 590-B "First home")."""

    def __init__(self, allowed: Mapping, home_room: Decimal, year: int, highest, limits, year_limits=None):
        self.allowed, self.home_room, self.year, self.highest, self.limits = allowed, home_room, year, highest, limits
        self.year_limits = year_limits  # the year's parameters (indexed caps such as domestic_abuse_limit)
        self.used: dict[int, Decimal] = {}  # a claim (id) -> how much of its amount items took (line 2 terms)
        # a capped number's use, in distribution terms: per claim or claimed event, and per person-year
        self.cap_used: dict[object, Decimal] = {}
        self.person_used: dict[str, Decimal] = {}
        self.first_form: dict[str, str] = {}  # number allowed once a year -> the form it went to

    def exists(self, number: str) -> bool:
        """A number the year's i5329 list may hold: 01 up to its highest (any, where the end is not known)."""
        return 1 <= int(number) <= (self.highest or 98)

    def cap(self, spec) -> Decimal | None:
        if spec is None or not spec.cap:
            return None
        amount = getattr(self.limits, spec.cap, None) or getattr(self.year_limits, spec.cap, None)
        return amount.value if amount is not None else None

    def left(self, ex, item_left: Decimal) -> Decimal:
        """An amount claimed covers that much in all (over the Roth items, or a form's items); blank: all."""
        if ex.amount is None:
            return item_left
        return min(max(ex.amount - self.used.get(id(ex), ZERO), ZERO), item_left)


def early_items(res, who: str, gp, yp=None) -> list[EarlyItem]:
    """The person's early items. Of several distributions claimed under an exception allowed once a calendar
    year (23), the taxpayer treats the one that excepts the most (IRC §72(t)(2)(I)(ii)): each is tried."""
    choices = _once_a_year_candidates(res, who, gp)
    if not choices:
        return _early_items(res, who, gp, yp, {})
    best: tuple | None = None
    for chosen in product(*choices.values()):
        items = _early_items(res, who, gp, yp, dict(zip(choices, chosen)))
        worth = sum((i.excepted for i in items), ZERO)
        if best is None or worth > best[0]:
            best = (worth, items)
    return best[1]


def _once_a_year_candidates(res, who: str, gp) -> dict[str, list[str]]:
    """Exceptions allowed once a year that more than one item claims -> those items (a Roth IRA's are one)."""
    allowed = gp.exception_numbers.for_year(res.scenario.tax_year)
    out: dict[str, list[str]] = {}
    for info in res.forms.values():
        if info.person != who:
            continue
        item = "roth" if info.source == Account.roth_ira else info.form_id
        for ex in info.legs[0].form.exceptions:
            spec = allowed.get(ex.number)
            if spec is not None and spec.once_a_year and item not in out.setdefault(ex.number, []):
                out[ex.number].append(item)
    return {n: items for n, items in out.items() if len(items) > 1}


def _early_items(res, who: str, gp, yp, chosen: dict[str, str]) -> list[EarlyItem]:
    g, out = res.graph, []
    person = res.scenario.person(who)
    f8606 = f"f8606.{who}"
    dist = g[f"{who}.ira.distributions"]
    taxable_ira = g[f"{f8606}.line15c"] if g[f"{f8606}.part1_full"] else dist
    year = res.scenario.tax_year
    claims = _Claims(gp.exception_numbers.for_year(year),
                     max(gp.limits.first_time_homebuyer_lifetime.value - person.roth.prior_homebuyer
                         - z(g[f"{f8606}.line20"]), ZERO), year, gp.exception_numbers.highest(year), gp.limits, yp)
    claims.first_form.update(chosen)
    cutoff = gp.law_dates.corrective_ira_earnings_exempt_from.value
    for info in res.forms.values():
        if info.person != who:
            continue
        if not info.early:
            if _misreported(info, "1S"):
                kind, amt = _kept_taxable(info, taxable_ira, dist)
                if kind and amt > 0:
                    out.append(_facts_exception(EarlyItem(info.form_id, kind, amt), info, gp, year))
            continue
        f = info.legs[0].form
        if info.source in IRA_SOURCES | {Account.roth_ira} and info.paid < cutoff and "8" in f.box7:
            # before SECURE 2.0 §333 the earnings on a returned IRA contribution were an early
            # distribution (i5329 2016 line 1); code 8: taxable this year (code P: the prior year's return)
            earned = sum((earnings_share(l) for l in info.legs if l.kind == UseKind.returned_contribution), ZERO)
            if earned > 0:
                out.append(_claim(EarlyItem(f.id, "returned", earned, simple="S" in f.box7), f.exceptions, claims))
        if payer_excepted(info) or gov_457b_own_money(info):
            continue
        kind, amt = _kept_taxable(info, taxable_ira, dist)
        if not kind:
            continue
        if g.has(f"r1099.{f.id}.pso"):  # excluded premiums are not includible in income (IRC §402(l)): not on line 1
            amt = max(amt - g[f"r1099.{f.id}.pso"], ZERO)
        kept_total = sum((l.amount for l in info.legs if l.kept), ZERO)
        if info.source == Account.designated_roth and f.box10 and kept_total > 0:
            # box 10: amount allocable to an in-plan Roth rollover within 5 years (i5329 line 1 [K]); what was
            # rolled over is not subject to the additional tax (rules.md §8.1). §72(t) applies to it "as if such
            # portion were includible" (IRC §402A(c)(4)(D) -> §408A(d)(3)(F)): one item with the taxable part, so
            # the exceptions and their caps on the distribution take both
            amt += min(dollars(f.box10), kept_total)
        if amt <= 0:
            continue
        claimed, against = _against_facts(f.exceptions, person, f)
        if kind == "plan":
            claimed, more = _against_01(claimed, person, info, gp, res)
            against += more
        item = _claim(EarlyItem(f.id, kind, amt, dollars(kept_total), simple="S" in f.box7), claimed, claims,
                      _vested(f))
        item.refused += against
        if kind == "plan" and not item.excepted and not nonqualified_annuity(f) and separated_at_55(person, info, gp):
            if _separating_plan(res, info):
                item.excepted, item.numbers = amt, ["01"]  # IRC §72(t)(2)(A)(v)
            elif f.separating_employer is None:
                item.refused.append(("which_plan", "01"))
        out.append(item)
    if g[f"{f8606}.part3"]:
        order = g[f"{f8606}.roth_ordering"]
        l19 = z(g[f"{f8606}.line19"])
        early_amt = g[f"{who}.roth.early_share_amount"]
        share = (early_amt / l19) if l19 else ZERO
        if 0 < share < 1:  # the year's distributions are ordered as one (Reg. §1.408A-6 Q&A-9); no rule says which
            g.note(f"of line 19, {early_amt} was paid before 59½: the 10% applies to that share of the taxable "
                   "and recaptured amounts (split by amount, not by date)")
        t25 = dollars(z(g[f"{f8606}.line25c"]) * share)
        rec = dollars(order.recapture_base * share) if order else ZERO
        claimed = [ex for info in res.forms.values() if info.person == who and info.early
                   and info.source == Account.roth_ira for ex in info.legs[0].form.exceptions]
        home = person.roth.homebuyer_expenses - z(g[f"{f8606}.line20"])
        if home > 0 and not any(ex.number == "09" for ex in claimed):
            # expenses stated but not qualified (5-year period): exception 09 still waives the 10%
            # (IRC §72(t)(2)(F)), as 01 is applied for plans from the facts
            claimed.append(Exception10(number="09", amount=home))
        for kind, amt in (("roth", t25), ("recapture", rec)):
            if amt <= 0:
                continue
            out.append(_claim(EarlyItem("roth", kind, amt), claimed, claims))  # claimed on the Roth 1099-Rs
        # code J although 59½, disabled or dead: on lines 1 and 2 all the same (i5329 line 2)
        for info in res.forms.values():
            if (info.person == who and info.source == Account.roth_ira and not info.qualified
                    and not info.early and _misreported(info, "J")):
                kept = sum((l.amount for l in info.legs if l.kept), ZERO)
                amt = dollars(z(g[f"{f8606}.line25c"]) * kept / l19) if l19 else ZERO
                if amt > 0:
                    out.append(_facts_exception(EarlyItem(info.form_id, "roth", amt), info, gp, year))
                # the conversion recapture too (i5329 line 1 "recapture amounts attributable to any conversions")
                amt = dollars(order.recapture_base * kept / l19) if l19 and order else ZERO
                if amt > 0:
                    out.append(_facts_exception(EarlyItem(info.form_id, "recapture", amt), info, gp, year))
        l20 = dollars(z(g[f"{f8606}.line20"]) * share)
        if l20 > 0:  # i5329 line 1: the 8606 line 20 amount goes on lines 1 and 2, exception 09
            out.append(EarlyItem("roth", "homebuyer", l20, excepted=l20, numbers=["09"]))
    return out


def homebuyer_used(g, who: str) -> Decimal:
    """This year's use of the $10,000 lifetime first-time homebuyer limit (IRC §72(t)(8)(B); the same limit for
    Roth IRAs, §408A(d)(5)): Form 8606 line 20 and the IRA distributions excepted under 09."""
    items = g[f"f5329.{who}.items"] or []
    return z(g[f"f8606.{who}.line20"]) + sum((i.home_used for i in items), ZERO)


def gov_457b_own_money(info) -> bool:
    """A governmental 457(b) plan's distribution of its own money: outside the 10% additional tax, which reaches
    only qualified plans (IRC §72(t)(1), §4974(c)) and, in a 457(b), amounts rolled in from other plans or IRAs
    (§72(t)(9); i1099r "Governmental section 457(b) plan distributions"). Code 1 says the payment is of those."""
    f = info.legs[0].form
    return f.governmental_457b and info.source in (Account.plan, Account.designated_roth) and "1" not in f.box7


def _kept_taxable(info, taxable_ira, dist) -> tuple[str, Decimal]:
    """The taxable part of what was kept from one 1099-R: IRAs pro rata to 8606 line 15c, plans per leg."""
    if info.source in IRA_SOURCES:
        kept = sum((l.amount for l in info.legs if l.kept), ZERO)
        return "ira", dollars(z(taxable_ira) * kept / dist) if dist else ZERO
    if info.source in (Account.plan, Account.designated_roth):
        return "plan", sum((l.taxable for l in info.legs if l.kept), ZERO)
    return "", ZERO


def _misreported(info, codes: str) -> bool:
    """Box 7 says early (1, J or S) and shows no exception, but the facts show 59½, disability or death."""
    return bool(set(info.legs[0].form.box7) & set(codes)) and not payer_excepted(info)


_ROLE = {"age": ("misreported_code", "code {code} shown, but paid at 59½ or older"),
         "disability": ("disability", "code {code} shown, but the recipient is disabled"),
         "death": ("death", "code {code} shown, but paid because of death")}


def _facts_exception(item: EarlyItem, info, gp, year: int) -> EarlyItem:
    """No additional tax, but Form 5329 must show the amount on lines 1 and 2 with the exception
    (i5329 Who Must File: 'the code shown is incorrect'; line 2 'Distributions incorrectly indicated
    as early distributions by code 1, J, or S ... received when you were age 59½ or older')."""
    role, why = _ROLE[info.not_early_by]
    code = "".join(c for c in info.legs[0].form.box7 if c in "1JS")
    number = gp.exception_numbers.for_role(role, year)
    item.excepted, item.why = item.amount, why.format(code=code)
    item.numbers = [number] if number else []
    return item


def _claim(item: EarlyItem, exceptions, claims: _Claims, vested: Decimal | None = None) -> EarlyItem:
    """Exceptions claimed (i5329 line 2): each covers its amount, or all that is left when blank; only
    numbers the i5329 table allows for the account ("does not apply to IRAs", "IRA distributions"),
    09 only within the lifetime limit left, and capped numbers within their cap. A cap is reported only
    for what the item's other claims leave taxed (two claims of 19 for twins are not a refusal)."""
    capped: list[tuple] = []
    for ex in exceptions:
        spec = claims.allowed.get(ex.number)
        if spec is not None and spec.role == "several" or spec is None and not claims.exists(ex.number):
            item.refused.append(("unknown", ex.number, claims.year, claims.highest))  # not an exception: 99 is a summary
            continue
        if spec is None:  # within the year's list but not transcribed: no account or cap check possible
            item.unverified.append(ex.number)
        elif not getattr(spec, item.account):
            item.refused.append(("account", ex.number, spec.meaning))
            continue
        if spec is not None and spec.once_a_year:  # IRC §72(t)(2)(I)(ii): one distribution a calendar year
            first = claims.first_form.setdefault(ex.number, item.form_id)
            if first != item.form_id:
                item.refused.append(("once", ex.number, first))
                continue
        part = claims.left(ex, item.amount - item.excepted)
        room, per = _room(spec, ex, claims, vested, item)
        share = _taxable_share(item)
        if room is not None:
            room_taxable = room if share is None else dollars(room * share)
            if part > room_taxable:
                capped.append(("cap", ex.number, part, room_taxable, per, claims.cap(spec),
                               None if share is None else room))
                part = room_taxable
        home_taxable = claims.home_room if share is None else dollars(claims.home_room * share)
        if ex.number == "09" and part > home_taxable:  # $10,000 of distributions (IRC §72(t)(8)(B))
            item.refused.append(("limit", "09", part, home_taxable, None if share is None else claims.home_room))
            part = home_taxable
        if part > 0:
            if ex.number == "09":
                took = part if share is None else min(_gross_of(part, item), claims.home_room)
                claims.home_room -= took
                item.home_used += took
            claims.used[id(ex)] = claims.used.get(id(ex), ZERO) + part
            if room is not None:  # the cap counts the distribution, basis included
                took = part if share is None else min(_gross_of(part, item), room)
                if spec.cap_per == "person":
                    claims.person_used[ex.number] = claims.person_used.get(ex.number, ZERO) + took
                else:  # one birth or adoption on several forms: one $5,000 (IRC §72(t)(2)(H)(ii))
                    key = _event_key(ex)
                    claims.cap_used[key] = claims.cap_used.get(key, ZERO) + took
            item.excepted += part
            item.numbers.append(ex.number)
    if item.excepted < item.amount:
        item.refused += capped
    return item


def _room(spec, ex, claims: _Claims, vested: Decimal | None, item: EarlyItem) -> tuple[Decimal | None, str]:
    """What a capped exception may still cover: per claim (19: $5,000 per birth or adoption, IRC §72(t)(2)(H)(ii)),
    or per person-year (22: IRC §72(t)(2)(K)(ii); 23: §72(t)(2)(I)(iii)), and within the vested balance just
    before the distribution where it is known (22: 50% of it; 23: what exceeds $1,000; Notice 2024-55)."""
    cap = claims.cap(spec)
    if cap is None:
        return None, ""
    per = spec.cap_per
    room = cap - (claims.person_used.get(ex.number, ZERO) if per == "person" else claims.cap_used.get(_event_key(ex), ZERO))
    if spec.balance_cap:
        if vested is None:
            item.unchecked.append((ex.number, spec.balance_cap, cap))
        else:
            limit = dollars_within(vested / 2 if spec.balance_cap == "half" else vested - cap)
            if limit < room:
                room, per = limit, "balance_" + spec.balance_cap
    return max(room, ZERO), per


def _taxable_share(item: EarlyItem) -> Decimal | None:
    """The includible share of the distribution behind an item, where basis made it less than all. A cap
    (09, 19, 22, 23) limits the distribution (IRC §72(t)(8)(B), (2)(H)(ii), (I)(iii), (K)(ii)), and each dollar of an IRA or
    plan distribution is taxable pro rata (IRC §72(e)(8), §408(d)(2)): $1,000 of a $1,500 IRA distribution
    that is 80% taxable excepts $800. A Roth IRA's items are capped on what is taxable (ordering rules)."""
    if item.gross is None or item.gross <= item.amount or item.gross <= 0:
        return None
    return item.amount / item.gross


def _gross_of(part: Decimal, item: EarlyItem) -> Decimal:
    """The distribution behind `part` of an item's taxable amount, in whole dollars."""
    return dollars(part * item.gross / item.amount)


def _event_key(ex) -> object:
    """What a per-claim cap is counted on: the event named (shared across forms), else the claim itself."""
    event = (ex.event or "").strip().lower()
    return ("event", ex.number, event) if event else id(ex)


def _vested(form) -> Decimal | None:
    """The balance just before the distribution, where the 1099-R's facts give it (a plan account; a separate
    after-tax contract's balance is not the whole vested balance)."""
    pa = form.plan_account
    return pa.balance if pa is not None and not pa.separate_after_tax_contract else None


def separated_at_55(person, info, gp) -> bool:
    """Separation from service in or after the year of reaching 55 (50 public safety, or 25 years of service
    under the plan if earlier: IRC §72(t)(10), SECURE 2.0 §329), the distribution paid after it; plans only."""
    year = person.separation_year
    if year is None or paid_before_separation(person, info):
        return False
    years = person.public_safety_service_years
    if (person.public_safety_employee and years is not None and years >= gp.periods.public_safety_service_years.value
            and info.paid > gp.law_dates.public_safety_service_after.value):
        return True
    if person.birth_date is None:
        return False
    age = gp.ages.separation_public_safety if person.public_safety_employee else gp.ages.separation_from_service
    return year >= date_at_age(person.birth_date, age.years).year


def paid_before_separation(person, info) -> bool:
    """Exception 01 is for distributions made "after separation from service" (IRC §72(t)(2)(A)(v)): one paid in
    a year before the separation's, or before its date, is not covered. One paid on the day itself is taken as
    after it (no finer time is known)."""
    sep, year = person.separated_from_service_date, person.separation_year
    if sep is not None:
        return info.paid < sep
    return year is not None and info.paid.year < year


def _against_facts(exceptions, person, f) -> tuple[list, list]:
    """Exceptions claimed against a fact the scenario states (not merely leaves at its default): 03 for a person
    given as not disabled (IRC §72(t)(2)(A)(iii), §72(m)(7)), 02 on a 1099-R given as not part of a series of
    substantially equal periodic payments (§72(t)(2)(A)(iv)). Refused; the rest stand."""
    keep, refused = [], []
    for ex in exceptions:
        if ex.number == "03" and not person.disabled and "disabled" in person.model_fields_set:
            refused.append(("03_not_disabled", "03"))
        elif ex.number == "02" and not f.sepp and "sepp" in f.model_fields_set:
            refused.append(("02_not_sepp", "02"))
        else:
            keep.append(ex)
    return keep, refused


def _against_01(exceptions, person, info, gp, res) -> tuple[list, list]:
    """Exception 01 claimed where the scenario's facts rule it out (IRC §72(t)(2)(A)(v); Pub. 575): a code D annuity,
    the 1099-R marked as another employer's plan, a payment made before the separation, or a separation before the
    year of reaching 55 (50). And 02 paid by a plan before the separation from the employer whose plan it is (as the
    1099-R says, else when it is the person's one plan payer): from a plan, the series must begin after the
    separation (IRC §72(t)(3)(B); i5329 line 2, exception 02). Those claims are refused; the rest stand."""
    keep, refused = [], []
    f = info.legs[0].form
    for ex in exceptions:
        if ex.number == "02" and paid_before_separation(person, info) and _separating_plan(res, info):
            refused.append(("02_before", "02", info.paid, person.separated_from_service_date or person.separation_year))
            continue
        if ex.number == "01":
            if nonqualified_annuity(f):  # §72(q)(2) has no separation-from-service exception
                refused.append(("01_annuity", "01"))
                continue
            if f.separating_employer is False:
                refused.append(("01_plan", "01"))
                continue
            if paid_before_separation(person, info):
                refused.append(("01_before", "01", info.paid, person.separated_from_service_date or person.separation_year))
                continue
            if person.separation_year is not None and person.birth_date is not None \
                    and not separated_at_55(person, info, gp):
                age = gp.ages.separation_public_safety if person.public_safety_employee else gp.ages.separation_from_service
                refused.append(("01_year", "01", person.separation_year, age.years,
                                date_at_age(person.birth_date, age.years).year))
                continue
        keep.append(ex)
    return keep, refused


def _separating_plan(res, info) -> bool:
    """Exception 01 covers the plan of the employer left, not an earlier employer's (IRC §72(t)(2)(A)(v);
    Pub. 575): as the 1099-R says, else only when it is the person's one plan payer of the year."""
    f = info.legs[0].form
    if f.separating_employer is not None:
        return f.separating_employer
    payers = {payer_key(i.legs[0].form) for i in res.forms.values()
              if i.person == info.person and i.source in (Account.plan, Account.designated_roth)}
    return len(payers) == 1


def declare(res, who: str, gp, yp=None) -> None:
    g = res.graph
    f = Form(g, f"f5329.{who}")
    rate = gp.rates.early_distribution.value
    simple_rate = gp.rates.simple_early.value
    g.fact(f"{who}.rates.early", rate, "Additional tax rate", gp.rates.early_distribution.source)
    g.fact(f"{who}.rates.simple", simple_rate, "SIMPLE IRA first-two-years rate", gp.rates.simple_early.source)
    f.line("items", "Early distributions by form", "i5329 line 1", "taxable, early, not excepted in box 7",
           lambda g: early_items(res, who, gp, yp))
    f.line("1", "Early distributions includible in income", "i5329 line 1", "sum of early items",
           lambda g: sum((i.amount for i in f["items"]), ZERO))
    f.line("2", "Early distributions not subject to the additional tax", "i5329 line 2", "exceptions claimed",
           lambda g: sum((i.excepted for i in f["items"]), ZERO))
    f.line("2_exception", "Exception number", "i5329 line 2", "one number, or 99 (2023+) / 12 (before) for several",
           lambda g: _exception_no(g, f["items"], res.scenario.tax_year))
    f.line("3", "Amount subject to additional tax", "i5329 line 3", "L1 - L2", lambda g: f.z("1") - f.z("2"))
    f.line("simple_part", "Part of line 3 from SIMPLE IRAs in the first two years", "i5329 line 4 caution", "code S items",
           lambda g: sum((i.amount - i.excepted for i in f["items"] if i.simple), ZERO))
    f.line("4", "Additional tax (to Schedule 2 line 8)", "i5329 line 4", "10% x (L3 - SIMPLE part) + 25% x SIMPLE part",
           lambda g: dollars(g[f"{who}.rates.early"] * (f.z("3") - f.z("simple_part"))
                             + g[f"{who}.rates.simple"] * f.z("simple_part")))
    f.line("required", "Form 5329 must be filed", "i5329 Who Must File",
           "an exception not shown in box 7, or tax not reported by the code 1 shortcut",
           lambda g: f.z("2") > 0 or any(i.kind in ("roth", "recapture") for i in f["items"])
           or (f.z("4") > 0 and not all(_code1(res, i) for i in f["items"])))


def _code1(res, item) -> bool:
    """The i5329 shortcut: code 1 shown and the tax owed on the full amount of the 1099-R (box 2a)."""
    info = res.forms.get(item.form_id)
    if info is None or "1" not in info.legs[0].form.box7 or item.excepted:
        return False
    f = info.legs[0].form
    return item.amount == (f.box2a if f.box2a is not None else f.box1)


def _exception_no(g, items, year: int):
    for i in items:
        if i.excepted and not i.numbers and i.why:
            g.provisional(f"{i.form_id}: {i.why}; the {year} i5329 number for this is not transcribed "
                          "(general.yaml exception_numbers)")
    nums = sorted({n for i in items for n in i.numbers})
    if not nums:
        return None
    if len(nums) == 1:
        return nums[0]
    # several exceptions: 99 from 2023, "12 Other" before (i5329; rules.md §8.2; params exception_numbers)
    from taxdocs.params import general
    known = general().exception_numbers.for_year(year)
    return "99" if "99" in known else "12"
