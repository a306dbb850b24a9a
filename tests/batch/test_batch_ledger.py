"""Batch with a ledger: --commit --amend, and a rerun redoes exactly the returns whose prior-year
ledger facts changed."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from batchutil import read_jsonl
from taxdocs.batch.runner import run_batch
from taxdocs.errors import TaxdocsError

pytest.importorskip("sqlalchemy")

REPO = Path(__file__).resolve().parents[2]


def _run(inp, out, **kw):
    kw.setdefault("progress", "none")
    kw.setdefault("workers", 1)
    return run_batch(inp, out, **kw)


def _clients(folder: Path, n: int = 3, box1: int = 5000) -> None:
    """n clients (files client<i>.yaml: the record ids), each a plain IRA distribution with the prior
    basis left blank (the ledger fills it)."""
    folder.mkdir(exist_ok=True)
    for i in range(n):
        sc = {"tax_year": 2025, "filing_status": "single", "client_id": f"K-{i}",
              "taxpayer": {"name": f"Client {i}", "ssn": f"400-11-{1000 + i}", "birth_date": "1960-03-01",
                           "ira": {"year_end_value": 45000}},
              "forms_1099r": [{"id": "ira", "payer": {"name": "Broker", "tin": "04-1112222"}, "box1": box1,
                               "box2a": box1, "box2b_not_determined": True, "box7": ["7"],
                               "box7_ira_sep_simple": True, "date_paid": "2025-06-02"}],
              "income": {"other_taxable_income": 60000}}
        (folder / f"client{i}.yaml").write_text(yaml.safe_dump(sc))


def _doc(out: Path, rid: str) -> dict:
    return json.loads((out / "returns" / f"{rid}.json").read_text())


def test_commit_refuses_a_changed_year_and_amend_records_a_new_version(tmp_path):
    from taxdocs.ledger.keys import ssn_key
    from taxdocs.ledger.store import open_store
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    _clients(tmp_path / "in", n=2)
    t = _run(tmp_path / "in", tmp_path / "o", ledger=url, commit=True)
    assert t.ok and t.error == 0 and t.processed == 2
    _clients(tmp_path / "in", n=1, box1=6000)          # client 0's 1099-R corrected
    t = _run(tmp_path / "in", tmp_path / "o", ledger=url, commit=True)
    assert t.ok and t.processed == 1 and t.unchanged == 1 and t.error == 1
    [e] = read_jsonl(tmp_path / "o" / "errors.jsonl")
    assert e["id"] == "client0" and e["kind"] == "ledger" and "--amend" in e["reason"]
    t = _run(tmp_path / "in", tmp_path / "o", ledger=url, commit=True, amend=True)
    assert t.ok and t.error == 0 and t.processed == 1 and t.unchanged == 1
    with open_store(url) as store:
        versions = [(r.tax_year, r.version, r.current) for r in store.person("K-0", ssn_key("400-11-1000")).years]
    assert versions == [(2025, 1, False), (2025, 2, True)]


def test_amend_needs_commit(tmp_path):
    _clients(tmp_path / "in", n=1)
    with pytest.raises(TaxdocsError, match="--amend"):
        _run(tmp_path / "in", tmp_path / "o", ledger=f"sqlite:///{tmp_path / 'l.db'}", amend=True)


def test_rerun_redoes_only_returns_whose_prior_years_changed_in_the_ledger(tmp_path):
    from taxdocs.ledger.store import CarryFacts, open_store
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    _clients(tmp_path / "in", n=3)
    with open_store(url) as store:       # the ledger exists, with one unrelated client
        store.seed("OTHER", "400-99-9999", 2024, CarryFacts(ira_basis=Decimal(100), roth_contribution_basis=Decimal(0)))
    t = _run(tmp_path / "in", tmp_path / "o", ledger=url)
    assert t.ok and t.processed == 3
    assert _doc(tmp_path / "o", "client1")["lines"]["f1040.line4b"] == 5000     # no basis known: all taxable
    with open_store(url) as store:       # client K-1's 2024 Form 8606 arrives: $10,000 of basis
        store.seed("K-1", "400-11-1001", 2024, CarryFacts(ira_basis=Decimal(10000), roth_contribution_basis=Decimal(0)))
    t = _run(tmp_path / "in", tmp_path / "o", ledger=url)
    assert t.ok and t.processed == 1 and t.unchanged == 2
    doc = _doc(tmp_path / "o", "client1")
    assert "LEDGER_FILLED" in [f["code"] for f in doc["findings"]]
    assert doc["lines"]["f8606.taxpayer.line2"] == 10000
    # line 10 = 10,000 / (45,000 + 5,000) = 0.200: $1,000 of the $5,000 is basis
    assert doc["lines"]["f1040.line4b"] == 4000
    with open_store(url) as store:       # a later year (2025 itself) does not touch the 2025 returns
        store.seed("K-2", "400-11-1002", 2025, CarryFacts(ira_basis=Decimal(1), roth_contribution_basis=Decimal(0)))
    t = _run(tmp_path / "in", tmp_path / "o", ledger=url)
    assert t.ok and t.processed == 0 and t.unchanged == 3


def test_commit_records_a_clients_years_in_input_order(tmp_path, capsys):
    """Audit 12: with several workers, 2025 could be committed before 2024 was, and figured without it. --commit
    now takes one return at a time, in input order: 2025's line 2 is 2024's line 14 (7,000 nondeductible)."""
    def year(y, **ira):
        return {"tax_year": y, "filing_status": "single", "client_id": "K-1",
                "taxpayer": {"name": "Client One", "ssn": "400-11-2001", "birth_date": "1960-03-01",
                             "ira": {"year_end_value": 50000, **ira}},
                "forms_1099r": [] if y == 2024 else [
                    {"id": "ira", "payer": {"name": "Broker"}, "box1": 5000, "box2a": 5000,
                     "box2b_not_determined": True, "box7": ["7"], "box7_ira_sep_simple": True,
                     "date_paid": "2025-06-02"}]}
    # one JSON Lines file with both years (audit, session 16: the second was refused as a duplicate id)
    jsonl = tmp_path / "years.jsonl"
    jsonl.write_text("".join(json.dumps(year(y, **kw)) + "\n" for y, kw in
                             ((2024, {"nondeductible_contributions": 7000, "prior_basis": 0}), (2025, {}))))
    t = _run(jsonl, tmp_path / "oj", ledger=f"sqlite:///{tmp_path / 'lj.db'}", commit=True)
    assert t.ok and t.error == 0 and t.done + t.findings == 2
    assert _doc(tmp_path / "oj", "K-1-2025")["lines"]["f8606.taxpayer.line2"] == 7000
    assert _doc(tmp_path / "oj", "K-1")["tax_year"] == 2024
    t = _run(jsonl, tmp_path / "oj", ledger=f"sqlite:///{tmp_path / 'lj.db'}", commit=True)  # a rerun: the same ids
    assert t.ok and t.error == 0 and t.duplicates == 0 and t.earlier == 0 and t.unchanged >= 1
    jsonl.write_text(jsonl.read_text() + json.dumps(year(2025)) + "\n")  # the same year twice: a duplicate
    t = _run(jsonl, tmp_path / "oj2")
    assert t.ok and t.duplicates == 1
    season = tmp_path / "season"  # one file a year: the record ids are the file names, the client the same
    season.mkdir()
    (season / "a2024.yaml").write_text(yaml.safe_dump(year(2024, nondeductible_contributions=7000, prior_basis=0)))
    (season / "b2025.yaml").write_text(yaml.safe_dump(year(2025)))
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    t = _run(season, tmp_path / "o", ledger=url, commit=True, workers=4)
    assert t.ok and t.error == 0 and "one at a time, in input order" in capsys.readouterr().err
    assert _doc(tmp_path / "o", "b2025")["lines"]["f8606.taxpayer.line2"] == 7000
    with pytest.raises(TaxdocsError, match="local engine"):
        _run(season, tmp_path / "o2", ledger=url, commit=True, engine="dask")
