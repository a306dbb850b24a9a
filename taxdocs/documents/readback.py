"""Read filled forms back into values (pikepdf/qpdf reads the newest
revision of incrementally updated files, pdf-notes §14)."""
from __future__ import annotations

import io
import re
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

import pikepdf

from .fieldmaps import FieldMap, FieldMapError, iter_fields, map_for_pdf
from .fill import AMOUNT_LINES_8606, PREPARER_KEYS, ADDRESS_KEYS


class ReadbackError(ValueError):
    """A field holds something that is not a valid value for its line/box."""


_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


@contextmanager
def _open(pdf: Path | str | bytes | pikepdf.Pdf) -> Iterator[pikepdf.Pdf]:
    if isinstance(pdf, pikepdf.Pdf):
        yield pdf
        return
    src = io.BytesIO(pdf) if isinstance(pdf, (bytes, bytearray)) else pdf
    with pikepdf.open(src) as doc:
        yield doc


def _text(v: Any) -> str:
    if isinstance(v, pikepdf.Stream):  # long values may be stored as streams
        return v.read_bytes().decode("latin-1")
    return str(v)


def raw_values(doc: pikepdf.Pdf, fmap: FieldMap) -> dict[str, str | bool | None]:
    """{map key: str (stripped, '' -> None) | bool for checkboxes}"""
    by_name = dict(iter_fields(doc))
    out: dict[str, str | bool | None] = {}
    for key, spec in fmap.fields.items():
        f = by_name.get(spec.name)
        if f is None:
            raise ReadbackError(f"{key}: field {spec.name} missing")
        v = f.get("/V")
        if spec.type == "checkbox":
            if v is None:  # some writers only set the widget's /AS
                v = f.get("/AS")
            out[key] = v is not None and str(v) == spec.on
        else:
            s = _text(v).strip() if v is not None else ""
            out[key] = s or None
    return out


def parse_amount(s: str | None, where: str) -> Decimal | None:
    """'12,345' / '12345' / '$12,345.00' / '(500)' -> Decimal; '' -> None."""
    if s is None or not s.strip():
        return None
    t = s.strip().replace("$", "").replace(" ", "")
    neg = t.startswith("(") and t.endswith(")") or t.startswith("-")
    t = t.strip("()").lstrip("-")
    if not _AMOUNT.match(t):
        raise ReadbackError(f"{where}: cannot read amount {s!r}")
    d = Decimal(t.replace(",", ""))
    return -d if neg else d


def _percent(s: str | None, where: str) -> Decimal | None:
    if s is None:
        return None
    try:
        return Decimal(s.replace("%", "").strip())
    except InvalidOperation:
        raise ReadbackError(f"{where}: cannot read percentage {s!r}") from None


def _where(fmap: FieldMap, key: str) -> str:
    return f"{fmap.form} {fmap.revision} {key} ({fmap.fields[key].name})"


def _ssn_last4(s: str | None, where: str) -> str | None:
    if s is None:
        return None
    digits = re.sub(r"\D", "", s)
    if len(digits) != 9:  # never echo the value: it may be an SSN
        raise ReadbackError(f"{where}: SSN field does not hold 9 digits")
    return digits[-4:]


def _map(doc: pikepdf.Pdf, form: str) -> FieldMap:
    try:
        return map_for_pdf(doc, form)
    except FieldMapError as e:
        raise ReadbackError(str(e)) from None


def _header(raw: dict, fmap: FieldMap) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": raw.get("name"),
        "ssn_last4": _ssn_last4(raw.get("ssn"), _where(fmap, "ssn")),
        "address": {k: raw[f"address.{k}"] for k in ADDRESS_KEYS if raw.get(f"address.{k}")},
        "preparer": {k: raw[f"preparer.{k}"] for k in PREPARER_KEYS if raw.get(f"preparer.{k}")},
    }
    return out


def read_8606(pdf: Path | str | bytes | pikepdf.Pdf) -> dict[str, Any]:
    """{'revision', 'lines': {'1': Decimal, ..., '10': Decimal('0.833')},
    'name', 'ssn_last4', 'address', 'preparer'}; empty lines are absent."""
    with _open(pdf) as doc:
        fmap = _map(doc, "f8606")
        raw = raw_values(doc, fmap)
    lines: dict[str, Decimal] = {}
    for k in AMOUNT_LINES_8606:
        d = parse_amount(raw.get(k), _where(fmap, k))
        if d is not None:
            lines[k] = d
    i, dec = raw.get("10.int"), raw.get("10.dec")
    if i or dec:
        if not re.fullmatch(r"\d?", i or "") or not re.fullmatch(r"\d+", dec or "0"):
            raise ReadbackError(f"{_where(fmap, '10.int')} / 10.dec: cannot read ratio {i!r} . {dec!r}")
        lines["10"] = Decimal(f"{i or 0}.{dec or '000'}")
    return {"form": fmap.form, "revision": fmap.revision, "lines": lines, **_header(raw, fmap)}


