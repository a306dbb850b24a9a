"""Invariants (hypothesis): basis is never created or destroyed; taxable + nontaxable = amount moved;
line 10 never above 1.000; line 14 never negative; plan legs split exactly."""
from decimal import ROUND_CEILING, Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from builders import form, person, run, scenario

money = st.integers(min_value=0, max_value=2_000_000)
pos_money = st.integers(min_value=1, max_value=2_000_000)


@settings(max_examples=150, deadline=None)
@given(prior=money, nondeductible=st.integers(0, 8000), late=st.integers(0, 8000), yev=money,
       dist=money, conv=money, deductible=st.integers(0, 8000))
# a backdoor conversion of a dollar more than the basis: line 10 rounds to 1.000 (rules.md §4.4, irahelp 35631)
@example(prior=0, nondeductible=6500, late=0, yev=0, dist=0, conv=6501, deductible=0)
def test_form_8606_part_1_invariants(prior, nondeductible, late, yev, dist, conv, deductible):
    late = min(late, nondeductible)
    forms = []
    if dist:
        forms.append(form("d", dist, ["7"], "2025-05-01", ira=True, box2a=dist))
    if conv:
        forms.append(form("c", conv, ["7"], "2025-06-01", ira=True, box2a=conv,
                          uses=[{"kind": "conversion", "to": "roth_ira", "amount": conv}]))
    p = person(birth="1955-01-01", ira={"prior_basis": prior, "nondeductible_contributions": nondeductible,
                                        "nondeductible_after_year_end": late, "year_end_value": yev,
                                        "deductible_contributions": deductible})
    g = run(scenario(2025, forms, taxpayer=p)).graph
    f = "f8606.taxpayer."
    basis = Decimal(prior + nondeductible)
    slack = (Decimal(dist + conv) * Decimal("0.0005")).to_integral_value(ROUND_CEILING) + 1
    if g[f + "part1"]:
        assert g[f + "line3"] == basis
        if g[f + "line10"] is not None:
            assert Decimal(0) <= g[f + "line10"] <= 1
        assert g[f + "line14"] >= 0
        # basis is neither created nor destroyed, but for the form's own rounding: line 10 (or Worksheet 1-1 line 7)
        # rounded up to 3 places may recover up to half a thousandth of what moved, and a dollar of whole-dollar
        # rounding, more than the basis; line 14 is then 0 (rules.md §4.4)
        recovered = g[f + "line13"] or 0
        if recovered <= basis:
            assert g[f + "line14"] + recovered == basis
        else:
            assert g[f + "line14"] == 0 and recovered - basis <= slack
        if g[f + "part1_full"] and not g[f + "worksheet"]:
            assert g[f + "line12"] + g[f + "line15a"] == dist          # taxable + nontaxable = distributed
            assert g[f + "line13"] <= basis + slack
    if g[f + "part2"]:
        assert g[f + "line17"] + g[f + "line18"] == conv               # taxable + nontaxable = converted
        assert g[f + "line17"] <= basis + slack
    assert g["f8606.taxpayer.basis_next_year"] >= 0
    taxable_ira = g["f1040.line4b"] or 0
    assert 0 <= taxable_ira <= dist + conv


@settings(max_examples=150, deadline=None)
@given(balance=pos_money, aftertax=money, legs=st.lists(st.tuples(st.sampled_from(
    ["traditional_ira", "roth_ira", "cash"]), st.integers(1, 500_000)), min_size=1, max_size=4))
