"""The catalogue itself: complete, well-formed, documented, and every code tested."""
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from taxdocs.checks import catalogue as cat
from taxdocs.checks.finding import SEVERITIES, Finding

REPO = Path(__file__).resolve().parents[2]
CHECKS_SRC = REPO / "taxdocs" / "checks"
RULES_SRC = REPO / "taxdocs" / "rules"
TESTS = Path(__file__).parent


def test_every_entry_is_complete():
    entries = cat.catalogue()
    assert len(entries) >= 60
    for code, e in entries.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", code)
        assert e.severity in SEVERITIES
        assert e.title and e.rule and e.message and e.fix, code


def test_severities_the_brief_fixes():
    sev = {c: e.severity for c, e in cat.catalogue().items()}
    assert sev["ROLLOVER_60_DAY_LATE"] == "error"            # late without a waiver
    assert sev["ROLLOVER_SELF_CERTIFIED"] == "warning"       # accepted, subject to examination
    for c in ("ROLLOVER_AUTOMATIC_WAIVER", "ROLLOVER_PLR_WAIVER", "ROLLOVER_POSTPONED_DEADLINE",
              "OUTSTANDING_ROLLOVER", "BASIS_ASSUMED_ZERO", "PROVISIONAL_LINES", "CODE_S_START_UNKNOWN"):
        assert sev[c] == "info", c
    assert sev["CODE_1_OVER_59_HALF"] == "warning"
    assert sev["WITHHOLDING_NOT_20_PERCENT"] == "warning"
    assert sev["FILED_MISMATCH"] == "error"
    assert all(sev[c] == "error" for c in sev if c.startswith("INPUT_") or c.endswith("_EXCEEDS_BOX1"))


def test_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError, match="NO_SUCH_CODE"):
        cat.make("NO_SUCH_CODE")


def test_missing_placeholder_is_a_programming_error():
    with pytest.raises(KeyError, match="BOX_3_EXCEEDS_2A"):
        cat.make("BOX_3_EXCEEDS_2A", form="x", box3=Decimal(1))


def test_make_fills_figures_and_dates_for_people():
    f = cat.make("ROLLOVER_60_DAY_LATE", record="r1", field="forms_1099r[0].uses[0].date", form="r1",
                 amount=Decimal("8000"), paid=date(2025, 3, 1), deposited=date(2025, 5, 1), days=61,
                 deadline=date(2025, 4, 30), waiver="", early="")
    assert isinstance(f, Finding)
    assert (f.code, f.severity, f.record, f.field) == ("ROLLOVER_60_DAY_LATE", "error", "r1",
                                                      "forms_1099r[0].uses[0].date")
    assert "$8,000" in f.message and "Mar 1, 2025" in f.message and "61 days" in f.message
    assert "Apr 30, 2025" in f.message
    assert f.data["amount"] == Decimal("8000")
    assert f.to_dict()["data"]["paid"] == "2025-03-01"


def test_money_formatting():
    assert cat.money(Decimal("1234.5")) == "$1,234.50"
    assert cat.money(Decimal("1234")) == "$1,234"
    assert cat.money(Decimal("-5")) == "-$5"


def test_bad_catalogue_is_refused(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("lower_case:\n  severity: error\n  topic: input\n  title: t\n  rule: r\n  message: m\n  fix: f\n")
    with pytest.raises(cat.CatalogueError):
        cat._load(p)
    p.write_text("X_Y:\n  severity: fatal\n  topic: input\n  title: t\n  rule: r\n  message: m\n  fix: f\n")
    with pytest.raises(cat.CatalogueError):
        cat._load(p)


def _source_codes() -> set[str]:
    """Codes the checker emits: make("CODE" ... and f"BOX_..." built names."""
    found = set()
    for py in CHECKS_SRC.glob("*.py"):
        found |= set(re.findall(r'make\(\s*"([A-Z0-9_]+)"', py.read_text()))
    return found


def _engine_event_codes() -> set[str]:
    found = set()
    for py in RULES_SRC.glob("*.py"):
        text = py.read_text()
        found |= set(re.findall(r'_event\(\s*leg,\s*"([A-Z0-9_]+)"', text))
        found |= set(re.findall(r'Event\(\s*"([A-Z0-9_]+)"', text))
    return found


def test_every_code_the_checker_emits_is_catalogued():
    assert _source_codes() - set(cat.catalogue()) == set()


def test_every_engine_event_is_catalogued():
    events = _engine_event_codes()
    assert "ROLLOVER_60_DAY_LATE" in events and "QCD_OVER_LIMIT" in events
    assert events - set(cat.catalogue()) == set()


def test_every_catalogued_code_has_a_test():
    """The brief: each finding has a test that triggers it (and a near miss that does not)."""
    text = "".join(p.read_text() for p in TESTS.glob("test_*.py") if p.name != Path(__file__).name)
    text += "".join(p.read_text() for p in (TESTS.parent / "ledger").glob("test_*.py"))  # LEDGER_* codes
    untested = [c for c in cat.catalogue() if f'"{c}"' not in text]
    assert untested == []


def test_docs_findings_md_is_up_to_date():
    """docs/findings.md is generated: `taxdocs findings --markdown > docs/findings.md`."""
    doc = REPO / "docs" / "findings.md"
    assert doc.read_text(encoding="utf-8") == cat.markdown()


def test_markdown_lists_every_code():
    md = cat.markdown()
    for code in cat.catalogue():
        assert f"`{code}`" in md
