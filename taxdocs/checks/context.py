"""What every check function needs: the result, scenario paths and small helpers.

Check functions take a `Ctx` and return findings; they never print and never change the result.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Optional

from taxdocs.core.dates import age_on, age_reached, date_at_age
from taxdocs.core.money import ZERO, z
from taxdocs.model.scenario import Account, Form1099R, Person
from taxdocs.params import general
from taxdocs.rules.legs import IRA_SOURCES


class Ctx:
    def __init__(self, res) -> None:
        self.res = res
        self.sc = res.scenario
        self.g = res.graph
        self.year = self.sc.tax_year
        self.index = {f.id: i for i, f in enumerate(self.sc.forms_1099r)}
        self.gp = general()

    # -- scenario paths ----------------------------------------------------------------
    def fpath(self, form_id: str, tail: str = "") -> str:
        i = self.index.get(form_id)
        base = f"forms_1099r[{i}]" if i is not None else "forms_1099r"
        return base + (f".{tail}" if tail else "")

    def leg_of(self, ref: str):
        """(FormInfo, Leg) for a leg reference `form id:use index|rest`."""
        form_id, _, _ = ref.rpartition(":")
        info = self.res.forms.get(form_id)
        if info is None:
            return None, None
        for leg in info.legs:
            if leg.ref == ref:
                return info, leg
        return info, None

    def leg_path(self, ref: str, tail: str = "") -> str:
        form_id, _, idx = ref.rpartition(":")
        if idx.isdigit():
            return self.fpath(form_id, f"uses[{idx}]" + (f".{tail}" if tail else ""))
        return self.fpath(form_id, "box7")  # the remainder of box 1: what box 7 says happened

    # -- people --------------------------------------------------------------------------
    def person(self, who: str) -> Person:
        return self.sc.person(who)

    def who_words(self, who: str) -> str:
        return "the taxpayer" if who == "taxpayer" else "the spouse"

    def half(self, person: Person) -> Optional[date]:
        a = self.gp.ages.early_distribution
        return date_at_age(person.birth_date, a.years, a.months) if person.birth_date else None

    def age_text(self, person: Person, on: date) -> str:
        if person.birth_date is None:
            return "of unknown age"
        years = age_on(person.birth_date, on)
        half = self.half(person)
        if years == 59 and half is not None and on < half:
            return "59 (not yet 59½)"
        return f"age {years}"

    def reached_half(self, person: Person, on: date) -> bool:
        a = self.gp.ages.early_distribution
        return person.birth_date is not None and age_reached(person.birth_date, on, a.years, a.months)

    # -- lines ---------------------------------------------------------------------------
    def line(self, key: str, default: Any = None) -> Any:
        return self.g[key] if self.g.has(key) else default

    def zline(self, key: str) -> Decimal:
        v = self.line(key)
        return z(v) if not isinstance(v, bool) else ZERO

    def status(self, key: str) -> str:
        return self.g.status(key) if self.g.has(key) else "complete"

    def early_rate(self, info) -> Optional[Decimal]:
        """The additional-tax rate Form 5329 Part I applies to this form (None when none applies)."""
        if info is None or not info.early:
            return None
        items = self.line(f"f5329.{info.person}.items") or []
        item = next((i for i in items if i.form_id == info.form_id), None)
        if item is None or item.amount - item.excepted <= 0:
            return None
        return self.gp.rates.simple_early.value if item.simple else self.gp.rates.early_distribution.value

    def early_note(self, info, amount: Optional[Decimal] = None) -> str:
        """', subject to the 10% additional tax ...' when Form 5329 Part I taxes part of this form."""
        rate = self.early_rate(info)
        if rate is None:
            return ""
        from taxdocs.checks.catalogue import money
        from taxdocs.core.money import dollars
        pct = f"{(rate * 100).normalize():f}%"
        if amount is not None:
            return f", and the {pct} additional tax on it is {money(dollars(rate * amount))} (paid before 59½, no exception shown)"
        return f", subject to the {pct} additional tax (paid before 59½, no exception shown)"


def forms_of(ctx: Ctx, who: str) -> list[Form1099R]:
    return [f for f in ctx.sc.forms_1099r if f.recipient == who]


def ira_source(src: Account) -> bool:
    return src in IRA_SOURCES


@dataclass
class Masked:
    """A TIN shown without its digits (never echo a number that may be an SSN)."""
    text: str

    def __str__(self) -> str:
        digits = "".join(c for c in self.text if c.isdigit())
        return f"ending {digits[-4:]}" if len(digits) >= 4 else "too short to show"


ACCOUNT_WORDS = {
    Account.traditional_ira: "a traditional IRA", Account.sep_ira: "a SEP IRA", Account.simple_ira: "a SIMPLE IRA",
    Account.roth_ira: "a Roth IRA", Account.plan: "an employer plan", Account.designated_roth: "a designated Roth account",
    Account.inherited_ira: "an inherited IRA", Account.inherited_roth_ira: "an inherited Roth IRA",
}


def account_words(acct) -> str:
    if acct is None:
        return "an account not named"
    if isinstance(acct, str):
        try:
            acct = Account(acct)
        except ValueError:
            return acct.replace("_", " ")
    return ACCOUNT_WORDS.get(acct, acct.value.replace("_", " "))
