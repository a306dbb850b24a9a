"""Rendered documents (Form 8606 facsimile, worksheet summary, findings report), their
output files, and `taxdocs render`. The PDFs are read back with pypdf and checked."""
from __future__ import annotations

import io
import json
import logging
import os
import re
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
import yaml
from typer.testing import CliRunner

from taxdocs.checks.finding import Finding
from taxdocs.documents import render as R
from taxdocs.documents.output_files import OutputError, OutputNames, ensure_dir, safe_stem, write_atomic
from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute

logging.getLogger("pypdf").setLevel(logging.ERROR)

# --- scenarios ---------------------------------------------------------------------

# Pub. 590-B "Bill King" (examples.md EX-02): basis 2,000, value 1,800, distribution 600.
KING = {
    "tax_year": 2025, "filing_status": "single",
    "taxpayer": {"name": "Bill King", "ssn": "123-45-6789", "birth_date": "1950-03-01",
                 "ira": {"prior_basis": 2000, "year_end_value": 1800}},
    "income": {"other_taxable_income": 40000},
    "forms_1099r": [{"id": "r1", "payer": {"name": "Big Bank IRA"}, "box1": 600, "box2a": 600,
                     "box2b_not_determined": True, "box7": ["7"], "box7_ira_sep_simple": True,
                     "date_paid": "2025-05-01"}],
}

# Married filing jointly: his backdoor conversion spoiled by a pre-tax IRA (EX-08), her late rollover.
TEDDY = {
    "tax_year": 2025, "filing_status": "mfj",
    "taxpayer": {"name": "Teddy Bear", "ssn": "111-22-3333", "birth_date": "1965-01-01",
                 "ira": {"nondeductible_contributions": 7000, "prior_basis": 0, "year_end_value": 93000}},
    "spouse": {"name": "Tina Bear", "ssn": "444-55-6666", "birth_date": "1980-06-15",
               "ira": {"prior_basis": 1000, "year_end_value": 20000}},
    "income": {"other_taxable_income": 180000},
    "forms_1099r": [
        {"id": "conv", "payer": {"name": "Fidelity"}, "box1": 7000, "box2a": 7000, "box2b_not_determined": True,
         "box7": ["7"], "box7_ira_sep_simple": True, "date_paid": "2025-02-01",
         "uses": [{"kind": "conversion", "to": "roth_ira", "amount": 7000}]},
        {"id": "tina1", "recipient": "spouse", "payer": {"name": "Schwab"}, "box1": 5000, "box2a": 5000,
         "box4": 500, "box7": ["1"], "box7_ira_sep_simple": True, "date_paid": "2025-04-10",
         "uses": [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 2000, "date": "2025-07-20"}]},
    ],
}

# IRS "Rollovers of After-Tax Contributions" (EX-16): one plan distribution to three destinations.
SPLIT = {
    "tax_year": 2025, "filing_status": "single",
    "taxpayer": {"name": "Pat Split", "ssn": "222-33-4444", "birth_date": "1960-01-01",
                 "roth": {"first_contribution_year": 2010, "contribution_basis": 5000}},
    "income": {"other_taxable_income": 90000},
    "forms_1099r": [
        {"id": "plan-ira", "payer": {"name": "Acme Plan", "tin": "12-3456789"}, "account_number": "A1",
         "box1": 80000, "box2a": 0, "box7": ["G"], "date_paid": "2025-06-01",
         "uses": [{"kind": "direct_rollover", "to": "traditional_ira", "amount": 80000}]},
        {"id": "plan-roth", "payer": {"name": "Acme Plan", "tin": "12-3456789"}, "account_number": "A1",
         "box1": 10000, "box2a": 0, "box5": 10000, "box7": ["G"], "date_paid": "2025-06-01",
         "uses": [{"kind": "direct_rollover", "to": "roth_ira", "amount": 10000}]},
        {"id": "plan-cash", "payer": {"name": "Acme Plan", "tin": "12-3456789"}, "account_number": "A1",
         "box1": 10000, "box2a": 0, "box5": 10000, "box7": ["7"], "date_paid": "2025-06-01"},
    ],
}

# IRS FAQ "Jordan" (EX-19): 20% withheld, only the check rolled over, age 42: no Form 8606.
JORDAN = {
    "tax_year": 2025, "filing_status": "single",
    "taxpayer": {"name": "Jordan Lee", "ssn": "987-65-4321", "birth_date": "1983-02-02"},
    "income": {"other_taxable_income": 60000},
    "forms_1099r": [{"id": "k401", "payer": {"name": "Acme 401k Plan"}, "box1": 10000, "box2a": 10000,
                     "box4": 2000, "box7": ["1"], "date_paid": "2025-03-01",
                     "uses": [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": 8000,
                               "date": "2025-04-15"}]}],
}

