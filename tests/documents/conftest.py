from __future__ import annotations

import logging
import urllib.request
from pathlib import Path

import pytest

from taxdocs.documents import fieldmaps

REPO = Path(__file__).resolve().parents[2]
SHARED_FORMS = REPO.parent / "shared" / "forms"

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pdf-notes §11


@pytest.fixture(scope="session")
def shared_forms() -> Path:
    """<repo>/../shared/forms with the official blanks (never in the repo)."""
    if not (SHARED_FORMS / "2025" / "f8606.pdf").is_file():
        pytest.skip(f"official blank PDFs not found in {SHARED_FORMS} "
                    "(they are not committed; put them there to run these tests)")
    return SHARED_FORMS


@pytest.fixture(scope="session")
def blank(shared_forms):
    """blank(form, year) -> Path of the official blank, or skip."""
    def get(form: str, year: int) -> Path:
        p = shared_forms / str(year) / f"{fieldmaps.norm_form(form)}.pdf"
        if not p.is_file():
            pytest.skip(f"{p} not found")
        return p
    return get


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests never hit the network; tests that test fetching patch urlopen."""
    def refuse(*a, **k):
        raise AssertionError("network access in tests")
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
