"""run_batch: read the input, skip what is unchanged, process the rest on an engine,
write the per-batch files and prove that every record landed in exactly one bucket.

OUTDIR layout:
    returns/<id>.json              result_dict with findings (same as `taxdocs compute --json`)
    returns/<id>.f8606.pdf         official Form 8606, filled (taxpayer; -spouse for the spouse)
    returns/<id>.summary.pdf ...   rendered documents (--documents)
    errors.jsonl                   one line per record in error
    summary.csv, summary.html      one row per input record; totals, top findings, attention list
    tally.json                     the final counts
    .taxdocs-batch/                resume state (SQLite) and lock
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any, Iterator, Optional

import orjson

from taxdocs.batch import summary
from taxdocs.batch.engines import DaskEngine, LocalEngine, default_workers
from taxdocs.batch.progress import Progress
from taxdocs.batch.reader import Record, open_input, safe_id
from taxdocs.batch.rows import error_row
from taxdocs.batch.state import State, outputs_exist
from taxdocs.batch.worker import (RETURNS_DIR, Context, checks_available,
                                  one_line, write_outputs)
from taxdocs.documents.output_files import ensure_dir as private_dirs
from taxdocs.errors import TaxdocsError

PKG = Path(__file__).resolve().parents[1]
# What shapes the outputs: a change here redoes every record on the next run.
FINGERPRINT_PARTS = ("model", "rules", "core", "params", "checks", "documents", "ledger", "output.py",
                     "batch/worker.py", "batch/rows.py", "batch/reader.py", "batch/pdf1099r.py")


@dataclass
class Tally:
    total: int = 0          # records read from the input
    done: int = 0
    findings: int = 0
    error: int = 0
    processed: int = 0      # computed in this run
    unchanged: int = 0      # skipped: same input as the last run, outputs present
    duplicates: int = 0     # included in error
    pending: int = 0        # must be 0 when the run ends normally
    earlier: int = 0        # records of earlier runs not in this input (outputs kept)
    seconds: float = 0.0
    engine: str = ""
    outdir: str = ""

    @property
    def ok(self) -> bool:
        return self.pending == 0 and self.done + self.findings + self.error == self.total

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}

    def text(self) -> str:
        check = "✔" if self.ok else "✘ DOES NOT ADD UP"
        s = (f"{self.total:,} records: done {self.done:,} + findings {self.findings:,} + error {self.error:,} "
             f"= {self.done + self.findings + self.error:,} {check}")
        s += f"  (processed {self.processed:,}, unchanged {self.unchanged:,}"
        if self.duplicates:
            s += f", duplicate ids {self.duplicates:,}"
        rate = self.processed / self.seconds if self.seconds else 0
        return s + f"; {self.seconds:.1f}s, {rate:,.0f} returns/s)"


def code_fingerprint() -> str:
    h = hashlib.sha256()
    for part in FINGERPRINT_PARTS:
        p = PKG / part
        files = [p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file() and x.suffix in (".py", ".yaml", ".json", ".html", ".css"))
        for f in files:
            h.update(str(f.relative_to(PKG)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def make_context(documents: bool, forms_dir: Optional[str], ledger: Optional[str], commit: bool,
                 checks: bool = True, amend: bool = False) -> Context:
    """Find the official Form 8606 blanks (each revision's verified PDF) once, for every worker."""
    ctx = Context(documents=documents, ledger=ledger, commit=commit, checks=checks, amend=amend)
    try:
        from taxdocs.documents.blanks import BlankFormError, find_blank
        from taxdocs.documents.fieldmaps import all_maps
    except ImportError:  # pragma: no cover - documents package missing
        return ctx
    for fmap in all_maps("f8606"):
        ctx.mapped.update(fmap.tax_years)
        for year in fmap.tax_years:
            try:
                p = find_blank("f8606", year, forms_dir)
            except BlankFormError as e:
                raise TaxdocsError(str(e)) from None
            if p is not None:
                data = p.read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                ctx.blanks[year] = sha
                ctx.blank_bytes[sha] = data
    if forms_dir and not ctx.blanks:
        raise TaxdocsError(f"--forms-dir {forms_dir}: no verified Form 8606 blank found there "
                           f"(expected {forms_dir}/<year>/f8606.pdf)")
    return ctx


def _clean_temp(returns: Path, outdir: Path) -> None:
    """Remove half-written temp files left by a killed run."""
    for d in (returns, outdir):
        for p in d.glob(".*.tmp"):
            try:
                p.unlink()
            except OSError:
                pass


def _why(e: OSError) -> str:
    return e.strerror or str(e)


def check_outdir(out: Path) -> None:
    """OUTDIR is a directory this process can write in, or can be made as one: else a clear error, told before
    any input is read (a file in the way, a read-only or immutable parent)."""
    p = out
    while not p.is_dir():
        if p.exists() or p.is_symlink():
            raise TaxdocsError(f"-o {out}: {p} exists and is not a directory" if p.exists() else
                               f"-o {out}: {p} is a broken symbolic link")
        p = p.parent
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".taxdocs-batch-probe-", dir=p))
    except OSError as e:
        where = "it" if p == out else f"{p}, where it would be made"
        raise TaxdocsError(f"-o {out}: cannot write in {where} ({_why(e)})") from None


