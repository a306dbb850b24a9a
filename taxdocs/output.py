"""The machine-readable result: every line under a stable key (documented in docs/output.md)."""
from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from typing import Any

SCHEMA = "taxdocs.result/1"

# Lines that are internal helpers, not form lines; kept out of `lines` but shown elsewhere.
HIDDEN = ("f5329.{w}.items", "f8606.{w}.roth_ordering", "tax.effect", "f1040.forms")


def plain(x: Any) -> Any:
    """JSON-ready: whole Decimals become ints, other Decimals strings (never floats)."""
    if x is None or type(x) in (str, bool, int):
        return x
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() and x.as_tuple().exponent >= 0 else str(x)
    if isinstance(x, date):
        return x.isoformat()
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {k: plain(v) for k, v in dataclasses.asdict(x).items()}
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return [plain(v) for v in x]
    if hasattr(x, "value") and hasattr(x, "name") and not isinstance(x, (str, int)):
        return x.value
    return x


def result_dict(res, findings: list | None = None) -> dict:
    g, sc = res.graph, res.scenario
    lines = res.lines()
    hidden = {h.format(w=w) for h in HIDDEN for w in res.people()}
    out_lines, status = {}, {}
    for k, v in lines.items():
        if k in hidden or k.startswith("f1040.ira_taxable."):
            continue
        out_lines[k] = plain(v)
        st = g.node(k).status
        if st != "complete":
            status[k] = st
    people = {w: {"name": p.name, "ssn": p.ssn_last4} for w, p in sc.people()}
    eff = lines.get("tax.effect")
    doc = {
        "schema": SCHEMA,
        "tax_year": sc.tax_year,
        "filing_status": sc.filing_status.value,
        "people": people,
        "lines": out_lines,
        "facts": {k: plain(n.value) for k, n in g.nodes.items() if n.is_fact and not k.endswith(".layers")
                  and k not in ("f1040.forms", "tax.brackets")},
        "status": status,
        "forms_1099r": [_form(res, i) for i in res.forms.values()],
        "plan_groups": [{"key": grp.key, "gross": plain(grp.gross), "pretax": plain(grp.pretax),
                         "aftertax": plain(grp.aftertax), "aftertax_source": grp.aftertax_source,
                         "legs": [l.ref for l in grp.legs], "notes": grp.notes} for grp in res.groups],
        "roth_ordering": {w: plain(lines.get(f"f8606.{w}.roth_ordering")) for w in res.people()},
        "early_items": {w: plain(lines.get(f"f5329.{w}.items")) for w in res.people()},
        "tax_effect": plain(eff) if eff is not None else None,
    }
    if findings is not None:
        doc["findings"] = [plain(f) if not hasattr(f, "to_dict") else f.to_dict() for f in findings]
    return doc


def _form(res, info) -> dict:
    f = info.legs[0].form
    row = next(r for r in res.graph["f1040.forms"] if r["id"] == f.id)
    plan = row["line"] == "5"
    return {
        "id": f.id, "person": info.person, "payer": f.payer.name, "source": info.source.value,
        "source_inferred": info.source_why, "date_paid": plain(info.paid), "early": info.early,
        "qualified": info.qualified, "form_1040_line": row["line"], "gross": plain(f.box1),
        "taxable": plain(row["taxable"]), "withheld": plain(f.box4), "notations": row["notes"],
        "legs": [{"ref": l.ref, "kind": l.kind.value, "to": l.to.value if l.to else None, "amount": plain(l.amount),
                  "deposited": plain(l.deposited), "counts": l.valid,
                  # IRA legs are taxed together on Form 8606, not one by one
                  "pretax": plain(l.pretax) if plan else None, "aftertax": plain(l.aftertax) if plan else None,
                  "taxable": plain(l.taxable) if plan else None, "inferred": l.inferred,
                  "events": l.invalid_reasons} for l in info.legs],
    }


def dumps(doc: dict, compact: bool = False) -> str:
    """Indented for people; compact (one line, the C encoder: several times faster) for batches."""
    if compact:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(doc, indent=2, ensure_ascii=False)
