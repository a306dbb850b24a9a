"""Scenario files as YAML 1.2 reads them (audit, session 18): PyYAML's YAML 1.1 read `box4: 0500` as octal 320 and
`65:00` as base 60 (3,900) without a word, and kept the last of a key given twice. Files nested deeper than any
scenario are refused before anything walks them."""
from pathlib import Path

import pytest

from taxdocs.core.yamlfile import load_input
from taxdocs.errors import InputError
from taxdocs.model.load import load

BASE = """tax_year: 2025
filing_status: single
taxpayer: {name: Pat Doe, ssn: 123-45-6789, birth_date: 1960-03-15}
income: {other_taxable_income: INCOME}
forms_1099r:
  - {id: f1, payer: Payer Co, box1: 10000, box2a: 10000, box4: BOX4, box7: "7", date_paid: 2025-03-03,
     account_number: ACCOUNT}
"""


def scenario_file(tmp_path: Path, box4="1000", income="50000", account='"A1"', extra="") -> Path:
    p = tmp_path / "s.yaml"
    p.write_text(BASE.replace("BOX4", box4).replace("INCOME", income).replace("ACCOUNT", account) + extra)
    return p


@pytest.mark.parametrize("text, value", [
    ("0500", "0500"), ("065000", "065000"), ("1:40:00", "1:40:00"), ("65:00", "65:00"), ("0123", "0123"),
    ("0x1f", "0x1f"), ("500", 500), ("-5", -5), ("0", 0), ("12.50", 12.5), ("1_000", 1000), ("2025-06-01", None),
    ("._", "._"), ("1E5", "1E5"), ("1.5e3", 1500.0), (".5", 0.5),   # second read: `._` crashed, `1E5` was text
])
def test_numbers_read_as_yaml_1_2(text, value):
    got = load_input(f"a: {text}")["a"]
    if value is None:
        assert str(got) == text
    else:
        assert got == value and type(got) is type(value)


def test_leading_zero_amounts_are_read_as_written(tmp_path):
    sc = load(scenario_file(tmp_path, box4="0500", income="065000", account="0123"))
    f = sc.forms_1099r[0]
    assert f.box4 == 500 and sc.income.other_taxable_income == 65000 and f.account_number == "0123"


@pytest.mark.parametrize("field, kw", [("box4", {"box4": "1:40:00"}),
                                       ("other_taxable_income", {"income": "65:00"})])
def test_base_60_is_refused_with_the_field(tmp_path, field, kw):
    with pytest.raises(InputError) as e:
        load(scenario_file(tmp_path, **kw))
    assert field in str(e.value)


def test_a_key_given_twice_is_refused(tmp_path):
    with pytest.raises(InputError) as e:
        load(scenario_file(tmp_path, extra="tax_year: 2024\n"))
    assert "tax_year" in str(e.value) and "twice" in str(e.value) and "line" in str(e.value)


@pytest.mark.parametrize("suffix, text", [(".json", "[" * 5000 + "]" * 5000),
                                          (".yaml", "a: " + "[" * 5000 + "]" * 5000),
                                          (".json", '{"tax_year": ' + "[" * 40 + "]" * 40 + "}")])
def test_nesting_deeper_than_a_scenario_is_refused(tmp_path, suffix, text):
    p = tmp_path / f"deep{suffix}"
    p.write_text(text)
    with pytest.raises(InputError) as e:
        load(p)
    assert "nested more than" in str(e.value)


# --- facts that cannot all be true (audit, session 18: each was taken without a word) ----------------------------

def _problems(data) -> str:
    from taxdocs.model.load import from_data
    with pytest.raises(InputError) as e:
        from_data(data, "s.yaml")
    return str(e.value)


def test_the_same_ssn_for_both_spouses_is_refused():
    from builders import person, scenario
    data = scenario(2025, [], status="mfj", taxpayer=person(), spouse=person(name="Lee Doe"))
    assert "spouse.ssn" in _problems(data)


def test_death_before_birth_is_refused():
    from builders import person, scenario
    data = scenario(2025, [], taxpayer=person(birth="1980-06-12", date_of_death="1970-01-01"))
    assert "taxpayer.date_of_death" in _problems(data)


def test_a_payment_before_the_birth_date_is_refused():
    from builders import form, person, scenario
    data = scenario(2025, [form("a", 1000, ["1"], "2025-03-03", box2a=1000)], taxpayer=person(birth="2025-12-01"))
    assert "taxpayer.birth_date" in _problems(data) and "2025-03-03" in _problems(data)


@pytest.mark.parametrize("filed, ok", [({"14": "500.555"}, False), ({"14": -5}, False), ({"14": "500.55"}, True),
                                       ({"10": "0.12345"}, True), ({"10": -0.1}, False)])
def test_filed_form_8606_lines(filed, ok):
    """Audit (session 18): a filed line 14 of 500.555 was taken as 500.56 without a word (line 10 is a ratio
    "rounded to at least 3 places", i8606)."""
    from builders import person, scenario
    from taxdocs.model.load import from_data
    data = scenario(2025, [], taxpayer=person(), filed={"f8606_taxpayer": filed})
    if ok:
        from_data(data, "s.yaml")
    else:
        assert "filed.f8606_taxpayer" in _problems(data)


def test_a_decedents_first_roth_year_after_the_tax_year_is_refused():
    """Second read (session 18): it was stored in the ledger, whose export then would not import."""
    from builders import form, person, scenario
    f = form("r", 1000, ["4"], "2025-03-03", box2a=0, decedent_first_roth_year=2026, box7_ira_sep_simple=False)
    assert "decedent_first_roth_year" in _problems(scenario(2025, [f], taxpayer=person()))


def test_merge_keys_still_load_and_may_be_overridden():
    """Second read (session 18): the duplicate-key check refused `<<: *anchor`, which loaded before."""
    data = load_input("base: &b {payer: X, box1: 100}\nforms:\n  - <<: *b\n    box1: 200\n    id: b\n")
    assert data["forms"][0] == {"payer": "X", "box1": 200, "id": "b"}


def test_aliases_of_aliases_are_walked_once():
    """Second read (session 18): the nesting check walked a shared alias node again at each reference."""
    from taxdocs.model.load import too_deep
    leaf: dict = {"x": 1}
    node = leaf
    for _ in range(10):
        node = {"k": [node] * 10}   # 10^10 paths, 21 levels (a mapping and a list each): walked as 21 nodes
    assert too_deep(node) is False and too_deep(node, limit=20) is True


def test_filed_line_10_written_as_line_10():
    from builders import person, scenario
    from taxdocs.model.load import from_data
    from_data(scenario(2025, [], taxpayer=person(), filed={"f8606_taxpayer": {"Line 10": "0.4167"}}), "s.yaml")
