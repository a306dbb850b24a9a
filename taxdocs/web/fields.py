"""The web form <-> the scenario.

Every input is named by its path in the scenario (`taxpayer.birth_date`,
`forms_1099r[0].box2a`, `forms_1099r[0].uses[1].date`), the same path an
`InputError` problem names, so a message goes next to its field with no table of
aliases. The pipeline:

    posted form (flat names) --nest()--> raw tree of strings
        --normalize()--> scenario data (blank fields dropped, amounts and dates tidied,
                         empty 1099-R blocks and empty money rows dropped, ids given)
        --taxdocs.model.load.from_data()--> Scenario, or InputError with paths

`flatten(data)` goes back (scenario data -> {name: value}) to re-render a form, e.g.
after "Change my answers" on the results page, which posts the scenario as JSON.

Which fields the page shows, with their labels and help, is declared below (BOXES,
PERSON, IRA, ROTH, USE); the templates loop over these, so the path describer used
for findings (`describe`) and the page use the same words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from taxdocs.core.written import WrittenError, amount, date_text
from taxdocs.model.scenario import FILING_STATUS_NAMES, SSN_PLACEHOLDER  # noqa: F401 (web.app reads it here)

MAX_FORMS = 20          # 1099-R blocks on one page
MAX_USES = 6            # "what happened to the money" rows per 1099-R
MAX_INDEX = 99          # any index above this in a posted name is ignored
MAX_DEPTH = 8           # dots and brackets in a posted name (the deepest field has 4)


@dataclass(frozen=True)
class Field:
    name: str            # path below its parent, e.g. "box2a" or "payer.name"
    label: str
    help: str = ""
    kind: str = "money"  # money | text | date | check | year | percent | select | ssn
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    width: str = ""      # css hint: short | medium | long

    @property
    def is_check(self) -> bool:
        return self.kind == "check"


# --- Form 1099-R: the boxes as printed on Copy B ------------------------------------

PAYER = (
    Field("payer.name", "Payer's name", "The first line of the PAYER'S name box: the plan, IRA custodian or insurer.",
          "text", required=True, width="long"),
    Field("payer.tin", "Payer's TIN", "The payer's federal identification number, e.g. 12-3456789.", "text",
          width="medium"),
    Field("account_number", "Account number", "Optional. Helps match this form with Form 5498 and last year's Form 8606.",
          "text", width="medium"),
    Field("corrected", "CORRECTED box is checked", "Tick if the payer sent this as a corrected form.", "check"),
)

BOXES_MAIN = (
    Field("box1", "Box 1 · Gross distribution", "Everything paid out this year, before tax was withheld.",
          required=True),
    Field("box2a", "Box 2a · Taxable amount",
          "What the payer says is taxable. Leave blank if the box is blank (common for IRAs)."),
    Field("box2b_not_determined", "Box 2b · Taxable amount not determined",
          "Ticked when the payer could not work out the taxable part (typical for IRA distributions).", "check"),
    Field("box2b_total_distribution", "Box 2b · Total distribution",
          "Ticked when the whole account was paid out.", "check"),
    Field("box4", "Box 4 · Federal income tax withheld",
          "Tax the payer sent to the IRS for you. It counts as paid on your return (Form 1040 line 25b)."),
    Field("box7_ira_sep_simple", "Box 7 · IRA/SEP/SIMPLE box is checked",
          "Ticked when the money came from a traditional, SEP or SIMPLE IRA (not a Roth IRA, not a 401(k)).", "check"),
)

BOXES_MORE = (
    Field("box3", "Box 3 · Capital gain", "Part of box 2a eligible for capital gain treatment (rare)."),
    Field("box5", "Box 5 · Employee contributions / designated Roth contributions",
          "Your own after-tax or Roth money included in box 1; it is not taxed again."),
    Field("box6", "Box 6 · Net unrealized appreciation", "Growth of employer securities paid out in kind."),
    Field("box8_amount", "Box 8 · Other (amount)", "An annuity contract or other item that is part of box 1."),
    Field("box8_percent", "Box 8 · Other (percent)", "The percentage shown beside box 8, if any.", "percent"),
    Field("box9a", "Box 9a · Your percentage of total distribution",
          "Shown when several people share one distribution.", "percent"),
    Field("box9b", "Box 9b · Total employee contributions",
          "Your after-tax cost in an annuity (used for the Simplified Method)."),
    Field("box10", "Box 10 · Amount allocable to IRR within 5 years",
          "Part of an in-plan Roth rollover made in the last 5 years."),
    Field("box11", "Box 11 · 1st year of designated Roth contributions",
          "The year your Roth 401(k)/403(b)/457(b) account started (starts its 5-year clock).", "year"),
    Field("box12_fatca", "Box 12 · FATCA filing requirement is checked", "", "check"),
    Field("box13", "Box 13 · Date of payment", "Usually blank; filled in only for some death benefits.", "date"),
)

DATE_PAID = Field("date_paid", "Date paid", "When the money was paid out (the date on the check or transfer). "
                  "Needed to count the 60 days and your age on that day.", "date", required=True)

# Box 7 codes: the select lists every code with its meaning (from taxdocs/params/codes.yaml).


def code_options(year: int | None = None) -> list[tuple[str, str]]:
    from taxdocs.params import codes
    out = []
    for k, c in codes().codes.items():
        note = f" (from {c.valid_from})" if c.valid_from and (year is None or year < c.valid_from) else ""
        out.append((k, f"{k} · {c.meaning}{note}"))
    return out


def code_glossary() -> list[tuple[str, str, str]]:
    """(code, meaning, when it can stand alone / pair) for the help list."""
    from taxdocs.params import codes
    out = []
    for k, c in codes().codes.items():
        extra = []
        if not c.standalone:
            extra.append("only together with another code")
        if c.valid_from:
            extra.append(f"from tax year {c.valid_from}")
        if c.valid_with:
            extra.append("can pair with " + ", ".join(sorted(c.valid_with)))
        out.append((k, c.meaning, "; ".join(extra)))
    return out


# --- what happened to the money (not on the form) ---------------------------------------

USE_KINDS = (
    ("", "— choose —"),
    ("indirect_rollover", "I deposited it myself into an IRA or plan (60-day rollover)"),
    ("direct_rollover", "The payer moved it directly to another plan or IRA (direct rollover)"),
    ("conversion", "Converted to a Roth IRA"),
    ("in_plan_roth_rollover", "Rolled into the same plan's Roth account (in-plan Roth rollover)"),
    ("qcd", "Paid directly to a charity (qualified charitable distribution)"),
    ("hfd", "Moved to an HSA (HSA funding distribution)"),
    ("recharacterization", "Recharacterized (moved a contribution to the other kind of IRA)"),
    ("returned_contribution", "A contribution returned to me by the due date"),
    ("excess_withdrawn", "An earlier year's excess contribution, withdrawn after that year's due date"),
    ("cash", "Kept it"),
)
ACCOUNTS = (
    ("", "— choose —"),
    ("traditional_ira", "Traditional IRA"),
    ("roth_ira", "Roth IRA"),
    ("sep_ira", "SEP IRA"),
    ("simple_ira", "SIMPLE IRA"),
    ("plan", "Employer plan (401(k), 403(b), 457(b)), pre-tax"),
    ("designated_roth", "Roth 401(k)/403(b)/457(b) account"),
    ("inherited_ira", "Inherited IRA"),
    ("inherited_roth_ira", "Inherited Roth IRA"),
)
SOURCES = (("", "Work it out from box 7 (usual)"),) + ACCOUNTS[1:]

USE = (
    Field("kind", "What happened", "", "select", options=USE_KINDS),
    Field("amount", "Amount", "How much of box 1 went this way. Whatever you do not list here, you kept "
          "(tax withheld counts as kept)."),
    Field("to", "Into", "The kind of account it went into (rollovers and conversions).", "select", options=ACCOUNTS),
    Field("date", "Date deposited (60-day rollover only)",
          "The day the money reached the new account. Only needed when you deposited it yourself: "
          "the deadline is 60 days after the date paid.", "date"),
)

FORM_FACTS = (
    Field("source", "Paid from", "Leave as is unless the payer's form does not say what kind of account it was.",
          "select", options=SOURCES),
    Field("recipient", "Whose form is this", "", "select", options=(("taxpayer", "Mine"), ("spouse", "My spouse's"))),
)

# --- people and the year ----------------------------------------------------------------

FILING_STATUSES = tuple(FILING_STATUS_NAMES.items())

PERSON = (
    Field("name", "Name", "As it appears on your return.", "text", required=True, width="long"),
    Field("ssn", "Social Security number (optional)",
          "Only printed on your filled Form 8606. It is not stored, and pages show only the last four digits.",
          "ssn", width="medium"),
    Field("birth_date", "Date of birth", "Your age on the day paid decides the 10% additional tax "
          "(before 59½) and whether a Roth distribution is qualified.", "date", required=True),
    Field("disabled", "Totally and permanently disabled", "An exception to the 10% additional tax.", "check"),
    Field("separated_from_service_date", "Date you left your job (if you left in or after the year you turned 55)",
          "If you left in or after the year you turned 55 (50 for public safety employees), that employer's plan "
          "pays you without the 10% additional tax from this day on. Leave blank if you did not leave.", "date"),
    Field("hsa_coverage", "HSA coverage (only if IRA money moved to an HSA)",
          "The health plan coverage you had when the money moved: it sets how much can go to the HSA tax-free.",
          "select", options=(("", "— choose —"), ("self_only", "Self-only"), ("family", "Family"),
                                 ("none", "Not HSA-eligible (e.g. on Medicare)"))),
    Field("earlier_hfd_year", "Year of an earlier move from an IRA to an HSA (if any)",
          "Only one HSA funding distribution is allowed in a lifetime: a later one is taxable.", "year"),
)

IRA = (
    Field("ira.nondeductible_contributions", "Nondeductible contributions for this year",
          "Traditional IRA contributions you did not deduct (Form 8606 line 1), e.g. the first step of a "
          "backdoor Roth."),
    Field("ira.prior_basis", "Basis from earlier years",
          "Line 14 of your last Form 8606. Leave blank if you never filed one (your basis is then taken as 0)."),
    Field("ira.year_end_value", "Value of all traditional, SEP and SIMPLE IRAs on December 31",
          "From each Form 5498 box 5 (or your December statements). Needed to split a distribution or "
          "conversion into taxable and tax-free parts (Form 8606 line 6)."),
    Field("ira.outstanding_rollovers", "Rollovers still in transit on December 31",
          "Money taken out late in the year and rolled over next year (Form 8606 line 6)."),
)

ROTH = (
    Field("roth.first_contribution_year", "First year of any Roth IRA contribution or conversion",
          "Starts the 5-year clock for qualified Roth IRA distributions.", "year"),
    Field("roth.contribution_basis", "Roth IRA contributions from earlier years",
          "Regular contributions you made (not conversions) and have not taken out. They come out tax-free first."),
    Field("roth.contributions_this_year", "Roth IRA contributions for this year", ""),
)

INCOME = Field("income.other_taxable_income", "Taxable income from everything else",
               "Your taxable income without these distributions (after deductions; negative if the deductions "
               "are more than your other income). Used only to estimate the tax effect. Leave blank to use 0, "
               "unless you enter dividends or capital gain below: they are part of it. Or start from your AGI "
               "below instead.")
GAINS = (
    Field("income.qualified_dividends", "Of that, qualified dividends",
          "Form 1040 line 3a. They are taxed at 0%, 15% or 20% on top of your other income, so these distributions "
          "can push them into a higher rate."),
    Field("income.net_capital_gain", "Of that, net capital gain",
          "Schedule D: the smaller of lines 15 and 16 (or Form 1040 line 7). Leave blank for a loss."),
)

# Or the AGI: taxdocs then takes the deductions itself at the AGI with and without the distributions
AGI = (
    Field("income.other_agi", "AGI from everything else",
          "Your adjusted gross income without these distributions (Form 1040 line 11 less the 1099-R income on lines "
          "4b, 5b and 1h, and less any taxable Social Security). Leave the taxable income above blank: taxdocs takes "
          "the standard deduction (with the amounts for 65 or older and blind) or your itemized deductions, and the "
          "2025-2028 senior deduction, at the AGI with and without the distributions."),
    Field("income.social_security_benefits", "Social Security benefits",
          "SSA-1099 box 5. The distributions can make more of them taxable; taxdocs figures that part both ways."),
    Field("income.tax_exempt_interest", "Tax-exempt interest", "Form 1040 line 2a (it counts toward the taxable "
          "part of Social Security)."),
    Field("income.itemized_deductions", "Itemized deductions (the rest of Schedule A)",
          "Mortgage interest and the other items, without the three below. Leave blank if you take the standard "
          "deduction."),
    Field("income.medical_expenses", "Medical and dental expenses",
          "Schedule A line 1, before the floor: only the part above 7.5% of your AGI counts, so the distributions "
          "can shrink it."),
    Field("income.state_local_taxes", "State and local taxes paid",
          "Schedule A lines 5a-5c, before the limit: from 2025 the limit shrinks at high incomes, so the "
          "distributions can cut it."),
    Field("income.charitable_contributions", "Gifts to charity",
          "Schedule A lines 11-13, not QCDs. From 2026, when itemizing only the part above 0.5% of your AGI counts; "
          "without itemizing, cash gifts to public charities count up to the year's limit."),
)

# --- nest / normalize / flatten -------------------------------------------------------------

_PART = re.compile(r"([A-Za-z0-9_]+)((?:\[\d+\])*)$")


def _split(name: str) -> list[str | int] | None:
    """'forms_1099r[0].uses[1].date' -> ['forms_1099r', 0, 'uses', 1, 'date']; None if not a path."""
    out: list[str | int] = []
    if name.count(".") + name.count("[") > MAX_DEPTH:  # deeper than any field of the page: not a path of it
        return None
    for part in name.split("."):
        m = _PART.fullmatch(part)
        if not m:
            return None
        out.append(m.group(1))
        for idx in re.findall(r"\[(\d+)\]", m.group(2)):
            i = int(idx)
            if i > MAX_INDEX:
                return None
            out.append(i)
    return out


def nest(items: Iterable[tuple[str, Any]]) -> dict:
    """Flat (name, value) pairs -> nested dicts; list positions are kept as int keys
    (compacted to lists by `_lists`). Names that are not paths are ignored."""
    root: dict = {}
    for name, value in items:
        parts = _split(name)
        if not parts or not isinstance(parts[0], str):
            continue
        node: Any = root
        ok = True
        for key, nxt in zip(parts, parts[1:]):
            child = node.get(key)
            if child is None:
                child = {}
                node[key] = child
            if not isinstance(child, dict):
                ok = False
                break
            node = child
        if ok and isinstance(node, dict) and not isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_lists(node[k]) for k in sorted(node)]
        return {k: _lists(v) for k, v in node.items() if not isinstance(k, int)}
    return node


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested scenario data -> {path: value} (values as they are: str, bool, numbers)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = data
    return out




def _money(v: str) -> str:
    try:
        s = amount(v)
    except WrittenError:
        return v  # pydantic names the problem next to the field
    try:
        d = Decimal(s)
    except InvalidOperation:
        return v
    return str(d) if d.is_finite() else v


def _date(v: str, full_year: bool = False) -> str:
    try:
        return date_text(v, full_year)
    except WrittenError:
        return v.strip()  # pydantic names the problem next to the field


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, (dict, list)):
        return all(_blank(x) for x in (v.values() if isinstance(v, dict) else v))
    return False


_CHECKS = {f.name for f in (*PAYER, *BOXES_MAIN, *BOXES_MORE, *PERSON) if f.kind == "check"}
_DATES = {f.name for f in (*BOXES_MORE, *PERSON, DATE_PAID, *USE) if f.kind == "date"}
_TEXT = {"name", "ssn", "hsa_coverage", "tin", "account_number", "id", "group", "recipient", "source", "kind", "to",
         "filing_status", "notes", "client_id", "address", "state", "locality", "payer_state_no", "reference",
         "note", "number", "reason", "box7"}
_INTS = {"tax_year", "box11", "first_contribution_year", "last_8606_year", "year", "payments_this_year",
         "age_at_start", "joint_age_at_start", "separated_from_service_year", "earlier_hfd_year"}


def _tidy(node: Any, key: str = "") -> Any:
    """Drop blanks, tidy amounts and dates, turn checkbox values into booleans."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            t = _tidy(v, k)
            if t is not None:
                out[k] = t
        return out or None
    if isinstance(node, list):
        items = [_tidy(v, key) for v in node]
        return [x for x in items if x is not None] or None
    if isinstance(node, bool):
        return node
    if node is None:
        return None
    if key in _CHECKS or key in ("box7_ira_sep_simple",):
        return True if str(node).strip().lower() in ("on", "true", "1", "yes") else None
    s = str(node).strip()
    if not s:
        return None
    if key in _DATES:  # a birth or death date needs its full year (1/2/20: 1920 or 2020?), as in files and CSV
        return _date(s, full_year=key in ("birth_date", "date_of_death"))
    if key in _TEXT or key in _INTS:
        return s
    return _money(s)


