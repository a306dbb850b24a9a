"""A return's row in summary.csv: built and formatted in the worker, so the batch's parent only
strings the rows together in input order."""
from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

import orjson

SEVERITIES = ("error", "warning", "info")

ROW_LINES = {
    "f1040_4a": "f1040.line4a", "f1040_4b": "f1040.line4b", "f1040_5a": "f1040.line5a",
    "f1040_5b": "f1040.line5b", "f1040_25b": "f1040.line25b", "additional_tax": "f1040.schedule2_line8",
    "tax_difference": "tax.difference",
    "basis_next_year_taxpayer": "f8606.taxpayer.basis_next_year", "basis_next_year_spouse": "f8606.spouse.basis_next_year",
}


def _num(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else str(v)
    return v


def summary_row(rec: Any, res: Any, lines: dict, findings: list, pdfs: list[str]) -> dict:
    sc = res.scenario
    counts = {s: 0 for s in SEVERITIES}
    codes: dict[str, list] = {}
    for f in findings:
        sev = getattr(f, "severity", "info")
        counts[sev] = counts.get(sev, 0) + 1
        c = codes.setdefault(getattr(f, "code", "?"), [sev, 0])
        c[1] += 1
    row = {"id": rec.id, "source": rec.source, "status": "", "tax_year": sc.tax_year,
           "filing_status": sc.filing_status.value, "taxpayer": sc.taxpayer.name, "forms": len(sc.forms_1099r)}
    for col, key in ROW_LINES.items():
        row[col] = _num(lines.get(key))
    row["f8606_required"] = " ".join(f.key for f in res.forms_8606() if lines.get(f"f8606.{f.key}.required"))
    row["f8606_pdf"] = " ".join(pdfs)
    row.update({"errors": counts["error"], "warnings": counts["warning"], "info": counts["info"]})
    row["codes"] = codes
    row["reason"] = ""
    return row


def error_row(error: dict) -> dict:
    """The summary row of a record in error (a bad record or a duplicate id), from its errors.jsonl entry."""
    return {"id": error["id"], "source": error["source"], "status": "error", "reason": error["reason"],
            "field": error.get("field", ""), "tax_year": error.get("tax_year")}


CSV_COLUMNS = (["id", "source", "status", "tax_year", "filing_status", "taxpayer", "forms"] + list(ROW_LINES)
               + ["f8606_required", "f8606_pdf", "errors", "warnings", "info", "codes", "reason"])


def codes_text(codes: Any) -> str:
    return " ".join(sorted(codes)) if isinstance(codes, dict) else str(codes or "")


class _Line:
    """csv.writer's target: keeps the line written."""
    __slots__ = ("text",)

    def write(self, s: str) -> None:
        self.text = s


_CODES = CSV_COLUMNS.index("codes")
_TEXT = [CSV_COLUMNS.index(k) for k in ("id", "source", "taxpayer", "reason")]  # what the input can make start with =
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_line(row: dict) -> str:
    """The row as one line of summary.csv (newline included). A text cell that a spreadsheet would run as a formula
    (=, +, -, @ first: a name typed as =HYPERLINK(...)) is written with a ' before it (OWASP CSV injection)."""
    cells = ["" if (v := row.get(k)) is None else v for k in CSV_COLUMNS]
    cells[_CODES] = codes_text(row.get("codes"))
    for i in _TEXT:
        if isinstance(cells[i], str) and cells[i].startswith(_FORMULA):
            cells[i] = "'" + cells[i]
    out = _Line()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.text


def header_line() -> str:
    out = _Line()
    csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
    return out.text


def row_json(row: dict) -> str:
    """The row as the resume state keeps it (state.State.finish; a TypeError, such as an integer beyond
    64 bits, leaves it to the state's own writer)."""
    return orjson.dumps(row, default=str).decode()
