"""The machine-readable result: every line under a stable key (documented in docs/output.md)."""
from __future__ import annotations

import dataclasses
import functools
import json
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from taxdocs.core.lines import STATUSES

SCHEMA = "taxdocs.result/1"

# Lines that are internal helpers, not form lines; kept out of `lines` but shown elsewhere
# (<w>: a person, or an inherited IRA's own Form 8606).
HIDDEN = ("f5329.<w>.items", "f8606.<w>.roth_ordering", "tax.effect", "f1040.forms", "f1040.ira_taxable.<w>")
_HIDDEN_PARTS = [h.partition("<w>") for h in HIDDEN]  # (before, "<w>" or "", after)
_SHOWN: dict[str, bool] = {}  # line key -> shown in `lines`; keys repeat from return to return


def _shown(key: str) -> bool:
    shown = _SHOWN.get(key)
    if shown is None:
        shown = not any(key.startswith(pre) and key.endswith(post) and len(key) > len(pre) + len(post)
                        if w else key == pre for pre, w, post in _HIDDEN_PARTS)
        if len(_SHOWN) > 20_000:  # bounded: per-1099-R keys vary
            _SHOWN.clear()
        _SHOWN[key] = shown
    return shown


def plain(x: Any) -> Any:
    """JSON-ready: whole Decimals become ints, other Decimals strings (never floats)."""
    if x is None or type(x) in (str, bool, int):
        return x
    if isinstance(x, Decimal):
        return _money(x)
    if isinstance(x, date):
        return x.isoformat()
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {k: plain(getattr(x, k)) for k in _field_names(type(x))}  # as dataclasses.asdict, without its copies
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return [plain(v) for v in x]
    if hasattr(x, "value") and hasattr(x, "name") and not isinstance(x, (str, int)):
        return x.value
    return x


@functools.lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _money(x: Decimal) -> Any:
    """Whole amounts as ints, others (ratios, cents) as strings; never floats."""
    s = str(x)  # str() first: several times cheaper than as_tuple() on this path
    if "E" in s:
        return int(x) if x.as_tuple().exponent >= 0 else s
    return s if "." in s else int(s)


def _default(x: Any) -> Any:
    """What orjson does not write itself (Decimal, set...), written as `plain` would."""
    if x.__class__ is Decimal:  # most calls: _money, inlined
        s = str(x)
        if "E" in s:
            return int(x) if x.as_tuple().exponent >= 0 else s
        return s if "." in s else int(s)
    return plain(x)


def result_dict(res, findings: list | None = None) -> dict:
    """The result document. Values are left as they are (Decimal, date, Enum, dataclass), except that whole
    Decimals among the lines and facts are already ints; `dumps` writes the rest as `plain` would. Use
    `plain(result_dict(...))` for JSON-ready values."""
    g, sc = res.graph, res.scenario
    lines = res.lines()
    shown = _SHOWN
    # whole-dollar Decimals written here as ints (as `_default` would): most of a document's values, and a call
    # back from orjson for each costs more than the test inline
    out_lines = {k: (int(s) if "." not in (s := str(v)) and "E" not in s else _money(v)) if v.__class__ is Decimal
                 else v for k, v in lines.items() if (shown[k] if k in shown else _shown(k))}
    ranks = g.ranks  # only the lines that are not complete
    status = {k: STATUSES[ranks[k]] for k in out_lines if ranks.get(k)} if ranks else {}
    people = {w: {"name": p.name, "ssn": p.ssn_last4} for w, p in sc.people()}
    eff = lines.get("tax.effect")
    doc = {
        "schema": SCHEMA,
        "tax_year": sc.tax_year,
        "filing_status": sc.filing_status.value,
        "people": people,
        "lines": out_lines,
        "facts": {k: (int(s) if "." not in (s := str(v)) and "E" not in s else _money(v)) if (v := g.vals[k]).__class__
                  is Decimal else v for k, (_, source, _) in g.facts.items() if source and not k.endswith(".layers")
                  and k not in ("f1040.forms", "tax.brackets")},
        "status": status,
        "forms_1099r": [_form(res, i) for i in res.forms.values()],
        "plan_groups": [{"key": grp.key, "gross": grp.gross, "pretax": grp.pretax,
                         "aftertax": grp.aftertax, "aftertax_source": grp.aftertax_source,
                         "legs": [l.ref for l in grp.legs], "notes": grp.notes} for grp in res.groups],
        "roth_ordering": {w: lines.get(f"f8606.{w}.roth_ordering") for w in res.people()},
        "early_items": {w: lines.get(f"f5329.{w}.items") for w in res.people()},
        "tax_effect": eff,
    }
    if findings is not None:
        doc["findings"] = findings
    return doc


def _form(res, info) -> dict:
    f = info.legs[0].form
    row = next(r for r in res.graph["f1040.forms"] if r["id"] == f.id)
    plan = row["line"] in ("5", "1h")
    return {
        "id": f.id, "person": info.person, "payer": f.payer.name, "source": info.source.value,
        "source_inferred": info.source_why, "date_paid": info.paid, "early": info.early,
        "qualified": info.qualified, "form_1040_line": row["line"], "gross": f.box1,
        "taxable": row["taxable"], "withheld": f.box4, "notations": row["notes"],
        "legs": [{"ref": l.ref, "kind": l.kind.value, "to": l.to.value if l.to else None, "amount": l.amount,
                  "deposited": l.deposited, "counts": l.valid,
                  # IRA legs are taxed together on Form 8606, not one by one
                  "pretax": l.pretax if plan else None, "aftertax": l.aftertax if plan else None,
                  "taxable": l.taxable if plan else None, "inferred": l.inferred,
                  "events": l.invalid_reasons} for l in info.legs],
    }


_OPTS = orjson.OPT_NON_STR_KEYS


def dumps_bytes(doc: Any, compact: bool = False) -> bytes:
    """UTF-8 JSON: indented for people, one line for batches (orjson: several times faster than json)."""
    try:
        return orjson.dumps(doc, default=_default, option=_OPTS if compact else _OPTS | orjson.OPT_INDENT_2)
    except TypeError:  # an integer beyond 64 bits: the json module writes the same document
        kw = {"separators": (",", ":")} if compact else {"indent": 2}
        return json.dumps(plain(doc), ensure_ascii=False, **kw).encode("utf-8")


def dumps(doc: Any, compact: bool = False) -> str:
    return dumps_bytes(doc, compact).decode("utf-8")