def normalize(raw: Mapping, keep_empty: bool = False) -> dict:
    """Raw nested strings (from `nest`) -> scenario data for `from_data`.
    keep_empty keeps blank 1099-R blocks and money rows (re-rendering after "add another")."""
    data = dict(raw)
    forms = []
    for f in raw.get("forms_1099r") or []:
        if not isinstance(f, dict):
            continue
        f = dict(f)
        codes = f.get("box7")
        if isinstance(codes, str):
            codes = [codes]
        f["box7"] = [c.strip().upper() for c in (codes or []) if isinstance(c, str) and c.strip()]
        uses = [u for u in (f.get("uses") or []) if isinstance(u, dict) and (keep_empty or _usable(u))]
        f["uses"] = uses
        given = {k: v for k, v in f.items() if k not in ("id", "recipient", "source") and not _blank(v)}
        if not given and not keep_empty:
            continue  # an empty block (e.g. "add another form" then not filled in)
        forms.append(f)
    data["forms_1099r"] = forms
    spouse = raw.get("spouse")
    if isinstance(spouse, dict) and _blank({k: v for k, v in spouse.items() if k != "ssn"}) and _blank(spouse.get("ssn")):
        data.pop("spouse", None)
    filed = data.pop("filed", None)
    out = _tidy(data) or {}
    filed = _filed(filed)
    if filed:
        out["filed"] = filed
    if keep_empty:
        # _tidy drops what is blank; keep the blocks and rows so the page shows them again
        tidied = out.get("forms_1099r") or []
        kept = []
        for f in forms:
            t = _tidy(f) or {}
            t["uses"] = [(_tidy(u, "") or {}) for u in f.get("uses") or []]
            kept.append(t)
        out["forms_1099r"] = kept if forms else tidied
    taken = {f.get("id") for f in out.get("forms_1099r") or []}
    n = 0
    for f in out.get("forms_1099r") or []:
        if not f.get("id"):
            n += 1
            while f"1099r-{n}" in taken:
                n += 1
            f["id"] = f"1099r-{n}"
            taken.add(f["id"])
        f.setdefault("box7", [])
    for who in ("taxpayer", "spouse"):
        p = out.get(who)
        if isinstance(p, dict) and "ssn" not in p:
            p["ssn"] = SSN_PLACEHOLDER
    if isinstance(out.get("taxpayer"), dict) is False:
        out["taxpayer"] = {"ssn": SSN_PLACEHOLDER}
    return out


