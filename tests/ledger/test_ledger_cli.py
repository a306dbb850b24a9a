"""taxdocs ledger commit / show / history / export / import / seed, as a user runs them."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from ledger_scenarios import CLIENT, SSN, with_, year1, year2, year3
from typer.testing import CliRunner

from taxdocs.cli import app
from taxdocs.ledger import keys
from taxdocs.ledger.store import open_store
from taxdocs.model.load import from_data

runner = CliRunner()
SHARED_BLANK = Path(__file__).resolve().parents[3] / "shared" / "forms" / "2025" / "f8606.pdf"


def cli(*args, env=None, raw=False):
    """(exit code, stdout, stderr); the texts with Rich's line wrapping undone unless `raw`."""
    r = runner.invoke(app, list(args), env=env)
    if raw:
        return r.exit_code, r.stdout, r.stderr
    return r.exit_code, " ".join(r.stdout.split()), " ".join(r.stderr.split())


def files(tmp_path) -> list[Path]:
    out = []
    for i, make in enumerate((year1, year2, year3), 1):
        p = tmp_path / f"y{i}.yaml"
        p.write_text(yaml.safe_dump(make()))
        out.append(p)
    return out


def no_ssn(*texts):
    for t in texts:
        assert SSN not in t and "123456789" not in t


def test_commit_show_history(ledger_url, tmp_path):
    y1, y2, y3 = files(tmp_path)
    for f in (y1, y2, y3):
        code, out, err = cli("ledger", "commit", str(f), "--ledger", ledger_url)
        assert code == 0, err
        assert "recorded (version 1)" in out
        no_ssn(out, err)
    code, out, err = cli("ledger", "commit", str(y3), "--ledger", ledger_url)
    assert code == 0 and "unchanged" in out
    code, out, err = cli("ledger", "show", CLIENT, "--ledger", ledger_url)
    assert code == 0, err
    no_ssn(out)
    assert "***-**-6789" in out and "Pat Rivera" in out
    for s in ("4,660", "13,000", "10,660", "first year 2025 at the latest (no earlier year given), so met by 2030-01-01 at the latest", "2026-11-10"):
        assert s in out, s
    code, out, err = cli("ledger", "history", CLIENT, "--ledger", ledger_url)
    assert code == 0 and "2024 v1" in out and "2026 v1" in out
    no_ssn(out)
    code, out, _ = cli("ledger", "show", CLIENT, "--ledger", ledger_url, "--json", raw=True)
    doc = json.loads(out)
    person = doc["people"][0]
    assert [r["ira_basis"] for r in person["timeline"]] == [7000, 4660, 4660]
    assert person["layers"] == [{"year": 2025, "amount": 20000, "taxable": 17660, "distributed": 7000, "left": 13000,
                                 "taxable_left": 10660, "recapture_window_ends": "2029-12-31"}]
    assert person["roth_five_year"] == {"first_year": 2025, "met_on": "2030-01-01", "at_latest": True}


def test_show_marks_a_year_committed_before_the_year_it_came_from_was_amended(ledger_url, tmp_path):
    y1, y2, _ = files(tmp_path)
    for f in (y1, y2):
        assert cli("ledger", "commit", str(f), "--ledger", ledger_url)[0] == 0
    assert "stale" not in json.loads(cli("ledger", "show", CLIENT, "--ledger", ledger_url, "--json", raw=True)[1])["people"][0]
    changed = tmp_path / "y1b.yaml"
    changed.write_text(yaml.safe_dump(with_(year1(), "taxpayer.ira.nondeductible_contributions", 6000)))
    assert cli("ledger", "commit", str(changed), "--ledger", ledger_url, "--amend")[0] == 0
    code, out, err = cli("ledger", "show", CLIENT, "--ledger", ledger_url)
    assert code == 0, err
    assert "2025 (v1) was committed before 2024 was amended (now v2: IRA basis 7,000 -> 6,000)" in out
    doc = json.loads(cli("ledger", "show", CLIENT, "--ledger", ledger_url, "--json", raw=True)[1])
    assert doc["people"][0]["stale"]["year"] == 2025 and doc["people"][0]["stale"]["amended_version"] == 2


