"""Tax parameters as data: one YAML file per tax year, plus general.yaml and codes.yaml.

How sources are attached (one rule everywhere): every group in the YAML files is a
mapping with a ``source`` string (the rules.md tag [V]/[S]/[K]/[D] is kept inside it)
and an optional ``note``. Each group loads into a frozen pydantic model that has
``.source``. For a single value together with its source, ask the root model:

    p = load_year(2026)
    p.brackets["single"]              # tuple[Bracket, ...] (lower bound, rate)
    p.std_deduction["hoh"]            # Decimal("24150")
    p.get("std_deduction.mfj")        # Param(value=Decimal("32200"), source="Rev. Proc. 2025-32 ...")
    p.source("brackets.hoh")          # a leaf inherits the nearest group's source
    general().ages.early_distribution # Age(years=59, months=6, source=...)
    codes().is_valid_pair("1", "8", 2025)

Money and rates are Decimal: YAML ints or quoted strings; a YAML float is an error.
Filing status keys: single, mfj, mfs, hoh, qss. Everything is cached and frozen.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, NamedTuple

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from taxdocs.core import yamlfile

DATA_DIR = Path(__file__).parent
STATUSES = ("single", "mfj", "mfs", "hoh", "qss")


class ParamsError(Exception):
    """Missing or malformed parameter data."""


def _no_float(v: Any) -> Any:
    if isinstance(v, (float, bool)):
        raise ValueError(f"{v!r}: write money and rates as an int or a quoted string, never a float")
    return v


Dec = Annotated[Decimal, BeforeValidator(_no_float)]


def status_key(status: str) -> str:
    s = str(status).strip().lower()
    if s not in STATUSES:
        raise ValueError(f"unknown filing status {status!r}; expected one of {', '.join(STATUSES)}")
    return s


class Param(NamedTuple):
    value: Any
    source: str


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Sourced(_Frozen):
    source: str
    note: str | None = None


class _Root(_Frozen):
    """Adds dotted-path lookup of a value with the source of its nearest group."""

    def get(self, path: str) -> Param:
        node: Any = self
        src: str | None = None
        for part in path.split("."):
            if isinstance(node, BaseModel) and part in type(node).model_fields:
                node = getattr(node, part)
            elif isinstance(node, Mapping) and (part in node or (part.isdigit() and int(part) in node)):
                node = node[part] if part in node else node[int(part)]
            else:
                raise KeyError(f"no parameter {path!r}")
            if isinstance(node, Sourced):
                src = node.source
        if src is None:
            raise ParamsError(f"{path!r} has no source")
        return Param(node, src)

    def source(self, path: str) -> str:
        return self.get(path).source


# ---- tax-year models -------------------------------------------------------

class Bracket(_Frozen):
    """Rate applies to taxable income over `lower` (up to the next bracket's lower)."""
    lower: Dec
    rate: Dec

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, v: Any) -> Any:
        return {"lower": v[0], "rate": v[1]} if isinstance(v, (list, tuple)) else v


def check_schedule(brackets: tuple[Bracket, ...]) -> tuple[Bracket, ...]:
    if not brackets or brackets[0].lower != 0:
        raise ValueError("a bracket schedule must start at 0")
    if any(b.lower >= c.lower for b, c in zip(brackets, brackets[1:])):
        raise ValueError("bracket lower bounds must increase")
    if any(not 0 <= b.rate <= 1 for b in brackets):
        raise ValueError("bracket rates must be between 0 and 1")
    return brackets


class _PerStatus(Sourced):
    def __getitem__(self, status: str) -> Any:
        return getattr(self, status_key(status))


class BracketTable(_PerStatus):
    single: tuple[Bracket, ...]
    mfj: tuple[Bracket, ...]
    mfs: tuple[Bracket, ...]
    hoh: tuple[Bracket, ...]
    qss: tuple[Bracket, ...]

    @model_validator(mode="after")
    def _check(self) -> BracketTable:
        for s in STATUSES:
            check_schedule(getattr(self, s))
        return self


class StatusAmounts(_Frozen):
    """One amount per filing status (inside a group that carries the source, or as ByStatus with its own)."""
    single: Dec
    mfj: Dec
    mfs: Dec
    hoh: Dec
    qss: Dec

    def __getitem__(self, status: str) -> Any:
        return getattr(self, status_key(status))