def _filed(node: Any) -> dict | None:
    """Filed lines keep their blanks (a blank filed line is compared as 0, not skipped)."""
    if not isinstance(node, dict):
        return None
    out = {}
    for form, lines in node.items():
        if form in ("f8606_taxpayer", "f8606_spouse", "f1040") and isinstance(lines, dict) and lines:
            out[form] = {str(k): (None if v is None or not str(v).strip() else _money(str(v)))
                         for k, v in lines.items()}
    return out or None


def missing_answers(data: Mapping) -> list[tuple[str, str]]:
    """(path, message) for answers the checks after parsing would also ask for (date paid,
    birth date, deposit date, receiving account), so that one submission shows them all
    instead of one round of messages after another."""
    out: list[tuple[str, str]] = []
    forms = [f for f in data.get("forms_1099r") or [] if isinstance(f, dict)]
    for i, f in enumerate(forms):
        p = f"forms_1099r[{i}]"
        if not f.get("date_paid") and not f.get("box13"):
            out.append((f"{p}.date_paid", "Enter the date the money was paid."))
        for k, u in enumerate(f.get("uses") or []):
            if not isinstance(u, dict):
                continue
            if u.get("kind") == "indirect_rollover" and not u.get("date"):
                out.append((f"{p}.uses[{k}].date", "Enter the date you deposited it (a 60-day rollover)."))
            if u.get("kind") in ("indirect_rollover", "direct_rollover") and not u.get("to"):
                out.append((f"{p}.uses[{k}].to", "Choose the kind of account it went into."))
    for who in ("taxpayer", "spouse"):
        person = data.get(who)
        mine = [f for f in forms if (f.get("recipient") or "taxpayer") == who]
        if isinstance(person, dict) and mine and not person.get("birth_date"):
            out.append((f"{who}.birth_date", "Enter the date of birth: age decides the 10% additional tax."))
    return out


