"""Form 1040 lines 4a-4c (IRAs), 5a-5c (pensions and annuities), 25b and Schedule 2 line 8 (rules.md §3)."""
from __future__ import annotations

from decimal import Decimal

from taxdocs.core.lines import Form
from taxdocs.core.money import ZERO, dollars, total, z
from taxdocs.model.scenario import Account, UseKind
from taxdocs.params import general
from taxdocs.rules import simplified_method
from taxdocs.rules.facts import is_conversion
from taxdocs.rules.legs import IRA_SOURCES, corrective_plan_form, inherited_link, prior_year_form

IRA_LINE = IRA_SOURCES | {Account.roth_ira, Account.inherited_ira, Account.inherited_roth_ira}


def per_form(res, info) -> dict:
    """Gross, taxable and notations of one 1099-R, for the line it goes to."""
    f = info.legs[0].form
    if prior_year_form(f):
        line = "prior"  # code P or R: the earlier year's return (only box 4 counts here)
    elif corrective_plan_form(f, info.source):
        line = "1h"
    else:
        line = "4" if info.source in IRA_LINE else "5"
    notes = set()
    for l in info.legs:
        if l.is_rollover and l.valid and not is_conversion(l, info.source):
            notes.add("Rollover")
        # a QCD or HFD cut to nothing by the pre-tax limit (engine._limit_to_pretax) is not one
        # (i1040 lines 4a-4b Exceptions 3, 4)
        if l.kind == UseKind.qcd and l.valid and l.amount > 0:
            notes.add("QCD")
        if l.kind == UseKind.hfd and l.valid and l.amount > 0:
            notes.add("HFD")
    taxable = None if line in ("4", "prior") else total(l.taxable for l in info.legs)
    return {"id": f.id, "person": info.person, "line": line, "gross": dollars(f.box1), "taxable": taxable,
            "withheld": dollars(f.box4), "notes": sorted(notes), "source": info.source.value}


def _distributions_taxable(g, key: str) -> Decimal:
    """Traditional IRA distributions kept, as taxed: Form 8606 line 15c when Part I is completed, else all
    of them (no basis: i8606 "no 8606 needed")."""
    return z(g[f"f8606.{key}.line15c"]) if g[f"f8606.{key}.part1_full"] else g[f"{key}.ira.distributions"]


def ira_taxable(res, who: str) -> Decimal:
    """Taxable IRA amount of one person: Form 8606 when it governs, else what was kept (i1040 line 4b)."""
    g = res.graph
    f = f"f8606.{who}"
    out = _distributions_taxable(g, who) + z(g[f"{f}.line18"]) + z(g[f"{f}.line25c"])
    person = res.scenario.person(who)
    inherited = [l for i in res.forms.values() if i.person == who and i.source == Account.inherited_ira
                 and inherited_link(person, i.legs[0].form, res.scenario.forms_1099r) is None for l in i.legs if l.kept]
    out += total(l.amount for l in inherited)  # no basis given for it: all taxable (rules.md §4.1)
    for form in res.inherited:  # each decedent's IRAs: their own Form 8606 (rules.md §4.1, §5.1)
        if form.who == who:
            out += z(g[f"f8606.{form.key}.line25c"]) if form.roth else _distributions_taxable(g, form.key)
    out += g[f"{who}.ira.returned_earnings"]
    out += g[f"{who}.ira.qcd_offset"]  # QCDs not excluded (IRC §408(d)(8)(A) last sentence)
    return out


