"""(a) Every mapped field sits on the printed line it claims (see
docpositions.py for exactly what is checked), and the check can fail."""
from __future__ import annotations

import dataclasses

import pytest

from docpositions import MAPS, check_positions, markers
from taxdocs.documents.fieldmaps import FieldMap, load_map


def swapped(fmap: FieldMap, a: str, b: str) -> FieldMap:
    f = dict(fmap.fields)
    f[a], f[b] = (dataclasses.replace(f[a], name=f[b].name),
                  dataclasses.replace(f[b], name=f[a].name))
    return dataclasses.replace(fmap, fields=f)


@pytest.mark.parametrize("form,year", MAPS)
def test_every_mapped_text_field_is_on_its_printed_line(blank, form, year):
    fmap = load_map(form, year)
    assert len(markers(fmap)) == sum(1 for s in fmap.fields.values() if s.type == "text")
    assert check_positions(blank(form, year), fmap) == {}


@pytest.mark.parametrize("form,year,a,b", [
    ("f8606", 2025, "1", "2"),
    ("f8606", 2023, "14", "15a"),
    ("f8606", 2025, "25b", "25c"),
    ("f8606", 2025, "address.street", "address.city_state_zip"),
    ("f8606", 2023, "name", "ssn"),
    ("f8606", 2025, "preparer.firm_ein", "preparer.firm_address"),  # 2023/2025 order differs
    ("f5329", 2025, "3", "4"),
    ("f5329", 2025, "2", "2.exception"),
    ("f1099r", 2025, "box1", "box2a"),
    ("f1099r", 2025, "payer_tin", "recipient_tin"),
    ("f1099r", 2025, "box9a", "box9b"),
])
def test_swapped_fields_are_detected(blank, form, year, a, b):
    problems = check_positions(blank(form, year), swapped(load_map(form, year), a, b))
    assert {a, b} <= set(problems), problems


@pytest.mark.parametrize("form,year,a,b", [
    ("f8606", 2025, "10.int", "10.dec"),
    ("f1099r", 2025, "box14_1", "box14_2"),
])
def test_swapped_same_label_fields_are_detected(blank, form, year, a, b):
    problems = check_positions(blank(form, year), swapped(load_map(form, year), a, b))
    assert problems, "swap of two fields with the same label went unnoticed"


def test_every_adjacent_swap_is_detected_8606_2025(blank):
    fmap = load_map("f8606", 2025)
    keys = [k for k, s in fmap.fields.items() if s.type == "text"]
    for a, b in zip(keys, keys[1:]):
        assert check_positions(blank("f8606", 2025), swapped(fmap, a, b)), (a, b)


def test_2023_map_on_2025_names_is_rejected(blank):
    """The 2023 map cannot even be used on the 2025 blank (pdf-notes §3)."""
    from taxdocs.documents.fieldmaps import FieldMapError
    with pytest.raises(FieldMapError, match="missing"):
        check_positions(blank("f8606", 2025), load_map("f8606", 2023))
