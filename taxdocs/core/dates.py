"""Ages and windows. Half-years follow Pub. 590-B: 59½ is the date six months after the 59th birthday."""
from datetime import date, timedelta
from functools import lru_cache


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    # Feb 29 and month ends: clamp to the last day of the month.
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, min(d.day, day))
        except ValueError:
            continue
    raise ValueError(d)


@lru_cache(maxsize=4096)  # a return asks for the same few ages of the same birth dates ~5 times
def date_at_age(birth: date, years: int, months: int = 0) -> date:
    """The date a person born on `birth` reaches `years` + `months`."""
    return add_months(birth, years * 12 + months)


def age_reached(birth: date, on: date, years: int, months: int = 0) -> bool:
    """True if on `on` the person has reached the age (the birthday itself counts)."""
    return on >= date_at_age(birth, years, months)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def days_between(start: date, end: date) -> int:
    return (end - start).days


def plus_days(d: date, n: int) -> date:
    return d + timedelta(days=n)
