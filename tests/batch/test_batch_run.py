"""run_batch end to end (local engine): buckets and tally, outputs, errors.jsonl, resume, summaries."""
from __future__ import annotations

import csv
import json
import re
import shutil
import stat
from pathlib import Path

import pytest
import yaml

from batchutil import outputs, read_jsonl
from taxdocs.batch.reader import Record
from taxdocs.batch.runner import run_batch
from taxdocs.batch.worker import Context, process

REPO = Path(__file__).resolve().parents[2]


def _run(inp, out, **kw):
    kw.setdefault("progress", "none")
    kw.setdefault("workers", 2)
    return run_batch(inp, out, **kw)


def _full_ssns(texts) -> set[str]:
    return {m for t in texts for m in re.findall(r"\b\d{3}-\d{2}-\d{4}\b", t)}


def test_season_buckets_tally_and_files(season, tmp_path):
    out = tmp_path / "out"
    t = _run(season, out)
    assert t.ok and t.total == 60 and t.processed == 60 and t.pending == 0
    assert t.done + t.findings + t.error == 60 and t.error >= 1
    # every input record: exactly one row in summary.csv; errors.jsonl = the error rows
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert len(rows) == 60 and len({r["id"] for r in rows}) == 60
    errs = read_jsonl(out / "errors.jsonl")
    assert {e["id"] for e in errs} == {r["id"] for r in rows if r["status"] == "error"}
    assert len(errs) == t.error
    for e in errs:
        assert e["id"] and e["reason"] and "field" in e and ("line" in e) and "Traceback" not in e["reason"]
    js = {p.stem for p in (out / "returns").glob("*.json")}
    assert js == {r["id"] for r in rows if r["status"] in ("done", "findings")}
    # the JSON is the same as `taxdocs compute --json` plus the findings
    doc = json.loads((out / "returns" / f"{sorted(js)[0]}.json").read_text())
    assert doc["schema"] == "taxdocs.result/1" and "findings" in doc
    # private files, no full SSN anywhere (the Form 8606 PDFs, official forms, excepted)
    for p in out.rglob("*"):
        if p.is_file():
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    texts = [p.read_text(errors="replace") for p in out.rglob("*") if p.is_file() and not p.name.endswith(".pdf")]
    ssns = _full_ssns(season.read_text().splitlines())
    assert ssns and not (_full_ssns(texts) & ssns)
    tally = json.loads((out / "tally.json").read_text())
    assert tally["ok"] and tally["total"] == 60
    html = (out / "summary.html").read_text()
    assert "Findings most often raised" in html and "Returns needing attention first" in html


def test_bad_record_reason_names_line_and_field(tmp_path):
    p = tmp_path / "s.jsonl"
    good = yaml.safe_load((REPO / "samples" / "06a-backdoor-roth.yaml").read_text())
    bad = json.loads(json.dumps(good, default=str))
    bad["client_id"] = "BAD"
    bad["forms_1099r"][0]["box2a"] = 9000
    worse = dict(bad, client_id="SSN")
    worse["taxpayer"] = dict(bad["taxpayer"], ssn="400-66-770")
    p.write_text("\n".join(json.dumps(x, default=str) for x in ({**good, "client_id": "OK"}, bad, worse)) + "\n")
    t = _run(p, tmp_path / "o", workers=1)
    assert (t.done + t.findings, t.error) == (1, 2)
    errs = {e["id"]: e for e in read_jsonl(tmp_path / "o" / "errors.jsonl")}
    e = errs["BAD"]
    assert e["line"] == 2 and e["field"] == "forms_1099r[0].box2a" and "larger than box 1" in e["reason"]
    s = errs["SSN"]
    assert s["field"] == "taxpayer.ssn" and "9 digits" in s["reason"] and "400-66-770" not in json.dumps(s)


def test_internal_error_is_one_clear_line(monkeypatch):
    import taxdocs.rules.engine as engine

    def boom(*a, **k):
        raise ZeroDivisionError("bad thing for 400-66-7706")
    monkeypatch.setattr(engine, "compute", boom)
    import taxdocs.batch.worker as worker
    monkeypatch.setattr(worker, "_ENGINE", ())  # its entry points are cached on first use: not `boom` after this test
    data = yaml.safe_load((REPO / "samples" / "06a-backdoor-roth.yaml").read_text())
    o = process(Record("r1", "x.jsonl", line=7, data=data), Context(), "h")
    assert o["status"] == "error" and o["outputs"] == []
    e = o["error"]
    assert e["kind"] == "internal" and e["line"] == 7
    assert e["reason"] == "internal error: ZeroDivisionError: bad thing for ***-**-7706 (while computing)"