def read_5329(pdf: Path | str | bytes | pikepdf.Pdf) -> dict[str, Any]:
    """Header and every mapped amount line of Form 5329 (Part I: 1, 2, 3, 4)."""
    with _open(pdf) as doc:
        fmap = _map(doc, "f5329")
        raw = raw_values(doc, fmap)
    lines: dict[str, Any] = {}
    for k, spec in fmap.fields.items():
        if spec.label and spec.type == "text":
            d = parse_amount(raw.get(k), _where(fmap, k))
            if d is not None:
                lines[k] = d
    if raw.get("2.exception"):
        lines["2.exception"] = raw["2.exception"]
    return {"form": fmap.form, "revision": fmap.revision, "lines": lines,
            "amended": raw.get("amended"), **_header(raw, fmap)}


_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%m-%d-%Y")


def _date(s: str | None, where: str) -> date | None:
    if s is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    raise ReadbackError(f"{where}: cannot read date {s!r}")


def read_1099r(pdf: Path | str | bytes | pikepdf.Pdf) -> dict[str, Any]:
    """Copy B boxes as a plain dict (amounts Decimal, box 13 a date)."""
    with _open(pdf) as doc:
        fmap = _map(doc, "f1099r")
        raw = raw_values(doc, fmap)

    def amt(k: str) -> Decimal | None:
        return parse_amount(raw.get(k), _where(fmap, k))

    codes = raw.get("box7_codes") or ""
    if not re.fullmatch(r"[0-9A-Za-z ,]*", codes):
        raise ReadbackError(f"{_where(fmap, 'box7_codes')}: cannot read codes {codes!r}")
    year = raw.get("box11")
    if year is not None and not re.fullmatch(r"\d{4}", year):
        raise ReadbackError(f"{_where(fmap, 'box11')}: not a year: {year!r}")
    payer = (raw.get("payer_block") or "").replace("\r\n", "\n").replace("\r", "\n")
    payer_lines = [s.strip() for s in payer.split("\n") if s.strip()]
    out: dict[str, Any] = {
        "form": fmap.form, "revision": fmap.revision,
        "corrected": raw.get("corrected"),
        "payer_name": payer_lines[0] if payer_lines else None,
        "payer_address": payer_lines[1:],
        "payer_tin": raw.get("payer_tin"),
        "recipient_tin": raw.get("recipient_tin"),
        "recipient_name": raw.get("recipient_name"),
        "recipient_street": raw.get("recipient_street"),
        "recipient_city": raw.get("recipient_city"),
        "account_number": raw.get("account_number"),
        "box1": amt("box1"), "box2a": amt("box2a"),
        "box2b_not_determined": raw.get("box2b_not_determined"),
        "box2b_total_distribution": raw.get("box2b_total_distribution"),
        "box3": amt("box3"), "box4": amt("box4"), "box5": amt("box5"), "box6": amt("box6"),
        "box7_codes": [c.upper() for c in codes if c.isalnum()],
        "box7_ira_sep_simple": raw.get("box7_ira_sep_simple"),
        "box8_amount": amt("box8_amount"),
        "box8_percent": _percent(raw.get("box8_percent"), _where(fmap, "box8_percent")),
        "box9a": _percent(raw.get("box9a"), _where(fmap, "box9a")),
        "box9b": amt("box9b"), "box10": amt("box10"),
        "box11": int(year) if year else None,
        "box12_fatca": raw.get("box12_fatca"),
        "box13": _date(raw.get("box13"), _where(fmap, "box13")),
        "state": [], "local": [],
    }
    for n in ("1", "2"):
        row = {"tax_withheld": amt(f"box14_{n}"), "state_payer_no": raw.get(f"box15_{n}"),
               "distribution": amt(f"box16_{n}")}
        if any(v is not None for v in row.values()):
            out["state"].append(row)
        row = {"tax_withheld": amt(f"box17_{n}"), "locality": raw.get(f"box18_{n}"),
               "distribution": amt(f"box19_{n}")}
        if any(v is not None for v in row.values()):
            out["local"].append(row)
    return out