# Prior basis not given although nondeductible contributions were made: provisional lines.
PROVISIONAL = {
    "tax_year": 2025, "filing_status": "single",
    "taxpayer": {"name": "Alex Unsure", "ssn": "321-54-9876", "birth_date": "1955-05-05",
                 "ira": {"ever_nondeductible": True, "nondeductible_contributions": 6000, "year_end_value": 50000}},
    "forms_1099r": [{"id": "d1", "payer": {"name": "Vanguard"}, "box1": 5000, "box2a": 5000,
                     "box2b_not_determined": True, "box7": ["7"], "box7_ira_sep_simple": True,
                     "date_paid": "2025-08-01"}],
}


def res_of(data):
    return compute(from_data(data, "test.yaml"), "scenario.yaml")


@pytest.fixture(scope="module")
def king():
    return res_of(KING)


@pytest.fixture(scope="module")
def teddy():
    return res_of(TEDDY)


@pytest.fixture(scope="module")
def king_facsimile(king):
    return R.render_pdf(R.render_html("f8606_facsimile", king))


@pytest.fixture(scope="module")
def teddy_facsimile(teddy):
    return R.render_pdf(R.render_html("f8606_facsimile", teddy))


@pytest.fixture(scope="module")
def teddy_summary(teddy):
    return R.render_pdf(R.render_html("summary", teddy))


# --- reading PDFs back -------------------------------------------------------------------

def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    """All pages' text with runs of whitespace (line wraps) as one space."""
    return " ".join(" ".join(pages_text(pdf)).split())


def facsimile_lines(pdf: bytes) -> list[dict[str, str]]:
    """Per Form 8606 in the facsimile: {line number: amount text}, from positions on the page.

    The line number printed in the box column (about 72% across the page) and the amount
    printed right of it (past 80%) share a baseline; a line with nothing right of its box
    is blank. A new form starts where line 1 appears again."""
    forms: list[dict[str, str]] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        width = float(page.mediabox.width)
        chunks: list[tuple[str, float, float]] = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                chunks.append((text.strip(), x, y))
        page.extract_text(visitor_text=visit)
        boxes = [(t, y) for t, x, y in chunks if 0.68 * width < x < 0.78 * width and re.fullmatch(r"\d{1,2}[abc]?", t)]
        for num, y in sorted(boxes, key=lambda b: -b[1]):
            if num == "1" or not forms:
                forms.append({})
            right = [t for t, x2, y2 in chunks if x2 > 0.80 * width and abs(y2 - y) < 3]
            forms[-1][num] = " ".join(right)
    return forms


# --- filters ---------------------------------------------------------------------

def test_number_filters_for_print():
    assert R.money(Decimal("1234.5")) == "1,235"           # IRS rounding, half up
    assert R.money(Decimal("1234.49")) == "1,234"
    assert R.money(Decimal("0")) == "0"
    assert R.money(None) == ""                               # blank stays blank
    assert R.money(Decimal("-12")) == "\u221212"
    assert R.money(Decimal("2488.2"), cents=True) == "2,488.20"
    assert R.money(1234567) == "1,234,567"
    assert R.ratio(Decimal("0.833")) == "0.833"
    assert R.ratio(Decimal("0.07")) == "0.070"
    assert R.ratio(1) == "1.000"
    assert R.ratio(None) == ""
    assert R.pct(Decimal("0.22")) == "22%"
    assert R.pct(Decimal("0.125")) == "12.5%"
    assert R.date(date(2025, 4, 10)) == "Apr 10, 2025"
    assert R.date("2025-06-09") == "Jun 9, 2025"
    assert R.date(None) == ""
    with pytest.raises(TypeError):
        R.money(1.5)


# --- Form 8606 facsimile -----------------------------------------------------------------

