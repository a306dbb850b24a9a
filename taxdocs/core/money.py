"""Money is Decimal. Rounding follows the forms (rules.md §4.4)."""
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Iterable

ZERO = Decimal(0)
ONE = Decimal(1)


def D(x) -> Decimal:
    """Decimal from int/str/Decimal. Floats are refused: they are not money."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool) or isinstance(x, float):
        raise TypeError(f"money must not be {type(x).__name__}: {x!r}")
    if x is None:
        return ZERO
    return Decimal(str(x).replace(",", "").replace("$", "").strip() or "0")


def dollars(x) -> Decimal:
    """Whole dollars: drop under 50 cents, round 50-99 cents up (i8606 General Instructions)."""
    return (x if x.__class__ is Decimal else D(x)).quantize(ONE, ROUND_HALF_UP)


def dollars_within(x) -> Decimal:
    """Whole dollars, rounded down: for a limit ("at most 50% of ...") that rounding must not exceed."""
    return (x if x.__class__ is Decimal else D(x)).quantize(ONE, ROUND_FLOOR)


def apportion(amount: Decimal, caps: list) -> list[Decimal]:
    """`amount` spread over `caps` pro rata, in whole dollars, each share at most its cap: all of it placed (up
    to the caps' sum), each share taking at least what the ones after it cannot hold."""
    whole = sum(caps, ZERO)
    left, later, out = min(amount, whole), whole, []
    for i, cap in enumerate(caps):
        later -= cap
        share = left if i == len(caps) - 1 else (dollars(amount * cap / whole) if whole else ZERO)
        share = min(max(share, left - later), cap, left)
        out.append(share)
        left -= share
    return out


def ratio(num, den, places: int = 3) -> Decimal:
    """Form 8606 line 10 style ratio: rounded half-up to `places`, capped at 1.000 (i8606 line 10)."""
    num, den = D(num), D(den)
    cap = ONE.quantize(Decimal(1).scaleb(-places))
    if den <= 0:
        return cap
    r = (num / den).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return min(r, cap)


def total(xs: Iterable) -> Decimal:
    """Sum of amounts; blanks (None) count as 0."""
    out = ZERO
    for x in xs:
        if x is not None:
            out += x if x.__class__ is Decimal else D(x)
    return out


def z(x) -> Decimal:
    """Blank line (None) counts as zero in arithmetic."""
    return ZERO if x is None else D(x)


def pos(x) -> Decimal:
    """'If zero or less, enter -0-'."""
    return max(z(x), ZERO)


def fmt(x, blank: str = "") -> str:
    """Print a whole-dollar amount with separators; ratios keep their places."""
    if x is None:
        return blank
    x = D(x)
    if x == x.to_integral_value() and x.as_tuple().exponent >= 0:
        return f"{int(x):,}"
    return f"{x:,}"
