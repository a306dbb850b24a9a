"""core.lines: lazy lines that record what they read, statuses flowing downstream, and `when` (a part
of the form not completed leaves its lines blank without calling them)."""
from decimal import Decimal

import pytest

from taxdocs.core.lines import CycleError, Form, Graph


def _form(gate_value, gate_status="complete"):
    g = Graph()
    g.fact("p.amount", Decimal(100), "Amount", "scenario: amount")
    g.fact("p.on", gate_value, "Part completed", "scenario: on", gate_status)
    f = Form(g, "form")
    calls = []
    f.line("part", "Part completed", "cite", "input", lambda g: g["p.on"])
    f.line("1", "Line 1", "cite 1", "amount", lambda g: calls.append("1") or g["p.amount"], when="part")
    f.line("2", "Line 2", "cite 2", "L1 x 2", lambda g: calls.append("2") or f.z("1") * 2, when="part")
    return g, f, calls


@pytest.mark.parametrize("gate_first", [True, False])
def test_a_part_not_completed_leaves_its_lines_blank(gate_first):
    g, f, calls = _form(False)
    if gate_first:  # the yes/no already known: the quick way
        assert f["part"] is False
    assert f["2"] is None and f["1"] is None
    assert calls == []
    assert g.node("form.line2").deps == ["form.part"]  # read only the yes/no
    assert g.node("form.line1").deps == ["form.part"]


def test_a_completed_part_reads_its_gate_first():
    g, f, calls = _form(True)
    assert f["2"] == 200
    assert calls == ["2", "1"]
    assert g.node("form.line2").deps == ["form.part", "form.line1"]
    assert g.node("form.line1").deps == ["form.part", "p.amount"]


@pytest.mark.parametrize("gate_value", [True, False])
@pytest.mark.parametrize("gate_first", [True, False])
def test_a_provisional_gate_makes_its_lines_provisional(gate_value, gate_first):
    g, f, _ = _form(gate_value, "provisional")
    if gate_first:
        f["part"]
    f["2"]
    assert g.status("form.line2") == "provisional"
    assert g.status("form.line1") == "provisional"


def test_a_gate_that_is_falsy_but_not_false_still_blanks():
    g, f, calls = _form(0)
    f["part"]
    assert f["1"] is None and calls == []


def test_evaluate_all_and_explain():
    g, f, _ = _form(True)
    vals = g.evaluate_all("form.")
    assert vals == {"form.part": True, "form.line1": 100, "form.line2": 200}
    tree = g.explain("form.line2", gates=True)
    assert [i["key"] for i in tree["inputs"]] == ["form.part", "form.line1"]
    assert tree["inputs"][1]["inputs"][1]["source"] == "scenario: amount"


def test_a_cycle_is_named():
    g = Graph()
    g.define("a", "A", "", "", lambda g: g["b"])
    g.define("b", "B", "", "", lambda g: g["a"])
    with pytest.raises(CycleError, match="a -> b -> a"):
        g["a"]
