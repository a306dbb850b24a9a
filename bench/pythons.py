"""Which CPython build runs the batch benchmark.

The same CPython version runs taxdocs at different speeds depending on how it was built. On this VM the
default `python3` is pyenv's 3.11.7, compiled without profile-guided optimization or LTO and linked to a
shared libpython; Debian's /usr/bin/python3.11 is built with both and links the interpreter statically.
Debian's runs the same returns with ~11% fewer instructions (bench_instructions.py: 3.44 M against
3.86 M a return) and 5-15% less CPU time (docs/batch.md, "Which Python").

`candidates()` lists the interpreters found: this one, and the system's CPython where it is another build of
a version taxdocs supports. `venv_python(exe)` gives a virtual environment on that interpreter with taxdocs
installed from this checkout (editable: the same code), made once under bench/.venvs and remade when
pyproject.toml changes.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENVS = REPO / "bench" / ".venvs"
SYSTEM = ("/usr/bin/python3", "/usr/local/bin/python3")   # the distribution's build, where there is one
MIN_VERSION = (3, 11)                                       # pyproject.toml requires-python


def _describe(exe: str) -> tuple[str, tuple[int, int], str] | None:
    """(real path, (major, minor), version) of a CPython, or None if it cannot run taxdocs."""
    code = ("import sys, platform; print(sys.executable); print(platform.python_implementation()); "
            "print('%d %d' % sys.version_info[:2]); print(sys.version.split()[0])")
    try:
        out = subprocess.run([exe, "-c", code], capture_output=True, text=True, timeout=30, check=True).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    major, minor = map(int, out[2].split())
    if out[1] != "CPython" or (major, minor) < MIN_VERSION:
        return None
    return os.path.realpath(out[0]), (major, minor), out[3]


def _base(exe: str) -> str:
    """The interpreter a virtual environment was made from (itself when it is not one)."""
    code = "import sys, os; print(os.path.realpath(os.path.join(sys.base_prefix, 'bin', 'python%d.%d' % sys.version_info[:2])))"
    try:
        return subprocess.run([exe, "-c", code], capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return os.path.realpath(exe)


def candidates() -> list[dict]:
    """This interpreter first, then each other build found: {"exe", "base", "version", "label"}."""
    here = {"exe": sys.executable, "base": _base(sys.executable), "version": sys.version.split()[0], "label": "current"}
    out, seen = [here], {here["base"]}
    for exe in SYSTEM:
        d = _describe(exe) if os.path.exists(exe) else None
        if d is None or d[0] in seen:
            continue
        seen.add(d[0])
        out.append({"exe": exe, "base": d[0], "version": d[2], "label": f"system ({exe})"})
    return out


def _stamp() -> str:
    return hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()


def venv_python(cand: dict, log=print) -> str | None:
    """A Python with taxdocs (this checkout, editable) on `cand`'s interpreter; None if one cannot be made
    (no venv module, no network for the packages). The current interpreter is used as it is."""
    if cand["label"] == "current":
        return sys.executable
    d = VENVS / hashlib.sha256(cand["base"].encode()).hexdigest()[:12]
    py, stamp = d / "bin" / "python", d / "taxdocs-stamp"
    if py.exists() and stamp.exists() and stamp.read_text() == _stamp():
        return str(py)
    log(f"   making a virtual environment on {cand['exe']} ({cand['version']}) in {d} (once; ~40 s)")
    try:
        subprocess.run([cand["exe"], "-m", "venv", "--clear", str(d)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-e", f"{REPO}[bench]"], check=True,
                       capture_output=True, timeout=900)
    except (OSError, subprocess.SubprocessError) as e:
        err = getattr(e, "stderr", b"") or b""
        log(f"   not used: {type(e).__name__} {err.decode(errors='replace').strip().splitlines()[-1:] or ''}")
        return None
    stamp.write_text(_stamp())
    return str(py)
