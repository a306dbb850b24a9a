"""Form <-> scenario conversion: every sample survives the trip through the web form."""
from __future__ import annotations

from pathlib import Path

import pytest

from webhelpers import REPO, as_fields, sample
from taxdocs.model.load import from_data, load
from taxdocs.web import fields as F

SAMPLES = sorted(p.name for p in (REPO / "samples").glob("*.yaml"))


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_round_trips_through_form_fields(name):
    data = sample(name)
    posted = as_fields(data)
    sc = from_data(F.normalize(F.nest(posted.items())), "web")
    assert sc == load(REPO / "samples" / name)


def test_nest_builds_lists_and_ignores_junk():
    raw = F.nest([("forms_1099r[1].box1", "5"), ("forms_1099r[0].box1", "7"), ("forms_1099r[0].box7[0]", "G"),
                  ("bad name", "x"), ("forms_1099r[1000].box1", "9"), ("a..b", "1"), ("taxpayer.name", "Ann")])
    assert raw == {"forms_1099r": [{"box1": "7", "box7": ["G"]}, {"box1": "5"}], "taxpayer": {"name": "Ann"}}


def test_normalize_tidies_amounts_dates_and_drops_empty_blocks():
    raw = F.nest([
        ("tax_year", "2025"), ("filing_status", "single"), ("taxpayer.name", "Ann"), ("taxpayer.birth_date", "6/12/1980"),
        ("forms_1099r[0].box1", "$50,000.00"), ("forms_1099r[0].box7[0]", "7"), ("forms_1099r[0].box7[1]", ""),
        ("forms_1099r[0].uses[0].kind", ""), ("forms_1099r[0].uses[0].to", "roth_ira"),   # a lone "Into": dropped
        ("forms_1099r[1].box1", ""), ("forms_1099r[1].uses[0].amount", ""),               # an empty block: dropped
        ("forms_1099r[0].box2b_total_distribution", "on"),
    ])
    data = F.normalize(raw)
    assert data["taxpayer"] == {"name": "Ann", "birth_date": "1980-06-12", "ssn": F.SSN_PLACEHOLDER}
    assert len(data["forms_1099r"]) == 1
    f = data["forms_1099r"][0]
    assert f["box1"] == "50000.00" and f["box7"] == ["7"] and f["box2b_total_distribution"] is True
    assert "uses" not in f and f["id"] == "1099r-1"


def test_keep_empty_keeps_blocks_for_re_rendering():
    raw = F.nest([("forms_1099r[0].box1", "5"), ("forms_1099r[1].id", "1099r-2"), ("forms_1099r[1].uses[0].kind", "")])
    data = F.normalize(raw, keep_empty=True)
    assert len(data["forms_1099r"]) == 2 and data["forms_1099r"][1]["uses"] == [{}]


def test_new_ids_never_repeat_a_kept_one():
    raw = F.nest([("forms_1099r[0].id", "1099r-2"), ("forms_1099r[0].box1", "1"), ("forms_1099r[1].box1", "2"),
                  ("forms_1099r[2].box1", "3")])
    ids = [f["id"] for f in F.normalize(raw)["forms_1099r"]]
    assert len(set(ids)) == 3 and ids[0] == "1099r-2"


def test_filed_lines_keep_their_blanks():
    raw = F.nest([("filed.f8606_taxpayer.1", "7000"), ("filed.f8606_taxpayer.15c", ""), ("taxpayer.name", "A")])
    assert F.normalize(raw)["filed"] == {"f8606_taxpayer": {"1": "7000", "15c": None}}


def test_placeholder_ssn_shows_blank():
    vals = F.form_values({"taxpayer": {"ssn": F.SSN_PLACEHOLDER, "name": "A"}})
    assert vals["taxpayer.ssn"] == ""


def test_relevance_asks_only_what_applies():
    plan = {"filing_status": "single", "forms_1099r": [{"box7": ["1"], "uses": [{"kind": "cash"}]}]}
    r = F.relevance(plan)
    assert not r["spouse"] and not r["taxpayer"]["ira"] and not r["taxpayer"]["roth"]
    conv = {"filing_status": "mfj", "forms_1099r": [{"box7": ["2"], "box7_ira_sep_simple": True,
                                                    "uses": [{"kind": "conversion", "to": "roth_ira"}]}]}
    r = F.relevance(conv)
    assert r["spouse"] and r["taxpayer"]["ira"] and r["taxpayer"]["roth"]


def test_describe_paths_in_words():
    data = {"forms_1099r": [{"payer": {"name": "OldJob"}}]}
    assert F.describe("forms_1099r[0].uses[0].date", data) == \
        "Form 1099-R 1 (OldJob) › money row 1 › Date deposited (60-day rollover only)"
    assert F.describe("taxpayer.birth_date") == "You › Date of birth"
    assert F.describe("forms_1099r[0].box7[0]") == "Form 1099-R 1 › Box 7 · Distribution code(s)"


def test_every_box7_code_has_an_option_with_its_meaning():
    from taxdocs.params import codes
    opts = dict(F.code_options(2025))
    for k, c in codes().codes.items():
        assert k in opts and c.meaning in opts[k]


def test_separation_date_and_hsa_coverage_reach_the_scenario():
    raw = F.nest([("tax_year", "2025"), ("filing_status", "single"), ("taxpayer.name", "Ann"),
                  ("taxpayer.birth_date", "1968-03-01"), ("taxpayer.separated_from_service_date", "6/30/2025"),
                  ("taxpayer.hsa_coverage", "family"), ("taxpayer.earlier_hfd_year", "2021"),
                  ("forms_1099r[0].payer.name", "IRA Co"), ("forms_1099r[0].box1", "8000"),
                  ("forms_1099r[0].box7[0]", "7"), ("forms_1099r[0].box7_ira_sep_simple", "on"),
                  ("forms_1099r[0].date_paid", "2025-08-01"),
                  ("forms_1099r[0].uses[0].kind", "hfd"), ("forms_1099r[0].uses[0].amount", "8000")])
    sc = from_data(F.normalize(raw), "web")
    assert str(sc.taxpayer.separated_from_service_date) == "2025-06-30" and sc.taxpayer.hsa_coverage == "family"
    assert sc.taxpayer.earlier_hfd_year == 2021
    names = {f.name for f in F.PERSON}
    assert {"separated_from_service_date", "hsa_coverage", "earlier_hfd_year"} <= names
    assert F.describe("taxpayer.hsa_coverage").startswith("You › HSA coverage")
    blank = F.nest([("taxpayer.name", "Ann"), ("taxpayer.hsa_coverage", "")])
    assert "hsa_coverage" not in F.normalize(blank)["taxpayer"]
