"""Findings out: readable text grouped by severity, JSON, and the HTML/PDF report.

The HTML report is templates/findings.html (styled only by templates/base.css). Files are
written atomically and fsynced (core.files.write_atomic) with mode 0o600. Nothing here shows
a full SSN: people appear by role, names and the last four digits.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from rich.console import Console
from rich.text import Text

from taxdocs.checks.finding import SEVERITIES, Finding
from taxdocs.checks.run import summary as make_summary

SCHEMA = "taxdocs.findings/1"
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = "findings.html"
STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
HEADING = {"error": "ERRORS", "warning": "WARNINGS", "info": "INFO"}
MARK = {"error": "✗", "warning": "!", "info": "i"}
FILING_STATUS = {"single": "Single", "mfj": "Married filing jointly", "mfs": "Married filing separately",
                 "hoh": "Head of household", "qss": "Qualifying surviving spouse"}


def by_severity(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {s: [] for s in SEVERITIES}
    for f in findings:
        groups.setdefault(f.severity, []).append(f)
    return [(s, fs) for s, fs in groups.items() if fs]


# --- text ------------------------------------------------------------------------------------

def print_text(console: Console, findings: list[Finding], file: str, res=None, usable: bool = True) -> None:
    s = make_summary(findings, usable)
    head = Text("taxdocs check ", style="bold")
    head.append(str(file))
    if res is not None:
        sc = res.scenario
        head.append(f" · {sc.tax_year} · {sc.filing_status.value} · ")
        head.append(", ".join(f"{p.name} ({p.ssn_last4})" for _, p in sc.people()))
    console.print(head, soft_wrap=True)
    if not findings:
        console.print(Text("No findings.", style="green"), soft_wrap=True)
    for sev, fs in by_severity(findings):
        console.print()
        console.print(Text(f"{HEADING[sev]} ({len(fs)})", style=STYLE[sev]), soft_wrap=True)
        for f in fs:
            t = Text(f" {MARK[sev]} ", style=STYLE[sev])
            t.append(f.code, style="bold")
            where = " · ".join(x for x in (f.record, f.field) if x)
            if where:
                t.append(f"  {where}", style="dim")
            console.print(t, soft_wrap=True)
            console.print(Text("   " + f.message), soft_wrap=True)
            console.print(Text("   Rule: ", style="dim") + Text(f.rule), soft_wrap=True)
            console.print(Text("   Fix:  ", style="dim") + Text(f.fix), soft_wrap=True)
    console.print()
    verdict = ("input cannot be used" if not usable else "errors found" if s["exit_status"] else "no errors")
    console.print(Text(f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} info · {verdict} "
                       f"(exit {s['exit_status']})", style="bold"), soft_wrap=True)


# --- JSON ------------------------------------------------------------------------------------

def json_doc(findings: list[Finding], file: str, res=None, usable: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {"schema": SCHEMA, "file": str(file)}
    if res is not None:
        sc = res.scenario
        doc.update(tax_year=sc.tax_year, filing_status=sc.filing_status.value,
                   people={w: {"name": p.name, "ssn": p.ssn_last4} for w, p in sc.people()})
    doc["summary"] = make_summary(findings, usable)
    doc["findings"] = [f.to_dict() for f in findings]
    return doc


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)


# --- HTML / PDF ------------------------------------------------------------------------------

def _doc(res, file: str) -> dict[str, Any]:
    if res is None:
        return {"tax_year": "", "next_year": "", "filing_status": "", "people": [], "names": "Scenario not usable",
                "ssn": "", "file": Path(file).name, "client_id": ""}
    sc = res.scenario
    people = [{"who": w, "name": p.name, "ssn": p.ssn_last4} for w, p in sc.people()]
    return {"tax_year": sc.tax_year, "next_year": sc.tax_year + 1,
            "filing_status": FILING_STATUS.get(sc.filing_status.value, sc.filing_status.value),
            "people": people, "names": " & ".join(p["name"] for p in people), "ssn": people[0]["ssn"],
            "file": Path(file).name, "client_id": sc.client_id or ""}


def render_html(findings: list[Finding], file: str, res=None, usable: bool = True,
                css_href: str = "base.css", templates_dir: Optional[Path] = None) -> str:
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir or TEMPLATES_DIR)),
                             autoescape=jinja2.select_autoescape(("html", "xml")), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    groups = by_severity(findings)
    return env.get_template(TEMPLATE).render(
        doc=_doc(res, file), findings=findings, findings_by_severity=groups,
        counts={s: len(fs) for s, fs in groups}, checked=True, summary=make_summary(findings, usable),
        css_href=css_href)


def html_file(findings: list[Finding], file: str, res=None, usable: bool = True) -> str:
    """HTML for a file on disk: self-contained, the stylesheet inlined (a linked file:// path broke when the report
    was moved or sent, and showed where the tool is installed)."""
    html = render_html(findings, file, res, usable, "base.css")
    css = TEMPLATES_DIR / "base.css"
    if not css.is_file():
        return html
    style = "<style>\n" + css.read_text(encoding="utf-8").replace("</", "<\\/") + "\n</style>"
    return html.replace('<link rel="stylesheet" href="base.css">', style, 1)


def render_pdf(html: str) -> bytes:
    """WeasyPrint, with the documents renderer's font set-up when it is there (base.css asks for it)."""
    try:
        from taxdocs.documents.render import render_pdf as documents_pdf
    except ImportError:
        documents_pdf = None
    if documents_pdf is not None:
        return documents_pdf(html, TEMPLATES_DIR)
    import logging

    from weasyprint import HTML
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/").write_pdf()


def write_atomic(path: str | Path, data: bytes | str, mode: int = 0o600) -> Path:
    """Atomically, fsynced, owner-only (core.files.write_atomic)."""
    from taxdocs.core.files import write_atomic as _write
    return _write(path, data, mode)


