"""Qualified dividends and capital gain in the tax effect (i1040 Qualified Dividends and Capital Gain Tax
Worksheet), and the net investment income tax (IRC §1411). Expected figures are worked by hand, line by line,
from the worksheet and the year's Rev. Proc. amounts; never taken from the program."""
from decimal import Decimal as D

import pytest
from hypothesis import given, settings, strategies as st

from taxdocs.errors import InputError
from taxdocs.model.load import from_data
from taxdocs.params import STATUSES, general, load_year
from taxdocs.rules.engine import compute
from taxdocs.rules.tax import Gains, tax_effect, tax_on, tax_with_gains

P2025 = load_year(2025)
GP = general()


def gains(amount, status, year=P2025) -> Gains:
    cg = year.capital_gains
    return Gains(D(amount), cg.zero_max[status], cg.fifteen_max[status], D("0.15"), D("0.20"))


# status, taxable income, gains -> worksheet line 25, and the gains at 0% / 15% / 20% (lines 9, 17, 20)
WORKSHEET = [
    # ordinary 40,000 = 1,192.50 + 28,075 x 12%; 8,350 at 0% (to 48,350), 11,650 at 15%
    ("single", 60000, 20000, "6309.00", (8350, 11650, 0)),
    # ordinary 60,000 = 2,385 + 36,150 x 12%; all gains under 96,700: 0%
    ("mfj", 90000, 30000, "6723.00", (30000, 0, 0)),
    # ordinary 500,000 = 144,547.25; 33,400 at 15% (to 533,400), 66,600 at 20%
    ("single", 600000, 100000, "162877.25", (0, 33400, 66600)),
    # taxable income below the gains: only 25,000 of them taxable, at 0%
    ("single", 25000, 30000, "0", (25000, 0, 0)),
    # HoH: 0% ends at 64,750 but the 12% bracket at 64,850, so line 24 (regular tax, 7,442) is less than
    # line 23 (7,430 + 100 x 15% = 7,445): line 25 takes it
    ("hoh", 64850, 100, "7442.00", (0, 100, 0)),
]


@pytest.mark.parametrize("status,ti,amount,tax,split", WORKSHEET)
def test_worksheet_by_hand(status, ti, amount, tax, split):
    total, s = tax_with_gains(D(ti), gains(amount, status), status, P2025)
    assert total == D(tax)
    assert (s.at_zero, s.at_middle, s.at_top) == tuple(D(x) for x in split)
    assert s.regular == (status == "hoh")  # only the HoH row takes line 24 (the regular tax)


def test_2025_ceilings_and_mfs_not_half_of_joint():
    cg = P2025.capital_gains
    assert (cg.zero_max["mfj"], cg.fifteen_max["mfj"]) == (D(96700), D(600050))
    assert cg.fifteen_max["mfs"] == D(300000)  # Rev. Proc. 2024-40 rounds it on its own: not 300,025
    for year in (2023, 2024, 2025, 2026):
        p = load_year(year)
        assert p.capital_gains is not None and "[S]" in p.source("capital_gains.zero_max")
        for s in STATUSES:
            assert 0 < p.capital_gains.zero_max[s] < p.capital_gains.fifteen_max[s]


def test_retirement_income_pushes_dividends_from_0_to_15_percent():
    # 2025 single, other taxable income 60,000 of which 20,000 gains; a 10,000 distribution: ordinary 40,000 -> 50,000
    # (8,475 at 12%, 1,525 at 22%), and the 8,350 of gains at 0% move to 15% (+1,252.50): 6,309 -> 8,914
    e = tax_effect(D(60000), D(10000), "single", P2025, gains(20000, "single"))
    assert (e.tax_without, e.tax_with, e.difference) == (D("6309.00"), D("8914.00"), D("2605.00"))
    assert [(s.rate, s.amount_in_bracket) for s in e.slices] == [(D("0.12"), D(8475)), (D("0.22"), D(1525))]
    assert e.gains_difference == D("1252.50")
    assert (e.gains_without.at_zero, e.gains_with.at_zero, e.gains_with.at_middle) == (D(8350), D(0), D(20000))


money = st.integers(min_value=-30000, max_value=900000)


@settings(max_examples=300, deadline=None)
@given(base=money, added=st.integers(min_value=0, max_value=400000), amount=st.integers(min_value=1, max_value=300000),
       status=st.sampled_from(STATUSES))
