"""Fill official IRS AcroForms (pikepdf/qpdf); returns bytes, writes no files.

Appearance choice: we write our own /AP /N stream for every filled text field
(honouring /DA font, size and colour and the /Q alignment, which qpdf's and
pikepdf's generators drop, pdf-notes §5) and do NOT set /NeedAppearances
(pdf-notes §6: it makes viewers rebuild the streams and Acrobat treat the
file as modified). Unfilled fields have no value and need no stream.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

import pikepdf

from taxdocs.core.written import form_text

from .fieldmaps import FieldMap, FieldSpec, iter_fields, verify_map

AMOUNT_LINES_8606 = [str(n) for n in range(1, 10)] + [
    "11", "12", "13", "14", "15a", "15b", "15c", "16", "17", "18", "19", "20",
    "21", "22", "23", "24", "25a", "25b", "25c"]
LINES_8606 = AMOUNT_LINES_8606[:9] + ["10"] + AMOUNT_LINES_8606[9:]
ADDRESS_KEYS = ["street", "apt", "city_state_zip", "foreign_country",
                "foreign_province", "foreign_postal_code"]
PREPARER_KEYS = ["name", "self_employed", "ptin", "firm_name", "firm_ein",
                 "firm_address", "firm_phone"]
LINES_5329_PART1 = ["1", "2", "2.exception", "3", "4"]
HEADER_KEYS = {"name", "ssn", "filed_alone", "address", "preparer", "amended"}


class FillError(ValueError):
    """A value cannot be put on the form (bad type, too long, too wide...)."""


# --- value formatting ------------------------------------------------------

def fmt_amount(v: Any, key: str = "?") -> str | None:
    """Whole dollars with thousands separators, no '$', no cents: 12,345."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise FillError(f"line {key}: amount must be Decimal or int, got {type(v).__name__}")
    d = Decimal(v)
    if not d.is_finite() or d != d.to_integral_value():
        raise FillError(f"line {key}: amount {d} is not whole dollars (round before filling)")
    if d < 0:
        raise FillError(f"line {key}: negative amount {d}")
    return f"{int(d):,}"


