"""check(res) -> findings, errors first. The one entry point the CLI, the batch runner and the web
app share: it recomputes nothing and prints nothing.

    from taxdocs.checks.run import check, exit_status, summary
    findings = check(compute(scenario))
"""
from __future__ import annotations

from typing import Optional

from taxdocs.checks import basis_checks, box_checks, filed, rollover_checks, roth_checks, status_checks
from taxdocs.checks.basis_checks import PriorYear
from taxdocs.checks.catalogue import sort_findings
from taxdocs.checks.context import Ctx
from taxdocs.checks.finding import SEVERITIES, Finding

EXIT_OK, EXIT_ERRORS, EXIT_BAD_INPUT = 0, 1, 2


def check(res, filed_sets: Optional[list[filed.FiledSet]] = None,
          prior: Optional[dict[str, PriorYear]] = None) -> list[Finding]:
    """All findings for a computed result.

    filed_sets: filed figures to compare beyond the scenario's own `filed:` section (e.g. a PDF);
    a set for a Form 8606 person replaces the scenario's lines for that person.
    prior: last year's Form 8606 line 14 per person ("taxpayer"/"spouse"), for BASIS_CHAIN.
    """
    ctx = Ctx(res)
    res.lines()
    found: list[Finding] = []
    found += box_checks.check(ctx)
    found += basis_checks.check(ctx, prior)
    found += rollover_checks.check(ctx)
    found += roth_checks.check(ctx)
    found += status_checks.check(ctx)
    sets = filed.from_scenario(res.scenario)
    if filed_sets:
        replaced = {(s.form, s.who) for s in filed_sets}
        sets = [s for s in sets if (s.form, s.who) not in replaced] + list(filed_sets)
    found += filed.compare(ctx, sets)
    found += filed.form_8606_not_given(ctx, sets)
    found += filed.compare_notations(ctx)
    return sort_findings(_dedupe(found))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.code, f.record, f.field, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def counts(findings: list[Finding]) -> dict[str, int]:
    out = {s: 0 for s in SEVERITIES}
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


def exit_status(findings: list[Finding], usable: bool = True) -> int:
    """0 no error findings, 1 error findings, 2 unusable input."""
    if not usable:
        return EXIT_BAD_INPUT
    return EXIT_ERRORS if any(f.severity == "error" for f in findings) else EXIT_OK


def summary(findings: list[Finding], usable: bool = True) -> dict:
    c = counts(findings)
    return {**c, "total": len(findings), "input_usable": usable, "exit_status": exit_status(findings, usable)}
