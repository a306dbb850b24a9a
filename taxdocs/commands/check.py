"""check (recompute and report findings; compare a filed return) and findings (the catalogue)."""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from taxdocs.commands.common import EXIT_BAD_INPUT, err, guarded, out
from taxdocs.errors import InputError, TaxdocsError


class Who(str, Enum):
    auto = "auto"
    taxpayer = "taxpayer"
    spouse = "spouse"


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("findings")(findings)


def _raw_data(path: Path):
    from taxdocs.model.load import read_data
    try:
        return read_data(path)
    except Exception:  # the problem itself is already reported
        return None


@guarded
def check(scenario: Path = typer.Argument(..., help="scenario file (YAML or JSON)"),
          json_out: bool = typer.Option(False, "--json", help="findings and a summary as JSON"),
          html: Optional[Path] = typer.Option(None, "--html", help="write the findings report as HTML"),
          pdf: Optional[Path] = typer.Option(None, "--pdf", help="write the findings report as PDF"),
          filed_8606: Optional[Path] = typer.Option(None, "--filed-8606",
                                                    help="a filled Form 8606 PDF to compare with the recomputation"),
          filed_8606_for: Who = typer.Option(Who.auto, "--filed-8606-for",
                                             help="whose form --filed-8606 is (auto: by the SSN's last four digits)"),
          prior_8606: Optional[Path] = typer.Option(None, "--prior-8606",
                                                    help="last year's filed Form 8606 PDF: its line 14 must be this "
                                                         "year's prior basis"),
          prior_line14: Optional[str] = typer.Option(None, "--prior-line14",
                                                     help="last year's Form 8606 line 14 (taxpayer), if no PDF"),
          ledger: Optional[str] = typer.Option(None, "--ledger", envvar="TAXDOCS_LEDGER",
                                               help="take blank prior-year facts from this ledger (path or URL)"),
          ) -> None:
    """Recompute the return and report findings; with filed figures, compare each filed line.

    Exit status: 0 no error findings, 1 error findings, 2 the input cannot be used.
    """
    from taxdocs.checks import filed as filed_mod
    from taxdocs.checks import report
    from taxdocs.checks.basis_checks import PriorYear
    from taxdocs.checks.input_checks import input_findings
    from taxdocs.checks.run import check as run_checks
    from taxdocs.checks.run import exit_status
    from taxdocs.model.load import load
    from taxdocs.rules.engine import compute

    res, usable = None, True
    try:
        sc = load(scenario)
    except InputError as e:
        usable = False
        found = input_findings(e.problems, _raw_data(scenario))
    if usable:
        extra, ledger_found = [], []
        if ledger:
            from taxdocs.ledger.carry import fill_from_ledger
            sc, ledger_found = fill_from_ledger(sc, ledger)
        if filed_8606 is not None:
            doc = filed_mod.read_filed_8606(filed_8606)
            who = None if filed_8606_for == Who.auto else filed_8606_for.value
            if who == "spouse" and sc.spouse is None:
                raise TaxdocsError("--filed-8606-for spouse, but the scenario has no spouse")
            extra.append(filed_mod.from_pdf(sc, doc, str(filed_8606), who))
        prior = {}
        if prior_8606 is not None:
            doc = filed_mod.read_filed_8606(prior_8606)
            line14 = (doc.get("lines") or {}).get("14")
            if line14 is None:
                line14 = Decimal(0)  # a blank line 14 means no basis left
            who = "taxpayer"
            if doc.get("ssn_last4") and sc.spouse is not None and sc.spouse.ssn[-4:] == doc["ssn_last4"]:
                who = "spouse"
            prior[who] = PriorYear(Decimal(line14), None, f"{prior_8606.name}, revision {doc.get('revision', '?')}")
        if prior_line14 is not None:
            try:
                value = Decimal(prior_line14.replace(",", "").replace("$", ""))
            except InvalidOperation:
                raise TaxdocsError(f"--prior-line14: not an amount: {prior_line14!r}") from None
            prior.setdefault("taxpayer", PriorYear(value, None, "--prior-line14"))
        res = compute(sc, str(scenario))
        found = run_checks(res, extra, prior)
        if ledger_found:
            from taxdocs.checks.catalogue import sort_findings
            found = sort_findings(found + ledger_found)
    status = exit_status(found, usable)

    for path, make_bytes in ((html, lambda: report.html_file(found, str(scenario), res, usable)),
                             (pdf, lambda: report.render_pdf(report.render_html(found, str(scenario), res, usable)))):
        if path is None:
            continue
        try:
            report.write_atomic(path, make_bytes())
        except OSError as e:
            raise TaxdocsError(f"cannot write {path}: {e.strerror or e}") from None
    if json_out:
        print(report.dumps(report.json_doc(found, str(scenario), res, usable)))
    else:
        report.print_text(out, found, str(scenario), res, usable)
        for p in (html, pdf):
            if p is not None:
                err.print(f"wrote {p}", highlight=False, markup=False)
    raise typer.Exit(status if usable else EXIT_BAD_INPUT)


def findings(json_out: bool = typer.Option(False, "--json", help="the catalogue as JSON"),
             markdown: bool = typer.Option(False, "--markdown", help="the catalogue as Markdown (docs/findings.md)"),
             ) -> None:
    """List every finding code: severity, title and the rule it rests on."""
    from taxdocs.checks.catalogue import as_rows, catalogue
    from taxdocs.checks.catalogue import markdown as md
    if json_out:
        print(json.dumps(as_rows(), indent=2, ensure_ascii=False))
        return
    if markdown:
        print(md(), end="")
        return
    t = Table("code", "severity", "title", "rule", title=f"Findings catalogue ({len(catalogue())} codes)")
    for e in catalogue().values():
        t.add_row(e.code, e.severity, e.title, e.rule)
    out.print(t)