def test_the_parts_add_up(base, added, amount, status):
    """Slices on the ordinary schedule + the change on the gains = the difference; the slices hold all the added
    income; the worksheet never exceeds the regular tax (line 25) and taxes no more gains than there are."""
    g = gains(amount, status)
    e = tax_effect(D(base), D(added), status, P2025, g)
    assert sum((s.tax for s in e.slices), D(0)) + e.gains_difference == e.difference
    assert sum((s.amount_in_bracket for s in e.slices), D(0)) == added
    for ti, split in ((base, e.gains_without), (base + added, e.gains_with)):
        assert tax_with_gains(D(ti), g, status, P2025)[0] <= tax_on(D(ti), status, P2025)
        assert split.at_zero + split.at_middle + split.at_top == min(max(ti, 0), amount)
    assert e.gains_difference >= 0  # more ordinary income never lowers the rate on the gains


def scenario(income: dict, status="single") -> dict:
    return {"tax_year": 2025, "filing_status": status,
            "taxpayer": {"name": "Pat Doe", "ssn": "400-11-2222", "birth_date": "1955-03-01",
                         "ira": {"year_end_value": 0}},
            "income": income,
            "forms_1099r": [{"id": "ira", "payer": {"name": "Big Bank"}, "box1": 100000, "box2a": 100000,
                             "box2b_not_determined": True, "box7": ["7"], "box7_ira_sep_simple": True,
                             "date_paid": "2025-06-01"}]}


def test_engine_niit_and_gains_from_agi():
    """2025 single, 70: AGI 120,000 (15,000 qualified dividends, 5,000 gain), NII 30,000; a 100,000 IRA distribution.
    Without: deduction 15,750 + 2,000 + senior 6,000 - 6% x 45,000 = 21,050; TI 98,950: 78,950 ordinary (12,283)
    + 20,000 at 15% (3,000) = 15,283. With: AGI 220,000, deduction 17,750, TI 202,250: 182,250 ordinary (36,587)
    + 3,000 = 39,587. NIIT: 0 without (AGI under 200,000); with, 3.8% x min(30,000, 20,000) = 760."""
    res = compute(from_data(scenario({"other_agi": 120000, "qualified_dividends": 15000, "net_capital_gain": 5000,
                                      "net_investment_income": 30000})))
    L = res.lines()
    assert (L["tax.without"], L["tax.with"], L["tax.difference"]) == (D("15283.00"), D("39587.00"), D("24304.00"))
    assert (L["tax.niit_without"], L["tax.niit_with"], L["tax.niit_difference"]) == (D(0), D("760.00"), D("760.00"))
    assert L["tax.total_cost"] == D("25064.00")
    assert res.graph["tax.niit_threshold"] == D(200000) and "IRC §1411" in res.graph.node("tax.niit_threshold").source
    reads = res.graph.explain("tax.effect", depth=2)
    assert "income.qualified_dividends" in str(reads) and "tax.capital_gain_rates" in str(reads)


def test_niit_needs_the_agi():
    with pytest.raises(InputError) as e:
        from_data(scenario({"other_taxable_income": 50000, "net_investment_income": 1000}))
    assert any(p.path == "income.net_investment_income" and "other_agi" in p.message for p in e.value.problems)


def test_without_gains_or_nii_nothing_new_is_declared():
    g = compute(from_data(scenario({"other_taxable_income": 50000}))).graph
    assert not g.has("tax.niit_difference") and not g.has("tax.capital_gain_rates")


def test_summary_shows_the_gains_and_the_niit():
    """The summary document (read back as text) shows the worksheet's split and the NIIT rows."""
    import io
    import re

    import pypdf

    from taxdocs.documents import render as R
    res = compute(from_data(scenario({"other_agi": 120000, "qualified_dividends": 15000, "net_capital_gain": 5000,
                                      "net_investment_income": 30000})))
    pdf = pypdf.PdfReader(io.BytesIO(R.render_pdf(R.render_html("summary", res))))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert re.search(r"Qualified dividends and net capital gain \(20,000\)", text)
    assert re.search(r"at 15%\s+15%\s+20,000\s+20,000", text)
    assert re.search(r"Net investment income tax caused by the retirement income .*?760\.00", text)
    assert re.search(r"Federal cost of the retirement income 25,064\.00", text)


