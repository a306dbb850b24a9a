"""Builders for checker tests: each test states only the facts that matter.

Expected figures come from rules.md / examples.md, never from the program's own output.
"""
from __future__ import annotations

import copy
from decimal import Decimal

from taxdocs.checks.finding import Finding
from taxdocs.checks.input_checks import input_findings
from taxdocs.checks.run import check
from taxdocs.errors import InputError
from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute


def person(name="Pat Doe", ssn="123-45-6789", birth="1970-03-15", **kw) -> dict:
    d = {"name": name, "ssn": ssn, "birth_date": birth}
    d.update(kw)
    return d


def form(id="f1", box1=10000, codes=("7",), paid="2025-03-01", ira=False, box2a=None, **kw) -> dict:
    d = {"id": id, "payer": {"name": "Payer Co", "tin": "12-3456789"}, "box1": box1, "box7": list(codes),
         "box7_ira_sep_simple": ira, "date_paid": paid}
    if box2a is not None:
        d["box2a"] = box2a
    d.update(kw)
    return d


def ira_form(id="ira1", box1=10000, codes=("7",), paid="2025-03-01", **kw) -> dict:
    kw.setdefault("box2a", box1)
    kw.setdefault("box2b_not_determined", True)
    return form(id, box1, codes, paid, ira=True, **kw)


def scenario(forms=(), year=2025, taxpayer=None, spouse=None, status="single", **kw) -> dict:
    d = {"tax_year": year, "filing_status": status, "taxpayer": taxpayer or person(), "forms_1099r": list(forms)}
    if spouse is not None:
        d["spouse"] = spouse
    d.update(kw)
    return d


def result(data):
    return compute(from_data(copy.deepcopy(data), "test.yaml"), "test.yaml")


def run(data, **kw) -> list[Finding]:
    return check(result(data), **kw)


def input_run(data) -> list[Finding]:
    """Findings of an unusable scenario (what `taxdocs check` prints before exiting 2)."""
    try:
        from_data(copy.deepcopy(data), "test.yaml")
    except InputError as e:
        return input_findings(e.problems, copy.deepcopy(data))
    return []


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def only(findings, code) -> Finding:
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, f"{code}: {len(hits)} findings; all: {[(f.code, f.message) for f in findings]}"
    return hits[0]


def errors(findings) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def D(x) -> Decimal:
    return Decimal(str(x))
