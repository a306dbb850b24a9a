"""Form 1099-R boxes: arithmetic, state and local rows, the payer's TIN, and box 7 codes (rules.md §2, §2.1)."""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

from taxdocs.checks.catalogue import make, money
from taxdocs.checks.context import Ctx, Masked, account_words
from taxdocs.checks.finding import Finding
from taxdocs.core.dates import add_months
from taxdocs.core.money import ZERO
from taxdocs.model.scenario import Account, Form1099R, Scenario, UseKind
from taxdocs.params import codes
from taxdocs.rules.facts import is_conversion
from taxdocs.rules.legs import prior_year_form, source_of
from taxdocs.rules.simplified_method import cost_without_facts, general_rule_by_age, nonqualified_annuity, payer_figured
from taxdocs.rules.f5329 import gov_457b_own_money, separated_at_55

ROTH_IRA_CODES = ("J", "Q", "T")
RECHAR_CODES = ("N", "R")
_DIRECT_CODES = {"G", "H"}  # a direct rollover (i1099r codes G and H)
EARLY_CODES = ("1", "J", "S")
STATE_CODES = set(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH "
    "OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI".split())
EIN = re.compile(r"^\d{2}[- ]?\d{7}$")  # NN-NNNNNNN; a space for the hyphen, as some forms print it


# --- box arithmetic (these run on a Scenario: they also explain input errors) --------------------

def box_arithmetic(sc: Scenario) -> list[Finding]:
    out = []
    for i, f in enumerate(sc.forms_1099r):
        p = f"forms_1099r[{i}]"
        if f.box2a is not None and f.box2a > f.box1:
            out.append(make("BOX_2A_EXCEEDS_BOX1", f.id, f"{p}.box2a", form=f.id, box2a=f.box2a, box1=f.box1))
        for box in ("box3", "box4", "box5"):
            v = getattr(f, box)
            if v is not None and v > f.box1 and not (box == "box5" and f.box5_may_exceed_box1):
                out.append(make(f"BOX_{box[3:]}_EXCEEDS_BOX1", f.id, f"{p}.{box}", form=f.id, box1=f.box1,
                                **{box: v}))
        if (f.box2a is not None and f.box5 and f.box2a <= f.box1 and f.box5 <= f.box1
                and f.box2a + f.box5 > f.box1 + 1 and not f.box2b_not_determined):
            out.append(make("BOX_2A_AND_5_OVER_BOX1", f.id, f"{p}.box2a", form=f.id, box2a=f.box2a,
                            box5=f.box5, box1=f.box1))
        # a plan payment kept with box 2a 0 says all of it is after-tax money, which box 5 then shows; a 20%
        # withholding says the payer treated it as taxable (IRC §3405(c) withholds only from the taxable part)
        if (f.box2a == 0 and f.box1 > 0 and not set(f.box7) & _DIRECT_CODES and source_of(f)[0] == Account.plan
                and (f.box5 or ZERO) < f.box1 and (f.box4 or ZERO) > 0):
            out.append(make("BOX_2A_ZERO_WITHHELD", f.id, f"{p}.box2a", form=f.id, box1=f.box1, box4=f.box4,
                            box5=f.box5 or ZERO))
        if f.box3 is not None and f.box3 > 0 and f.box2a is not None and f.box3 > f.box2a:
            out.append(make("BOX_3_EXCEEDS_2A", f.id, f"{p}.box3", form=f.id, box3=f.box3, box2a=f.box2a))
    return out


def rows(sc: Scenario) -> list[Finding]:
    out = []
    for i, f in enumerate(sc.forms_1099r):
        for k, r in enumerate(f.state):
            missing = []
            if r.state is None or not r.state.strip():
                missing.append("the state (box 15) is blank")
            elif r.state.strip().upper() not in STATE_CODES:
                missing.append(f"the state {r.state!r} is not a two-letter postal code")
            if (r.tax_withheld or ZERO) > 0 and not (r.payer_state_no or "").strip():
                missing.append(f"state tax of {money(r.tax_withheld)} is withheld (box 14) but the payer's state number "
                               "(box 15) is blank")
            if missing:
                out.append(make("STATE_ROW_INCOMPLETE", f.id, f"forms_1099r[{i}].state[{k}]", form=f.id, row=k + 1,
                                missing="; ".join(missing)))
        for k, r in enumerate(f.local):
            missing = []
            has_amount = (r.tax_withheld is not None) or (r.distribution is not None)
            if has_amount and not (r.locality or "").strip():
                missing.append("amounts are filled in but the name of the locality (box 18) is blank")
            if (r.locality or "").strip() and not has_amount:
                missing.append("only the locality is filled in (no withholding or distribution)")
            if missing:
                out.append(make("LOCAL_ROW_INCOMPLETE", f.id, f"forms_1099r[{i}].local[{k}]", form=f.id, row=k + 1,
                                missing="; ".join(missing)))
    return out