def declare(res) -> None:
    g = res.graph
    f = Form(g, "f1040")
    people = res.people()
    forms = res.forms_8606()  # each person's, and each inherited IRA's
    all_rows = [per_form(res, i) for i in res.forms.values()]
    g.fact("f1040.forms", all_rows, "Each 1099-R and the line it goes to", "derived from the 1099-Rs")
    by_line = {n: [r for r in all_rows if r["line"] == n] for n in ("4", "5", "1h")}

    def rows(line: str) -> list[dict]:
        g.reads("f1040.forms")  # the lines rest on it (explanations)
        return by_line[line]

    f.line("ira_gross", "IRA distributions, box 1 total", "i1040 lines 4a-4b", "sum of box 1 (IRA box or Roth IRA)",
           lambda g: total(r["gross"] for r in rows("4")))
    f.line("4b", "IRA distributions, taxable amount", "i1040 line 4b; Form 8606 lines 15c, 18, 25c", "per person",
           lambda g: total(g[f"f1040.ira_taxable.{w}"] for w in people) if rows("4") else None)
    for w in people:
        g.define(f"f1040.ira_taxable.{w}", f"Taxable IRA amount ({w})", "i1040 line 4b", "8606 15c + 18 + 25c, or amounts kept",
                 lambda g, w=w: ira_taxable(res, w))
    f.line("4c", "Line 4 notations", "i1040 lines 4a-4b Exceptions 1, 3, 4; 2025 line 4c",
           "Rollover, QCD, HFD", lambda g: sorted({n for r in rows("4") for n in r["notes"]}))
    f.line("4a", "IRA distributions (total, when an exception applies)", "i1040 lines 4a-4b",
           "box 1 total when a rollover, Form 8606, QCD or HFD applies; else blank",
           lambda g: f["ira_gross"] if rows("4") and (f["4c"] or any(g[f"f8606.{form.key}.required"] for form in forms)
                                                         or f["4b"] != f["ira_gross"]) else None)
    f.line("pension_gross", "Pensions and annuities, box 1 total", "i1040 lines 5a-5b", "sum of box 1",
           lambda g: total(r["gross"] for r in rows("5")))
    line_of = {r["id"]: r["line"] for r in all_rows}
    for info in res.forms.values():
        if line_of[info.form_id] in ("5", "1h"):
            _declare_plan_form(res, info)
    pso = _declare_pso(res, [i for i in res.forms.values() if line_of[i.form_id] == "5"])
    f.line("5b", "Pensions and annuities, taxable amount", "i1040 lines 5a-5b; Notice 2014-54; IRC §402(l)",
           "sum of taxable parts, less the retired public safety officers' premium exclusion",
           lambda g: total(g[f"r1099.{r['id']}.taxable"] - pso(g, r["id"]) for r in rows("5")) if rows("5") else None)
    f.line("5c", "Line 5 notations", "i1040 lines 5a-5b; 2025 line 5c", "Rollover; PSO",
           lambda g: sorted({n for r in rows("5") for n in r["notes"]} | ({"PSO"} if any(pso(g, r["id"]) for r in rows("5"))
                                                                          else set())))
    f.line("5a", "Pensions and annuities (total, when not fully taxable)", "i1040 lines 5a-5b",
           "box 1 total when the taxable amount is less, else blank",
           lambda g: f["pension_gross"] if rows("5") and (f["5b"] != f["pension_gross"] or f["5c"]) else None)
    f.line("25b", "Federal income tax withheld from Forms 1099", "i1040 line 25b", "sum of box 4",
           lambda g: total(r["withheld"] for r in g["f1040.forms"]))
    f.line("schedule2_line8", "Additional tax on IRAs and other plans (Schedule 2 line 8)", "i1040 Schedule 2 line 8",
           "Form 5329 line 4, each person", lambda g: total(g[f"f5329.{w}.line4"] for w in people))
    f.line("1h_corrective", "Corrective distributions from plans (part of line 1h)", "i1040 line 1h",
           "taxable amount of code 8 plan forms (excess deferrals or contributions, plus earnings)",
           lambda g: total(g[f"r1099.{r['id']}.taxable"] for r in rows("1h")) if rows("1h") else None)
    f.line("retirement_taxable", "Retirement income included in income", "lines 4b + 5b; 1h corrective",
           "4b + 5b + corrective distributions on 1h", lambda g: f.z("4b") + f.z("5b") + f.z("1h_corrective"))


