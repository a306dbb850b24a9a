"""The QCD offset totals through the ledger (IRC §408(d)(8)(A) last sentence; Notice 2020-68; Pub. 590-B QCD
Adjustment Worksheet): each year records the IRA deductions allowed after 70½ and the QCD reductions so far;
next year's blank `ira.deductions_after_70_half_prior` / `ira.qcd_reductions_prior` are filled from them."""
from __future__ import annotations

from decimal import Decimal

import pytest
from ledger_scenarios import CLIENT, SSN, jim, year1, year2
from sqlalchemy import text

from taxdocs.ledger import keys
from taxdocs.ledger.carry import fill_from_ledger
from taxdocs.ledger.store import CarryFacts, LedgerNeedsAmend, open_store
from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def totals(ira) -> tuple:
    return ira.deductions_after_70_half_prior, ira.qcd_reductions_prior


def carried(store) -> tuple:
    f = store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts
    return f.deductions_after_70_half, f.qcd_reductions


# Notice 2020-68 / Pub. 590-B "Jim" (70½ in 2019), moved to 2024-2026; every year after the first leaves both blank:
# 2024: deducts 5,000, no QCD. Carried: deductions after 70½ 5,000; reductions 0.
# 2025: deducts 5,000; QCD 6,000. Offset 5,000 + 5,000 - 0 = 10,000 >= 6,000: all 6,000 taxable (line 4b).
#       Carried: 5,000 + 5,000 = 10,000; reductions 0 + 6,000 = 6,000.
# 2026: no deduction; QCD 6,500. Offset 10,000 - 6,000 = 4,000: 4,000 taxable, 2,500 excluded.
#       Carried: 10,000; reductions 6,000 + 4,000 = 10,000.
JIM_YEARS = [
    # scenario, filled (deductions, reductions), line 4b, carried (deductions, reductions)
    (jim(2024, contribution=5000), (None, None), None, (5000, 0)),                # no distribution: no line 4b
    (jim(2025, qcd=6000, contribution=5000), (5000, None), 6000, (10000, 6000)),   # a 0 stays blank (= 0)
    (jim(2026, qcd=6500), (10000, 6000), 4000, (10000, 10000)),
]


def test_jim_three_years_through_the_ledger(store):
    for data, filled_totals, line4b, carry in JIM_YEARS:
        filled, findings = fill_from_ledger(from_data(data), store)
        assert totals(filled.taxpayer.ira) == filled_totals, data["tax_year"]
        if filled_totals[0]:
            [f] = [f for f in findings if f.code == "LEDGER_FILLED"]
            assert f"IRA deductions after 70½ {filled_totals[0]:,}" in f.message
        assert compute(filled, "t").graph["f1040.line4b"] == line4b, data["tax_year"]
        assert store.commit(from_data(data)).outcomes[0].status == "new"
        assert carried(store) == carry, data["tax_year"]


def test_under_70_half_nothing_is_carried_or_filled(store):
    store.commit(from_data(year1()))                 # Pat, born 1980
    assert carried(store) == (0, 0)
    filled, findings = fill_from_ledger(from_data(year2()), store)
    assert totals(filled.taxpayer.ira) == (None, None)
    assert "70½" not in " ".join(f.message for f in findings)


@pytest.mark.parametrize("given, field, scenario_text, ledger_text", [
    ({"deductions_after_70_half_prior": 3000}, "taxpayer.ira.deductions_after_70_half_prior", "3,000", "5,000"),
    ({"qcd_reductions_prior": 1000}, "taxpayer.ira.qcd_reductions_prior", "1,000", "0"),
    ({"deductions_after_70_half_prior": "5000.00", "qcd_reductions_prior": 0}, None, None, None),  # agree
])
def test_given_totals_are_kept_and_disagreements_reported(store, given, field, scenario_text, ledger_text):
    store.commit(from_data(jim(2024, contribution=5000)))
    filled, findings = fill_from_ledger(from_data(jim(2025, qcd=6000, **given)), store)
    ira = filled.taxpayer.ira
    for k, v in given.items():
        assert getattr(ira, k) == Decimal(v)              # the scenario's value is used
    dis = [f for f in findings if f.code == "LEDGER_DISAGREES"]
    if field is None:
        assert dis == []
        return
    [d] = dis
    assert d.severity == "warning" and d.field == field and "§408(d)(8)(A)" in d.rule
    assert d.data == {"scenario": scenario_text, "ledger": ledger_text, "ledger_year": 2024, "ledger_version": 1}


def test_gap_does_not_fill_the_totals(store):
    store.commit(from_data(jim(2024, contribution=5000)))
    filled, findings = fill_from_ledger(from_data(jim(2026, qcd=6500)), store)     # 2025 missing
    [gap] = [f for f in findings if f.code == "LEDGER_GAP"]
    assert "QCD offset totals" in gap.message
    assert totals(filled.taxpayer.ira) == (None, None)


def _seeded(store):
    store.seed(CLIENT, SSN, 2024, CarryFacts(ira_basis=Decimal(0), roth_contribution_basis=Decimal(0)))


def _nulled(store):
    """A year written before the ledger kept the totals (schema 0002): NULL in both."""
    store.commit(from_data(jim(2024, contribution=5000)))
    with store.engine.begin() as c:
        c.execute(text("UPDATE ledger_year SET deductions_after_70_half = NULL, qcd_reductions = NULL"))


