"""Bad input to the ledger is refused whole, with the file, the place and the rule named (exit 2), before anything
is written; a damaged or read-only ledger gives a clear error, never a traceback, SQL or a wrong figure later."""
from __future__ import annotations

import copy
import json
import os
from decimal import Decimal

import pytest
import yaml
from ledger_scenarios import CLIENT, SSN, year1, year2, year3
from typer.testing import CliRunner

from taxdocs.cli import app
from taxdocs.ledger.exchange import export_doc
from taxdocs.ledger.store import CarryFacts, LedgerError, open_store
from taxdocs.model.load import from_data

runner = CliRunner()


def cli(*args):
    r = runner.invoke(app, list(args))
    return r.exit_code, " ".join(r.stdout.split()), " ".join(r.stderr.split())


def clean(err: str) -> None:
    """No traceback, no internal error, no SQL, no full SSN."""
    for bad in ("Traceback", "Internal error", "[SQL", "INSERT INTO", "FROM ledger_", SSN, "123456789"):
        assert bad not in err


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict:
    """An export of 2024 and 2025 (committed) and a seed of another client."""
    db = tmp_path_factory.mktemp("src") / "l.db"
    with open_store(db) as s:
        s.commit(from_data(year1()))
        s.commit(from_data(year2()))
        s.seed("C-SEED", SSN, 2024, CarryFacts(Decimal(7000), Decimal(0)))
        return export_doc(s)


def edited(exported, tmp_path, change) -> str:
    doc = copy.deepcopy(exported)
    change(doc)
    p = tmp_path / "edited.json"
    p.write_text(json.dumps(doc))
    return str(p)


def facts(doc, key, value, year=1):
    doc["people"][0]["years"][year]["facts"][key] = value


BAD_FACTS = [
    ("ira_basis", "-5000", "facts.ira_basis: must be 0 or more"),
    ("ira_basis", "NaN", "facts.ira_basis: not a finite amount"),
    ("ira_basis", "Infinity", "facts.ira_basis: not a finite amount"),
    ("ira_basis", "100.555", "facts.ira_basis: at most 2 decimal places"),
    ("ira_basis", True, "facts.ira_basis: not an amount"),
    ("ira_rollover_dates", [20251110], "facts.ira_rollover_dates[0]: a date as text, YYYY-MM-DD"),
    ("ira_rollover_dates", ["2027-02-01"], "facts.ira_rollover_dates[0]: 2027-02-01 is after 2026, the year after"),
    ("roth_first_year", "twenty", "facts.roth_first_year: must be a whole number"),
    ("roth_first_year", 2025.7, "facts.roth_first_year: must be a whole number"),
    # 2026 itself is allowed: a December conversion deposited in January starts the period then (IRC §408A(d)(3)(F))
    ("roth_first_year", 2027, "facts.roth_first_year: 2027 is after 2026, the year after tax year 2025"),
    ("conversion_layers", [{"year": 2027, "amount": "100", "taxable": "0"}],
     "facts.conversion_layers[0].year: 2027 is after 2026, the year after tax year 2025"),
    ("notes", "hello", "facts.notes: must be a list"),
    ("provisional", ["basis"], "facts.provisional[0]: must be"),
    ("f8606", [1, 2], "facts.f8606: must be an object"),
    ("conversion_layers", [{"year": 2025, "amount": "-20000", "taxable": "0"}],
     "facts.conversion_layers[0].amount: must be 0 or more"),
    ("conversion_layers", [{"year": 2025, "amount": "100", "taxable": "200"}],
     "facts.conversion_layers[0]: taxable part exceeds the amount converted"),
    ("inherited_roth", {"Mom": {"conversion_basis": "100", "first_year": 2010}},
     "facts.inherited_roth.Mom.basis: required"),
    ("inherited_basis", {"Mom": "-1"}, "facts.inherited_basis.Mom: must be 0 or more"),
    ("hfd_year", "abc", "facts.hfd_year: must be a whole number"),
    ("ira_bassis", "1", "facts.ira_bassis: unknown key (did you mean 'ira_basis'?)"),
]


@pytest.mark.parametrize("key,value,said", BAD_FACTS, ids=[f"{k}={v!r}"[:40] for k, v, _ in BAD_FACTS])
def test_import_refuses_hand_edited_facts(exported, tmp_path, key, value, said):
    f = edited(exported, tmp_path, lambda d: facts(d, key, value))
    db = tmp_path / "new.db"
    code, out, err = cli("ledger", "import", f, "--ledger", str(db))
    assert code == 2, out + err
    assert f"import: {f}: people[0].years[1].{said}" in err and "Nothing was imported" in err
    clean(err)
    assert not db.exists()       # refused before the ledger is opened