def test_facsimile_has_every_line_and_the_values(king_facsimile):
    forms = facsimile_lines(king_facsimile)
    assert len(forms) == 1
    f = forms[0]
    expected = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15a", "15b", "15c",
                "16", "17", "18", "19", "20", "21", "22", "23", "24", "25a", "25b", "25c"]
    assert list(f) == expected
    # EX-02 (Pub. 590-B): line 10 = .833, line 12 = 13 = 500, 14 = 1,500, 15a = 15c = 100
    assert f["2"] == "2,000" and f["5"] == "2,000" and f["6"] == "1,800" and f["7"] == "600"
    assert f["9"] == "2,400"
    assert f["10"] == "0.833"
    assert f["12"] == "500" and f["13"] == "500"
    assert f["14"] == "1,500"
    assert f["15a"] == "100" and f["15b"] == "0" and f["15c"] == "100"
    # Parts II and III are not completed: blank, not 0
    assert all(f[n] == "" for n in expected[17:])


def test_facsimile_is_marked_as_a_worksheet_on_every_page(king_facsimile):
    texts = pages_text(king_facsimile)
    assert len(texts) == 2
    for i, t in enumerate(texts, 1):
        assert "WORKSHEET — NOT THE OFFICIAL FORM" in t
        assert f"Page {i} of {len(texts)}" in t
        assert "Bill King" in t and "Tax year 2025" in t
        assert "***-**-6789" in t
        assert "123-45-6789" not in t and "123456789" not in t
    assert "Part I" in texts[0] and "Part II" in texts[1] and "Part III" in texts[1]


def test_one_facsimile_per_person_who_must_file(teddy_facsimile):
    forms = facsimile_lines(teddy_facsimile)
    assert len(forms) == 2
    him, her = forms
    assert him["10"] == "0.070" and him["11"] == "490" and him["14"] == "6,510"     # EX-08
    assert him["16"] == "7,000" and him["17"] == "490" and him["18"] == "6,510"
    assert her["10"] == "0.040" and her["15c"] == "4,800" and her["18"] == ""
    text = flat(teddy_facsimile)
    assert "***-**-3333" in text and "***-**-6666" in text
    assert "111-22-3333" not in text and "444-55-6666" not in text


def test_no_form_8606_to_show():
    html = R.render_html("f8606_facsimile", res_of(JORDAN))
    assert "No one on this return must file Form 8606" in html


def test_blank_lines_are_blank_not_zero(king):
    html = R.render_html("f8606_facsimile", king)

    def cell(line):
        m = re.search(rf'id="taxpayer-line{line}">.*?<td class="amt">(.*?)</td>', html, re.S)
        assert m, line
        return re.sub(r"<[^>]+>", "", m.group(1)).strip()
    assert cell("15b") == "0"        # computed as zero
    assert cell("16") == ""          # Part II not completed
    assert cell("25c") == ""


# --- worksheet summary ---------------------------------------------------------------------

def test_summary_lines_and_sources(teddy_summary):
    texts = pages_text(teddy_summary)
    text = flat(teddy_summary)
    for i, t in enumerate(texts, 1):  # running header and page numbers on every page
        assert "Teddy Bear & Tina Bear" in t and "Tax year 2025" in t and "SSN ***-**-3333" in t
        assert f"Page {i} of {len(texts)}" in t
    assert "111-22-3333" not in text and "444-55-6666" not in text
    assert re.search(r"4a IRA distributions 12,000 box 1: conv \(Fidelity\) 7,000; tina1 \(Schwab\) 5,000", text)
    assert re.search(r"4b IRA distributions, taxable amount 11,310", text)
    assert "Form 8606 line 18 6,510" in text and "Form 8606 line 15c 4,800" in text
    assert re.search(r"25b Federal income tax withheld, Forms 1099 500", text)
    assert re.search(r"Sch\. 2, 8 Additional tax on IRAs and other plans 480", text)


def test_summary_rollover_timeline_and_additional_tax(teddy_summary):
    text = flat(teddy_summary)
    # paid Apr 10, deposited Jul 20: 101 days, deadline Jun 9: does not count
    assert re.search(r"tina1:0.*?2,000\s+Apr 10,\s+2025\s+Jul 20,\s+2025\s+101\s+Jun 9,\s+2025\s+no", text, re.S)
    assert "deposited after the 60-day deadline" in text
    # Form 5329 Part I
    assert re.search(r"1 Early distributions includible in income 4,800", text)
    assert re.search(r"3 Amount subject to additional tax \(line 1 − line 2\) 4,800", text)
    assert re.search(r"4 Additional tax: 10% of line 3; to Schedule 2 line 8 480", text)


