"""One HSA funding distribution in a lifetime (IRC §408(d)(9)(C)(ii)): `earlier_hfd_year` refuses a second one, and
the ledger carries the year of the first into every later year, across gaps."""
from __future__ import annotations

import pytest
from builders import form
from ledger_scenarios import CLIENT, SSN, base, pat

from taxdocs.checks.run import check
from taxdocs.errors import InputError
from taxdocs.ledger import keys
from taxdocs.ledger.carry import fill_from_ledger
from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute


def year(y: int, hfd: int = 0, **person) -> dict:
    """Pat (born 1980, family coverage) moves `hfd` from a traditional IRA with no basis to an HSA on May 1."""
    forms = [form("hsa", hfd, ["1"], f"{y}-05-01", ira=True, box2a=hfd, box2b_not_determined=True,
                  uses=[{"kind": "hfd", "amount": hfd}])] if hfd else []
    return base(y, pat(ira={"prior_basis": 0, "year_end_value": 20000}, hsa_coverage="family", **person), forms)


def codes(res) -> list[str]:
    return [f.code for f in check(res)]


def test_a_second_hfd_in_a_lifetime_is_taxable():
    res = compute(from_data(year(2025, 3000, earlier_hfd_year=2023)), "t")
    L = res.lines()
    assert (L["f1040.line4b"], L["f5329.taxpayer.line4"], L["f1040.line4c"]) == (3000, 300, [])
    [f] = [f for f in check(res) if f.code == "HFD_ONCE_IN_A_LIFETIME"]
    assert f.severity == "error" and "2023" in f.message and "$3,000" in f.message
    first = compute(from_data(year(2025, 3000)), "t")          # near miss: the first one
    assert first.lines()["f1040.line4b"] == 0 and "HFD_ONCE_IN_A_LIFETIME" not in codes(first)


def test_earlier_hfd_year_must_be_earlier():
    with pytest.raises(InputError) as e:
        from_data(year(2025, 3000, earlier_hfd_year=2025))
    assert "taxpayer.earlier_hfd_year" in str(e.value)


def test_the_ledger_carries_the_hfd_year_across_years_and_gaps(store):
    assert store.commit(from_data(year(2024, 2000))).outcomes[0].status == "new"     # the one HFD
    assert store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.hfd_year == 2024
    store.commit(from_data(year(2025)))                                                # no HFD: still carried
    assert store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.hfd_year == 2024
    filled, findings = fill_from_ledger(from_data(year(2026, 3000)), store)
    assert filled.taxpayer.earlier_hfd_year == 2024
    assert any("HSA funding distribution in 2024" in f.message for f in findings if f.code == "LEDGER_FILLED")
    assert compute(filled, "t").lines()["f1040.line4b"] == 3000
    # a gap (2026 and 2027 not committed): still filled, no later year can undo it
    filled, _ = fill_from_ledger(from_data(year(2028, 1000)), store)
    assert filled.taxpayer.earlier_hfd_year == 2024
    # given otherwise: the scenario's year is kept, and the ledger's is shown
    filled, findings = fill_from_ledger(from_data(year(2026, 3000, earlier_hfd_year=2022)), store)
    assert filled.taxpayer.earlier_hfd_year == 2022
    assert [f for f in findings if f.code == "LEDGER_DISAGREES" and f.field == "taxpayer.earlier_hfd_year"]


@pytest.mark.parametrize("person", [{"earlier_hfd_year": 2019}, {"hsa_coverage": "none"}])
def test_refused_in_a_year_without_hsa_limits_on_file(person):
    """Neither the lifetime rule nor eligibility depends on the year's dollar limits (none on file for 2022)."""
    data = year(2022, 3000)
    data["taxpayer"].update(person)
    res = compute(from_data(data), "t")
    assert res.lines()["f1040.line4b"] == 3000 and res.lines()["f1040.line4c"] == []
    found = codes(res)
    assert ("HFD_ONCE_IN_A_LIFETIME" in found or "HFD_NOT_ELIGIBLE" in found)
    assert "HFD_TESTING_PERIOD" not in found and "HFD_LIMIT_UNKNOWN" not in found


def test_a_year_recorded_before_the_ledger_kept_the_hfd_year(store):
    """An HFD committed before `hfd_year` was recorded: found on that year's 1099-Rs as committed."""
    from sqlalchemy import text
    store.commit(from_data(year(2024, 2000)))
    with store.engine.begin() as c:  # as the row was written before: no hfd_year in its notes
        c.execute(text("UPDATE ledger_year SET notes_json = '{\"notes\": [], \"provisional\": []}'"))
    assert store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.hfd_year is None
    store.commit(from_data(year(2025)))
    filled, findings = fill_from_ledger(from_data(year(2026, 3000)), store)
    assert filled.taxpayer.earlier_hfd_year == 2024
    assert any("as committed" in f.message for f in findings if f.code == "LEDGER_FILLED")
    filled, _ = fill_from_ledger(from_data(year(2026)), store)   # no HFD this year: nothing looked up
    assert filled.taxpayer.earlier_hfd_year is None


def test_the_hfd_year_survives_export_and_import(store, tmp_path):
    from taxdocs.ledger.store import CarryFacts, open_store
    store.commit(from_data(year(2024, 2000)))
    doc = store.export(CLIENT)
    other = open_store(str(tmp_path / "other.db"))
    try:
        other.import_(doc)
        assert other.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.hfd_year == 2024
    finally:
        other.close()
    facts = store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts
    assert CarryFacts.from_dict(facts.as_dict()).hfd_year == 2024


def test_ledger_show_says_the_hfd_year(store, ledger_url):
    from typer.testing import CliRunner

    from taxdocs.cli import app
    store.commit(from_data(year(2024, 2000)))
    out = CliRunner().invoke(app, ["ledger", "show", CLIENT, "--ledger", ledger_url])
    assert out.exit_code == 0 and "HSA funding distribution made in 2024" in out.output