def test_amend_needs_the_flag(ledger_url, tmp_path):
    y1, *_ = files(tmp_path)
    assert cli("ledger", "commit", str(y1), "--ledger", ledger_url)[0] == 0
    changed = tmp_path / "y1b.yaml"
    changed.write_text(yaml.safe_dump(with_(year1(), "taxpayer.ira.year_end_value", 52000)))
    code, out, err = cli("ledger", "commit", str(changed), "--ledger", ledger_url)
    assert code == 1 and "Refused" in err and "--amend" in err
    code, out, err = cli("ledger", "commit", str(changed), "--ledger", ledger_url, "--amend", "--json", raw=True)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["outcomes"][0]["status"] == "amended" and doc["outcomes"][0]["version"] == 2
    code, out, _ = cli("ledger", "history", CLIENT, "--ledger", ledger_url)
    assert "2024 v1 commit (superseded)" in out and "2024 v2 amend" in out
    assert "year-end value 50,000 -> 52,000" in out


def test_ledger_from_the_environment_and_the_default_file(tmp_path, monkeypatch):
    y1, *_ = files(tmp_path)
    env_db = tmp_path / "env.db"
    assert cli("ledger", "commit", str(y1), env={"TAXDOCS_LEDGER": str(env_db)})[0] == 0
    assert env_db.is_file()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("TAXDOCS_LEDGER", raising=False)
    assert cli("ledger", "commit", str(y1))[0] == 0
    assert (work / "taxdocs.db").is_file()


def test_errors_are_clear(tmp_path):
    db = tmp_path / "l.db"
    code, _, err = cli("ledger", "show", "C-1", "--ledger", str(db))
    assert code == 2 and "no ledger at" in err and not db.exists()
    y1, *_ = files(tmp_path)
    cli("ledger", "commit", str(y1), "--ledger", str(db))
    code, _, err = cli("ledger", "show", "C-1", "--ledger", str(db))
    assert code == 2 and "no client 'C-1'" in err and "C-100" in err
    d = year1()
    del d["client_id"]
    bad = tmp_path / "noid.yaml"
    bad.write_text(yaml.safe_dump(d))
    code, _, err = cli("ledger", "commit", str(bad), "--ledger", str(db))
    assert code == 2 and "no client_id" in err
    code, _, err = cli("ledger", "commit", str(tmp_path / "missing.yaml"), "--ledger", str(db))
    assert code == 2 and "file not found" in err
    assert "Traceback" not in err
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    code, _, err = cli("ledger", "show", "C-1", "--ledger", str(junk))
    assert code == 2 and "cannot open the ledger" in err and "not a database" in err
    code, _, err = cli("ledger", "show", "C-1", "--ledger", "postgresql://u:secret@127.0.0.1:1/x")
    assert code == 2 and "cannot open the ledger" in err and "secret" not in err


