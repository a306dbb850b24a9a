"""The whole return: the 10% additional tax, and lines that rest on assumptions or missing facts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from taxdocs.checks.catalogue import make, money, when
from taxdocs.checks.context import Ctx
from taxdocs.checks.finding import Finding
from taxdocs.core.money import ZERO, dollars
from taxdocs.core.written import form_text
from taxdocs.model.scenario import SSN_PLACEHOLDER
from taxdocs.params import ParamsError, available_years, load_year

MAX_LINES_SHOWN = 12


def early_tax(ctx: Ctx) -> list[Finding]:
    out = []
    for who, _ in ctx.sc.people():
        f = f"f5329.{who}"
        line4 = ctx.zline(f"{f}.line4")
        if line4 <= 0:
            line2 = ctx.zline(f"{f}.line2")
            if line2 > 0 and ctx.line(f"{f}.required") and not _filed_5329_line2(ctx, who):
                # an exception box 7 does not show (i5329 Who Must File); a filed form's figures are compared instead
                out.append(make("FORM_5329_FOR_EXCEPTION", who, "", who=who, line2=line2,
                                numbers=ctx.line(f"{f}.line2_exception") or "",
                                tax=money(line2 * ctx.gp.rates.early_distribution.value)))
            continue
        simple = ctx.zline(f"{f}.simple_part")
        simple_note = f" ({money(simple)} of it at 25%: SIMPLE IRA, first 2 years)" if simple > 0 else ""
        form5329 = ("Form 5329 is required." if ctx.line(f"{f}.required") else
                    "Form 5329 is not needed: each Form 1099-R with an early distribution shows code 1 and the "
                    "tax is owed on all of it, so it goes on Schedule 2 line 8 directly (i5329 Who Must File).")
        out.append(make("EARLY_DISTRIBUTION_TAX", who, "", who=who, line3=ctx.zline(f"{f}.line3"), line4=line4,
                        simple=simple_note, form5329=form5329))
    return out


def _filed_5329_line2(ctx: Ctx, who: str) -> bool:
    """The scenario's `filed:` shows Form 5329 line 2 (the exception claimed) for this person."""
    from taxdocs.checks.filed import norm_key
    lines = getattr(ctx.sc.filed, f"f5329_{who}", None) if ctx.sc.filed is not None else None
    return any(norm_key(k) == "2" and v is not None for k, v in (lines or {}).items())


def exceptions_refused(ctx: Ctx) -> list[Finding]:
    """Exceptions claimed that Form 5329 cannot take: not for this kind of account, or 09 beyond its limit."""
    out = []
    room = _medical_room(ctx)
    if room is not None and room["stated"] > room["above"]:
        out.append(make("EXCEPTION_05_OVER", "return", "income.medical_expenses", stated=room["stated"],
                        above=room["above"], spent=room["spent"], rate=room["rate"], floor=room["floor"],
                        excess=room["stated"] - room["above"]))
    for who, _ in ctx.sc.people():
        limit = ctx.gp.limits.first_time_homebuyer_lifetime.value
        seen: set = set()
        for item in ctx.line(f"f5329.{who}.items") or []:
            what = "Roth IRA distributions" if item.form_id == "roth" else item.form_id
            for number in item.unverified:
                if (item.form_id, number) not in seen:
                    seen.add((item.form_id, number))
                    out.append(make("EXCEPTION_NUMBER_UNVERIFIED", item.form_id, ctx.fpath(item.form_id, "exceptions"),
                                    form=what, number=number, year=ctx.sc.tax_year))
            for r in item.refused:
                out.append(make("EXCEPTION_NOT_ALLOWED", item.form_id, ctx.fpath(item.form_id, "exceptions"),
                                form=what, number=r[1], why=_refused_why(r, item, limit), person=who))
            if "01" in item.numbers and item.excepted > 0:
                person, info = ctx.sc.person(who), ctx.res.forms.get(item.form_id)
                if (info is not None and person.separated_from_service_date is None
                        and person.separation_year == info.paid.year):
                    out.append(make("EXCEPTION_01_DATE_ASSUMED", item.form_id, f"{who}.separated_from_service_date",
                                    form=what, paid=info.paid, year=info.paid.year, person=who))
            if "05" in item.numbers and item.excepted > 0 and _whole_claim(ctx, item.form_id, "05"):
                out.append(_medical(ctx, who, item, what, room))
            for number, kind, cap in item.unchecked:
                if (item.form_id, number, kind) not in seen:
                    seen.add((item.form_id, number, kind))
                    out.append(make("EXCEPTION_LIMIT_UNCHECKED", item.form_id, ctx.fpath(item.form_id, "exceptions"),
                                    form=what, number=number, limit=_balance_limit(kind, cap)))
    return out