@pytest.mark.parametrize("make", [_seeded, _nulled], ids=["seed", "old row"])
def test_a_year_without_the_totals_neither_fills_nor_disagrees(store, make):
    make(store)
    assert carried(store) == (None, None)
    filled, findings = fill_from_ledger(from_data(jim(2025, qcd=6000)), store)
    assert totals(filled.taxpayer.ira) == (None, None) and "LEDGER_FILLED" in codes(findings)
    _, findings = fill_from_ledger(from_data(jim(2025, qcd=6000, deductions_after_70_half_prior=7000,
                                                 qcd_reductions_prior=100)), store)
    assert "LEDGER_DISAGREES" not in codes(findings)


def test_a_qcd_over_an_old_ledger_year_asks_for_the_totals(store):
    """The 2024 row has no totals (written before schema 0003): with a 2025 QCD and both inputs blank, the offset
    would silently use this year's deduction only, so a warning asks for them; given, or no QCD, no warning."""
    _nulled(store)
    _, findings = fill_from_ledger(from_data(jim(2025, qcd=6000)), store)
    [w] = [f for f in findings if f.code == "LEDGER_QCD_TOTALS_NOT_RECORDED"]
    assert w.severity == "warning" and "2024" in w.message and w.field == "taxpayer.ira.deductions_after_70_half_prior"
    for data in (jim(2025, qcd=6000, deductions_after_70_half_prior=5000, qcd_reductions_prior=0), jim(2025)):
        _, findings = fill_from_ledger(from_data(data), store)
        assert "LEDGER_QCD_TOTALS_NOT_RECORDED" not in codes(findings)


def test_a_provisional_total_is_flagged_when_filled(store):
    """No birth date in 2024: whether 70½ was reached is unknown, so the 5,000 is left out, provisionally."""
    d = jim(2024, contribution=5000)
    d["taxpayer"]["birth_date"] = None
    store.commit(from_data(d))
    assert carried(store) == (0, 0)
    assert "deductions_after_70_half" in store.current_years(CLIENT, keys.ssn_key(SSN))[-1].facts.provisional
    filled, findings = fill_from_ledger(from_data(jim(2025, qcd=6000)), store)
    assert totals(filled.taxpayer.ira) == (0, None)
    [p] = [f for f in findings if f.code == "LEDGER_PROVISIONAL"]
    assert p.field == "taxpayer.ira.deductions_after_70_half_prior" and "§408(d)(8)(A)" in p.rule


def test_an_amendment_names_the_changed_total(store):
    store.commit(from_data(jim(2024, contribution=5000)))
    with pytest.raises(LedgerNeedsAmend, match="deductions after 70½ 5,000 -> 6,000"):
        store.commit(from_data(jim(2024, contribution=6000)))


def test_export_and_import_carry_the_totals(store, tmp_path):
    store.commit(from_data(jim(2024, contribution=5000)))
    doc = store.export(CLIENT)
    facts = doc["people"][0]["years"][0]["facts"]
    assert (facts["deductions_after_70_half"], facts["qcd_reductions"]) == ("5000", "0")
    with open_store(tmp_path / "other.db") as other:
        other.import_(doc)
        filled, _ = fill_from_ledger(from_data(jim(2025, qcd=6000)), other)
        assert totals(filled.taxpayer.ira) == (5000, None)


def test_blank_totals_keep_the_content_hash_and_seed_facts_of_earlier_versions():
    """Before they could be blank the two inputs were 0: a year committed then hashes the same now. A seed's
    hash covers CarryFacts.as_dict(), which leaves out totals not recorded."""
    text_ = keys.canonical_scenario(from_data(year1()))
    assert '"deductions_after_70_half_prior":"0"' in text_ and '"qcd_reductions_prior":"0"' in text_
    # hashes of these scenarios as the ledger computed them before inputs were added (commit 566fe45)
    with_exception = year2()
    with_exception["forms_1099r"][1]["exceptions"] = [{"number": "03", "amount": 100}]
    for data, before in ((year1(), "be590a12fc243bb39498c985c08e92e339407db5fa8e5acf087da61390156484"),
                         (year2(), "4a4fa160c01c4e25ba335b25e501a3cfb22cf7d42a033ebad4504ff42d5a0279"),
                         (with_exception, "5ff22c87f62d33f109de7fed85d1a824a2bc9f07d1c859e4016a5e026678ab76")):
        assert keys.content_hash(keys.canonical_scenario(from_data(data))) == before
    assert set(CarryFacts(Decimal(0), Decimal(0)).as_dict()).isdisjoint({"deductions_after_70_half", "qcd_reductions"})


def test_filed_lines_added_later_keep_the_content_hash():
    """A year committed with `filed:` before Form 5329 lines and the 4c/5c notations could be given hashes the same
    now (hash from the code before they were added)."""
    data = year1()
    data["filed"] = {"f1040": {"4b": 100}, "f8606_taxpayer": {"15c": 100}}
    before = "009a85cd8e1dd348de6310c6af172a9c9fde77e158588907fb5e2d9e95434078"
    assert keys.content_hash(keys.canonical_scenario(from_data(data))) == before
    data["filed"]["f1040_notations"] = {"4c": ["Rollover"]}
    assert keys.content_hash(keys.canonical_scenario(from_data(data))) != before


def test_history_shows_the_totals(store, ledger_url):
    from typer.testing import CliRunner
    from taxdocs.cli import app
    for data, *_ in JIM_YEARS[:2]:
        store.commit(from_data(data))
    r = CliRunner().invoke(app, ["ledger", "history", CLIENT, "--ledger", ledger_url])
    out = " ".join(r.stdout.split())
    assert r.exit_code == 0 and "QCD offset: IRA deductions after 70½ 5,000 · QCD reductions 0" in out
    assert "QCD offset: IRA deductions after 70½ 10,000 · QCD reductions 6,000" in out
