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


def _names(d):
    return sorted(os.listdir(d))


@pytest.mark.parametrize("tmpfile", [True, False], ids=["O_TMPFILE", "temp+rename"])
def test_both_ways_write_replace_and_leave_nothing_else(tmp_path, monkeypatch, tmpfile):
    from taxdocs.core import files
    if not tmpfile:
        monkeypatch.setattr(files, "_TMPFILE", 0)
    elif files._LINKAT is None:
        pytest.skip("no O_TMPFILE / linkat on this platform")
    else:  # the unnamed-file way must be the one taken: the temp-file way refuses
        monkeypatch.setattr(files, "_create_temp", lambda *a: pytest.fail("went the temp + rename way"))
    p = tmp_path / "r.json"
    write_atomic(p, b"first")
    write_atomic(p, b"second, longer")  # the target exists: replaced whole
    write_atomic(tmp_path / "s.json", b"x" * 200_000, fsync=False)
    assert p.read_bytes() == b"second, longer" and (tmp_path / "s.json").stat().st_size == 200_000
    assert _names(tmp_path) == ["r.json", "s.json"]
    assert {(tmp_path / n).stat().st_mode & 0o777 for n in _names(tmp_path)} == {0o600}


def test_a_file_system_without_o_tmpfile_falls_back_and_is_remembered(tmp_path, monkeypatch):
    import errno
    from taxdocs.core import files
    if files._LINKAT is None:
        pytest.skip("no O_TMPFILE / linkat on this platform")
    real_open, refused = os.open, []

    def fake_open(path, flags, *a, **k):
        if flags & files._TMPFILE == files._TMPFILE:
            refused.append(path)
            raise OSError(errno.EOPNOTSUPP, "Operation not supported")
        return real_open(path, flags, *a, **k)
    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(files, "_NO_TMPFILE", set())
    write_atomic(tmp_path / "a", b"1")
    write_atomic(tmp_path / "b", b"2")
    assert (tmp_path / "a").read_bytes() == b"1" and (tmp_path / "b").read_bytes() == b"2"
    assert refused == [str(tmp_path)]  # asked once; the second write went straight the portable way
    assert _names(tmp_path) == ["a", "b"]


@pytest.mark.parametrize("tmpfile", [True, False], ids=["O_TMPFILE", "temp+rename"])
def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch, tmpfile):
    from taxdocs.core import files
    if not tmpfile:
        monkeypatch.setattr(files, "_TMPFILE", 0)
    p = tmp_path / "r.json"
    write_atomic(p, b"old")

    def full(fd, data):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError):
        write_atomic(p, b"new")
    with pytest.raises(OSError):
        write_atomic(tmp_path / "n.json", b"new")
    monkeypatch.undo()
    assert p.read_bytes() == b"old" and _names(tmp_path) == ["r.json"]


def test_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "no" / "such" / "f.json", b"x")


@pytest.mark.parametrize("umask, chmods", [(0o022, 0), (0o077, 0), (0o277, 1)])
def test_fchmod_only_when_the_umask_took_bits_from_the_mode(tmp_path, monkeypatch, umask, chmods):
    """One system call less per output file in the usual case; a umask that took owner bits still gets
    them put back (test_mode_is_0600_under_any_umask)."""
    from taxdocs.core import files
    calls = []
    real = os.fchmod
    monkeypatch.setattr(files, "_UMASK", umask)
    monkeypatch.setattr(os, "fchmod", lambda fd, mode: (calls.append(mode), real(fd, mode)))
    write_atomic(tmp_path / "f.json", b"{}", fsync=False)
    assert len(calls) == chmods
