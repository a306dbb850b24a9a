"""Per-batch outputs: errors.jsonl, summary.csv, summary.html, tally.json.

errors.jsonl and summary.csv are streamed from the state database (summary.csv from the lines the
workers formatted); summary.html from a `Digest` the runner fills as rows arrive (bounded: the top
findings and the first records needing attention). Memory stays flat; files are written atomically.
"""
from __future__ import annotations

import heapq
import html
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

from taxdocs.batch.rows import codes_text as _codes_text, header_line
from taxdocs.batch.worker import FILE_MODE
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


def write_csv(path: Path, lines: Iterator[str]) -> None:
    """summary.csv from its lines (rows.csv_line), in input order."""
    with _AtomicText(path) as fh:
        fh.write(header_line())
        for line in lines:
            fh.write(line)


class Digest:
    """What summary.html shows, gathered row by row in any order: `n` is the row's place in the input."""

    def __init__(self) -> None:
        self.codes: Counter = Counter()
        self.returns_with: Counter = Counter()
        self.severity: dict[str, str] = {}
        self.attention: list = []   # min-heap of (score, n, row)
        self.errors: list = []      # max-heap of (-n, row): the first TOP_RETURNS records in error
        self.sums: Counter = Counter()
        self.first: dict[str, int] = {}  # code -> first row raising it (ties in the top list)

    def top_codes(self) -> list[str]:
        """The findings raised most often; a tie goes to the one raised first in the input."""
        return sorted(self.codes, key=lambda c: (-self.codes[c], self.first[c]))[:TOP_FINDINGS]

    def add(self, r: dict, n: int) -> None:
        if r.get("status") == "error":
            if len(self.errors) < TOP_RETURNS:
                heapq.heappush(self.errors, (-n, r))
            elif -n > self.errors[0][0]:
                heapq.heapreplace(self.errors, (-n, r))
            return
        for code, (sev, cnt) in (r.get("codes") or {}).items():
            if n < self.first.get(code, n + 1):
                self.first[code] = n
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


def write_html(path: Path, d: Digest, tally: dict, title: str) -> None:
    """Totals, the findings most often raised, and the returns needing attention first."""
    codes, returns_with, severity, sums = d.codes, d.returns_with, d.severity, d.sums
    errors = [r for _, r in sorted(d.errors, key=lambda it: -it[0])]
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
             ".error{color:#b00}.warning{color:#a60}"
             # printed (or saved as PDF): tables fit the page width, long ids and paths wrap
             "@media print{body{margin:0;font-size:9pt}table{width:100%;table-layout:fixed}"
             "td,th{overflow-wrap:anywhere;padding:2px 4px}}@page{size:letter;margin:12mm}"
             "</style></head><body>",
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
                           [[c, severity[c], codes[c], returns_with[c]] for c in d.top_codes()]))
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
