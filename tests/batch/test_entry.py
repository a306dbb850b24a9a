"""The console entry point: `taxdocs batch` starts the fork server before the CLI loads; other
commands do not; `python -m taxdocs` is the same command."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _started_in_child(argv: list[str]) -> bool:
    code = ("import sys; from taxdocs.entry import prestart; from multiprocessing import forkserver as f; "
            f"prestart({argv!r}); print(f._forkserver._forkserver_pid is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip() == "True"


@pytest.mark.parametrize("argv, started", [
    (["taxdocs", "batch", "in.jsonl", "-o", "out"], True),
    (["taxdocs", "compute", "x.yaml"], False),
    (["taxdocs", "batch", "--help"], False),
    (["taxdocs", "batch", "in", "-o", "out", "--engine", "dask"], False),
    (["taxdocs"], False),
])
def test_prestart_only_for_a_local_batch(argv, started):
    assert _started_in_child(argv) is started


def test_python_m_taxdocs_runs_a_batch(tmp_path):
    src = ROOT / "samples" / "04-indirect-rollover-withholding.yaml"
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "taxdocs", "batch", str(src), "-o", str(out), "--progress", "none"],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode in (0, 1), r.stderr
    tally = json.loads((out / "tally.json").read_text())
    assert tally["ok"] and tally["total"] == 1
