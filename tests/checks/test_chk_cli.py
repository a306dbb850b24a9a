"""`taxdocs check` and `taxdocs findings`: exit status, formats, report files, no full SSN anywhere."""
import json
import os
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from chkhelp import form, ira_form, person, scenario
from taxdocs.cli import app

runner = CliRunner()
SSN = "123-45-6789"
SPOUSE_SSN = "987-65-4321"
FULL_SSN = re.compile(r"\b\d{3}-?\d{2}-?\d{4}\b")
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def write(tmp_path, data, name="s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


def clean():
    """EX-02 with every fact given: Form 8606 line 15c = 100; nothing wrong."""
    return scenario([ira_form("ira1", 600)], taxpayer=person(birth="1950-02-01", ssn=SSN,
                                                              ira={"prior_basis": 2000, "year_end_value": 1800}))


def late():
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": "2025-05-01"}
    return scenario([ira_form("ira1", 10000, ("1",), paid="2025-03-01", uses=[use])],
                    taxpayer=person(birth="1983-03-01", ssn=SSN, ira={"ever_nondeductible": False}),
                    spouse=person(name="Sam", ssn=SPOUSE_SSN), status="mfj")


def bad():
    return scenario([form("p1", 100, ("1",), box2a=200)], taxpayer=person(ssn=SSN))


def no_full_ssn(text: str):
    assert SSN not in text and SSN.replace("-", "") not in text
    assert SPOUSE_SSN not in text and SPOUSE_SSN.replace("-", "") not in text
    assert not FULL_SSN.search(text), FULL_SSN.search(text).group(0)


# --- exit status --------------------------------------------------------------------------

def test_exit_0_when_no_errors(tmp_path):
    r = runner.invoke(app, ["check", str(write(tmp_path, clean()))])
    assert r.exit_code == 0, r.output
    assert "no errors" in r.stdout


def test_exit_1_when_errors(tmp_path):
    r = runner.invoke(app, ["check", str(write(tmp_path, late()))])
    assert r.exit_code == 1, r.output
    assert "ROLLOVER_60_DAY_LATE" in r.stdout and "ERRORS" in r.stdout


def test_exit_2_for_unusable_input(tmp_path):
    r = runner.invoke(app, ["check", str(write(tmp_path, bad()))])
    assert r.exit_code == 2, r.output
    assert "BOX_2A_EXCEEDS_BOX1" in r.stdout and "$200" in r.stdout


def test_exit_2_for_a_missing_file(tmp_path):
    r = runner.invoke(app, ["check", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2 and "INPUT_FILE" in r.stdout


def test_exit_2_for_invalid_yaml(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("tax_year: [2025\n")
    r = runner.invoke(app, ["check", str(p), "--json"])
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert doc["summary"]["input_usable"] is False and doc["findings"][0]["code"] == "INPUT_FILE"


# --- formats ------------------------------------------------------------------------------

def test_text_is_grouped_by_severity(tmp_path):
    data = late()
    data["forms_1099r"][0]["local"] = [{"tax_withheld": 5}]
    out = runner.invoke(app, ["check", str(write(tmp_path, data))]).stdout
    assert out.index("ERRORS") < out.index("WARNINGS") < out.index("INFO")
    assert "Rule:" in out and "Fix:" in out


def test_json_output(tmp_path):
    r = runner.invoke(app, ["check", str(write(tmp_path, late())), "--json"])
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["schema"] == "taxdocs.findings/1" and doc["tax_year"] == 2025
    assert doc["summary"]["exit_status"] == 1 and doc["summary"]["error"] >= 1
    f = next(f for f in doc["findings"] if f["code"] == "ROLLOVER_60_DAY_LATE")
    assert set(f) == {"code", "severity", "message", "rule", "fix", "record", "field", "data"}
    assert f["field"] == "forms_1099r[0].uses[0].date" and f["data"]["days"] == 61
    assert f["data"]["deadline"] == "2025-04-30"


def test_json_for_unusable_input(tmp_path):
    r = runner.invoke(app, ["check", str(write(tmp_path, bad())), "--json"])
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert doc["summary"]["exit_status"] == 2
    assert [f["code"] for f in doc["findings"]] == ["BOX_2A_EXCEEDS_BOX1"]


def test_html_and_pdf_reports(tmp_path):
    html, pdf = tmp_path / "out" / "f.html", tmp_path / "out" / "f.pdf"
    html.parent.mkdir()
    r = runner.invoke(app, ["check", str(write(tmp_path, late())), "--html", str(html), "--pdf", str(pdf)])
    assert r.exit_code == 1, r.output
    assert (os.stat(html).st_mode & 0o777) == 0o600 and (os.stat(pdf).st_mode & 0o777) == 0o600
    text = html.read_text()
    # self-contained: the stylesheet inlined, no link to where the tool is installed (audit, session 17)
    assert "ROLLOVER_60_DAY_LATE" in text and "<style>" in text and "<link" not in text and "file://" not in text
    assert pdf.read_bytes().startswith(b"%PDF")
    import pypdf
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "ROLLOVER_60_DAY_LATE" in pdf_text
    no_full_ssn(text)
    no_full_ssn(pdf_text)
    assert list((tmp_path / "out").glob(".*")) == []  # no temporary files left behind


def test_html_report_for_unusable_input(tmp_path):
    html = tmp_path / "f.html"
    r = runner.invoke(app, ["check", str(write(tmp_path, bad())), "--html", str(html)])
    assert r.exit_code == 2 and "BOX_2A_EXCEEDS_BOX1" in html.read_text()


def test_report_in_a_missing_directory_is_a_clear_error(tmp_path):
    r = runner.invoke(app, ["check", str(write(tmp_path, clean())), "--html", str(tmp_path / "no" / "f.html")])
    assert r.exit_code == 2 and "cannot write" in r.output and "Traceback" not in r.output


def test_report_overwrites_atomically(tmp_path):
    html = tmp_path / "f.html"
    html.write_text("an earlier report")
    os.chmod(html, 0o644)
    runner.invoke(app, ["check", str(write(tmp_path, clean())), "--html", str(html)])
    assert "an earlier report" not in html.read_text() and (os.stat(html).st_mode & 0o777) == 0o600


def test_findings_template_renders_with_the_documents_context():
    """The documents renderer passes doc, findings, findings_by_severity, counts, checked (no summary)."""
    import jinja2
    from taxdocs.checks import report
    from taxdocs.checks.catalogue import make
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(report.TEMPLATES_DIR)),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    f = make("CODE_H_TAXABLE", "h", "forms_1099r[0].box2a", form="h", box2a=Decimal(5))
    html = env.get_template("findings.html").render(
        doc={"names": "A", "ssn": "***-**-6789", "tax_year": 2025, "filing_status": "Single", "file": "s.yaml",
             "client_id": ""}, findings=[f], findings_by_severity=[("error", [f])], counts={"error": 1}, checked=True)
    assert "CODE_H_TAXABLE" in html and 'href="base.css"' in html


# --- filed return options ------------------------------------------------------------------

def test_filed_section_mismatch_exits_1(tmp_path):
    data = clean()
    data["filed"] = {"f1040": {"4a": 600, "4b": 600}, "f8606_taxpayer": {"15c": 600}}
    r = runner.invoke(app, ["check", str(write(tmp_path, data))])
    assert r.exit_code == 1
    assert r.stdout.count("FILED_MISMATCH") == 2 and "recomputed $100" in r.stdout


def test_filed_8606_pdf_option(tmp_path):
    blank = Path(__file__).resolve().parents[3] / "shared" / "forms" / "2025" / "f8606.pdf"
    if not blank.is_file():
        pytest.skip("official blank not available")
    from taxdocs.documents.fieldmaps import load_map
    from taxdocs.documents.fill import fill_8606
    lines = {"2": Decimal(2000), "3": Decimal(2000), "5": Decimal(2000), "6": Decimal(1800), "7": Decimal(600),
             "9": Decimal(2400), "10": Decimal("0.833"), "12": Decimal(500), "13": Decimal(500),
             "14": Decimal(1500), "15a": Decimal(600), "15c": Decimal(600)}
    pdf = tmp_path / "filed.pdf"
    pdf.write_bytes(fill_8606(blank, load_map("f8606", 2025), lines, {"name": "Bill King", "ssn": SSN}))
    r = runner.invoke(app, ["check", str(write(tmp_path, clean())), "--filed-8606", str(pdf), "--json"])
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    assert {f["field"] for f in doc["findings"] if f["code"] == "FILED_MISMATCH"} == {
        "filed_8606_pdf.15a", "filed_8606_pdf.15c"}
    no_full_ssn(r.output)


def test_filed_8606_missing_file_exits_2(tmp_path):
    r = runner.invoke(app, ["check", str(write(tmp_path, clean())), "--filed-8606", str(tmp_path / "no.pdf")])
    assert r.exit_code == 2 and "file not found" in r.output


def test_filed_8606_without_the_readback_module(tmp_path, monkeypatch):
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    monkeypatch.setitem(sys.modules, "taxdocs.documents.readback", None)
    r = runner.invoke(app, ["check", str(write(tmp_path, clean())), "--filed-8606", str(pdf)])
    assert r.exit_code == 2 and "readback" in r.output and "Traceback" not in r.output


def test_prior_line14_option(tmp_path):
    """EX-02 carries 1,500 of basis to the next year (line 14): a prior basis of 2,000 disagrees with 1,500."""
    r = runner.invoke(app, ["check", str(write(tmp_path, clean())), "--prior-line14", "1,500"])
    assert r.exit_code == 1 and "BASIS_CHAIN" in r.stdout
    r = runner.invoke(app, ["check", str(write(tmp_path, clean())), "--prior-line14", "2000"])
    assert r.exit_code == 0 and "BASIS_CHAIN" not in r.stdout
    r = runner.invoke(app, ["check", str(write(tmp_path, clean())), "--prior-line14", "abc"])
    assert r.exit_code == 2


# --- no full SSN ----------------------------------------------------------------------------

@pytest.mark.parametrize("maker", [clean, late, bad])
def test_no_output_contains_a_full_ssn(tmp_path, maker):
    data = maker()
    data.setdefault("forms_1099r", [])[0]["payer"]["tin"] = "123-45-6789"   # a payer TIN written like an SSN
    p = write(tmp_path, data)
    for args in (["check", str(p)], ["check", str(p), "--json"]):
        r = runner.invoke(app, args)
        no_full_ssn(r.output)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_samples_exit_0_and_hide_ssns(path):
    ssn = yaml.safe_load(path.read_text())["taxpayer"]["ssn"]
    r = runner.invoke(app, ["check", str(path), "--json"])
    assert r.exit_code == 0, r.output
    assert ssn not in r.output and ssn.replace("-", "") not in r.output


# --- the catalogue command ------------------------------------------------------------------------

def test_findings_command():
    r = runner.invoke(app, ["findings"])
    assert r.exit_code == 0 and "ROLLOVER_60_DAY_LATE" in r.stdout


def test_findings_command_json():
    r = runner.invoke(app, ["findings", "--json"])
    rows = json.loads(r.stdout)
    codes = {row["code"]: row for row in rows}
    assert codes["WITHHOLDING_SHORTFALL"]["severity"] == "warning"
    assert set(codes["WITHHOLDING_SHORTFALL"]) >= {"code", "severity", "title", "rule"}


def test_findings_command_markdown_is_the_doc():
    r = runner.invoke(app, ["findings", "--markdown"])
    doc = Path(__file__).resolve().parents[2] / "docs" / "findings.md"
    assert r.stdout == doc.read_text(encoding="utf-8")
