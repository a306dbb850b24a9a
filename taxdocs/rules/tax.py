"""Ordinary income tax from a bracket schedule, and how added income spreads over brackets.

`params` is a YearParams (its brackets for `status` are used) or a raw schedule:
a sequence of Bracket or (lower, rate) pairs starting at 0, e.g. hypothetical brackets
in a unit test (status is then ignored). Results are exact Decimals: no rounding here.

This is the rate-schedule formula (Tax Computation Worksheet). Form 1040's Tax Table for
taxable income under $100,000 uses $50 bands, so the return's line 16 can differ slightly.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Union

from taxdocs.params import Bracket, YearParams, check_schedule

ZERO = Decimal(0)
Params = Union[YearParams, Sequence[Any]]


@dataclass(slots=True)  # not frozen: frozen dataclasses are ~5x slower to build, and a return builds several
class Slice:
    """Part of `added` taxed at one rate. lower/upper are the bracket's bounds (upper None = top
    bracket; lower None = below-zero taxable income, taxed at 0). Negative `added` gives
    negative amounts and taxes."""
    rate: Decimal
    lower: Decimal | None
    upper: Decimal | None
    amount_in_bracket: Decimal
    tax: Decimal


@dataclass(slots=True)
class TaxEffect:
    tax_without: Decimal
    tax_with: Decimal
    difference: Decimal
    slices: tuple[Slice, ...]
    marginal_rate_start: Decimal  # rate on the first dollar of `added`
    marginal_rate_end: Decimal    # rate on the last dollar of `added`


def _dec(x: Any) -> Decimal:
    if isinstance(x, bool) or not isinstance(x, (Decimal, int)):
        raise TypeError(f"money must be Decimal or int, not {type(x).__name__}")
    return Decimal(x)


_SCHEDULES: dict[tuple[int, str], list] = {}


def _year_schedule(status: str, params: YearParams) -> list:
    """[params, intervals, source or None until asked] of a year's schedule, once per loaded year."""
    hit = _SCHEDULES.get((id(params), status))
    if hit is None or hit[0] is not params:  # a year's params are loaded once and kept
        if len(_SCHEDULES) > 64:
            _SCHEDULES.clear()
        hit = _SCHEDULES[(id(params), status)] = [params, _bounds(params.brackets[status]), None]
    return hit


def brackets_source(status: str, params: YearParams) -> str:
    """Where the year's brackets for `status` come from (its data file's reference)."""
    hit = _year_schedule(status, params)
    if hit[2] is None:
        hit[2] = params.source(f"brackets.{status}")
    return hit[2]


def _bounds(brackets) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    uppers = [b.lower for b in brackets[1:]] + [None]
    return [(b.lower, u, b.rate) for b, u in zip(brackets, uppers)]


def _intervals(status: str, params: Params) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    if isinstance(params, YearParams):
        return _year_schedule(status, params)[1]
    return _bounds(check_schedule(tuple(
        b if isinstance(b, Bracket) else Bracket(lower=b[0], rate=b[1]) for b in params)))


def tax_on(taxable_income: Decimal, status: str, params: Params) -> Decimal:
    """Tax on taxable income; negative income counts as 0."""
    # IRC §1(j)(2) rate tables, thresholds per Rev. Proc. 2023-34 / 2024-40 / 2025-32
    x = max(_dec(taxable_income), ZERO)
    total = ZERO
    for lower, upper, rate in _intervals(status, params):
        if x <= lower:
            break
        total += ((x if upper is None else min(x, upper)) - lower) * rate
    return total


def marginal_rate(taxable_income: Decimal, status: str, params: Params) -> Decimal:
    """Rate on the next dollar above `taxable_income` (0 while taxable income is negative)."""
    # IRC §1(j)(2): a rate applies to income over its bracket's lower bound
    x = _dec(taxable_income)
    if x < 0:
        return ZERO
    return [rate for lower, _, rate in _intervals(status, params) if lower <= x][-1]


def tax_slices(base: Decimal, added: Decimal, status: str, params: Params) -> list[Slice]:
    """The part of `added` in each bracket above `base`, in the order the income is added."""
    # IRC §1(j)(2); each slice = the bracket's rate × the part of (base, base + added] inside it
    base, added = _dec(base), _dec(added)
    lo, hi = sorted((base, base + added))
    out: list[Slice] = []
    if lo < 0 and min(hi, ZERO) > lo:
        out.append(Slice(ZERO, None, ZERO, min(hi, ZERO) - lo, ZERO))
    for lower, upper, rate in _intervals(status, params):
        a, b = max(lo, lower), (hi if upper is None else min(hi, upper))
        if b > a:
            out.append(Slice(rate, lower, upper, b - a, (b - a) * rate))
    if added < 0:
        out = [Slice(s.rate, s.lower, s.upper, -s.amount_in_bracket, -s.tax) for s in reversed(out)]
    return out


def tax_effect(base: Decimal, added: Decimal, status: str, params: Params) -> TaxEffect:
    """Tax without and with `added` on top of `base`, and the bracket slices in between."""
    # IRC §1(j)(2); thresholds per the year's Rev. Proc.
    without = tax_on(base, status, params)
    with_ = tax_on(_dec(base) + _dec(added), status, params)
    slices = tuple(tax_slices(base, added, status, params))
    if slices:
        start, end = slices[0].rate, slices[-1].rate
    else:
        start = end = marginal_rate(base, status, params)
    return TaxEffect(without, with_, with_ - without, slices, start, end)
