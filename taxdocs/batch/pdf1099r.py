"""A filled official Form 1099-R (Copy B) PDF -> scenario data.

The boxes come from `taxdocs.documents.readback.read_1099r`. What the form does not
say (birth date, filing status, what happened to the money) comes from an optional
facts file next to the PDF, `<name>.facts.yaml`: any scenario keys (tax_year,
filing_status, taxpayer, spouse, income, more forms_1099r...), plus `form_1099r:`,
merged into the form read from the PDF (uses, date_paid, source, plan_account...).
The recipient's TIN is used as the taxpayer's SSN only when it has 9 digits, and is
never printed in full.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from taxdocs.batch.reader import TOO_DEEP, deep_merge, facts_path, nested_too_deeply, scrub
from taxdocs.core import yamlfile


class PdfReadError(ValueError):
    pass


def read(pdf: Path | str | bytes) -> dict[str, Any]:
    """read_1099r with every failure turned into PdfReadError (one clear line)."""
    try:
        from taxdocs.documents.readback import read_1099r
    except ImportError as e:  # pragma: no cover - documents package missing
        raise PdfReadError(f"reading 1099-R PDFs needs taxdocs.documents.readback ({e})") from None
    try:
        return read_1099r(pdf)
    except Exception as e:  # ReadbackError, FieldMapError, pikepdf errors, OSError
        raise PdfReadError(f"not a readable filled Form 1099-R (Copy B): {scrub(str(e)) or type(e).__name__}") from None


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:40] or "form"


def _norm(v: Any) -> Any:
    """Decimal('50000.00') -> Decimal('50000'): the same JSON as a scenario typed by hand."""
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return v.quantize(Decimal(1))
    return v


def _state_row(row: dict) -> dict:
    out: dict[str, Any] = {}
    if row.get("tax_withheld") is not None:
        out["tax_withheld"] = _norm(row["tax_withheld"])
    no = (row.get("state_payer_no") or "").strip()
    m = re.match(r"^([A-Za-z]{2})(?:\b|\s|/|-)\s*(.*)$", no)
    if m:
        out["state"] = m.group(1).upper()
        if m.group(2).strip(" /-"):
            out["payer_state_no"] = m.group(2).strip(" /-")
    elif no:
        out["payer_state_no"] = no
    if row.get("distribution") is not None:
        out["distribution"] = _norm(row["distribution"])
    return out


def form_from_readback(rb: dict, form_id: str | None = None) -> dict[str, Any]:
    """The scenario `forms_1099r` entry for the boxes read from the PDF."""
    payer: dict[str, Any] = {"name": rb.get("payer_name") or ""}
    if rb.get("payer_tin"):
        payer["tin"] = rb["payer_tin"]
    if rb.get("payer_address"):
        payer["address"] = ", ".join(rb["payer_address"])
    f: dict[str, Any] = {"id": form_id or _slug(rb.get("payer_name") or "form-1099r"), "payer": payer}
    if rb.get("account_number"):
        f["account_number"] = rb["account_number"]
    if rb.get("corrected"):
        f["corrected"] = True
    for key in ("box1", "box2a", "box2b_not_determined", "box2b_total_distribution", "box3", "box4", "box5",
                "box6", "box7_codes", "box7_ira_sep_simple", "box8_amount", "box8_percent", "box9a", "box9b",
                "box10", "box11", "box12_fatca", "box13"):
        v = rb.get(key)
        if v is None or v is False or v == []:
            continue
        f["box7" if key == "box7_codes" else key] = list(v) if key == "box7_codes" else _norm(v)
    states = [_state_row(r) for r in rb.get("state") or []]
    if states:
        f["state"] = [s for s in states if s]
    locs = [{k: _norm(v) for k, v in r.items() if v is not None} for r in rb.get("local") or []]
    if locs:
        f["local"] = [r for r in locs if r]
    return f


def scenario_from_readback(rb: dict, facts: dict | None = None) -> dict[str, Any]:
    facts = dict(facts or {})
    form = form_from_readback(rb, (facts.get("form_1099r") or {}).get("id"))
    deep_merge(form, facts.pop("form_1099r", None) or {})
    taxpayer: dict[str, Any] = {}
    if rb.get("recipient_name"):
        taxpayer["name"] = rb["recipient_name"]
    digits = re.sub(r"\D", "", rb.get("recipient_tin") or "")
    if len(digits) == 9:
        taxpayer["ssn"] = digits
    data: dict[str, Any] = {}
    if isinstance(rb.get("box13"), date):
        data["tax_year"] = rb["box13"].year
    elif rb.get("revision"):
        data["tax_year"] = int(rb["revision"])
    if form.get("recipient", "taxpayer") == "taxpayer":
        data["taxpayer"] = taxpayer
    others = facts.pop("forms_1099r", None) or []
    deep_merge(data, facts)
    data["forms_1099r"] = [form, *others]
    return data


def load_facts(pdf: Path) -> tuple[dict | None, list[dict]]:
    fp = facts_path(pdf)
    if not fp.exists():
        return None, []
    try:
        facts = yamlfile.load_input(fp.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as e:
        mark = getattr(e, "problem_mark", None)
        return None, [{"file": str(fp), **({"line": mark.line + 1} if mark else {}), "field": "",
                       "reason": f"not valid YAML: {getattr(e, 'problem', None) or e}"}]
    except RecursionError:
        return None, [{"file": str(fp), "field": "", "reason": TOO_DEEP}]
    if nested_too_deeply(facts):  # it is hashed (recursively) with the record
        return None, [{"file": str(fp), "field": "", "reason": TOO_DEEP}]
    if facts is None:
        return {}, []
    if not isinstance(facts, dict):
        return None, [{"file": str(fp), "field": "", "reason": "the facts file must be a mapping"}]
    return facts, []


def scenario_from_pdf(pdf: Path) -> tuple[dict | None, list[dict], Any]:
    """(scenario data or None, read problems, raw data for the content hash)."""
    try:
        rb = read(pdf)
    except PdfReadError as e:
        try:
            raw: Any = hashlib.sha256(pdf.read_bytes()).hexdigest()
        except OSError:
            raw = str(pdf)
        return None, [{"file": str(pdf), "field": "", "reason": str(e)}], raw
    facts, probs = load_facts(pdf)
    raw = [rb, facts]
    if probs:
        return None, probs, raw
    return scenario_from_readback(rb, facts), [], raw


# --- YAML fragment (taxdocs import-1099r) -------------------------------------------------

def _plain(x: Any) -> Any:
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() else str(x)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return x


class _Dumper(yaml.SafeDumper):
    pass


def _flow_small(dumper: yaml.SafeDumper, data: dict) -> Any:
    flow = len(data) <= 4 and all(not isinstance(v, (dict, list)) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


def _flow_list(dumper: yaml.SafeDumper, data: list) -> Any:
    flow = all(not isinstance(v, (dict, list)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(dict, _flow_small)
_Dumper.add_representer(list, _flow_list)


def fragment(rb: dict, source: str = "", form_id: str | None = None) -> str:
    """The scenario YAML fragment (a forms_1099r entry) for the boxes read from a PDF."""
    form = _plain(form_from_readback(rb, form_id))
    tin = re.sub(r"\D", "", rb.get("recipient_tin") or "")
    head = [f"# Form 1099-R {rb.get('revision', '')} Copy B" + (f" read from {source}" if source else "")]
    if rb.get("recipient_name") or tin:
        head.append(f"# Recipient: {rb.get('recipient_name') or '?'}"
                    + (f", TIN ending {tin[-4:]}" if len(tin) >= 4 else ""))
    if rb.get("corrected"):
        head.append("# CORRECTED form: it replaces the earlier one from this payer")
    todo = ["# Add what the form does not say:"]
    if rb.get("box13") is None:
        todo.append("#   date_paid: YYYY-MM-DD        (box 13 is blank; needed)")
    todo += ["#   uses: [{kind: direct_rollover|indirect_rollover|conversion|..., to: ..., amount: ..., date: ...}]",
             "#   (the rest of box 1 is cash); source, plan_account, exceptions when they apply"]
    body = yaml.dump({"forms_1099r": [form]}, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100)
    return "\n".join(head + todo) + "\n" + body


# --- filling a Copy B (samples and tests) -----------------------------------------------------

def _amt(v: Any) -> str:
    return f"{Decimal(str(v)):,.2f}"


def fill_copy_b(form: dict, recipient: dict, blank: Path | bytes) -> bytes:
    """A filled official Form 1099-R Copy B from a scenario-style form dict and
    recipient {name, tin, street, city}. For samples and tests: real Copy Bs come
    from the payers."""
    from taxdocs.documents.fieldmaps import load_map
    from taxdocs.documents.fill import fill_form
    fmap = load_map("f1099r", 2025)
    payer = form.get("payer") or {}
    fields: dict[str, Any] = {
        "payer_block": "\n".join(x for x in (payer.get("name"), payer.get("address")) if x),
        "recipient_name": recipient.get("name", ""), "recipient_street": recipient.get("street", ""),
        "recipient_city": recipient.get("city", ""),
    }
    if payer.get("tin"):
        fields["payer_tin"] = payer["tin"]
    if recipient.get("tin"):
        fields["recipient_tin"] = recipient["tin"]
    if form.get("account_number"):
        fields["account_number"] = form["account_number"]
    for box in ("box1", "box2a", "box3", "box4", "box5", "box6", "box8_amount", "box9b", "box10"):
        if form.get(box) is not None:
            fields[box] = _amt(form[box])
    for box in ("box8_percent", "box9a"):
        if form.get(box) is not None:
            fields[box] = f"{form[box]}%"
    for flag in ("corrected", "box2b_not_determined", "box2b_total_distribution", "box7_ira_sep_simple", "box12_fatca"):
        if form.get(flag):
            fields[flag] = True
    fields["box7_codes"] = "".join(form.get("box7") or [])
    if form.get("box11"):
        fields["box11"] = str(form["box11"])
    if form.get("box13"):
        d = form["box13"]
        fields["box13"] = d.strftime("%m/%d/%Y") if isinstance(d, date) else str(d)
    for i, row in enumerate(form.get("state") or [], 1):
        if row.get("tax_withheld") is not None:
            fields[f"box14_{i}"] = _amt(row["tax_withheld"])
        no = " ".join(x for x in (row.get("state"), row.get("payer_state_no")) if x)
        if no:
            fields[f"box15_{i}"] = no
        if row.get("distribution") is not None:
            fields[f"box16_{i}"] = _amt(row["distribution"])
    for i, row in enumerate(form.get("local") or [], 1):
        if row.get("tax_withheld") is not None:
            fields[f"box17_{i}"] = _amt(row["tax_withheld"])
        if row.get("locality"):
            fields[f"box18_{i}"] = row["locality"]
        if row.get("distribution") is not None:
            fields[f"box19_{i}"] = _amt(row["distribution"])
    return fill_form(blank, fmap, fields)