def _usable(u: dict) -> bool:
    """A money row counts once it says what happened or how much (a lone "Into" does not)."""
    return not _blank(u.get("kind")) or not _blank(u.get("amount")) or not _blank(u.get("date"))


def form_values(data: Mapping) -> dict[str, Any]:
    """Scenario data -> {input name: value to show} (the placeholder SSN shows as blank)."""
    vals = flatten(data)
    for who in ("taxpayer", "spouse"):
        if vals.get(f"{who}.ssn") == SSN_PLACEHOLDER:
            vals[f"{who}.ssn"] = ""
    return vals


def shape(data: Mapping) -> dict:
    """How many 1099-R blocks and money rows to show for `data` (at least one of each)."""
    forms = data.get("forms_1099r") or []
    return {"forms": max(len(forms), 1),
            "uses": [max(len((f or {}).get("uses") or []), 1) for f in forms] or [1]}


def ssn_given(data: Mapping, who: str = "taxpayer") -> bool:
    p = data.get(who) or {}
    return bool(p.get("ssn")) and p.get("ssn") != SSN_PLACEHOLDER


# --- relevance: ask only what the answers make relevant ------------------------------------

IRA_CODES_HINT = {"J", "Q", "T"}


def relevance(data: Mapping) -> dict[str, Any]:
    """Which optional sections the page opens (the rest stay folded in <details>)."""
    forms = [f for f in data.get("forms_1099r") or [] if isinstance(f, dict)]
    spouse = data.get("spouse") if isinstance(data.get("spouse"), dict) else {}
    spouse_on = (data.get("filing_status") == "mfj" or any(f.get("recipient") == "spouse" for f in forms)
                 or not _blank({k: v for k, v in spouse.items() if k != "ssn" or v != SSN_PLACEHOLDER}))

    def person(who: str) -> dict[str, bool]:
        mine = [f for f in forms if (f.get("recipient") or "taxpayer") == who]
        p = data.get(who) if isinstance(data.get(who), dict) else {}
        uses = [u for f in mine for u in (f.get("uses") or []) if isinstance(u, dict)]
        codes = {c for f in mine for c in (f.get("box7") or []) if isinstance(c, str)}
        ira = (any(_truthy(f.get("box7_ira_sep_simple")) for f in mine)
               or any(f.get("source") in ("traditional_ira", "sep_ira", "simple_ira") for f in mine)
               or any(u.get("kind") in ("conversion", "recharacterization") for u in uses)
               or any(u.get("to") in ("traditional_ira", "sep_ira", "simple_ira") for u in uses)
               or not _blank(p.get("ira")))
        roth = (bool(codes & IRA_CODES_HINT) or any(u.get("kind") == "conversion" for u in uses)
                or any(u.get("to") == "roth_ira" for u in uses)
                or any(f.get("source") in ("roth_ira", "inherited_roth_ira") for f in mine)
                or not _blank(p.get("roth")))
        return {"ira": ira, "roth": roth}

    more = [not _blank({b.name: f.get(b.name) for b in BOXES_MORE}) for f in forms]
    facts = [not _blank(f.get("source")) for f in forms]
    return {"spouse": spouse_on, "taxpayer": person("taxpayer"), "spouse_facts": person("spouse"),
            "more_boxes": more, "form_facts": facts}