def payer_tin(sc: Scenario) -> list[Finding]:
    """EIN format NN-NNNNNNN (or 9 digits), not all zeros. Prefixes are not checked (Pub. 1220 only asks for 9 digits)."""
    out = []
    for i, f in enumerate(sc.forms_1099r):
        tin = f.payer.tin
        if tin is None or not tin.strip():
            continue
        t = tin.strip()
        digits = "".join(c for c in t if c.isdigit())
        why = None
        if len(digits) != 9:
            why = f"an EIN has 9 digits; this has {len(digits)}"
        elif not EIN.match(t):
            if re.fullmatch(r"\d{3}-\d{2}-\d{4}", t):
                why = "it is written like a Social Security number (NNN-NN-NNNN); a payer's EIN is written NN-NNNNNNN"
            else:
                why = "an EIN is written NN-NNNNNNN (two digits, a hyphen, seven digits)"
        elif set(digits) == {"0"}:
            why = "it is all zeros"
        if why:
            out.append(make("PAYER_TIN_INVALID", f.id, f"forms_1099r[{i}].payer.tin", form=f.id,
                            shown=str(Masked(t)), why=why))
    return out


# --- box 7 -------------------------------------------------------------------------------------

def codes_valid(ctx: Ctx) -> list[Finding]:
    table, out, y = codes(), [], ctx.year
    for f in ctx.sc.forms_1099r:
        field = ctx.fpath(f.id, "box7")
        box = list(f.box7)
        unknown = [c for c in box if not table.known(c, y)]
        for c in unknown:
            since = ""
            if c in table.codes and table.codes[c].valid_from:
                since = f" (it is used from {table.codes[c].valid_from})"
            out.append(make("CODE_NOT_VALID_FOR_YEAR", f.id, field, form=f.id, code=c, year=y, since=since))
        if unknown:
            continue
        joined = "".join(box)
        if table.is_valid_box7(joined, y):
            continue
        if len(box) == 1:
            partners = sorted(table.codes[box[0]].valid_with)
            why = f"code {box[0]} is never used alone; it is paired with one of {', '.join(partners)}"
        elif box[0] == box[1]:
            why = "the same code is entered twice"
        else:
            why = _pair_reason(table, box[0], box[1])
        out.append(make("CODE_PAIR_INVALID", f.id, field, form=f.id, codes=joined, why=why))
    return out


def _pair_reason(table, a: str, b: str) -> str:
    r = table.pub1220
    for c in (a, b):
        if c in r.singles_only:
            return f"code {c} cannot be combined with any other code"
    if a.isdigit() and b.isdigit():
        return "the only two-digit combinations allowed are 1 and 8, 2 and 8, and 4 and 8"
    ok_a = sorted(table.codes[a].valid_with)
    return f"code {a} may be combined only with {', '.join(ok_a) if ok_a else 'no other code'}"


def codes_and_boxes(ctx: Ctx) -> list[Finding]:
    out = []
    for f in ctx.sc.forms_1099r:
        if f.box7_ira_sep_simple:
            for c in ROTH_IRA_CODES:
                if c in f.box7:
                    out.append(make("CODE_ROTH_WITH_IRA_BOX", f.id, ctx.fpath(f.id, "box7_ira_sep_simple"), form=f.id, code=c))
            for c in RECHAR_CODES:
                if c in f.box7:
                    out.append(make("CODE_RECHAR_WITH_IRA_BOX", f.id, ctx.fpath(f.id, "box7_ira_sep_simple"), form=f.id, code=c))
            table = codes()  # plan and insurance-contract codes (codes.yaml flag never_ira): one finding per form
            c = next((c for c in f.box7 if c in table.codes and "never_ira" in table.codes[c].flags), None)
            if c is not None:
                out.append(make("CODE_NEVER_IRA_WITH_IRA_BOX", f.id, ctx.fpath(f.id, "box7_ira_sep_simple"),
                                form=f.id, code=c, meaning=table.codes[c].meaning))
        if "H" in f.box7 and (f.box2a or ZERO) > 0:
            out.append(make("CODE_H_TAXABLE", f.id, ctx.fpath(f.id, "box2a"), form=f.id, box2a=f.box2a))
        if "G" in f.box7:
            out += _code_g(ctx, f)
        if prior_year_form(f):  # code R: a recharacterization for that year; code P: taxable in it
            out.append(make("CODE_R_PRIOR_YEAR" if "R" in f.box7 else "CODE_P_PRIOR_YEAR", f.id, ctx.fpath(f.id, "box7"),
                            form=f.id, prior=ctx.sc.tax_year - 1, box1=f.box1,
                            box2a=f.box2a if f.box2a is not None else f.box1,
                            withholding=f"; its withholding ({money(f.box4)}) counts on this return" if f.box4 else ""))
    return out


