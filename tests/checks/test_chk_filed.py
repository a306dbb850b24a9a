"""Checking a filed return: scenario `filed:` lines and a filled Form 8606 PDF against the recomputation.

EX-02 (Bill King): line 2 = 2,000, line 6 = 1,800, line 7 = 600 -> line 10 = .833, line 12 = 500,
line 14 = 1,500, line 15c = 100; Form 1040 4a = 600, 4b = 100.
"""
from decimal import Decimal
from pathlib import Path

import pytest

from chkhelp import codes, errors, form, ira_form, only, person, result, run, scenario
from taxdocs.checks import filed as filed_mod
from taxdocs.checks.run import check


def ex02(**filed):
    return scenario([ira_form("ira1", 600)], taxpayer=person(name="Bill King", birth="1950-02-01",
                                                              ira={"prior_basis": 2000, "year_end_value": 1800}),
                    filed=filed)


def test_filed_8606_line_mismatch():
    found = run(ex02(f8606_taxpayer={"15c": 600}))
    f = only(found, "FILED_MISMATCH")
    assert f.severity == "error" and f.record == "taxpayer" and f.field == "filed.f8606_taxpayer.15c"
    assert "filed $600, recomputed $100" in f.message
    assert "L15a - L15b" in f.message and "8606 line 15a = $100" in f.message   # the explanation
    assert f.rule == "8606 line 15c"
    assert f.data["explain"]["key"] == "f8606.taxpayer.line15c"


def test_filed_8606_lines_that_agree():
    filed = {"2": 2000, "6": 1800, "7": 600, "9": 2400, "10": "0.833", "12": 500, "13": 500, "14": 1500,
             "15a": 100, "15c": 100}
    assert errors(run(ex02(f8606_taxpayer=filed))) == []


@pytest.mark.parametrize("value,ok", [("0.833", True), (".833", True), ("0.8333", True), ("0.834", False),
                                      ("0.83", False)])
def test_filed_line_10_compares_as_3_place_decimal(value, ok):
    found = run(ex02(f8606_taxpayer={"10": value}))
    assert ("FILED_MISMATCH" not in codes(found)) is ok


def test_filed_amounts_compare_in_whole_dollars():
    assert not {"FILED_MISMATCH", "FILED_ROUNDING"} & set(codes(run(ex02(f8606_taxpayer={"15c": "100.40"}))))
    # 100.50 rounds to 101: $1 off the recomputed 100, which rounding explains: information, not an error
    f = only(run(ex02(f8606_taxpayer={"15c": "100.50"})), "FILED_ROUNDING")
    assert f.severity == "info" and "$1 apart" in f.message
    assert "FILED_MISMATCH" in codes(run(ex02(f8606_taxpayer={"15c": 102})))  # $2: a wrong figure


def test_filed_1040_mismatch():
    f = only(run(ex02(f1040={"4a": 600, "4b": 600})), "FILED_MISMATCH")
    assert f.field == "filed.f1040.4b" and "Form 1040 line 4b" in f.message and "$100" in f.message


def test_filed_schedule_2_line_8():
    """The 10% left off Schedule 2 line 8 (audit 12: it could not be entered): code 1 at 40, 15,000 -> 1,500."""
    data = scenario([form("k", 15000, ("1",), box2a=15000, box4=3000)], taxpayer=person(birth="1985-01-01"),
                    filed={"f1040": {"5b": 15000, "25b": 3000, "schedule2_line8": 0}})
    f = only(run(data), "FILED_MISMATCH")
    assert f.field == "filed.f1040.schedule2_line8" and "Schedule 2 line 8: filed $0, recomputed $1,500" in f.message
    data["filed"]["f1040"]["schedule2_line8"] = 1500
    assert "FILED_MISMATCH" not in codes(run(data))


