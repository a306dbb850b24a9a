"""Uploaded PDFs: size and type checks, then the readers in taxdocs.documents.readback.

Nothing is written to disk by this module: the bytes are read into memory, parsed,
and dropped with the request. Messages never echo field contents (an SSN may be there).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

MAX_UPLOAD = 5 * 1024 * 1024   # bytes per file
PDF_MAGIC = b"%PDF-"


class UploadError(ValueError):
    """A clear message for the person who uploaded the file."""


@dataclass
class Upload:
    filename: str
    data: bytes


def check_pdf(up: Upload, what: str) -> bytes:
    if not up.data:
        raise UploadError(f"The {what} file is empty.")
    if len(up.data) > MAX_UPLOAD:
        raise UploadError(f"The {what} file is larger than {MAX_UPLOAD // (1024 * 1024)} MB; "
                          "upload the form itself, not a scan of many pages.")
    # the header may follow a few bytes of junk (PDF 1.7 §7.5.2 readers allow up to 1024)
    if PDF_MAGIC not in up.data[:1024]:
        raise UploadError(f"The {what} file is not a PDF (it does not start with %PDF-).")
    return up.data


def _str(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "on" if v else ""
    if isinstance(v, Decimal):
        return f"{v:f}"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def read_1099r(up: Upload) -> dict[str, Any]:
    """A filled Form 1099-R (Copy B) -> one 1099-R block of scenario data (strings),
    plus `_recipient_name` for pre-filling the name when it is blank."""
    data = check_pdf(up, "Form 1099-R")
    try:
        from taxdocs.documents import readback
    except ImportError:  # pragma: no cover - documents not installed
        raise UploadError("Reading Form 1099-R PDFs is not available in this version of taxdocs.") from None
    try:
        r = readback.read_1099r(data)
    except readback.ReadbackError as e:
        msg = str(e)
        if "field names" in msg or "no known" in msg or "map" in msg:
            raise UploadError("This PDF has no Form 1099-R fields taxdocs knows. Only the IRS fill-in "
                              "Form 1099-R (Copy B, 2025 revision) can be read; for a scanned or printed form, "
                              "type the boxes in below.") from None
        raise UploadError(f"Could not read a box of this Form 1099-R: {_safe(msg)}") from None
    except Exception:
        raise UploadError("This PDF could not be read as a Form 1099-R: it looks damaged or encrypted. "
                          "Type the boxes in below instead.") from None
    block: dict[str, Any] = {
        "payer": {"name": _str(r.get("payer_name")), "tin": _str(r.get("payer_tin")),
                  "address": ", ".join(r.get("payer_address") or [])},
        "account_number": _str(r.get("account_number")),
        "corrected": bool(r.get("corrected")),
        "box7": list(r.get("box7_codes") or [])[:2],
        "box7_ira_sep_simple": bool(r.get("box7_ira_sep_simple")),
        "box2b_not_determined": bool(r.get("box2b_not_determined")),
        "box2b_total_distribution": bool(r.get("box2b_total_distribution")),
        "box12_fatca": bool(r.get("box12_fatca")),
    }
    for k in ("box1", "box2a", "box3", "box4", "box5", "box6", "box8_amount", "box8_percent", "box9a", "box9b",
              "box10", "box11", "box13"):
        block[k] = _str(r.get(k))
    if r.get("box13"):
        block["date_paid"] = _str(r.get("box13"))
    block = {k: v for k, v in block.items() if v not in ("", None, False, [])}
    if isinstance(block.get("payer"), dict):
        block["payer"] = {k: v for k, v in block["payer"].items() if v}
    block["_recipient_name"] = _str(r.get("recipient_name"))
    return block


def read_8606(up: Upload) -> dict[str, Any]:
    """A filled Form 8606 -> {'lines': {'1': Decimal, ..., '10': ratio}, 'name', 'ssn_last4', 'revision'}."""
    data = check_pdf(up, "Form 8606")
    try:
        from taxdocs.documents import readback
    except ImportError:  # pragma: no cover
        raise UploadError("Reading Form 8606 PDFs is not available in this version of taxdocs.") from None
    try:
        r = readback.read_8606(data)
    except readback.ReadbackError as e:
        msg = str(e)
        if "field names" in msg or "no known" in msg or "map" in msg:
            raise UploadError("This PDF has no Form 8606 fields taxdocs knows. Only the IRS fill-in Form 8606 "
                              "(2023 or 2025 revision) can be read.") from None
        raise UploadError(f"Could not read a line of this Form 8606: {_safe(msg)}") from None
    except Exception:
        raise UploadError("This PDF could not be read as a Form 8606: it looks damaged or encrypted.") from None
    return {"lines": dict(r.get("lines") or {}), "name": r.get("name") or "",
            "ssn_last4": r.get("ssn_last4") or "", "revision": r.get("revision")}


def _safe(msg: str) -> str:
    """Readback messages quote a field's value for amounts/dates; keep them short and SSN-free."""
    import re
    msg = re.sub(r"\b\d{3}-?\d{2}-?\d{4}\b", "***-**-****", msg)
    return msg[:300]
