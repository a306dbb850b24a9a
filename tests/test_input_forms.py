"""The input as people write it: box 7 as printed, the payer by name, ids left out, filing status in words. Each is
read as the model's own form, so the result is the same as with the strict spelling."""
import pytest

from builders import form, person, scenario
from taxdocs.errors import InputError
from taxdocs.model.load import from_data
from taxdocs.rules.engine import compute


def strict() -> dict:
    return scenario(2025, [form("1099r-1", 10000, ["G", "4"], "2025-06-01"),
                           form("1099r-2", 3000, ["7"], "2025-07-01", ira=True, box2a=3000)],
                    taxpayer=person(birth="1960-01-01", ira={"prior_basis": 0, "year_end_value": 0}))


def loose() -> dict:
    d = strict()
    for f in d["forms_1099r"]:
        del f["id"]
        f["payer"] = f["payer"]["name"]
    d["forms_1099r"][0]["box7"] = "G4"
    d["forms_1099r"][1]["box7"] = 7
    d["filing_status"] = "Single"
    return d


def test_loose_spelling_gives_the_same_return():
    a, b = compute(from_data(strict())), compute(from_data(loose()))
    assert [f.id for f in b.scenario.forms_1099r] == ["1099r-1", "1099r-2"]
    assert b.scenario.forms_1099r[0].box7 == ["G", "4"] and b.scenario.forms_1099r[1].box7 == ["7"]
    assert b.scenario.forms_1099r[0].payer.name == "Payer Co"
    assert a.lines() == b.lines()


@pytest.mark.parametrize("printed, codes", [("4, G", ["4", "G"]), ("g4", ["G", "4"]), (" 7 ", ["7"]), ("2/B", ["2", "B"])])
def test_box_7_as_printed(printed, codes):
    d = strict()
    d["forms_1099r"][0]["box7"] = printed
    assert from_data(d).forms_1099r[0].box7 == codes


def test_three_codes_are_still_refused():
    d = strict()
    d["forms_1099r"][0]["box7"] = "7D1"
    with pytest.raises(InputError) as e:
        from_data(d)
    assert "box7" in str(e.value)


@pytest.mark.parametrize("words, code", [("MFJ", "mfj"), ("Married filing jointly", "mfj"),
                                         ("married_filing_separately", "mfs"), ("Head of Household", "hoh"),
                                         ("qualifying surviving spouse", "qss")])
def test_filing_status_in_words(words, code):
    d = strict()
    d["filing_status"] = words
    assert from_data(d).filing_status.value == code


def test_a_given_id_that_clashes_with_a_place_is_a_duplicate():
    d = loose()
    d["forms_1099r"][0]["id"] = "1099r-2"
    with pytest.raises(InputError) as e:
        from_data(d)
    assert "unique" in str(e.value)


@pytest.mark.parametrize("box1, want", [("$10,000", "10000"), ("10,000.50", "10000.50"), (" 2 500 ", "2500")])
def test_amounts_as_written(box1, want):
    d = strict()
    d["forms_1099r"][0]["box1"] = box1
    assert str(from_data(d).forms_1099r[0].box1) == want


@pytest.mark.parametrize("box1, reason", [("1,5", "commas may only separate thousands"),
                                          ("(500)", "this amount is never negative"),
                                          ("ten", "valid decimal")])
def test_amounts_wrong_as_written_say_why(box1, reason):
    d = strict()
    d["forms_1099r"][0]["box1"] = box1
    with pytest.raises(InputError) as e:
        from_data(d)
    assert reason in str(e.value) and "forms_1099r[0].box1" in str(e.value)


def test_a_spreadsheet_negative_where_income_may_be_negative():
    d = strict()
    d["income"] = {"other_taxable_income": "(5,750)"}
    assert from_data(d).income.other_taxable_income == -5750


def test_the_signed_fields_are_the_models():
    """load._SIGNED names every field the model lets go below 0, and no other."""
    from taxdocs.model import load
    from taxdocs.model.scenario import Income
    from pydantic import ValidationError

    def takes_minus_one(name):
        try:
            Income.model_validate({name: "-1"})
            return True
        except ValidationError:
            return False
    assert {n for n in Income.model_fields if takes_minus_one(n)} == load._SIGNED


@pytest.mark.parametrize("paid", ["06/01/2025", "6/1/2025", "2025-6-1", "June 1, 2025", "Jun 1, 2025", "6/1/25"])
def test_dates_as_written(paid):
    d = strict()
    d["forms_1099r"][0]["date_paid"] = paid
    assert from_data(d).forms_1099r[0].date_paid.isoformat() == "2025-06-01"


@pytest.mark.parametrize("field, value, reason", [("date_paid", "13/01/2025", "not a date"),
                                                   ("birth_date", "1/2/60", "write the year in full")])
def test_dates_wrong_as_written_say_why(field, value, reason):
    d = strict()
    if field == "birth_date":
        d["taxpayer"]["birth_date"] = value
    else:
        d["forms_1099r"][0][field] = value
    with pytest.raises(InputError) as e:
        from_data(d)
    assert reason in str(e.value)