def test_export_import_between_firms(ledger_url, tmp_path):
    y1, y2, y3 = files(tmp_path)
    for f in (y1, y2):
        cli("ledger", "commit", str(f), "--ledger", ledger_url)
    changed = tmp_path / "y2b.yaml"
    changed.write_text(yaml.safe_dump(with_(year2(), "taxpayer.ira.year_end_value", 45000)))
    assert cli("ledger", "commit", str(changed), "--ledger", ledger_url, "--amend")[0] == 0
    exp = tmp_path / "out.json"
    code, _, err = cli("ledger", "export", CLIENT, "-o", str(exp), "--ledger", ledger_url)
    assert code == 0 and "3 year versions" in err
    text = exp.read_text()
    no_ssn(text)
    doc = json.loads(text)
    assert doc["schema"] == "taxdocs.ledger-export/1"
    assert [(y["tax_year"], y["version"], y["current"]) for y in doc["people"][0]["years"]] == \
        [(2024, 1, True), (2025, 1, False), (2025, 2, True)]

    other = tmp_path / "other-firm.db"
    code, out, err = cli("ledger", "import", str(exp), "--ledger", str(other))
    assert code == 0, err
    assert "3 year versions added" in out
    code, out, _ = cli("ledger", "import", str(exp), "--ledger", str(other))
    assert code == 0 and "0 year versions added, 2 years unchanged" in out
    with open_store(other) as s:
        p = s.people(CLIENT)[0]
        assert [(y.tax_year, y.version, y.kind) for y in p.years] == [(2024, 1, "import"), (2025, 1, "import"),
                                                                      (2025, 2, "import")]
        assert p.years[-1].facts == open_store(ledger_url).people(CLIENT)[0].years[-1].facts
        # the next year carries at the new firm exactly as at the old one
        rep = s.commit(from_data(year3()))
        assert rep.outcomes[0].status == "new"
        assert s.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.ira_basis == Decimal(4840)

    # a year that differs at the target needs --amend
    third = tmp_path / "third.db"
    with open_store(third) as s:
        s.commit(from_data(with_(year1(), "taxpayer.ira.year_end_value", 1)))
    code, _, err = cli("ledger", "import", str(exp), "--ledger", str(third))
    assert code == 1 and "2024" in err and "--amend" in err
    with open_store(third) as s:
        assert s.counts()["years"] == 1                   # nothing imported
    code, out, err = cli("ledger", "import", str(exp), "--ledger", str(third), "--amend")
    assert code == 0, err
    with open_store(third) as s:
        assert [(y.tax_year, y.version) for y in s.people(CLIENT)[0].years] == [(2024, 1), (2024, 2), (2025, 1),
                                                                               (2025, 2)]


def test_import_refuses_a_damaged_file(tmp_path):
    db = tmp_path / "l.db"
    y1, *_ = files(tmp_path)
    cli("ledger", "commit", str(y1), "--ledger", str(db))
    exp = tmp_path / "e.json"
    cli("ledger", "export", "-o", str(exp), "--ledger", str(db))
    doc = json.loads(exp.read_text())
    doc["people"][0]["years"][0]["scenario"]["taxpayer"]["ira"]["prior_basis"] = "5000"
    exp.write_text(json.dumps(doc))
    code, _, err = cli("ledger", "import", str(exp), "--ledger", str(tmp_path / "new.db"))
    assert code == 2 and "does not match its content_hash" in err
    exp.write_text("{not json")
    code, _, err = cli("ledger", "import", str(exp), "--ledger", str(tmp_path / "new.db"))
    assert code == 2 and "not valid JSON" in err


# ---------------------------------------------------------------- seed

def test_seed_by_hand_then_carry(ledger_url, tmp_path):
    code, out, err = cli("ledger", "seed", CLIENT, "--year", "2025", "--ssn", SSN, "--name", "Pat Rivera",
                         "--ira-basis", "4660", "--roth-basis", "3000", "--roth-first-year", "2025",
                         "--conversion", "2025:20000:17660", "--rollover", "2025-11-10", "--ledger", ledger_url)
    assert code == 0, err
    no_ssn(out, err)
    _, y3 = files(tmp_path)[1:]
    code, out, err = cli("ledger", "commit", str(y3), "--ledger", ledger_url)
    assert code == 0, err
    with open_store(ledger_url) as s:
        f = s.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts
    # the same as the three-year story's year 3
    assert (f.ira_basis, f.roth_contribution_basis) == (4660, 0)
    assert f.conversion_layers == [{"year": 2025, "amount": 20000, "taxable": 17660, "distributed": 7000}]


