"""Writing outputs: atomically (temp file beside the target, then rename) and owner-only (they hold PII)."""
from __future__ import annotations

import itertools
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def write_atomic(path: str | Path, data: bytes | str, mode: int = FILE_MODE, fsync: bool = True) -> Path:
    """A reader, or a rerun after SIGKILL, sees the old file or the new one, never half of one."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    target = os.fspath(path)
    fd, tmp = _create_temp(target, mode)
    try:
        try:
            os.fchmod(fd, mode)  # the umask may have taken bits away
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(path)


_COUNTER = itertools.count()


def _create_temp(target: str, mode: int) -> tuple[int, str]:
    """A new temp file beside `target` (same file system, so the rename is atomic): .NAME.PID.N.tmp.
    Cheaper than tempfile.mkstemp (no random names, no extra checks); O_EXCL still refuses to
    reuse a name left by another process."""
    head, name = os.path.split(target)
    while True:
        tmp = os.path.join(head, f".{name}.{os.getpid()}.{next(_COUNTER)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode), tmp
        except FileExistsError:
            continue
