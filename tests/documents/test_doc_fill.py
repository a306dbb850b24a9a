"""(b) round trips and (c) form details of fill.py / fastfill.py / readback.py."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pikepdf
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from taxdocs.documents import fastfill, fill
from taxdocs.documents.fieldmaps import iter_fields, load_map
from taxdocs.documents.fill import AMOUNT_LINES_8606, FillError, fill_8606, fill_form
from taxdocs.documents.readback import ReadbackError, read_1099r, read_5329, read_8606

SSN = "123-45-6789"
HEADER = {"name": "Jane Q. Taxpayer", "ssn": "123456789", "filed_alone": True,
          "address": {"street": "1 Main St", "city_state_zip": "Springfield, IL 62701"},
          "preparer": {"name": "Pat Preparer", "self_employed": True, "ptin": "P01234567",
                       "firm_ein": "12-3456789"}}
FULL = {k: Decimal(1_000_000 + 1_111 * i) for i, k in enumerate(AMOUNT_LINES_8606)}
FULL["10"] = Decimal("0.833")

amounts = st.one_of(st.none(), st.integers(0, 999_999_999).map(Decimal), st.integers(0, 10**6))
ratios = st.one_of(st.none(), st.decimals(0, 1, places=3), st.decimals(0, 1, places=5))
values_st = st.fixed_dictionaries({k: amounts for k in AMOUNT_LINES_8606} | {"10": ratios})


def expected(values):
    return {k: Decimal(v) for k, v in values.items() if v is not None}


def fields_of(data: bytes, fmap):
    """{field name: {"/V", "/AS", "ap": /AP /N stream bytes or None}}"""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {n: {k: f.get(k) for k in ("/V", "/AS")} | {"ap": _ap(f)}
                for n, f in iter_fields(pdf)}


def _ap(f):
    if "/AP" not in f or not isinstance(f.AP.get("/N"), pikepdf.Stream):
        return None
    return f.AP.N.read_bytes()


# --- (b) round trips ---------------------------------------------------------

@pytest.mark.parametrize("year", [2023, 2025])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=values_st)
def test_fill_readback_roundtrip(blank, year, values):
    fmap = load_map("8606", year)
    out = read_8606(fill_8606(blank("8606", year), fmap, values, HEADER))
    assert out["revision"] == year
    assert out["lines"] == expected(values)
    assert out["name"] == "Jane Q. Taxpayer" and out["ssn_last4"] == "6789"


@pytest.mark.parametrize("year", [2023, 2025])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=values_st)
def test_fastfill_readback_matches_fill(blank, year, values):
    fmap = load_map("8606", year)
    b = blank("8606", year)
    fast = read_8606(fastfill.fastfill_8606(b, fmap, values, HEADER))
    slow = read_8606(fill_8606(b, fmap, values, HEADER))
    assert fast == slow
    assert fast["lines"] == expected(values)


@pytest.mark.parametrize("year", [2023, 2025])
def test_fastfill_is_incremental_update_readable_by_pypdf_and_qpdf(blank, year):
    fmap = load_map("8606", year)
    raw = blank("8606", year).read_bytes()
    data = fastfill.fastfill_8606(blank("8606", year), fmap, FULL, HEADER)
    assert data.startswith(raw)  # blank bytes unchanged
    tail = data[len(raw):]
    assert b"/Type /XRef" in tail and b"/Prev" in tail and data.rstrip().endswith(b"%%EOF")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []  # qpdf --check
        assert "/XFA" not in pdf.Root.AcroForm and "/Perms" not in pdf.Root
    r = pypdf.PdfReader(io.BytesIO(data), strict=True)
    got = {k: v.get("/V") for k, v in r.get_fields().items()}
    assert got[fmap.fields["1"].name] == "1,000,000"
    assert got[fmap.fields["10.int"].name] == "0" and got[fmap.fields["10.dec"].name] == "833"
    assert got[fmap.fields["ssn"].name] == SSN
    assert got[fmap.fields["preparer.self_employed"].name] == "/1"
    assert "/XFA" not in r.trailer["/Root"]["/AcroForm"]


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) not installed")
@pytest.mark.parametrize("year", [2023, 2025])
def test_fastfill_renders_like_fill(blank, year, tmp_path):
    """poppler renders the incremental update without complaint, and page 1
    looks the same as fill.py's output (same appearance streams)."""
    fmap = load_map("8606", year)
    fast = tmp_path / "fast.pdf"
    slow = tmp_path / "slow.pdf"
    fast.write_bytes(fastfill.fastfill_8606(blank("8606", year), fmap, FULL, HEADER))
    slow.write_bytes(fill_8606(blank("8606", year), fmap, FULL, HEADER))
    imgs = []
    for p in (fast, slow):
        r = subprocess.run(["pdftoppm", "-r", "50", "-gray", "-f", "1", "-l", "2", str(p), str(p)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and "rror" not in r.stderr, r.stderr
        imgs.append(sorted(tmp_path.glob(p.name + "*.pgm")))
    for a, b in zip(*imgs):
        assert a.read_bytes() == b.read_bytes()
    if shutil.which("pdftotext"):
        txt = subprocess.run(["pdftotext", str(fast), "-"], capture_output=True, text=True).stdout
        assert "1,000,000" in txt and "Jane Q. Taxpayer" in txt


def test_fastfill_1099r_and_later_incremental_update(blank):
    """read_1099r reads the newest revision (pdf-notes §14)."""
    fmap = load_map("1099r", 2025)
    vals = {"corrected": True, "payer_block": "ACME Trust\n1 Wall St\nNew York, NY 10005",
            "payer_tin": "12-3456789", "recipient_tin": "XXX-XX-6789",
            "recipient_name": "Jane Q. Taxpayer", "recipient_street": "1 Main St",
            "recipient_city": "Springfield, IL 62701", "account_number": "IRA-1",
            "box1": "10,000.00", "box2a": "9,000.00", "box2b_not_determined": False,
            "box2b_total_distribution": True, "box3": "0.00", "box4": "1,000.00",
            "box5": "100.00", "box6": "0.00", "box7_codes": "4D", "box7_ira_sep_simple": True,
            "box8_amount": "5.00", "box8_percent": "12.5", "box9a": "100", "box9b": "50.00",
            "box10": "1.00", "box11": "2019", "box12_fatca": True, "box13": "03/15/2025",
            "box14_1": "300.00", "box15_1": "IL 123", "box16_1": "10,000.00",
            "box14_2": "7.00", "box15_2": "WI 9", "box16_2": "70.00",
            "box17_1": "5.00", "box18_1": "Chicago", "box19_1": "10.00"}
    data = fastfill.FastFiller(blank("1099r", 2025), fmap).fill(vals)
    out = read_1099r(data)
    assert out == read_1099r(fill_form(blank("1099r", 2025), fmap, vals))
    assert out["corrected"] is True and out["payer_name"] == "ACME Trust"
    assert out["payer_address"] == ["1 Wall St", "New York, NY 10005"]
    assert out["box1"] == Decimal("10000.00") and out["box2a"] == Decimal("9000.00")
    assert out["box2b_total_distribution"] and not out["box2b_not_determined"]
    assert out["box7_codes"] == ["4", "D"] and out["box7_ira_sep_simple"]
    assert out["box8_percent"] == Decimal("12.5") and out["box9a"] == Decimal("100")
    assert out["box11"] == 2019 and out["box12_fatca"] is True
    assert str(out["box13"]) == "2025-03-15"
    assert out["state"] == [
        {"tax_withheld": Decimal("300.00"), "state_payer_no": "IL 123", "distribution": Decimal("10000.00")},
        {"tax_withheld": Decimal("7.00"), "state_payer_no": "WI 9", "distribution": Decimal("70.00")}]
    assert out["local"] == [{"tax_withheld": Decimal("5.00"), "locality": "Chicago",
                             "distribution": Decimal("10.00")}]
    # a second, third-party incremental update changes box 1
    w = pypdf.PdfWriter(io.BytesIO(data), incremental=True)
    w.update_page_form_field_values(w.pages[3], {fmap.fields["box1"].name: "12,000.00"},
                                    auto_regenerate=False)
    buf = io.BytesIO()
    w.write(buf)
    assert buf.getvalue().startswith(data)
    assert read_1099r(buf.getvalue())["box1"] == Decimal("12000.00")


def test_5329_part1_roundtrip_fill_and_fast(blank):
    fmap = load_map("5329", 2025)
    vals = {"1": Decimal(12000), "2": Decimal(2000), "2.exception": "12", "3": Decimal(10000),
            "4": Decimal(1000)}
    hdr = {"name": "Jane Q. Taxpayer", "ssn": SSN, "amended": True}
    for data in (fill.fill_5329_part1(blank("5329", 2025), fmap, vals, hdr),
                 fastfill.fastfill_5329_part1(blank("5329", 2025), fmap, vals, hdr)):
        out = read_5329(data)
        assert out["lines"] == vals and out["amended"] is True and out["ssn_last4"] == "6789"
    with pytest.raises(FillError, match="Part I"):
        fill.prepare_5329_part1(fmap, {"5": Decimal(1)}, hdr)


# --- (c) form details --------------------------------------------------------

@pytest.mark.parametrize("maker", ["fill", "fast"])
def test_checkbox_on_values(blank, maker):
    """pdf-notes §4: 8606/5329 boxes use /1, the 1099-R CORRECTED box /2."""
    cases = [("8606", 2025, "preparer.self_employed", "/1"), ("5329", 2025, "amended", "/1"),
             ("1099r", 2025, "corrected", "/2"), ("1099r", 2025, "box2b_not_determined", "/1")]
    for form, year, key, on in cases:
        fmap = load_map(form, year)
        assert fmap.fields[key].on == on
        b = blank(form, year)
        data = (fill_form(b, fmap, {key: True}) if maker == "fill"
                else fastfill.FastFiller(b, fmap).fill({key: True}))
        f = fields_of(data, fmap)[fmap.fields[key].name]
        assert str(f["/V"]) == on and str(f["/AS"]) == on
        with pikepdf.open(io.BytesIO(data)) as pdf:  # the drawing /AS picks is still there (viewers that do not redraw)
            widget = dict(iter_fields(pdf))[fmap.fields[key].name]
            assert on in widget.AP.N.keys()


def test_maxlen_is_an_error_not_truncation(blank):
    fmap = load_map("8606", 2025)
    with pytest.raises(FillError, match="MaxLen 11") as e:
        fill_form(blank("8606", 2025), fmap, {"ssn": "123-45-6789-EXTRA"})
    assert "6789-EXTRA" not in str(e.value)  # no SSN in messages
    with pytest.raises(FillError, match="MaxLen 1"):
        fill_form(blank("8606", 2025), fmap, {"10.int": "10"})
    with pytest.raises(FillError, match="MaxLen 10"):
        fastfill.FastFiller(blank("8606", 2025), fmap).fill({"preparer.firm_ein": "12-34567890"})


def test_value_errors_do_not_leak_ssn():
    with pytest.raises(FillError) as e:
        fill.fmt_ssn("123-45-678")
    assert "123" not in str(e.value) and "5678" in str(e.value)
    fmap = load_map("8606", 2025)
    for bad in ({"1": Decimal("10.50")}, {"1": -5}, {"1": "100"}, {"10": Decimal("1.2")},
                {"99": Decimal(1)}):
        with pytest.raises(FillError):
            fill.prepare_8606(fmap, bad, {})


def test_ratio_and_amount_formatting():
    assert fill.fmt_ratio(Decimal("0.833")) == ("0", "833")
    assert fill.fmt_ratio(Decimal("1")) == ("1", "000")
    assert fill.fmt_ratio(Decimal("0.5")) == ("0", "500")
    assert fill.fmt_ratio(Decimal("0.83333")) == ("0", "83333")
    assert fill.fmt_amount(Decimal(1234567)) == "1,234,567"
    assert fill.fmt_amount(0) == "0"
    assert fill.fmt_ssn("123 45 6789") == SSN


def test_address_only_when_filed_alone():
    fmap = load_map("8606", 2025)
    with pytest.raises(FillError, match="header keys"):
        fill.prepare_8606(fmap, {}, {"adress": {}})
    assert "address.street" not in fill.prepare_8606(fmap, {}, HEADER | {"filed_alone": False})
    assert fill.prepare_8606(fmap, {}, HEADER)["address.street"] == "1 Main St"


@pytest.mark.parametrize("maker", ["fill", "fast"])
def test_xfa_dropped_and_appearance_streams_present(blank, maker):
    fmap = load_map("8606", 2025)
    b = blank("8606", 2025)
    with pikepdf.open(b) as pdf:
        assert "/XFA" in pdf.Root.AcroForm and "/Perms" in pdf.Root  # the blank has both
    data = (fill_8606(b, fmap, FULL, HEADER) if maker == "fill"
            else fastfill.fastfill_8606(b, fmap, FULL, HEADER))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        af = pdf.Root.AcroForm
        assert "/XFA" not in af  # pdf-notes §1
        assert af.get("/NeedAppearances") in (None, False)  # pdf-notes §6, §10
    fields = fields_of(data, fmap)
    filled = fill.prepare_8606(fmap, FULL, HEADER)
    for key, value in filled.items():
        spec = fmap.fields[key]
        if spec.type != "text":
            continue
        ap = fields[spec.name]["ap"]
        assert ap is not None, key
        assert b"(" + value.encode("cp1252") + b")" in ap, key
    # alignment kept (pdf-notes §5): line 1 has /Q 2 -> text ends 2pt before
    # the right edge of the 72pt box; the name field has /Q 0 -> starts at 2pt
    font = fastfill.FastFiller(b, fmap).fields["1"].font
    text_w = sum(font.widths[c] for c in b"1,000,000") * 8 / 1000
    x = lambda key: float(re.search(r"1 0 0 1 ([\d.]+) [\d.]+ Tm",  # noqa: E731
                                    fields[fmap.fields[key].name]["ap"].decode()).group(1))
    assert x("1") == pytest.approx(72 - 2 - text_w, abs=0.01)
    assert x("name") == pytest.approx(2.0)


@pytest.mark.parametrize("year", [2023, 2025])
def test_flatten_small_and_has_text(blank, year):
    fmap = load_map("8606", year)
    b = blank("8606", year)
    data = fill_8606(b, fmap, FULL, HEADER, flatten=True)
    assert len(data) < 2 * b.stat().st_size  # pdf-notes §7: pypdf would be 4.6x
    r = pypdf.PdfReader(io.BytesIO(data))
    assert "/AcroForm" not in r.trailer["/Root"]
    assert all("/Annots" not in p for p in r.pages)
    text = "".join(p.extract_text() for p in r.pages)
    for v in ("1,000,000", "1,001,111", "833", "Jane Q. Taxpayer", SSN, "P01234567"):
        assert v in text, v
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []


def test_readback_garbled_value_names_the_field(blank):
    fmap = load_map("8606", 2025)
    data = fill_form(blank("8606", 2025), fmap, {"7": "12,34x"})
    with pytest.raises(ReadbackError, match=re.escape(fmap.fields["7"].name)):
        read_8606(data)
    data = fill_form(blank("8606", 2025), fmap, {"ssn": "12-34"})
    with pytest.raises(ReadbackError, match="SSN") as e:
        read_8606(data)
    assert "12-34" not in str(e.value)


def test_readback_parses_plain_and_comma_amounts(blank):
    fmap = load_map("8606", 2023)
    data = fill_form(blank("8606", 2023), fmap, {"1": "12345", "2": "12,345", "3": "$1,000.00",
                                                 "10.int": "1", "10.dec": "000"})
    lines = read_8606(data)["lines"]
    assert lines == {"1": Decimal(12345), "2": Decimal(12345), "3": Decimal("1000.00"),
                     "10": Decimal("1.000")}


def test_unencodable_character_is_an_error(blank):
    fmap = load_map("8606", 2025)
    with pytest.raises(FillError, match="encoding"):
        fill_form(blank("8606", 2025), fmap, {"name": "Zoë 张"})


@pytest.mark.parametrize("name, shown", [("Łukasz Wróbel", "Lukasz Wróbel"), ("Nguyễn Văn Anh", "Nguyen Van Anh"),
                                         ("Ødegård", "Ødegård"), ("Dvořák", "Dvorák"), ("张伟", "??")])
def test_a_name_the_form_font_lacks_is_written_as_by_hand(name, shown):
    """Audit (session 17): one letter outside the form font (WinAnsi) stopped the official forms of the whole return.
    The letter is written as its plain Latin letter (a preparer's hand), cp1252 letters stay as they are."""
    assert fill.form_text(name) == shown


def test_official_form_with_such_a_name_is_filled(blank):
    fmap = load_map("8606", 2025)
    got = fields_of(fill_8606(blank("8606", 2025), fmap, {"1": 1000}, {"name": "Łukasz Wróbel", "ssn": SSN}), fmap)
    assert str(got[fmap.fields["name"].name]["/V"]) == "Lukasz Wróbel"
