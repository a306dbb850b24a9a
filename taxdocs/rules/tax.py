"""Ordinary income tax from a bracket schedule, and how added income spreads over brackets; with qualified
dividends and net capital gain, the Qualified Dividends and Capital Gain Tax Worksheet (`Gains`).

`params` is a YearParams (its brackets for `status` are used) or a raw schedule:
a sequence of Bracket or (lower, rate) pairs starting at 0, e.g. hypothetical brackets
in a unit test (status is then ignored). Results are exact Decimals: no rounding here.

`tax_on` is the rate-schedule formula (Tax Computation Worksheet); `line16_tax` is the tax as Form 1040 line 16
shows it: under $100,000 of taxable income from the Tax Table (the tax on the row's midpoint, in whole dollars).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Union

from taxdocs.core.money import dollars
from taxdocs.params import Bracket, TaxTable, YearParams, check_schedule

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
class Gains:
    """Qualified dividends + net capital gain inside the taxable income (worksheet line 4), and the year's
    ceilings for the filing status (lines 6 and 13) and rates (lines 18 and 21)."""
    amount: Decimal
    zero_max: Decimal
    fifteen_max: Decimal
    middle_rate: Decimal
    top_rate: Decimal


@dataclass(slots=True)
class GainsSplit:
    """How the worksheet taxed the gains at one taxable income: the amounts at 0% (line 9), 15% (line 17) and
    20% (line 20), and the tax on them (the return's tax less the tax on the ordinary part, line 22)."""
    at_zero: Decimal
    at_middle: Decimal
    at_top: Decimal
    tax: Decimal
    outside: Decimal = ZERO  # gains not in taxable income (absorbed by deductions): line 4 - line 10
    regular: bool = False    # line 25 took line 24: the regular tax is less, so the gains are taxed as ordinary income


@dataclass(slots=True)
class TaxEffect:
    tax_without: Decimal
    tax_with: Decimal
    difference: Decimal
    slices: tuple[Slice, ...]     # the added income on the ordinary schedule, stacked under the gains
    marginal_rate_start: Decimal  # rate on the first dollar of `added` (ordinary schedule)
    marginal_rate_end: Decimal    # rate on the last dollar of `added`
    gains: Decimal = ZERO                    # qualified dividends + net capital gain (0: none)
    gains_without: GainsSplit | None = None  # the worksheet's split without and with the added income
    gains_with: GainsSplit | None = None
    gains_difference: Decimal = ZERO         # tax on the gains caused by the added income (higher rate, or now taxable)


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


def table_tax(taxable_income: Decimal, status: str, params: Params, table: TaxTable) -> Decimal:
    """Tax Table: under the table's ceiling, the schedule's tax on the midpoint of the row holding the income, in
    whole dollars (half a dollar up); at or above it, the schedule's tax itself (Tax Computation Worksheet)."""
    # i1040 line 16: "If your taxable income is less than $100,000, you must use the Tax Table"
    row = table.row(_dec(taxable_income))
    if row is None:
        return tax_on(taxable_income, status, params)
    return dollars(tax_on((row[0] + row[1]) / 2, status, params))


def line16_tax(taxable_income: Decimal, status: str, params: Params, table: TaxTable,
               gains: Gains | None = None) -> Decimal:
    """Form 1040 line 16 in whole dollars: the Tax Table or the Tax Computation Worksheet, or with qualified
    dividends and net capital gain the Qualified Dividends and Capital Gain Tax Worksheet, whose lines 22 and 24
    use the same table."""
    if gains is not None and gains.amount > 0:
        def regular(x: Decimal, status: str, params: Params) -> Decimal:
            return table_tax(x, status, params, table)
        return dollars(tax_with_gains(taxable_income, gains, status, params, regular)[0])
    return dollars(table_tax(taxable_income, status, params, table))


def tax_with_gains(taxable_income: Decimal, gains: Gains, status: str, params: Params,
                   regular: Callable[[Decimal, str, Params], Decimal] = tax_on) -> tuple[Decimal, GainsSplit]:
    """Qualified Dividends and Capital Gain Tax Worksheet (i1040 line 16), lines 1-25: the tax, and the gains' split.
    `regular` taxes lines 5 and 1 (lines 22 and 24): the rate schedule, or the Tax Table as line 16 does."""
    # IRC §1(h)(1); i1040 Qualified Dividends and Capital Gain Tax Worksheet
    l1 = max(_dec(taxable_income), ZERO)
    l4 = max(gains.amount, ZERO)
    l5 = max(l1 - l4, ZERO)                 # the ordinary part
    l7 = min(l1, gains.zero_max)
    l9 = l7 - min(l5, l7)                   # gains at 0%
    l10 = min(l1, l4)                       # gains inside the taxable income
    l12 = l10 - l9
    l16 = max(min(l1, gains.fifteen_max) - (l5 + l9), ZERO)
    l17 = min(l12, l16)                     # gains at 15%
    l20 = l10 - l9 - l17                    # gains at 20%
    ordinary = regular(l5, status, params)  # line 22
    l23 = l17 * gains.middle_rate + l20 * gains.top_rate + ordinary
    l24 = regular(l1, status, params)
    total = min(l23, l24)  # line 25: never more than the regular tax
    return total, GainsSplit(l9, l17, l20, total - ordinary, outside=l4 - l10, regular=l24 < l23)


def tax_alone(income: Decimal, status: str, params: Params, gains: Gains | None = None) -> Decimal:
    """The tax on one taxable income: the rate schedule, or the QDCG Tax Worksheet when it holds gains (i1040 line 16;
    IRC §1(h)). tax_effect's `tax_without` is this on its base."""
    if gains is not None and gains.amount > 0:
        return tax_with_gains(income, gains, status, params)[0]
    return tax_on(income, status, params)


def tax_effect(base: Decimal, added: Decimal, status: str, params: Params, gains: Gains | None = None) -> TaxEffect:
    """Tax without and with `added` on top of `base`, and the bracket slices in between. With `gains` (part of
    `base`), the added income is ordinary income stacked under them (i1040 QDCG Tax Worksheet line 5)."""
    # IRC §1(j)(2); thresholds per the year's Rev. Proc.
    if gains is not None and gains.amount > 0:
        without, split_without = tax_with_gains(base, gains, status, params)
        with_, split_with = tax_with_gains(_dec(base) + _dec(added), gains, status, params)
        ordinary_base = _dec(base) - gains.amount  # below 0: deductions the gains absorbed, filled first
    else:
        without, with_ = tax_on(base, status, params), tax_on(_dec(base) + _dec(added), status, params)
        split_without = split_with = None
        ordinary_base = base
    slices = tuple(tax_slices(ordinary_base, added, status, params))
    if slices:
        start, end = slices[0].rate, slices[-1].rate
    else:
        start = end = marginal_rate(ordinary_base, status, params)
    if split_with is None:
        return TaxEffect(without, with_, with_ - without, slices, start, end)
    return TaxEffect(without, with_, with_ - without, slices, start, end, gains.amount, split_without, split_with,
                     split_with.tax - split_without.tax)
