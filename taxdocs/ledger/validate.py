"""What the ledger accepts: a year's facts (CarryFacts as JSON) and the export file, checked whole before anything
is written (`ledger import`, `ledger seed`) and again when a stored year is read back, so a hand-edited or damaged
value is refused with its place named instead of being stored to crash or mislead a later year.

The rules are the scenario model's (taxdocs.model.scenario): amounts finite, not negative, at most 2 decimal
places; years whole numbers; a tax year within the scenario's range; a first Roth year not after the tax year.

    facts_model(d)                      -> Facts (pydantic), or raises Problems([(path, reason)])
    year_problems(facts, tax_year)      -> [(path, reason)]: the years and dates against the tax year
    export_model(doc)                   -> Export, or raises Problems
    seed_problems(facts_dict, tax_year) -> [(path, reason)]
"""
from __future__ import annotations

import difflib
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError,
                      model_validator)

from taxdocs.core.nesting import too_deep as nested
from taxdocs.model.scenario import MAX_AMOUNT, MAX_NAME, Money

TAX_YEARS = (2000, 2100)   # the scenario model's tax_year range (Scenario.tax_year)
HFD_FIRST = 2007           # HSA funding distributions: IRC §408(d)(9), after 2006 (as the scenario's earlier_hfd_year)
MAX_NESTING = 40           # an export's deepest part is a stored scenario (about 10 levels)
PROVISIONAL = ("ira_basis", "roth_contribution_basis", "roth_first_year", "year_end_value", "conversion_layers",
               "deductions_after_70_half", "qcd_reductions")   # the labels facts_from_result / the seed record


class Problems(Exception):
    """[(path, reason)]: where and why, for the caller to name its file or options."""
    def __init__(self, items: list[tuple[str, str]]):
        super().__init__("; ".join(f"{p}: {r}" for p, r in items))
        self.items = items


def _iso(kind: type, wanted: str, words: str):
    """A BeforeValidator: a `kind` as is, or ISO text read as one; anything else refused in plain words."""
    def read(v: Any) -> Any:
        if isinstance(v, kind) and (kind is datetime or not isinstance(v, datetime)):
            return v
        if not isinstance(v, str):
            raise ValueError(f"{wanted} (got {_shown(v)})")
        try:
            return kind.fromisoformat(v)
        except ValueError:
            raise ValueError(f"{words} (got {_shown(v)})") from None
    return read


_iso_date = _iso(date, "a date as text, YYYY-MM-DD", "not a date YYYY-MM-DD")
_iso_time = _iso(datetime, "a date and time as ISO text", "not an ISO date and time")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Line = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]  # a Form 8606 line (line 10: a ratio)
LineNo = Annotated[StrictStr, Field(pattern=r"^([1-9]|1[0-9]|2[0-5])[a-c]?$")]
# a decedent's name, or the payer's name with the account number (taxdocs.rules.facts.inherited_roth_ledger_name): the
# payer's name alone may be MAX_NAME long, and an account number has no limit of its own
Name = Annotated[StrictStr, Field(min_length=1, max_length=10 * MAX_NAME)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Layer(_Strict):
    year: StrictInt
    amount: Money
    taxable: Money
    distributed: Money = Decimal(0)

    @model_validator(mode="after")
    def _parts(self) -> "Layer":
        if self.taxable > self.amount:
            raise ValueError("taxable part exceeds the amount converted (i8606 line 24)")
        if self.distributed > self.amount:
            raise ValueError("more distributed than was converted")
        return self


class InheritedRoth(_Strict):
    basis: Money
    conversion_basis: Money = Decimal(0)
    first_year: Optional[StrictInt] = None

    @model_validator(mode="after")
    def _parts(self) -> "InheritedRoth":
        if self.conversion_basis > self.basis:  # the conversions are part of the basis (i8606 lines 22, 24)
            raise ValueError("conversion_basis exceeds basis (it is part of it)")
        return self


class Facts(_Strict):
    """CarryFacts.as_dict(), checked."""
    ira_basis: Money
    roth_contribution_basis: Money = Decimal(0)
    conversion_layers: list[Layer] = []
    roth_first_year: Optional[StrictInt] = None
    ira_rollover_dates: list[IsoDate] = []
    year_end_value: Optional[Money] = None
    f8606: dict[LineNo, Line] = {}
    notes: list[Annotated[StrictStr, Field(max_length=10_000)]] = []
    provisional: list[Literal[PROVISIONAL]] = []   # type: ignore[valid-type]
    deductions_after_70_half: Optional[Money] = None
    qcd_reductions: Optional[Money] = None
    inherited_basis: dict[Name, Money] = {}
    hfd_year: Optional[StrictInt] = None
    inherited_roth: dict[Name, InheritedRoth] = {}
    homebuyer_used: Optional[Money] = None   # first-time homebuyer distributions through the year (IRC §72(t)(8)(B))
    roth_basis_unknown: Optional[StrictBool] = None  # the Roth contribution basis (0) was never given


class Year(_Strict):
    tax_year: StrictInt = Field(ge=TAX_YEARS[0], le=TAX_YEARS[1])
    version: StrictInt = Field(ge=1, le=1_000_000)
    current: Optional[StrictBool] = None
    kind: Literal["commit", "amend", "seed", "import"] = "commit"
    source: Optional[Annotated[StrictStr, Field(max_length=500)]] = None
    committed_at: Optional[Annotated[datetime, BeforeValidator(_iso_time)]] = None
    content_hash: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]
    facts: Facts
    scenario: Optional[dict[str, Any]] = None