def _whole_claim(ctx: Ctx, form_id: str, number: str) -> bool:
    """The exception is claimed on the 1099-R with no amount (blank = all of it)."""
    info = ctx.res.forms.get(form_id)
    return info is not None and any(ex.number == number and ex.amount is None for ex in info.legs[0].form.exceptions)


def _medical_room(ctx: Ctx) -> dict | None:
    """Exception 05 is one amount a return, whatever the number of distributions: the medical expenses above the
    AGI floor (IRC §72(t)(2)(B), §213(a)). Known when the expenses and the AGI are given; the amounts stated on
    the 1099-Rs come off it first, then each claim with no amount in turn (`left`)."""
    spent = ctx.sc.income.medical_expenses
    agi = None if spent is None else ctx.line("tax.agi_with")
    if agi is None:
        return None
    rate = ctx.gp.rates.medical_agi_floor.value
    floor = dollars(max(agi, ZERO) * rate)
    above = max(spent - floor, ZERO)
    stated = ZERO  # what Form 5329 excepts under a stated 05 amount: early distributions only, at most the item
    for who, _ in ctx.sc.people():
        for item in ctx.line(f"f5329.{who}.items") or []:
            info = ctx.res.forms.get(item.form_id)
            if "05" in item.numbers and info is not None:
                given = sum((ex.amount for ex in info.legs[0].form.exceptions
                             if ex.number == "05" and ex.amount is not None), ZERO)
                stated += min(given, item.excepted)
    return {"spent": spent, "rate": _pct(rate), "floor": floor, "above": above, "stated": stated,
            "left": max(above - stated, ZERO)}


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _medical(ctx: Ctx, who: str, item, what: str, room: dict | None) -> Finding:
    """Exception 05 covers only the medical expenses above the AGI floor (IRC §72(t)(2)(B), §213(a)); with no amount
    given, all of it was excepted. With the AGI known (income.other_agi), name the floor; with the expenses too,
    the amount this claim may take of what the others left."""
    rate = ctx.gp.rates.medical_agi_floor
    agi = ctx.line("tax.agi_with")
    floor = "" if agi is None else (f" With an AGI of {money(agi)} (the retirement income included), the floor is "
                                    f"{money(dollars(max(agi, ZERO) * rate.value))}: only expenses above it count.")
    if room is not None:
        take = min(room["left"], item.excepted)
        shared = room["stated"] > 0 or room["left"] < room["above"]
        floor += (f" Of the {money(room['spent'])} of medical expenses given, {money(room['above'])} is above it"
                  + (f", {money(room['left'])} of it not claimed on other 1099-Rs" if shared else "")
                  + f": the exception's amount is {money(take)}.")
        room["left"] -= take
    return make("EXCEPTION_05_WHOLE", item.form_id, ctx.fpath(item.form_id, "exceptions"), form=what,
                amount=item.excepted, rate=_pct(rate.value), floor=floor, person=who)


def _balance_limit(kind: str, cap) -> str:
    """The limit a vested balance sets (general.yaml exception_numbers `balance_cap`)."""
    if kind == "half":
        return "50% of the vested balance just before the distribution"
    return f"the vested balance just before the distribution less {money(cap)}"


def _when(sep) -> str:
    return when(sep) if isinstance(sep, date) else f"in {sep}"