def _code_g(ctx: Ctx, f: Form1099R) -> list[Finding]:
    """G: 2a = 0 unless the money went to a Roth IRA, then 2a = the taxable (pre-tax) part (rules.md §2.1, §7.4)."""
    info = ctx.res.forms.get(f.id)
    if info is None:
        return []
    direct = [l for l in info.legs if l.kind in (UseKind.direct_rollover, UseKind.conversion) and l.valid]
    if not direct:
        return []
    to_roth = [l for l in direct if l.to in (Account.roth_ira, Account.inherited_roth_ira)]
    dest = " and ".join(sorted({account_words(l.to) for l in direct}))
    box2a = f.box2a if f.box2a is not None else ZERO
    kept_taxable = sum((l.taxable for l in info.legs if l.kept), ZERO)
    roth_taxable = sum((l.taxable for l in to_roth), ZERO)
    expected = roth_taxable + kept_taxable
    why = None
    if not to_roth and box2a > kept_taxable:
        why = ("a direct rollover to an account that is not a Roth IRA is not taxable, so box 2a should be "
               + (f"{money(kept_taxable)} (the part kept)" if kept_taxable else "0"))
    elif to_roth and box2a != expected and info.source == Account.plan:
        if expected > 0 and box2a == 0:
            why = (f"a direct rollover of pre-tax plan money to a Roth IRA is taxable: the pre-tax part, "
                   f"{money(roth_taxable)}, belongs in box 2a")
        else:
            why = ("the pre-tax part of the money sent to the Roth IRA"
                   + (" plus the part kept" if kept_taxable else "")
                   + f" is {money(expected)} (after-tax part per {_aftertax_source(ctx, f.id)})")
    if why is None:
        return []
    return [make("CODE_G_TAXABLE_MISMATCH", f.id, ctx.fpath(f.id, "box2a"), form=f.id, dest=dest,
                 box2a=box2a, expected_why=why, expected=expected)]


def _aftertax_source(ctx: Ctx, form_id: str) -> str:
    for grp in ctx.res.groups:
        if any(l.form.id == form_id for l in grp.legs):
            return grp.aftertax_source or "box 5"
    return "box 5"


def codes_and_age(ctx: Ctx) -> list[Finding]:
    out = []
    for f in ctx.sc.forms_1099r:
        info = ctx.res.forms.get(f.id)
        person = ctx.person(f.recipient)
        paid = f.paid_on
        if info is None or paid is None or person.birth_date is None:
            continue
        half = ctx.half(person)
        reached = ctx.reached_half(person, paid)
        field = ctx.fpath(f.id, "box7")
        kept = any(l.kept and l.amount > 0 for l in info.legs)  # all converted or rolled over: no 10% at stake
        if "7" in f.box7 and not reached and kept and not gov_457b_own_money(info):
            out.append(make("CODE_7_UNDER_59_HALF", f.id, field, form=f.id, who=ctx.who_words(f.recipient),
                            age=ctx.age_text(person, paid), paid=paid, half=half))
        roth_code = next((c for c in ("Q", "T") if c in f.box7), None)
        if roth_code and info.early:  # under 59½, not disabled, not a beneficiary: the code's exception is not there
            out.append(make("CODE_ROTH_EXCEPTION_UNDER_59_HALF", f.id, field, form=f.id, code=roth_code,
                            who=ctx.who_words(f.recipient), age=ctx.age_text(person, paid), paid=paid, half=half))
        if reached:
            for c in EARLY_CODES:
                # J with 8 or P is a returned Roth contribution: i1099r "Enter Code J and Code 8 or P" at any age
                if c in f.box7 and not (c == "J" and set(f.box7) & {"8", "P"}):
                    out.append(make("CODE_1_OVER_59_HALF", f.id, field, form=f.id, code=c,
                                    who=ctx.who_words(f.recipient), half=half, paid=paid))
        if "2" in f.box7 and not reached:
            out += _code_2(ctx, f, info, person, paid)
        if "S" in f.box7 and not reached:
            out += code_s(ctx, f, paid, simple_start(f))
    return out


