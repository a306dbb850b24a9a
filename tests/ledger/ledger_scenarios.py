"""Scenarios for the ledger tests. Prior-year facts are left blank after year 1: the ledger fills them."""
from __future__ import annotations

import copy

from builders import form, person

SSN = "123-45-6789"
CLIENT = "C-100"


def pat(**kw) -> dict:
    """Born 1980: under 59½ in every year here."""
    return person(name="Pat Rivera", ssn=SSN, birth="1980-06-01", **kw)


def base(year: int, who: dict, forms=(), client=CLIENT, **kw) -> dict:
    d = {"tax_year": year, "filing_status": "single", "client_id": client, "taxpayer": who,
         "forms_1099r": list(forms), "income": {"other_taxable_income": 90000}}
    d.update(kw)
    return d


def year1() -> dict:
    """2024: $7,000 nondeductible contribution, no distributions. Prior basis 0 is the one manual input."""
    return base(2024, pat(ira={"nondeductible_contributions": 7000, "prior_basis": 0, "year_end_value": 50000}))


def year2() -> dict:
    """2025: convert $20,000 of $60,000 (partial), $3,000 regular Roth contribution, and a 60-day
    IRA-to-IRA rollover of $5,000 paid Nov 10, redeposited Dec 1. Prior-year facts blank."""
    return base(2025, pat(ira={"year_end_value": 40000}, roth={"contributions_this_year": 3000}), [
        form("conv", 20000, ["2"], "2025-03-10", ira=True, box2a=20000, box2b_not_determined=True,
             uses=[{"kind": "conversion", "to": "roth_ira", "amount": 20000}]),
        form("roll", 5000, ["1"], "2025-11-10", ira=True, box2a=5000,
             uses=[{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 5000, "date": "2025-12-01"}]),
    ])


def year3(extra_forms=()) -> dict:
    """2026: a $10,000 nonqualified Roth IRA distribution (code J). Prior-year facts blank."""
    return base(2026, pat(ira={"year_end_value": 42000}), [
        form("roth", 10000, ["J"], "2026-05-01"), *extra_forms])


def with_(d: dict, path: str, value) -> dict:
    """A copy of scenario `d` with `path` (dots) set."""
    d = copy.deepcopy(d)
    node = d
    keys = path.split(".")
    for k in keys[:-1]:
        node = node.setdefault(k, {})
    node[keys[-1]] = value
    return d


JIM_BORN = "1949-03-01"  # 70½ on 2019-09-01


def jim(year: int, qcd: int = 0, contribution: int = 0, **ira) -> dict:
    """Notice 2020-68 'Jim' (past 70½): a deductible IRA contribution and a QCD (paid Oct 1) in `year`.
    The first year (2024) gives the prior basis 0; later years leave every prior-year fact blank."""
    facts = {"deductible_contributions": contribution, "year_end_value": 80000, **ira}
    if year == 2024:
        facts.setdefault("prior_basis", 0)
    forms = [form("qcd", qcd, ["7"], f"{year}-10-01", ira=True, box2a=qcd, box2b_not_determined=True,
                  uses=[{"kind": "qcd", "amount": qcd}])] if qcd else []
    return base(year, person(name="Jim", ssn=SSN, birth=JIM_BORN, ira=facts), forms)
