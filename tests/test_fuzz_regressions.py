"""Inputs a fuzzer (session 12, ~1 million cases through from_data -> compute -> lines -> check -> result_dict) made
fail: each must now give a result or a clear InputError, never an internal error."""
from decimal import Decimal as D

import pytest

from taxdocs.checks.run import check
from taxdocs.errors import InputError
from taxdocs.model.load import from_data
from taxdocs.output import dumps_bytes, result_dict
from taxdocs.rules.engine import compute


def scenario(forms, income=None, birth="1970-01-01", **person):
    return {"tax_year": 2025, "filing_status": "single",
            "taxpayer": {"name": "X", "ssn": "400-11-2222", "birth_date": birth, **person},
            "forms_1099r": [{"id": f"f{i}", "payer": {"name": "P"}, "date_paid": "2025-06-01", **f}
                            for i, f in enumerate(forms)],
            **({"income": income} if income else {})}


def run_all(data):
    res = compute(from_data(data))
    lines = res.lines()
    dumps_bytes(result_dict(res, list(check(res))))
    return lines


@pytest.mark.parametrize("form, extra", [
    # the RMD split took the form's only leg, worth $0 (IndexError in compute)
    ({"box1": 0, "box7": ["G"], "rmd_amount": 0}, {}),
    ({"box1": "0.01", "box7": ["G"], "rmd_amount": "0.01"}, {}),
    ({"box1": 0, "box7": ["H"], "rmd_amount": 0}, {}),
    ({"box1": 0, "box7": ["J"], "rmd_amount": 0,
      "uses": [{"kind": "direct_rollover", "to": "roth_ira", "amount": 0}]}, {}),
    ({"box1": 0, "box7": ["4", "G"], "box7_ira_sep_simple": True, "rmd_amount": 0, "decedent": "x"},
     {"inherited_iras": [{"decedent": "x"}]}),
])
def test_a_zero_dollar_form_with_an_rmd_amount_computes(form, extra):
    lines = run_all(scenario([form], **extra))
    assert lines["f1040.line4b"] in (None, 0) and lines["f1040.line5b"] in (None, 0)


def test_code_d_on_a_roth_source_with_nii_computes():
    """Row taxable is None for a Roth source (Form 8606 Part III decides): not counted as investment income."""
    lines = run_all(scenario([{"box1": 5000, "box7": ["D"], "source": "roth_ira"}], birth="1965-05-05",
                             income={"other_agi": 300000, "net_investment_income": 10000}))
    assert lines["tax.niit_with"] == lines["tax.niit_without"] == D(10000) * D("0.038")


@pytest.mark.parametrize("path, value", [("box1", 10 ** 28), ("box4", 10 ** 13)])
def test_amounts_beyond_a_trillion_are_refused(path, value):
    form = {"box1": 1000, "box7": ["7"], path: value}
    with pytest.raises(InputError) as e:
        from_data(scenario([form]))
    assert any(p.path == f"forms_1099r[0].{path}" and "less than or equal to 999999999999.99" in p.message
               for p in e.value.problems)


def test_a_plan_balance_of_0_with_a_payment_is_refused():
    form = {"box1": 1000, "box7": ["7"], "plan_account": {"balance": 0, "after_tax": 500}}
    with pytest.raises(InputError) as e:
        from_data(scenario([form]))
    assert any(p.path == "forms_1099r[0].plan_account.balance" for p in e.value.problems)


def test_after_tax_above_the_balance_is_a_loss_and_nothing_is_taxable():
    """Investment in the contract above the account's value (a loss): the ratio is capped, all of it is basis."""
    lines = run_all(scenario([{"box1": 100, "box7": ["1"], "plan_account": {"balance": 100, "after_tax": 1000}}]))
    assert lines["f1040.line5a"] == 100 and lines["f1040.line5b"] == 0


@pytest.mark.parametrize("status", ["single", "hoh", "qss", "mfs"])
def test_a_spouse_1099r_off_a_joint_return_is_refused(status):
    data = scenario([{"box1": 1000, "box7": ["7"], "recipient": "spouse"}])
    data["filing_status"] = status
    data["spouse"] = {"name": "Y", "ssn": "400-11-3333", "birth_date": "1970-01-01"}
    with pytest.raises(InputError) as e:
        from_data(data)
    assert any(p.path == "forms_1099r[0].recipient" and "spouse's own return" in p.message for p in e.value.problems)


def test_uses_rounded_as_running_totals_never_exceed_box_1():
    """$1.00 paid, 0.50 converted and 0.50 kept: each rounded alone gave 4a 1 and 4b 2 (fuzzing)."""
    lines = run_all(scenario([{"box1": "1.00", "box2a": "1.00", "box7": ["7"], "box7_ira_sep_simple": True,
                               "uses": [{"kind": "conversion", "to": "roth_ira", "amount": "0.50"},
                                        {"kind": "cash", "amount": "0.50"}]}], birth="1950-01-01",
                             ira={"year_end_value": 0}))
    assert lines["f1040.line4a"] == 1 and lines["f1040.line4b"] <= lines["f1040.line4a"]


@pytest.mark.parametrize("text", ["birth_date: 1980-13-03", "birth_date: 2025-02-30"])
def test_a_date_that_does_not_exist_is_bad_input_not_an_internal_error(tmp_path, text):
    """PyYAML raised ValueError building such a date (audit 12: "Internal error", exit 3)."""
    from taxdocs.model.load import load
    p = tmp_path / "s.yaml"
    p.write_text("tax_year: 2025\nfiling_status: single\n"
                 f"taxpayer: {{name: Pat Doe, ssn: 400-11-2222, {text}}}\n")
    with pytest.raises(InputError) as e:
        load(p)
    assert "taxpayer.birth_date" in str(e.value) and "valid date" in str(e.value)


def test_a_mistyped_ssn_is_not_echoed_in_full():
    with pytest.raises(InputError) as e:
        from_data(scenario([], ssn="123-45-67912"))
    text = str(e.value)
    assert "taxpayer.ssn" in text and "67912" not in text and "123" not in text and "ending 7912" in text


def test_a_long_number_echoed_from_another_field_is_masked():
    with pytest.raises(InputError) as e:
        from_data(scenario([{"box1": "123-45-6789", "box7": ["7"]}]))
    assert "123-45" not in str(e.value) and "6789" in str(e.value)
