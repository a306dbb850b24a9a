"""Keys and content hashes for the ledger. The SSN never leaves this module in clear.

- `ssn_key(ssn)`: the person's key beside the client id. PBKDF2-HMAC-SHA256 of the nine digits
  with a fixed application salt (so two firms running taxdocs get the same key, and an export
  from one imports into the other), 100,000 iterations (so guessing all 10^9 SSNs costs real
  time; a fixed salt alone would not). It is a pseudonym, not encryption: treat the ledger as PII.
- `canonical_scenario(sc)`: the scenario as canonical JSON, SSNs replaced by their key and last
  four digits; equal inputs give equal text whatever the file's spelling (7000 vs 7000.00, key
  order, defaults written out or left out).
- `content_hash(text)`: sha256 of that text, to tell "the same year again" from an amendment.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

APP_SALT = b"taxdocs-ledger/ssn-key/v1"
ITERATIONS = 100_000


def ssn_digits(ssn: str) -> str:
    digits = "".join(ch for ch in str(ssn) if ch.isdigit())
    if len(digits) != 9:
        raise ValueError("an SSN has 9 digits")
    return digits


@functools.lru_cache(maxsize=4096)
def _key(digits: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", digits.encode(), APP_SALT, ITERATIONS).hex()


def ssn_key(ssn: str) -> str:
    """64 hex characters; the same for '123-45-6789' and '123456789'."""
    return _key(ssn_digits(ssn))


def last4(ssn: str) -> str:
    return ssn_digits(ssn)[-4:]


def masked(last: str) -> str:
    """The only form in which an SSN is ever shown."""
    return f"***-**-{last}"


def money_text(d: Decimal) -> str:
    """Canonical text of an amount: 7000, 7000.0 and 7000.00 all give '7000'; 12.50 gives '12.5'."""
    if not d.is_finite():
        raise ValueError(f"not a finite amount: {d}")
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def canon(x: Any) -> Any:
    """JSON-ready, stable: Decimals as canonical text, dates ISO, enums by value."""
    if isinstance(x, bool) or x is None or isinstance(x, (int, str)):
        return x
    if isinstance(x, Decimal):
        return money_text(x)
    if isinstance(x, float):
        return money_text(Decimal(str(x)))
    if isinstance(x, (date, datetime)):
        return x.isoformat()
    if isinstance(x, Enum):
        return x.value
    if isinstance(x, dict):
        return {str(k): canon(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [canon(v) for v in x]
    raise TypeError(f"cannot put {type(x).__name__} in the ledger")


def dumps(doc: Any) -> str:
    return json.dumps(canon(doc), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# The canonical form is what a year's content hash covers, so a year committed earlier must hash the same
# after new inputs are added ("committing the same inputs again writes nothing", docs/ledger.md):
# inputs added later are left out while at their default, and those that were 0 before they could be blank are 0.
# Inputs added later -> their default: left out while at it (None, False or 0; `is` keeps 0 apart from None).
_ADDED_LATER = {
    "person": {"public_safety_service_years": None, "blind": False, "hsa_coverage": None,
               "separated_from_service_date": None, "earlier_hfd_year": None},
    "form": {"rmd_amount": None, "date_received": None, "loan_offset": None, "pso_premiums": None,
             "decedent_roth_conversion_basis": None, "governmental_457b": False},
    "exception": {"event": None},
    "roth": {"first_year_at_latest": None},
    "filed": {"f5329_taxpayer": {}, "f5329_spouse": {}, "f1040_notations": {}},
    "income": {"other_agi": None, "itemized_deductions": None, "social_security_benefits": None,
               "tax_exempt_interest": 0, "mfs_lived_apart_all_year": False, "qualified_dividends": 0,
               "net_capital_gain": 0, "net_investment_income": None, "medical_expenses": None,
               "state_local_taxes": None, "charitable_contributions": None},
}
_ZERO_WHEN_BLANK = ("deductions_after_70_half_prior", "qcd_reductions_prior")  # the QCD offset totals


def _at_default(v, default) -> bool:
    if default is None or isinstance(default, bool):
        return v is default
    return v is not None and not isinstance(v, bool) and v == default


def _drop_defaults(d: dict, kind: str) -> None:
    for k, default in _ADDED_LATER[kind].items():
        if k in d and _at_default(d[k], default):
            del d[k]


def redacted_scenario(sc, mask: bool = True) -> dict:
    """The scenario as a plain dict with each SSN replaced by {ssn_key, last4}; `mask=False`: an SSN typed into free
    text left as it is (as before session 18, for the content hash of years committed then: legacy_hash)."""
    data = sc.model_dump(mode="python")
    ssns = [p.ssn for _, p in sc.people()]
    for who in ("taxpayer", "spouse"):
        p = data.get(who)
        if p:
            ssn = p.pop("ssn")
            p["ssn_key"] = ssn_key(ssn)
            p["ssn_last4"] = last4(ssn)
            _drop_defaults(p, "person")
            if isinstance(p.get("roth"), dict):
                _drop_defaults(p["roth"], "roth")
            for k in _ZERO_WHEN_BLANK:
                if p["ira"].get(k) is None:
                    p["ira"][k] = Decimal(0)
    if isinstance(data.get("income"), dict):
        _drop_defaults(data["income"], "income")
    if isinstance(data.get("filed"), dict):
        _drop_defaults(data["filed"], "filed")
    for f in data.get("forms_1099r") or []:
        _drop_defaults(f, "form")
        if f.get("nonspouse_beneficiary") is None:  # blank since session 20, false before: hashed as it was
            f["nonspouse_beneficiary"] = False
        for ex in f.get("exceptions") or []:
            _drop_defaults(ex, "exception")
    return canon(_mask_ssns(data, ssns) if mask else data)


def _mask_ssns(node, ssns: list[str]):
    """A person's SSN typed into free text (notes, an account number that is the SSN) kept out of the ledger, whose
    stored scenario and export hold no SSN: replaced by its last four, as shown everywhere else."""
    if isinstance(node, dict):
        return {k: _mask_ssns(v, ssns) for k, v in node.items()}
    if isinstance(node, list):
        return [_mask_ssns(v, ssns) for v in node]
    if isinstance(node, str) and any(c.isdigit() for c in node):
        for ssn in ssns:
            d = ssn.replace("-", "")
            node = re.sub(rf"(?<!\d){d[:3]}[- ]?{d[3:5]}[- ]?{d[5:]}(?!\d)", f"***-**-{d[5:]}", node)
    return node


def canonical_scenario(sc) -> str:
    return dumps(redacted_scenario(sc))


def legacy_hash(sc) -> str:
    """The content hash a year had before an SSN in free text was masked (or the current hash where there is none):
    committing the same inputs again is still "unchanged"."""
    return content_hash(dumps(redacted_scenario(sc, mask=False)))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