def early(**filed):
    """Code 1 at 40, 15,000 from a 401(k) with exception 01 refused by the facts: Form 5329 line 1 = 15,000,
    line 2 = 0, line 3 = 15,000, line 4 = 1,500 (i5329 Part I)."""
    return scenario([form("k", 15000, ("1",), box2a=15000)], taxpayer=person(birth="1985-01-01"), filed=filed)


def test_filed_5329_lines():
    assert errors(run(early(f5329_taxpayer={"1": 15000, "2": 0, "3": 15000, "4": 1500}))) == []
    f = only(run(early(f5329_taxpayer={"1": 15000, "4": 0})), "FILED_MISMATCH")
    assert f.field == "filed.f5329_taxpayer.4" and "Form 5329 (taxpayer) line 4: filed $0, recomputed $1,500" in f.message
    assert f.rule and "L3" in f.message  # the explanation: 10% of line 3
    assert {x.field for x in run(early(f5329_taxpayer={"2": 15000, "3": 0})) if x.code == "FILED_MISMATCH"} == {
        "filed.f5329_taxpayer.2", "filed.f5329_taxpayer.3"}
    f = only(run(early(f5329_taxpayer={"5": 1})), "FILED_LINE_UNKNOWN")
    assert "1, 2, 3, 4" in f.fix
    assert "no spouse" in only(run(early(f5329_spouse={"4": 0})), "FILED_LINE_UNKNOWN").message


@pytest.mark.parametrize("filed, ok", [(["Rollover"], True), (["ROLLOVER "], True), ([], False),
                                       (["QCD"], False), (["Rollover", "QCD"], False), ("Rollover", True),
                                       ("Rollover, QCD", False)])
def test_filed_line_4c_notation(filed, ok):
    """A 10,000 IRA distribution rolled over within 60 days: 4a 10,000, 4b 0, 4c "Rollover" (i1040 lines 4a-4b
    Exception 1)."""
    data = scenario([ira_form("r", 10000, ("7",), uses=[{"kind": "indirect_rollover", "to": "traditional_ira",
                                                           "amount": 10000, "date": "2025-04-01"}])],
                    taxpayer=person(birth="1960-01-01", ira={"ever_nondeductible": False}),
                    filed={"f1040_notations": {"4c": filed}})
    assert result(data).lines()["f1040.line4c"] == ["Rollover"]
    found = run(data)
    assert ("FILED_NOTATION_MISMATCH" not in codes(found)) is ok
    if not ok:
        f = only(found, "FILED_NOTATION_MISMATCH")
        assert f.severity == "warning" and f.field == "filed.f1040_notations.4c" and "recomputed Rollover" in f.message


def test_filed_notation_line_unknown():
    f = only(run(ex02(f1040_notations={"4d": ["X"]})), "FILED_LINE_UNKNOWN")
    assert "4c, 5c" in f.fix


def test_filed_1040_agrees():
    assert "FILED_MISMATCH" not in codes(run(ex02(f1040={"4a": 600, "4b": 100, "25b": 0})))


def test_filed_blank_4a_when_fully_taxable():
    """i1040: leave 4a blank when the whole distribution is taxable (no basis, no rollover)."""
    data = scenario([ira_form("ira1", 600)], taxpayer=person(ira={"ever_nondeductible": False}),
                    filed={"f1040": {"4a": None, "4b": 600}})
    assert "FILED_MISMATCH" not in codes(run(data))
    filled = scenario([ira_form("ira1", 600)], taxpayer=person(ira={"ever_nondeductible": False}),
                      filed={"f1040": {"4a": 600, "4b": 600}})
    assert "FILED_MISMATCH" not in codes(run(filled))


