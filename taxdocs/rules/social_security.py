"""The taxable part of Social Security benefits (IRC §86; Pub. 915 Worksheet 1), for the tax effect: more
retirement income can make more of the benefits taxable."""
from __future__ import annotations

from decimal import Decimal

from taxdocs.core.money import ZERO, dollars


def _kind(status: str, lived_apart: bool) -> str:
    if status == "mfs":
        return "mfs_apart" if lived_apart else "mfs_together"
    return status


def taxable_benefits(benefits: Decimal, other_income: Decimal, tax_exempt: Decimal, status: str, lived_apart: bool,
                     gp) -> Decimal:
    """Pub. 915 Worksheet 1: `other_income` is AGI without the benefits (lines 3 less 7)."""
    ss = gp.social_security
    if benefits <= 0:
        return ZERO
    kind = _kind(status, lived_apart)
    half = benefits * ss.first_rate                                   # line 2
    combined = half + other_income + tax_exempt                       # lines 6 less 7 (= line 8)
    over_base = combined - ss.base[kind]                              # line 10
    if over_base <= 0:
        return ZERO
    band = ss.adjusted_over_base[kind]                                # line 11
    above = max(over_base - band, ZERO)                               # line 12
    first = min(half, min(over_base, band) * ss.first_rate)           # lines 13-15
    return dollars(min(first + above * ss.second_rate, benefits * ss.second_rate))  # lines 16-19