def _declare_pso(res, infos):
    """Retired public safety officers: premiums paid from a governmental plan distribution are excluded, up to the
    year's limit per officer, forms taken in order (IRC §402(l)); the form's `pso` line. Returns pso(g, form_id)."""
    g = res.graph
    limit = general().limits.retired_public_safety_premiums
    used: dict[str, list[str]] = {}  # person -> forms with premiums so far
    for info in infos:
        f = info.legs[0].form
        if not f.pso_premiums:
            continue
        before = list(used.setdefault(info.person, []))
        used[info.person].append(f.id)
        g.define(f"r1099.{f.id}.pso", f"Form 1099-R {f.id}: retired public safety officer premiums excluded",
                 "IRC §402(l)(2); i1040 lines 5a-5b (PSO)",
                 f"smallest of the premiums paid from it, the taxable amount, and {limit.value:,} less earlier exclusions",
                 lambda g, f=f, before=before: max(min(dollars(f.pso_premiums), g[f"r1099.{f.id}.taxable"],
                                                       limit.value - total(g[f"r1099.{b}.pso"] for b in before)), ZERO))

    def pso(g, form_id):
        key = f"r1099.{form_id}.pso"
        return g[key] if g.has(key) else ZERO
    return pso


def _declare_plan_form(res, info) -> None:
    """One plan 1099-R's taxable amount, with each leg's pre-tax/after-tax split as its explanation."""
    g, f = res.graph, info.legs[0].form
    grp = next((gr for gr in res.groups if any(l.form is f for l in gr.legs)), None)
    g.fact(f"r1099.{f.id}.box1", f.box1, f"Form 1099-R {f.id}: box 1", f"scenario: forms_1099r[id={f.id}].box1")
    if grp is not None:
        g.fact(f"r1099.{f.id}.group", f"pre-tax {grp.pretax}, after-tax {grp.aftertax} of {grp.gross}",
               "The distribution this form is part of (Notice 2014-54: one distribution)",
               f"after-tax from {grp.aftertax_source}")
    for i, l in enumerate(info.legs):
        where = l.kind.value + (f" to {l.to.value}" if l.to else "") + ("" if l.valid else " (does not count: "
                                                                         + ", ".join(l.invalid_reasons) + ")")
        g.fact(f"r1099.{f.id}.leg{i}", l.taxable, f"{where}: {l.amount} = pre-tax {l.pretax} + after-tax {l.aftertax}"
               + (f"; NUA {l.nua} not taxed now (IRC §402(e)(4))" if l.nua else ""),
               f"scenario: forms_1099r[id={f.id}].uses" + (f"[{l.index}]" if l.index >= 0 else " (the rest: kept)"),
               note=l.inferred or None)
    sm = f"sm.{f.id}.line9"
    if g.has(sm) and simplified_method.payer_figured(f):
        g.define(f"r1099.{f.id}.taxable", f"Form 1099-R {f.id}: taxable amount", "Pub. 575 Worksheet A line 9",
                 "box 2a, or Simplified Method line 9 when smaller (chosen per leg by the engine)",
                 lambda g: _leg_sum(g, f.id, len(info.legs), sm))
        return
    if g.has(sm):
        g.define(f"r1099.{f.id}.taxable", f"Form 1099-R {f.id}: taxable amount", "i1040 Simplified Method Worksheet",
                 "Simplified Method line 9", lambda g: g[sm])
        return
    cost_untold = simplified_method.cost_without_facts(f, info)

    def taxable(g):
        if cost_untold:  # i1040 lines 5a-5b: a partly taxable annuity is figured by the Simplified Method
            g.provisional(f"box 9b shows {f.box9b:,} of cost in an annuity and the payer did not figure the taxable "
                          "amount: without the annuity facts the Simplified Method was not applied")
        return _leg_sum(g, f.id, len(info.legs))
    g.define(f"r1099.{f.id}.taxable", f"Form 1099-R {f.id}: taxable amount",
             "IRC §402(c)(2); Notice 2014-54; i1040 lines 5a-5b",
             "pre-tax money kept or rolled to a Roth account; pre-tax goes to rollovers first", taxable)


def _leg_sum(g, fid, n, *also):
    g.reads(*(k for k in (f"r1099.{fid}.group", f"r1099.{fid}.box1", *also) if g.has(k)))
    return total(g[f"r1099.{fid}.leg{i}"] for i in range(n))
