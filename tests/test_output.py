"""How the JSON writes money: whole amounts as integers, others as strings, never floats."""
import json
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from taxdocs.output import dumps_bytes, plain


@pytest.mark.parametrize("value, written", [
    (Decimal("12345"), 12345), (Decimal("0"), 0), (Decimal("-7"), -7),
    (Decimal("0.125"), "0.125"), (Decimal("1.000"), "1.000"),   # Form 8606 line 10 keeps its 3 places
    (Decimal("12.50"), "12.50"), (Decimal("1E+3"), 1000), (Decimal("1E-7"), "1E-7"),
])
def test_decimals_in_the_json(value, written):
    assert json.loads(dumps_bytes({"v": value}, compact=True)) == {"v": written}
    assert plain(value) == written


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_the_json_writes_a_decimal_as_plain_does(x):
    got = json.loads(dumps_bytes([x], compact=True))[0]  # json: exact beyond 64 bits (orjson reads floats there)
    assert got == plain(x)
    assert not isinstance(got, float)
    assert Decimal(got) == x  # nothing lost


def test_an_account_number_that_is_the_ssn_is_not_in_the_json():
    """Audit (session 18): a plan account number is often the participant's SSN; the plan group's key showed it."""
    from builders import form, person, run, scenario
    from taxdocs.output import result_dict
    acct = {"balance": 100000, "after_tax": 0}
    forms = [form("a", 10000, ["7"], "2025-03-03", account_number="123456789", plan_account=acct),
             form("b", 5000, ["7"], "2025-03-03", account_number="999996789", plan_account=acct)]
    res = run(scenario(2025, forms, taxpayer=person(ssn="123-45-6789")))
    text = dumps_bytes(result_dict(res, []), compact=True).decode()
    assert "123456789" not in text and "999996789" not in text
    keys = [g["key"] for g in json.loads(text)["plan_groups"]]
    assert len(keys) == 2 and len(set(keys)) == 2 and all("*****6789" in k for k in keys)   # still two distributions