BAD_SHAPES = [
    (lambda d: d["people"][0]["years"][0].__setitem__("tax_year", True), "years[0].tax_year: must be a whole number"),
    (lambda d: d["people"][0]["years"][0].__setitem__("tax_year", -5), "years[0].tax_year: must be 2000 or more"),
    (lambda d: d["people"][0]["years"][0].__setitem__("tax_year", 10 ** 30), "years[0].tax_year: at most 2100"),
    (lambda d: d["people"][0]["years"][0].__setitem__("version", 0), "years[0].version: must be 1 or more"),
    (lambda d: d["people"][0]["years"][0].__setitem__("committed_at", 12345), "years[0].committed_at: a date and time"),
    (lambda d: d["people"][0]["years"][0].__setitem__("kind", "hack"), "years[0].kind: must be 'commit'"),
    (lambda d: d["people"][0].__setitem__("years", "abc"), "people[0].years: must be a list"),
    (lambda d: d["people"][0]["years"].__setitem__(0, 5), "people[0].years[0]: must be an object"),
    (lambda d: d["people"].__setitem__(0, [1]), "people[0]: must be an object"),
    (lambda d: d["people"][0].__setitem__("name", 5), "people[0].name: must be text"),
    (lambda d: d.__setitem__("schema_revision", "9999"), "schema_revision: '9999' is newer than this taxdocs"),
    # labels that contradict the year's own scenario (which its content_hash covers)
    (lambda d: d["people"][0]["years"][0].__setitem__("tax_year", 2023),
     "people[0].years[0].tax_year: 2023, but its scenario is for 2024"),
    (lambda d: d["people"][0].__setitem__("ssn_last4", "0000"),
     "people[0].ssn_last4: '0000', but the year's scenario has '6789'"),
    (lambda d: d["people"][0].__setitem__("ssn_key", "0" * 64), "people[0].years[0].scenario: names no person"),
    (lambda d: d["people"][0]["years"].append(dict(d["people"][0]["years"][1], facts={"ira_basis": "999"})),
     "people[0].years[2]: tax_year 2025 version 1 again (also years[1])"),
    (lambda d: d["people"].append(copy.deepcopy(d["people"][0])), "people[2]: client 'C-100' with the same SSN key"),
    (lambda d: d["people"][1]["years"][0]["facts"].__setitem__("ira_basis", "70000"),
     "people[1].years[0].facts: differ from the seed record its content_hash covers"),
]


@pytest.mark.parametrize("change,said", BAD_SHAPES, ids=[s[:40] for _, s in BAD_SHAPES])
def test_import_refuses_a_malformed_or_relabelled_export(exported, tmp_path, change, said):
    f = edited(exported, tmp_path, change)
    code, out, err = cli("ledger", "import", f, "--ledger", str(tmp_path / "new.db"))
    assert code == 2, out + err
    assert said in err
    clean(err)


def test_import_of_an_unedited_export_still_works(exported, tmp_path):
    f = edited(exported, tmp_path, lambda d: None)
    code, out, err = cli("ledger", "import", f, "--ledger", str(tmp_path / "new.db"))
    assert code == 0 and "3 year versions added" in out, err


def test_import_refuses_files_that_are_not_exports(exported, tmp_path):
    folder = tmp_path / "a.json"
    folder.mkdir()
    latin = tmp_path / "latin.json"
    latin.write_bytes(b"\xff\xfe{}")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    deepish = tmp_path / "deepish.json"
    nested: list = []
    for _ in range(45):
        nested = [nested]
    deepish.write_text(json.dumps(dict(exported, people=nested)))
    nan = tmp_path / "nan.json"
    nan.write_text(json.dumps(exported).replace('"ira_basis": "7000"', '"ira_basis": NaN'))
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps(exported).replace('"ira_basis": "7000"', '"ira_basis": "7000", "ira_basis": "9"'))
    for f, said in ((folder, "a folder, not an export file"), (latin, "not UTF-8 text"),
                    (deep, "nested without end"), (deepish, "nested more than 40 levels deep"),
                    (nan, "NaN is not a JSON value"), (twice, "the key 'ira_basis' is given twice")):
        code, _, err = cli("ledger", "import", str(f), "--ledger", str(tmp_path / "new.db"))
        assert code == 2 and f"import: {f}" in err and said in err, err
        clean(err)


