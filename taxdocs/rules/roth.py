"""Roth IRAs: qualified distributions, the five-year clocks, ordering and conversion recapture.

Ordering for nonqualified distributions (IRC §408A(d)(4)(B); Reg. §1.408A-6 Q&A-8):
regular contributions, then conversions and rollovers first in first out (taxable part
before nontaxable part within a year), then earnings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

from taxdocs.core.money import ZERO


def five_year_met(first_year: Optional[int], on: date, years: int) -> Optional[bool]:
    """The 5-taxable-year period starts Jan 1 of the first contribution year (Reg. §1.408A-6 Q&A-2).
    None when the first year is unknown."""
    if first_year is None:
        return None
    return on >= date(first_year + years, 1, 1)


def first_year_bound(first_year: Optional[int], layer_years) -> Optional[int]:
    """The first Roth IRA year: the year given, or the earliest conversion or rollover on record if that is earlier
    (a conversion is a contribution to a Roth IRA; Reg. §1.408A-6 Q&A-2); not given, the latest it can be. A period
    met from that year is met (the true first year is no later); one not met stays unknown."""
    return min((y for y in (first_year, *layer_years) if y is not None), default=None)


def five_year_met_by(first_year: Optional[int], layer_years, on: date, years: int) -> Optional[bool]:
    """`five_year_met`, using the bound from conversions when the first year is not given: True when the
    bound proves it, else None (unknown) when the first year is not given."""
    met = five_year_met(first_year_bound(first_year, layer_years), on, years)
    if first_year is None and met is False:
        return None
    return met


def by_year(layers: list["Layer"]) -> list["Layer"]:
    """One layer per year: all conversion and rollover contributions of a year are added together before the
    taxable part is taken first (Reg. §1.408A-6 Q&A-8(b), Q&A-9; Pub. 590-B "Aggregation (grouping and
    adding) rules"). Copies; the inputs are not changed."""
    out: dict[int, Layer] = {}
    for l in layers:
        m = out.get(l.year)
        if m is None:
            out[l.year] = Layer(l.year, l.amount, l.taxable, l.distributed)
        else:
            m.amount += l.amount
            m.taxable += l.taxable
            m.distributed += l.distributed
    return [out[y] for y in sorted(out)]


@dataclass
class Layer:
    year: int
    amount: Decimal
    taxable: Decimal
    distributed: Decimal = ZERO

    @property
    def taxable_left(self) -> Decimal:
        return max(self.taxable - self.distributed, ZERO)

    @property
    def left(self) -> Decimal:
        return self.amount - self.distributed


@dataclass
class Slice:
    year: int
    taxable_part: Decimal      # from the layer's taxable (once-taxed) portion
    nontaxable_part: Decimal   # from the layer's converted basis
    window_open: bool          # still inside that conversion's own 5-year period


@dataclass
class Ordering:
    from_contributions: Decimal = ZERO
    slices: list[Slice] = field(default_factory=list)
    from_earnings: Decimal = ZERO

    @property
    def from_conversions(self) -> Decimal:
        return sum((s.taxable_part + s.nontaxable_part for s in self.slices), ZERO)

    @property
    def recapture_base(self) -> Decimal:
        """Taxable parts of conversions still inside their 5-year window (Reg. §1.408A-6 Q&A-5)."""
        return sum((s.taxable_part for s in self.slices if s.window_open), ZERO)


def order(amount: Decimal, contribution_basis: Decimal, layers: list[Layer], year: int, window: int) -> Ordering:
    """Apply the ordering rules to this year's nonqualified distributions (taken as one, at year end)."""
    out, left = Ordering(), amount
    out.from_contributions = min(left, contribution_basis)
    left -= out.from_contributions
    for layer in by_year(layers):
        if left <= 0:
            break
        tax_avail = layer.taxable_left
        non_avail = layer.left - tax_avail
        t = min(left, tax_avail)
        left -= t
        n = min(left, max(non_avail, ZERO))
        left -= n
        if t or n:
            out.slices.append(Slice(layer.year, t, n, year < layer.year + window))
    out.from_earnings = max(left, ZERO)
    return out