def _refused_why(r: tuple, item, limit) -> str:
    if r[0] == "account":
        return (f"exception {r[1]} ({r[2]}) does not apply to "
                f"{'plan' if item.account == 'plan' else 'IRA'} distributions, so it was not applied")
    if r[0] == "unknown":
        return (f"{r[1]} is not an exception number of the {r[2]} Form 5329" + (f" (01-{r[3]:02d})" if r[3] else "")
                + ("; 99 only summarizes several exceptions on line 2" if r[1] == "99" else "")
                + ", so it was not applied")
    if r[0] == "which_plan":
        return ("exception 01 (separation from service at 55) was not applied: there are distributions from "
                "more than one plan payer, and it covers only the plan of the employer left; set "
                "`separating_employer: true` on that employer's 1099-R")
    if r[0] == "03_not_disabled":
        return ("exception 03 (total and permanent disability, IRC §72(m)(7)) is claimed, but the person is given as "
                "not disabled (`disabled: false`), so it was not applied; if the person is disabled, set `disabled: true`")
    if r[0] == "02_not_sepp":
        return ("exception 02 (substantially equal periodic payments, IRC §72(t)(2)(A)(iv)) is claimed, but this "
                "1099-R is given as not part of such a series (`sepp: false`), so it was not applied; if it is one of "
                "the payments, set `sepp: true`")
    if r[0] == "01_annuity":
        return ("exception 01 (separation from service at 55) is for employer plans; a nonqualified annuity (code D) "
                "falls under IRC §72(q), which has no such exception, so it was not applied")
    if r[0] == "01_plan":
        return ("exception 01 (separation from service at 55) covers only the plan of the employer left, and this "
                "1099-R is marked `separating_employer: false`, so it was not applied")
    if r[0] == "01_before":
        return (f"exception 01 covers only distributions made after the separation from service, and this one was "
                f"paid on {when(r[2])}, before the separation ({_when(r[3])}), so it was not applied")
    if r[0] == "02_before":
        return (f"exception 02 (substantially equal periodic payments) covers a plan's payments only when the series "
                f"begins after the separation from service (IRC §72(t)(3)(B)), and this one was paid on {when(r[2])}, "
                f"before the separation ({_when(r[3])}), so it was not applied; if the 1099-R is from another "
                "employer's plan, set `separating_employer: false`")
    if r[0] == "01_year":
        return (f"exception 01 needs a separation from service in or after the year of reaching {r[3]} ({r[4]}); "
                f"the separation was in {r[2]}, so it was not applied")
    if r[0] == "cap":
        scope = {"claim": "for this claim", "person": "for the person's year, all claims of it together"}.get(r[4])
        if scope is None:  # balance_half, balance_excess_over_cap
            scope = f"({_balance_limit(r[4].removeprefix('balance_'), r[5])})"
        of = "" if len(r) < 7 or r[6] is None else (f" of the taxable part ({money(r[6])} of the distribution, "
                                                     "taxable pro rata with the basis)")
        return (f"exception {r[1]} was claimed for {money(r[2])}, but it covers at most {money(r[3])}{of} "
                f"{scope}; only that was applied")
    if r[0] == "once":
        return (f"exception {r[1]} covers one distribution a calendar year, and it was applied to {r[2]}, where "
                "it excepts the most; it was not applied here")
    if len(r) > 4 and r[4] is not None:
        return (f"exception 09 was claimed for {money(r[2])}, but the {money(limit)} lifetime first-time homebuyer "
                f"limit leaves {money(r[4])} of distributions after earlier use, of which this distribution's "
                f"taxable part (pro rata with the basis) is at most {money(r[3])}; only that was applied")
    return (f"exception 09 was claimed for {money(r[2])}, but the {money(limit)} lifetime first-time "
            f"homebuyer limit leaves {money(r[3])} after earlier use; only that was applied")


def _shown(key: str, value) -> bool:
    if key.startswith("f1040.ira_taxable."):
        return False
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str, type(None))):
        return False
    return ".line" in key or key.startswith(("tax.", "f1040."))


ORDER = ("f1040.line", "f8606.", "f5329.", "ws11.", "f1040.", "tax.")


def _priority(key: str) -> tuple[int, str]:
    """Form 1040 lines first, then Form 8606, Form 5329, Worksheet 1-1 and the tax effect."""
    return next((i for i, p in enumerate(ORDER) if key.startswith(p)), len(ORDER)), ""


def _roots(g, key: str, seen: set) -> set[str]:
    """The nodes where a line's provisional/missing status comes from."""
    if key in seen:
        return set()
    seen.add(key)
    if not g.ranks.get(key):
        return set()
    n = g.node(key)
    bad = [d for d in n.deps if g.ranks.get(d)]
    if n.is_fact or not bad:
        return {key}
    out: set[str] = set()
    for d in bad:
        out |= _roots(g, d, seen)
    return out


