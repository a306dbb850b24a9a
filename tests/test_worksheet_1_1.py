"""Pub. 590-B Worksheet 1-1 (rules.md §4.5), hand-computed here, and the Pub. 590-B steps that carry its
figures to Form 8606 (lines 13, 15a, 17, 18; lines 6-12 skipped when line 5 >= worksheet line 8)."""
from decimal import Decimal

from builders import form, person, run, scenario

IRA = {"prior_basis": 2000, "deductible_contributions": 1000, "nondeductible_contributions": 1000,
       "year_end_value": 30000}


def test_distribution_only():
    # ws: L1 2,000; L2 2,000; L3 4,000; L4 30,000; L5 5,000; L6 35,000; L7 .114; L8 570; L9 4,430; L10 0; L11 4,430
    g = run(scenario(2025, [form("d", 5000, ["7"], "2025-05-01", ira=True, box2a=5000)],
                     taxpayer=person(birth="1955-01-01", ira=IRA))).graph
    assert [g[f"ws11.taxpayer.line{i}"] for i in range(1, 12)] == [2000, 2000, 4000, 30000, 5000, 35000,
                                                                    Decimal("0.114"), 570, 4430, 0, 4430]
    f = "f8606.taxpayer."
    assert g[f + "worksheet"] is True
    assert (g[f + "line1"], g[f + "line3"], g[f + "line5"]) == (1000, 3000, 3000)
    assert g[f + "line6"] is None and g[f + "line10"] is None and g[f + "line12"] is None
    assert (g[f + "line13"], g[f + "line14"], g[f + "line15a"], g[f + "line15c"]) == (570, 2430, 4430, 4430)
    assert g["f1040.line4b"] == 4430


def test_distribution_and_conversion():
    # ws: L5 15,000; L6 45,000; L7 .089; L8 1,335; L9 13,665; L10 13,665 x 10,000/15,000 = 9,110; L11 4,555
    forms = [form("d", 5000, ["7"], "2025-05-01", ira=True, box2a=5000),
             form("c", 10000, ["7"], "2025-06-01", ira=True, box2a=10000,
                  uses=[{"kind": "conversion", "to": "roth_ira", "amount": 10000}])]
    g = run(scenario(2025, forms, taxpayer=person(birth="1955-01-01", ira=IRA))).graph
    f = "f8606.taxpayer."
    assert g["ws11.taxpayer.line7"] == Decimal("0.089") and g["ws11.taxpayer.line8"] == 1335
    assert (g[f + "line13"], g[f + "line14"], g[f + "line15a"]) == (1335, 1665, 4555)
    assert (g[f + "line16"], g[f + "line17"], g[f + "line18"]) == (10000, 890, 9110)
    assert g["f1040.line4b"] == 4555 + 9110


def test_falls_back_to_form_when_line_5_is_smaller():
    # Pub. 590-B step 4: 8606 line 5 < worksheet line 8 -> complete lines 6-15c of Form 8606
    ira = dict(IRA, prior_basis=0, deductible_contributions=6000, nondeductible_contributions=1000, year_end_value=0)
    g = run(scenario(2025, [form("d", 5000, ["7"], "2025-05-01", ira=True, box2a=5000)],
                     taxpayer=person(birth="1955-01-01", ira=ira))).graph
    # ws: L3 7,000; L6 5,000; L7 1.000; L8 5,000 > line 5 (1,000)
    assert g["ws11.taxpayer.line8"] == 5000 and g["f8606.taxpayer.worksheet"] is False
    # Form 8606: L10 = 1,000 / 5,000 = .200; L12 = L13 = 1,000
    assert g["f8606.taxpayer.line10"] == Decimal("0.200") and g["f8606.taxpayer.line13"] == 1000


def test_not_used_when_all_contributions_are_nondeductible():
    ira = dict(IRA, deductible_contributions=0)
    g = run(scenario(2025, [form("d", 5000, ["7"], "2025-05-01", ira=True, box2a=5000)],
                     taxpayer=person(birth="1955-01-01", ira=ira))).graph
    assert g["ws11.taxpayer.applies"] is False and g["f8606.taxpayer.line10"] is not None