def _truthy(v: Any) -> bool:
    return v is True or (isinstance(v, str) and v.lower() in ("on", "true", "1", "yes"))


# --- words for a path (findings on the results page) ----------------------------------------

_LEAF_LABELS: dict[str, str] = {}
for _f in (*PAYER, *BOXES_MAIN, *BOXES_MORE, DATE_PAID, *FORM_FACTS):
    _LEAF_LABELS[_f.name] = _f.label
for _f in (*PERSON, *IRA, *ROTH):
    _LEAF_LABELS[_f.name] = _f.label
_LEAF_LABELS.update({"box7": "Box 7 · Distribution code(s)", "uses": "What happened to the money"})
_USE_LABELS = {f.name: f.label for f in USE}


def describe(path: str, data: Mapping | None = None) -> str:
    """'forms_1099r[0].uses[0].date' -> 'Form 1099-R 1 (OldJob LLC) › money row 1 › Date deposited …'."""
    if not path:
        return ""
    parts = _split(path)
    if not parts:
        return path
    words: list[str] = []
    if parts[0] == "forms_1099r" and len(parts) > 1 and isinstance(parts[1], int):
        i = parts[1]
        forms = (data or {}).get("forms_1099r") or []
        payer = ""
        if i < len(forms) and isinstance(forms[i], dict):
            payer = ((forms[i].get("payer") or {}).get("name") or "") if isinstance(forms[i].get("payer"), dict) else ""
        words.append(f"Form 1099-R {i + 1}" + (f" ({payer})" if payer else ""))
        rest = parts[2:]
        if rest[:1] == ["uses"] and len(rest) > 1 and isinstance(rest[1], int):
            words.append(f"money row {rest[1] + 1}")
            leaf = rest[2] if len(rest) > 2 else None
            if isinstance(leaf, str):
                words.append(_USE_LABELS.get(leaf, leaf))
        elif rest[:1] == ["box7"]:
            words.append(_LEAF_LABELS["box7"])
        elif rest:
            key = ".".join(str(p) for p in rest if isinstance(p, str))
            words.append(_LEAF_LABELS.get(key, key))
    elif parts[0] in ("taxpayer", "spouse"):
        words.append("You" if parts[0] == "taxpayer" else "Your spouse")
        key = ".".join(str(p) for p in parts[1:] if isinstance(p, str))
        if key:
            words.append(_LEAF_LABELS.get(key, key))
    else:
        key = ".".join(str(p) for p in parts if isinstance(p, str))
        words.append({"tax_year": "Tax year", "filing_status": "Filing status",
                      "income.other_taxable_income": INCOME.label,
                      **{f.name: f.label for f in GAINS + AGI}}.get(key, key))
    return " › ".join(words)


def field_id(name: str) -> str:
    """An HTML id for an input name: 'forms_1099r[0].box1' -> 'f-forms_1099r-0-box1'."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