def test_resume_skips_unchanged_redoes_changed_and_removes_stale(tmp_path, forms_dir):
    src = tmp_path / "in"
    shutil.copytree(REPO / "samples", src, ignore=shutil.ignore_patterns("batch"))
    out = tmp_path / "out"
    n = len(list(src.glob("*.yaml")))  # the bundled samples
    t1 = _run(src, out, forms_dir=str(forms_dir))
    assert t1.ok and t1.processed == n
    first = outputs(out)
    assert "06a-backdoor-roth.f8606.pdf" in first
    t2 = _run(src, out, forms_dir=str(forms_dir))
    assert (t2.processed, t2.unchanged, t2.total) == (0, n, n) and t2.ok
    assert outputs(out) == first
    # change one record: only it is redone; its Form 8606 is no longer required -> the PDF goes
    p = src / "06a-backdoor-roth.yaml"
    d = yaml.safe_load(p.read_text())
    d["taxpayer"]["ira"]["nondeductible_contributions"] = 0
    d["forms_1099r"][0]["uses"] = []
    d["forms_1099r"][0]["box7"] = ["7"]
    d["taxpayer"]["birth_date"] = "1950-01-01"
    p.write_text(yaml.safe_dump(d))
    t3 = _run(src, out, forms_dir=str(forms_dir))
    assert (t3.processed, t3.unchanged) == (1, n - 1) and t3.ok
    now = outputs(out)
    assert "06a-backdoor-roth.f8606.pdf" not in now
    assert now["06a-backdoor-roth.json"] != first["06a-backdoor-roth.json"]
    assert {k: v for k, v in now.items() if not k.startswith("06a")} == \
        {k: v for k, v in first.items() if not k.startswith("06a")}
    # a record that turns bad loses its outputs and lands in errors.jsonl
    p.write_text("tax_year: [2025\n")
    t4 = _run(src, out, forms_dir=str(forms_dir))
    assert t4.error == 1 and t4.ok and "06a-backdoor-roth.json" not in outputs(out)
    assert read_jsonl(out / "errors.jsonl")[0]["id"] == "06a-backdoor-roth"
    # --force redoes everything
    assert _run(src, out, force=True).processed == n


def test_duplicate_ids_go_to_errors(tmp_path):
    good = yaml.safe_load((REPO / "samples" / "06a-backdoor-roth.yaml").read_text())
    line = json.dumps({**good, "client_id": "SAME"}, default=str)
    p = tmp_path / "s.jsonl"
    p.write_text(line + "\n" + line + "\n")
    t = _run(p, tmp_path / "o", workers=1)
    assert (t.total, t.done + t.findings, t.error, t.duplicates) == (2, 1, 1, 1) and t.ok
    e = read_jsonl(tmp_path / "o" / "errors.jsonl")
    assert e[0]["line"] == 2 and "duplicate record id" in e[0]["reason"] and "line 1" in e[0]["reason"]


def test_official_8606_filled_and_reads_back(tmp_path, forms_dir):
    from taxdocs.documents.readback import read_8606
    _run(REPO / "samples", tmp_path / "o", forms_dir=str(forms_dir), workers=1)
    rb = read_8606(tmp_path / "o" / "returns" / "06b-backdoor-roth-spoiled.f8606.pdf")
    assert rb["lines"]["10"] == __import__("decimal").Decimal("0.070")
    assert rb["lines"]["14"] == 6510 and rb["lines"]["18"] == 6510 and rb["ssn_last4"] == "8807"
    rows = {r["id"]: r for r in csv.DictReader((tmp_path / "o" / "summary.csv").open())}
    assert rows["06b-backdoor-roth-spoiled"]["f8606_pdf"] == "06b-backdoor-roth-spoiled.f8606.pdf"


def test_csv_pair_sample(tmp_path):
    t = _run([REPO / "samples" / "batch" / "forms.csv", REPO / "samples" / "batch" / "clients.csv"], tmp_path / "o")
    assert t.ok and t.total == 5 and t.error == 1
    e = read_jsonl(tmp_path / "o" / "errors.jsonl")[0]
    assert (e["id"], e["row"], e["column"]) == ("C-1005", 6, "taxpayer_birth_date")


def test_refuses_a_second_batch_on_the_same_outdir(tmp_path):
    from taxdocs.batch.state import State
    from taxdocs.errors import TaxdocsError
    (tmp_path / "o").mkdir()
    s = State(tmp_path / "o")
    try:
        with pytest.raises(TaxdocsError, match="another batch is running"):
            _run(REPO / "samples", tmp_path / "o")
    finally:
        s.close()


