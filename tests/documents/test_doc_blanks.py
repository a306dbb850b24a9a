"""(d) blanks.py: search order, sha256 checks, fetch (urlopen patched)."""
from __future__ import annotations

import hashlib
import shutil
import stat
import urllib.error
import urllib.request

import pytest

from taxdocs.documents import blanks
from taxdocs.documents.blanks import BlankFormError, fetch, find_blank
from taxdocs.documents.fieldmaps import load_map


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Isolated cache and no TAXDOCS_FORMS_DIR."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(blanks.ENV_DIR, raising=False)
    return tmp_path


def put(src, dst):
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


def test_cache_dir_respects_xdg(env):
    assert blanks.cache_dir() == env / "xdg" / "taxdocs" / "forms"


def test_missing_blank_returns_none(env):
    assert find_blank("8606", 2025, env / "empty") is None
    assert find_blank("8606", 2024) is None  # no known revision for 2024
    assert find_blank("8606", 2026) is None


def test_year_and_flat_layouts(env, blank):
    src = blank("8606", 2025)
    p = put(src, env / "a" / "2025" / "f8606.pdf")
    assert find_blank("8606", 2025, env / "a") == p
    q = put(src, env / "b" / "f8606.pdf")
    assert find_blank("f8606", 2025, env / "b") == q


def test_search_order_arg_env_cache(env, blank, monkeypatch):
    src = blank("8606", 2025)
    cache = put(src, blanks.cache_dir() / "2025" / "f8606.pdf")
    assert find_blank("8606", 2025) == cache
    envdir = put(src, env / "e" / "f8606.pdf")
    monkeypatch.setenv(blanks.ENV_DIR, str(env / "e"))
    assert find_blank("8606", 2025) == envdir
    arg = put(src, env / "arg" / "2025" / "f8606.pdf")
    assert find_blank("8606", 2025, env / "arg") == arg


def test_sha_mismatch_is_a_clear_error(env):
    bad = env / "d" / "2025" / "f8606.pdf"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"%PDF-1.7 not the IRS form")
    actual = hashlib.sha256(bad.read_bytes()).hexdigest()
    with pytest.raises(BlankFormError) as e:
        find_blank("8606", 2025, env / "d")
    msg = str(e.value)
    assert str(bad) in msg and load_map("8606", 2025).sha256 in msg and actual in msg
    assert "--forms-dir" in msg


def test_other_revision_in_year_dir_is_an_error_but_skipped_in_flat_dir(env, blank):
    put(blank("8606", 2023), env / "y" / "2025" / "f8606.pdf")
    with pytest.raises(BlankFormError, match="2023 revision"):
        find_blank("8606", 2025, env / "y")
    put(blank("8606", 2023), env / "flat" / "f8606.pdf")
    assert find_blank("8606", 2025, env / "flat") is None
    assert find_blank("8606", 2023, env / "flat") == env / "flat" / "f8606.pdf"


class FakeResponse:
    def __init__(self, data):
        self.data = data

    def read(self, n=-1):
        return self.data

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def test_fetch_writes_cache_atomically_with_private_modes(env, blank, monkeypatch):
    data = blank("8606", 2023).read_bytes()
    seen = []

    def urlopen(req, timeout):
        seen.append((req.full_url, timeout))
        return FakeResponse(data)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    p = fetch("8606", 2023)
    assert seen == [("https://www.irs.gov/pub/irs-prior/f8606--2023.pdf", 20)]
    assert p == blanks.cache_dir() / "2023" / "f8606.pdf" and p.read_bytes() == data
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    for d in (p.parent, p.parent.parent, p.parent.parent.parent):  # 2023/, forms/, taxdocs/
        assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert list(p.parent.iterdir()) == [p]  # no temp files left
    assert find_blank("8606", 2023) == p  # and it is found next time
    seen.clear()
    assert fetch("8606", 2023) == p and seen == []  # cached


def test_fetch_tries_prior_url_when_current_moved_on(env, blank, monkeypatch):
    data = blank("8606", 2025).read_bytes()
    seen = []

    def urlopen(req, timeout):
        seen.append(req.full_url)
        return FakeResponse(b"%PDF newer revision" if req.full_url.endswith("f8606.pdf") else data)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    assert fetch("8606", 2025).read_bytes() == data
    assert seen == ["https://www.irs.gov/pub/irs-pdf/f8606.pdf",
                    "https://www.irs.gov/pub/irs-prior/f8606--2025.pdf"]


def test_fetch_mismatch_and_offline_raise_with_advice(env, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", lambda req, timeout: FakeResponse(b"junk"))
    with pytest.raises(BlankFormError, match="sha256") as e:
        fetch("8606", 2025)
    assert "--forms-dir" in str(e.value)
    assert not (blanks.cache_dir() / "2025" / "f8606.pdf").exists()

    def offline(req, timeout):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(BlankFormError, match="Name or service not known") as e:
        fetch("5329", 2025)
    assert "--forms-dir" in str(e.value) and blanks.ENV_DIR in str(e.value)
    with pytest.raises(BlankFormError, match="2024"):
        fetch("8606", 2024)
