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


def test_a_batch_ends_without_teardown_but_keeps_its_output_and_exit_code(tmp_path):
    """entry.exit_now: what was printed reaches a pipe, and the exit code stays (2: bad input)."""
    src = ROOT / "samples" / "04-indirect-rollover-withholding.yaml"
    ok = subprocess.run([sys.executable, "-m", "taxdocs", "batch", str(src), "-o", str(tmp_path / "a"),
                         "--progress", "none"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert ok.returncode == 0 and "1 records: done 0 + findings 1 + error 0 = 1" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "taxdocs", "batch", str(tmp_path / "missing.jsonl"), "-o",
                          str(tmp_path / "b")], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert bad.returncode == 2 and "not found" in bad.stderr


def test_a_local_batch_loads_only_the_batch_commands():
    """entry.main builds the command with the batch module alone (the others' imports were ~0.07 s of
    the start); its commands are the batch ones, and the full command still has them all."""
    code = ("import sys; from taxdocs.commands import new_app; import typer.main as tm; "
            "app = new_app(('batch',)); names = sorted(c.name for c in tm.get_command(app).commands.values()); "
            "print(names, 'taxdocs.commands.render' in sys.modules, 'taxdocs.commands.core' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['batch', 'import-1099r'] False False"
    from taxdocs.cli import app
    import typer.main as tm
    assert {"batch", "import-1099r", "compute", "render", "explain"} <= set(tm.get_command(app).commands)


@pytest.mark.parametrize("preset, expected", [(None, "__all__"), ("", ""), ("logfire", "logfire")])
def test_pydantic_plugins_are_not_looked_up_unless_asked(monkeypatch, preset, expected):
    from taxdocs.entry import quiet_pydantic_plugins
    if preset is None:
        monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    else:
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", preset)
    quiet_pydantic_plugins()
    import os
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == expected