# found by CI: whole-dollar pro rata left $1 of pre-tax money unplaced when the last leg was too small for it
@example(balance=4, aftertax=4, legs=[("cash", 3), ("cash", 3), ("cash", 12), ("cash", 1)])
def test_plan_split_invariants(balance, aftertax, legs):
    aftertax = min(aftertax, balance)
    gross = sum(a for _, a in legs)
    balance = max(balance, gross)
    uses = [{"kind": "cash", "amount": a} if to == "cash" else {"kind": "direct_rollover", "to": to, "amount": a}
            for to, a in legs]
    f = form("p", gross, ["7"], "2025-05-01", plan_account={"balance": balance, "after_tax": aftertax}, uses=uses)
    res = run(scenario(2025, [f], taxpayer=person(birth="1955-01-01")))
    grp = res.groups[0]
    assert grp.pretax + grp.aftertax == gross
    assert sum(l.pretax + l.aftertax for l in grp.legs) == gross
    assert all(l.pretax >= 0 and l.aftertax >= 0 for l in grp.legs)
    assert sum(l.pretax for l in grp.legs) == grp.pretax
    taxable = res.graph["f1040.line5b"]
    assert 0 <= taxable <= grp.pretax
    # pre-tax goes to the rollovers first (Notice 2014-54): cash carries pre-tax only if rollovers are full of it
    rolled = [l for l in grp.legs if l.is_rollover]
    if any(l.kept and l.pretax > 0 for l in grp.legs):
        assert all(l.pretax == l.amount for l in rolled)


@settings(max_examples=100, deadline=None)
@given(basis=money, dist=pos_money, layer=money, layer_tax=money, this_year=st.integers(0, 7000))
def test_roth_part_3_invariants(basis, dist, layer, layer_tax, this_year):
    layer_tax = min(layer_tax, layer)
    p = person(birth="1980-01-01", roth={"first_contribution_year": 2022, "contribution_basis": basis,
                                         "contributions_this_year": this_year,
                                         "conversions": [{"year": 2022, "amount": layer, "taxable": layer_tax}]})
    res = run(scenario(2025, [form("r", dist, ["J"], "2025-05-01")], taxpayer=p))
    g = res.graph
    order = g["f8606.taxpayer.roth_ordering"]
    assert order.from_contributions + order.from_conversions + order.from_earnings == dist
    assert g["f8606.taxpayer.line25c"] == order.from_earnings   # earnings are what is taxable
    assert g["f5329.taxpayer.line1"] == order.from_earnings + order.recapture_base


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(0, 10**7), caps=st.lists(st.integers(0, 10**6), min_size=1, max_size=6))
def test_apportion_places_everything_in_whole_dollars(amount, caps):
    """Pro rata in whole dollars (plan pre-tax money, NUA): nothing created or lost, no share above its cap."""
    from taxdocs.core.money import apportion
    caps = [Decimal(c) for c in caps]
    shares = apportion(Decimal(amount), caps)
    assert sum(shares) == min(Decimal(amount), sum(caps))
    assert all(Decimal(0) <= s <= c and s == s.to_integral_value() for s, c in zip(shares, caps))


@settings(max_examples=100, deadline=None)
@given(forms=st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), pos_money, money, money), min_size=1, max_size=4))
def test_inherited_roth_forms_invariants(forms):
    """Nonqualified inherited Roth IRA distributions, one Form 8606 Part III per decedent: each decedent's basis
    shelters only what their IRAs paid; the lines 22 and 24 split never changes line 25c; Form 1040 line 4b is
    the sum of the forms' lines 25c."""
    fs, basis = [], {}
    for n, (dec, amount, b, conv) in enumerate(forms):
        b = basis.setdefault(dec, (b, min(conv, b)))  # a decedent's basis is the same on each of their forms
        fs.append(form(f"i{n}", amount, ["T"], "2025-05-01", box2b_not_determined=True, source="inherited_roth_ira",
                       decedent=dec, decedent_first_roth_year=2023, decedent_roth_basis=b[0],
                       decedent_roth_conversion_basis=b[1]))
    res = run(scenario(2025, fs, taxpayer=person(birth="1990-01-01")))
    g = res.graph
    paid = {}
    for dec, amount, _, _ in forms:
        paid[dec] = paid.get(dec, 0) + amount
    assert [f.decedent for f in res.inherited] == list(paid)
    total = 0
    for f in res.inherited:
        k = f"f8606.{f.key}."
        b, conv = basis[f.decedent]
        assert g[k + "line19"] == paid[f.decedent]
        assert g[k + "line25c"] == max(paid[f.decedent] - b, 0)       # basis neither created nor shared
        assert g[k + "line22"] == b - conv                              # the decedent's contributions
        if g[k + "line23"] > 0:
            assert g[k + "line24"] == conv                              # then the conversions
        total += g[k + "line25c"]
    assert g["f1040.line4b"] == total and g["f1040.line4a"] == sum(paid.values())