class ByStatus(StatusAmounts, Sourced):
    pass


class Amount(Sourced):
    value: Dec


class Range(_Frozen):
    lower: Dec
    upper: Dec

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, v: Any) -> Any:
        return {"lower": v[0], "upper": v[1]} if isinstance(v, (list, tuple)) else v

    @model_validator(mode="after")
    def _order(self) -> Range:
        if self.lower > self.upper:
            raise ValueError(f"range {self.lower}–{self.upper} is reversed")
        return self


class AdditionalStd(Sourced):
    married: Dec      # per person, 65+ or blind, married (MFJ, MFS, QSS)
    unmarried: Dec    # single, HoH


class SeniorDeduction(Sourced):
    amount: Dec
    phaseout_rate: Dec
    threshold: Dec
    threshold_joint: Dec
    first_year: int
    last_year: int


class ItemizedLimitation(Sourced):
    """IRC §68(a) from 2026: itemized deductions less numerator/denominator of the lesser of them and the income
    above the bracket taxed at `bracket_rate`."""
    numerator: int
    denominator: int
    bracket_rate: Dec


class SaltPhasedown(_Frozen):
    """IRC §164(b)(7) (2025-2029): the limit less `rate` of the MAGI above the threshold, not below the floor."""
    threshold: Dec
    threshold_mfs: Dec
    rate: Dec
    floor: Dec
    floor_mfs: Dec


class SaltLimit(Sourced):
    """IRC §164(b)(6): state and local taxes deductible up to the limit (married filing separately: `*_mfs`)."""
    limit: Dec
    limit_mfs: Dec
    phasedown: SaltPhasedown | None  # null: a flat limit (before 2025)


class CharitableFloor(Sourced):
    """IRC §170(b)(1)(I) (from 2026): an itemizer deducts charitable contributions above `rate` of the AGI."""
    rate: Dec


class NonitemizerGifts(Sourced):
    """IRC §170(p) (from 2026): a non-itemizer's cash gifts to public charities, up to the limit (joint: `limit_joint`)."""
    limit: Dec
    limit_joint: Dec


class IraContribution(Sourced):
    limit: Dec
    catch_up: Dec


class IraDeductionPhaseout(Sourced):
    single_hoh_covered: Range
    mfj_covered: Range
    mfj_spouse_covered: Range
    mfs_covered: Range


class RothPhaseout(Sourced):
    single_hoh: Range
    mfj: Range
    mfs: Range


class PlanLimits(Sourced):
    deferral: Dec
    catch_up: Dec
    catch_up_60_63: Dec | None


class HsaLimits(Sourced):
    """The year's HSA contribution limit by coverage (IRC §223(b)(2), indexed): what an HSA funding distribution
    can exclude (IRC §408(d)(9)(C)(i))."""
    self_only: Dec
    family: Dec


class QcdLimits(Sourced):
    limit: Dec
    split_interest_limit: Dec | None


class CapitalGainRates(Sourced):
    """Qualified Dividends and Capital Gain Tax Worksheet lines 6 and 13 (IRC §1(h)(1), (j)(5)): the taxable
    income up to which qualified dividends and net capital gain are taxed at 0%, and then at 15%."""
    zero_max: StatusAmounts
    fifteen_max: StatusAmounts


class YearParams(_Root):
    year: int
    brackets: BracketTable
    std_deduction: ByStatus
    additional_std_deduction: AdditionalStd
    senior_deduction: SeniorDeduction | None
    itemized_limitation: ItemizedLimitation | None  # null: no overall limitation that year (2018-2025)
    salt_limit: SaltLimit
    charitable_floor: CharitableFloor | None  # null: no floor that year (before 2026)
    nonitemizer_gifts: NonitemizerGifts | None  # null: no deduction for a non-itemizer's gifts that year
    ira_contribution: IraContribution
    ira_deduction_phaseout: IraDeductionPhaseout
    roth_phaseout: RothPhaseout
    plan_limits: PlanLimits
    annual_additions_415c: Amount
    qcd: QcdLimits
    hsa: HsaLimits | None = None   # None: HSA funding distributions are not capped, and a finding says so
    domestic_abuse_limit: Amount | None
    capital_gains: CapitalGainRates | None = None  # None: the tax effect treats all income as ordinary, and says so


