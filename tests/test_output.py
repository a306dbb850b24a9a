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
