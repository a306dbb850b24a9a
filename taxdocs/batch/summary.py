"""Per-batch outputs: errors.jsonl, summary.csv, summary.html, tally.json.

All streamed from the state database (memory stays flat) and written atomically.
"""
from __future__ import annotations

import csv
import heapq
import html
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

from taxdocs.batch.worker import FILE_MODE, ROW_LINES

CSV_COLUMNS = (["id", "source", "status", "tax_year", "filing_status", "taxpayer", "forms"] + list(ROW_LINES)
               + ["f8606_required", "f8606_pdf", "errors", "warnings", "info", "codes", "reason"])
TOP_FINDINGS = 20
TOP_RETURNS = 100


class _AtomicText:
    """Write a text file through a temp file + os.replace (0o600)."""

    def __init__(self, path: Path):
        self.path = path
        fd, self.tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(fd, FILE_MODE)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def __enter__(self) -> io.TextIOBase:
        return self.fh

    def __exit__(self, exc_type, *_: Any) -> None:
        self.fh.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)


def write_errors(path: Path, errors: Iterator[dict]) -> int:
    n = 0
    with _AtomicText(path) as fh:
        for e in errors:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
            n += 1
    return n


def _codes_text(codes: dict) -> str:
    return " ".join(sorted(codes)) if isinstance(codes, dict) else str(codes or "")


def write_csv(path: Path, rows: Iterator[dict]) -> None:
    codes_col = CSV_COLUMNS.index("codes")
    with _AtomicText(path) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for r in rows:
            cells = ["" if (v := r.get(k)) is None else v for k in CSV_COLUMNS]
            cells[codes_col] = _codes_text(r.get("codes"))
            w.writerow(cells)


class Digest:
    """What summary.html shows, gathered in one pass over the rows (`feed` passes them on, e.g. to write_csv)."""

    def __init__(self) -> None:
        self.codes: Counter = Counter()
        self.returns_with: Counter = Counter()
        self.severity: dict[str, str] = {}
        self.attention: list = []   # min-heap of (score, n, row)
        self.errors: list[dict] = []
        self.sums: Counter = Counter()
        self.n = 0

    def add(self, r: dict) -> None:
        n = self.n
        self.n += 1
        if r.get("status") == "error":
            if len(self.errors) < TOP_RETURNS:
                self.errors.append(r)
            return
        for code, (sev, cnt) in (r.get("codes") or {}).items():
            self.codes[code] += cnt
            self.returns_with[code] += 1
            self.severity[code] = sev
        for k in ("f1040_4b", "f1040_5b", "additional_tax"):
            v = r.get(k)
            if isinstance(v, int):
                self.sums[k] += v
        if r.get("errors") or r.get("warnings"):
            score = (r.get("errors", 0), r.get("warnings", 0), -n)
            item = (score, n, r)
            if len(self.attention) < TOP_RETURNS:
                heapq.heappush(self.attention, item)
            elif score > self.attention[0][0]:
                heapq.heapreplace(self.attention, item)

    def feed(self, rows: Iterator[dict]) -> Iterator[dict]:
        for r in rows:
            self.add(r)
            yield r


def write_html(path: Path, rows: Iterator[dict] | Digest, tally: dict, title: str) -> None:
    """Totals, the findings most often raised, and the returns needing attention first."""
    if isinstance(rows, Digest):
        d = rows
    else:
        d = Digest()
        for r in rows:
            d.add(r)
    codes, returns_with, severity, errors, sums = d.codes, d.returns_with, d.severity, d.errors, d.sums
    attention = [it[2] for it in sorted(d.attention, key=lambda it: it[0], reverse=True)]
    e = html.escape

    def table(head: list[str], body: list[list[Any]]) -> str:
        th = "".join(f"<th>{e(h)}</th>" for h in head)
        trs = "".join("<tr>" + "".join(f"<td>{e('' if c is None else str(c))}</td>" for c in row) + "</tr>" for row in body)
        return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"

    def money(v: Any) -> str:
        return f"{v:,}" if isinstance(v, int) else ("" if v is None else str(v))

    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{e(title)}</title><style>"
             "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}"
             "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}"
             ".n{font-size:1.6em;font-weight:bold}.box{display:inline-block;margin-right:2em}"
             ".error{color:#b00}.warning{color:#a60}</style></head><body>",
             f"<h1>{e(title)}</h1>",
             "<h2>Totals</h2><div>"]
    for label, key in (("returns in the input", "total"), ("done", "done"), ("with findings", "findings"),
                       ("errors", "error")):
        parts.append(f"<div class=box><div class=n>{tally.get(key, 0):,}</div>{e(label)}</div>")
    parts.append("</div>")
    parts.append(f"<p>done + findings + error = {tally.get('done', 0) + tally.get('findings', 0) + tally.get('error', 0):,}"
                 f" of {tally.get('total', 0):,} input records"
                 f"{' ✔' if tally.get('ok') else ' ✘ (does not add up: see tally.json)'}. "
                 f"Processed this run: {tally.get('processed', 0):,}; unchanged since the last run: "
                 f"{tally.get('unchanged', 0):,}.</p>")
    parts.append(table(["", "total"], [["Form 1040 line 4b (taxable IRA)", money(sums["f1040_4b"])],
                                       ["Form 1040 line 5b (taxable pensions)", money(sums["f1040_5b"])],
                                       ["10% additional tax (Schedule 2 line 8)", money(sums["additional_tax"])]]))
    parts.append("<h2>Findings most often raised</h2>")
    if codes:
        parts.append(table(["finding", "severity", "times", "returns"],
                           [[c, severity[c], n, returns_with[c]] for c, n in codes.most_common(TOP_FINDINGS)]))
    else:
        parts.append("<p>No findings.</p>")
    parts.append(f"<h2>Returns needing attention first</h2><p>Most errors, then most warnings "
                 f"(first {TOP_RETURNS}); every return is in summary.csv.</p>")
    if attention:
        parts.append(table(["id", "source", "errors", "warnings", "findings", "line 4b", "line 5b"],
                           [[r["id"], r.get("source"), r.get("errors"), r.get("warnings"), _codes_text(r.get("codes")),
                             money(r.get("f1040_4b")), money(r.get("f1040_5b"))] for r in attention]))
    else:
        parts.append("<p>None.</p>")
    parts.append(f"<h2>Records in error</h2><p>{tally.get('error', 0):,} record(s); every one is in errors.jsonl "
                 f"with the file, line or row, the field and the reason.</p>")
    if errors:
        parts.append(table(["id", "source", "field", "reason"],
                           [[r["id"], r.get("source"), r.get("field", ""), r.get("reason")] for r in errors]))
    parts.append("</body></html>\n")
    with _AtomicText(path) as fh:
        fh.write("".join(parts))


def write_tally(path: Path, tally: dict) -> None:
    with _AtomicText(path) as fh:
        fh.write(json.dumps(tally, indent=2) + "\n")