# ---- general (statutory, not annual) ----------------------------------------

class Age(Sourced):
    years: int
    months: int = 0

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.years) + Decimal(self.months) / 12


class Ages(_Frozen):
    early_distribution: Age
    separation_from_service: Age
    separation_public_safety: Age
    qcd: Age
    ira_catch_up: Age
    hsa_catch_up: Age
    aged_deduction: Age
    simplified_method_under: Age


class Period(Sourced):
    value: int
    unit: str  # "days" | "years"


class MonthDay(Sourced):
    month: int
    day: int

    def next_year_after(self, d: date) -> date:
        """This month and day in the year after `d`'s, moved past a Saturday or Sunday (IRC §7503)."""
        out = date(d.year + 1, self.month, self.day)
        while out.weekday() >= 5:
            out += timedelta(days=1)
        return out


class Periods(_Frozen):
    annuity_guaranteed_years: Period
    rollover_days: Period
    return_due_date_extended: MonthDay
    self_cert_after_reason_days: Period
    once_per_year_rollover: Period
    roth_qualified_years: Period
    roth_conversion_years: Period
    drac_qualified_years: Period
    sepp_modification_years: Period
    simple_first_years: Period
    repayment_years: Period
    public_safety_service_years: Period
    homebuyer_redeposit_days: Period


class LawDate(Sourced):
    value: date


class LawDates(_Frozen):
    lump_sum_option_born_before: LawDate
    roth_ira_start: LawDate
    corrective_ira_earnings_exempt_from: LawDate
    public_safety_service_after: LawDate


class Rates(_Frozen):
    early_distribution: Amount
    simple_early: Amount
    mandatory_withholding: Amount
    rmd_excise: Amount
    rmd_excise_corrected: Amount
    excess_contribution: Amount
    capital_gain_middle: Amount
    capital_gain_top: Amount
    medical_agi_floor: Amount


class Niit(Sourced):
    rate: Dec
    threshold: StatusAmounts


class TableBand(_Frozen):
    up_to: Dec
    width: Dec