def test_seed_records_the_qcd_offset_totals_and_show_prints_them(ledger_url):
    """The QCD offset totals (IRC §408(d)(8)(A)) are not on Form 8606: `seed` takes them by hand and `show` prints
    them (they are the same CarryFacts fields a commit records; tests/ledger/test_ledger_qcd.py carries them)."""
    code, out, err = cli("ledger", "seed", CLIENT, "--year", "2024", "--ssn", SSN, "--ira-basis", "0",
                         "--deductions-after-70-half", "7,000", "--qcd-reductions", "2000", "--ledger", ledger_url)
    assert code == 0, err
    with open_store(ledger_url) as s:
        f = s.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts
    assert (f.deductions_after_70_half, f.qcd_reductions) == (7000, 2000)
    code, out, err = cli("ledger", "show", CLIENT, "--ledger", ledger_url)
    assert code == 0, err
    assert "QCD offset through 2024: IRA deductions after 70½ 7,000 · QCD reductions 2,000" in out
    code, out, _ = cli("ledger", "show", CLIENT, "--json", "--ledger", ledger_url)
    assert json.loads(out)["people"][0]["timeline"][-1]["deductions_after_70_half"] == 7000
    code, _, err = cli("ledger", "seed", CLIENT, "--year", "2024", "--ssn", SSN, "--ira-basis", "0",
                       "--qcd-reductions", "two", "--amend", "--ledger", ledger_url)
    assert code == 2 and "--qcd-reductions: not an amount" in err


def test_seed_needs_the_ssn_and_a_basis(tmp_path):
    db = str(tmp_path / "l.db")
    code, _, err = cli("ledger", "seed", CLIENT, "--year", "2025", "--ssn", SSN, "--ledger", db)
    assert code == 2 and "--f8606" in err
    code, _, err = cli("ledger", "seed", CLIENT, "--year", "2025", "--ira-basis", "1", "--ledger", db)
    assert code == 2 and "--ssn" in err
    code, _, err = cli("ledger", "seed", CLIENT, "--year", "2025", "--ira-basis", "x", "--ssn", SSN, "--ledger", db)
    assert code == 2 and "not an amount" in err


def test_facts_from_8606_lines():
    from taxdocs.ledger.seed import facts_from_8606
    read = {"revision": 2025, "lines": {k: Decimal(v) for k, v in {
        "2": 7000, "3": 7000, "5": 7000, "6": 40000, "8": 20000, "9": 60000, "11": 2340, "13": 2340, "14": 4660,
        "16": 20000, "17": 2340, "18": 17660}.items()}}
    f = facts_from_8606(read, 2025)
    assert f.ira_basis == 4660 and f.year_end_value == 40000
    assert f.conversion_layers == [{"year": 2025, "amount": 20000, "taxable": 17660, "distributed": 0}]
    assert f.roth_contribution_basis == 0 and f.roth_first_year == 2025
    assert set(f.provisional) == {"roth_contribution_basis", "roth_first_year"}
    # Part III: basis left = line 22 - line 19
    f = facts_from_8606({"lines": {"14": Decimal(0), "19": Decimal(2000), "21": Decimal(2000),
                                   "22": Decimal(5000), "23": Decimal(0)}}, 2025, roth_first_year=2019)
    assert f.roth_contribution_basis == 3000 and f.provisional == []
    from taxdocs.ledger.store import LedgerError
    with pytest.raises(LedgerError, match="no line 14"):
        facts_from_8606({"lines": {"19": Decimal(1)}}, 2025)