def test_ledger_fill_and_commit(tmp_path):
    pytest.importorskip("sqlalchemy")
    pair = [REPO / "samples" / "batch" / "forms.csv", REPO / "samples" / "batch" / "clients.csv"]
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    t = _run(pair, tmp_path / "o", ledger=url, commit=True)
    assert t.ok and t.error == 1 and (tmp_path / "ledger.db").is_file()
    doc = json.loads((tmp_path / "o" / "returns" / "C-1001.json").read_text())
    assert "LEDGER_NO_HISTORY" in [f["code"] for f in doc["findings"]]
    t = _run(pair, tmp_path / "o", ledger=url, commit=True, force=True)   # same year again: no change
    assert t.ok and t.error == 1 and t.processed == 5


def test_documents_only_with_the_flag(tmp_path):
    pytest.importorskip("weasyprint")
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(REPO / "samples" / "06b-backdoor-roth-spoiled.yaml", src)
    t = _run(src, tmp_path / "o", workers=1)
    assert t.ok and sorted(outputs(tmp_path / "o")) == ["06b-backdoor-roth-spoiled.json"]
    t = _run(src, tmp_path / "o", workers=1, documents=True)      # an option change redoes the record
    assert t.ok and t.processed == 1
    names = sorted(outputs(tmp_path / "o"))
    assert "06b-backdoor-roth-spoiled.summary.pdf" in names and "06b-backdoor-roth-spoiled.findings.pdf" in names
    assert all(outputs(tmp_path / "o")[n].startswith(b"%PDF") for n in names if n.endswith(".pdf"))


def test_integers_beyond_64_bits_do_not_stop_anything(tmp_path):
    """orjson refuses integers of 2**64 and more: the json module takes over (digest, state, result)."""
    from taxdocs.batch.reader import _loads, digest
    from taxdocs.output import dumps_bytes
    big = 10 ** 20
    assert _loads(b'{"box1": 100000000000000000000}') == {"box1": big}
    assert len(digest({"box1": big})) == 64
    assert json.loads(dumps_bytes({"x": big, "y": [1]}, compact=True)) == {"x": big, "y": [1]}
    from taxdocs.batch.state import _dumps
    assert json.loads(_dumps({"n": big})) == {"n": big}


def test_pool_workers_keep_the_gc_on_with_documents():
    import gc
    from taxdocs.batch import engines
    try:
        engines._init(Context(documents=True))
        assert gc.isenabled()
        engines._init(Context(documents=False))
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
        engines._CTX = None


def test_a_chunk_leaves_nothing_for_the_next_collection(tmp_path):
    """A pool worker collects and freezes after each chunk: what survived (caches the chunk filled) is not
    walked again by the next chunk's collection (~1.8 ms a chunk of 64 returns when it was)."""
    import gc
    from taxdocs.batch import engines
    from taxdocs.batch.reader import open_input
    (tmp_path / "returns").mkdir()
    recs = list(open_input(REPO / "samples").records())
    try:
        engines._init(Context(outdir=str(tmp_path)))
        out = engines._local_chunk([(r, "d") for r in recs])
        assert [o["error"]["reason"] for o in out if o["status"] == "error"] == [] and len(out) == len(recs)
        assert len(gc.get_objects()) < 100  # tracked and not frozen
    finally:
        gc.enable()
        gc.unfreeze()
        engines._CTX = None


@pytest.mark.parametrize("documents, frozen", [(False, True), (True, False)])
def test_chunk_survivors_are_frozen_only_without_documents(monkeypatch, documents, frozen):
    """With --documents the GC stays on and nothing more is frozen: the renderer's caches may later drop
    objects in cycles, which frozen would never be collected."""
    import gc
    from taxdocs.batch import engines
    monkeypatch.setattr(engines, "_CTX", Context(documents=documents))
    monkeypatch.setattr(engines, "process_chunk", lambda chunk, ctx: [object() for _ in chunk])
    keep = [[i] for i in range(50)]  # tracked survivors of "the chunk"
    before = gc.get_freeze_count()
    try:
        engines._local_chunk([1, 2, 3])
        assert (gc.get_freeze_count() > before) is frozen
    finally:
        gc.unfreeze()
    del keep


def test_duplicate_of_an_unchanged_record_is_an_error_on_rerun(tmp_path):
    good = yaml.safe_load((REPO / "samples" / "06a-backdoor-roth.yaml").read_text())
    line = json.dumps({**good, "client_id": "SAME"}, default=str)
    p = tmp_path / "s.jsonl"
    p.write_text(line + "\n")
    assert _run(p, tmp_path / "o", workers=1).processed == 1
    p.write_text(line + "\n" + line + "\n")  # the first is unchanged (skipped), the second repeats its id
    t = _run(p, tmp_path / "o", workers=1)
    assert (t.total, t.unchanged, t.duplicates, t.error, t.pending) == (2, 1, 1, 1, 0) and t.ok
    assert "SAME.json" in outputs(tmp_path / "o")