def test_filed_blank_4a_when_computed_4a_equals_4b():
    """Form 8606 is required (a nondeductible contribution), but all of it was made after year end, so
    line 5 = 0, line 10 = 0 and the 10,000 distribution is fully taxable: 4a = 4b = 10,000; a blank 4a is fine."""
    tp = person(birth="1960-01-01", ira={"prior_basis": 0, "nondeductible_contributions": 1000,
                                          "nondeductible_after_year_end": 1000, "year_end_value": 50000})
    data = scenario([ira_form("ira1", 10000)], taxpayer=tp, filed={"f1040": {"4a": None, "4b": 10000}})
    res = result(data)
    assert res.graph["f1040.line4a"] == res.graph["f1040.line4b"] == 10000
    assert "FILED_MISMATCH" not in codes(check(res))


def test_filed_blank_4a_when_part_is_not_taxable():
    found = run(ex02(f1040={"4a": None, "4b": 100}))
    f = only(found, "FILED_MISMATCH")
    assert f.field == "filed.f1040.4a" and "filed blank, recomputed $600" in f.message


def test_filed_mismatch_on_a_provisional_line_is_a_warning():
    data = scenario([ira_form("ira1", 600)], taxpayer=person(birth="1950-02-01", ira={
        "ever_nondeductible": True, "year_end_value": 1800, "nondeductible_contributions": 100}),
        filed={"f8606_taxpayer": {"15c": 90}})
    found = run(data)
    f = only(found, "FILED_MISMATCH_PROVISIONAL")
    assert f.severity == "warning" and "taxpayer.ira.prior_basis" in f.message
    assert "FILED_MISMATCH" not in codes(found)


def test_filed_line_unknown():
    f = only(run(ex02(f1040={"4x": 1, "4b": 100})), "FILED_LINE_UNKNOWN")
    assert "'4x'" in f.message and "4a, 4b, 5a, 5b, 25b" in f.fix
    assert "FILED_LINE_UNKNOWN" not in codes(run(ex02(f1040={"4b": 100})))


def test_filed_spouse_form_without_a_spouse():
    f = only(run(ex02(f8606_spouse={"15c": 1})), "FILED_LINE_UNKNOWN")
    assert "no spouse" in f.message


# --- a filed Form 8606 PDF ------------------------------------------------------------------------

BLANK = Path(__file__).resolve().parents[3] / "shared" / "forms" / "2025" / "f8606.pdf"


def _filled(tmp_path, lines, ssn="123-45-6789") -> Path:
    if not BLANK.is_file():
        pytest.skip(f"official blank not found at {BLANK}")
    from taxdocs.documents.fieldmaps import load_map
    from taxdocs.documents.fill import fill_8606
    out = tmp_path / "filed-8606.pdf"
    out.write_bytes(fill_8606(BLANK, load_map("f8606", 2025), lines, {"name": "Bill King", "ssn": ssn}))
    return out


EX02_LINES = {"1": Decimal(0), "2": Decimal(2000), "3": Decimal(2000), "5": Decimal(2000), "6": Decimal(1800),
              "7": Decimal(600), "9": Decimal(2400), "10": Decimal("0.833"), "12": Decimal(500), "13": Decimal(500),
              "14": Decimal(1500), "15a": Decimal(100), "15c": Decimal(100)}


def test_filed_8606_pdf_that_agrees(tmp_path):
    pdf = _filled(tmp_path, EX02_LINES)
    doc = filed_mod.read_filed_8606(pdf)
    res = result(ex02())
    found = check(res, [filed_mod.from_pdf(res.scenario, doc, str(pdf))])
    assert errors(found) == []
    assert "FILED_8606_PDF" in codes(found) and "FILED_8606_PDF_PERSON" not in codes(found)


def test_filed_8606_pdf_that_differs(tmp_path):
    pdf = _filled(tmp_path, {**EX02_LINES, "15a": Decimal(600), "15c": Decimal(600), "10": Decimal("0.900")})
    res = result(ex02())
    found = check(res, [filed_mod.from_pdf(res.scenario, filed_mod.read_filed_8606(pdf), str(pdf))])
    lines = sorted(f.field for f in found if f.code == "FILED_MISMATCH")
    assert lines == ["filed_8606_pdf.10", "filed_8606_pdf.15a", "filed_8606_pdf.15c"]