def test_summary_tax_effect_and_carry_forward(teddy_summary):
    text = flat(teddy_summary)
    assert re.search(r"96,950 – 206,700\s+22%\s+11,310\s+2,488\.20", text)
    assert re.search(r"Tax without it 29,428\.00", text) and re.search(r"Tax with it 31,916\.20", text)
    assert re.search(r"Federal cost of the retirement income 2,968\.20", text)
    assert re.search(r"Traditional IRA basis carried to 2026 .*?6,510", text)
    assert re.search(r"Traditional IRA basis carried to 2026 .*?800", text)
    assert re.search(r"2025 this year 7,000 6,510 0 7,000 6,510", text)      # the new Roth layer


def test_summary_notice_2014_54_allocation():
    text = flat(R.render_pdf(R.render_html("summary", res_of(SPLIT))))
    assert "Notice 2014-54 allocation" in text
    assert re.search(r"plan-ira:0 direct rollover to traditional IRA 80,000 80,000 0 0", text)
    assert re.search(r"plan-roth:0 direct rollover to Roth IRA 10,000 0 10,000 0", text)
    assert re.search(r"Distribution 100,000 80,000 20,000 0", text)
    assert re.search(r"5a Pensions and annuities 100,000", text) and "Rollover" in text
    assert "trustee to trustee" in text


def test_summary_says_when_a_pre_tax_choice_is_overruled():
    """Audit (session 17): a choice of 0 pre-tax that Notice 2014-54 overrules was tagged "pre-tax chosen"; the
    notes' amounts are written with thousands separators."""
    import copy
    data = copy.deepcopy(SPLIT)
    data["forms_1099r"][0]["uses"][0]["amount"] = 70000   # 10,000 of pre-tax left for the Roth IRA leg
    data["forms_1099r"][0]["box1"] = 70000
    data["forms_1099r"][1]["uses"][0]["pretax"] = 0
    data["forms_1099r"][1]["box1"] = 20000
    data["forms_1099r"][1]["uses"][0]["amount"] = 20000
    text = flat(R.render_pdf(R.render_html("summary", res_of(data))))
    assert "pre-tax choice overruled" in text and "pre-tax chosen" not in text
    assert "the choice of $0 pre-tax cannot stand" in text and "so it takes $10,000" in text
    data["forms_1099r"][1]["uses"][0]["pretax"] = 10000
    text = flat(R.render_pdf(R.render_html("summary", res_of(data))))
    assert "pre-tax chosen" in text and "overruled" not in text


def test_summary_names_the_inherited_form_and_carries_its_basis():
    """Sample 07: Ann's own Form 8606 and the one for the IRAs inherited from John Smith are told apart, and the
    inherited basis left (33,333 - 3,000 nontaxable = 30,333: i8606 line 14 of that form) is carried (audit 12)."""
    from taxdocs.model.load import load
    res = compute(load(Path(__file__).resolve().parents[2] / "samples" / "07-inherited-ira-with-basis.yaml"))
    text = flat(R.render_pdf(R.render_html("summary", res)))
    assert "Ann Smith (IRAs inherited from John Smith)" in text
    assert re.search(r"Basis in the IRAs inherited from John Smith .*?30,333", text)


def test_provisional_lines_are_flagged():
    res = res_of(PROVISIONAL)
    text = flat(R.render_pdf(R.render_html("summary", res)))
    assert "Assumptions and missing facts" in text
    assert "Basis at end of last year" in text and "prov." in text
    assert "f8606.taxpayer.line15c (provisional)" in text
    fac = flat(R.render_pdf(R.render_html("f8606_facsimile", res)))
    assert "Lines resting on assumptions or missing facts" in fac


# --- findings report -----------------------------------------------------------------------

def test_findings_report_shows_each_finding(king):
    findings = [
        Finding("ROLLOVER_60_DAY_LATE", "error", "r1: deposited 101 days after it was paid.", "IRC §402(c)(3)",
                "Add a self-certification waiver if a reason applies.", record="r1"),
        Finding("BASIS_MISSING", "warning", "Prior basis not given.", "i8606 line 2", "Enter last year's line 14."),
    ]
    text = flat(R.render_pdf(R.render_html("findings", king, findings)))
    for f in findings:
        assert f.code in text and f.message in text
    assert "123-45-6789" not in text


def test_findings_fallback_template_groups_by_severity(king, tmp_path):
    """Without templates/findings.html the built-in report is used; it groups by severity."""
    for name in ("_layout.html", "_macros.html", "_findings_basic.html", "base.css"):
        (tmp_path / name).write_text((R.TEMPLATES_DIR / name).read_text())
    findings = [Finding("B", "warning", "second", "r", "f"), Finding("A", "error", "first", "r", "f")]
    html = R.render_html("findings", king, findings, templates_dir=tmp_path)
    assert html.index("Errors") < html.index("first") < html.index("Warnings") < html.index("second")


