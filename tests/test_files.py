"""Outputs are written atomically and owner-only, whatever the umask."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from taxdocs.core.files import write_atomic


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    p = tmp_path / "a.json"
    write_atomic(p, b"one")
    write_atomic(str(p), "two")
    assert p.read_text() == "two" and os.listdir(tmp_path) == ["a.json"]
    assert p.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o277, 0o000])
def test_mode_is_0600_under_any_umask(tmp_path, umask):
    code = (f"import os; os.umask({umask:#o}); from taxdocs.core.files import write_atomic; "
            f"write_atomic({str(tmp_path / 'f')!r}, b'x'); print(oct(os.stat({str(tmp_path / 'f')!r}).st_mode & 0o777))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "0o600", out.stderr
