"""The console commands: output, exit codes, no tracebacks, no full SSN."""
import json
from pathlib import Path

from typer.testing import CliRunner

from taxdocs.cli import app

ROOT = Path(__file__).parents[1]
SAMPLE4 = str(ROOT / "samples" / "04-indirect-rollover-withholding.yaml")
runner = CliRunner()


def test_help_lists_commands():
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0
    for cmd in ("compute", "explain", "schema", "check", "render", "forms"):
        assert cmd in r.output


def test_compute_summary_and_json():
    r = runner.invoke(app, ["compute", SAMPLE4])
    assert r.exit_code == 0 and "5b" in r.output and "400-44-5504" not in r.output
    r = runner.invoke(app, ["compute", "--json", SAMPLE4])
    doc = json.loads(r.output)
    assert doc["lines"]["f1040.line5b"] == 10000 and doc["people"]["taxpayer"]["ssn"] == "***-**-5504"
    assert "400-44-5504" not in r.output


def test_compute_says_what_the_brackets_hold_beyond_the_retirement_income():
    """Sample 08: a 20,000 conversion makes Social Security taxable too; the 37,000 in the brackets is explained."""
    r = runner.invoke(app, ["compute", str(ROOT / "samples" / "08-retiree-conversion-social-security.yaml")])
    text = " ".join(r.output.split())
    assert r.exit_code == 0 and "the brackets hold the change in taxable income, 37,000" in text
    assert "the brackets hold" not in runner.invoke(app, ["compute", SAMPLE4]).output


def test_explain_short_key():
    r = runner.invoke(app, ["explain", str(ROOT / "samples" / "06b-backdoor-roth-spoiled.yaml"), "f8606.18"])
    assert r.exit_code == 0 and "f8606.taxpayer.line18 = 6,510" in r.output and "line10 = 0.070" in r.output
    r = runner.invoke(app, ["explain", SAMPLE4, "f8606.99x"])
    assert r.exit_code == 2 and "Traceback" not in r.output  # a key that does not exist is bad input
    assert "no line 'f8606.99x'" in r.output and "Internal error" not in r.output


def test_bad_input_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tax_year: 2025\nfiling_status: single\ntaxpayer: {name: A, ssn: 123-45-6789}\n"
                   "forms_1099r:\n  - {id: f1, payer: {name: X}, box1: 100, box2a: 200, box7: ['Z'], date_paid: 2025-01-01}\n")
    r = runner.invoke(app, ["compute", str(bad)])
    assert r.exit_code == 2
    text = r.output + (r.stderr if r.stderr_bytes is not None else "")
    assert "forms_1099r[0].box2a" in text and "unknown distribution code 'Z'" in text and "Traceback" not in text
    assert "123-45-6789" not in text


def test_schema_is_json_schema():
    r = runner.invoke(app, ["schema"])
    assert r.exit_code == 0 and json.loads(r.output)["title"] == "Scenario"


def test_forms_fetch_offline_is_a_clear_error(monkeypatch, tmp_path):
    import urllib.request
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def no_network(*a, **k):
        raise OSError("network is unreachable")
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    r = runner.invoke(app, ["forms", "fetch", "2025", "--form", "f8606"])
    assert r.exit_code == 2 and "--forms-dir" in r.output + (r.stderr if r.stderr_bytes is not None else "")


def test_render_suggests_forms_fetch_only_for_a_year_with_a_known_blank():
    """`taxdocs forms fetch YEAR` works only where a verified blank (a field map) serves the year."""
    from taxdocs.commands.render import _fetchable
    assert _fetchable("f8606", 2025) is True
    assert _fetchable("f8606", 2024) is False


def test_input_is_quoted_as_written_not_as_an_emoji(tmp_path):
    """Audit (session 18): rich turned ":100:" in an error message into an emoji, misquoting the input."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(SAMPLE4).read_text().replace("box1: 50000", 'box1: ":100:"', 1))
    assert ":100:" in bad.read_text()
    r = runner.invoke(app, ["compute", str(bad)])
    assert r.exit_code == 2 and "(got ':100:')" in r.output and "\N{HUNDRED POINTS SYMBOL}" not in r.output


def test_explain_takes_prior_year_facts_from_the_ledger(tmp_path):
    """Audit (session 18): `compute --ledger` filled the prior basis, `explain` could not, so a line figured from
    the ledger could not be explained."""
    db = f"sqlite:///{tmp_path / 'l.db'}"
    r = runner.invoke(app, ["ledger", "seed", "C-100", "--year", "2025", "--ssn", "123-45-6789", "--ira-basis", "4200",
                            "--ledger", db])
    assert r.exit_code == 0, r.output
    s = tmp_path / "y2026.yaml"
    s.write_text("tax_year: 2026\nfiling_status: single\nclient_id: C-100\n"
                 "taxpayer: {name: Pat Rivera, ssn: 123-45-6789, birth_date: 1980-06-01, ira: {year_end_value: 30000}}\n"
                 "forms_1099r:\n  - {id: conv, payer: Broker, box1: 10000, box2a: 10000, box7: ['2'], "
                 "box7_ira_sep_simple: true, date_paid: 2026-03-10, uses: [{kind: conversion, to: roth_ira, amount: 10000}]}\n")
    r = runner.invoke(app, ["explain", str(s), "f8606.line2", "--ledger", db, "--json"])
    assert r.exit_code == 0, r.output
    tree = json.loads(r.output)
    assert tree["value"] == 4200
    basis = next(n for n in tree["inputs"] if n["key"] == "taxpayer.ira.prior_basis")
    assert basis["source"].startswith("ledger: the ledger's 2025 (version 1)")   # not "scenario: ..."
    r = runner.invoke(app, ["explain", str(s), "f8606.line2", "--json"])
    assert json.loads(r.output)["value"] != 4200