def test_duplicates_within_one_lookup_group(tmp_path):
    """Records are looked up in the state a group at a time (chunk): a repeat inside one group is still
    a duplicate, whether the first was skipped as unchanged or is in flight, and across groups whether
    the first has finished or not."""
    good = yaml.safe_load((REPO / "samples" / "06a-backdoor-roth.yaml").read_text())
    a, b = (json.dumps({**good, "client_id": c}, default=str) for c in ("A", "B"))
    p = tmp_path / "s.jsonl"
    p.write_text(a + "\n")
    assert _run(p, tmp_path / "o", workers=1).processed == 1
    p.write_text("\n".join([a, a, b, b, a, b]) + "\n")  # groups of 2: [A A] [B B] [A B]
    t = _run(p, tmp_path / "o", workers=1, chunk=2)
    assert (t.total, t.unchanged, t.processed, t.duplicates, t.pending) == (6, 1, 1, 4, 0) and t.ok
    lines = [e["line"] for e in read_jsonl(tmp_path / "o" / "errors.jsonl")]
    assert lines == [2, 4, 5, 6]


def test_rerun_over_state_without_csv_lines_keeps_the_summaries(season, tmp_path):
    """A state database written before summary lines were stored: the rerun adds the column, makes the
    lines of unchanged records from their rows, and the summaries equal a fresh run's."""
    import sqlite3
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    season = Path(shutil.copy(season, tmp_path / "season.jsonl"))  # the fixture is shared: change a copy
    _run(season, out)
    db = sqlite3.connect(out / ".taxdocs-batch" / "state.sqlite")
    db.execute("ALTER TABLE records DROP COLUMN csv")
    db.commit()
    db.close()
    lines = season.read_text().splitlines()
    moved = "\n".join([lines[1], lines[0], *lines[2:]]) + "\n"  # two records change places in the input
    season.write_text(moved)
    t = _run(season, out)
    assert t.ok and t.unchanged == 60 - t.error and t.processed == t.error
    _run(season, fresh)
    assert (out / "summary.csv").read_text() == (fresh / "summary.csv").read_text()
    strip = lambda s: re.sub(r"[0-9.]+s, [0-9,]+ returns/s|Processed this run: [0-9,]+; unchanged since the last run: [0-9,]+", "", s)  # noqa: E731
    assert strip((out / "summary.html").read_text()) == strip((fresh / "summary.html").read_text())


def test_kept_csv_lines_are_made_again_when_the_columns_change(season, tmp_path):
    import sqlite3
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    _run(season, out)
    db = sqlite3.connect(out / ".taxdocs-batch" / "state.sqlite")
    db.execute("UPDATE records SET csv = 'laid out for other columns\n'")
    db.execute("UPDATE meta SET value = 'id,source' WHERE key = 'csv_columns'")
    db.commit()
    db.close()
    assert _run(season, out).processed < 60
    _run(season, fresh)
    assert (out / "summary.csv").read_text() == (fresh / "summary.csv").read_text()


def test_digest_top_findings_do_not_depend_on_arrival_order():
    from taxdocs.batch.summary import Digest
    rows = [(n, {"status": "findings", "errors": 0, "warnings": 1, "codes": {c: ["warning", 1]}})
            for n, c in enumerate(["B_CODE", "A_CODE", "C_CODE", "A_CODE"])]
    tops = []
    for order in (rows, rows[::-1], [rows[2], rows[0], rows[3], rows[1]]):
        d = Digest()
        for n, r in order:
            d.add(r, n)
        tops.append(d.top_codes())
    assert tops[0] == tops[1] == tops[2] == ["A_CODE", "B_CODE", "C_CODE"]