def _code_2(ctx: Ctx, f: Form1099R, info, person, paid: date) -> list[Finding]:
    """Code 2 under 59½: is there an exception the facts support? (i1099r code 2; rules.md §8.2)"""
    kept = sum((l.amount for l in info.legs if l.kept), ZERO)
    if kept <= 0:
        return []  # all of it rolled over or converted: no 10% question
    if any(is_conversion(l, info.source) for l in info.legs):
        return []  # a Roth conversion under 59½ is coded 2 (i1099r)
    if f.sepp or f.exceptions or person.disabled or set(f.box7) & {"8", "P"}:
        return []
    if gov_457b_own_money(info):
        return []  # i1099r code 2: a governmental 457(b) distribution not subject to the 10% (IRC §72(t)(9))
    if info.source in (Account.plan, Account.designated_roth) and separated_at_55(person, info, ctx.gp):
        return []
    checked = ["no Roth conversion", "sepp is not set", "no exception is listed on the form",
               "the person is not disabled"]
    if info.source in (Account.plan, Account.designated_roth):
        checked.append("no separation from service in or after the year of reaching "
                       + ("50" if person.public_safety_employee else "55"))
        checked.append("not marked as a governmental 457(b) plan")
    return [make("CODE_2_NO_EXCEPTION", f.id, ctx.fpath(f.id, "box7"), form=f.id, who=ctx.who_words(f.recipient),
                 paid=paid, checked="; ".join(checked), kept=kept)]


def simple_start(f: Form1099R) -> Optional[date]:
    """Date of the first contribution to the SIMPLE IRA, when the scenario gives one.
    The scenario format has no such field yet: until it does, this is None and code S is trusted."""
    v = getattr(f, "simple_first_contribution", None)
    return v if isinstance(v, date) else None


def code_s(ctx: Ctx, f: Form1099R, paid: date, start: Optional[date]) -> list[Finding]:
    """Code S: 25% only within 2 years of the first SIMPLE contribution (IRC §72(t)(6))."""
    if start is None:
        return [make("CODE_S_START_UNKNOWN", f.id, ctx.fpath(f.id, "box7"), form=f.id, paid=paid)]
    years = ctx.gp.periods.simple_first_years.value
    end = add_months(start, 12 * years)
    if paid >= end:
        return [make("CODE_S_AFTER_2_YEARS", f.id, ctx.fpath(f.id, "box7"), form=f.id, start=start, paid=paid,
                     end=end)]
    return []


def _taxed(f: Form1099R) -> str:
    """What taxdocs taxed where it does not figure the General Rule."""
    return "box 2a" if payer_figured(f) else "all of box 1 (box 2a is blank)"


def annuity_general_rule(ctx: Ctx) -> list[Finding]:
    """An annuity that started before July 2, 1986 is outside the Simplified Method (Notice 88-118); taxdocs does
    not figure the General Rule (Pub. 939), so without the payer's taxable amount all of it is taxed."""
    start_after = ctx.gp.simplified_method.single_life_1986.starting_after
    out = [make("ANNUITY_GENERAL_RULE", f.id, ctx.fpath(f.id, "box2a"), form=f.id, start=f.annuity.start_date)
           for f in ctx.sc.forms_1099r
           if f.annuity is not None and f.annuity.start_date <= start_after and not nonqualified_annuity(f)
           and (f.box2a is None or f.box2b_not_determined)]
    # box 9b shows a cost in an annuity, the payer did not figure box 2a, and no annuity facts (Pub. 575)
    out += [make("ANNUITY_FACTS_MISSING", f.id, ctx.fpath(f.id, "annuity"), form=f.id, cost=f.box9b)
            for f in ctx.sc.forms_1099r
            if f.id in ctx.res.forms and cost_without_facts(f, ctx.res.forms[f.id])]
    # code D: a commercial annuity is outside the Simplified Method at any starting date (IRC §72(d)(1)(A))
    out += [make("ANNUITY_NONQUALIFIED", f.id, ctx.fpath(f.id, "annuity"), form=f.id, taxed=_taxed(f))
            for f in ctx.sc.forms_1099r if f.annuity is not None and nonqualified_annuity(f)]
    # 75 or older at a start the Simplified Method covers, from a plan: 5 or more guaranteed years mean the General
    # Rule; not given, the Simplified Method was used on the assumption that fewer are guaranteed (IRC §72(d)(1)(E))
    gp = ctx.gp
    for f in ctx.sc.forms_1099r:
        a, info = f.annuity, ctx.res.forms.get(f.id)
        if (a is None or info is None or info.source != Account.plan or nonqualified_annuity(f)
                or a.start_date <= start_after or a.age_at_start < gp.ages.simplified_method_under.years):
            continue
        if general_rule_by_age(a, gp):
            out.append(make("ANNUITY_GENERAL_RULE_AGE_75", f.id, ctx.fpath(f.id, "annuity.guaranteed_years"), form=f.id,
                            age=a.age_at_start, years=a.guaranteed_years, taxed=_taxed(f)))
        elif a.guaranteed_years is None:
            out.append(make("ANNUITY_GUARANTEE_UNKNOWN", f.id, ctx.fpath(f.id, "annuity.guaranteed_years"), form=f.id,
                            age=a.age_at_start))
    return out