def _dup_error(rec: Record, first: Optional[str]) -> dict:
    return {"id": rec.id, "kind": "input", "source": rec.source, **rec.where(), "field": "id",
            "reason": f"duplicate record id {rec.id!r}" + (f" (first seen at {first})" if first else "")
            + ": each client needs its own id", "problems": []}


def _tax_year(rec: Record) -> Any:
    return rec.data.get("tax_year") if isinstance(rec.data, dict) else None


def _other_year_id(rec: Record, first: Optional[tuple], old: Optional[dict]) -> Optional[str]:
    """A record whose id was already seen in this run: `id-YEAR` when it is the same client's return for another
    tax year (one JSON Lines file holding a client's years, for --commit), else None (a duplicate). The year seen
    first comes from the record in flight, or from the summary row of the one finished."""
    year = _tax_year(rec)
    if first is not None:
        seen = first[3]
    else:
        try:
            seen = orjson.loads(old["row"]).get("tax_year") if old and old.get("row") else None
        except (ValueError, AttributeError):
            seen = None
    if isinstance(year, int) and isinstance(seen, int) and year != seen:
        return safe_id(f"{rec.id}-{year}")
    return None


def _open_ledger(url: str) -> Any:
    from taxdocs.ledger.store import open_store
    try:
        return open_store(url)
    except TaxdocsError:
        raise
    except Exception as e:  # noqa: BLE001 - e.g. a database server that is down
        raise TaxdocsError(f"--ledger: cannot open the ledger ({type(e).__name__}: {one_line(str(e))})") from None


def ledger_marker(store: Any, rec: Record) -> str:
    """What the ledger holds for the record's clients' earlier years. Part of the record's hash, so a
    rerun redoes a return whose carried-forward facts changed in the ledger (and only those)."""
    d = rec.data if isinstance(rec.data, dict) else {}
    cids = [d.get("client_id")] + [p.get("client_id") for p in (d.get("taxpayer"), d.get("spouse"))
                                    if isinstance(p, dict)]
    cids = [str(c) for c in cids if isinstance(c, (str, int)) and str(c).strip()]
    year = d.get("tax_year")
    if not cids or not isinstance(year, int):
        return ""
    return store.history_marker(cids, year)