class Person(_Strict):
    client_id: Annotated[StrictStr, Field(min_length=1, max_length=128)]
    ssn_key: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]
    ssn_last4: Annotated[StrictStr, Field(pattern=r"^[0-9]{4}$")]
    name: Optional[Annotated[StrictStr, Field(max_length=200)]] = None   # the column's width
    years: list[Year] = []


class Export(_Strict):
    schema_: StrictStr = Field(alias="schema")
    exported_at: Optional[StrictStr] = None
    schema_revision: Optional[StrictStr] = None
    people: list[Person]


# --------------------------------------------------------------------------- checking

def facts_model(d: Any) -> Facts:
    try:
        return Facts.model_validate(d)
    except ValidationError as e:
        raise Problems(_problems(e, Facts)) from None


def export_model(doc: Any) -> Export:
    try:
        return Export.model_validate(doc)
    except ValidationError as e:
        raise Problems(_problems(e, Export)) from None


def year_problems(f: Facts, tax_year: int, *, seed: bool = False) -> list[tuple[str, str]]:
    """The facts' years and dates against the year they were carried out of."""
    from taxdocs.params import general  # the law's dates are data (general.yaml law_dates)
    start = general().law_dates.roth_ira_start.value.year
    out = []

    def year(path: str, y: Optional[int], first: int, why: str, rule: str = "", last: int = tax_year) -> None:
        if y is not None and y > last:
            out.append((path, f"{y} is after tax year {tax_year}" if last == tax_year
                        else f"{y} is after {last}, the year after tax year {tax_year}"))
        elif y is not None and y < first:
            out.append((path, f"{y} is before {first}, {why}" + (f" ({rule})" if rule else "")))

    roth = "the first year of Roth IRAs"
    # a conversion or rollover paid in December and deposited in January is a Roth IRA contribution of the next year
    # (IRC §408A(d)(3)(F)(i)(II); Reg. §1.408A-6 A-2): its layer, and a first Roth year it starts, are the next year's
    year("roth_first_year", f.roth_first_year, start, roth, "IRC §408A", tax_year + 1)
    for i, l in enumerate(f.conversion_layers):
        year(f"conversion_layers[{i}].year", l.year, start, roth, "IRC §408A", tax_year + 1)
    for name, r in f.inherited_roth.items():
        year(f"inherited_roth.{name}.first_year", r.first_year, start, roth, "IRC §408A")
    year("hfd_year", f.hfd_year, HFD_FIRST, "the first year of HSA funding distributions", "IRC §408(d)(9)")
    for i, d in enumerate(f.ira_rollover_dates):
        if d.year > tax_year + 1:  # a distribution of the year may be received in the next (date_received; IRC
            # §408(d)(3)(A): up to 366 days after the date paid, as the scenario's check)
            out.append((f"ira_rollover_dates[{i}]", f"{d} is after {tax_year + 1}, the year after tax year {tax_year}"))
        elif seed and d.year < tax_year - 1:
            # its 12 months ended before the year after the seed: it cannot matter (IRC §408(d)(3)(B); rules.md §6.4)
            out.append((f"ira_rollover_dates[{i}]", f"{d} is before {tax_year - 1}: only a rollover of {tax_year - 1} "
                        f"or {tax_year} can limit one in {tax_year + 1} (one per 12 months, IRC §408(d)(3)(B))"))
    return out