def test_filed_8606_pdf_blank_line_counts(tmp_path):
    """In a PDF every line is given: a blank line 15c where 100 is due is a mismatch."""
    lines = {k: v for k, v in EX02_LINES.items() if k not in ("15a", "15c")}
    pdf = _filled(tmp_path, lines)
    res = result(ex02())
    found = check(res, [filed_mod.from_pdf(res.scenario, filed_mod.read_filed_8606(pdf), str(pdf))])
    assert {f.field for f in found if f.code == "FILED_MISMATCH"} == {"filed_8606_pdf.15a", "filed_8606_pdf.15c"}


def test_filed_8606_pdf_of_someone_else(tmp_path):
    pdf = _filled(tmp_path, EX02_LINES, ssn="987-65-4321")
    res = result(ex02())
    found = check(res, [filed_mod.from_pdf(res.scenario, filed_mod.read_filed_8606(pdf), str(pdf))])
    f = only(found, "FILED_8606_PDF_PERSON")
    assert "4321" in f.message and "987-65-4321" not in f.message


def test_filed_8606_pdf_matched_to_the_spouse():
    data = scenario([ira_form("s1", 600, recipient="spouse")], status="mfj",
                    spouse=person(name="Sue", ssn="987-65-4321", birth="1950-02-01",
                                  ira={"prior_basis": 2000, "year_end_value": 1800}))
    res = result(data)
    doc = {"revision": 2025, "lines": {"15c": Decimal(600)}, "ssn_last4": "4321"}
    found = check(res, [filed_mod.from_pdf(res.scenario, doc, "x.pdf")])
    mism = [f for f in found if f.code == "FILED_MISMATCH"]
    assert mism and all(f.record == "spouse" for f in mism)  # blank lines in a PDF count as filed blank
    assert any("Form 8606 (spouse) line 15c" in f.message and "filed $600, recomputed $100" in f.message for f in mism)


def test_unreadable_pdf_is_a_clear_error(tmp_path):
    from taxdocs.errors import TaxdocsError
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(TaxdocsError, match="cannot read it as a filled Form 8606"):
        filed_mod.read_filed_8606(bad)
    with pytest.raises(TaxdocsError, match="file not found"):
        filed_mod.read_filed_8606(tmp_path / "missing.pdf")


def test_readback_module_missing_is_a_clear_error(tmp_path, monkeypatch):
    import sys
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    monkeypatch.setitem(sys.modules, "taxdocs.documents.readback", None)  # import raises ImportError
    from taxdocs.errors import TaxdocsError
    with pytest.raises(TaxdocsError, match="taxdocs.documents.readback"):
        filed_mod.read_filed_8606(pdf)


def _seven(**filed):
    # basis 7,000; 10,000 paid out; 50,000 left: line 10 = 7,000 / 60,000 = 0.11666..., 0.117 at 3 places
    return scenario([ira_form("ira1", 10000, box4=1000)], taxpayer=person(
        birth="1950-02-01", ira={"prior_basis": 7000, "year_end_value": 50000}), filed=filed)


def test_line_10_to_more_places_and_the_lines_that_follow():
    """i8606 line 10: "rounded to at least 3 places": software that keeps 5 places (0.11667) gets line 12 = 1,167
    where taxdocs gets 1,170. Not a mismatch (audit 7 case 47); a line 12 off by more than the ratio explains is."""
    filed = {"10": "0.11667", "12": 1167, "13": 1167, "14": 5833, "15a": 8833, "15c": 8833}
    assert "FILED_MISMATCH" not in codes(run(_seven(f8606_taxpayer=filed)))
    assert result(_seven()).lines()["f8606.taxpayer.line12"] == 1170
    wrong = {**filed, "12": 1100}
    assert only(run(_seven(f8606_taxpayer=wrong)), "FILED_MISMATCH").field == "filed.f8606_taxpayer.12"
    three = {"10": "0.117", "12": 1167}  # at 3 places the ratio leaves no room
    assert "FILED_MISMATCH" in codes(run(_seven(f8606_taxpayer=three)))