def fmt_ratio(v: Any) -> tuple[str, str] | None:
    """Line 10: Decimal('0.833') -> ('0', '833'); at least 3 decimals, <= 1.000."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise FillError(f"line 10: ratio must be Decimal, got {type(v).__name__}")
    d = Decimal(v)
    if not d.is_finite() or d < 0 or d > 1:
        raise FillError(f"line 10: ratio {d} outside 0..1.000 (form: enter 1.000 if more)")
    if d.as_tuple().exponent > -3:
        d = d.quantize(Decimal("0.001"))
    i, _, dec = f"{d:f}".partition(".")
    return i, dec


def fmt_ssn(v: Any) -> str:
    digits = re.sub(r"[\s-]", "", str(v))
    if not re.fullmatch(r"\d{9}", digits):
        tail = re.sub(r"\D", "", str(v))[-4:]
        raise FillError(f"SSN ending {tail or '?'} is not 9 digits")
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def _flat(d: Mapping[str, Any] | None, prefix: str) -> dict[str, Any]:
    return {f"{prefix}.{k}": v for k, v in (d or {}).items()}


def header_fields(fmap: FieldMap, header: Mapping[str, Any]) -> dict[str, Any]:
    """name, ssn, address.* (only if header['filed_alone']), preparer.*"""
    unknown = {k for k in header if k not in HEADER_KEYS and not k.startswith("address.")}
    if unknown:
        raise FillError(f"unknown header keys {sorted(unknown)}")
    out: dict[str, Any] = {}
    if header.get("name"):
        out["name"] = form_text(str(header["name"]))
    if header.get("ssn"):
        out["ssn"] = fmt_ssn(header["ssn"])  # full SSN only into the form's own field
    if header.get("filed_alone"):
        addr = dict(header.get("address") or {})
        addr.update({k.split(".", 1)[1]: v for k, v in header.items() if k.startswith("address.")})
        unknown = set(addr) - set(ADDRESS_KEYS)
        if unknown:
            raise FillError(f"unknown address keys {sorted(unknown)}")
        out.update({k: form_text(str(v)) for k, v in _flat(addr, "address").items() if v})
    prep = dict(header.get("preparer") or {})
    unknown = set(prep) - set(PREPARER_KEYS)
    if unknown:
        raise FillError(f"unknown preparer keys {sorted(unknown)}")
    out.update({k: (bool(v) if k.endswith("self_employed") else v)
                for k, v in _flat(prep, "preparer").items() if v not in (None, "")})
    if "amended" in header and "amended" in fmap.fields:
        out["amended"] = bool(header["amended"])
    return out


def prepare_8606(fmap: FieldMap, values: Mapping[str, Any], header: Mapping[str, Any]) -> dict[str, Any]:
    """Line values + header -> {map key: str | bool}."""
    unknown = set(values) - set(LINES_8606)
    if unknown:
        raise FillError(f"unknown Form 8606 line keys {sorted(unknown)}")
    out = header_fields(fmap, header)
    for k in AMOUNT_LINES_8606:
        s = fmt_amount(values.get(k), k)
        if s is not None:
            out[k] = s
    r = fmt_ratio(values.get("10"))
    if r is not None:
        out["10.int"], out["10.dec"] = r
    return out


def prepare_5329_part1(fmap: FieldMap, values: Mapping[str, Any], header: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(LINES_5329_PART1)
    if unknown:
        raise FillError(f"Form 5329 Part I takes lines {LINES_5329_PART1}, not {sorted(unknown)}")
    out = header_fields(fmap, header)
    for k in ("1", "2", "3", "4"):
        s = fmt_amount(values.get(k), k)
        if s is not None:
            out[k] = s
    exc = values.get("2.exception")
    if exc not in (None, ""):
        out["2.exception"] = str(exc)
    return out


def validate(fmap: FieldMap, fields: Mapping[str, Any]) -> None:
    """Types and MaxLen (pdf-notes §8: error, never truncate)."""
    for key, v in fields.items():
        spec = fmap.fields.get(key)
        if spec is None:
            raise FillError(f"{fmap.form} {fmap.revision} has no field {key!r}")
        if spec.type == "checkbox":
            if not isinstance(v, bool):
                raise FillError(f"{key}: checkbox value must be bool")
            continue
        if not isinstance(v, str):
            raise FillError(f"{key}: text value must be str, got {type(v).__name__}")
        if spec.max_len is not None and len(v) > spec.max_len:
            shown = "value" if key in ("ssn", "recipient_tin", "payer_tin") else repr(v)
            raise FillError(f"{key} ({spec.name}): {shown} has {len(v)} chars, MaxLen {spec.max_len}")
        if "\n" in v and not spec.multiline:
            raise FillError(f"{key}: line breaks only allowed in multiline fields")
        bad = [c for c in v if (ord(c) < 32 and c != "\n")]
        if bad:
            raise FillError(f"{key}: control characters not allowed")


# --- appearance streams ----------------------------------------------------

@dataclass(frozen=True)
class Font:
    name: str  # resource name from /DA, e.g. "/HelveticaLTStd-Bold"
    widths: tuple[float, ...]  # 256 widths (1/1000 em) for WinAnsi codes
    cap_height: float  # in 1/1000 em


def font_from_dict(name: str, fd: Any) -> Font:
    """Font metrics from a pikepdf font dictionary (/Widths, /FirstChar)."""
    widths = [556.0] * 256  # no /Widths: approximate (only alignment is affected)
    if fd is not None and "/Widths" in fd:
        first = int(fd.get("/FirstChar", 0))
        for i, w in enumerate(fd["/Widths"]):
            if 0 <= first + i < 256:
                widths[first + i] = float(w)
    cap = 718.0
    desc = fd.get("/FontDescriptor") if fd is not None else None
    if desc is not None and "/CapHeight" in desc:
        cap = float(desc["/CapHeight"])
    return Font(name, tuple(widths), cap)


def parse_da(da: str) -> tuple[str, float, str]:
    """'/F 8.00 Tf 0 0 0.502 rg' -> ('/F', 8.0, '0 0 0.502 rg')"""
    m = re.search(r"(/[^\s/]+)\s+([\d.]+)\s+Tf", da)
    if not m:
        raise FillError(f"cannot parse /DA {da!r}")
    colour = re.findall(r"((?:[\d.]+\s+){1,4}(?:rg|g|k))\b", da)
    return m.group(1), float(m.group(2)), (colour[-1] if colour else "0 g")


def encode_text(text: str, key: str) -> bytes:
    try:
        return text.encode("cp1252")  # fonts here are /WinAnsiEncoding
    except UnicodeEncodeError as e:
        raise FillError(f"{key}: character {text[e.start]!r} not in the form font's encoding") from None


def pdf_literal(b: bytes) -> bytes:
    return b"(" + b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_appearance(text: str, width: float, height: float, da: str, q: int,
                    font: Font, multiline: bool, key: str = "?") -> bytes:
    """Content stream for a text widget of size width x height."""
    _, size, colour = parse_da(da)
    lines = text.split("\n") if multiline else [text]
    enc = [encode_text(s, key) for s in lines]
    if size <= 0:  # auto size
        size = min(10.0, height * 0.7) if not multiline else 8.0
    pad = 2.0
    tw = max((sum(font.widths[c] for c in b) for b in enc), default=0) / 1000
    if tw * size > width - 2 * pad:  # shrink to fit, never clip
        size = (width - 2 * pad) / tw
        if size < 4:
            raise FillError(f"{key}: value too wide for the field")
    lead = size * 1.15
    if multiline:
        y = height - pad - size * font.cap_height / 1000
        if y - lead * (len(enc) - 1) < 0:
            raise FillError(f"{key}: {len(enc)} lines do not fit the field")
    else:
        y = (height - size * font.cap_height / 1000) / 2
    out = [b"/Tx BMC q", b"%.2f %.2f %.2f %.2f re W n" % (1, 1, width - 2, height - 2),
           b"BT", f"{font.name} {size:.2f} Tf {colour}".encode()]
    for i, b in enumerate(enc):
        w = sum(font.widths[c] for c in b) * size / 1000
        x = pad if q == 0 else (width - w) / 2 if q == 1 else width - pad - w
        out.append(b"1 0 0 1 %.2f %.2f Tm %s Tj" % (x, y - i * lead, pdf_literal(b)))
    out += [b"ET Q EMC"]
    return b"\n".join(out)


def widget_geometry(w: Any) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in w["/Rect"])
    return abs(x1 - x0), abs(y1 - y0)


# --- generic filler --------------------------------------------------------

def _inherited(f: Any, key: str) -> Any:
    while f is not None:
        if key in f:
            return f[key]
        f = f.get("/Parent")
    return None


def _fill_one(pdf: pikepdf.Pdf, dr_fonts: Any, spec: FieldSpec, f: Any, value: Any) -> None:
    widgets = list(f["/Kids"]) if "/Kids" in f else [f]
    if spec.type == "checkbox":
        on = pikepdf.Name(spec.on)
        for w in widgets:
            states = set(w.AP.N.keys()) if "/AP" in w else set()
            if spec.on not in states:  # pdf-notes §4: on-value must exist in /AP /N
                raise FillError(f"{spec.key}: on-state {spec.on} not in widget /AP /N {sorted(states)}")
            w.AS = on if value else pikepdf.Name.Off
        f.V = on if value else pikepdf.Name.Off
        return
    f.V = pikepdf.String(value)
    da = str(_inherited(f, "/DA") or pdf.Root.AcroForm.get("/DA", ""))
    q = int(_inherited(f, "/Q") or 0)
    fname = parse_da(da)[0]
    fdict = dr_fonts.get(fname) if dr_fonts is not None else None
    font = font_from_dict(fname, fdict)
    for w in widgets:
        width, height = widget_geometry(w)
        content = text_appearance(value, width, height, da, q, font, spec.multiline, spec.key)
        res = pikepdf.Dictionary(Font=pikepdf.Dictionary({fname: fdict})) if fdict is not None else pikepdf.Dictionary()
        ap = pikepdf.Stream(pdf, content, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                            BBox=[0, 0, width, height], Resources=res)
        w.AP = pikepdf.Dictionary(N=ap)


def clean_acroform(pdf: pikepdf.Pdf) -> None:
    af = pdf.Root.AcroForm
    if "/XFA" in af:
        del af["/XFA"]  # pdf-notes §1: else Acrobat shows the (empty) XFA data
    if "/NeedAppearances" in af:
        del af["/NeedAppearances"]  # pdf-notes §6: our streams are final
    if "/Perms" in pdf.Root:
        # usage-rights signature (/UR3) covers the unmodified file only; Reader
        # warns about a changed document if it stays
        del pdf.Root["/Perms"]


def fill_pdf(pdf: pikepdf.Pdf, fmap: FieldMap, fields: Mapping[str, Any]) -> None:
    """Fill an opened pikepdf document in place (validated, XFA dropped)."""
    verify_map(fmap, pdf)  # pdf-notes §3: unknown names would be ignored silently
    fields = {k: v for k, v in fields.items() if v is not None and v != ""}
    validate(fmap, fields)
    by_name = dict(iter_fields(pdf))
    dr = pdf.Root.AcroForm.get("/DR")
    dr_fonts = dr.get("/Font") if dr is not None else None
    for key, value in fields.items():
        spec = fmap.fields[key]
        _fill_one(pdf, dr_fonts, spec, by_name[spec.name], value)
    clean_acroform(pdf)


def _open_blank(blank: Path | bytes) -> pikepdf.Pdf:
    if isinstance(blank, (bytes, bytearray)):
        return pikepdf.open(io.BytesIO(blank))
    return pikepdf.open(blank)


def fill_form(blank: Path | bytes, fmap: FieldMap, fields: Mapping[str, Any], *,
              flatten: bool = False) -> bytes:
    """Fill `fields` ({map key: str | bool}, already formatted) into `blank`."""
    with _open_blank(blank) as pdf:
        fill_pdf(pdf, fmap, fields)
        if flatten:
            # qpdf flattening keeps the content streams compact (pdf-notes §7:
            # pypdf flatten=True bloats 4.6x); widgets and /AcroForm go away
            pdf.flatten_annotations("all")
            for page in pdf.pages:  # empty widgets (no /AP) are left by qpdf
                if "/Annots" in page:
                    keep = [a for a in page.Annots if a.get("/Subtype") != "/Widget"]
                    if keep:
                        page.Annots = pikepdf.Array(keep)
                    else:
                        del page["/Annots"]
            if "/AcroForm" in pdf.Root:
                del pdf.Root["/AcroForm"]
        buf = io.BytesIO()
        pdf.save(buf, compress_streams=True, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buf.getvalue()


def fill_8606(blank: Path | bytes, fmap: FieldMap, values: Mapping[str, Any],
              header: Mapping[str, Any], *, flatten: bool = False) -> bytes:
    """Form 8606: values by line key ('1'..'25c', '10' as Decimal ratio)."""
    return fill_form(blank, fmap, prepare_8606(fmap, values, header), flatten=flatten)


def fill_5329_part1(blank: Path | bytes, fmap: FieldMap, values: Mapping[str, Any],
                    header: Mapping[str, Any], *, flatten: bool = False) -> bytes:
    """Form 5329 header + Part I (lines 1, 2, 2.exception, 3, 4)."""
    return fill_form(blank, fmap, prepare_5329_part1(fmap, values, header), flatten=flatten)
