"""Shared by the web tests: a sample as posted form fields, filled PDFs to upload."""
from __future__ import annotations

import io
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def sample(name: str) -> dict:
    return yaml.safe_load((REPO / "samples" / name).read_text(encoding="utf-8"))


def as_fields(data: dict) -> dict[str, str]:
    """Scenario data -> the flat fields a browser would post (checkbox on = "on")."""
    from taxdocs.web.fields import flatten
    out = {}
    for k, v in flatten(data).items():
        if isinstance(v, bool):
            if v:
                out[k] = "on"
        elif v is not None:
            out[k] = str(v)
    return out


def text(html: str) -> str:
    """Visible text of a page, whitespace collapsed (for `in` checks)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    t = re.sub(r"<[^>]+>", " ", html)
    import html as h
    return re.sub(r"\s+", " ", h.unescape(t))


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    r = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in r.pages))


def pdf_fields(data: bytes) -> dict[str, str]:
    """{map key: value} of a filled official Form 8606, read with pypdf."""
    from pypdf import PdfReader

    from taxdocs.documents.fieldmaps import load_map
    r = PdfReader(io.BytesIO(data))
    raw = {k: v.get("/V") for k, v in (r.get_fields() or {}).items()}
    fmap = load_map("f8606", 2025)
    return {key: (str(raw.get(spec.name)) if raw.get(spec.name) is not None else "")
            for key, spec in fmap.fields.items()}


def filled_1099r(blank: Path, **over) -> bytes:
    """The official 2025 Form 1099-R with sample 4's Copy B boxes filled in."""
    from taxdocs.documents.fieldmaps import load_map
    from taxdocs.documents.fill import fill_form
    fields = {
        "payer_block": "OldJob LLC 401(k) Plan\n100 Main St, Springfield, IL 62701",
        "payer_tin": "27-9876543", "recipient_tin": "400-44-5504", "recipient_name": "Jordan Lee",
        "account_number": "OJ-5521", "box1": "50000.00", "box2a": "50000.00", "box2b_total_distribution": True,
        "box4": "10000.00", "box7_codes": "1",
    }
    fields.update(over)
    return fill_form(blank, load_map("f1099r", 2025), fields)


def filled_8606(blank: Path, values: dict, name: str = "Riley Chen", ssn: str = "400-66-7706") -> bytes:
    from taxdocs.documents.fieldmaps import load_map
    from taxdocs.documents.fill import fill_8606
    return fill_8606(blank, load_map("f8606", 2025), values, {"name": name, "ssn": ssn})