def test_line_25b_with_other_forms_1099():
    """i1040 line 25b holds the withholding of every Form 1099 (SSA-1099 too): more than the 1099-Rs is info
    (audit 7 case 48), less is a mismatch."""
    more = run(_seven(f1040={"25b": 2500}))
    assert "FILED_MISMATCH" not in codes(more)
    assert "SSA-1099" in only(more, "FILED_25B_OTHER_FORMS").message
    assert only(run(_seven(f1040={"25b": 500})), "FILED_MISMATCH").field == "filed.f1040.25b"


def test_cents_are_added_before_rounding():
    """i1040: "include cents when adding the amounts and round off only the total": two forms of 5,000.50 make
    4b 10,001; taxdocs rounds each form (5,001 + 5,001), so a $1 difference is accepted (audit 7 case 46)."""
    data = scenario([ira_form("a", "5000.50"), ira_form("b", "5000.50")],
                    taxpayer=person(birth="1950-02-01", ira={"prior_basis": 0}), filed={"f1040": {"4b": 10001}})
    assert result(data).lines()["f1040.line4b"] == 10002
    assert "FILED_MISMATCH" not in codes(run(data))
    data["filed"] = {"f1040": {"4b": 10004}}  # $1 for every two forms with cents, no more
    assert "FILED_MISMATCH" in codes(run(data))


def test_filed_line_keys_may_say_line():
    """`line10:` and `10:` are the same filed line (norm_key); the ratio allowance follows either spelling."""
    filed = {"line10": "0.11667", "line12": 1167, "line15c": 8833}
    assert "FILED_MISMATCH" not in codes(run(_seven(f8606_taxpayer=filed)))


def test_one_form_with_cents_gets_no_allowance():
    data = scenario([ira_form("a", "1000.40")], taxpayer=person(birth="1950-02-01", ira={"prior_basis": 0}),
                    filed={"f1040": {"4b": 1001}})
    # 1,000.40 rounds to 1,000 whichever way it is added: 1,001 is $1 off (information, audit 12 case 17)
    assert "FILED_ROUNDING" in codes(run(data)) and "FILED_MISMATCH" not in codes(run(data))


def test_line_4b_follows_a_line_10_of_more_places():
    """Line 10 may be rounded to more than 3 places (i8606): basis 10,000, Dec 31 value 8,000, 10,000 paid:
    10,000 / 18,000 = .55556 gives line 12 = 5,556 and 15c = 4,444, against .556: 5,560 and 4,440. Line 4b, which
    takes 15c, gets the same allowance (audit 12 case 09 was a false error on 4b)."""
    data = scenario([ira_form("a", 10000)], taxpayer=person(birth="1962-02-02", ira={
        "prior_basis": 10000, "year_end_value": 8000, "ever_nondeductible": True}),
        filed={"f1040": {"4a": 10000, "4b": 4444}, "f8606_taxpayer": {"10": "0.55556", "12": 5556, "15c": 4444}})
    assert not {"FILED_MISMATCH", "FILED_ROUNDING"} & set(codes(run(data)))
    data["filed"]["f1040"]["4b"] = 4500  # beyond what the ratio explains
    assert "FILED_MISMATCH" in codes(run(data))


@pytest.mark.parametrize("f1040, missing", [
    ({"4a": 600}, ["filed.f1040.4b"]),          # the taxable IRA income left off
    ({"4a": 600, "4b": 100}, []),
    ({"4a": 600, "4b": 0}, []),                 # given (as 0): compared instead, a mismatch
    ({}, []),                                   # no Form 1040 figures at all: nothing to say
])
def test_filed_line_left_out(f1040, missing):
    """Audit (session 18): a filed Form 1040 block without line 4b (or Schedule 2 line 8) while the recomputation
    has an amount there was not compared and not mentioned."""
    data = ex02(f1040=f1040) if f1040 else ex02()
    found = [f for f in run(data) if f.code == "FILED_LINE_NOT_GIVEN"]
    assert [f.field for f in found] == missing
    if missing:
        assert found[0].severity == "warning" and "$100" in found[0].message and "missing" in found[0].message


