"""Inputs: CSV pair (columns, joins, bad rows), JSON Lines, directories; ids; SSN scrubbing."""
from __future__ import annotations

from pathlib import Path

import pytest

from taxdocs.batch.csvpair import CellError, CsvPair, convert, set_path
from taxdocs.batch.reader import open_input, safe_id, scrub
from taxdocs.errors import TaxdocsError

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "batch"


def test_csv_samples_join_and_columns():
    inp = open_input([SAMPLES / "forms.csv", SAMPLES / "clients.csv"])  # either order
    assert isinstance(inp, CsvPair) and inp.forms.name == "forms.csv"
    recs = {r.id: r for r in inp.records()}
    assert inp.count() == len(recs) == 5
    r = recs["C-1002"]
    assert r.row == 3 and r.source.endswith("clients.csv row 3")
    d = r.data
    assert d["client_id"] == "C-1002" and d["filing_status"] == "mfj"
    assert d["taxpayer"]["birth_date"] == "1978-09-02"          # US date -> ISO
    assert d["spouse"]["ira"]["year_end_value"] == "52000"
    f = d["forms_1099r"]
    assert [x["id"] for x in f] == ["widget-401k-roth", "widget-401k-cash", "spouse-ira"]
    assert f[0]["box1"] == "16000" and f[0]["box7"] == ["G"]   # "16,000" -> 16000
    assert f[0]["plan_account"] == {"balance": "100000", "after_tax": "40000"}
    assert f[0]["uses"] == [{"kind": "direct_rollover", "to": "roth_ira", "amount": "16000"}]
    assert f[2]["recipient"] == "spouse" and f[2]["box7_ira_sep_simple"] is True  # "x"
    # a problem path maps back to the CSV cell a preparer must fix
    assert r.locate("forms_1099r[1].box2a") == {"file": str(SAMPLES / "forms.csv"), "row": 4, "column": "box2a"}
    assert r.locate("forms_1099r[1].uses[0].amount")["column"] == "use1_amount"
    assert r.locate("spouse.birth_date")["column"] == "spouse_birth_date"
    assert "spouse" not in recs["C-1001"].data      # empty spouse columns: no spouse
    assert recs["C-1003"].data["taxpayer"]["ira"]["year_end_value"] == "41250"


def _pair(tmp_path: Path, forms: str, clients: str) -> list:
    (tmp_path / "f.csv").write_text(forms)
    (tmp_path / "c.csv").write_text(clients)
    inp = open_input([tmp_path / "f.csv", tmp_path / "c.csv"])
    try:
        return list(inp.records())
    finally:
        inp.close()


def test_csv_orphans_empty_ids_and_cell_errors(tmp_path):
    recs = _pair(tmp_path,
                 "client_id,form_id,box1,box7,corrected\nA,f1,100,7,maybe\n,f2,5,7,\nZZ,f3,1,7,\nZZ,f4,2,7,\n",
                 "client_id,tax_year,filing_status\nA,2025,single\n")
    by = {r.id: r for r in recs}
    assert set(by) == {"A", "forms-row-3", "ZZ"}
    assert by["A"].problems[0]["column"] == "corrected" and "yes/no" in by["A"].problems[0]["reason"]
    assert by["forms-row-3"].problems[0]["reason"].startswith("client_id is empty")
    z = by["ZZ"].problems[0]
    assert z["row"] == 4 and "2 1099-R row(s) but no row" in z["reason"]


def test_csv_header_errors(tmp_path):
    with pytest.raises(TaxdocsError, match="did you mean 'box2a'"):
        _pair(tmp_path, "client_id,form_id,box1,box2_a\n", "client_id,tax_year\n")
    with pytest.raises(TaxdocsError, match="cannot tell the forms CSV"):
        _pair(tmp_path, "client_id,tax_year\n", "client_id,tax_year\n")


def test_csv_semicolon_and_bom(tmp_path):
    recs = _pair(tmp_path, "\ufeffclient_id;form_id;box1;box7\nA;f1;1.234,00;7\n".replace("1.234,00", "1234"),
                 "client_id;tax_year;filing_status\nA;2025;single\n")
    assert recs[0].data["forms_1099r"][0]["box1"] == "1234"


def test_convert_cells():
    assert convert(" $12,345.67 ", "amount") == "12345.67"
    assert convert("1,234,567", "amount") == "1234567"
    # other taxable income / other AGI may be negative, written as a spreadsheet shows it (fuzzing, session 12)
    assert convert("(5,750)", "signed") == convert("-5,750", "signed") == "-5750"
    assert convert("$1,234", "signed") == "1234"
    for decimal_comma in ("1,5", "1234,56", "1,2,3", "12,34.5"):  # not 15, 123456, 123 (fuzzing, session 12)
        with pytest.raises(CellError, match="commas may only separate thousands"):
            convert(decimal_comma, "amount")
    assert convert("7D", "codes") == ["7", "D"] and convert("7, d", "codes") == ["7", "D"]
    assert convert("3/3/25", "date") == "2025-03-03"
    assert convert("2025-03-03", "date") == "2025-03-03"
    assert convert("01:5000; 12", "exceptions") == [{"number": "01", "amount": "5000"}, {"number": "12"}]
    assert convert("19::twin A; 19:2500:twin B", "exceptions") == [  # number:amount:event (one $5,000 per event)
        {"number": "19", "event": "twin A"}, {"number": "19", "amount": "2500", "event": "twin B"}]
    assert convert("1;2", "dates") == [{"distribution_date": "1"}, {"distribution_date": "2"}]
    d: dict = {}
    set_path(d, "uses[1].waiver.kind", "x")
    assert d == {"uses": [{}, {"waiver": {"kind": "x"}}]}


