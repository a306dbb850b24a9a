"""One record -> its outputs. Runs in the worker processes (local pool or Dask).

`process(record, ctx)` never raises: a bad input, a failure in the engine, the checks
or a form fill all become an "error" outcome with a one-line reason (no traceback, no
full SSN). It is a pure function of (record, ctx), which is why the local and the
Dask engines give byte-identical outputs.

Outcome (a plain dict, cheap to pickle):
    id, digest, source, status ("done" | "findings" | "error"),
    outputs  [file names under OUTDIR/returns],
    files    {name: bytes} when the caller writes (Dask), else None (written here),
    row      the summary.csv row (for summary.html), csv: the same as a line of summary.csv,
    error    the errors.jsonl entry (status "error" only).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Optional

from taxdocs.batch.reader import Record, scrub
from taxdocs.batch.rows import csv_line, error_row, row_json, summary_row
from taxdocs.core.files import write_file as _write

RETURNS_DIR = "returns"
ATTENTION = ("error", "warning")     # a return with one of these is in the "findings" bucket
FILE_MODE = 0o600


@dataclass
class Context:
    """What every worker needs, shipped once per worker (pool initializer / Dask scatter)."""
    documents: bool = False
    blanks: dict[int, str] = field(default_factory=dict)     # tax year -> sha256 of the 8606 blank
    blank_bytes: dict[str, bytes] = field(default_factory=dict)  # sha256 -> blank PDF bytes
    mapped: set = field(default_factory=set)  # tax years whose Form 8606 revision has a field map
    ledger: Optional[str] = None
    commit: bool = False
    amend: bool = False               # --commit --amend: a changed year becomes a new ledger version
    outdir: Optional[str] = None      # set: the worker writes the files itself (local engine)
    checks: bool = True


# --- files ------------------------------------------------------------------------------

def write_atomic(directory: Path, name: str, data: bytes) -> None:
    """core.files.write_atomic (0o600): a reader (or a rerun after SIGKILL) sees the old file or
    the new one, never half of one."""
    _write(os.path.join(directory, name), data, FILE_MODE, fsync=False)


def write_outputs(outdir: str | Path, files: dict[str, bytes]) -> None:
    d = os.path.join(outdir, RETURNS_DIR)
    for name, data in files.items():
        write_atomic(d, name, data)


# --- optional modules (written by others; the batch degrades without them) -----------------

_MOD: dict[str, Any] = {}


def _optional(name: str, attr: str) -> Any:
    key = f"{name}:{attr}"
    if key not in _MOD:
        try:
            import importlib
            _MOD[key] = getattr(importlib.import_module(name), attr)
        except (ImportError, AttributeError):
            _MOD[key] = None
    return _MOD[key]


def checks_available() -> bool:
    """Without importing it (0.35 s that the batch's parent process does not need)."""
    if "taxdocs.checks.run:check" in _MOD:
        return _MOD["taxdocs.checks.run:check"] is not None
    import importlib.util
    try:
        return importlib.util.find_spec("taxdocs.checks.run") is not None
    except ImportError:
        return False


def documents_available() -> bool:
    return _optional("taxdocs.documents.render", "render") is not None


def warm_up() -> None:
    """Import what a return needs and load the tables (params, codes, findings catalogue) once,
    before the first record, so a worker's first chunk is not slower and the loaded tables can be
    frozen out of the GC's sight (engines._init)."""
    import taxdocs.output  # noqa: F401
    import taxdocs.rules.engine  # noqa: F401
    from taxdocs.model.load import from_data  # noqa: F401
    from taxdocs.params import available_years, codes, general, load_year
    general(), codes()
    for year in available_years():
        load_year(year)
    if checks_available():
        from taxdocs.checks.catalogue import catalogue
        catalogue()


_STORE: dict[str, Any] = {}


def _ledger_store(url: str) -> Any:
    if url not in _STORE:
        open_store = _optional("taxdocs.ledger.store", "open_store")
        if open_store is None:
            raise RuntimeError("the ledger (taxdocs.ledger.store) is not installed")
        _STORE[url] = open_store(url)
    return _STORE[url]


# --- Form 8606 ------------------------------------------------------------------------------

_FILLERS: dict[str, Any] = {}


def _filler(ctx: Context, year: int) -> Any:
    sha = ctx.blanks.get(year)
    if sha is None:
        return None
    f = _FILLERS.get(sha)
    if f is None:
        from taxdocs.documents.fastfill import FastFiller
        from taxdocs.documents.fieldmaps import load_map
        f = _FILLERS[sha] = FastFiller(ctx.blank_bytes[sha], load_map("f8606", year))
    return f


def f8606_values(lines: dict, who: str) -> dict[str, Any]:
    """Computed Form 8606 lines -> fill values: whole dollars (i8606: round to whole
    dollars, 50 cents up), line 10 as the 3-place ratio; blank lines stay blank."""
    from taxdocs.documents.fill import LINES_8606
    out: dict[str, Any] = {}
    for k in LINES_8606:
        v = lines.get(f"f8606.{who}.line{k}")
        if v is None:
            continue
        v = Decimal(v)
        out[k] = v if k == "10" else v.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return out


def fill_8606(ctx: Context, res: Any, lines: dict) -> dict[str, bytes]:
    """{file name: PDF} for each person who must file Form 8606, when the blank is there."""
    filler = _filler(ctx, res.scenario.tax_year)
    if filler is None:
        return {}
    from taxdocs.documents.fill import prepare_8606
    out = {}
    for form in res.forms_8606():
        if not lines.get(f"f8606.{form.key}.required"):
            continue
        person = res.scenario.person(form.who)
        fields = prepare_8606(filler.fmap, f8606_values(lines, form.key), {"name": person.name, "ssn": person.ssn})
        out[f"f8606{'' if form.key == 'taxpayer' else '-' + form.slug}.pdf"] = filler.fill(fields)
    return out


def render_documents(res: Any, findings: list, lines: dict, official: bool) -> dict[str, bytes]:
    render = _optional("taxdocs.documents.render", "render")
    if render is None:
        raise RuntimeError("--documents needs taxdocs.documents.render, which is not installed")
    out = {"summary.pdf": render("summary", res, findings), "findings.pdf": render("findings", res, findings)}
    if not official and any(lines.get(f"f8606.{f.key}.required") for f in res.forms_8606()):
        out["f8606-facsimile.pdf"] = render("f8606_facsimile", res, findings)
    return out


# --- the record -------------------------------------------------------------------------------

def _problem(rec: Record, p: Any) -> dict:
    loc = rec.locate(p.path)
    reason = scrub(p.message)
    if p.path.endswith("ssn") and "(got" in reason:
        reason = reason[:reason.index("(got")].rstrip()  # never echo what was typed in an SSN field
    if p.record and p.record not in reason:
        reason = f"1099-R {p.record}: {reason}"
    if p.rule:
        reason += f" ({p.rule})"
    return {**loc, "field": p.path, "reason": reason}


def _error(rec: Record, kind: str, problems: list[dict]) -> dict:
    """errors.jsonl entry: the record (id, source) and where its first problem is
    (file, line or row, column, field) with the reason; all problems in `problems`."""
    first = problems[0] if problems else {"field": "", "reason": "unknown problem"}
    loc = {k: first[k] for k in ("file", "line", "row", "column") if first.get(k) is not None}
    year = rec.data.get("tax_year") if isinstance(rec.data, dict) else None
    return {"id": rec.id, "kind": kind, "source": rec.source, **(loc or rec.where()),
            "field": first.get("field", ""), "reason": first["reason"], "problems": problems,
            # the year tells a client's other tax year from a duplicate id on a rerun (runner._other_year_id)
            **({"tax_year": year} if isinstance(year, int) and not isinstance(year, bool) else {})}


_SQL = re.compile(r"\[SQL:|\[parameters:|\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WHERE|VALUES)\b")
_DB_MODULES = ("sqlite3", "sqlalchemy", "psycopg", "psycopg2", "pymysql", "MySQLdb", "asyncpg")


def one_line(text: str, *, first_only: bool = True, limit: int = 300) -> str:
    """Exception text as errors.jsonl may hold it: one line (the first, or all joined), at most `limit`
    characters, SSNs masked, never SQL (a database error's statement and parameters)."""
    lines = [x.strip() for x in str(text).splitlines() if x.strip()]
    line = (lines[0] if first_only else " ".join(lines)) if lines else ""
    if _SQL.search(line):
        return "details withheld (they quote the database)"
    line = scrub(line)
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _is_db_error(e: BaseException) -> bool:
    return any(c.__module__.split(".")[0] in _DB_MODULES for c in type(e).__mro__)


def _internal(rec: Record, stage: str, e: BaseException) -> dict:
    msg = one_line(str(e))
    if _is_db_error(e):
        msg = "a database error" + (f": {msg}" if msg else "")
    reason = f"internal error: {type(e).__name__}" + (f": {msg}" if msg else "") + f" (while {stage})"
    return _error(rec, "internal", [{**rec.where(), "field": "", "reason": reason}])


def process(rec: Record, ctx: Context, digest: str = "") -> dict:
    out: dict[str, Any] = {"id": rec.id, "digest": digest, "source": rec.source, "outputs": [],
                           "files": None, "error": None}
    files: dict[str, bytes] = {}
    error: dict | None = None
    row: dict | None = None
    try:
        error, files, row = _run(rec, ctx)
    except BaseException as e:  # noqa: BLE001 - one record never stops the batch
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        error, files = _internal(rec, "processing", e), {}
    if error is not None:
        out["status"] = "error"
        out["error"] = error
        out["row"] = {**(row or {}), **error_row(error)}
    else:
        assert row is not None
        attention = row["errors"] + row["warnings"]
        out["status"] = row["status"] = "findings" if attention else "done"
        out["row"] = row
    named = {f"{rec.id}.{name}": data for name, data in files.items()}
    out["outputs"] = sorted(named)
    if ctx.outdir is not None:
        try:
            write_outputs(ctx.outdir, named)
        except OSError as e:
            err = _internal(rec, "writing the outputs", e)
            return {**out, "status": "error", "error": err, "outputs": [], "row": error_row(err), "csv": None}
    else:
        out["files"] = named
    try:  # summary.csv's line and the row as the state keeps it, made here (in parallel)
        out["csv"] = csv_line(out["row"])
        out["row_json"] = row_json(out["row"])
    except Exception:  # noqa: BLE001 - the batch's parent makes them from the row
        out["csv"] = out["row_json"] = None
    return out


_ENGINE: tuple = ()


def _engine() -> tuple:
    """The engine's entry points, imported on first use (the batch's parent process never needs them)."""
    global _ENGINE
    if not _ENGINE:
        from taxdocs.errors import InputError, TaxdocsError
        from taxdocs.model.load import from_data
        from taxdocs.output import dumps_bytes, result_dict
        from taxdocs.rules.engine import compute
        _ENGINE = (InputError, TaxdocsError, from_data, dumps_bytes, result_dict, compute)
    return _ENGINE


def _run(rec: Record, ctx: Context) -> tuple[dict | None, dict[str, bytes], dict | None]:
    InputError, TaxdocsError, from_data, dumps_bytes, result_dict, compute = _engine()
    rec.load()
    if rec.problems or rec.data is None:
        return _error(rec, "input", rec.problems or [{**rec.where(), "field": "", "reason": "no data"}]), {}, None
    try:
        sc = from_data(rec.data, rec.source)
    except InputError as e:
        return _error(rec, "input", [_problem(rec, p) for p in e.problems]), {}, None
    stage = "reading the ledger"
    findings: list = []
    res = None
    try:
        original = sc
        if ctx.ledger:
            fill = _optional("taxdocs.ledger.carry", "fill_from_ledger")
            if fill is None:
                raise RuntimeError("the ledger (taxdocs.ledger.carry) is not installed")
            sc, ledger_findings = fill(sc, _ledger_store(ctx.ledger))
            findings += list(ledger_findings)
        stage = "computing"
        res = compute(sc, rec.source)
        lines = res.lines()  # evaluated once; Result.lines() returns the same values to the checks
        stage = "checking"
        check = _optional("taxdocs.checks.run", "check") if ctx.checks else None
        if check is not None:
            findings += list(check(res))
        stage = "writing the JSON"
        files: dict[str, bytes] = {"json": dumps_bytes(result_dict(res, findings), compact=True) + b"\n"}
        stage = "filling Form 8606"
        pdfs = fill_8606(ctx, res, lines)
        files.update(pdfs)
        if ctx.documents:
            stage = "rendering the documents"
            files.update(render_documents(res, findings, lines, official=bool(pdfs)))
        if ctx.ledger and ctx.commit:
            stage = "committing to the ledger"
            _ledger_store(ctx.ledger).commit(original, source=rec.source, amend=ctx.amend)
        stage = "writing the summary row"
        row = summary_row(rec, res, lines, findings, [f"{rec.id}.{n}" for n in pdfs])
    except InputError as e:  # e.g. the ledger contradicts the input
        return _error(rec, "input", [_problem(rec, p) for p in e.problems]), {}, None
    except TaxdocsError as e:  # the ledger refuses (needs --amend, conflict...): a clear message of its own
        return _error(rec, "ledger" if ctx.ledger else "input",
                      [{**rec.where(), "field": "", "reason": one_line(str(e), first_only=False, limit=600)
                        + f" (while {stage})"}]), {}, None
    except Exception as e:  # noqa: BLE001
        return _internal(rec, stage, e), {}, None
    finally:
        if res is not None:
            res.release()  # the lines close over the result: free it now, not at the next GC pass
    return None, files, row
