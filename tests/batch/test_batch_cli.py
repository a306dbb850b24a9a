"""The commands, the 1099-R Copy B input, progress lines, and the synthetic season."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from batchutil import outputs, read_jsonl
from taxdocs.cli import app

import synth

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_batch_command_exit_codes_and_tally(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(REPO / "samples", src, ignore=shutil.ignore_patterns("batch"))
    r = runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "o"), "--workers", "1", "--progress", "plain"])
    assert r.exit_code == 0, r.output
    n = len(list(src.glob("*.yaml")))  # the bundled samples
    assert f"{n} records: done" in r.stdout and f"= {n} ✔" in r.stdout
    (src / "zz-bad.yaml").write_text("tax_year: 2025\nfiling_status: single\n")
    r = runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "o"), "--workers", "1", "--progress", "none"])
    assert r.exit_code == 1 and f"unchanged {n}" in r.stdout
    assert read_jsonl(tmp_path / "o" / "errors.jsonl")[0]["field"] == "taxpayer"
    r = runner.invoke(app, ["batch", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o2")])
    assert r.exit_code == 2 and "not found" in r.output
    r = runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "o3"), "--scheduler", "tcp://x:1"])
    assert r.exit_code == 2 and "--engine dask" in r.output
    r = runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "o4"), "--ledger", str(tmp_path / "l.db"), "--amend"])
    assert r.exit_code == 2 and "--amend is for --commit" in r.output


def test_plain_progress_lines():
    import io
    from taxdocs.batch.progress import Progress
    buf = io.StringIO()
    p = Progress(4, "auto", buf, interval=0)
    assert p.mode == "plain"        # not a terminal
    for b in ("done", "findings", "error", "unchanged"):
        p.update(b)
    p.close()
    last = buf.getvalue().splitlines()[-1]
    assert last.startswith("batch: 4/4 (100%)") and "returns/s" in last and "ETA" in last
    assert "done 1 · findings 1 · error 1 · unchanged 1" in last


def test_copy_b_pdf_input_and_import(tmp_path, forms_dir):
    pdf = tmp_path / "jordan.pdf"
    synth.copy_b(pdf, forms_dir)
    r = runner.invoke(app, ["import-1099r", str(pdf), "--id", "oldjob-401k"])
    assert r.exit_code == 0, r.output
    assert "TIN ending 5504" in r.stdout and "400-44-5504" not in r.stdout
    frag = yaml.safe_load(r.stdout)
    form = frag["forms_1099r"][0]
    assert form["id"] == "oldjob-401k" and form["box1"] == 50000 and form["box4"] == 10000 and form["box7"] == ["1"]
    assert form["state"] == [{"tax_withheld": 2000, "state": "IL", "payer_state_no": "1234567", "distribution": 50000}]
    from taxdocs.model.scenario import Form1099R
    Form1099R.model_validate(form)
    # the PDF + its facts file as a batch input: same result as story 4 typed by hand
    from taxdocs.batch.runner import run_batch
    t = run_batch(pdf, tmp_path / "o", workers=1, progress="none")
    assert t.ok and t.error == 0
    got = json.loads((tmp_path / "o" / "returns" / "jordan.json").read_text())
    t = run_batch(REPO / "samples" / "04-indirect-rollover-withholding.yaml", tmp_path / "o4", workers=1,
                  progress="none")
    want = json.loads((tmp_path / "o4" / "returns" / "04-indirect-rollover-withholding.json").read_text())
    assert got["lines"] == want["lines"]
    # without the facts file the record is an error that names what is missing
    (tmp_path / "jordan.facts.yaml").unlink()
    t = run_batch(pdf, tmp_path / "o5", workers=1, progress="none")
    e = read_jsonl(tmp_path / "o5" / "errors.jsonl")[0]
    assert t.error == 1 and e["id"] == "jordan" and e["field"] == "filing_status"
    r = runner.invoke(app, ["import-1099r", str(REPO / "samples" / "06a-backdoor-roth.yaml")])
    assert r.exit_code == 2 and "not a readable filled Form 1099-R" in " ".join(r.output.split())


def test_synth_is_deterministic_and_csv_matches_jsonl(tmp_path):
    synth.write_jsonl(40, 3, tmp_path / "a.jsonl")
    synth.write_jsonl(40, 3, tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    synth.write_csv(40, 3, tmp_path / "csv")
    from taxdocs.batch.runner import run_batch
    ta = run_batch(tmp_path / "a.jsonl", tmp_path / "oa", workers=2, progress="none")
    tc = run_batch(tmp_path / "csv", tmp_path / "oc", workers=2, progress="none")
    assert ta.ok and tc.ok and (ta.done, ta.findings, ta.error) == (tc.done, tc.findings, tc.error)
    assert outputs(tmp_path / "oa") == outputs(tmp_path / "oc")


def test_rich_progress_bar_renders_rate_and_counts():
    import io
    from taxdocs.batch.progress import Progress
    buf = io.StringIO()
    p = Progress(3, "rich", buf)
    for b in ("done", "done", "error"):
        p.update(b)
    p._push(0.0)
    p.close()
    out = buf.getvalue()
    assert "3/3" in out and "/s" in out and "error 1" in out