def test_jsonl_ids_and_bad_lines(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_text('{"client_id": "K1", "tax_year": 2025}\n\n{"tax_year": 2025}\n{"client_id": "K3", \n[1]\n')
    inp = open_input(p)
    recs = list(inp.records())
    assert inp.count() == 4
    assert [r.id for r in recs] == ["K1", "line-3", "line-4", "line-5"]
    assert recs[2].problems[0]["line"] == 4 and recs[2].problems[0]["reason"].startswith("not valid JSON")
    assert recs[3].data == [1] and not recs[3].problems   # the scenario model says what is wrong


def test_directory(tmp_path):
    (tmp_path / "a.yaml").write_text("tax_year: 2025\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.json").write_text("{bad")
    (tmp_path / "x.facts.yaml").write_text("{}\n")   # a PDF's facts file, not a scenario
    (tmp_path / "notes.txt").write_text("")
    inp = open_input(tmp_path)
    recs = list(inp.records())
    assert [r.id for r in recs] == ["a", "sub--b"] and inp.count() == 2
    assert recs[1].problems and "not valid JSON" in recs[1].problems[0]["reason"]


def test_safe_id_and_scrub():
    assert safe_id("C-1001") == "C-1001"
    a, b = safe_id("a/b"), safe_id("a_b")
    assert a != b and a.startswith("a_b-")
    assert "/" not in safe_id("../../etc/passwd")
    assert not safe_id("-rf").startswith("-") and not safe_id(".hidden").startswith(".")
    assert scrub("ssn 123-45-6789 or 123456789") == "ssn ***-**-6789 or ***-**-6789"
    assert scrub("account 1234567890123") == "account 1234567890123"


def test_every_column_is_documented():
    doc = (REPO / "docs" / "batch.md").read_text()
    from taxdocs.batch.csvpair import CLIENT_COLUMNS, FORM_COLUMNS
    cols = list(FORM_COLUMNS) + [c.replace("taxpayer_", "<person>_") for c in CLIENT_COLUMNS if not c.startswith("spouse_")]
    missing = [c for c in cols if f"`{c}`" not in doc]
    assert not missing
    for name, known in (("forms.csv", FORM_COLUMNS), ("clients.csv", CLIENT_COLUMNS)):
        header = (SAMPLES / name).read_text().splitlines()[0].split(",")
        assert set(header) <= set(known)


def test_jsonl_record_sheds_its_data_and_reads_it_again(tmp_path):
    """The runner sends a JSON Lines record to a worker as the line's bytes (`shed`); the worker reads
    the same data again (`load`). A record with problems keeps what it has."""
    import pickle
    p = tmp_path / "s.jsonl"
    p.write_text('{"client_id": "C1", "tax_year": 2025, "x": [1, 2.5, "3"]}\n{"client_id": \n')
    good, bad = list(open_input(p).records())
    want = dict(good.data)
    good.shed()
    assert good.data is None and good.raw is not None
    back = pickle.loads(pickle.dumps(good))
    assert back.load() == want and back.data == want
    bad.shed()
    assert bad.problems and bad.load() is None


def test_extra_json_forms_come_after_the_csv_forms(tmp_path):
    """A client's extra_json may carry whole 1099-Rs; they were overwritten by the forms.csv rows (fuzzing)."""
    extra = '{""forms_1099r"": [{""id"": ""x"", ""payer"": {""name"": ""Q""}, ""box1"": 5, ""box7"": [""7""], ""date_paid"": ""2025-02-02""}]}'
    recs = _pair(tmp_path, "client_id,form_id,payer_name,box1,box7,date_paid\nA,f1,P,100,7,2025-03-03\n",
                 f'client_id,tax_year,filing_status,other_taxable_income,extra_json\nA,2025,single,(1000),"{extra}"\n')
    data = recs[0].load()
    assert [f["id"] for f in data["forms_1099r"]] == ["f1", "x"]
    assert data["income"]["other_taxable_income"] == "-1000"


def test_a_client_id_on_two_rows_figures_neither(tmp_path):
    """Whose 1099-Rs are whose cannot be told: both rows are errors, no return mixes them (issue 7: never mix up)."""
    recs = _pair(tmp_path, "client_id,form_id,box1,box7\nC-1,f1,100,7\nC-1,f2,90000,1\nB,f3,5,7\n",
                 "client_id,tax_year,filing_status,taxpayer_name\nC-1,2025,single,Alice\nB,2025,single,Bo\n"
                 "C-1,2025,single,Carol\n")
    c1 = [r for r in recs if r.problems and "rows 2, 4" in r.problems[0]["reason"]]
    assert [r.row for r in c1] == [2, 4] and all(r.data is None or "forms_1099r" not in (r.data or {}) for r in c1)
    assert [r for r in recs if r.id == "B"][0].problems == []


def test_an_ssn_as_client_id_is_refused_and_never_printed(tmp_path):
    recs = _pair(tmp_path, "client_id,form_id,box1,box7\n400-50-0001,f1,100,7\n400500009,f2,5,7\n",
                 "client_id,tax_year,filing_status,taxpayer_ssn\n400-50-0001,2025,single,400500001\n")
    assert [r.id for r in recs] == ["clients-row-2", "forms-row-3"]
    for r in recs:
        text = repr(r.problems)
        assert "400-50-0001" not in text and "400500009" not in text
    assert "is the client's SSN" in recs[0].problems[0]["reason"]
    # a 9-digit client number that is not the SSN is kept (masked as a record id, not refused)
    [rec] = _pair(tmp_path, "client_id,form_id,box1,box7\n123456789,f1,100,7\n",
                  "client_id,tax_year,filing_status,taxpayer_ssn\n123456789,2025,single,400500001\n")
    assert rec.id == "clients-row-2" and not any("SSN" in p["reason"] for p in rec.problems)


def test_two_digit_years_are_refused_for_birth_dates_only(tmp_path):
    assert convert("3/3/25", "date") == "2025-03-03"
    with pytest.raises(CellError, match="write the year in full"):
        convert("9/2/58", "lifedate")
    assert convert("9/2/1958", "lifedate") == "1958-09-02"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_a_csv_saved_by_excel_on_windows_is_read(tmp_path, encoding):
    """Excel's "CSV (Comma delimited)" is Windows-1252 and "Unicode Text" UTF-16: an accented name reads right."""
    (tmp_path / "f.csv").write_bytes("client_id,form_id,box1,box7\nA,f1,100,7\n".encode(encoding))
    (tmp_path / "c.csv").write_bytes("client_id,tax_year,filing_status,taxpayer_name\nA,2025,single,José Núñez\n"
                                     .encode(encoding))
    inp = open_input([tmp_path / "f.csv", tmp_path / "c.csv"])
    try:
        [rec] = list(inp.records())
    finally:
        inp.close()
    rec.load()
    assert rec.data["taxpayer"]["name"] == "José Núñez"


def test_ids_typed_two_ways_are_both_errors(tmp_path):
    """An id typed one way in forms.csv and another in clients.csv (case, leading zeros): the client is not figured
    with no 1099-R (it would pass as done); both records say which id the other file has."""
    recs = _pair(tmp_path, "client_id,form_id,box1,box7\nc-1001,f1,100,7\n0077,f2,50,7\nB,f3,10,7\n",
                 "client_id,tax_year,filing_status\nC-1001,2025,single\n77,2025,single\nB,2025,single\nD,2025,single\n")
    by = {r.id: r for r in recs}
    assert set(by) == {"C-1001", "77", "B", "D", "c-1001", "0077"}
    client = by["C-1001"].problems[0]["reason"]
    assert "no 1099-R row has client_id 'C-1001'" in client and "'c-1001'" in client and "case" in client
    orphan = by["c-1001"].problems[0]["reason"]
    assert "no row in" in orphan and "has 'C-1001'" in orphan
    assert by["77"].problems and "'0077'" in by["77"].problems[0]["reason"]
    by["B"].load()
    assert not by["B"].problems and len(by["B"].data["forms_1099r"]) == 1
    by["D"].load()
    assert not by["D"].problems  # no 1099-R and no id like it: a client with none (nondeductible contributions only)
    # a client with 1099-R rows of its own is figured; only the other spelling's rows are an error
    recs = _pair(tmp_path, "client_id,form_id,box1,box7\nC-1,f1,100,7\nc-1,f2,50,7\n",
                 "client_id,tax_year,filing_status\nC-1,2025,single\n")
    by = {r.id: r for r in recs}
    by["C-1"].load()
    assert not by["C-1"].problems and len(by["C-1"].data["forms_1099r"]) == 1
    assert "has 'C-1'" in by["c-1"].problems[0]["reason"]


def test_an_ssn_inside_a_csv_client_id_names_nothing():
    """Second read (session 17): the CSV reader refused only an id that was an SSN whole; one holding it
    (C-123-45-6789) named files and summary rows."""
    from taxdocs.batch.reader import _record_id
    for cid in ("C-123-45-6789", "Doe 123456789", "123 45 6789"):
        assert _record_id(cid, "clients", 7) == "clients-row-7", cid
    assert _record_id("C-1001", "clients", 7) == "C-1001"
