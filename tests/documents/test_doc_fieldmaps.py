"""fieldmaps.py and the committed forms/*.yaml."""
from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pikepdf
import pypdf
import pytest

from docpositions import MAPS
from taxdocs.documents import fieldmaps
from taxdocs.documents.fieldmaps import FieldMapError, load_map, map_by_sha256, map_for_pdf

REPO = Path(__file__).resolve().parents[2]
LINES_8606 = [str(n) for n in range(1, 10)] + ["10.int", "10.dec"] + [
    str(n) for n in range(11, 15)] + ["15a", "15b", "15c"] + [
    str(n) for n in range(16, 25)] + ["25a", "25b", "25c"]


def test_8606_keys_and_differences_between_revisions():
    m23, m25 = load_map("8606", 2023), load_map("8606", 2025)
    for m in (m23, m25):
        assert set(LINES_8606) <= set(m.fields)
        assert {"name", "ssn", "address.street", "preparer.ptin", "preparer.firm_ein"} <= set(m.fields)
        assert m.fields["10.int"].max_len == 1 and m.fields["ssn"].max_len == 11
        assert m.fields["preparer.self_employed"].on == "/1"
        assert m.tax_years == (m.revision,) and m.tax_years_without_blank == (2024, 2026)
    # pdf-notes §3: renamed fields; 15a moved to page 2 in 2025
    assert m23.fields["1"].name.endswith("f1_9[0]") and m25.fields["1"].name.endswith("f1_09[0]")
    assert m23.fields["15a"].page == 1 and m25.fields["15a"].page == 2
    assert m23.url == "https://www.irs.gov/pub/irs-prior/f8606--2023.pdf"
    assert m25.url == "https://www.irs.gov/pub/irs-pdf/f8606.pdf"


def test_5329_and_1099r_keys():
    m = load_map("5329", 2025)
    assert {"1", "2", "2.exception", "3", "4", "name", "ssn", "amended"} <= set(m.fields)
    r = load_map("1099-R", 2025)
    want = {"corrected", "payer_block", "payer_tin", "recipient_tin", "recipient_name",
            "recipient_street", "recipient_city", "account_number", "box1", "box2a",
            "box2b_not_determined", "box2b_total_distribution", "box3", "box4", "box5", "box6",
            "box7_codes", "box7_ira_sep_simple", "box8_amount", "box8_percent", "box9a", "box9b",
            "box10", "box11", "box12_fatca", "box13"} | {
            f"box{b}_{i}" for b in range(14, 20) for i in (1, 2)}
    assert set(r.fields) == want
    assert all(".CopyB[0]." in s.name for s in r.fields.values())
    assert r.fields["corrected"].on == "/2"


def test_no_map_for_2024():
    with pytest.raises(FieldMapError, match="2024"):
        load_map("8606", 2024)


@pytest.mark.parametrize("form,year", MAPS)
def test_sha_detection_and_verification(blank, form, year):
    p = blank(form, year)
    m = load_map(form, year, pdf=p)  # verifies names
    assert m.sha256 == hashlib.sha256(p.read_bytes()).hexdigest() and m.size == p.stat().st_size
    assert map_by_sha256(m.sha256) == m
    assert fieldmaps.map_for_blank(p) == m
    assert map_for_pdf(pypdf.PdfReader(p)) == m
    with pikepdf.open(p) as pdf:
        assert map_for_pdf(pdf) == m


def test_wrong_revision_is_rejected(blank):
    with pytest.raises(FieldMapError, match="missing"):
        load_map("8606", 2023, pdf=blank("8606", 2025))
    with pytest.raises(FieldMapError):
        map_for_pdf(pypdf.PdfReader(blank("1099r", 2025)), "f8606")


def test_committed_yaml_matches_build_script(shared_forms, tmp_path):
    spec = importlib.util.spec_from_file_location("build_maps", REPO / "forms" / "build_maps.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for p in mod.build(shared_forms, tmp_path):
        rel = p.relative_to(tmp_path)
        assert (REPO / "forms" / rel).read_text() == p.read_text(), rel


def test_no_blank_pdf_copied_into_repo():
    blanks = {m.sha256 for m in fieldmaps.all_maps()}
    copies = [p for p in REPO.rglob("*.pdf") if ".git" not in p.parts
              and hashlib.sha256(p.read_bytes()).hexdigest() in blanks]
    assert copies == [], "official blanks must stay in ../shared/forms, not in the repo"


def test_norm_form():
    assert [fieldmaps.norm_form(f) for f in ("8606", "f8606", "Form 8606", "1099-R")] == [
        "f8606", "f8606", "f8606", "f1099r"]
