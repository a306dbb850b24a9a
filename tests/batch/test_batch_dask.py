"""The Dask engine (LocalCluster of two workers) writes the same outputs as the local engine."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from batchutil import outputs
from taxdocs.batch.runner import run_batch

import synth

REPO = Path(__file__).resolve().parents[2]
pytest.importorskip("distributed")


def test_dask_local_cluster_matches_local_engine(tmp_path, forms_dir):
    src = tmp_path / "in"
    shutil.copytree(REPO / "samples", src, ignore=shutil.ignore_patterns("batch"))
    synth.write_dir(16, 5, src / "synth")          # varied, bad records included
    a, b = tmp_path / "local", tmp_path / "dask"
    ta = run_batch(src, a, workers=2, forms_dir=str(forms_dir), progress="none")
    tb = run_batch(src, b, engine="dask", workers=2, forms_dir=str(forms_dir), progress="none")
    assert ta.ok and tb.ok and tb.engine == "dask, local cluster of 2 workers"
    assert (ta.total, ta.done, ta.findings, ta.error) == (tb.total, tb.done, tb.findings, tb.error) == \
        (len(list(src.glob("*.yaml"))) + 16, ta.done, ta.findings, ta.error)
    oa, ob = outputs(a), outputs(b)
    assert any(n.endswith(".f8606.pdf") for n in oa) and sum(n.endswith(".json") for n in oa) >= 20
    assert oa.keys() == ob.keys()
    for name in oa:
        assert oa[name] == ob[name], name
    for f in ("summary.csv", "errors.jsonl"):
        assert (a / f).read_bytes() == (b / f).read_bytes()
