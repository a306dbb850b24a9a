"""Bad inputs and outputs from the audit: deep nesting, an OUTDIR that cannot be written, the CSV join store,
cells under a blank header, UTF-16 JSON Lines, database text in errors.jsonl."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from batchutil import read_jsonl
from taxdocs.batch.reader import Record, open_input
from taxdocs.batch.runner import run_batch
from taxdocs.batch.worker import Context, process
from taxdocs.cli import app
from taxdocs.errors import TaxdocsError

REPO = Path(__file__).resolve().parents[2]
DEEP = "[" * 1000 + "]" * 1000
FORMS = "client_id,form_id,box1,box2a,box7,box7_ira_sep_simple,date_paid\nA,f1,1000,1000,7,x,2025-03-01\n"
CLIENTS = "client_id,tax_year,filing_status,taxpayer_name,taxpayer_ssn,taxpayer_birth_date\n" \
          "A,2025,single,Pat Doe,400-12-3499,1960-01-01\n"


def _run(inp, out, **kw):
    kw.setdefault("progress", "none")
    kw.setdefault("workers", 1)
    return run_batch(inp, out, **kw)


def _scenario(cid: str) -> dict:
    return {"tax_year": 2025, "filing_status": "single", "client_id": cid,
            "taxpayer": {"name": "Pat Doe", "ssn": "400-12-3499", "birth_date": "1960-01-01"},
            "forms_1099r": [{"id": "f1", "payer": {"name": "Bank"}, "box1": 1000, "box2a": 1000, "box7": ["7"],
                             "box7_ira_sep_simple": True, "date_paid": "2025-03-01"}]}


def _pair(d: Path, forms: str = FORMS, clients: str = CLIENTS) -> list[Path]:
    d.mkdir(exist_ok=True)
    (d / "forms.csv").write_text(forms)
    (d / "clients.csv").write_text(clients)
    return [d / "forms.csv", d / "clients.csv"]


# --- 1. nesting ---------------------------------------------------------------------------------

def test_a_record_nested_too_deeply_is_an_error_and_the_others_finish(tmp_path):
    p = tmp_path / "s.jsonl"
    bad = json.dumps(_scenario("BAD"))[:-1] + f', "notes": {DEEP}}}'
    p.write_text("\n".join([json.dumps(_scenario("G1")), bad, json.dumps(_scenario("G2"))]) + "\n")
    t = _run(p, tmp_path / "o")
    assert t.ok and (t.done + t.findings, t.error) == (2, 1)
    (e,) = read_jsonl(tmp_path / "o" / "errors.jsonl")
    assert e["line"] == 2 and "nested too deeply" in e["reason"]
    assert {q.name for q in (tmp_path / "o" / "returns").iterdir()} >= {"G1.json", "G2.json"}


def test_deep_files_and_extra_json_cells_are_errors(tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    (d / "deep.json").write_text(DEEP)
    (d / "deepy.yaml").write_text("a: " + DEEP + "\n")
    (d / "good.yaml").write_text(yaml.safe_dump(_scenario("G")))
    t = _run(d, tmp_path / "o")
    assert t.ok and (t.done + t.findings, t.error) == (1, 2)
    errs = {e["id"]: e for e in read_jsonl(tmp_path / "o" / "errors.jsonl")}
    assert set(errs) == {"deep", "deepy"}
    assert all(e["file"].endswith((".json", ".yaml")) and "nested" in e["reason"] for e in errs.values())
    clients = CLIENTS.replace("birth_date\n", "birth_date,extra_json\n").rstrip("\n") + ',"{""notes"": ' + \
        DEEP.replace('"', '""') + '}"\n'
    t = _run(_pair(tmp_path / "csv", clients=clients), tmp_path / "o2")
    (e,) = read_jsonl(tmp_path / "o2" / "errors.jsonl")
    assert t.ok and e["row"] == 2 and e["column"] == "extra_json" and "nested too deeply" in e["reason"]


# --- 2. OUTDIR ------------------------------------------------------------------------------------

def test_an_outdir_that_cannot_be_made_is_refused_before_any_input_is_read(tmp_path):
    (tmp_path / "afile").write_text("")
    missing = str(tmp_path / "nope.jsonl")  # the OUTDIR is told first
    for out in ("afile", "afile/sub"):
        r = CliRunner().invoke(app, ["batch", missing, "-o", str(tmp_path / out)])
        assert r.exit_code == 2 and "not a directory" in r.output and "Internal error" not in r.output, r.output
    sub = tmp_path / "ok"
    sub.mkdir()
    (sub / "returns").write_text("")  # a file where OUTDIR/returns goes
    jl = tmp_path / "s.jsonl"
    jl.write_text(json.dumps(_scenario("C1")) + "\n")
    with pytest.raises(TaxdocsError, match="cannot make the output directory"):
        _run(jl, sub)


def test_an_outdir_in_an_immutable_directory_is_refused(tmp_path):
    imm = tmp_path / "imm"
    imm.mkdir()
    if subprocess.run(["chattr", "+i", str(imm)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        r = CliRunner().invoke(app, ["batch", str(REPO / "samples" / "batch"), "-o", str(imm / "out")])
        assert r.exit_code == 2 and "cannot write in" in r.output and "Internal error" not in r.output, r.output
    finally:
        subprocess.run(["chattr", "-i", str(imm)], check=True)


# --- 3. the CSV join store --------------------------------------------------------------------------

def test_the_csv_join_store_leaves_nothing_on_any_exit(tmp_path, monkeypatch):
    import tempfile
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    pair = _pair(tmp_path / "in")
    inp = open_input(pair)
    assert inp.count() == 1 and list(tmp.iterdir()) == []  # unlinked as soon as opened: even SIGKILL leaves nothing
    assert [r.id for r in inp.records()] == ["A"]
    inp.close()
    t = _run(pair, tmp_path / "o")
    assert t.ok and list(tmp.iterdir()) == []
    with pytest.raises(TaxdocsError, match="no records"):  # a header-only pair
        _run(_pair(tmp_path / "empty", FORMS.split("\n")[0] + "\n", CLIENTS.split("\n")[0] + "\n"), tmp_path / "o2")
    assert list(tmp.iterdir()) == []


def test_a_killed_batch_leaves_no_join_store(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    pair = _pair(tmp_path / "in")
    code = ("import sys, time\nfrom taxdocs.batch.reader import open_input\n"
            f"i = open_input({[str(p) for p in pair]!r})\ni.count()\nprint('ready', flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp)})
    try:
        assert proc.stdout.readline().strip() == "ready"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    assert list(tmp.iterdir()) == []


# --- 4. a cell under a blank header ---------------------------------------------------------------------

def test_a_value_under_a_blank_header_makes_the_row_an_error(tmp_path):
    forms = FORMS.replace("date_paid\n", "date_paid,,\n").replace("2025-03-01\n", "2025-03-01,,x\n")
    inp = open_input(_pair(tmp_path, forms))
    try:
        (rec,) = list(inp.records())
    finally:
        inp.close()
    (p,) = rec.problems
    assert p["row"] == 2 and p["column"] == "9" and p["file"].endswith("forms.csv") and "no header" in p["reason"]


# --- 5. UTF-16 JSON Lines ---------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-be-bom"])
def test_utf16_json_lines_are_read_with_no_phantom_record(tmp_path, encoding):
    p = tmp_path / "s.jsonl"
    text = "".join(json.dumps(_scenario(f"C{i}")) + "\n" for i in range(3))
    p.write_bytes(b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding))
    inp = open_input(p)
    recs = list(inp.records())
    assert inp.count() == 3 and [r.id for r in recs] == ["C0", "C1", "C2"]
    assert not any(r.problems for r in recs) and recs[2].line == 3
    recs[0].shed()
    assert recs[0].load()["client_id"] == "C0"


def test_broken_utf16_json_lines_are_refused_with_a_clear_message(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_bytes(json.dumps(_scenario("C0")).encode("utf-16") + b"\x00\xd8\n\x00")
    with pytest.raises(TaxdocsError, match="not valid UTF-16"):
        open_input(p).count()


# --- 6. database text in errors.jsonl --------------------------------------------------------------------

class _Store:
    def __init__(self, exc: BaseException):
        self.exc = exc

    def commit(self, *a, **k):
        raise self.exc


def _sql_error() -> BaseException:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    import sqlite3
    return sqlalchemy.exc.OperationalError("INSERT INTO years (client_id, ssn) VALUES (?, ?)",
                                           ("C-1", "400-12-3499"), sqlite3.OperationalError("database is locked"))


@pytest.mark.parametrize("kind", ["driver", "taxdocs"])
def test_a_ledger_failure_never_puts_sql_or_an_ssn_in_errors_jsonl(monkeypatch, kind):
    import taxdocs.batch.worker as worker
    exc = _sql_error() if kind == "driver" else TaxdocsError(f"the ledger failed:\n{_sql_error()}")
    monkeypatch.setattr(worker, "_ledger_store", lambda url: _Store(exc))
    monkeypatch.setitem(worker._MOD, "taxdocs.ledger.carry:fill_from_ledger", lambda sc, store: (sc, []))
    o = process(Record("r1", "x.jsonl", line=3, data=_scenario("C-1")), Context(ledger="sqlite://", commit=True), "h")
    e = o["error"]
    text = json.dumps(e)
    assert o["status"] == "error" and "\n" not in e["reason"] and len(e["reason"]) < 400
    assert "INSERT" not in text and "SQL" not in text and "400-12-3499" not in text
    assert e["reason"].endswith("(while committing to the ledger)")


def test_a_pdfs_facts_file_nested_too_deeply_is_an_error(tmp_path):
    from taxdocs.batch.pdf1099r import load_facts
    (tmp_path / "c.facts.yaml").write_text("a: " + DEEP + "\n")
    facts, problems = load_facts(tmp_path / "c.pdf")
    assert facts is None and "nested too deeply" in problems[0]["reason"]
