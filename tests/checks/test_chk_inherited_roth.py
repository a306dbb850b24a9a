"""Inherited Roth IRAs: a nonqualified distribution goes on a Form 8606 of its own (Part III only), one per
decedent, with the decedent's basis on lines 22 (contributions) and 24 (conversions) (rules.md §4.1 item 5, §7.1)."""
from __future__ import annotations

from pathlib import Path

import pytest

from chkhelp import codes, form, person, result, run, scenario
from taxdocs.errors import InputError
from taxdocs.model.load import from_data

SHARED = Path(__file__).resolve().parents[3] / "shared" / "forms"


def inh(id="inh", box1=40000, first_year=2022, basis=30000, payer="Custodian A", **kw):
    """A 30-year-old beneficiary's payment from an inherited Roth IRA (code T); the owner's first Roth year 2022:
    the 5 years are not met in 2025, so it is not qualified."""
    f = form(id, box1, ("T",), "2025-05-01", box2b_not_determined=True, source="inherited_roth_ira",
             decedent_first_roth_year=first_year, payer={"name": payer, "tin": "12-3456789"}, **kw)
    if basis is not None:
        f["decedent_roth_basis"] = basis
    return f


def heir(*forms):
    return scenario(forms, taxpayer=person(birth="1995-02-01"))


# (forms, expected lines of the first inherited Roth form, Form 1040 line 4b)
CASES = {
    # 40,000 paid; basis 30,000 of which 12,000 from conversions: 22 = 18,000, 24 = 12,000, 25c = 10,000
    "split": ([inh(decedent_roth_conversion_basis=12000)],
              {"19": 40000, "20": 0, "21": 40000, "22": 18000, "23": 22000, "24": 12000, "25a": 10000, "25c": 10000},
              10000),
    # no split given: all of it on line 22 (line 25c is the same either way)
    "no split": ([inh()], {"22": 30000, "23": 10000, "24": 0, "25c": 10000}, 10000),
    # basis above what was paid: Part III stops at line 21 less 22 = 0 (line 25c 0)
    "within basis": ([inh(box1=20000)], {"19": 20000, "22": 30000, "23": 0, "24": None, "25c": 0}, 0),
}


@pytest.mark.parametrize("name", CASES)
def test_part_iii_of_the_inherited_roth_form(name):
    forms, lines, line4b = CASES[name]
    res = result(heir(*forms))
    got = res.lines()
    for line, want in lines.items():
        assert got[f"f8606.taxpayer_inherited_roth_1.line{line}"] == want, line
    assert got["f8606.taxpayer_inherited_roth_1.required"] is True
    assert got["f8606.taxpayer_inherited_roth_1.part1"] is False and got["f8606.taxpayer_inherited_roth_1.part2"] is False
    assert got["f8606.taxpayer.required"] is False          # not on the beneficiary's own Form 8606
    assert got["f1040.line4b"] == line4b and got["f1040.line4a"] == sum(f["box1"] for f in forms)


def test_two_decedents_two_forms_and_one_decedent_one_form():
    # two custodians, no names: two decedents; A's unused basis does not shelter B's earnings
    res = result(heir(inh("a", 10000, basis=30000), inh("b", 15000, basis=5000, payer="Custodian B")))
    keys = [f.key for f in res.forms_8606()]
    assert keys == ["taxpayer", "taxpayer_inherited_roth_1", "taxpayer_inherited_roth_2"]
    got = res.lines()
    assert got["f8606.taxpayer_inherited_roth_1.line25c"] == 0 and got["f8606.taxpayer_inherited_roth_2.line25c"] == 10000
    assert got["f1040.line4b"] == 10000
    assert [f.title for f in res.inherited] == ["taxpayer, Roth IRAs inherited from Custodian A",
                                               "taxpayer, Roth IRAs inherited from Custodian B"]
    # one decedent named on two forms: one Form 8606, one basis
    res = result(heir(inh("a", 20000, decedent="Mom"), inh("b", 15000, decedent=" mom", payer="Custodian B")))
    assert [f.key for f in res.inherited] == ["taxpayer_inherited_roth_1"]
    assert res.lines()["f8606.taxpayer_inherited_roth_1.line19"] == 35000 and res.lines()["f1040.line4b"] == 5000


def test_qualified_or_missing_facts():
    res = result(heir(inh(first_year=2015)))                 # the owner's 5 years met: qualified, no form
    assert res.inherited == [] and res.lines()["f1040.line4b"] == 0
    res = result(heir(inh(basis=None)))                      # no basis given: taken as 0, provisional
    assert res.lines()["f8606.taxpayer_inherited_roth_1.line25c"] == 40000
    assert res.graph.node("f8606.taxpayer_inherited_roth_1.line25c").status == "provisional"
    assert res.graph.node("f1040.line4b").status == "provisional"


def test_a_conversion_part_above_the_basis_is_an_input_error():
    with pytest.raises(InputError) as e:
        from_data(heir(inh(decedent_roth_conversion_basis=31000)), "x.yaml")
    assert "forms_1099r[0].decedent_roth_conversion_basis" in str(e.value)
    with pytest.raises(InputError):
        from_data(heir(inh(basis=None, decedent_roth_conversion_basis=100)), "x.yaml")


def test_the_info_finding_names_the_form():
    assert "INHERITED_ROTH_8606" in codes(run(heir(inh())))
    assert "INHERITED_ROTH_8606" not in codes(run(heir(inh(first_year=2015))))


def test_the_official_form_and_the_facsimile(tmp_path):
    from taxdocs.documents.readback import read_8606
    res = result(heir(inh(decedent="Mom", decedent_roth_conversion_basis=12000)))
    if (SHARED / "2025" / "f8606.pdf").is_file():
        from taxdocs.batch.runner import make_context
        from taxdocs.batch.worker import fill_8606
        pdfs = fill_8606(make_context(False, str(SHARED), None, False), res, res.lines())
        assert list(pdfs) == ["f8606-taxpayer-inherited-roth-1.pdf"]
        back = read_8606(pdfs["f8606-taxpayer-inherited-roth-1.pdf"])["lines"]
        assert (back["19"], back["22"], back["24"], back["25c"]) == (40000, 18000, 12000, 10000)
        assert back.get("14") in (None, "")
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader
    from taxdocs.documents.render import render
    (tmp_path / "f.pdf").write_bytes(render("f8606_facsimile", res, []))
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "f.pdf").pages)
    assert "Roth IRAs inherited from Mom" in text and "18,000" in text
