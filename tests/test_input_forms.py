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