def test_files_not_read_from_a_directory_are_named(tmp_path, capsys):
    """A CSV pair in a subdirectory, a hidden scenario and a text file were skipped without a word (fuzzing)."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / ".git").mkdir()
    shutil.copy(REPO / "samples" / "06a-backdoor-roth.yaml", src)
    shutil.copy(REPO / "samples" / "06a-backdoor-roth.yaml", src / ".draft.yaml")
    for name in ("forms.csv", "clients.csv"):
        shutil.copy(REPO / "samples" / "batch" / name, src / "sub")
    for junk in ("readme.txt", ".DS_Store", ".git/config"):
        (src / junk).write_text("x")
    t = _run(src, tmp_path / "o", workers=1)
    assert t.ok and t.total == 1
    err = capsys.readouterr().err
    assert "note: 4 file(s)" in err
    assert all(n in err for n in (".draft.yaml", "readme.txt", "sub/clients.csv", "sub/forms.csv"))
    assert ".DS_Store" not in err and ".git/config" not in err


# --- audit (session 17) ------------------------------------------------------------------------

def _scenario(cid=None, name="Pat Doe", year=2025, **kw) -> dict:
    d = {"tax_year": year, "filing_status": "single",
         "taxpayer": {"name": name, "ssn": "400-12-3499", "birth_date": "1960-01-01"},
         "forms_1099r": [{"id": "f1", "payer": {"name": "Bank"}, "box1": 1000, "box2a": 1000, "box7": ["7"],
                          "box7_ira_sep_simple": True, "date_paid": f"{year}-03-01"}]}
    if cid is not None:
        d["client_id"] = cid
    d.update(kw)
    return d


def _everything(out: Path) -> list[str]:
    texts = [p.name for p in out.rglob("*")]
    texts += [p.read_text(errors="replace") for p in out.rglob("*") if p.is_file() and p.suffix in (".csv", ".html",
                                                                                                     ".jsonl", ".json")]
    texts += [p.read_bytes().decode("latin-1") for p in out.rglob("*.sqlite")]
    return texts


def test_an_ssn_shaped_id_names_nothing(tmp_path):
    """A client_id (JSON Lines) or a file name (directory) that is an SSN was printed in full in file names,
    summary.csv, summary.html and the state."""
    jl = tmp_path / "s.jsonl"
    jl.write_text(json.dumps(_scenario("400123499")) + "\n" + json.dumps(_scenario("C-400-12-3499", year=2024)) + "\n")
    d = tmp_path / "dir"
    d.mkdir()
    (d / "400-12-3499.yaml").write_text(yaml.safe_dump(_scenario()))
    for inp, out in ((jl, tmp_path / "o1"), (d, tmp_path / "o2")):
        t = _run(inp, out)
        assert t.ok and t.error == 0
        text = " ".join(_everything(out))
        assert not re.search(r"400-?12-?3499", text), inp
    assert sorted(p.name for p in (tmp_path / "o1" / "returns").iterdir()) == ["line-1.json", "line-2.json"]


def test_summary_csv_cells_never_run_as_formulas(tmp_path):
    jl = tmp_path / "s.jsonl"
    jl.write_text("\n".join(json.dumps(_scenario(f"C{i}", name=n)) for i, n in
                            enumerate(['=HYPERLINK("http://x.example","click")', "+1+2", "@SUM(1)", "-3"])) + "\n")
    _run(jl, tmp_path / "o")
    names = [r["taxpayer"] for r in csv.DictReader((tmp_path / "o" / "summary.csv").open())]
    assert names == ['\'=HYPERLINK("http://x.example","click")', "'+1+2", "'@SUM(1)", "'-3"]


def test_a_clients_second_year_after_a_first_in_error_far_apart(tmp_path):
    """The first year in error kept no tax year in its row, so its second year, once the first had finished, was
    called a duplicate id; near each other it was CLIENT-2025. Now the same whatever lies between."""
    bad = _scenario("YR", year=2024)
    del bad["taxpayer"]["birth_date"]
    bad["forms_1099r"][0]["box1"] = "ten"
    filler = [json.dumps(_scenario(f"F{i}")) for i in range(150)]
    jl = tmp_path / "s.jsonl"
    jl.write_text("\n".join([json.dumps(bad)] + filler + [json.dumps(_scenario("YR", year=2025))]) + "\n")
    t = _run(jl, tmp_path / "o", chunk=4)
    assert t.ok and t.duplicates == 0
    assert (tmp_path / "o" / "returns" / "YR-2025.json").exists()


def test_outdir_parents_it_makes_are_owner_only(tmp_path):
    jl = tmp_path / "s.jsonl"
    jl.write_text(json.dumps(_scenario("C1")) + "\n")
    out = tmp_path / "nest" / "a" / "b"
    _run(jl, out)
    for p in (tmp_path / "nest", tmp_path / "nest" / "a", out):
        assert stat.S_IMODE(p.stat().st_mode) == 0o700, p


def test_a_yaml_syntax_error_gives_its_line(tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    (d / "broken.yaml").write_text("tax_year: [2025\n")
    _run(d, tmp_path / "o")
    (e,) = read_jsonl(tmp_path / "o" / "errors.jsonl")
    assert e["line"] == 2 and e["field"] == "" and "YAML" in e["reason"]