class TaxTable(Sourced):
    """Form 1040 Tax Table: under `below`, the tax is the schedule's tax on the row's midpoint, in whole dollars."""
    below: Dec
    first_rows: list[Dec]   # bounds of the first, uneven rows (0-5, 5-15, ...)
    bands: list[TableBand]  # then rows of `width` up to `up_to`

    @model_validator(mode="after")
    def _rows(self) -> "TaxTable":
        r = self.first_rows
        if len(r) < 2 or r[0] != 0 or any(b <= a for a, b in zip(r, r[1:])):
            raise ValueError("tax_table.first_rows: increasing bounds from 0")
        start = r[-1]
        for b in self.bands:
            if b.width <= 0 or b.up_to <= start or (b.up_to - start) % b.width:
                raise ValueError(f"tax_table.bands: rows of {b.width} must fill {start} to {b.up_to}")
            start = b.up_to
        if start != self.below:
            raise ValueError(f"tax_table: the rows end at {start}, not at `below` ({self.below})")
        return self

    def row(self, x: Decimal) -> tuple[Decimal, Decimal] | None:
        """The row [at least, less than) holding taxable income x; None at `below` or more (no table)."""
        if x >= self.below:
            return None
        x = max(x, Decimal(0))
        r = self.first_rows
        if x < r[-1]:
            i = max(i for i in range(len(r) - 1) if r[i] <= x)
            return r[i], r[i + 1]
        start = r[-1]
        for b in self.bands:
            if x < b.up_to:
                lo = start + ((x - start) // b.width) * b.width
                return lo, lo + b.width
            start = b.up_to
        return None  # not reached: the validator makes the bands end at `below`


class Limits(_Frozen):
    first_time_homebuyer_lifetime: Amount
    hsa_catch_up: Amount
    qbad_per_child: Amount
    emergency_personal_expense: Amount
    qualified_disaster: Amount
    retired_public_safety_premiums: Amount


class SocialSecurity(Sourced):
    first_rate: Dec
    second_rate: Dec
    base: dict[str, Dec]
    adjusted_over_base: dict[str, Dec]


class RmdAgeRow(Sourced):
    born_from: date | None
    born_to: date | None
    years: int
    months: int = 0


class UniformTable(Sourced):
    factors: dict[int, Dec]


class Rmd(_Frozen):
    applicable_age: tuple[RmdAgeRow, ...]
    uniform_table: UniformTable

    def applicable_age_for(self, birth: date) -> RmdAgeRow:
        for r in self.applicable_age:
            if (r.born_from is None or birth >= r.born_from) and (r.born_to is None or birth <= r.born_to):
                return r
        raise ParamsError(f"no RMD applicable age for birth date {birth}")

    def uniform_factor(self, age: int) -> Decimal:
        if age not in self.uniform_table.factors:
            raise ParamsError(f"Uniform Lifetime factor for age {age} not transcribed (general.yaml)")
        return self.uniform_table.factors[age]


class SmTable(Sourced):
    starting_after: date
    rows: tuple[tuple[int | None, int], ...]  # (highest age in row or None = no cap, payments)

    def payments(self, age: int) -> int:
        for top, n in self.rows:
            if top is None or age <= top:
                return n
        raise ParamsError(f"age {age} is past the last row")


class SimplifiedMethod(_Frozen):
    single_life: SmTable
    single_life_1986: SmTable
    uncapped_before: LawDate
    joint_lives: SmTable


class ExceptionNo(_Frozen):
    meaning: str
    ira: bool
    plan: bool
    note: str | None = None
    role: str | None = None   # what the engine uses it for: disability, death, misreported_code
    cap: str | None = None    # a `limits` entry, or the year's parameter of that name, capping it
    cap_per: str = "claim"    # claim: each claim is one event (19: per child); person: one limit a person-year (22, 23)
    once_a_year: bool = False  # only one distribution a calendar year may be treated as it (23)
    balance_cap: str | None = None  # half: 50% of the vested balance (22); excess_over_cap: balance less the cap (23)
    not_rollover_eligible: bool = False  # not an eligible rollover distribution: no mandatory 20% (19, 22, 23)


class ExceptionEra(Sourced):
    from_year: int
    to_year: int | None
    numbers: dict[str, ExceptionNo]
    highest: int | None = None    # the i5329 list runs 01..highest ("enter the applicable exception number")


_FOR_YEAR: dict[tuple[int, int], tuple] = {}  # (id, year) -> (the object, its numbers)


class ExceptionNumbers(Sourced):
    eras: tuple[ExceptionEra, ...]

    def for_year(self, year: int) -> Mapping[str, ExceptionNo]:
        """The year's numbers (read-only; made once a year: several rules and checks ask in every return)."""
        key = (id(self), year)
        hit = _FOR_YEAR.get(key)
        if hit is None or hit[0] is not self:
            out: dict[str, ExceptionNo] = {}
            for e in self.eras:  # later eras override earlier ones
                if e.from_year <= year and (e.to_year is None or year <= e.to_year):
                    out.update(e.numbers)
            if len(_FOR_YEAR) > 64:
                _FOR_YEAR.clear()
            hit = _FOR_YEAR[key] = (self, MappingProxyType(out))
        return hit[1]

    def highest(self, year: int) -> int | None:
        """The year's highest exception number, where the year's i5329 list is known to end there."""
        out = None
        for e in self.eras:
            if e.highest is not None and e.from_year <= year and (e.to_year is None or year <= e.to_year):
                out = e.highest
        return out

    def for_role(self, role: str, year: int) -> str | None:
        """The year's number for an exception the engine applies from the facts; None: not transcribed."""
        return next((n for n, e in self.for_year(year).items() if e.role == role), None)

    def lookup(self, number: str, year: int) -> ExceptionNo:
        found = self.for_year(year).get(str(number).zfill(2))
        if found is None:
            raise ParamsError(f"Form 5329 exception number {number} is not transcribed for {year}; "
                              f"transcribe that year's i5329 table into general.yaml")
        return found


class GeneralParams(_Root):
    ages: Ages
    periods: Periods
    law_dates: LawDates
    rates: Rates
    limits: Limits
    social_security: SocialSecurity
    niit: Niit
    tax_table: TaxTable
    rmd: Rmd
    simplified_method: SimplifiedMethod
    exception_numbers: ExceptionNumbers


# ---- box 7 codes --------------------------------------------------------------

class Code(Sourced):
    meaning: str
    valid_with: frozenset[str]
    valid_from: int | None = None
    standalone: bool = True
    flags: frozenset[str] = frozenset()


class Pub1220Rules(Sourced):
    singles_only: frozenset[str]
    numeric_pairs: frozenset[frozenset[str]]
    only_with: dict[str, frozenset[str]]


def _norm(code: Any) -> str:
    return str(code).strip().upper()


class CodeTable(_Root):
    flag_meanings: dict[str, str]
    pub1220: Pub1220Rules
    codes: dict[str, Code]

    @model_validator(mode="after")
    def _check(self) -> CodeTable:
        for k, c in self.codes.items():
            for w in c.valid_with:
                if w not in self.codes or k not in self.codes[w].valid_with:
                    raise ValueError(f"code {k} lists {w}, but {w} does not list {k} (table must be symmetric)")
            if c.flags - self.flag_meanings.keys():
                raise ValueError(f"code {k}: unknown flags {sorted(c.flags - self.flag_meanings.keys())}")
        return self

    def known(self, code: Any, year: int) -> bool:
        c = self.codes.get(_norm(code))
        return c is not None and (c.valid_from is None or year >= c.valid_from)

    def get_code(self, code: Any, year: int) -> Code:
        if not self.known(code, year):
            raise ParamsError(f"box 7 code {code!r} is not valid for {year}")
        return self.codes[_norm(code)]

    def with_flag(self, flag: str) -> frozenset[str]:
        if flag not in self.flag_meanings:
            raise KeyError(f"unknown code flag {flag!r}")
        return frozenset(k for k, c in self.codes.items() if flag in c.flags)

    def has_flag(self, code: Any, flag: str) -> bool:
        return _norm(code) in self.with_flag(flag)

    def _pub1220_ok(self, a: str, b: str) -> bool:
        r = self.pub1220
        if a in r.singles_only or b in r.singles_only:
            return False
        if a.isdigit() and b.isdigit() and frozenset((a, b)) not in r.numeric_pairs:
            return False
        return all(x not in r.only_with or y in r.only_with[x] for x, y in ((a, b), (b, a)))

    def is_valid_pair(self, a: Any, b: Any, year: int) -> bool:
        """Symmetric. Both the i1099r "valid with" table and the Pub. 1220 rules must allow it."""
        a, b = _norm(a), _norm(b)
        if a == b or not (self.known(a, year) and self.known(b, year)):
            return False
        return b in self.codes[a].valid_with and self._pub1220_ok(a, b)

    def is_valid_box7(self, value: str, year: int) -> bool:
        """One code (that may stand alone) or two codes, e.g. "7", "G4", "4G"."""
        v = _norm(value)
        if len(v) == 1:
            return self.known(v, year) and self.codes[v].standalone
        return len(v) == 2 and self.is_valid_pair(v[0], v[1], year)


# ---- loading --------------------------------------------------------------------

def _read(path: Path, model: type[BaseModel]) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            data = yamlfile.load(f)
        return model.model_validate(data)
    except (yaml.YAMLError, ValidationError) as e:
        raise ParamsError(f"{path}: {e}") from e


def load_file(path: Path | str) -> YearParams:
    """Load one year file (uncached). The `year` inside must match the file name."""
    path = Path(path)
    p = _read(path, YearParams)
    if path.stem != str(p.year):
        raise ParamsError(f"{path}: says year {p.year}")
    return p


@functools.lru_cache(maxsize=None)
def load_year(year: int) -> YearParams:
    path = DATA_DIR / f"{int(year)}.yaml"
    if not path.is_file():
        raise ParamsError(f"no tax-year data for {year}; add taxdocs/params/{year}.yaml")
    return load_file(path)


def available_years() -> tuple[int, ...]:
    return tuple(sorted(int(p.stem) for p in DATA_DIR.glob("[0-9][0-9][0-9][0-9].yaml")))


@functools.lru_cache(maxsize=None)
def general() -> GeneralParams:
    return _read(DATA_DIR / "general.yaml", GeneralParams)


@functools.lru_cache(maxsize=None)
def codes() -> CodeTable:
    return _read(DATA_DIR / "codes.yaml", CodeTable)
