"""A newcomer's mistakes and questions (audit, session 17): each gets a plain answer and exit 2, never an internal
error; what the ledger writes is owner-only."""
import json
import os
import shutil
import stat
from pathlib import Path

import yaml
from typer.testing import CliRunner

from taxdocs.cli import app

ROOT = Path(__file__).parents[1]
SAMPLE6A = ROOT / "samples" / "06a-backdoor-roth.yaml"
runner = CliRunner()


def test_a_folder_or_a_pdf_given_as_a_scenario(tmp_path):
    (tmp_path / "emptydir").mkdir()
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\xda\xff binary")
    for cmd in (["compute"], ["check"], ["explain"]):
        r = runner.invoke(app, cmd + [str(tmp_path / "emptydir")] + (["f1040.4b"] if cmd == ["explain"] else []))
        assert r.exit_code == 2 and "a folder, not a scenario file" in r.output and "Internal" not in r.output, cmd
        r = runner.invoke(app, cmd + [str(pdf)] + (["f1040.4b"] if cmd == ["explain"] else []))
        assert r.exit_code == 2 and "import-1099r" in r.output and "Internal" not in r.output, cmd


def test_a_batch_with_nothing_to_read_is_not_a_success(tmp_path):
    (tmp_path / "empty").mkdir()
    r = runner.invoke(app, ["batch", str(tmp_path / "empty"), "-o", str(tmp_path / "out")])
    assert r.exit_code == 2 and "no records to process" in r.output


def test_the_ledger_and_its_export_are_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        data = yaml.safe_load(SAMPLE6A.read_text())
        data["client_id"] = "C-1"
        s = tmp_path / "s.yaml"
        s.write_text(yaml.safe_dump(data))
        db = tmp_path / "l.db"
        r = runner.invoke(app, ["ledger", "commit", str(s), "--ledger", f"sqlite:///{db}"])
        assert r.exit_code == 0, r.output
        exp = tmp_path / "exp.json"
        r = runner.invoke(app, ["ledger", "export", "-o", str(exp), "--ledger", f"sqlite:///{db}"])
        assert r.exit_code == 0, r.output
        for p in [db, exp] + list(tmp_path.glob("l.db-*")):
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    finally:
        os.umask(old)


def _with(tmp_path, edit) -> str:
    data = yaml.safe_load(SAMPLE6A.read_text())
    edit(data)
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(data))
    return str(p)


def test_an_unquoted_ssn_and_one_with_letters(tmp_path):
    r = runner.invoke(app, ["compute", _with(tmp_path, lambda d: d["taxpayer"].update(ssn=400667706))])
    assert r.exit_code == 0, r.output  # nine digits read as a number: taken
    r = runner.invoke(app, ["compute", _with(tmp_path, lambda d: d["taxpayer"].update(ssn=40066770))])
    assert r.exit_code == 2 and "write the SSN in quotes" in r.output
    r = runner.invoke(app, ["compute", _with(tmp_path, lambda d: d["taxpayer"].update(ssn="abc400667706"))])
    assert r.exit_code == 2 and "an SSN has 9 digits" in r.output and "400667706" not in r.output


def test_a_misspelt_field_gets_the_likely_name(tmp_path):
    def edit(d):
        d["forms_1099r"][0]["box_2a"] = d["forms_1099r"][0].pop("box2a", 7000)
    r = runner.invoke(app, ["compute", _with(tmp_path, edit)])
    assert r.exit_code == 2 and "did you mean 'box2a'?" in r.output and "(top)" not in r.output


def test_explain_a_spouse_line_on_a_single_return():
    r = runner.invoke(app, ["explain", str(SAMPLE6A), "f8606.spouse.line10"])
    assert r.exit_code == 2 and "this return has no spouse" in r.output


def test_a_batch_says_when_form_8606_had_no_blank(tmp_path, monkeypatch):
    monkeypatch.delenv("TAXDOCS_FORMS_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no fetched blanks either
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SAMPLE6A, d)
    r = runner.invoke(app, ["batch", str(d), "-o", str(tmp_path / "out"), "--progress", "none"])
    assert "need Form 8606, but no official blank for 2025 was found" in r.output


def test_a_csv_id_typed_with_a_slip_names_the_likely_client(tmp_path):
    forms = (ROOT / "samples" / "batch" / "forms.csv").read_text().splitlines()
    forms[1] = forms[1].replace("C-1001", "C-10O1", 1)
    (tmp_path / "forms.csv").write_text("\n".join(forms) + "\n")
    shutil.copy(ROOT / "samples" / "batch" / "clients.csv", tmp_path / "clients.csv")
    runner.invoke(app, ["batch", str(tmp_path / "forms.csv"), str(tmp_path / "clients.csv"), "-o",
                        str(tmp_path / "out"), "--progress", "none"])
    reasons = [json.loads(x)["reason"] for x in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert any("'C-10O1'" in r and "has 'C-1001'" in r for r in reasons)
