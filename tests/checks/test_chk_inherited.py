"""Inherited traditional IRAs with basis: one Form 8606 per decedent, never combined with the
beneficiary's own IRAs (rules.md §4.1, §5.1)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from chkhelp import codes, form, ira_form, only, person, result, run, scenario
from taxdocs.errors import InputError
from taxdocs.model.load import from_data

YOUNG = "1980-05-05"   # under 59½: a beneficiary owes no 10% (death exception, code 4)


def inh_form(id="inh", box1=30000, decedent=None, **kw):
    f = ira_form(id, box1, ("4",), **kw)
    if decedent:
        f["decedent"] = decedent
    return f


def beneficiary(inherited, ira=None):
    return person(birth=YOUNG, inherited_iras=inherited, **({"ira": ira} if ira else {}))


# (inherited entries, forms, expected lines): the pro-rata rule applied to one decedent's IRAs alone
CASES = [
    # a third of a $1,000,000 IRA with $100,000 basis; $30,000 taken, $303,333 left on Dec 31:
    # line 10 = 33,333 / 333,333 = 0.100 -> $3,000 of basis, $27,000 taxable, $30,333 carried
    ("one third of the decedent's basis",
     [{"decedent": "John Smith", "basis": 33333, "year_end_value": 303333}], [inh_form()],
     {"f8606.taxpayer_inherited_1.line10": Decimal("0.100"), "f8606.taxpayer_inherited_1.line13": 3000,
      "f8606.taxpayer_inherited_1.line15c": 27000, "f8606.taxpayer_inherited_1.line14": 30333,
      "f1040.line4a": 30000, "f1040.line4b": 27000}),
    # the inherited IRA emptied: all the basis comes out (line 10 = 5,000 / 40,000 = 0.125)
    ("inherited IRA emptied",
     [{"decedent": "Mom", "basis": 5000, "year_end_value": 0}], [inh_form(box1=40000)],
     {"f8606.taxpayer_inherited_1.line10": Decimal("0.125"), "f8606.taxpayer_inherited_1.line15c": 35000,
      "f8606.taxpayer_inherited_1.line14": 0, "f1040.line4b": 35000}),
    # no basis listed: fully taxable, and no separate Form 8606 required
    ("no basis", [{"decedent": "Dad", "basis": 0, "year_end_value": 90000}], [inh_form(box1=10000)],
     {"f8606.taxpayer_inherited_1.required": False, "f1040.line4b": 10000}),
]


@pytest.mark.parametrize("name,inherited,forms,expected", CASES, ids=[c[0] for c in CASES])
def test_inherited_ira_form_8606(name, inherited, forms, expected):
    g = result(scenario(forms, taxpayer=beneficiary(inherited))).graph
    for key, want in expected.items():
        assert g[key] == want, key


def test_two_decedents_and_own_ira_each_on_their_own_form():
    """Own IRA basis 2,000 (EX-02 figures) and two inherited IRAs: three separate pro-rata computations."""
    inherited = [{"decedent": "Mom", "basis": 10000, "year_end_value": 90000},
                 {"decedent": "Dad", "basis": 3000, "year_end_value": 27000}]
    forms = [ira_form("own", 600), inh_form("from-mom", 10000, decedent="mom"),   # names match without case
             inh_form("from-dad", 3000, decedent="Dad")]
    g = result(scenario(forms, taxpayer=beneficiary(inherited, {"prior_basis": 2000, "year_end_value": 1800}))).graph
    assert g["f8606.taxpayer.line10"] == Decimal("0.833") and g["f8606.taxpayer.line15c"] == 100   # EX-02 unchanged
    assert g["f8606.taxpayer_inherited_1.line10"] == Decimal("0.100")       # 10,000 / 100,000
    assert g["f8606.taxpayer_inherited_1.line15c"] == 9000
    assert g["f8606.taxpayer_inherited_2.line10"] == Decimal("0.100")       # 3,000 / 30,000
    assert g["f8606.taxpayer_inherited_2.line15c"] == 2700
    assert g["f1040.line4b"] == 100 + 9000 + 2700
    assert g["f5329.taxpayer.line1"] == 100                                 # only the own early distribution


def test_basis_is_neither_created_nor_destroyed():
    g = result(scenario([inh_form(box1=12345)], taxpayer=beneficiary(
        [{"decedent": "Aunt", "basis": 7777, "year_end_value": 55555}]))).graph
    k = "f8606.taxpayer_inherited_1"
    assert g[f"{k}.line13"] + g[f"{k}.line14"] == 7777
    assert g[f"{k}.line13"] + g[f"{k}.line15c"] == 12345


def test_unlinked_form_is_taxed_in_full_with_a_warning():
    inherited = [{"decedent": "Mom", "basis": 10000, "year_end_value": 90000},
                 {"decedent": "Dad", "basis": 3000, "year_end_value": 27000}]
    data = scenario([inh_form(box1=10000)], taxpayer=beneficiary(inherited))   # two listed, none named
    assert result(data).graph["f1040.line4b"] == 10000
    f = only(run(data), "INHERITED_IRA_UNLINKED")
    assert f.severity == "warning" and f.field == "forms_1099r[0].decedent" and "Mom, Dad" in f.message
    data["forms_1099r"][0]["decedent"] = "Dad"                                  # near miss: named
    assert "INHERITED_IRA_UNLINKED" not in codes(run(data))


def test_inherited_year_end_value_missing():
    data = scenario([inh_form()], taxpayer=beneficiary([{"decedent": "John Smith", "basis": 33333}]))
    f = only(run(data), "INHERITED_LINE6_MISSING")
    assert f.severity == "error" and f.field == "taxpayer.inherited_iras[0].year_end_value"
    assert "John Smith" in f.message and "$30,000" in f.message
    assert result(data).graph.node("f8606.taxpayer_inherited_1.line15c").status == "missing"
    data["taxpayer"]["inherited_iras"][0]["year_end_value"] = 303333           # near miss
    assert "INHERITED_LINE6_MISSING" not in codes(run(data))


def test_unknown_or_repeated_decedent_is_an_input_error():
    data = scenario([inh_form(decedent="Nobody")], taxpayer=beneficiary([{"decedent": "Mom", "basis": 1}]))
    with pytest.raises(InputError) as e:
        from_data(data, "x.yaml")
    assert "forms_1099r[0].decedent" in str(e.value) and "Nobody" in str(e.value)
    data = scenario([inh_form()], taxpayer=beneficiary([{"decedent": "Mom"}, {"decedent": " mom"}]))
    with pytest.raises(InputError) as e:
        from_data(data, "x.yaml")
    assert "taxpayer.inherited_iras[1].decedent" in str(e.value)


def test_the_separate_form_is_filled_and_rendered(tmp_path):
    """The official Form 8606 for the inherited IRAs (read back), and the facsimile names the decedent."""
    from taxdocs.batch.worker import f8606_values
    from taxdocs.documents.readback import read_8606
    shared = Path(__file__).resolve().parents[3] / "shared" / "forms"
    res = result(scenario([inh_form()], taxpayer=beneficiary(
        [{"decedent": "John Smith", "basis": 33333, "year_end_value": 303333}])))
    assert [f.key for f in res.forms_8606()] == ["taxpayer", "taxpayer_inherited_1"]
    assert f8606_values(res.lines(), "taxpayer_inherited_1")["15c"] == 27000
    if (shared / "2025" / "f8606.pdf").is_file():
        from taxdocs.batch.runner import make_context
        from taxdocs.batch.worker import fill_8606
        ctx = make_context(False, str(shared), None, False)
        pdfs = fill_8606(ctx, res, res.lines())
        assert list(pdfs) == ["f8606-taxpayer-inherited-1.pdf"]
        back = read_8606(pdfs["f8606-taxpayer-inherited-1.pdf"])
        assert back["lines"]["15c"] == 27000 and back["lines"]["2"] == 33333
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader
    from taxdocs.documents.render import render
    pdf = render("f8606_facsimile", res, [])
    (tmp_path / "f.pdf").write_bytes(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "f.pdf").pages)
    assert "inherited from John Smith" in text and "27,000" in text


# --- what a beneficiary cannot do with an inherited IRA -------------------------------------

def test_converting_an_inherited_ira_is_taxable_with_an_error():
    use = {"kind": "conversion", "to": "roth_ira", "amount": 30000, "date": "2025-06-02"}
    data = scenario([inh_form(uses=[use])], taxpayer=beneficiary(
        [{"decedent": "John Smith", "basis": 33333, "year_end_value": 303333}]))
    g = result(data).graph
    assert g["f8606.taxpayer_inherited_1.line7"] == 30000 and g["f1040.line4b"] == 27000
    assert g["f8606.taxpayer.required"] is False        # not a conversion on her own Form 8606
    f = only(run(data), "INHERITED_IRA_CONVERSION")
    assert f.severity == "error" and "$30,000" in f.message
    plain = scenario([inh_form()], taxpayer=beneficiary(          # near miss: the money simply kept
        [{"decedent": "John Smith", "basis": 33333, "year_end_value": 303333}]))
    assert "INHERITED_IRA_CONVERSION" not in codes(run(plain))


def test_a_60_day_rollover_of_a_listed_inherited_ira_is_taxable():
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 30000, "date": "2025-07-01"}
    data = scenario([inh_form(uses=[use])], taxpayer=beneficiary(
        [{"decedent": "John Smith", "basis": 33333, "year_end_value": 303333}]))
    assert result(data).graph["f1040.line4b"] == 27000
    assert "INHERITED_60_DAY_ROLLOVER" in codes(run(data))


def test_decedent_makes_the_form_an_inherited_ira_one_and_is_refused_on_a_plan_form():
    inherited = [{"decedent": "John Smith", "basis": 33333, "year_end_value": 303333}]
    f = inh_form(decedent="John Smith")
    f["box7"] = ["7"]                                      # payer used code 7; the decedent says inherited
    g = result(scenario([f], taxpayer=beneficiary(inherited))).graph
    assert g["f8606.taxpayer_inherited_1.line15c"] == 27000 and g["f8606.taxpayer.required"] is False
    plan = inh_form(decedent="John Smith")
    plan["box7_ira_sep_simple"] = False
    with pytest.raises(InputError) as e:
        from_data(scenario([plan], taxpayer=beneficiary(inherited)), "x.yaml")
    assert "forms_1099r[0].decedent" in str(e.value) and "from an inherited IRA" in str(e.value)


def test_line_4a_shown_when_only_the_inherited_form_is_filed():
    """Line 10 rounds to 0.000 (100 / 1,010,000): nothing nontaxable, but the form is still filed (basis)."""
    g = result(scenario([inh_form(box1=10000)], taxpayer=beneficiary(
        [{"decedent": "Dad", "basis": 100, "year_end_value": 1000000}]))).graph
    assert g["f8606.taxpayer_inherited_1.required"] is True and g["f8606.taxpayer_inherited_1.line10"] == 0
    assert g["f1040.line4b"] == 10000 and g["f1040.line4a"] == 10000


def test_a_blank_decedent_is_not_linked_when_inherited_forms_come_from_two_accounts():
    """IRAs inherited from different decedents are never aggregated (rules.md §4.1, §5.1): with one listed,
    a blank `decedent` links only when every inherited-IRA 1099-R comes from one payer and account."""
    john = [{"decedent": "John", "basis": 10000, "year_end_value": 90000}]
    named = inh_form("john", 10000, decedent="John", payer={"name": "Custodian A", "tin": "55-5555551"})
    blank = inh_form("other", 10000, payer={"name": "Custodian B", "tin": "55-5555552"})
    data = scenario([named, blank], taxpayer=beneficiary(john))
    g = result(data).graph
    assert g["f8606.taxpayer_inherited_1.line7"] == 10000 and g["f8606.taxpayer_inherited_1.line14"] == 9000
    assert g["f1040.line4b"] == 19000          # 9,000 from John's (L10 0.100) + 10,000 unlinked, in full
    assert only(run(data), "INHERITED_IRA_UNLINKED").record == "other"
    same = inh_form("john2", 10000, payer={"name": "Custodian A", "tin": "55-5555551"})  # near miss: same account
    g = result(scenario([named, same], taxpayer=beneficiary(john))).graph
    assert g["f8606.taxpayer_inherited_1.line7"] == 20000


def test_after_tax_plan_money_into_an_unlisted_inherited_ira():
    """IRC §402(c)(11); i8606 line 2: a beneficiary's rollover of after-tax plan money into an inherited IRA is
    that IRA's basis; with no inherited IRA listed to carry it, INHERITED_PLAN_BASIS_UNLINKED (a warning)."""
    p = form("p", 100000, ("4", "G"), box2a=0, box5=20000, nonspouse_beneficiary=True,
             uses=[{"kind": "direct_rollover", "to": "inherited_ira", "amount": 100000}])
    f = only(run(scenario([p], taxpayer=person(birth="1975-01-01"))), "INHERITED_PLAN_BASIS_UNLINKED")
    assert f.severity == "warning" and "$20,000" in f.message and f.field == "forms_1099r[0].decedent"
    listed = person(birth="1975-01-01", inherited_iras=[{"decedent": "Mom", "basis": 0, "year_end_value": 100000}])
    assert "INHERITED_PLAN_BASIS_UNLINKED" not in codes(run(scenario([p], taxpayer=listed)))
