"""What the results page shows, gathered from the computed Result (no tax decisions here).

Each shown line carries its explanation tree from `Graph.explain`, turned into
plain display nodes (`why`), the findings come from taxdocs.checks.run.check when it
is installed, and a filed Form 8606 (uploaded) is compared line by line.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Optional

log = logging.getLogger("taxdocs.web")

F1040_LINES = (
    ("4a", "f1040.line4a"), ("4b", "f1040.line4b"), ("4c", "f1040.line4c"),
    ("5a", "f1040.line5a"), ("5b", "f1040.line5b"), ("5c", "f1040.line5c"),
    ("25b", "f1040.line25b"), ("Schedule 2 line 8", "f1040.schedule2_line8"),
)
SEVERITY_ORDER = ("error", "warning", "info")
SEVERITY_WORDS = {"error": "Must fix", "warning": "Check this", "info": "For your information"}
WHY_DEPTH = 8


def show(v: Any, key: str = "") -> str:
    """A value for a person: $ amounts with separators, a line 10 ratio as 0.833, lists joined."""
    if v is None:
        return "blank"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, Decimal):
        if key.endswith(".line10") or (v != v.to_integral_value() and -1 < v < 1 and key.endswith("ratio")):
            return f"{v:f}"
        if v == v.to_integral_value():
            return f"{int(v):,}"
        return f"{v.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (list, tuple)):
        if not v:
            return "none"
        if all(isinstance(x, str) for x in v):
            return ", ".join(v)
        return f"{len(v)} item{'s' if len(v) != 1 else ''}"
    if isinstance(v, dict):
        return f"{len(v)} item{'s' if len(v) != 1 else ''}"
    if hasattr(v, "isoformat"):
        return f"{v:%b} {v.day}, {v.year}"
    if hasattr(v, "value") and isinstance(getattr(v, "value"), str):
        return v.value.replace("_", " ")
    if all(hasattr(v, a) for a in ("tax_without", "tax_with", "difference")):  # rules.tax.TaxEffect
        return f"{show(v.difference)} more tax ({show(v.tax_without)} without, {show(v.tax_with)} with)"
    s = str(v)
    return s if len(s) <= 80 else s[:77] + "…"


@dataclass
class WhyNode:
    key: str
    label: str
    value: str
    status: str = "complete"
    formula: str = ""
    cite: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    repeat: bool = False
    inputs: list["WhyNode"] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)   # a table-like value, one line per row


def why(tree: dict) -> WhyNode:
    value = tree.get("value")
    rows = []
    if isinstance(value, (list, tuple)) and value and all(isinstance(x, dict) for x in value):
        rows = [_row_words(x) for x in value[:20]]
    return WhyNode(tree["key"], tree.get("label", ""), show(value, tree["key"]), tree.get("status", "complete"),
                   tree.get("formula", ""), tree.get("cite", ""), _source(tree.get("source", "")), list(tree.get("notes", [])),
                   bool(tree.get("repeat")), [why(c) for c in tree.get("inputs", [])], rows)


def _source(src: str) -> str:
    """'scenario: taxpayer.ira.prior_basis' -> 'your answer “You › Basis from earlier years”'."""
    from taxdocs.web.fields import describe
    if src.startswith("scenario: "):
        path = src[len("scenario: "):].strip()
        words = describe(path)
        last = words.rsplit("›", 1)[-1]
        if words and words != path and "_" not in last and "." not in last:
            return f"your answer “{words}”"
    return src


def _row_words(d: dict) -> str:
    """{'id': 'a', 'line': '5', 'taxable': Decimal(10000), 'notes': ['Rollover']} -> 'a: line 5, taxable 10,000, notes Rollover'."""
    head = str(d.get("id") or d.get("key") or "")
    parts = []
    for k, v in d.items():
        if k in ("id", "key") or isinstance(v, dict) or (isinstance(v, (list, tuple)) and not v):
            continue
        if isinstance(v, (list, tuple)) and not all(isinstance(x, str) for x in v):
            continue
        parts.append(f"{k.replace('_', ' ')} {show(v)}")
    return (head + ": " if head else "") + ", ".join(parts)


@dataclass
class LineRow:
    number: str
    key: str
    label: str
    value: str
    raw: Any
    status: str
    why: Optional[WhyNode]


def _row(res, number: str, key: str) -> Optional[LineRow]:
    g = res.graph
    if not g.has(key):
        return None
    node = g.node(key)
    try:
        tree = why(g.explain(key, WHY_DEPTH))
    except Exception as e:  # an explanation must never break the page
        log.warning("explain %s failed: %s", key, type(e).__name__)
        tree = None
    return LineRow(number, key, node.label, show(node.value, key), node.value, node.status, tree)


def f1040_rows(res) -> list[LineRow]:
    return [r for n, k in F1040_LINES if (r := _row(res, n, k)) is not None]


def f8606_forms(res) -> list[dict]:
    """Per person: required?, the lines with a value (each with its why)."""
    from taxdocs.documents.fill import LINES_8606
    out = []
    for who, p in res.scenario.people():
        required = bool(res.graph.get(f"f8606.{who}.required"))
        rows = []
        for ln in LINES_8606:
            key = f"f8606.{who}.line{ln}"
            if res.graph.has(key) and res.graph[key] is not None:
                r = _row(res, ln, key)
                if r is not None:
                    rows.append(r)
        out.append({"who": who, "name": p.name, "required": required, "rows": rows,
                    "required_why": _row(res, "", f"f8606.{who}.required")})
    return out


def forms_table(res) -> list[dict]:
    rows = {r["id"]: r for r in (res.graph.get("f1040.forms") or [])}
    out = []
    for i, info in enumerate(res.forms.values()):
        f = info.legs[0].form
        row = rows.get(f.id, {})
        legs = []
        for leg in info.legs:
            what = _LEG_WORDS.get(leg.kind.value, leg.kind.value.replace("_", " "))
            if leg.to is not None and leg.kind.value != "cash":
                what += " into a " + _ACCOUNT_WORDS.get(leg.to.value, leg.to.value)
            legs.append({"what": what, "amount": show(leg.amount), "counts": leg.valid,
                         "deposited": show(leg.deposited) if leg.deposited else "",
                         "inferred": leg.inferred, "reasons": list(leg.invalid_reasons)})
        out.append({"n": i + 1, "id": f.id, "payer": f.payer.name, "who": info.person,
                    "source": _ACCOUNT_WORDS.get(info.source.value, info.source.value),
                    "source_why": info.source_why, "paid": show(info.paid), "codes": "".join(f.box7),
                    "gross": show(f.box1), "withheld": show(f.box4), "line": row.get("line", ""),
                    "taxable": show(row.get("taxable")) if row.get("taxable") is not None else "on Form 8606",
                    "early": info.early, "legs": legs})
    return out


_LEG_WORDS = {"cash": "kept", "indirect_rollover": "60-day rollover", "direct_rollover": "direct rollover",
              "conversion": "conversion", "in_plan_roth_rollover": "in-plan Roth rollover",
              "qcd": "paid to charity (QCD)", "hfd": "HSA funding", "recharacterization": "recharacterized",
              "returned_contribution": "returned contribution", "excess_withdrawn": "excess contribution withdrawn"}
_ACCOUNT_WORDS = {"traditional_ira": "traditional IRA", "sep_ira": "SEP IRA", "simple_ira": "SIMPLE IRA",
                  "roth_ira": "Roth IRA", "plan": "employer plan", "designated_roth": "Roth 401(k)-type account",
                  "inherited_ira": "inherited IRA", "inherited_roth_ira": "inherited Roth IRA"}


def tax_effect(res) -> Optional[dict]:
    g = res.graph
    eff = g.get("tax.effect")
    if eff is None:
        note = next(iter(g.node("tax.brackets").notes), "") if g.has("tax.brackets") else ""
        return {"missing": note or "The tax effect could not be computed."}
    return {"without": show(g["tax.without"]), "with": show(g["tax.with"]), "difference": show(g["tax.difference"]),
            "additional": show(g["tax.additional_tax"]), "total": show(g["tax.total_cost"]),
            "retirement": show(g["f1040.retirement_taxable"]), "other": show(g["income.other_taxable_income"]),
            "slices": [{"amount": show(s.amount_in_bracket), "rate": f"{(s.rate * 100).normalize():f}%",
                        "tax": show(s.tax)} for s in getattr(eff, "slices", [])],
            "gains": {"amount": show(eff.gains), "difference": show(eff.gains_difference)}
            if getattr(eff, "gains_with", None) is not None else None,
            "line16": {"without": show(g["tax.line16_without"]), "with": show(g["tax.line16_with"]),
                       "difference": show(g["tax.line16_difference"])} if g.get("tax.line16_with") is not None else None,
            "agi": _agi_rows(g),
            "why": _row(res, "", "tax.total_cost")}


def _agi_rows(g) -> list[dict]:
    """With the AGI given: the AGI, the taxable Social Security and the deductions, without and with."""
    rows = [("Adjusted gross income", "tax.agi_without", "tax.agi_with"),
            ("Taxable Social Security", "tax.ss_taxable_without", "tax.ss_taxable_with"),
            ("Deductions", "tax.deduction_without", "tax.deduction_with")]
    return [{"label": label, "without": show(g[a]), "with": show(g[b]),
             "how": " / ".join(dict.fromkeys(n for k in (a, b) for n in g.node(k).notes))}
            for label, a, b in rows if g.has(a)]


# --- findings ---------------------------------------------------------------------------------

@dataclass
class Checked:
    findings: Optional[list]        # None: the checks could not run
    note: str = ""


def run_checks(res) -> Checked:
    try:
        from taxdocs.checks.run import check
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("taxdocs.checks"):
            return Checked(None, "The checker (taxdocs.checks.run) is not installed in this version, "
                                 "so no findings are shown. The lines below are still computed.")
        raise
    try:
        return Checked(list(check(res)))
    except Exception as e:
        log.warning("checks failed: %s", type(e).__name__)
        return Checked(None, "The checks could not run on these answers; the lines below are still computed. "
                             "Please report this with the scenario YAML (download it below).")


def findings_view(checked: Checked, data: dict) -> list[dict]:
    from taxdocs.web.fields import describe
    groups: dict[str, list] = {s: [] for s in SEVERITY_ORDER}
    for f in checked.findings or []:
        sev = getattr(f, "severity", "info")
        groups.setdefault(sev, []).append({
            "code": f.code, "severity": sev, "message": f.message, "rule": f.rule, "fix": f.fix,
            "record": f.record, "field": f.field, "where": describe(f.field, data) if f.field else ""})
    return [{"severity": s, "title": SEVERITY_WORDS.get(s, s.title()), "items": items}
            for s, items in groups.items() if items]


# --- a filed Form 8606, compared line by line -------------------------------------------------

def filed_comparison(res) -> list[dict]:
    """For each person with filed Form 8606 lines: every line filed or computed, side by side."""
    from taxdocs.documents.fill import LINES_8606
    filed = res.scenario.filed
    if filed is None:
        return []
    out = []
    for who, p in res.scenario.people():
        lines = filed.f8606_taxpayer if who == "taxpayer" else filed.f8606_spouse
        if not lines:
            continue
        rows, differ = [], 0
        for ln in LINES_8606:
            key = f"f8606.{who}.line{ln}"
            computed = res.graph[key] if res.graph.has(key) else None
            given = lines.get(ln)
            if given is None and computed in (None, Decimal(0)):
                continue
            same = _same(ln, given, computed)
            differ += not same
            rows.append({"line": ln, "filed": show(given, key) if given is not None else "blank",
                         "computed": show(computed, key) if computed is not None else "blank", "same": same,
                         "label": res.graph.node(key).label if res.graph.has(key) else ""})
        out.append({"who": who, "name": p.name, "rows": rows, "differ": differ})
    return out


def _same(line: str, filed: Any, computed: Any) -> bool:
    zero = Decimal(0)
    f = zero if filed is None else Decimal(filed)
    c = zero if computed is None else Decimal(computed)
    if line == "10":
        return abs(f - c) < Decimal("0.0005")
    # the form takes whole dollars: compare rounded
    q = Decimal(1)
    return f.quantize(q, rounding=ROUND_HALF_UP) == c.quantize(q, rounding=ROUND_HALF_UP)