@pytest.mark.skipif(not SHARED_BLANK.is_file(), reason=f"official blank not found at {SHARED_BLANK}")
def test_seed_from_a_filled_8606_pdf(ledger_url, tmp_path):
    from taxdocs.documents.fieldmaps import load_map
    from taxdocs.documents.fill import fill_8606
    # the 2025 Form 8606 of the three-year story, as another preparer filed it
    values = {"2": 7000, "3": 7000, "4": 0, "5": 7000, "6": 40000, "7": 0, "8": 20000, "9": 60000,
              "10": Decimal("0.117"), "11": 2340, "12": 0, "13": 2340, "14": 4660, "15a": 0, "15c": 0,
              "16": 20000, "17": 2340, "18": 17660}
    pdf = tmp_path / "f8606-2025.pdf"
    pdf.write_bytes(fill_8606(SHARED_BLANK, load_map("8606", 2025), {k: Decimal(v) for k, v in values.items()},
                              {"name": "Pat Rivera", "ssn": "123456789"}))
    # the wrong person's SSN is refused
    code, _, err = cli("ledger", "seed", CLIENT, "--year", "2025", "--f8606", str(pdf), "--ssn", "111-22-3333",
                       "--ledger", ledger_url)
    assert code == 2 and "***-**-6789" in err and "wrong form" in err
    code, out, err = cli("ledger", "seed", CLIENT, "--year", "2025", "--f8606", str(pdf), "--ssn", SSN,
                         "--roth-basis", "3000", "--rollover", "2025-11-10", "--ledger", ledger_url)
    assert code == 0, err
    assert "IRA basis 4,660" in out and "1 conversion layer" in out
    no_ssn(out, err)
    with open_store(ledger_url) as s:
        y = s.current_years(CLIENT, keys.ssn_key(SSN))[-1]
        assert y.kind == "seed" and y.name == "Pat Rivera" and y.facts.f8606["18"] == 17660
        # year 3 of the story from the seed: the same figures as when 2025 was computed here
        from taxdocs.ledger.carry import fill_from_ledger
        sc, findings = fill_from_ledger(from_data(year3()), s)
        assert sc.taxpayer.ira.prior_basis == 4660 and sc.taxpayer.roth.contribution_basis == 3000
        assert [(c.year, c.amount, c.taxable) for c in sc.taxpayer.roth.conversions] == [(2025, 20000, 17660)]
        # first Roth year was not given: 2025 at the latest (a bound, not the year: a period it does not prove met
        # stays unknown, ROTH_5YR_UNKNOWN, instead of not met)
        assert sc.taxpayer.roth.first_contribution_year is None and sc.taxpayer.roth.first_year_at_latest == 2025
        assert "LEDGER_PROVISIONAL" not in [f.code for f in findings]


def test_show_says_a_year_committed_out_of_order(ledger_url, tmp_path):
    """Audit (session 16): 2025 committed before 2024 read "was amended (now v1: )"."""
    y1, y2, _ = files(tmp_path)
    for f in (y2, y1):
        assert cli("ledger", "commit", str(f), "--ledger", ledger_url)[0] == 0
    code, out, err = cli("ledger", "show", CLIENT, "--ledger", ledger_url)
    assert code == 0, err
    assert "2025 (v1) was committed before 2024 was recorded: commit 2025 and later years again" in " ".join(out.split())


def test_commit_says_when_the_year_has_error_findings(ledger_url, tmp_path):
    """Audit (session 16): a year with LINE6_MISSING was recorded with nothing said beyond the ledger's findings."""
    d = with_(year1(), "taxpayer.ira.year_end_value", None)
    d["forms_1099r"] = [{"id": "ira", "payer": {"name": "Broker"}, "box1": 5000, "box2a": 5000,
                         "box2b_not_determined": True, "box7": ["7"], "box7_ira_sep_simple": True,
                         "date_paid": "2024-06-02"}]
    p = tmp_path / "y.yaml"
    p.write_text(yaml.safe_dump(d))
    code, out, err = cli("ledger", "commit", str(p), "--ledger", ledger_url)
    assert code == 0, err
    assert "has error findings (LINE6_MISSING)" in " ".join(out.split())
    code, out, err = cli("ledger", "commit", str(p), "--ledger", ledger_url, "--json", raw=True)
    assert json.loads(out)["check_errors"] == ["LINE6_MISSING"]


def test_show_leaves_an_unknown_first_roth_year_blank(ledger_url, tmp_path):
    """Second read (session 19): a Roth distribution with no first Roth year on record showed "None or before"."""
    data = {"client_id": "C-NONE", "tax_year": 2025, "filing_status": "single",
            "taxpayer": {"name": "Noa Effect", "ssn": "123-45-0004", "birth_date": "1963-01-01",
                         "roth": {"contribution_basis": 20000}},
            "forms_1099r": [{"id": "roth", "payer": {"name": "Custodian", "tin": "12-3456789"}, "box1": 5000,
                             "box2b_not_determined": True, "box7": ["T"], "date_paid": "2025-06-01"}]}
    f = tmp_path / "none.yaml"
    f.write_text(yaml.safe_dump(data))
    assert cli("ledger", "commit", str(f), "--ledger", ledger_url)[0] == 0
    code, out, err = cli("ledger", "show", "C-NONE", "--ledger", ledger_url)
    assert code == 0, err
    assert "15,000" in out and "None" not in out
