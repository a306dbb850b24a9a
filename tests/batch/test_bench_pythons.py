"""bench/pythons.py: which CPython builds the batch benchmark compares (no timing here)."""
from __future__ import annotations

import os
import sys

import pythons  # bench/ is on sys.path (conftest)


def test_current_interpreter_is_listed_first_and_others_are_other_builds():
    cands = pythons.candidates()
    assert cands[0]["label"] == "current" and cands[0]["exe"] == sys.executable
    bases = [c["base"] for c in cands]
    assert len(bases) == len(set(bases))  # one entry per build, never the same one twice
    for c in cands[1:]:
        assert c["exe"] in pythons.SYSTEM and os.path.exists(c["exe"])


def test_describe_refuses_what_cannot_run_taxdocs(tmp_path):
    assert pythons._describe(str(tmp_path / "no-such-python")) is None
    real, (major, minor), version = pythons._describe(sys.executable)
    assert (major, minor) == sys.version_info[:2] and version == sys.version.split()[0]
