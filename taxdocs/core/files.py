"""Writing outputs: atomically (temp file beside the target, then rename) and owner-only (they hold PII)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def write_atomic(path: str | Path, data: bytes | str, mode: int = FILE_MODE, fsync: bool = True) -> Path:
    """A reader, or a rerun after SIGKILL, sees the old file or the new one, never half of one."""
    p = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = p.parent if str(p.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p