def plan_balance(ctx: Ctx) -> list[Finding]:
    """The balance just before a distribution includes it (IRC §72(e)(8)(B)): one below box 1 is likely mistyped,
    and it sets the after-tax share."""
    out = []
    for i, f in enumerate(ctx.sc.forms_1099r):
        pa = f.plan_account
        if pa is None or f.box1 <= pa.balance or f.id not in ctx.res.forms:
            continue
        aftertax = sum((l.aftertax for l in ctx.res.forms[f.id].legs), ZERO)
        out.append(make("PLAN_BALANCE_BELOW_PAYMENT", f.id, f"forms_1099r[{i}].plan_account.balance", form=f.id,
                        box1=f.box1, balance=pa.balance, aftertax=aftertax))
    return out


def codes_and_uses(ctx: Ctx) -> list[Finding]:
    """A plan's box 7 against what `uses` says happened: G or H is a direct rollover (trustee to trustee, no 20%
    withheld), any other code money paid to the recipient (i1099r codes G and H; IRC §401(a)(31), §3405(c)(2))."""
    out = []
    for f in ctx.sc.forms_1099r:
        info = ctx.res.forms.get(f.id)
        if info is None or info.source not in (Account.plan, Account.designated_roth) or not f.uses:
            continue
        kinds = {u.kind for u in f.uses}
        direct_code = bool(set(f.box7) & _DIRECT_CODES)
        if not direct_code and UseKind.direct_rollover in kinds:
            said, meaning = "a direct rollover", "paid to the recipient (a direct rollover shows G, or H from a Roth account)"
        elif direct_code and UseKind.indirect_rollover in kinds:
            said, meaning = "a 60-day (indirect) rollover of money paid to the recipient", "a direct rollover"
        else:
            continue
        out.append(make("CODE_CONTRADICTS_USE", f.id, ctx.fpath(f.id, "uses"), form=f.id, codes="".join(f.box7),
                        said=said, meaning=meaning))
    return out


def code_a_by_birth(ctx: Ctx) -> list[Finding]:
    """Code A (may use Form 4972's 10-year option) is for participants born before Jan. 2, 1936, or their
    beneficiaries (i1099r code A)."""
    out, cutoff = [], ctx.gp.law_dates.lump_sum_option_born_before.value
    for f in ctx.sc.forms_1099r:
        born = ctx.person(f.recipient).birth_date
        if "A" in f.box7 and "4" not in f.box7 and born is not None and born >= cutoff:
            out.append(make("CODE_A_BORN_TOO_LATE", f.id, ctx.fpath(f.id, "box7"), form=f.id, born=born, cutoff=cutoff,
                            who=ctx.who_words(f.recipient)))
    return out


def paid_after_death(ctx: Ctx) -> list[Finding]:
    """A 1099-R paid to a person after the date of death given: income in respect of a decedent belongs to the estate
    or beneficiary that received it (IRC §691(a)(1); i1099r code 4), not to the decedent's final return."""
    out = []
    for f in ctx.sc.forms_1099r:
        person, paid = ctx.person(f.recipient), f.paid_on
        died = person.date_of_death
        if died is not None and paid is not None and paid > died:
            out.append(make("PAID_AFTER_DEATH", f.id, ctx.fpath(f.id, "date_paid"), form=f.id, paid=paid, died=died,
                            who=ctx.who_words(f.recipient), amount=f.box1))
    return out


def check(ctx: Ctx) -> list[Finding]:
    sc = ctx.sc
    return (box_arithmetic(sc) + rows(sc) + payer_tin(sc) + codes_valid(ctx) + codes_and_boxes(ctx)
            + codes_and_age(ctx) + codes_and_uses(ctx) + code_a_by_birth(ctx) + paid_after_death(ctx)
            + annuity_general_rule(ctx) + plan_balance(ctx))
