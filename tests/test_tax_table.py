"""Form 1040 line 16 from the Tax Table (taxable income under $100,000): the rate-schedule tax on the middle of
the row, in whole dollars. Expected figures are the published 2015 Tax Table's rows (i1040 and i1040EZ 2015,
with that year's brackets as a raw schedule) and hand-worked 2025 figures; never taken from the program."""
from decimal import Decimal as D

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from taxdocs.model.load import from_data
from taxdocs.params import TaxTable, general, load_year
from taxdocs.rules.engine import compute
from taxdocs.rules.tax import Gains, line16_tax, table_tax, tax_on

TABLE = general().tax_table
P2025 = load_year(2025)
# 2015 rate schedules (Rev. Proc. 2014-61), as far as the rows below need them
SINGLE_2015 = [(0, D("0.10")), (9225, D("0.15")), (37450, D("0.25"))]
MFJ_2015 = [(0, D("0.10")), (18450, D("0.15")), (74900, D("0.25"))]

# taxable income -> "Your tax is" (2015 Tax Table; the first rows are the same in every column)
PUBLISHED_2015 = [
    (SINGLE_2015, 0, 0), (SINGLE_2015, 4, 0), (SINGLE_2015, 5, 1), (SINGLE_2015, 15, 2), (SINGLE_2015, 25, 4),
    (SINGLE_2015, 50, 6), (SINGLE_2015, 75, 9), (SINGLE_2015, 100, 11), (SINGLE_2015, 1000, 101),
    (SINGLE_2015, 1025, 104), (SINGLE_2015, 2175, 219), (SINGLE_2015, 3000, 303), (SINGLE_2015, 3050, 308),
    (SINGLE_2015, 3699, 368),
    (MFJ_2015, 25300, 2876),     # i1040 2015 Tax Table example: the Browns, joint, 25,300 -> 2,876
    (MFJ_2015, 25200, 2861), (MFJ_2015, 25349, 2876), (MFJ_2015, 25350, 2884),
    (SINGLE_2015, 25300, 3338),  # same rows, single column
    (SINGLE_2015, 26250, 3480),  # i1040EZ 2015 example: Mr. Brown, single, 26,250 -> 3,480
]


@pytest.mark.parametrize("schedule,income,tax", PUBLISHED_2015)
def test_published_2015_rows(schedule, income, tax):
    assert table_tax(D(income), "single", schedule, TABLE) == D(tax)


def test_rows():
    assert TABLE.row(D(0)) == (0, 5) and TABLE.row(D(14)) == (5, 15) and TABLE.row(D(49)) == (25, 50)
    assert TABLE.row(D(2999)) == (2975, 3000) and TABLE.row(D(3000)) == (3000, 3050)
    assert TABLE.row(D("99999.99")) == (99950, 100000) and TABLE.row(D(100000)) is None
    assert TABLE.row(D(-500)) == (0, 5)  # below zero: the first row (no tax)


def test_100000_and_over_is_the_schedule():
    # 2025 single: 22% from 48,475 to 103,350; 5,578.50 at 48,475
    assert table_tax(D(100000), "single", P2025, TABLE) == D("16914.00")  # 5,578.50 + 51,525 x 22%
    assert line16_tax(D(100010), "single", P2025, TABLE) == D(16916)  # 16,916.20 in whole dollars
    # just under: the row 99,950-100,000, taxed at 99,975: 16,908.50 -> 16,909 (half a dollar up)
    assert table_tax(D(99999), "single", P2025, TABLE) == D(16909)


def test_gains_worksheet_uses_the_table_for_lines_22_and_24():
    """2025 joint, taxable income 63,300 of which 30,000 gains: line 5 is 33,300, taxed from the table at 33,325:
    2,385 + 9,475 x 12% = 3,522 (the schedule gives 3,519); the gains are all at 0%. With 62,400 more: line 5
    95,700 at 95,725: 2,385 + 71,875 x 12% = 11,010; 1,000 at 0% (to 96,700), 29,000 at 15% = 4,350: 15,360."""
    g = Gains(D(30000), D(96700), D(600050), D("0.15"), D("0.20"))
    assert line16_tax(D(63300), "mfj", P2025, TABLE, g) == D(3522)
    assert line16_tax(D(125700), "mfj", P2025, TABLE, g) == D(15360)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-1000, max_value=99999), st.sampled_from(["single", "mfj", "mfs", "hoh", "qss"]))
def test_the_table_stays_within_half_a_row_of_the_schedule(income, status):
    t = table_tax(D(income), status, P2025, TABLE)
    lo, hi = TABLE.row(D(income))
    top = max(b.rate for b in P2025.brackets[status] if b.lower < hi)
    assert t == t.to_integral_value()
    assert abs(t - tax_on(D(income), status, P2025)) <= (hi - lo) / 2 * top + D("0.5")
    assert table_tax(D(income + 50), status, P2025, TABLE) >= t  # never less tax for more income


@pytest.mark.parametrize("bad,why", [
    ({"first_rows": [5, 15]}, "from 0"),
    ({"bands": [{"up_to": 3000, "width": 40}, {"up_to": 100000, "width": 50}]}, "must fill"),
    ({"below": 90000}, "not at `below`"),
])
def test_table_data_is_checked(bad, why):
    data = {**TABLE.model_dump(), **bad}
    with pytest.raises(ValidationError, match=why):
        TaxTable(**data)


def _ira_return(year, other_taxable_income, box1):
    """Single, 70, an IRA distribution on top of the other taxable income."""
    from builders import form, person, scenario
    return compute(from_data(scenario(year, [form("ira", box1, ["7"], f"{year}-06-01", ira=True, box2a=box1,
                                                  box2b_not_determined=True)],
                                      taxpayer=person(birth="1955-03-01", ira={"year_end_value": 0}),
                                      income=other_taxable_income)))


def test_engine_line16_beside_the_schedule():
    """2025 single, other taxable income 40,010; a 10,000 IRA distribution. Table: the row 40,000-40,050 at
    40,025 = 1,192.50 + 28,100 x 12% = 4,564.50 -> 4,565; the row 50,000-50,050 at 50,025 = 5,578.50 + 1,550 x 22%
    = 5,919.50 -> 5,920."""
    res = _ira_return(2025, 40010, 10000)
    L = res.lines()
    # schedule: 1,192.50 + 28,085 x 12% = 4,562.70; 50,010: 5,578.50 + 1,535 x 22% = 5,916.20
    assert (L["tax.without"], L["tax.with"], L["tax.difference"]) == (D("4562.70"), D("5916.20"), D("1353.50"))
    assert (L["tax.line16_without"], L["tax.line16_with"], L["tax.line16_difference"]) == (D(4565), D(5920), D(1355))
    assert L["tax.total_cost"] == D("1353.50")  # the cost stays the schedule's: the slices add up to it
    assert "Tax Table" in res.graph.node("tax.line16_with").cite


def test_no_brackets_no_line16():
    L = _ira_return(2019, 40000, 1000).lines()
    assert L["tax.line16_with"] is None and L["tax.line16_difference"] is None
