"""Output files: safe names derived from the input file, atomic owner-only writes.

    names = OutputNames()                       # one per run: keeps names unique
    stem = names.stem_for(Path("../in/Jane Doe 2025.yaml"))   # 'Jane_Doe_2025'
    path = write_atomic(outdir, f"{stem}-summary.pdf", pdf_bytes)

Names keep only [A-Za-z0-9._-]: no directory part, no "..", no leading dot or dash, so
an output can neither escape OUTDIR nor hide itself or look like an option. Files are
written atomically, fsynced and 0o600 (core.files.write_atomic), so a reader never sees half
a PDF. Directories this module
creates get 0o700; an existing OUTDIR keeps its permissions.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
MAX_STEM = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class OutputError(OSError):
    """An output cannot be written where it was asked to go."""


def safe_stem(name: str, default: str = "scenario") -> str:
    """A file-name stem made only of [A-Za-z0-9._-], never '', '.', '..' or starting with '.' or '-'."""
    base = re.split(r"[\\/]", str(name))[-1]          # drop any directory part, / or \
    for ext in (".yaml", ".yml", ".json"):
        if base.lower().endswith(ext):
            base = base[: -len(ext)]
            break
    s = _UNSAFE.sub("_", base)
    s = re.sub(r"\.{2,}", ".", s)                       # no '..' anywhere
    s = s.lstrip(".-_").rstrip(".")
    s = s[:MAX_STEM].rstrip(".")
    return s or default


class OutputNames:
    """Hands out unique stems within one run (a.yaml and a.json both want 'a')."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def stem_for(self, path: str | Path) -> str:
        stem = safe_stem(Path(path).name)
        out, n = stem, 2
        while out.lower() in self._used:
            out = f"{stem}-{n}"
            n += 1
        self._used.add(out.lower())
        return out


def ensure_dir(path: str | Path) -> Path:
    """Create `path` (and missing parents) with 0o700, whatever the umask. Existing dirs are left alone."""
    p = Path(path)
    missing = []
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(d, DIR_MODE)
    target = Path(path)
    if not target.is_dir():
        raise OutputError(f"{target}: not a directory")
    return target


def write_atomic(directory: str | Path, name: str, data: bytes | str) -> Path:
    """Write `data` to directory/name atomically with mode 0o600; returns the path."""
    d = ensure_dir(directory)
    if name != safe_name(name):
        raise OutputError(f"unsafe output name {name!r}")
    dest = d / name
    if dest.resolve().parent != d.resolve():
        raise OutputError(f"{name!r} would be written outside {d}")
    if dest.is_dir() and not dest.is_symlink():
        raise OutputError(f"{dest}: a directory is in the way")
    from taxdocs.core.files import write_atomic as _write
    _write(dest, data, FILE_MODE)
    return dest


def safe_name(name: str) -> str:
    """The whole file name (stem plus suffix) under the same rule as safe_stem."""
    s = _UNSAFE.sub("_", re.split(r"[\\/]", str(name))[-1])
    s = re.sub(r"\.{2,}", ".", s).lstrip(".-_")
    return s or "output"
