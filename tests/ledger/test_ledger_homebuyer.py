"""Carried across years (audit of session 20): the $10,000 lifetime first-time homebuyer limit (IRC §72(t)(8)(B);
§408A(d)(5) for Roth IRAs), and a Roth contribution basis that was never given."""
from __future__ import annotations

from builders import form, person, run, scenario

from taxdocs.checks.run import check
from taxdocs.ledger.carry import fill_from_ledger
from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute

F8606, F5329 = "f8606.taxpayer.", "f5329.taxpayer."


def _roth_home(year, amount, expenses, **roth):
    # 40 years old; a Roth IRA since 2015 (5-year period met); code T, paid for a first home
    f = form("r", amount, ["T"], f"{year}-05-01", box2b_not_determined=True, source="roth_ira")
    return scenario(year, [f], client_id="C-HOME", taxpayer=person(
        birth="1985-01-01", roth={"first_contribution_year": 2015, "homebuyer_expenses": expenses, **roth}))


def _filled(store, data):
    sc, findings = fill_from_ledger(from_data(data), store)
    return compute(sc), findings


def test_the_homebuyer_limit_used_is_carried(store):
    """2024: 10,000 on line 20 (contribution basis 0). 2025: 5,000 more, the limit used up: line 20 0; line 21
    5,000; lines 22-24 0; 25c 5,000; 10% = 500 (i8606 line 20; i5329)."""
    store.commit(from_data(_roth_home(2024, 10000, 10000, contribution_basis=0)))
    res, findings = _filled(store, _roth_home(2025, 5000, 5000))
    g = res.graph
    assert (g["taxpayer.roth.prior_homebuyer"], g[F8606 + "line20"], g[F8606 + "line25c"], g[F5329 + "line4"]) == \
        (10000, 0, 5000, 500)
    assert "first-time homebuyer" in next(f for f in findings if f.code == "LEDGER_FILLED").message
    assert "ledger" in res.graph.node("taxpayer.roth.prior_homebuyer").source
    # near miss: the amount given in the scenario stands, and a different one is reported
    res, findings = _filled(store, _roth_home(2025, 5000, 5000, prior_homebuyer=4000))
    assert res.graph[F8606 + "line20"] == 5000
    assert any(f.code == "LEDGER_DISAGREES" and "homebuyer" in f.message for f in findings)


def test_exception_09_on_a_traditional_ira_uses_the_same_limit(store):
    """2024: 10,000 from a traditional IRA at 40, 09 claimed: excepted. 2025: 10,000 more, 09 claimed again: the
    lifetime limit is used up, so 10% of 10,000 = 1,000 (IRC §72(t)(2)(F), (t)(8)(B))."""
    def year(y):
        f = form("i", 10000, ["1"], f"{y}-05-01", ira=True, box2a=10000, exceptions=[{"number": "09"}])
        return scenario(y, [f], client_id="C-HOME-IRA", taxpayer=person(
            birth="1985-01-01", ira={"prior_basis": 0, "year_end_value": 50000}))
    first = run(year(2024))
    assert first.graph[F5329 + "line4"] == 0
    store.commit(from_data(year(2024)))
    res, _ = _filled(store, year(2025))
    assert (res.graph["taxpayer.roth.prior_homebuyer"], res.graph[F5329 + "line4"]) == (10000, 1000)


def test_a_roth_basis_never_given_is_not_filled_as_a_firm_zero(store):
    """2024 gives no Roth facts; 2025 has an early Roth IRA distribution. The ledger's 0 was never given, so 2025 asks
    for the basis (ROTH_BASIS_MISSING), as it does without the ledger."""
    store.commit(from_data(scenario(2024, [], client_id="C-V", taxpayer=person(
        birth="1980-01-01", ira={"prior_basis": 0, "year_end_value": 30000}))))
    data = scenario(2025, [form("r", 10000, ["J"], "2025-05-01", box2b_not_determined=True, source="roth_ira")],
                    client_id="C-V", taxpayer=person(birth="1980-01-01", roth={"first_contribution_year": 2020}))
    res, _ = _filled(store, data)
    assert res.graph.status("taxpayer.roth.contribution_basis") == "provisional"
    assert "ROTH_BASIS_MISSING" in {f.code for f in check(res)}
    # near miss: a basis given in 2024 is carried firm
    store.commit(from_data(scenario(2024, [], client_id="C-W", taxpayer=person(
        ssn="123-45-6780", birth="1980-01-01", ira={"prior_basis": 0, "year_end_value": 30000},
        roth={"contribution_basis": 0}))))
    data["client_id"], data["taxpayer"]["ssn"] = "C-W", "123-45-6780"
    res, _ = _filled(store, data)
    assert res.graph.status("taxpayer.roth.contribution_basis") == "complete"


def test_a_gap_in_the_ledger_keeps_the_homebuyer_use_as_the_least(store):
    """2023 used the whole limit, 2024 is missing: 2025 still knows at least 10,000 was used (it only grows)."""
    store.commit(from_data(_roth_home(2023, 10000, 10000, contribution_basis=0)))
    res, findings = _filled(store, _roth_home(2025, 5000, 5000))
    assert "LEDGER_GAP" in {f.code for f in findings}
    assert (res.graph["taxpayer.roth.prior_homebuyer"], res.graph[F8606 + "line20"]) == (10000, 0)


def test_a_roth_basis_given_against_the_ledgers_unknown_zero_is_not_a_disagreement(store):
    store.commit(from_data(scenario(2024, [], client_id="C-U", taxpayer=person(
        birth="1980-01-01", ira={"prior_basis": 0, "year_end_value": 30000}))))
    _, findings = _filled(store, scenario(2025, [], client_id="C-U", taxpayer=person(
        birth="1980-01-01", roth={"contribution_basis": 5000})))
    assert "LEDGER_DISAGREES" not in {f.code for f in findings}