def test_from_dict_names_a_malformed_value():
    with pytest.raises(LedgerError, match=r"facts: inherited_roth\.Mom\.basis: required"):
        CarryFacts.from_dict({"ira_basis": "0", "inherited_roth": {"Mom": {"conversion_basis": "1"}}})
    with pytest.raises(LedgerError, match=r"facts: notes: must be a list"):
        CarryFacts.from_dict({"ira_basis": "0", "notes": "hello"})


# ---------------------------------------------------------------- seed

@pytest.mark.parametrize("args,said", [
    (("--ira-basis", "100.555"), "ira_basis (--ira-basis): at most 2 decimal places"),
    (("--ira-basis", "1e400"), "ira_basis (--ira-basis): at most 999999999999.99"),
    (("--ira-basis", "1", "--roth-first-year", "2090"),
     "roth_first_year (--roth-first-year): 2090 is after 2025, the year after tax year 2024"),
    (("--ira-basis", "1", "--rollover", "1999-01-01"),
     "ira_rollover_dates[0] (--rollover): 1999-01-01 is before 2023"),
    (("--ira-basis", "1", "--rollover", "2026-03-01"),
     "ira_rollover_dates[0] (--rollover): 2026-03-01 is after 2025, the year after tax year 2024"),
    (("--ira-basis", "1", "--conversion", "1990:100:50", "--roth-first-year", "2000"),
     "conversion_layers[0].year (--conversion): 1990 is before 1998"),
    (("--ira-basis", "1", "--year-end-value", "0.001"), "year_end_value (--year-end-value): at most 2 decimal places"),
])
def test_seed_refuses_what_a_scenario_would(tmp_path, args, said):
    db = tmp_path / "l.db"
    code, out, err = cli("ledger", "seed", CLIENT, "--year", "2024", "--ssn", SSN, *args, "--ledger", str(db))
    assert code == 2, out + err
    assert f"seed: {said}" in err and "Nothing was written" in err
    clean(err)
    assert not db.exists()


def test_seed_refuses_a_tax_year_out_of_range(tmp_path):
    code, _, err = cli("ledger", "seed", CLIENT, "--year", "1800", "--ssn", SSN, "--ira-basis", "1",
                       "--ledger", str(tmp_path / "l.db"))
    assert code == 2 and "tax_year (--year): a tax year from 2000 to 2100" in err


def test_store_seed_checks_too(tmp_path):
    with open_store(tmp_path / "l.db") as s:
        with pytest.raises(LedgerError, match="roth_first_year"):
            s.seed(CLIENT, SSN, 2024, CarryFacts(Decimal(1), Decimal(0), roth_first_year=2090))
        assert s.counts()["years"] == 0


# ---------------------------------------------------------------- the database

def read_only(url) -> str:
    """The same ledger opened read-only: a SQLite file as an immutable file or a read-only mount behaves, a PostgreSQL
    session in read-only transactions."""
    if "://" not in str(url):
        return f"sqlite:///file:{url}?mode=ro&uri=true"
    from sqlalchemy.engine import make_url
    u = make_url(url)
    opts = (u.query.get("options", "") + " -cdefault_transaction_read_only=on").strip()
    return u.update_query_dict({"options": opts}).render_as_string(hide_password=False)


def test_a_read_only_ledger_says_so(ledger_url, tmp_path):
    db = ledger_url
    y1, y2 = tmp_path / "y1.yaml", tmp_path / "y2.yaml"
    y1.write_text(yaml.safe_dump(year1()))
    y2.write_text(yaml.safe_dump(year2()))
    assert cli("ledger", "commit", str(y1), "--ledger", str(db))[0] == 0
    for args in (("commit", str(y2)), ("seed", "C-2", "--year", "2024", "--ssn", SSN, "--ira-basis", "1")):
        code, _, err = cli("ledger", *args, "--ledger", read_only(db))
        assert code == 2, err
        assert "cannot write the ledger" in err and "read-only" in err and "nothing was written" in err
        clean(err)
        assert "Pat" not in err and "prior_basis" not in err          # no parameters, no stored scenario
    code, out, _ = cli("ledger", "show", CLIENT, "--ledger", read_only(db))
    assert code == 0 and "2024" in out                                     # reading still works


