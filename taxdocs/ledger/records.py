"""The ledger's records: what a finished year leaves for the next (CarryFacts), what the store holds of a person
and a year, what a commit did; and the ledger's errors."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from taxdocs.errors import TaxdocsError
from taxdocs.ledger import keys


class LedgerError(TaxdocsError):
    """A clear ledger failure (no such client, cannot open, newer schema...)."""


class LedgerNeedsAmend(LedgerError):
    """The year is already recorded with different inputs and --amend was not given."""


class LedgerConflict(LedgerError):
    """Another commit for the same person-year landed first; nothing was written."""


# --------------------------------------------------------------------------- records

QCD_TOTALS = ("deductions_after_70_half", "qcd_reductions")   # CarryFacts / ledger_year names


@dataclass
class CarryFacts:
    """What one tax year leaves for the next (from `taxdocs.rules.carry.carry_forward`)."""
    ira_basis: Decimal                                   # Form 8606 line 14 (or basis kept)
    roth_contribution_basis: Decimal                     # regular Roth contributions not yet distributed
    conversion_layers: list[dict] = field(default_factory=list)  # year, amount, taxable, distributed
    roth_first_year: Optional[int] = None
    ira_rollover_dates: list[date] = field(default_factory=list)
    year_end_value: Optional[Decimal] = None
    f8606: dict[str, Decimal] = field(default_factory=dict)      # the year's Form 8606 lines, "1".."25c"
    notes: list[str] = field(default_factory=list)
    provisional: list[str] = field(default_factory=list)         # carried figures resting on assumptions
    # QCD offset totals through this year (IRC §408(d)(8)(A)); None: not recorded (a year from before 0003, a seed)
    deductions_after_70_half: Optional[Decimal] = None
    qcd_reductions: Optional[Decimal] = None
    # basis left in IRAs inherited from each decedent (their own Form 8606 line 14), by the decedent's name
    inherited_basis: dict[str, Decimal] = field(default_factory=dict)
    # the year of the person's one HSA funding distribution (IRC §408(d)(9)(C)(ii)); None: none recorded
    hfd_year: Optional[int] = None
    # basis left in Roth IRAs inherited from each decedent (their own Form 8606 Part III), by decedent:
    # {"basis", "conversion_basis", "first_year"} (the decedent's first Roth year, or None)
    inherited_roth: dict[str, dict] = field(default_factory=dict)
    # first-time homebuyer distributions through this year, of the $10,000 lifetime limit (IRC §72(t)(8)(B)); None:
    # not recorded (a year from before session 20, a seed)
    homebuyer_used: Optional[Decimal] = None
    # the Roth contribution basis (0) was never given: next year leaves it blank rather than filling a firm 0
    roth_basis_unknown: bool = False

    def as_dict(self) -> dict:
        d = {"ira_basis": self.ira_basis, "roth_contribution_basis": self.roth_contribution_basis,
             "conversion_layers": [{k: l[k] for k in ("year", "amount", "taxable", "distributed")}
                                   for l in self.conversion_layers],
             "roth_first_year": self.roth_first_year, "ira_rollover_dates": list(self.ira_rollover_dates),
             "year_end_value": self.year_end_value, "f8606": self.f8606, "notes": self.notes,
             "provisional": self.provisional}
        # left out when not recorded, so a seed's content hash and older exports stay as they were
        for k in QCD_TOTALS:
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        if self.inherited_basis:  # likewise
            d["inherited_basis"] = dict(self.inherited_basis)
        if self.hfd_year is not None:  # likewise
            d["hfd_year"] = self.hfd_year
        if self.inherited_roth:  # likewise
            d["inherited_roth"] = {k: dict(v) for k, v in self.inherited_roth.items()}
        if self.homebuyer_used:  # likewise (0 and not recorded alike)
            d["homebuyer_used"] = self.homebuyer_used
        if self.roth_basis_unknown:  # likewise
            d["roth_basis_unknown"] = True
        return keys.canon(d)

    @classmethod
    def from_dict(cls, d: dict) -> "CarryFacts":
        """From `as_dict()` (JSON), checked (taxdocs.ledger.validate): a malformed value is a LedgerError naming it."""
        from taxdocs.ledger import validate
        try:
            return cls.from_model(validate.facts_model(d))
        except validate.Problems as e:
            raise LedgerError("facts: " + "; ".join(f"{p}: {r}" for p, r in e.items)) from None

    @classmethod
    def from_model(cls, f) -> "CarryFacts":
        """From a checked `taxdocs.ledger.validate.Facts`."""
        return cls(
            ira_basis=f.ira_basis, roth_contribution_basis=f.roth_contribution_basis,
            conversion_layers=[{"year": l.year, "amount": l.amount, "taxable": l.taxable, "distributed": l.distributed}
                               for l in f.conversion_layers],
            roth_first_year=f.roth_first_year, ira_rollover_dates=sorted(set(f.ira_rollover_dates)),
            year_end_value=f.year_end_value, f8606=dict(f.f8606), notes=list(f.notes), provisional=list(f.provisional),
            deductions_after_70_half=f.deductions_after_70_half, qcd_reductions=f.qcd_reductions,
            inherited_basis=dict(f.inherited_basis), hfd_year=f.hfd_year, homebuyer_used=f.homebuyer_used,
            roth_basis_unknown=bool(f.roth_basis_unknown),
            inherited_roth={k: {"basis": v.basis, "conversion_basis": v.conversion_basis, "first_year": v.first_year}
                            for k, v in f.inherited_roth.items()})


@dataclass
class YearRecord:
    client_id: str
    ssn_last4: str
    name: Optional[str]
    tax_year: int
    version: int
    current: bool
    kind: str
    source: Optional[str]
    committed_at: datetime
    content_hash: str
    facts: CarryFacts
    commit_id: int = 0      # the commit that recorded this version (ids grow with time)

    @property
    def ssn_masked(self) -> str:
        return keys.masked(self.ssn_last4)


@dataclass
class PersonRecord:
    client_id: str
    ssn_key: str
    ssn_last4: str
    name: Optional[str]
    years: list[YearRecord]           # every version, by year then version

    @property
    def ssn_masked(self) -> str:
        return keys.masked(self.ssn_last4)

    def current(self) -> list[YearRecord]:
        return [y for y in self.years if y.current]


@dataclass
class Entry:
    """One person-year to record."""
    client_id: str
    ssn_key: str
    ssn_last4: str
    name: Optional[str]
    who: str
    facts: CarryFacts


@dataclass
class Outcome:
    who: str
    client_id: str
    ssn_last4: str
    tax_year: int
    status: str                       # new | unchanged | amended
    version: int
    previous: Optional[int] = None
    changes: list[str] = field(default_factory=list)
    later_years: list[int] = field(default_factory=list)

    @property
    def ssn_masked(self) -> str:
        return keys.masked(self.ssn_last4)


@dataclass
class CommitReport:
    tax_year: int
    outcomes: list[Outcome]
    findings: list = field(default_factory=list)     # from fill_from_ledger (taxdocs.checks.finding.Finding)
    content_hash: str = ""

    @property
    def changed(self) -> bool:
        return any(o.status != "unchanged" for o in self.outcomes)