# --- output files --------------------------------------------------------------------------

@pytest.mark.parametrize("given,expected", [
    ("../evil", "evil"),
    ("../../etc/passwd.yaml", "passwd"),
    ("..", "scenario"),
    ("...yaml", "scenario"),
    (".hidden.yaml", "hidden"),
    ("-rf.json", "rf"),
    ("Jane Doe (2025).yaml", "Jane_Doe_2025_"),
    ("a..b", "a.b"),
    ("x\\..\\y.yml", "y"),
    ("Zoë$.yaml", "Zo_"),
])
def test_safe_stem(given, expected):
    s = safe_stem(given)
    assert s == expected
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", s) and ".." not in s


def test_output_names_are_unique_within_a_run():
    n = OutputNames()
    assert [n.stem_for(p) for p in ("a/x.yaml", "b/x.json", "x.yml", "X.yaml")] == ["x", "x-2", "x-3", "X-4"]


def test_write_atomic_modes_and_no_escape(tmp_path):
    old = os.umask(0)  # the modes must not depend on the umask
    try:
        out = tmp_path / "new" / "deeper"
        p = write_atomic(out, "s-summary.pdf", b"%PDF-1.7")
    finally:
        os.umask(old)
    assert p == out / "s-summary.pdf" and p.read_bytes() == b"%PDF-1.7"
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    write_atomic(out, "s-summary.pdf", b"second")           # replaces
    assert p.read_bytes() == b"second"
    for bad in ("../evil.pdf", "..", ".hidden", "a/b.pdf"):
        with pytest.raises(OutputError):
            write_atomic(out, bad, b"x")
    assert sorted(x.name for x in out.iterdir()) == ["s-summary.pdf"]   # no temporary files left
    assert not (tmp_path / "new" / "evil.pdf").exists()


def test_existing_outdir_keeps_its_mode(tmp_path):
    d = tmp_path / "shared"
    d.mkdir()
    d.chmod(0o755)
    ensure_dir(d)
    write_atomic(d, "x.json", "{}")
    assert stat.S_IMODE(d.stat().st_mode) == 0o755
    assert stat.S_IMODE((d / "x.json").stat().st_mode) == 0o600


# --- the command -----------------------------------------------------------------------------