def seed_problems(facts_dict: Any, tax_year: Any, client_id: Any = None, name: Any = None) -> list[tuple[str, str]]:
    """A seed's figures (CarryFacts.as_dict()) and labels, as an import's."""
    out = []
    if isinstance(tax_year, bool) or not isinstance(tax_year, int) or not TAX_YEARS[0] <= tax_year <= TAX_YEARS[1]:
        out.append(("tax_year", f"a tax year from {TAX_YEARS[0]} to {TAX_YEARS[1]} (got {_shown(tax_year)})"))
    if client_id is not None and (not isinstance(client_id, str) or not client_id.strip() or len(client_id) > 128):
        out.append(("client_id", "required text, at most 128 characters"))
    if name is not None and (not isinstance(name, str) or len(name) > MAX_NAME):
        out.append(("name", f"text of at most {MAX_NAME} characters"))
    try:
        f = facts_model(facts_dict)
    except Problems as e:
        return out + e.items
    return out + ([] if out else year_problems(f, tax_year, seed=True))


def too_deep(data: Any, limit: int = MAX_NESTING) -> bool:
    return nested(data, limit)


# --------------------------------------------------------------------------- messages

_PLAIN = {"missing": "required", "extra_forbidden": "unknown key", "int_type": "must be a whole number",
          "string_type": "must be text", "bool_type": "must be true or false", "list_type": "must be a list",
          "dict_type": "must be an object", "model_type": "must be an object", "model_attributes_type":
          "must be an object", "decimal_parsing": "not an amount", "decimal_type": "not an amount (give it as text, "
          "e.g. \"7000\")", "finite_number": "not a finite amount", "decimal_max_places": "at most 2 decimal places",
          "string_pattern_mismatch": "not in the right form"}


_SHAPED = ("less_than_equal", "greater_than_equal", "literal_error", "string_too_long", "string_too_short")


def _shown(v: Any) -> str:
    text = str(v) if isinstance(v, Decimal) else repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (the key)"
        else:
            out += ("." if out else "") + str("schema" if part == "schema_" else part)
    return out


def _problems(e: ValidationError, root: type[BaseModel]) -> list[tuple[str, str]]:
    out = []
    for err in e.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p and p != "[key]")))
        kind, msg = err["type"], err["msg"].removeprefix("Value error, ")
        if kind == "value_error" or kind not in _PLAIN and kind not in _SHAPED:
            reason = msg
        elif kind == "less_than_equal":
            reason = f"at most {err['ctx']['le']}"
        elif kind == "greater_than_equal":
            reason = f"must be {err['ctx']['ge']} or more"
        elif kind == "literal_error":
            reason = f"must be {err['ctx']['expected']}"
        elif kind == "string_too_long":
            reason = f"at most {err['ctx']['max_length']} characters"
        elif kind == "string_too_short":
            reason = "required text"
        else:
            reason = _PLAIN.get(kind, msg)
        if kind == "extra_forbidden":
            near = difflib.get_close_matches(str(loc[-1]), _known(root, loc[:-1]), n=1, cutoff=0.7)
            reason += f" (did you mean {near[0]!r}?)" if near else ""
        elif kind != "value_error" and "input" in err and not isinstance(err["input"], (dict, list)) \
                and kind not in ("missing",):
            reason += f" (got {_shown(err['input'])})"
        out.append((_path(loc), reason))
    return out


def _known(root: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed where an unknown one was found (for "did you mean")."""
    names = [str(p) for p in loc if isinstance(p, str)]
    model: Any = root
    for name in names:
        field = model.model_fields.get("schema_" if name == "schema" else name)
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ()) or ()
        model = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if model is None:
            return []
    return [("schema" if k == "schema_" else k) for k in model.model_fields]