def test_batch_commit_to_a_read_only_ledger_gives_a_clear_reason(tmp_path):
    db = tmp_path / "l.db"
    with open_store(db) as s:
        s.seed("C-OTHER", "987-65-4321", 2020, CarryFacts(Decimal(0), Decimal(0)))
    ind = tmp_path / "in"
    ind.mkdir()
    (ind / "y1.yaml").write_text(yaml.safe_dump(year1()))
    code, _, err = cli("batch", str(ind), "-o", str(tmp_path / "out"), "--ledger", read_only(db), "--commit")
    rows = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert len(rows) == 1
    assert "read-only" in rows[0]["reason"] and "[SQL" not in rows[0]["reason"] and "INSERT" not in rows[0]["reason"]


def test_a_ledger_that_goes_away_while_open_is_a_clear_error(tmp_path):
    db = tmp_path / "l.db"
    with open_store(db) as s:
        s.seed(CLIENT, SSN, 2024, CarryFacts(Decimal(0), Decimal(0)))
    s = open_store(read_only(db))
    s.engine.dispose()
    db.unlink()
    with pytest.raises(LedgerError, match="cannot read the ledger") as e:
        s.people(CLIENT)
    assert "[SQL" not in str(e.value)
    s.close()


def test_export_to_a_folder_or_a_missing_folder(tmp_path):
    db = tmp_path / "l.db"
    with open_store(db) as s:
        s.seed(CLIENT, SSN, 2024, CarryFacts(Decimal(0), Decimal(0)))
    code, _, err = cli("ledger", "export", "-o", str(tmp_path), "--ledger", str(db))
    assert code == 2 and f"-o {tmp_path}: a folder: give a file name" in err
    code, _, err = cli("ledger", "export", "-o", str(tmp_path / "no" / "x.json"), "--ledger", str(db))
    assert code == 2 and f"folder {tmp_path / 'no'} does not exist" in err
    clean(err)


@pytest.mark.parametrize("url,said", [
    ("postgresql://u:secret@[::1", "--ledger postgresql://u:***@[::1: not a database URL"),
    ("mysql://u:secret@x/y", "--ledger mysql://u:***@x/y: mysql: its driver is not installed"),
    ("nosuchdb://u:secret@x/y", "nosuchdb: unknown database kind"),
])
def test_bad_ledger_urls(url, said):
    code, _, err = cli("ledger", "show", CLIENT, "--ledger", url)
    assert code == 2 and said in err and "secret" not in err, err
    clean(err)


def test_a_ledger_in_a_folder_given_as_the_file(tmp_path):
    code, _, err = cli("ledger", "show", CLIENT, "--ledger", str(tmp_path))
    assert code == 2 and "is a folder" in err


def test_an_empty_file_given_as_the_ledger_is_made_owner_only(tmp_path):
    db = tmp_path / "l.db"
    db.touch()
    os.chmod(db, 0o644)
    with open_store(db) as s:
        s.seed(CLIENT, SSN, 2024, CarryFacts(Decimal(0), Decimal(0)))
    assert db.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("sql,said", [
    ("UPDATE ledger_year SET ira_basis = 'NaN'", "stored ira_basis: not a finite amount"),
    ("UPDATE ledger_year SET ira_basis = '-5000'", "stored ira_basis: must be 0 or more"),
    ("UPDATE ledger_year SET ira_basis = 'abc'", "stored ira_basis: not a finite amount"),
    ("""UPDATE ledger_year SET notes_json = '{"notes": "hello"}'""", "stored notes: must be a list"),
    ("UPDATE ledger_year SET notes_json = '{not json'", "its stored notes or Form 8606 lines are not JSON"),
    ("""UPDATE ledger_year SET notes_json = '{"inherited_roth": {"Mom": {}}}'""",
     "stored inherited_roth.Mom.basis: required"),
    ("UPDATE ledger_year SET roth_first_year = 'twenty'", "stored roth_first_year: must be a whole number"),
])
def test_a_damaged_stored_year_is_a_clear_error(tmp_path, sql, said):
    """A value stored before imports were checked (or by an edit of the database) never crashes show, history or
    compute, and is never filled into a return."""
    from sqlalchemy import text
    db = tmp_path / "l.db"
    with open_store(db) as s:
        s.commit(from_data(year1()))
        with s.engine.begin() as c:
            c.execute(text(sql))
    y3 = tmp_path / "y.yaml"
    y3.write_text(yaml.safe_dump(year3()))
    for args in (("ledger", "show", CLIENT), ("ledger", "history", CLIENT), ("compute", str(y3))):
        code, out, err = cli(*args, "--ledger", str(db))
        assert code == 2, out + err
        assert f"client {CLIENT} ***-**-6789, 2024 version 1: {said}" in err and "damaged" in err, err
        clean(err)
