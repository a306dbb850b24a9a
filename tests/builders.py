"""Small builders so each test states only the facts that matter."""
from __future__ import annotations

from decimal import Decimal

from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute


def person(name="Pat Doe", ssn="123-45-6789", birth="1960-03-15", **kw):
    d = {"name": name, "ssn": ssn, "birth_date": birth}
    d.update(kw)
    return d


def form(id, box1, codes, paid, ira=False, box2a=None, payer="Payer Co", **kw):
    d = {"id": id, "payer": {"name": payer, "tin": "12-3456789"}, "box1": box1, "box7": list(codes),
         "box7_ira_sep_simple": ira, "date_paid": paid}
    if box2a is not None:
        d["box2a"] = box2a
    d.update(kw)
    return d


def scenario(year, forms=(), status="single", taxpayer=None, spouse=None, income=None, **kw):
    d = {"tax_year": year, "filing_status": status, "taxpayer": taxpayer or person(), "forms_1099r": list(forms)}
    if spouse:
        d["spouse"] = spouse
    if income is not None:
        d["income"] = {"other_taxable_income": income}
    d.update(kw)
    return d


def run(data):
    return compute(from_data(data, "test.yaml"))


def lines(data) -> dict:
    return run(data).lines()


def D(x) -> Decimal:
    return Decimal(str(x))


def assert_example(name, res, expected):
    """Each expected line (amounts compared as Decimals); "events": the codes of events not accepted."""
    g = res.graph
    for key, want in expected.items():
        if key == "events":
            assert [e.code for e in res.events if not e.accepted] == want, f"{name} events"
            continue
        got = g[key]
        if isinstance(want, (int, Decimal)) and not isinstance(want, bool):
            assert got is not None and Decimal(got) == Decimal(want), f"{name} {key}: got {got}, want {want}"
        else:
            assert got == want, f"{name} {key}: got {got}, want {want}"
