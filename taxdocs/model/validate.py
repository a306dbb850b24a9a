"""Checks a well-formed scenario must pass before any computation. Each names the field."""
from __future__ import annotations

from taxdocs.core.dates import plus_days
from taxdocs.errors import Problem
from taxdocs.model.scenario import SSN_PLACEHOLDER, Account, Scenario, UseKind
from taxdocs.rules.legs import IRA_SOURCES, source_of

KNOWN_CODES = set("123456789ABCDEFGHJKLMNPQRSTUWY")
NEEDS_TO = {UseKind.direct_rollover, UseKind.indirect_rollover}


def semantic_problems(sc: Scenario, file: str) -> list[Problem]:
    out: list[Problem] = []
    y = sc.tax_year

    def bad(path: str, msg: str, record: str = "", rule: str = "") -> None:
        out.append(Problem(file, path, msg, record, rule))

    people_with_forms = set()
    for i, f in enumerate(sc.forms_1099r):
        p = f"forms_1099r[{i}]"
        people_with_forms.add(f.recipient)
        for j, code in enumerate(f.box7):
            if code not in KNOWN_CODES:
                bad(f"{p}.box7[{j}]", f"unknown distribution code {code!r}", f.id, "i1099r Table 1")
        if f.box2a is not None and f.box2a > f.box1:
            bad(f"{p}.box2a", f"box 2a ({f.box2a}) is larger than box 1 ({f.box1})", f.id, "i1099r box 2a")
        if f.recipient == "spouse" and sc.filing_status.value != "mfj":
            bad(f"{p}.recipient", f"only a joint return has the spouse's income on it ({sc.filing_status.value} here): "
                "this 1099-R belongs on the spouse's own return (or the filing status is wrong)", f.id,
                "i1040 Filing Status")
        if f.plan_account is not None and f.plan_account.balance == 0 and f.box1 > 0:
            bad(f"{p}.plan_account.balance", "the balance just before the distribution cannot be 0 when box 1 shows a "
                "payment: give the account's value then (the after-tax share is figured from it)", f.id,
                "IRC §72(e)(8)")
        if f.loan_offset is not None and f.loan_offset > f.box1:
            bad(f"{p}.loan_offset", f"the loan offset ({f.loan_offset}) is larger than box 1 ({f.box1}), which "
                "includes it", f.id, "i1099r box 1 (plan loan offsets)")
        for box in ("box3", "box4", "box5"):
            v = getattr(f, box)
            if v is not None and v > f.box1 and not (box == "box5" and f.box5_may_exceed_box1):
                bad(f"{p}.{box}", f"box {box[3:]} ({v}) is larger than box 1 ({f.box1})", f.id, f"i1099r box {box[3:]}")
        paid = f.paid_on
        if paid is None:
            bad(f"{p}.date_paid", "the date paid is needed (date_paid, or box13)", f.id)
        elif paid.year != y:
            bad(f"{p}.date_paid", f"date paid {paid} is outside tax year {y}", f.id)
        if f.date_received is not None and paid is not None and not (paid <= f.date_received <= plus_days(paid, 366)):
            bad(f"{p}.date_received", f"received {f.date_received}: it must be on or after the date paid {paid} "
                "(and within a year of it)", f.id, "IRC §402(c)(3)(A)")
        if f.decedent_first_roth_year is not None and f.decedent_first_roth_year > y:
            bad(f"{p}.decedent_first_roth_year", f"{f.decedent_first_roth_year} is after tax year {y}: the decedent's "
                "first Roth IRA year was before the distribution", f.id, "IRC §408A(d)(2)(B)")
        used = sum((u.amount for u in f.uses), start=0)
        if used > f.box1:
            bad(f"{p}.uses", f"the uses add up to {used}, more than box 1 ({f.box1})", f.id)
        for k, u in enumerate(f.uses):
            up = f"{p}.uses[{k}]"
            if u.kind in NEEDS_TO and u.to is None:
                bad(f"{up}.to", f"a {u.kind.value} needs the receiving account kind", f.id)
            if u.kind == UseKind.returned_contribution and source_of(f)[0] in (Account.plan, Account.designated_roth):
                bad(f"{up}.kind", "a returned contribution is an IRA's (IRC §408(d)(4)); a plan's corrective "
                    "distribution (code 8: excess deferrals or contributions plus earnings) is taxed as box 2a shows: "
                    "leave `uses` empty for it", f.id, "i1099r code 8; i1040 line 1h")
            if u.kind == UseKind.excess_withdrawn and source_of(f)[0] not in IRA_SOURCES:
                bad(f"{up}.kind", "an excess contribution withdrawn after the due date is a traditional, SEP or SIMPLE "
                    "IRA's (IRC §408(d)(5)); from a Roth IRA the withdrawal is a return of contributions (leave `uses` "
                    "empty), and a plan's excess is a corrective distribution", f.id, "IRC §408(d)(5)")
            if u.kind == UseKind.indirect_rollover and u.date is None:
                bad(f"{up}.date", "an indirect rollover needs the date deposited", f.id, "IRC §402(c)(3), §408(d)(3)")
            if u.date is not None and paid is not None and u.date < paid:
                bad(f"{up}.date", f"deposit date {u.date} is before the date paid {paid}", f.id)
            if u.date is not None and u.date.year > y + 1:
                bad(f"{up}.date", f"date {u.date} is more than a year after tax year {y}", f.id)
            if u.pretax is not None and u.pretax > u.amount:
                bad(f"{up}.pretax", f"pre-tax part ({u.pretax}) exceeds the amount ({u.amount})", f.id, "Notice 2014-54")
    for who, person in sc.people():
        if person.earlier_hfd_year is not None and person.earlier_hfd_year >= y:
            bad(f"{who}.earlier_hfd_year", f"{person.earlier_hfd_year} is not before tax year {y}: an HSA funding "
                "distribution of this year is on its 1099-R (a use of kind hfd); give only an earlier year",
                rule="IRC §408(d)(9)(C)(ii)")
        for k, e in enumerate(person.inherited_iras):
            if person.inherited_index(e.decedent) != k + 1:
                bad(f"{who}.inherited_iras[{k}].decedent", f"decedent {person.inherited_iras[k].decedent!r} is listed twice: "
                    "one entry per decedent", rule="rules.md §5.1 (aggregated per decedent)")
    for i, f in enumerate(sc.forms_1099r):
        person = sc.person(f.recipient) if f.recipient == "taxpayer" or sc.spouse else None
        to_inherited = any(u.to == Account.inherited_ira for u in f.uses)  # a plan rolled into an inherited IRA
        roth = f.source == Account.inherited_roth_ira  # names the decedent whose basis it shares (facts.inherited_roth_groups)
        if f.decedent and not to_inherited and not roth and ((f.source is not None and f.source != Account.inherited_ira)
                                                             or (f.source is None and not f.ira_form)):
            bad(f"forms_1099r[{i}].decedent", "`decedent` is for a 1099-R from an inherited IRA (IRA/SEP/SIMPLE box "
                "checked, or source: inherited_ira or inherited_roth_ira)", f.id, "rules.md §4.1")
        elif f.decedent and not roth and person is not None and person.inherited_index(f.decedent) is None:
            bad(f"forms_1099r[{i}].decedent", f"no inherited IRA from {f.decedent!r} under {f.recipient}.inherited_iras",
                f.id, "rules.md §4.1 (a separate Form 8606 per decedent)")
        conv = f.decedent_roth_conversion_basis
        if conv and (f.decedent_roth_basis is None or conv > f.decedent_roth_basis):
            bad(f"forms_1099r[{i}].decedent_roth_conversion_basis", f"the conversion part ({conv}) is more than the "
                f"decedent's Roth basis it is part of (decedent_roth_basis: {f.decedent_roth_basis or 'not given'})",
                f.id, "i8606 lines 22 and 24")
        if f.annuity is not None and f.annuity.start_date.year > y:
            bad(f"forms_1099r[{i}].annuity.start_date", f"the annuity starting date ({f.annuity.start_date}) is after "
                f"tax year {y}: no payment of {y} can be under it", f.id, "IRC §72(c)(4); Pub. 575 'annuity starting date'")
        if f.pso_premiums:  # IRC §402(l): an eligible retired public safety officer's governmental plan distribution
            if source_of(f)[0] not in (Account.plan, Account.designated_roth):
                bad(f"forms_1099r[{i}].pso_premiums", "the retired public safety officer premium exclusion is for "
                    "distributions from an eligible governmental plan, not an IRA", f.id, "IRC §402(l)(4)(B)")
            elif person is not None and not person.public_safety_employee:
                bad(f"forms_1099r[{i}].pso_premiums", f"the premium exclusion is for a retired public safety officer: "
                    f"set {f.recipient}.public_safety_employee: true if the recipient is one (a law enforcement "
                    "officer, firefighter, chaplain or rescue squad or ambulance crew member who retired on "
                    "disability or at normal retirement age)", f.id, "IRC §402(l)(4)(C)")
    inc = sc.income
    if inc.other_agi is not None and "other_taxable_income" in inc.model_fields_set:
        bad("income.other_agi", "give either income.other_taxable_income (after deductions) or income.other_agi "
            "(before them), not both", rule="IRC §63")
    if inc.other_agi is None and (inc.social_security_benefits is not None or inc.tax_exempt_interest):
        bad("income.social_security_benefits", "Social Security benefits and tax-exempt interest are used with "
            "income.other_agi (taxable income already counts the benefits' taxable part)", rule="IRC §86")
    if inc.itemized_deductions is not None and inc.other_agi is None:
        bad("income.itemized_deductions", "itemized deductions are used with income.other_agi (taxable income is "
            "already after deductions)", rule="IRC §63")
    for name, what in (("medical_expenses", "medical expenses"), ("state_local_taxes", "state and local taxes"),
                       ("charitable_contributions", "charitable contributions")):
        if getattr(inc, name) is not None and inc.other_agi is None:
            bad(f"income.{name}", f"{what} are deductions, used with income.other_agi (taxable income is already "
                "after deductions)", rule="IRC §63")
    if (inc.qualified_dividends or inc.net_capital_gain) and inc.other_agi is None and \
            "other_taxable_income" not in inc.model_fields_set:
        bad("income.qualified_dividends", "qualified dividends and net capital gain are part of the other income: "
            "give the taxable income from everything else (income.other_taxable_income), or the AGI from everything "
            "else (income.other_agi), with them",
            rule="i1040 Qualified Dividends and Capital Gain Tax Worksheet line 1")
    if inc.net_investment_income is not None and inc.other_agi is None:
        bad("income.net_investment_income", "the net investment income tax is figured from the AGI: give "
            "income.other_agi too", rule="IRC §1411(a)(1), (d)")
    if sc.spouse is not None and sc.spouse.ssn == sc.taxpayer.ssn and sc.spouse.ssn != SSN_PLACEHOLDER:
        bad("spouse.ssn", f"the same SSN as the taxpayer's ({sc.taxpayer.ssn_last4}): each spouse has their own",
            rule="i1040 Filing Status (married filing jointly)")
    for who, person in sc.people():
        if who in people_with_forms and person.birth_date is None:
            bad(f"{who}.birth_date", "birth date is needed: age decides the 10% additional tax, 59½ and Roth qualification",
                rule="IRC §72(t)(2)(A)(i)")
        if person.birth_date and person.birth_date.year > y:
            bad(f"{who}.birth_date", f"born after tax year {y}")
        elif person.birth_date and person.date_of_death and person.date_of_death < person.birth_date:
            bad(f"{who}.date_of_death", f"{person.date_of_death} is before the birth date {person.birth_date}")
        elif person.birth_date:
            early = min((f.paid_on for f in sc.forms_1099r if f.recipient == who and f.paid_on), default=None)
            if early is not None and early < person.birth_date:
                bad(f"{who}.birth_date", f"{person.birth_date} is after a 1099-R paid to {who} on {early}: check the "
                    "birth date (or the date paid)")
        sep, sep_year = person.separated_from_service_date, person.separated_from_service_year
        if sep is not None and sep_year is not None and sep.year != sep_year:
            bad(f"{who}.separated_from_service_date", f"{sep} is not in separated_from_service_year {sep_year}: give "
                "one of them, or make them agree")
        if person.public_safety_service_years is not None and not person.public_safety_employee:
            bad(f"{who}.public_safety_service_years", "service years count only for a qualified public safety "
                "employee: set public_safety_employee: true, or leave the years out", rule="IRC §72(t)(10)(B)")
        ira = person.ira
        if ira.nondeductible_after_year_end > ira.nondeductible_contributions:
            bad(f"{who}.ira.nondeductible_after_year_end",
                "cannot exceed nondeductible_contributions (it is the part of line 1 made after year-end)", rule="i8606 line 4")
        start = _roth_start()
        for name in ("first_contribution_year", "first_year_at_latest"):
            fy = getattr(person.roth, name)
            if fy is not None and fy > y:
                bad(f"{who}.roth.{name}", f"{fy} is after tax year {y}")
            elif fy is not None and fy < start.value.year:
                bad(f"{who}.roth.{name}", f"{fy} is before {start.value.year}, the first year of Roth IRAs",
                    rule="IRC §408A")
        for k, layer in enumerate(person.roth.conversions):
            lp = f"{who}.roth.conversions[{k}]"
            if layer.year < start.value.year:
                bad(f"{lp}.year", f"{layer.year} is before {start.value.year}, the first year of Roth IRAs",
                    rule="IRC §408A")
            if layer.taxable > layer.amount:
                bad(f"{lp}.taxable", "taxable part exceeds the amount converted", rule="i8606 line 24")
            if layer.distributed > layer.amount:
                bad(f"{lp}.distributed", "more distributed than was converted")
            if layer.year > y:
                # a layer of this year itself: last year's conversion that reached the Roth IRA in January (its
                # period begins in the year the contribution was made, IRC §408A(d)(3)(F)(i)(II))
                bad(f"{lp}.year", f"history layers are for earlier returns' conversions, by the year the money reached "
                    f"the Roth IRA: {y} at the latest; this year's conversions come from the 1099-Rs")
    return out


def _roth_start():
    from taxdocs.params import general  # the law's dates are data (general.yaml law_dates)
    return general().law_dates.roth_ira_start