def test_early_tax_left_out_of_the_filed_figures():
    data = scenario([form("401k", 15000, ("1",), box2a=15000, box4=3000)], taxpayer=person(birth="1985-01-01"),
                    filed={"f1040": {"5a": 15000, "5b": 15000, "25b": 3000}})
    f = only(run(data), "FILED_LINE_NOT_GIVEN")
    assert f.field == "filed.f1040.schedule2_line8" and "$1,500" in f.message


def test_line_25b_holding_the_state_tax_withheld():
    """Audit (session 18): line 25b filed as box 4 plus box 14 (state tax) was info "other Forms 1099"; line 25b is
    federal withholding only (i1040), and a difference of exactly boxes 14 and 17 says where it came from."""
    def data(b25):
        f = form("pension", 20000, ("7",), box2a=20000, box4=1850, state=[{"tax_withheld": 740, "state": "CA"}])
        return scenario([f], taxpayer=person(birth="1955-01-01"),
                        filed={"f1040": {"5a": 20000, "5b": 20000, "25b": b25}})
    f = only(run(data(2590)), "FILED_25B_STATE_TAX")
    assert f.severity == "warning" and "$740" in f.message
    assert "FILED_25B_OTHER_FORMS" in codes(run(data(2600))) and "FILED_25B_STATE_TAX" not in codes(run(data(2600)))
    assert not {"FILED_25B_STATE_TAX", "FILED_25B_OTHER_FORMS"} & set(codes(run(data(1850))))


def test_form_8606_left_out_of_the_filed_figures():
    """Audit (session 18): filed Form 1040 figures and a Form 8606 required (Part I here), with no Form 8606 line
    given: FORM_8606_NOT_FILED needed `form_8606_filed: false`, so nothing was said."""
    f = only(run(ex02(f1040={"4a": 600, "4b": 100})), "FORM_8606_NOT_GIVEN")
    assert f.severity == "warning" and f.field == "filed.f8606_taxpayer" and "Part I" in f.message
    assert "$500 of basis recovered" in f.message
    assert "FORM_8606_NOT_GIVEN" not in codes(run(ex02(f1040={"4a": 600, "4b": 100}, f8606_taxpayer={"15c": 100})))
    assert "FORM_8606_NOT_GIVEN" not in codes(run(ex02()))           # no filed figures at all: not checking a return
    stated = ex02(f1040={"4a": 600, "4b": 100})
    stated["taxpayer"]["ira"]["form_8606_filed"] = False
    assert "FORM_8606_NOT_FILED" in codes(run(stated)) and "FORM_8606_NOT_GIVEN" not in codes(run(stated))


def test_mismatches_name_the_line_they_follow_from():
    """Audit (session 18): line 2 left off gave ten FILED_MISMATCH errors that read as ten mistakes; each figured from
    a line also filed differently now names that line, and the cause itself names none."""
    filed = {"2": 0, "3": 0, "5": 0, "10": "0", "12": 0, "13": 0, "14": 0, "15c": 600}
    found = [f for f in run(ex02(f8606_taxpayer=filed, f1040={"4a": 600, "4b": 600})) if f.code == "FILED_MISMATCH"]
    by = {f.field.rsplit(".", 1)[1]: f for f in found}
    assert "follows from" not in by["2"].message
    for line in ("3", "5", "14", "15c", "4b"):
        assert "follows from Form 8606 (taxpayer) line 2," in by[line].message, line
        assert by[line].data["follows"] == ["f8606.taxpayer.line2"]
