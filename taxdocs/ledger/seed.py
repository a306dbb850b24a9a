"""Start a client's ledger from a prior year done elsewhere: its filled Form 8606 (PDF), plus
what the form does not show, given by hand.

From the form (read with taxdocs.documents.readback.read_8606):
- line 14 -> traditional IRA basis carried (rules.md §4.3 line 14); required unless given by hand;
- line 6  -> year-end value;
- lines 16 and 18 -> that year's conversion layer (amount, taxable part);
- lines 22 and 19 -> Roth contribution basis left = line 22 - line 19, not below 0 (the i8606
  "Basis in Regular Roth IRA Contributions" worksheet, steps 2-4; rules.md §4.3 line 22).
By hand: earlier conversion layers, the first Roth year, rollover dates, or any figure above.
Figures the form cannot give and nobody gave are recorded as assumptions ("provisional"), and
`fill_from_ledger` warns when it uses them.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from taxdocs.core.money import ZERO
from taxdocs.ledger.store import CarryFacts, LedgerError


def parse_layer(text: str) -> dict:
    """'2023:20000:15000' or '2023:20000:15000:2000' -> {year, amount, taxable, distributed}."""
    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise LedgerError(f"--conversion {text!r}: use YEAR:AMOUNT:TAXABLE[:DISTRIBUTED]")
    try:
        year = int(parts[0])
        vals = [Decimal(p.replace(",", "")) for p in parts[1:]]
    except (ValueError, ArithmeticError):
        raise LedgerError(f"--conversion {text!r}: use YEAR:AMOUNT:TAXABLE[:DISTRIBUTED] with numbers") from None
    amount, taxable = vals[0], vals[1]
    distributed = vals[2] if len(vals) == 3 else ZERO
    if min(amount, taxable, distributed) < 0 or taxable > amount or distributed > amount:
        raise LedgerError(f"--conversion {text!r}: need 0 <= taxable <= amount and 0 <= distributed <= amount")
    return {"year": year, "amount": amount, "taxable": taxable, "distributed": distributed}


def facts_from_8606(read: Optional[dict[str, Any]], tax_year: int, *, ira_basis: Optional[Decimal] = None,
                    roth_basis: Optional[Decimal] = None, roth_first_year: Optional[int] = None,
                    layers: tuple[dict, ...] = (), rollovers: tuple[date, ...] = (),
                    year_end_value: Optional[Decimal] = None, deductions_after_70_half: Optional[Decimal] = None,
                    qcd_reductions: Optional[Decimal] = None) -> CarryFacts:
    """CarryFacts for `tax_year` from a read-back Form 8606 (or None) and figures given by hand."""
    lines: dict[str, Decimal] = dict((read or {}).get("lines") or {})
    notes: list[str] = [f"seeded from {'a filled Form 8606' if read else 'figures given by hand'}"
                        + (f" (revision {read.get('revision')})" if read and read.get("revision") else "")]
    provisional: list[str] = []
    if ira_basis is None:
        if "14" not in lines:
            raise LedgerError("the Form 8606 has no line 14 (traditional IRA basis): give it with --ira-basis "
                              "(0 if there is none)")
        ira_basis = lines["14"]
    if year_end_value is None:
        year_end_value = lines.get("6")
    out_layers = [dict(l) for l in layers]
    if "16" in lines and lines["16"] > 0 and not any(l["year"] == tax_year for l in out_layers):
        if any(l["year"] == tax_year + 1 for l in out_layers):
            # line 16 holds the year's conversions, a January deposit's among them (IRC §408A(d)(3)(F)(i)(II)): which
            # part of it the next year's layer is (a conversion, or a plan rollover, not on line 16) is not on the form
            raise LedgerError(f"a {tax_year + 1} layer was given and line 16 shows {tax_year} conversions: give the "
                              f"{tax_year} layer too (--conversion {tax_year}:AMOUNT:TAXABLE), the part of line 16 "
                              f"deposited in {tax_year}, so that a January deposit is not counted twice")
        taxable = lines.get("18", ZERO)
        out_layers.append({"year": tax_year, "amount": lines["16"], "taxable": taxable, "distributed": ZERO})
        notes.append(f"{tax_year} conversion layer from lines 16 and 18")
    if roth_basis is None:
        if "22" in lines:
            roth_basis = max(lines["22"] - lines.get("19", ZERO), ZERO)
            notes.append("Roth contribution basis = line 22 - line 19")
            if lines.get("23", ZERO) > 0:
                notes.append("the year's Roth distributions reached conversions (line 23 > 0): give each "
                             "layer's distributed part with --conversion")
                if not layers:
                    provisional.append("conversion_layers")
        else:
            roth_basis = ZERO
            provisional.append("roth_contribution_basis")
            notes.append("Roth contribution basis not on the form and not given: taken as 0")
    if roth_first_year is None and (out_layers or roth_basis > 0):
        roth_first_year = min([l["year"] for l in out_layers] or [tax_year])
        provisional.append("roth_first_year")
        notes.append(f"first Roth year not given: taken as {roth_first_year} (an earlier Roth IRA would start the "
                     "5-year period sooner)")
    return CarryFacts(ira_basis=Decimal(ira_basis), roth_contribution_basis=Decimal(roth_basis),
                      conversion_layers=sorted(out_layers, key=lambda l: l["year"]), roth_first_year=roth_first_year,
                      ira_rollover_dates=sorted(set(rollovers)),
                      year_end_value=None if year_end_value is None else Decimal(year_end_value),
                      f8606={k: Decimal(v) for k, v in lines.items()}, notes=notes, provisional=provisional,
                      # the QCD offset totals through this year (IRC §408(d)(8)(A); Pub. 590-B QCD Adjustment
                      # Worksheet); not on Form 8606, so given by hand; blank: not recorded
                      deductions_after_70_half=deductions_after_70_half, qcd_reductions=qcd_reductions)


# where each figure of a seed comes from (for the messages)
OPTIONS = {"tax_year": "--year", "client_id": "the client id", "name": "--name", "ira_basis": "--ira-basis",
           "roth_contribution_basis": "--roth-basis", "roth_first_year": "--roth-first-year",
           "conversion_layers": "--conversion", "ira_rollover_dates": "--rollover",
           "year_end_value": "--year-end-value", "deductions_after_70_half": "--deductions-after-70-half",
           "qcd_reductions": "--qcd-reductions", "f8606": "--f8606"}


def check(facts: CarryFacts, tax_year: int, client_id: Optional[str] = None, name: Optional[str] = None) -> None:
    """The seed's figures as a scenario's or an import's (taxdocs.ledger.validate); a LedgerError naming each option
    (or the form's line) and the rule, before anything is written."""
    from taxdocs.ledger import validate
    try:
        d = facts.as_dict()
    except (TypeError, ValueError) as e:
        raise LedgerError(f"seed: {e}") from None
    problems = validate.seed_problems(d, tax_year, client_id, name)
    if problems:
        raise LedgerError("\n".join(f"seed: {p} ({OPTIONS.get(p.split('.')[0].split('[')[0], 'the form')}): {r}"
                                    for p, r in problems) + "\nNothing was written.")


def read_pdf(path: Path) -> dict[str, Any]:
    """The filled Form 8606 through the documents reader (imported here, only when seeding)."""
    if not Path(path).is_file():
        raise LedgerError(f"{path}: file not found")
    try:
        from taxdocs.documents.readback import read_8606
    except ImportError as e:  # pragma: no cover - the documents package is part of taxdocs
        raise LedgerError(f"cannot read Form 8606 PDFs here ({e})") from None
    try:
        return read_8606(Path(path))
    except Exception as e:  # ReadbackError, pikepdf errors: say which file, never a traceback
        raise LedgerError(f"{path}: cannot read it as a filled Form 8606 ({type(e).__name__}: {e})") from None
