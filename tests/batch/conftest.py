from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_FORMS = REPO.parent / "shared" / "forms"
sys.path.insert(0, str(REPO / "bench"))


@pytest.fixture(scope="session")
def forms_dir() -> Path:
    if not (SHARED_FORMS / "2025" / "f8606.pdf").is_file():
        pytest.skip(f"official blank PDFs not found in {SHARED_FORMS}")
    return SHARED_FORMS


@pytest.fixture(scope="session")
def season(tmp_path_factory) -> Path:
    """60 synthetic records (JSON Lines), bad ones included."""
    import synth
    p = tmp_path_factory.mktemp("season") / "season.jsonl"
    synth.write_jsonl(60, 7, p)
    return p