@settings(max_examples=120, deadline=None)
@given(basis=st.integers(0, 60_000), yev=money, conversions=st.lists(st.tuples(pos_money, st.booleans()), min_size=1,
       max_size=3), plan=st.tuples(st.integers(0, 300_000), st.integers(0, 300_000), st.booleans()),
       roth_out=st.integers(0, 400_000), history=st.integers(0, 100_000))
def test_layers_split_by_deposit_year_keep_every_dollar(basis, yev, conversions, plan, roth_out, history):
    """Conversions and a plan rollover into a Roth IRA, each deposited in December or January, and a December Roth
    distribution: the layers carried hold what was there plus what went in less what came out, each part's taxable
    money within its amount, none of it distributed twice (IRC §408A(d)(3)(F); rules.md §7.3)."""
    from taxdocs.core.money import z
    from taxdocs.rules.carry import carry_forward
    ira_forms = [form(f"ira{k}", amt, ["2"], "2025-12-10", ira=True, box2a=amt, box2b_not_determined=True, uses=[
        {"kind": "conversion", "amount": amt, "date": "2026-01-05" if late else "2025-12-12"}])
        for k, (amt, late) in enumerate(conversions)]
    plan_gross, plan_aftertax, plan_late = plan
    forms = list(ira_forms)
    if plan_gross:
        aftertax = min(plan_aftertax, plan_gross)
        forms.append(form("plan", plan_gross, ["1"], "2025-12-15", box2a=plan_gross - aftertax, box5=aftertax, uses=[
            {"kind": "indirect_rollover", "to": "roth_ira", "amount": plan_gross,
             "date": "2026-01-20" if plan_late else "2025-12-30"}]))
    if roth_out:
        forms.append(form("roth", roth_out, ["J"], "2025-12-31", box2a=roth_out, box2b_not_determined=True))
    roth = {"contribution_basis": 0, "first_contribution_year": 2015,
            "conversions": [{"year": 2021, "amount": history, "taxable": history // 2}] if history else []}
    res = run(scenario(2025, forms, taxpayer=person(birth="1975-05-01", roth=roth,
                                                    ira={"year_end_value": yev, "prior_basis": basis})))
    g = res.graph
    layers = carry_forward(res, "taxpayer").conversion_layers
    went_in = history + sum(a for a, _ in conversions) + plan_gross
    taken = min(Decimal(roth_out), went_in)  # the Roth IRA had no contributions: the rest is earnings
    left = sum(Decimal(l["amount"]) - Decimal(l["distributed"]) for l in layers)
    assert left == went_in - taken
    for l in layers:
        assert 0 <= Decimal(l["taxable"]) <= Decimal(l["amount"]) and 0 <= Decimal(l["distributed"]) <= Decimal(l["amount"])
        assert l["year"] in (2021, 2025, 2026)
    # the taxable money still in the layers: what was taxed on the way in less what the year's ordering took of it
    taxed_in = history // 2 + z(g["f8606.taxpayer.line18"]) + g["taxpayer.roth.plan_rollovers_taxable"]
    took_taxable = sum((s.taxable_part for s in g["f8606.taxpayer.roth_ordering"].slices), Decimal(0)) \
        if g["f8606.taxpayer.roth_ordering"] is not None else 0
    assert sum(max(Decimal(l["taxable"]) - Decimal(l["distributed"]), 0) for l in layers) == taxed_in - took_taxable
    late = sum(a for a, is_late in conversions if is_late) + (plan_gross if plan_late else 0)
    assert sum(Decimal(l["amount"]) for l in layers if l["year"] == 2026) == late