def provisional(ctx: Ctx) -> list[Finding]:
    g = ctx.g
    ctx.res.lines()
    by_root: dict[str, list[str]] = {}
    flagged = [k for k in g.ranks if k in g.defs and _shown(k, g.vals[k])]
    if len(flagged) > 1:  # in declaration order
        order = {k: i for i, k in enumerate(g.defs)}
        flagged.sort(key=order.__getitem__)
    for key in flagged:
        for r in sorted(_roots(g, key, set())):
            by_root.setdefault(r, []).append(key)
    out = []
    for root, keys in by_root.items():
        n = g.node(root)
        fact = n.source.removeprefix("scenario: ").split(" ")[0] if n.source.startswith("scenario:") else root
        keys = sorted(keys, key=_priority)
        shown = keys[:MAX_LINES_SHOWN]
        more = f" and {len(keys) - len(shown)} more" if len(keys) > len(shown) else ""
        scenario_fact = n.source.startswith("scenario:")
        if n.notes:
            note = ": " + "; ".join(n.notes)
        elif n.source and not scenario_fact:
            note = ": " + n.source.removeprefix("derived: ").removeprefix("derived")
        else:
            note = ""
        supply = (f"Supply `{fact}` to make them final." if scenario_fact else
                  "Supply the facts it is derived from (see the other findings, e.g. the Roth five-year status) "
                  "to make them final.")
        out.append(make("PROVISIONAL_LINES", "return", fact if scenario_fact else "",
                        count=len(keys), fact=fact, status=n.status, note=note, supply=supply,
                        lines=", ".join(shown) + more, keys=keys))
    return out


def year_on_file(ctx: Ctx) -> list[Finding]:
    """A tax year with no year file (taxdocs/params/<year>.yaml): its limits and brackets are not applied, so a QCD
    above that year's limit, say, would pass unnoticed; said once, as a warning, rather than line by line."""
    try:
        load_year(ctx.year)  # cached: no file system look-up on the batch's path
        return []
    except ParamsError:
        pass
    years = available_years()
    if not years:
        return []
    return [make("TAX_YEAR_NOT_ON_FILE", "return", "tax_year", year=ctx.year, first=years[0], last=years[-1])]


def nothing_figured(ctx: Ctx) -> list[Finding]:
    """No Form 1099-R and no Form 8606 to file: an empty return is more often a 1099-R left out (in a CSV pair,
    a client_id typed differently on the 1099-R rows) than a year with nothing to report."""
    if ctx.sc.forms_1099r or any(ctx.line(f"f8606.{form.key}.required") for form in ctx.res.forms_8606()):
        return []
    return [make("NOTHING_FIGURED", "return", "forms_1099r", year=ctx.year)]


def name_on_the_forms(ctx: Ctx) -> list[Finding]:
    """A name with a letter the official forms' font lacks is written with its plain letter there (Ł -> L)."""
    out = []
    for who, person in ctx.sc.people():
        shown = form_text(person.name)
        if shown != person.name:
            out.append(make("NAME_ON_FORMS_PLAIN", who, f"{who}.name", who=who, name=person.name, shown=shown))
    return out


# middle digits of an ITIN (IRS; 93 is an ATIN, for a child being adopted; the rest of 9XX are the IRS's own IRSNs,
# which cannot be used to file)
_ITIN_GROUPS = set(range(50, 66)) | set(range(70, 89)) | {90, 91, 92} | set(range(94, 100))


def never_issued(ssn: str) -> str | None:
    """Why a 9-digit number (AAA-GG-SSSS) can be neither an SSN nor an ITIN, or None. SSA never assigns area 000, 666
    or 900-999, group 00 or serial 0000 (ssa.gov, SSN randomization FAQ); an ITIN is 9XX with a middle pair of 50-65,
    70-88, 90-92 or 94-99."""
    area, group, serial = ssn[:3], int(ssn[4:6]), ssn[7:]
    if area.startswith("9"):
        return None if group in _ITIN_GROUPS else "a number starting with 9 is an ITIN only with 50-65, 70-88, " \
                                                    "90-92 or 94-99 as its 4th and 5th digits"
    if area in ("000", "666"):
        return "no SSN starts with 000 or 666"
    if group == 0 or serial == "0000":
        return "no SSN has 00 as its 4th and 5th digits or 0000 as its last four"
    return None


def tin_never_issued(ctx: Ctx) -> list[Finding]:
    out = []
    for who, person in ctx.sc.people():
        why = None if person.ssn == SSN_PLACEHOLDER else never_issued(person.ssn)
        if why:
            out.append(make("TIN_NEVER_ISSUED", who, f"{who}.ssn", who=who, last4=person.ssn_last4, why=why))
    return out


def check(ctx: Ctx) -> list[Finding]:
    return (year_on_file(ctx) + nothing_figured(ctx) + name_on_the_forms(ctx) + tin_never_issued(ctx) + early_tax(ctx)
            + exceptions_refused(ctx) + provisional(ctx))
