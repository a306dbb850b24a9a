"""Carry forward from the ledger: fill a scenario's blank prior-year facts.

    from taxdocs.ledger import open_store
    from taxdocs.ledger.carry import fill_from_ledger

    filled, findings = fill_from_ledger(scenario, open_store(url))
    res = compute(filled, file)            # then report `findings` with the check findings

`fill_from_ledger(scenario, store) -> (Scenario, list[Finding])` is pure: it reads the ledger,
never writes it, and never changes `scenario` (it returns a filled deep copy). Per person, keyed
by (person.client_id or scenario.client_id, SSN key), it looks at the ledger's current version of
the previous tax year and fills each fact the scenario leaves blank:

| scenario fact (blank =)                          | from the ledger's previous year                         |
|--------------------------------------------------|---------------------------------------------------------|
| ira.prior_basis (None)                           | Form 8606 line 14 (basis carried, rules.md §4.3 line 2)  |
| ira.ever_nondeductible (None)                    | True when that basis is more than 0                      |
| roth.contribution_basis (None)                   | regular-contribution basis left (line 22 start)          |
| roth.conversions ([])                            | conversion / plan-rollover layers, `distributed` updated |
| roth.first_contribution_year (None)              | first Roth IRA year (5-year clock, rules.md §7.1)        |
| rollovers_last_12_months ([])                    | IRA-to-IRA 60-day rollover dates whose 12 months reach   |
|                                                  | into this year (rules.md §6.4)                           |
| ira.deductions_after_70_half_prior (None)        | IRA deductions after 70½ through that year (QCD offset,  |
|                                                  | IRC §408(d)(8)(A)); a 0 stays blank, which means 0       |
| ira.qcd_reductions_prior (None)                  | QCD reductions through that year; likewise               |
| inherited_iras[n].basis (not given)              | that decedent's IRAs' own Form 8606 line 14, by name     |
| earlier_hfd_year (None)                          | the year of an HSA funding distribution, from any        |
|                                                  | earlier year (one in a lifetime), gap or not              |
| roth.prior_homebuyer (not given)                 | first-time homebuyer distributions through that year     |
|                                                  | ($10,000 lifetime limit; Form 8606 line 20 and 09)       |
| an inherited Roth IRA 1099-R's                   | what that decedent's Roth IRAs had left after their own  |
| decedent_roth_basis (None), its conversion part, | Form 8606 Part III (lines 22, 24 less what was taken),   |
| decedent_first_roth_year (None)                  | and the decedent's first Roth year, by decedent          |

A year recorded before the ledger kept the two QCD offset totals (schema 0003) has none (NULL):
they are not filled from it and never disagree with it; with a QCD this year and both left blank,
LEDGER_QCD_TOTALS_NOT_RECORDED (warning) asks for them.

Findings (taxdocs.checks.finding.Finding):
- LEDGER_DISAGREES (warning): the scenario gives a fact and the ledger has a different one; the
  scenario's value is kept, the message shows both.
- LEDGER_GAP (warning): the previous year is not in the ledger but an earlier one is. Nothing
  year-dependent is filled (the missing year may have changed it); only `ever_nondeductible` and
  the first Roth year, which no later year can change.
- LEDGER_PROVISIONAL (warning): a filled figure rested on an assumption when that year was committed.
- LEDGER_STALE (warning): a recorded year was committed from an earlier year as it was then, and that
  year was amended since with other carried facts; what is filled may be out of date (filled as recorded).
- LEDGER_FILLED (info): what was filled, from which year and version.
- LEDGER_NO_CLIENT_ID / LEDGER_NO_HISTORY / LEDGER_OTHER_CLIENT (info): nothing could be filled, and why.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

from taxdocs.checks.finding import Finding
from taxdocs.core.dates import add_months
from taxdocs.core.money import fmt
from taxdocs.ledger import keys

if TYPE_CHECKING:  # pragma: no cover
    from taxdocs.ledger.store import LedgerStore
    from taxdocs.model.scenario import Scenario

R_BASIS = "Form 8606 line 2 = prior-year line 14 (i8606; rules.md §4.3)"
R_HFD = "IRC §408(d)(9)(C)(ii) (one HSA funding distribution in a lifetime)"
R_HOMEBUYER = "IRC §72(t)(8)(B), §408A(d)(5) ($10,000 of first-time homebuyer distributions in a lifetime)"
R_ROTH_BASIS = "Form 8606 line 22, Basis in Regular Roth IRA Contributions (i8606; rules.md §4.3)"
R_LAYERS = "Form 8606 line 24; Reg. §1.408A-6 Q&A-8 ordering (rules.md §7.3)"
R_FIRST = "IRC §408A(d)(2)(B): the 5-taxable-year period (rules.md §7.1)"
R_INHERITED_ROTH = "Form 8606 lines 22 and 24 of the inherited Roth IRA's own Form 8606 (i8606 Who Must File; rules.md §4.1)"
R_ONCE = "IRC §408(d)(3)(B): one IRA-to-IRA rollover per 12 months (rules.md §6.4)"
R_QCD = "IRC §408(d)(8)(A) last sentence; Pub. 590-B QCD Adjustment Worksheet"


def _money(x) -> str:
    return "blank" if x is None else fmt(Decimal(keys.money_text(Decimal(x))))


def _layers_text(layers: list[dict]) -> str:
    if not layers:
        return "none"
    return "; ".join(f"{l['year']}: {_money(l['amount'])} (taxable {_money(l['taxable'])}, "
                     f"distributed {_money(l['distributed'])})" for l in layers)


def _norm_layers(layers) -> list[tuple]:
    out = []
    for l in layers:
        d = l if isinstance(l, dict) else {"year": l.year, "amount": l.amount, "taxable": l.taxable,
                                           "distributed": l.distributed}
        out.append((int(d["year"]), Decimal(d["amount"]), Decimal(d["taxable"]), Decimal(d["distributed"])))
    return sorted(out)


def rollover_dates_reaching(dates: list[date], tax_year: int) -> list[date]:
    """Dates (of receipt, else of payment) whose 12-month period runs into `tax_year` (same add-12-months rule as
    taxdocs.rules.rollovers.check_once_per_year), a receipt in `tax_year` itself included: a check paid in December
    and received in January bars a rollover until the next January (IRC §408(d)(3)(B); Pub. 590-A)."""
    start, end = date(tax_year, 1, 1), date(tax_year + 1, 1, 1)
    return sorted({d for d in dates if d < end and add_months(d, 12) > start})


def fill_from_ledger(scenario: "Scenario", store: "LedgerStore | str") -> tuple["Scenario", list[Finding]]:
    """Return (a filled copy of `scenario`, findings). See the module docstring.

    `store`: an open `LedgerStore`, or a ledger URL / path (opened without creating it, and
    closed again; a missing ledger is a `LedgerError`)."""
    if not hasattr(store, "current_years"):
        from taxdocs.ledger.store import open_store
        with open_store(store, create=False) as opened:
            return fill_from_ledger(scenario, opened)
    sc = scenario.model_copy(deep=True)
    findings: list[Finding] = []
    for who, person in sc.people():
        findings += _fill_person(sc, who, person, store)
    return sc, findings


def _finding(code, severity, message, rule, fix, who, field="", **data) -> Finding:
    return Finding(code, severity, message, rule, fix, record=who, field=field, data=keys.canon(data))


def _fill_person(sc, who: str, person, store) -> list[Finding]:
    from taxdocs.model.scenario import ConversionLayer, Rollover, same_decedent

    out: list[Finding] = []
    y = sc.tax_year
    name = f"{who} ({person.ssn_last4})"
    person._inherited_roth = {}  # only what this fill finds (a copy of a scenario filled before carries its own)
    cid = person.client_id or sc.client_id
    if not cid:
        return [_finding("LEDGER_NO_CLIENT_ID", "info", f"{name}: no client_id, so the ledger was not consulted",
                         "taxdocs ledger (docs/ledger.md)", "Set client_id in the scenario (or on the person).", who,
                         "client_id")]
    key = keys.ssn_key(person.ssn)
    record = store.person(cid, key)
    prior = [r for r in record.current() if r.tax_year < y] if record else []
    if not prior:
        others = [c for c in store.clients_of(key) if c != cid]
        if others:
            # a warning when what is recorded there would carry (basis, Roth history): it is not used here
            held = []
            for c in others:
                rec = store.person(c, key)
                last = [r for r in rec.current() if r.tax_year < y][-1:] if rec else []
                if last and (last[0].facts.ira_basis or last[0].facts.roth_contribution_basis
                             or last[0].facts.conversion_layers or last[0].facts.inherited_basis):
                    held.append(f"{c} ({last[0].tax_year})")
            carried = (f"; {', '.join(held)} holds basis or Roth history that is not used this year" if held else "")
            return [_finding("LEDGER_OTHER_CLIENT", "warning" if held else "info",
                             f"{name}: the ledger has no year before {y} under client {cid}, but has this SSN under "
                             f"client {', '.join(others)}{carried}", "taxdocs ledger (docs/ledger.md)",
                             "Check the client_id; the ledger is keyed by client id and SSN. To move the history, "
                             "give the prior-year facts here (`taxdocs ledger show` the other client), or commit "
                             "under the old id.", who, "client_id", client_id=cid, other_clients=others)]
        return [_finding("LEDGER_NO_HISTORY", "info", f"{name}: no year before {y} in the ledger for client {cid}; "
                         "prior-year facts are as given", "taxdocs ledger (docs/ledger.md)",
                         "Nothing to do for a first year; otherwise seed the ledger (`taxdocs ledger seed`).", who,
                         client_id=cid)]
    last = prior[-1]
    f = last.facts
    src = f"the ledger's {last.tax_year} (version {last.version})"
    filled: list[str] = []
    ira, roth = person.ira, person.roth

    def disagree(field: str, what: str, given, ledger, rule: str, used: str = "The scenario's value is used."):
        out.append(_finding(
            "LEDGER_DISAGREES", "warning",
            f"{name}: {what}: the scenario gives {given}; {src} has {ledger}. {used}",
            rule, f"Check the {last.tax_year} return as filed. Correct {who}.{field}, leave it blank to take the "
            f"ledger's value, or record the correction with `taxdocs ledger commit --amend` on the {last.tax_year} "
            "scenario.", who, f"{who}.{field}", scenario=given, ledger=ledger, ledger_year=last.tax_year,
            ledger_version=last.version))

    if last.tax_year != y - 1:
        missing = list(range(last.tax_year + 1, y))
        out.append(_finding(
            "LEDGER_GAP", "warning",
            f"{name}: the ledger has {last.tax_year} but not {', '.join(map(str, missing))}; the basis, Roth "
            f"contribution basis, conversion layers, rollover dates and QCD offset totals"
            + (", and the basis of Roth IRAs inherited from " + ", ".join(sorted(last.facts.inherited_roth))
               if last.facts.inherited_roth else "")
            + f" were not filled from {last.tax_year} because the missing year(s) may have changed them",
            "Form 8606 line 2 (most recent 8606 line 14 plus later contributions; rules.md §4.1, §4.3)",
            f"Commit the missing year(s) ({', '.join(map(str, missing))}), or give the prior-year facts in the "
            "scenario.", who, f"{who}.ira.prior_basis", ledger_year=last.tax_year, missing_years=missing))
        # facts no later year can undo
        if ira.ever_nondeductible is None and any(r.facts.ira_basis > 0 for r in prior):
            ira.ever_nondeductible = True
            filled.append("ever_nondeductible = true")
        _fill_first_year(roth, prior, filled, disagree)
        _fill_hfd_year(sc, who, person, prior, store, cid, filled, disagree)
        _fill_homebuyer(person, last, src, filled, disagree, gap=True)
        out.extend(_fill_inherited_roth(sc, who, person, last.facts.inherited_roth, filled, name, src, last,
                                        basis=False))
        if filled:
            out.append(_filled(name, who, src, filled))
        return out

    stale = stale_link(record.years, prior)
    if stale is not None:
        later, earlier, what = stale
        years = ", ".join(str(r.tax_year) for r in prior if r.tax_year >= later.tax_year)
        how = (f"{later.tax_year} (version {later.version}) was committed from {earlier.tax_year} as it was then; "
               f"{earlier.tax_year} was amended since (now version {earlier.version}: {what})" if what else
               f"{later.tax_year} (version {later.version}) was committed before {earlier.tax_year} was recorded, "
               f"without {earlier.tax_year}'s basis and Roth history")
        out.append(_finding(
            "LEDGER_STALE", "warning",
            f"{name}: {how}, so {years} may carry out-of-date figures into {y}. They are filled as recorded.",
            R_BASIS, f"Commit {years} again with `taxdocs ledger commit --amend`, oldest first, then rerun {y}.",
            who, f"{who}.ira.prior_basis", ledger_year=later.tax_year, amended_year=earlier.tax_year,
            amended_version=earlier.version, changed=what))

    provisional = set(f.provisional)

    def warn_provisional(label: str, what: str, field: str):
        if label in provisional:
            # the filled fact rests on that assumption too: provisional in this year's figures, and so in what this
            # year leaves for the next (it does not turn firm after one year)
            person._assumed[f"{field}"] = (f"filled from the ledger's {last.tax_year}, where it rested on an "
                                           "assumption (finding LEDGER_PROVISIONAL)")
            out.append(_finding("LEDGER_PROVISIONAL", "warning",
                                f"{name}: {what} filled from {src} rested on an assumption when that year was "
                                "committed", rule_for(label), f"Check the {last.tax_year} figures; amend that year "
                                "if it was wrong.", who, f"{who}.{field}", ledger_year=last.tax_year))

    # traditional IRA basis (Form 8606 line 14 -> next year's line 2)
    if ira.prior_basis is None:
        ira.prior_basis = f.ira_basis
        person._from_ledger["ira.prior_basis"] = f"ledger: {src}, Form 8606 line 14"
        filled.append(f"prior_basis {_money(f.ira_basis)} (line 14)")
        warn_provisional("ira_basis", "the prior-year basis", "ira.prior_basis")
    elif Decimal(ira.prior_basis) != f.ira_basis:
        disagree("ira.prior_basis", f"prior-year basis (Form 8606 line 14 of {last.tax_year})",
                 _money(ira.prior_basis), _money(f.ira_basis), R_BASIS)
    if f.ira_basis > 0 or any(r.facts.ira_basis > 0 for r in prior):
        if ira.ever_nondeductible is None:
            ira.ever_nondeductible = True
            filled.append("ever_nondeductible = true")
        elif ira.ever_nondeductible is False:
            basis_years = [r.tax_year for r in prior if r.facts.ira_basis > 0]
            disagree("ira.ever_nondeductible", "nondeductible contributions in an earlier year", "no",
                     f"basis in {', '.join(map(str, basis_years))}", R_BASIS)

    # Roth IRA regular-contribution basis; a 0 that was never given stays blank (not given: the engine takes it as 0
    # and asks when a Roth IRA distribution needs it, finding ROTH_BASIS_MISSING)
    unknown = f.roth_basis_unknown and f.roth_contribution_basis == 0
    if roth.contribution_basis is None:
        if not unknown:
            roth.contribution_basis = f.roth_contribution_basis
            person._from_ledger["roth.contribution_basis"] = f"ledger: {src}, Roth IRA contribution basis left"
            filled.append(f"Roth contribution basis {_money(f.roth_contribution_basis)}")
            warn_provisional("roth_contribution_basis", "the Roth contribution basis", "roth.contribution_basis")
    elif Decimal(roth.contribution_basis) != f.roth_contribution_basis and not unknown:
        disagree("roth.contribution_basis", "Roth IRA contribution basis", _money(roth.contribution_basis),
                 _money(f.roth_contribution_basis), R_ROTH_BASIS)

    # conversion and plan-rollover layers
    if not roth.conversions:
        if f.conversion_layers:
            roth.conversions = [ConversionLayer(year=l["year"], amount=l["amount"], taxable=l["taxable"],
                                                distributed=l["distributed"]) for l in f.conversion_layers]
            filled.append(f"{len(f.conversion_layers)} conversion layer(s)")
            warn_provisional("conversion_layers", "the conversion layers", "roth.conversions")
    elif _norm_layers(roth.conversions) != _norm_layers(f.conversion_layers):
        disagree("roth.conversions", "conversion layers",
                 _layers_text([{"year": l.year, "amount": l.amount, "taxable": l.taxable,
                                "distributed": l.distributed} for l in sorted(roth.conversions, key=lambda l: l.year)]),
                 _layers_text(f.conversion_layers), R_LAYERS)

    # IRAs inherited with basis: each decedent's own Form 8606 line 14 -> that IRA's basis (rules.md §4.1, §5.1)
    for decedent, value in f.inherited_basis.items():  # basis recorded, but no inherited IRA of that name now
        if value and not any(same_decedent(decedent, e.decedent) for e in person.inherited_iras):
            out.append(_finding(
                "LEDGER_INHERITED_UNLISTED", "warning",
                f"{name}: {src} has {_money(value)} of basis in IRAs inherited from {decedent} (their own Form 8606 "
                f"line 14), but {who}.inherited_iras does not list {decedent}: that basis is not used this year.",
                R_BASIS, f"If those IRAs still hold money, list them under {who}.inherited_iras with decedent "
                f"{decedent!r} (the same spelling) and this year's Dec 31 value; the basis is then filled.",
                who, f"{who}.inherited_iras", decedent=decedent, ledger=value, ledger_year=last.tax_year))
    for i, entry in enumerate(person.inherited_iras):
        value = next((v for k, v in f.inherited_basis.items() if same_decedent(k, entry.decedent)), None)
        if value is None:
            continue
        if "basis" not in entry.model_fields_set:
            entry.basis = value
            filled.append(f"basis {_money(value)} in the IRAs inherited from {entry.decedent}")
        elif Decimal(entry.basis) != value:
            disagree(f"inherited_iras[{i}].basis", f"basis in the IRAs inherited from {entry.decedent} (their own "
                     f"Form 8606 line 14 of {last.tax_year})", _money(entry.basis), _money(value), R_BASIS)

    # Roth IRAs inherited from each decedent: the basis their own Form 8606 Part III left, and the decedent's first year
    out.extend(_fill_inherited_roth(sc, who, person, f.inherited_roth, filled, name, src, last))

    # first Roth IRA year (five-year clock)
    _fill_first_year(roth, prior, filled, disagree)

    _fill_hfd_year(sc, who, person, prior, store, cid, filled, disagree)

    _fill_homebuyer(person, last, src, filled, disagree)

    # IRA-to-IRA rollovers within 12 months (once-per-year rule)
    reach = rollover_dates_reaching(f.ira_rollover_dates, y)
    if reach:
        if not person.rollovers_last_12_months:
            person.rollovers_last_12_months = [Rollover(distribution_date=d, note=f"from the ledger ({last.tax_year})")
                                               for d in reach]
            filled.append("rollover date(s) " + ", ".join(d.isoformat() for d in reach))
        else:
            given = {r.distribution_date for r in person.rollovers_last_12_months}
            missing = [d for d in reach if d not in given]
            if missing:
                disagree("rollovers_last_12_months", "IRA-to-IRA rollovers in the last 12 months",
                         ", ".join(sorted(d.isoformat() for d in given)),
                         ", ".join(d.isoformat() for d in reach), R_ONCE)

    # QCD offset totals (IRC §408(d)(8)(A) last sentence); None: that year was recorded before the ledger kept them
    if (f.deductions_after_70_half is None and f.qcd_reductions is None and _has_use(sc, who, "qcd")
            and ira.deductions_after_70_half_prior is None and ira.qcd_reductions_prior is None):
        out.append(_finding(
            "LEDGER_QCD_TOTALS_NOT_RECORDED", "warning",
            f"{name}: there is a QCD this year, but {src} was recorded before the ledger kept the QCD offset totals "
            "(IRA deductions allowed after 70½, and what they already took off QCDs); none were filled, so the QCD "
            "is reduced only by this year's deduction", R_QCD,
            "Give ira.deductions_after_70_half_prior and ira.qcd_reductions_prior (0 if no IRA deduction was taken "
            "for a year after 70½), or commit the earlier years again (`taxdocs ledger commit --amend`).",
            who, f"{who}.ira.deductions_after_70_half_prior", ledger_year=last.tax_year))
    for fld, label, what in (
            ("deductions_after_70_half_prior", "deductions_after_70_half", "IRA deductions after 70½"),
            ("qcd_reductions_prior", "qcd_reductions", "QCD reductions")):
        value, given = getattr(f, label), getattr(ira, fld)
        if value is None:
            continue
        if given is None:
            if value or label in provisional:      # blank already means 0
                setattr(ira, fld, value)
                filled.append(f"{what} {_money(value)}")
                warn_provisional(label, f"the {what}", f"ira.{fld}")
        elif Decimal(given) != value:
            disagree(f"ira.{fld}", f"{what} through {last.tax_year} (QCD offset)", _money(given), _money(value), R_QCD)
    if filled:
        out.append(_filled(name, who, src, filled))
    return out


def stale_link(versions: list, current: list) -> Optional[tuple]:
    """The first (later, earlier, what) of consecutive current years where `later` was committed while an
    earlier version of `earlier` was current, and the two versions hand on different facts: `later` (and
    every year after it) was figured from figures since amended. `what` is "" when `later` was committed before
    any version of `earlier` (out of order). None when the chain holds."""
    for earlier, later in zip(current, current[1:]):
        if later.tax_year != earlier.tax_year + 1 or earlier.commit_id <= later.commit_id:
            continue
        then = [v for v in versions if v.tax_year == earlier.tax_year and v.commit_id < later.commit_id]
        if not then:  # committed out of order: `later` was figured before `earlier` was recorded at all
            return later, earlier, ""
        from taxdocs.ledger.store import _changes
        diff = _changes(max(then, key=lambda v: v.version).facts, earlier.facts, carried_only=True)
        if diff:
            return later, earlier, "; ".join(diff)
    return None


def _has_use(sc, who: str, kind: str) -> bool:
    """A use of this kind (qcd, hfd) among the person's 1099-Rs, as the engine reads them (a use, or code Y for a
    QCD: rules.legs)."""
    from taxdocs.model.scenario import UseKind
    from taxdocs.rules.legs import legs_of
    return any(l.kind == UseKind(kind) for f in sc.forms_1099r if f.recipient == who for l in legs_of(f)[2])


def _fill_hfd_year(sc, who: str, person, prior: list, store, cid: str, filled: list, disagree) -> None:
    """The year of the person's one HSA funding distribution, as any earlier year recorded it (no later year can
    undo it: IRC §408(d)(9)(C)(ii)). Years recorded before the ledger kept it: when there is an HFD this year, the
    earliest earlier year whose 1099-Rs, as committed, moved IRA money to an HSA."""
    recorded = min((r.facts.hfd_year for r in prior if r.facts.hfd_year is not None), default=None)
    how = ""
    if recorded is None and _has_use(sc, who, "hfd"):
        key = keys.ssn_key(person.ssn)
        recorded = next((r.tax_year for r in prior if _committed_hfd(store.scenario_json(cid, key, r.tax_year, r.version),
                                                                     key)), None)
        how = " (an hfd use on its 1099-Rs as committed)"
    if recorded is not None:
        _fill_or_disagree(person, "earlier_hfd_year", recorded, f"HSA funding distribution in {recorded}{how}", filled,
                          disagree, "year of the HSA funding distribution", R_HFD)


def _fill_homebuyer(person, last, src: str, filled: list, disagree, gap: bool = False) -> None:
    """First-time homebuyer distributions through the last year recorded, of the $10,000 lifetime limit (IRC
    §72(t)(8)(B)). It only grows, so across a gap in the ledger it is the least there can have been."""
    used, roth = last.facts.homebuyer_used, person.roth
    if not used:
        return
    if "prior_homebuyer" not in roth.model_fields_set:
        roth.prior_homebuyer = used
        person._from_ledger["roth.prior_homebuyer"] = f"ledger: {src}, first-time homebuyer distributions so far"
        filled.append(f"first-time homebuyer distributions {_money(used)} through {last.tax_year}"
                      + (" (at least: a year is missing)" if gap else ""))
    elif Decimal(roth.prior_homebuyer) < used if gap else Decimal(roth.prior_homebuyer) != used:
        disagree("roth.prior_homebuyer", f"first-time homebuyer distributions through {last.tax_year}",
                 _money(roth.prior_homebuyer), _money(used), R_HOMEBUYER)


def _fill_or_disagree(obj, attr: str, recorded, text: str, filled: list, disagree, what: str, rule: str,
                      path: str = "") -> None:
    """A blank takes what the ledger recorded (said in `filled`); a value given that differs is reported."""
    given = getattr(obj, attr)
    if given is None:
        setattr(obj, attr, recorded)
        filled.append(text)
    elif given != recorded:
        disagree(path or attr, what, given, recorded, rule)


_IRA_KINDS = {"traditional_ira", "sep_ira", "simple_ira", "roth_ira", "inherited_ira", "inherited_roth_ira"}


def _committed_hfd(doc: Optional[dict], key: str) -> bool:
    """A stored (redacted) scenario where the person with SSN key `key` moved IRA money to an HSA."""
    if not doc:
        return False
    who = next((w for w in ("taxpayer", "spouse") if (doc.get(w) or {}).get("ssn_key") == key), None)
    return who is not None and any(
        (f.get("recipient") or "taxpayer") == who and (f.get("box7_ira_sep_simple") or f.get("source") in _IRA_KINDS)
        and any(u.get("kind") == "hfd" and u.get("amount") for u in f.get("uses") or [])
        for f in doc.get("forms_1099r") or [])


def _first_year(prior: list) -> tuple[Optional[int], bool]:
    """The first Roth year as the most recent year that knew it recorded it, and whether it is only the latest it
    can be (recorded as an assumption: the year's inflow, no first year given; or so noted before it was marked)."""
    for r in reversed(prior):
        if r.facts.roth_first_year is not None:
            return r.facts.roth_first_year, first_year_is_bound(r.facts)
    return None, False


def first_year_is_bound(facts) -> bool:
    """The recorded first Roth year is the latest it can be, not a year given: marked so, or (years recorded before
    it was marked) noted as taken from the year's inflow."""
    return "roth_first_year" in facts.provisional or any(n.startswith("first Roth IRA year taken as")
                                                         for n in facts.notes)


def _fill_inherited_roth(sc, who: str, person, recorded: dict, filled: list, name: str, src: str, last,
                         basis: bool = True) -> list:
    """An inherited Roth IRA 1099-R with no decedent_roth_basis takes what the decedent's Roth IRAs had left after last
    year's Form 8606 Part III of their own (i8606 lines 22 and 24: the basis goes down as distributions take it), and
    the decedent's first Roth year when it is blank. A figure given that differs: LEDGER_DISAGREES, the form's kept.
    `basis` False (a year missing between): only the first year, which no later year can change."""
    from taxdocs.model.scenario import Account
    from taxdocs.rules.facts import inherited_roth_ledger_name
    from taxdocs.rules.legs import source_of
    if not recorded:
        return []
    if basis:
        person._inherited_roth = dict(recorded)  # kept for this year's record, for decedents no 1099-R names
    by_name = {k.strip().lower(): (k, v) for k, v in recorded.items()}
    out: list[Finding] = []
    told: set = set()

    def disagree(path: str, what: str, given: str, recorded_text: str, **data):
        out.append(_finding(
            "LEDGER_DISAGREES", "warning", f"{name}: {what}: {given}; {src} has {recorded_text}. The form's value is used.",
            R_INHERITED_ROTH, f"Check the {last.tax_year} return as filed. Correct {path}, leave it blank to take the "
            f"ledger's value, or record the correction with `taxdocs ledger commit --amend` on the {last.tax_year} "
            "scenario.", who, path, ledger_year=last.tax_year, ledger_version=last.version, **data))

    mine = [(n, form) for n, form in enumerate(sc.forms_1099r)
            if form.recipient == who and source_of(form)[0] == Account.inherited_roth_ira]
    # a decedent's forms share one basis: given on any of them, it stands for all (none is filled from the ledger)
    given = {inherited_roth_ledger_name(f).lower() for _, f in mine if f.decedent_roth_basis is not None}
    for n, form in mine:
        hit = by_name.get(inherited_roth_ledger_name(form).lower())
        path = f"forms_1099r[{n}]"
        if hit is None:
            if basis and form.decedent_roth_basis is None and not _inherited_roth_qualified(form, sc.tax_year):
                out.append(_finding(
                    "LEDGER_INHERITED_ROTH_UNMATCHED", "warning",
                    f"{name}: {form.id} is from an inherited Roth IRA with no decedent_roth_basis, and {src} has the "
                    f"basis of Roth IRAs inherited from {', '.join(sorted(recorded))} but not from "
                    f"{inherited_roth_ledger_name(form)}: its basis is taken as 0.", R_INHERITED_ROTH,
                    f"If it is one of those, give {path}.decedent as the ledger spells it; else give "
                    f"{path}.decedent_roth_basis.", who, f"{path}.decedent", recorded=sorted(recorded),
                    form_name=inherited_roth_ledger_name(form)))
            continue
        label, v = hit
        if basis and form.decedent_roth_basis is None and inherited_roth_ledger_name(form).lower() not in given:
            form.decedent_roth_basis = v["basis"]
            form.decedent_roth_conversion_basis = v["conversion_basis"] or None
            if label not in told:
                filled.append(f"basis {_money(v['basis'])} (of it conversions {_money(v['conversion_basis'])}) in the "
                              f"Roth IRAs inherited from {label}")
        elif basis and form.decedent_roth_basis is not None and (
                Decimal(form.decedent_roth_basis), Decimal(form.decedent_roth_conversion_basis or 0)) != (
                v["basis"], v["conversion_basis"]) and (label, "basis") not in told:
            told.add((label, "basis"))
            given_conv = Decimal(form.decedent_roth_conversion_basis or 0)
            disagree(f"{path}.decedent_roth_basis", f"basis in the Roth IRAs inherited from {label}",
                     f"{form.id} gives {_money(form.decedent_roth_basis)} (conversions {_money(given_conv)})",
                     f"{_money(v['basis'])} (conversions {_money(v['conversion_basis'])}) left after that year's Form "
                     "8606 Part III", scenario=form.decedent_roth_basis, ledger=v["basis"],
                     scenario_conversions=given_conv, ledger_conversions=v["conversion_basis"])
        first = v.get("first_year")
        if form.decedent_first_roth_year is None and first is not None:
            form.decedent_first_roth_year = first
            if label not in told:
                filled.append(f"{label}'s first Roth year {first}")
        elif first is not None and form.decedent_first_roth_year != first and (label, "first") not in told:
            told.add((label, "first"))
            disagree(f"{path}.decedent_first_roth_year", f"{label}'s first Roth year (their 5-year period)",
                     f"{form.id} gives {form.decedent_first_roth_year}", str(first),
                     scenario=form.decedent_first_roth_year, ledger=first)
        told.add(label)
    return out


def _inherited_roth_qualified(form, year: int) -> bool:
    """The decedent's 5 taxable years are over by the year (a payment after death): the basis does not matter."""
    from taxdocs.params import general
    first = form.decedent_first_roth_year
    return first is not None and year - first >= general().periods.roth_qualified_years.value


def _fill_first_year(roth, prior: list, filled: list, disagree) -> None:
    """The five-year clock's start: a year recorded as known fills first_contribution_year; one recorded as the latest
    it can be fills first_year_at_latest, so a period it does not prove met stays unknown (ROTH_5YR_UNKNOWN)."""
    first, bound = _first_year(prior)
    if first is None:
        return
    if bound:
        given = roth.first_contribution_year
        if given is None and roth.first_year_at_latest is None:
            roth.first_year_at_latest = first
            filled.append(f"first Roth year {first} at the latest")
        elif given is not None and given > first:  # money went into a Roth IRA before the year given
            # the year bound comes from a conversion or rollover on record, which starts the period itself
            # (Reg. §1.408A-6 Q&A-2): the engine counts from it (ROTH_FIRST_YEAR_AFTER_CONVERSION)
            disagree("roth.first_contribution_year", "first Roth IRA year (at the latest)", given, first, R_FIRST,
                     used=f"The scenario's value is kept, but the 5-year period counts from {first} at the latest: "
                          "money went into a Roth IRA then.")
        return
    _fill_or_disagree(roth, "first_contribution_year", first, f"first Roth year {first}", filled, disagree,
                      "first Roth IRA year", R_FIRST, "roth.first_contribution_year")


def rule_for(label: str) -> str:
    return {"ira_basis": R_BASIS, "roth_contribution_basis": R_ROTH_BASIS, "roth_first_year": R_FIRST,
            "conversion_layers": R_LAYERS, "deductions_after_70_half": R_QCD, "qcd_reductions": R_QCD}.get(
        label, "taxdocs ledger (docs/ledger.md)")


def _filled(name: str, who: str, src: str, filled: list[str]) -> Finding:
    return _finding("LEDGER_FILLED", "info", f"{name}: filled from {src}: " + "; ".join(filled),
                    "taxdocs ledger (docs/ledger.md)", "Nothing to do; give the facts in the scenario to override.",
                    who, filled=filled)