def run_cli(*args, env=None):
    from taxdocs.cli import app
    return CliRunner().invoke(app, ["render", *map(str, args)], env=env)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One run over a directory: two good scenarios (one with an unsafe name), one invalid, one not YAML."""
    src = tmp_path_factory.mktemp("in")
    (src / "..King 2025.yaml").write_text(yaml.safe_dump(KING))
    (src / "jordan.json").write_text(json.dumps(JORDAN))
    bad = dict(KING, forms_1099r=[dict(KING["forms_1099r"][0], box1=-5)])
    (src / "bad.yaml").write_text(yaml.safe_dump(bad))
    (src / "broken.yml").write_text("tax_year: [2025\n")
    (src / "notes.txt").write_text("not a scenario")
    out = tmp_path_factory.mktemp("parent") / "out"
    empty = tmp_path_factory.mktemp("noforms")
    res = run_cli(src, "-o", out, env={"TAXDOCS_FORMS_DIR": str(empty), "XDG_CACHE_HOME": str(empty)})
    return res, out


def test_render_directory_writes_each_scenario(rendered):
    res, out = rendered
    assert res.exit_code == 2, res.output            # two inputs unusable
    names = sorted(p.name for p in out.iterdir())
    assert "King_2025.json" in names and "King_2025-summary.pdf" in names
    assert "King_2025-f8606-facsimile.pdf" in names
    assert "jordan.json" in names and "jordan-summary.pdf" in names
    assert "jordan-f8606-facsimile.pdf" not in names  # nobody must file Form 8606
    assert not [n for n in names if n.startswith(("bad", "broken", "notes", "."))]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
    doc = json.loads((out / "King_2025.json").read_text())
    assert doc["lines"]["f8606.taxpayer.line10"] == "0.833"
    assert doc["lines"]["f8606.taxpayer.line15c"] == 100
    assert doc["people"]["taxpayer"]["ssn"] == "***-**-6789"


def test_render_reports_the_bad_inputs(rendered):
    res, _ = rendered
    err = res.stderr
    assert "bad.yaml: not rendered" in err and "box1" in err
    assert "broken.yml: not rendered" in err and "not valid YAML" in err
    assert "Traceback" not in res.output + err
    assert "2 of 4 scenarios rendered" in res.stdout


def test_render_says_once_that_the_facsimile_stands_in(rendered):
    res, _ = rendered
    assert res.stderr.count("the Form 8606 facsimile stands in") == 1


def test_rendered_pdfs_mask_the_ssn(rendered):
    _, out = rendered
    for p in out.glob("*.pdf"):
        text = flat(p.read_bytes())
        assert "123-45-6789" not in text and "987-65-4321" not in text, p.name
        assert "123-45-6789" not in str(pypdf.PdfReader(p).metadata)
    assert "***-**-6789" in flat((out / "King_2025-summary.pdf").read_bytes())


def test_render_findings_when_the_checker_is_there(rendered):
    _, out = rendered
    doc = json.loads((out / "jordan.json").read_text())
    try:
        import taxdocs.checks.run  # noqa: F401
    except ModuleNotFoundError:
        assert "findings" not in doc and not (out / "jordan-findings.pdf").exists()
        return
    assert "findings" in doc and (out / "jordan-findings.pdf").exists()
    text = flat((out / "jordan-findings.pdf").read_bytes())
    for f in doc["findings"]:
        assert f["code"] in text


def test_render_missing_file_and_empty_dir(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    res = run_cli(tmp_path / "nope.yaml", empty, "-o", tmp_path / "out")
    assert res.exit_code == 2
    assert "nope.yaml" in res.stderr and "file not found" in res.stderr
    assert "no *.yaml, *.yml or *.json scenario files" in res.stderr


@pytest.fixture(scope="module")
def official(shared_forms, tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    (src / "king.yaml").write_text(yaml.safe_dump(KING))
    (src / "jordan.yaml").write_text(yaml.safe_dump(JORDAN))
    out = tmp_path_factory.mktemp("out")
    res = run_cli(src / "king.yaml", src / "jordan.yaml", "-o", out, "--forms-dir", shared_forms)
    return res, out


def test_render_fills_the_official_forms(official):
    from taxdocs.documents.readback import read_5329, read_8606
    res, out = official
    assert res.exit_code == 0, res.output
    assert "stands in" not in res.stderr
    f = read_8606(out / "king-f8606-taxpayer.pdf")
    assert f["lines"]["10"] == Decimal("0.833")
    assert f["lines"]["15c"] == 100 and f["lines"]["14"] == 1500
    assert "16" not in f["lines"]                     # Part II stays empty
    from taxdocs.documents.fieldmaps import load_map
    fmap = load_map("f8606", 2025)
    fields = pypdf.PdfReader(out / "king-f8606-taxpayer.pdf").get_fields()
    value = lambda key: fields[fmap.fields[key].name].get("/V")  # noqa: E731
    assert (value("10.int"), value("10.dec")) == ("0", "833")
    assert value("15c") == "100" and value("12") == "500"
    assert value("ssn") == "123-45-6789"               # the official form is the one place for the full SSN
    assert value("18") in (None, "")
    assert f["name"] == "Bill King" and f["ssn_last4"] == "6789"
    assert stat.S_IMODE((out / "king-f8606-taxpayer.pdf").stat().st_mode) == 0o600
    # Jordan owes the 10% on the 2,000 kept: Form 5329 Part I, no Form 8606
    g = read_5329(out / "jordan-f5329-taxpayer.pdf")
    assert g["lines"]["1"] == 2000 and g["lines"]["3"] == 2000 and g["lines"]["4"] == 200
    assert not (out / "jordan-f8606-taxpayer.pdf").exists()
    assert (out / "king-f8606-facsimile.pdf").exists()   # the worksheet is written either way


def test_render_fills_form_5329_to_claim_an_exception_with_no_tax_left(shared_forms, tmp_path):
    """Code 1 from an IRA, all of it excepted by exception 08 (not shown in box 7): no tax, but Form 5329 Part I is
    how the exception is claimed (i5329 Who Must File), so it is filled (audit 12: it was not written at all)."""
    from taxdocs.documents.readback import read_5329
    data = dict(JORDAN, forms_1099r=[{"id": "ira", "payer": {"name": "Big Bank IRA"}, "box1": 12000, "box2a": 12000,
                                      "box2b_not_determined": True, "box7": ["1"], "box7_ira_sep_simple": True,
                                      "date_paid": "2025-03-01", "exceptions": [{"number": "08"}]}])
    data["taxpayer"] = dict(JORDAN["taxpayer"], ira={"year_end_value": 0})
    (tmp_path / "edu.yaml").write_text(yaml.safe_dump(data))
    res = run_cli(tmp_path / "edu.yaml", "-o", tmp_path / "out", "--forms-dir", shared_forms)
    assert res.exit_code == 0, res.output
    g = read_5329(tmp_path / "out" / "edu-f5329-taxpayer.pdf")
    assert g["lines"]["1"] == 12000 and g["lines"]["2"] == 12000 and g["lines"].get("4") in (None, 0)


def test_render_no_official(shared_forms, tmp_path):
    (tmp_path / "king.yaml").write_text(yaml.safe_dump(KING))
    res = run_cli(tmp_path / "king.yaml", "-o", tmp_path / "out", "--forms-dir", shared_forms, "--no-official")
    assert res.exit_code == 0, res.output
    assert not list((tmp_path / "out").glob("*-f8606-taxpayer.pdf"))
    assert (tmp_path / "out" / "king-f8606-facsimile.pdf").exists()


# --- fonts and resources -------------------------------------------------------------------

def test_documents_use_the_pre_subset_font(king_facsimile):
    import pikepdf
    if R.font_subset("sans.ttf") is None:
        pytest.skip("no fc-match / DejaVu Sans here: the system font is used")
    with pikepdf.open(io.BytesIO(king_facsimile)) as pdf:
        fonts = {str(f.get("/BaseFont")) for page in pdf.pages
                 for f in page.Resources.get("/Font", {}).values()}
    assert fonts and all("Taxdocs-Sans" in f for f in fonts), fonts


def test_without_the_subset_font_the_system_font_is_used(king, monkeypatch):
    monkeypatch.setattr(R, "font_subset", lambda name: None)
    R._font_config.cache_clear()   # a new FontConfiguration: the face is looked up again
    try:
        pdf = R.render_pdf(R.render_html("f8606_facsimile", king))
    finally:
        R._font_config.cache_clear()
    assert facsimile_lines(pdf)[0]["10"] == "0.833"


def test_documents_fetch_nothing_from_the_network():
    fetch = R.url_fetcher()
    for url in ("http://example.com/x.css", "https://example.com/f.ttf", "ftp://example.com/x"):
        with pytest.raises(Exception):
            fetch(url)


# --- a look at the pages --------------------------------------------------------------------

def test_pages_render_to_png(king_facsimile, teddy_summary, tmp_path):
    """Smoke test that poppler can raster the documents (the visual check itself is by eye)."""
    import shutil
    import subprocess
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    for name, pdf in (("facsimile", king_facsimile), ("summary", teddy_summary)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True, timeout=60)
        assert list(tmp_path.glob(f"{name}*.png"))


def _senior_conversion(amount: int, income: dict) -> dict:
    """2025, single, 67: a traditional IRA conversion, with the tax effect figured from AGI."""
    return {"tax_year": 2025, "filing_status": "single", "income": income,
            "taxpayer": {"name": "Al Senior", "ssn": "123-45-6789", "birth_date": "1958-05-01",
                         "ira": {"year_end_value": 0, "prior_basis": 0}},
            "forms_1099r": [{"id": "c", "payer": {"name": "Bank", "tin": "12-3456789"}, "box1": amount, "box7": ["7"],
                             "box7_ira_sep_simple": True, "date_paid": "2025-06-01", "box2a": amount,
                             "box2b_not_determined": True,
                             "uses": [{"kind": "conversion", "to": "roth_ira", "amount": amount}]}]}


def test_summary_tax_effect_from_agi_shows_the_deductions():
    """With income.other_agi the summary shows the deductions with and without the retirement income (the senior
    deduction shrinking with it): 2025, 67, AGI 75,000, conversion 25,000 (see tests/test_tax.py)."""
    text = flat(R.render_pdf(R.render_html("summary", res_of(_senior_conversion(25000, {"other_agi": 75000})))))
    assert re.search(r"AGI from everything else 75,000", text)
    assert re.search(r"Deductions without the retirement income \(.*?senior deduction 6,000.*?\) 23,750", text)
    assert re.search(r"Deductions with the retirement income \(.*?senior deduction 4,500.*?\) 22,250", text)
    assert re.search(r"Taxable income with it 77,750", text)
    assert re.search(r"Income tax caused by the retirement income 5,830\.00", text)


def test_summary_shows_taxable_social_security_both_ways():
    income = {"other_agi": 20000, "social_security_benefits": 30000}
    text = flat(R.render_pdf(R.render_html("summary", res_of(_senior_conversion(20000, income)))))
    assert re.search(r"Taxable Social Security without the retirement income \(Pub\. 915\) 5,350", text)
    assert re.search(r"Taxable Social Security with the retirement income \(Pub\. 915\) 22,350", text)
    assert re.search(r"Income tax caused by the retirement income 4,233\.50", text)


def test_the_running_header_names_each_persons_masked_ssn(teddy_facsimile):
    """Audit (session 17): the spouse's Form 8606 pages carried the taxpayer's SSN alone in the running header."""
    for text in pages_text(teddy_facsimile):
        assert "***-**-3333 & ***-**-6666" in " ".join(text.split())


FOUR = {
    "tax_year": 2025, "filing_status": "mfj",
    "taxpayer": {"name": "Christopher Montgomery", "ssn": "611-11-1111", "birth_date": "1970-01-01",
                 "ira": {"prior_basis": 1000, "year_end_value": 50000},
                 "inherited_iras": [{"decedent": "Elizabeth Montgomery", "basis": 20000, "year_end_value": 150000},
                                    {"decedent": "Theodore Montgomery", "basis": 5000, "year_end_value": 45000}]},
    "spouse": {"name": "Alexandra Montgomery", "ssn": "611-11-2222", "birth_date": "1971-01-01",
               "ira": {"prior_basis": 2000, "year_end_value": 40000}},
    "forms_1099r": [
        {"id": "own", "payer": "Bank A", "box1": 5000, "box2a": 5000, "box2b_not_determined": True, "box7": "7",
         "box7_ira_sep_simple": True, "date_paid": "2025-04-02"},
        {"id": "inh1", "payer": "Bank B", "box1": 10000, "box2a": 10000, "box2b_not_determined": True, "box7": "4",
         "box7_ira_sep_simple": True, "date_paid": "2025-04-02", "decedent": "Elizabeth Montgomery"},
        {"id": "inh2", "payer": "Bank B", "box1": 3000, "box2a": 3000, "box2b_not_determined": True, "box7": "4",
         "box7_ira_sep_simple": True, "date_paid": "2025-04-03", "decedent": "Theodore Montgomery"},
        {"id": "sp", "recipient": "spouse", "payer": "Bank C", "box1": 4000, "box2a": 4000,
         "box2b_not_determined": True, "box7": "7", "box7_ira_sep_simple": True, "date_paid": "2025-05-02"}],
    "income": {"other_taxable_income": 100000},
}


def test_the_key_lines_table_keeps_every_form_on_the_page():
    """Audit (session 17): with four Forms 8606 the names in the headers did not wrap and the last column fell off
    the page. Every form's line 15c must be in the text, inside the page."""
    res = res_of(FOUR)
    pdf = R.render_pdf(R.render_html("summary", res))
    lines = res.lines()
    want = [lines[f"f8606.{f.key}.line15c"] for f in res.forms_8606()]
    assert len(want) == 4
    row = re.search(r"15c Taxable distributions ([\d, ]+)", flat(pdf)).group(1).split()[:4]
    assert row == [f"{v:,}" for v in want]
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:  # nothing printed past the right margin
        width, xs = float(page.mediabox.width), []
        page.extract_text(visitor_text=lambda t, cm, tm, f, s: xs.append(tm[4] * cm[0] + cm[4]) if t.strip() else None)
        assert max(xs) < width - 20


def test_the_facsimile_words_lines_as_its_years_form():
    """Second read (session 17): the facsimile quoted the 2025 form for every year. The 2023 form's own wording
    (read off its blank) for 2023; the 2025 form's from 2024, saying so where the year's own blank is not at hand."""
    import copy
    d = copy.deepcopy(KING)
    d["tax_year"], d["forms_1099r"][0]["date_paid"] = 2023, "2023-05-01"
    t2023 = flat(R.render_pdf(R.render_html("f8606_facsimile", res_of(d))))
    assert "value of all your traditional, traditional SEP, and traditional SIMPLE IRAs as of December 31, 2023" in t2023
    assert "Distributions From Roth, Roth SEP, or Roth SIMPLE IRAs" in t2023 and "worded as on the 2025" not in t2023
    d["tax_year"], d["forms_1099r"][0]["date_paid"] = 2025, "2025-05-01"
    t2025 = flat(R.render_pdf(R.render_html("f8606_facsimile", res_of(d))))
    assert "value of all your traditional IRAs as of December 31, 2025" in t2025 and "worded as on" not in t2025