def test_csv_columns_reach_the_scenario(tmp_path):
    from taxdocs.batch.reader import open_input
    (tmp_path / "forms.csv").write_text("client_id,form_id,payer_name,box1,box7,date_paid\n"
                                        "C1,f1,Bank,1000,7,2025-03-01\n")
    (tmp_path / "clients.csv").write_text(
        "client_id,tax_year,filing_status,other_agi,qualified_dividends,net_capital_gain,net_investment_income,"
        "taxpayer_name,taxpayer_ssn,taxpayer_birth_date\nC1,2025,single,90000,4000,1000,6000,Pat,400112222,1950-01-01\n")
    rec = next(iter(open_input([tmp_path / "forms.csv", tmp_path / "clients.csv"]).records()))
    assert rec.load()["income"] == {"other_agi": "90000", "qualified_dividends": "4000", "net_capital_gain": "1000",
                                    "net_investment_income": "6000"}


def test_gains_need_the_other_income():
    """Qualified dividends are part of the other income: without it, 0 would be assumed and the gains taken as
    absorbed by deductions (the first dollars of the distribution then taxed at 0%)."""
    with pytest.raises(InputError) as e:
        from_data(scenario({"qualified_dividends": 10000}))
    assert any(p.path == "income.qualified_dividends" and "other_taxable_income" in p.message for p in e.value.problems)
    from_data(scenario({"qualified_dividends": 10000, "other_taxable_income": 0}))  # said explicitly: accepted


def test_niit_left_out_is_provisional_above_the_threshold():
    """Dividends shown, AGI with the distribution over 200,000, no net investment income: the cost is provisional and
    the check says which input is missing; under the threshold nothing is flagged."""
    from taxdocs.checks.run import check
    res = compute(from_data(scenario({"other_agi": 150000, "qualified_dividends": 40000})))
    assert res.graph.status("tax.total_cost") == "provisional"
    found = [f for f in check(res) if f.code == "PROVISIONAL_LINES"]
    assert any("income.net_investment_income" in f.message and "tax.total_cost" in f.message for f in found)
    low = compute(from_data(scenario({"other_agi": 50000, "qualified_dividends": 40000})))
    assert low.graph.status("tax.total_cost") == "complete"


def test_summary_rows_add_up_when_deductions_absorb_gains():
    """2025 MFS, other taxable income 20,000 < gains 35,000: 15,000 of them are not in taxable income without the
    distribution, none with it (taxable income 120,000)."""
    import io
    import re

    import pypdf

    from taxdocs.documents import render as R
    data = scenario({"other_taxable_income": 20000, "qualified_dividends": 5000, "net_capital_gain": 30000}, "mfs")
    pdf = pypdf.PdfReader(io.BytesIO(R.render_pdf(R.render_html("summary", compute(from_data(data))))))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert re.search(r"not in taxable income \(deductions absorb them\) 15,000 0", text)
    assert "moves qualified dividends and capital gain into a higher rate" in text


def test_niit_counts_a_nonqualified_annuity_as_investment_income():
    """Code D (nonqualified annuity): its taxable part is net investment income (IRC §1411(c)(1)(A)(i)), unlike IRA and
    plan money (§1411(c)(5)). 2025 single, other AGI 250,000 with 10,000 of NII; 100,000 taxable on a 7+D form:
    without, 3.8% x min(10,000, 50,000) = 380; with, 3.8% x min(110,000, 150,000) = 4,180; difference 3,800."""
    data = scenario({"other_agi": 250000, "net_investment_income": 10000})
    data["forms_1099r"][0].update({"box7": ["7", "D"], "box7_ira_sep_simple": False})
    L = compute(from_data(data)).lines()
    assert (L["tax.niit_without"], L["tax.niit_with"], L["tax.niit_difference"]) == (D(380), D(4180), D(3800))


def test_a_capital_loss_is_entered_as_0():
    with pytest.raises(InputError) as e:
        from_data(scenario({"other_taxable_income": 40000, "net_capital_gain": -3000}))
    p = next(p for p in e.value.problems if p.path == "income.net_capital_gain")
    assert p.message.startswith("enter 0 for a net capital loss") and "line 3" in p.message


def test_no_investment_income_given_over_the_threshold_is_noted():
    """AGI 150,000 + a 100,000 distribution passes 200,000 (single): the cost notes the NIIT it leaves out, without
    becoming provisional; under the threshold there is no note."""
    over = compute(from_data(scenario({"other_agi": 150000}))).graph.node("tax.total_cost")
    assert over.status == "complete" and any("3.8%" in n and "200,000" in n for n in over.notes)
    under = compute(from_data(scenario({"other_agi": 50000}))).graph.node("tax.total_cost")
    assert not any("3.8%" in n for n in under.notes)
