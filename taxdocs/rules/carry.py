"""What this year leaves for next year, per person: basis, Roth layers, clocks, rollover dates, QCD offset totals,
the year of the HSA funding distribution.

The ledger stores this; next year's scenario takes it when its own facts are blank.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

from taxdocs.core.money import ZERO, dollars, z
from taxdocs.model.scenario import UseKind
from taxdocs.rules import rollovers, roth
from taxdocs.rules.f5329 import homebuyer_used
from taxdocs.rules.facts import deposit_year, inherited_roth_ledger_name, is_conversion, plan_into_roth
from taxdocs.rules.legs import valid_legs


@dataclass
class CarryForward:
    year: int                                   # the tax year that produced these figures
    ira_basis: Decimal                          # Form 8606 line 14 (or basis kept when Part I was skipped)
    roth_contribution_basis: Decimal            # regular contributions not yet distributed (next line 22 start)
    conversion_layers: list[dict] = field(default_factory=list)  # year, amount, taxable, distributed
    roth_first_year: Optional[int] = None
    roth_first_year_assumed: bool = False       # the latest it can be, not a year given (carried as a bound)
    ira_rollover_dates: list[date] = field(default_factory=list)  # 60-day IRA-to-IRA rollovers (once-per-year rule)
    year_end_value: Optional[Decimal] = None
    notes: list[str] = field(default_factory=list)
    # QCD offset totals through this year (IRC §408(d)(8)(A) last sentence; Pub. 590-B QCD Adjustment Worksheet)
    deductions_after_70_half: Decimal = ZERO    # IRA deductions allowed for years ending on or after 70½
    qcd_reductions: Decimal = ZERO              # what they have already taken off QCDs
    hfd_year: Optional[int] = None              # the year of the one HSA funding distribution (IRC §408(d)(9)(C)(ii))
    homebuyer_used: Decimal = ZERO              # first-time homebuyer distributions through this year (IRC §72(t)(8)(B))


def carry_forward(res, who: str) -> CarryForward:
    g, y = res.graph, res.scenario.tax_year
    person = res.scenario.person(who)
    f = f"f8606.{who}"
    notes: list[str] = []
    basis = z(g[f"{f}.basis_next_year"])
    layers = [roth.Layer(l.year, l.amount, l.taxable, l.distributed) for l in g[f"{who}.roth.layers"]]
    if g[f"{f}.part2"]:
        layers.append(roth.Layer(y, z(g[f"{f}.line16"]), z(g[f"{f}.line18"])))
    if g[f"{who}.roth.plan_rollovers"]:
        layers.append(roth.Layer(y, g[f"{who}.roth.plan_rollovers"], g[f"{who}.roth.plan_rollovers_taxable"]))
    layers = roth.by_year(layers)  # a year's conversions and rollovers are one (Reg. §1.408A-6 Q&A-9)
    contrib = g[f"{who}.roth.contribution_basis"] + g[f"{who}.roth.contributions_this_year"] + g[f"{who}.roth.drac_basis_rolled_in"]
    order = g[f"{f}.roth_ordering"]
    if order is not None:
        # contributions: less line 19, qualified homebuyer amount included (i8606 line 22 worksheet); the
        # conversions: less what line 23 (line 21 less line 22) took of them (i8606 line 24 chart)
        contrib -= min(z(g[f"{f}.line19"]), max(contrib, ZERO))
        used = {}
        for s in order.slices:
            used[s.year] = used.get(s.year, ZERO) + s.taxable_part + s.nontaxable_part
        for layer in sorted(layers, key=lambda l: l.year):
            take = min(used.get(layer.year, ZERO), layer.left)
            layer.distributed += take
            used[layer.year] = used.get(layer.year, ZERO) - take
    layers = _by_deposit_year(res, who, layers)
    first = g[f"{who}.roth.first_year"]
    assumed = False
    if first is None:
        # not given: the latest it can be, the earliest year money is known to have gone into a Roth IRA (a conversion
        # or rollover is a Roth contribution, Reg. §1.408A-6 Q&A-2). Carried as a bound (assumed), never as the year:
        # a bound read as the year would make a period not met instead of unknown
        this_year = any(l.year == y for l in layers) or g[f"{who}.roth.contributions_this_year"] > 0
        at_latest = person.roth.first_year_at_latest
        # a layer of next year (deposited in January) bounds it too, kept across a gap in the ledger, which
        # carries the first year but not the layers; with none of these the layers carried bound it next year
        if this_year or at_latest is not None or any(l.year > y for l in layers):
            years = [l.year for l in layers] + ([y] if this_year else []) + ([at_latest] if at_latest is not None else [])
            first, assumed = min(years), True
            notes.append(f"first Roth IRA year not given: {first} at the latest (the earliest year money went into a "
                         "Roth IRA on record); an earlier Roth IRA would start the 5-year period sooner")
    dates = [r.distribution_date for r in person.rollovers_last_12_months]
    for info in res.forms.values():
        if info.person == who:
            dates += [info.legs[0].form.received_on or info.paid for l in info.legs
                      if rollovers.counts_once_per_year(l, info.source)]
    yev = g[f"{who}.ira.year_end_value"] if g.status(f"{who}.ira.year_end_value") == "complete" else None
    # QCD offset totals; not declared means both 0 (taxdocs.rules.facts declares them when either may be above 0)
    qcd = [g[k] if g.has(k) else ZERO for k in (f"{who}.ira.deductions_after_70_half_next_year",
                                                  f"{who}.ira.qcd_reductions_next_year")]
    hfd = person.earlier_hfd_year
    if hfd is None and valid_legs(res.forms, who, UseKind.hfd):
        hfd = y
    # the $10,000 lifetime limit: earlier years' use and this year's (Form 8606 line 20, exception 09)
    home = person.roth.prior_homebuyer + homebuyer_used(g, who)
    return CarryForward(y, basis, max(contrib, ZERO),
                        [{"year": l.year, "amount": l.amount, "taxable": l.taxable, "distributed": l.distributed}
                         for l in sorted(layers, key=lambda l: l.year)],
                        first, assumed, sorted(dates), yev, notes, *qcd, hfd, home)


def _by_deposit_year(res, who: str, layers: list[roth.Layer]) -> list[roth.Layer]:
    """This year's conversions and rollovers into Roth IRAs that reached the Roth IRA next year (paid in December,
    deposited in January) become a layer of next year. They are taxed in the year paid, but each one's 5-year period
    begins with "the taxable year in which the contribution was made" (IRC §408A(d)(3)(F)(i)(II)), as does the
    qualified-distribution period when it is the first (Reg. §1.408A-6 A-2: "in which the first conversion
    contribution is made"). A late IRA conversion takes its pro-rata share of line 18 (one ratio for all of the
    year's conversions, lines 16-18), a late plan rollover its own taxable part."""
    g, y = res.graph, res.scenario.tax_year
    f = f"f8606.{who}"
    late_ira = late_plan = late_plan_taxable = ZERO
    for i in res.forms.values():
        if i.person != who:
            continue
        for l in i.legs:
            if deposit_year(l, y) <= y:
                continue
            if is_conversion(l, i.source):
                late_ira += l.amount
            elif plan_into_roth(l, i.source):
                late_plan += l.amount
                late_plan_taxable += l.taxable
    if late_ira + late_plan <= 0:
        return layers
    now = next((l for l in layers if l.year == y), None)
    if now is None:
        return layers
    line16 = z(g[f"{f}.line16"]) if g[f"{f}.part2"] else ZERO
    ira_taxable = dollars(z(g[f"{f}.line18"]) * late_ira / line16) if line16 > 0 else ZERO
    amount = min(late_ira + late_plan, now.amount)
    # whole dollars: the part that stays keeps no more taxable money than its amount
    taxable = max(min(ira_taxable + late_plan_taxable, now.taxable, amount), now.taxable - (now.amount - amount))
    return _split(layers, now, roth.Layer(y + 1, amount, taxable))


def _split(layers: list[roth.Layer], now: roth.Layer, nxt: roth.Layer) -> list[roth.Layer]:
    """Take `nxt` (amount and taxable part) out of the year's layer `now`. What this year's distributions took of
    `now` was its taxable part first (Reg. §1.408A-6 A-8(b)); it is taken from the part that stays first, taxable then
    nontaxable, so that neither part is left with taxable money that was already taken."""
    stays, stays_taxable = now.amount - nxt.amount, now.taxable - nxt.taxable
    took_taxable = min(now.distributed, now.taxable)
    took_rest = now.distributed - took_taxable
    from_stays = min(took_taxable, stays_taxable)
    nxt.distributed = took_taxable - from_stays
    rest_stays = min(took_rest, stays - stays_taxable)
    from_stays += rest_stays
    nxt.distributed += took_rest - rest_stays
    now.amount, now.taxable, now.distributed = stays, stays_taxable, from_stays
    return roth.by_year([l for l in layers if l is not now or stays > 0] + [nxt])


def inherited_roth_left(res, who: str) -> dict[str, dict]:
    """The basis each decedent's inherited Roth IRAs still hold after this year's Form 8606 Part III of their own,
    by decedent (the 1099-Rs' `decedent`, else payer and account): contributions first, less line 19; then the
    conversions and rollovers, less what line 23 took of them (i8606 lines 22-24, as for one's own Roth IRAs).
    Left out: a decedent whose basis was not given (taken as 0: not a figure to carry)."""
    g, out = res.graph, {}
    for ref in res.inherited:
        if not ref.roth or ref.who != who:
            continue
        k = f"f8606.{ref.key}"
        if g.status(f"{ref.key}.roth.contribution_basis") != "complete":
            continue
        contrib, conv = g[f"{ref.key}.roth.contribution_basis"], g[f"{ref.key}.roth.conversion_basis_prior"]
        used = min(z(g[f"{k}.line19"]), contrib)
        took = min(z(g[f"{k}.line23"]), conv)
        forms = [i.legs[0].form for i in res.forms.values() if i.form_id in ref.forms]
        first = [f.decedent_first_roth_year for f in forms if f.decedent_first_roth_year is not None]
        out[inherited_roth_ledger_name(forms[0])] = {"basis": contrib - used + conv - took, "conversion_basis": conv - took,
                                                     "first_year": min(first) if first else None}
    return out
