"""A conversion paid in December and deposited in January: taxed in the year paid (Form 8606 Part II of that year),
but its 5-year period begins with the year the money reached the Roth IRA (IRC §408A(d)(3)(F)(i)(II): "the taxable
year in which the contribution was made"), as does the qualified-distribution period it starts (Reg. §1.408A-6 A-2)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from builders import D, form, person, run, scenario

from taxdocs.checks.run import check
from taxdocs.errors import InputError
from taxdocs.ledger.carry import fill_from_ledger
from taxdocs.model.load import from_data
from taxdocs.rules.carry import carry_forward

BORN = "1975-05-01"  # under 59½ through 2030


def dec_jan(year=2025, basis=0, later=12000, now=8000, extra=(), **ira) -> dict:
    """An IRA paid in December: `later` rolled into a Roth IRA on Jan 10, `now` converted on Dec 22."""
    uses = [{"kind": "indirect_rollover", "to": "roth_ira", "amount": later, "date": f"{year + 1}-01-10"}]
    if now:
        uses.append({"kind": "conversion", "amount": now, "date": f"{year}-12-22"})
    f = form("ira-dec", later + now, "2", f"{year}-12-20", ira=True, box2a=later + now, uses=uses)
    return scenario(year, [f, *extra], client_id="C-DJ",
                    taxpayer=person(birth=BORN, ira={"year_end_value": 0, "prior_basis": basis, **ira}))


def layers(res) -> list[tuple]:
    return [(l["year"], l["amount"], l["taxable"], l["distributed"])
            for l in carry_forward(res, "taxpayer").conversion_layers]


def test_taxed_in_the_year_paid_layered_by_the_year_deposited():
    res = run(dec_jan())
    g = res.graph
    assert (g["f8606.taxpayer.line16"], g["f8606.taxpayer.line18"]) == (20000, 20000)  # all taxed in 2025
    assert layers(res) == [(2025, 8000, 8000, 0), (2026, 12000, 12000, 0)]


def test_all_of_it_deposited_in_january_is_one_layer_of_next_year():
    res = run(dec_jan(now=0))
    assert layers(res) == [(2026, 12000, 12000, 0)]
    cf = carry_forward(res, "taxpayer")
    # no first Roth year given and no Roth money in 2025: 2026 at the latest, carried as a bound (second read: kept
    # across a gap in the ledger, which fills the first year but not the layers)
    assert (cf.roth_first_year, cf.roth_first_year_assumed) == (2026, True)


def test_the_taxable_part_goes_with_the_amount_pro_rata():
    """Basis 5,000, 20,000 converted, nothing left: line 17 5,000, line 18 15,000; the January 12,000 takes
    15,000 x 12,000 / 20,000 = 9,000 of the taxable part."""
    res = run(dec_jan(basis=5000))
    g = res.graph
    assert (g["f8606.taxpayer.line17"], g["f8606.taxpayer.line18"]) == (5000, 15000)
    assert layers(res) == [(2025, 8000, 6000, 0), (2026, 12000, 9000, 0)]


def test_a_plan_rollover_into_a_roth_ira_deposited_in_january():
    f = form("plan-dec", 30000, "1", "2025-12-15", box2a=30000, uses=[
        {"kind": "indirect_rollover", "to": "roth_ira", "amount": 30000, "date": "2026-01-20"}])
    res = run(scenario(2025, [f], taxpayer=person(birth=BORN)))
    assert res.graph["f1040.line5b"] == 30000
    assert layers(res) == [(2026, 30000, 30000, 0)]


def test_a_designated_roth_rollover_that_opens_the_first_roth_ira_in_january():
    """Reg. §1.408A-10 A-4: the Roth IRA's period starts with the year of its first contribution, the rollover:
    the year it was deposited."""
    f = form("roth401k", 40000, "H", "2025-12-18", box2a=0, box5=40000, box11=2015, uses=[
        {"kind": "indirect_rollover", "to": "roth_ira", "amount": 40000, "date": "2026-01-05"}])
    res = run(scenario(2025, [f], taxpayer=person(birth=BORN)))
    assert res.graph["taxpayer.roth.first_year"] == 2026
    assert "starts in 2026" in res.graph.node("taxpayer.roth.first_year").notes[0]


def test_the_next_year_takes_the_layer_of_its_own_year_from_the_ledger(store):
    store.commit(from_data(dec_jan()))
    nxt = scenario(2026, [form("roth", 15000, "J", "2026-06-01", box2a=15000, box2b_not_determined=True)],
                   client_id="C-DJ", taxpayer=person(birth=BORN, ira={"year_end_value": 0}))
    filled, findings = fill_from_ledger(from_data(nxt), store)
    assert [(c.year, c.amount) for c in filled.taxpayer.roth.conversions] == [(2025, 8000), (2026, 12000)]
    res = run(filled.model_dump(mode="json"))
    g = res.graph
    assert g["f8606.taxpayer.line24"] == 20000 and g["f8606.taxpayer.line25c"] == 0
    assert g["f5329.taxpayer.line1"] == 15000  # both layers inside their windows: 8,000 + 7,000
    assert "ROTH_LAYER_OF_THIS_YEAR" in [f.code for f in check(res)]


def test_in_the_fifth_year_only_the_january_layer_is_still_inside_its_window():
    """2030: the 2025 layer's window (2025-2029) is over, the 2026 layer's (2026-2030) is not."""
    roth = {"contribution_basis": 0, "first_contribution_year": 2025,
            "conversions": [{"year": 2025, "amount": 8000, "taxable": 8000},
                            {"year": 2026, "amount": 12000, "taxable": 12000}]}
    f = form("roth", 15000, "J", "2030-03-01", box2a=15000, box2b_not_determined=True)
    res = run(scenario(2030, [f], taxpayer=person(birth=BORN, roth=roth)))
    order = res.graph["f8606.taxpayer.roth_ordering"]
    assert [(s.year, s.taxable_part, s.window_open) for s in order.slices] == [(2025, 8000, False), (2026, 7000, True)]
    assert res.graph["f5329.taxpayer.line1"] == 7000


def test_a_layer_of_this_year_is_accepted_and_named_one_after_it_refused():
    roth = {"conversions": [{"year": 2026, "amount": 12000, "taxable": 12000}]}
    res = run(scenario(2026, [], taxpayer=person(birth=BORN, roth=roth)))
    [f] = [f for f in check(res) if f.code == "ROTH_LAYER_OF_THIS_YEAR"]
    assert f.severity == "info" and "2025 return" in f.message and "counted twice" in f.message
    late = {"conversions": [{"year": 2027, "amount": 12000, "taxable": 12000}]}
    with pytest.raises(InputError) as e:
        from_data(scenario(2026, [], taxpayer=person(birth=BORN, roth=late)))
    assert "2026 at the latest" in str(e.value.problems[0].message)


def test_distributed_this_year_comes_out_of_the_part_in_the_roth_ira_first():
    """A Roth distribution in the conversion's own year takes the year's layer (the form's Part III counts this
    year's conversion on line 24); the part carried as next year's layer is what it did not take."""
    roth_dist = form("roth", 9000, "J", "2025-12-30", box2a=9000, box2b_not_determined=True)
    res = run(dec_jan(extra=[roth_dist]))
    got = layers(res)
    assert sum(D(l[1]) - D(l[3]) for l in got) == 20000 - 9000  # basis is neither made nor lost
    assert got == [(2025, 8000, 8000, 8000), (2026, 12000, 12000, 1000)]
    assert all(Decimal(l[3]) <= Decimal(l[1]) for l in got)


def test_ledger_show_says_what_a_layer_of_next_year_is(ledger_url):
    from typer.testing import CliRunner

    from taxdocs.cli import app
    from taxdocs.ledger.store import open_store
    open_store(ledger_url).commit(from_data(dec_jan()))
    r = CliRunner().invoke(app, ["ledger", "show", "C-DJ", "--ledger", ledger_url], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    said = " ".join(r.output.split())
    assert "A layer of 2026: converted or rolled over on the 2025 return (paid in December) and deposited in 2026" in said


def _mixed(ira_late: bool) -> dict:
    """Second read: a 10,000 IRA conversion with 5,000 of basis (line 18 5,000) and a fully taxable 10,000 401(k)
    rollover into a Roth IRA; one of the two deposited in January."""
    ira = form("ira", 10000, "2", "2025-12-10", ira=True, box2a=10000, box2b_not_determined=True, uses=[
        {"kind": "conversion", "amount": 10000, "date": "2026-01-08" if ira_late else "2025-12-12"}])
    plan = form("plan", 10000, "1", "2025-12-15", box2a=10000, uses=[
        {"kind": "indirect_rollover", "to": "roth_ira", "amount": 10000,
         "date": "2025-12-30" if ira_late else "2026-01-20"}])
    return scenario(2025, [ira, plan], taxpayer=person(birth=BORN, ira={"year_end_value": 0, "prior_basis": 5000}))


@pytest.mark.parametrize("ira_late,want", [
    (False, [(2025, 10000, 5000, 0), (2026, 10000, 10000, 0)]),   # the plan rollover late: its own taxable part
    (True, [(2025, 10000, 10000, 0), (2026, 10000, 5000, 0)]),    # the IRA conversion late: line 18's share
])
def test_each_kind_takes_its_own_taxable_part(ira_late, want):
    res = run(_mixed(ira_late))
    assert res.graph["f8606.taxpayer.line18"] == 5000
    assert layers(res) == want


def test_what_this_year_took_taxable_first_leaves_no_taxable_twice():
    """Second read: 20,000 converted with 5,000 of basis (line 18 15,000), 12,000 of it deposited in January, and
    9,000 paid out of the Roth IRA in December, all of it from the taxable part. 6,000 of taxable money is left, not
    8,000."""
    roth_dist = form("roth", 9000, "J", "2025-12-30", box2a=9000, box2b_not_determined=True)
    res = run(dec_jan(basis=5000, extra=[roth_dist]))
    assert res.graph["f5329.taxpayer.line1"] == 9000
    got = layers(res)
    assert got == [(2025, 8000, 6000, 6000), (2026, 12000, 9000, 3000)]
    assert sum(max(D(t) - D(d), 0) for _, _, t, d in got) == 15000 - 9000


def test_a_seed_with_a_layer_of_the_next_year_needs_the_year_itself():
    """Second read: line 16 holds the January part too; a 2026 layer given alone counted it twice."""
    from taxdocs.ledger.seed import facts_from_8606
    from taxdocs.ledger.store import LedgerError
    read = {"lines": {"14": Decimal(0), "16": Decimal(20000), "17": Decimal(0), "18": Decimal(20000)}}
    nxt = {"year": 2026, "amount": Decimal(12000), "taxable": Decimal(12000), "distributed": Decimal(0)}
    with pytest.raises(LedgerError, match="give the 2025 layer too"):
        facts_from_8606(read, 2025, roth_first_year=2020, layers=(nxt,))
    now = {"year": 2025, "amount": Decimal(8000), "taxable": Decimal(8000), "distributed": Decimal(0)}
    f = facts_from_8606(read, 2025, roth_first_year=2020, layers=(now, nxt))
    assert [(l["year"], l["amount"]) for l in f.conversion_layers] == [(2025, 8000), (2026, 12000)]