def run_batch(inputs: Any, outdir: str | Path, *, workers: Optional[int] = None, engine: str = "local",
              scheduler: Optional[str] = None, documents: bool = False, forms_dir: Optional[str] = None,
              ledger: Optional[str] = None, commit: bool = False, force: bool = False,
              progress: str = "auto", progress_stream: Optional[IO[str]] = None, chunk: Optional[int] = None,
              checks: bool = True, window: Optional[int] = None, amend: bool = False) -> Tally:
    t0 = time.monotonic()
    if commit and not ledger:
        raise TaxdocsError("--commit needs --ledger URL")
    if amend and not commit:
        raise TaxdocsError("--amend is for --commit (record a changed year as a new ledger version)")
    if engine not in ("local", "dask"):
        raise TaxdocsError(f"--engine must be local or dask, not {engine!r}")
    if scheduler and engine != "dask":
        raise TaxdocsError("--scheduler is for --engine dask")
    out = Path(outdir)
    check_outdir(out)  # before any input is read
    inp = open_input(inputs)
    state: Optional[State] = None
    ledger_store = None
    try:
        total = inp.count()
        if total == 0:  # nothing read is not a batch that succeeded (`render` says the same of a folder)
            raise TaxdocsError(f"{inp.describe()}: no records to process (a folder needs *.yaml, *.yml, *.json or "
                               "*.pdf scenarios; a JSON Lines file one scenario per line; a CSV pair rows under its "
                               "header)")
        skipped = inp.skipped()
        if skipped:
            shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
            print(f"note: {len(skipped)} file(s) in {inp.describe()} are not scenarios and were not read: {shown} "
                  "(a CSV pair is given as its two files, or as a directory holding only them)", file=sys.stderr)
        returns = out / RETURNS_DIR
        try:  # OUTDIR and any parent it makes: 0o700 whatever the umask (one that exists keeps its mode)
            private_dirs(out)
            private_dirs(returns)
        except OSError as e:
            raise TaxdocsError(f"-o {out}: cannot make the output directory ({_why(e)})") from None
        ctx = make_context(documents, forms_dir, ledger, commit, checks, amend)
        if documents:
            from taxdocs.batch.worker import documents_available
            if not documents_available():
                raise TaxdocsError("--documents needs taxdocs.documents.render (WeasyPrint), which is not available")
        if checks and not checks_available():
            print("note: taxdocs.checks is not installed: returns are computed without findings", file=sys.stderr)
        # everything that shapes the outputs goes into each record's hash (not --amend: records in
        # error, such as a refused commit, are redone anyway, and a record done stays done)
        options = hashlib.sha256(repr((code_fingerprint(), sorted(ctx.blanks.items()), documents,
                                       ledger, commit, checks and checks_available())).encode()).hexdigest()
        nworkers = workers or default_workers()
        if commit:
            # a client's year is figured from the year before it as recorded: committing in parallel would record
            # years in whatever order the workers finish (audit 12). One return at a time, in input order.
            if engine != "local":
                raise TaxdocsError("--commit runs on the local engine, one return at a time: each year is figured from "
                                   "the year before it as the ledger holds it (run with --engine local)")
            if nworkers > 1:
                print("note: --commit records the returns one at a time, in input order (list each client's years "
                      "oldest first); --workers is not used", file=sys.stderr)
            nworkers = 1
        if engine == "local":
            eng: Any = LocalEngine(nworkers, Context(**{**ctx.__dict__, "outdir": str(out)}), window)
        else:
            eng = DaskEngine(ctx, scheduler, workers, window)
        try:
            state = State(out)
        except OSError as e:
            raise TaxdocsError(f"-o {out}: cannot write the resume state ({_why(e)})") from None
        if ledger:
            ledger_store = _open_ledger(ledger)
        _clean_temp(returns, out)
        size = chunk or max(1, min(64, total // (nworkers * 8) or 1))
        prog = Progress(total, progress, progress_stream)
        tally = Tally(engine=eng.describe(), outdir=str(out))
        pending: dict[str, tuple] = {}   # in flight: id -> (seq, source, outputs of the last run)
        no_blank: dict[Any, int] = {}     # tax year -> returns needing Form 8606 with no official blank for it
        digest = summary.Digest()        # summary.html, gathered as the rows come

        def todo() -> Iterator[list]:
            buf: list = []
            numbered = enumerate(inp.records())
            while True:
                group = list(islice(numbered, size))  # looked up in the state together
                if not group:
                    break
                olds = state.lookup_many([rec.id for _, rec in group])
                for seq, rec in group:
                    tally.total += 1
                    mark = ledger_marker(ledger_store, rec) if ledger_store is not None else ""
                    dig = hashlib.sha256((rec.digest + options + mark).encode()).hexdigest()
                    old = olds.get(rec.id)
                    first = pending.get(rec.id)
                    if first is not None or (old is not None and old["run"] == state.run):
                        other = _other_year_id(rec, first, old)
                        if other is not None:  # the same client's other tax year (a ledger backfill): its own id
                            rec.id = other
                            old = state.lookup_many([other]).get(other)
                            first = pending.get(other)
                    if first is not None or (old is not None and old["run"] == state.run):
                        err = _dup_error(rec, first[1] if first else old["source"])
                        state.duplicate(seq, rec.id, rec.source, err)
                        digest.add(error_row(err), seq)
                        tally.duplicates += 1
                        prog.update("error")
                        continue
                    if old is not None:
                        state.seen(rec.id, seq)
                        olds[rec.id] = {**old, "run": state.run, "source": rec.source}  # as the state has it now
                    if (not force and old is not None and old["hash"] == dig and old["status"] in ("done", "findings")
                            and outputs_exist(returns, old["outputs"])):
                        digest.add(state.unchanged(rec.id, rec.source, old), seq)
                        tally.unchanged += 1
                        prog.update("unchanged")
                        continue
                    pending[rec.id] = (seq, rec.source, old["outputs"] if old else [], _tax_year(rec))
                    rec.shed()  # the worker reads the record's data again from its raw bytes
                    buf.append((rec, dig))
                # yielded only between groups: outcomes handled during a yield change the state,
                # and the next group is looked up after them
                while len(buf) >= size:
                    yield buf[:size]
                    buf = buf[size:]
            if buf:
                yield buf

        try:
            for o in eng.run(todo()):
                if o.get("files") is not None:
                    write_outputs(out, o["files"])
                    o["files"] = None
                if not eng.writes_outputs:  # a cluster's workers: this process formats the csv line
                    o["csv"] = o["row_json"] = None
                held = pending.pop(o["id"], None)
                if held is None:
                    raise TaxdocsError(f"the engine returned a record that was not sent ({o['id']!r}); "
                                       "what finished is saved: run the same command again to resume")
                seq, _, old, _ = held
                for stale in set(old) - set(o["outputs"]):
                    try:
                        (returns / stale).unlink()
                    except FileNotFoundError:
                        pass
                state.finish(o, seq)
                row = o["row"]
                if row.get("f8606_required") and not row.get("f8606_pdf") and row.get("tax_year") not in ctx.blanks:
                    no_blank[row.get("tax_year")] = no_blank.get(row.get("tax_year"), 0) + 1
                digest.add(row, seq)
                tally.processed += 1
                prog.update(o["status"])
        finally:
            state.commit()
            prog.close()
        for year, n in sorted(no_blank.items(), key=lambda kv: str(kv[0])):
            how = (f"Give --forms-dir DIR or TAXDOCS_FORMS_DIR, or run `taxdocs forms fetch {year}`" if year in ctx.mapped
                   else f"this version has no field map for the {year} revision of the form")
            print(f"note: {n:,} return(s) of {year} need Form 8606, but no official blank for {year} was found, so none "
                  f"was filled (their JSON has every line; --documents renders the facsimile). {how}.", file=sys.stderr)
        c = state.counts()
        tally.done, tally.findings = c["done"], c["findings"]
        tally.pending = c["pending"] + len(pending)  # read but never finished (0 unless something went wrong)
        tally.error = c["error"] + c["duplicates"]
        tally.earlier = state.others()
        tally.seconds = time.monotonic() - t0
        summary.write_errors(out / "errors.jsonl", state.errors())
        summary.write_csv(out / "summary.csv", state.csv_lines())
        summary.write_html(out / "summary.html", digest, tally.as_dict(),
                           f"taxdocs batch: {inp.describe()}")
        tally.seconds = time.monotonic() - t0
        summary.write_tally(out / "tally.json", tally.as_dict())
        return tally
    finally:
        if state is not None:
            state.close()
        inp.close()  # the CSV pair's join store too
        if ledger_store is not None:
            ledger_store.close()
