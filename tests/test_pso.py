"""Retired public safety officers: up to $3,000 a year of a governmental plan distribution used for accident,
health or long-term care insurance premiums is excluded (IRC §402(l); i1040 lines 5a-5b, "PSO"). Worked by hand."""
import pytest

from builders import form, person, run, scenario
from taxdocs.errors import InputError
from taxdocs.model.load import from_data

OFFICER = person(birth="1962-03-01", public_safety_employee=True, separated_from_service_year=2020)


def test_the_limit_is_per_officer_and_year_across_forms():
    """48,000 pension with 4,200 of premiums, then 10,000 with 1,000: 3,000 excluded in all, from the first form."""
    res = run(scenario(2025, [form("pension", 48000, ["7"], "2025-12-31", box2a=48000, pso_premiums=4200),
                              form("pension2", 10000, ["7"], "2025-12-31", box2a=10000, pso_premiums=1000)],
                       taxpayer=OFFICER))
    g = res.graph
    assert (g["r1099.pension.pso"], g["r1099.pension2.pso"]) == (3000, 0)
    assert (g["f1040.line5a"], g["f1040.line5b"], g["f1040.line5c"]) == (58000, 55000, ["PSO"])


def test_each_spouse_is_an_officer_of_their_own():
    spouse = person(name="Sam Doe", ssn="123-45-6780", birth="1963-01-01", public_safety_employee=True)
    res = run(scenario(2025, [form("a", 30000, ["7"], "2025-06-01", box2a=30000, pso_premiums=2500),
                              form("b", 20000, ["7"], "2025-06-01", box2a=20000, pso_premiums=3600, recipient="spouse")],
                       status="mfj", taxpayer=OFFICER, spouse=spouse))
    assert res.graph["f1040.line5b"] == 50000 - 2500 - 3000


def test_not_more_than_the_taxable_amount():
    # 10,000 paid, 9,000 of it after-tax (box 5): 1,000 taxable, so 1,000 excluded though 3,000 was paid in premiums
    res = run(scenario(2025, [form("p", 10000, ["7"], "2025-06-01", box2a=1000, box5=9000, pso_premiums=3000)],
                       taxpayer=OFFICER))
    assert res.graph["r1099.p.pso"] == 1000 and res.graph["f1040.line5b"] == 0


def test_the_excluded_part_is_not_an_early_distribution():
    # 48, separated in 2020 at 43 (no exception 01): 20,000 code 1 with 3,000 of premiums: 17,000 on 5329 line 1
    young = person(birth="1977-03-01", public_safety_employee=True, separated_from_service_year=2020)
    res = run(scenario(2025, [form("p", 20000, ["1"], "2025-06-01", box2a=20000, pso_premiums=3000)], taxpayer=young))
    assert res.graph["f1040.line5b"] == 17000
    assert res.graph["f5329.taxpayer.line1"] == 17000 and res.graph["f5329.taxpayer.line4"] == 1700


@pytest.mark.parametrize("f,tp,why", [
    (form("i", 10000, ["7"], "2025-06-01", ira=True, box2a=10000, pso_premiums=3000), OFFICER, "not an IRA"),
    (form("p", 10000, ["7"], "2025-06-01", box2a=10000, pso_premiums=3000), person(birth="1962-03-01"),
     "public_safety_employee: true"),
])
def test_refused_where_it_cannot_apply(f, tp, why):
    with pytest.raises(InputError) as e:
        from_data(scenario(2025, [f], taxpayer=tp), "x.yaml")
    assert "forms_1099r[0].pso_premiums" in str(e.value) and why in str(e.value)


def test_csv_column(tmp_path):
    from taxdocs.batch.reader import open_input
    (tmp_path / "forms.csv").write_text("client_id,form_id,payer_name,box1,box2a,box7,date_paid,pso_premiums\n"
                                        "c1,p,State Police RS,48000,48000,7,2025-12-31,3000\n")
    (tmp_path / "clients.csv").write_text("client_id,tax_year,filing_status,taxpayer_name,taxpayer_ssn,"
                                          "taxpayer_birth_date,taxpayer_public_safety_employee\n"
                                          "c1,2025,single,Pat Doe,400-11-2222,1962-03-01,true\n")
    rec = next(iter(open_input(tmp_path).records()))
    rec.load()
    assert not rec.problems, rec.problems
    assert run(rec.data).graph["f1040.line5b"] == 45000
