"""`compute --ledger` and `check --ledger` take blank prior-year facts from the ledger."""
import json

from typer.testing import CliRunner

from taxdocs.cli import app

Y1 = """tax_year: 2024
filing_status: single
client_id: c-1
taxpayer: {name: Kim Park, ssn: 400-12-3456, birth_date: 1980-01-01,
           ira: {nondeductible_contributions: 7000, prior_basis: 0, year_end_value: 50000}}
"""
Y2 = """tax_year: 2025
filing_status: single
client_id: c-1
taxpayer: {name: Kim Park, ssn: 400-12-3456, birth_date: 1980-01-01, ira: {year_end_value: 45000}}
forms_1099r:
  - {id: c, payer: {name: B}, box1: 10000, box2a: 10000, box2b_not_determined: true, box7: ["2"],
     box7_ira_sep_simple: true, date_paid: 2025-03-01, uses: [{kind: conversion, to: roth_ira, amount: 10000}]}
"""


def test_compute_and_check_with_ledger(tmp_path):
    runner = CliRunner()
    (tmp_path / "y1.yaml").write_text(Y1)
    (tmp_path / "y2.yaml").write_text(Y2)
    db = str(tmp_path / "l.db")
    assert runner.invoke(app, ["ledger", "commit", str(tmp_path / "y1.yaml"), "--ledger", db]).exit_code == 0
    r = runner.invoke(app, ["compute", "--json", str(tmp_path / "y2.yaml"), "--ledger", db])
    doc = json.loads(r.output)
    # 7,000 basis carried; line 10 = 7,000 / (45,000 + 10,000) = .127; line 17 = 1,270; line 18 = 8,730
    assert doc["lines"]["f8606.taxpayer.line2"] == 7000 and doc["lines"]["f8606.taxpayer.line10"] == "0.127"
    assert doc["lines"]["f8606.taxpayer.line18"] == 8730
    assert any(f["code"] == "LEDGER_FILLED" for f in doc["findings"])
    r = runner.invoke(app, ["check", "--json", str(tmp_path / "y2.yaml"), "--ledger", db])
    assert r.exit_code == 0 and "LEDGER_FILLED" in r.output and "BASIS_MISSING" not in r.output
    r = runner.invoke(app, ["check", "--json", str(tmp_path / "y2.yaml")])
    assert "LEDGER_FILLED" not in r.output
