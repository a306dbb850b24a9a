"""Batch input: the pair of CSV files a preparer exports from a spreadsheet, one row per 1099-R (forms) and one row
per client (clients), joined on client_id through a temporary SQLite file (memory stays flat). The columns are
documented in docs/batch.md; a cell that cannot be read is a problem of its record, located by row and column."""
from __future__ import annotations

import csv
import difflib
import json
import os
import re
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator, Optional

from taxdocs.batch.reader import TOO_DEEP, Input, Record, _digits, _record_id, deep_merge, digest, scrub, too_deep
from taxdocs.core.written import WrittenError, amount, date_text
from taxdocs.core.written import codes as written_codes
from taxdocs.errors import TaxdocsError


# --- CSV pair -------------------------------------------------------------------------
# Column -> (scenario path relative to the form / scenario, type). Documented in docs/batch.md.

FORM_COLUMNS: dict[str, tuple[Optional[str], str]] = {
    "client_id": (None, "str"),
    "form_id": ("id", "str"),
    "recipient": ("recipient", "str"),
    "payer_name": ("payer.name", "str"),
    "payer_tin": ("payer.tin", "str"),
    "payer_address": ("payer.address", "str"),
    "account_number": ("account_number", "str"),
    "corrected": ("corrected", "bool"),
    "box1": ("box1", "amount"),
    "box2a": ("box2a", "amount"),
    "box2b_not_determined": ("box2b_not_determined", "bool"),
    "box2b_total_distribution": ("box2b_total_distribution", "bool"),
    "box3": ("box3", "amount"),
    "box4": ("box4", "amount"),
    "box5": ("box5", "amount"),
    "box6": ("box6", "amount"),
    "box7": ("box7", "codes"),
    "box7_ira_sep_simple": ("box7_ira_sep_simple", "bool"),
    "box8_amount": ("box8_amount", "amount"),
    "box8_percent": ("box8_percent", "amount"),
    "box9a": ("box9a", "amount"),
    "box9b": ("box9b", "amount"),
    "box10": ("box10", "amount"),
    "box11": ("box11", "int"),
    "box12_fatca": ("box12_fatca", "bool"),
    "box13": ("box13", "date"),
    "state_tax_withheld": ("state[0].tax_withheld", "amount"),
    "state": ("state[0].state", "str"),
    "payer_state_no": ("state[0].payer_state_no", "str"),
    "state_distribution": ("state[0].distribution", "amount"),
    "local_tax_withheld": ("local[0].tax_withheld", "amount"),
    "locality": ("local[0].locality", "str"),
    "local_distribution": ("local[0].distribution", "amount"),
    "date_paid": ("date_paid", "date"),
    "date_received": ("date_received", "date"),
    "source": ("source", "str"),
    "group": ("group", "str"),
    "plan_balance": ("plan_account.balance", "amount"),
    "plan_after_tax": ("plan_account.after_tax", "amount"),
    "plan_separate_after_tax_contract": ("plan_account.separate_after_tax_contract", "bool"),
    "exceptions": ("exceptions", "exceptions"),
    "rmd_year": ("rmd_year", "bool"),
    "rmd_amount": ("rmd_amount", "amount"),
    "loan_offset": ("loan_offset", "amount"),
    "pso_premiums": ("pso_premiums", "amount"),
    "hardship": ("hardship", "bool"),
    "sepp": ("sepp", "bool"),
    "governmental_457b": ("governmental_457b", "bool"),
    "corrective": ("corrective", "bool"),
    "nonspouse_beneficiary": ("nonspouse_beneficiary", "bool"),
    "separating_employer": ("separating_employer", "bool"),
    "extra_json": ("", "json"),
}
for _n in (1, 2):
    FORM_COLUMNS.update({
        f"use{_n}_kind": (f"uses[{_n - 1}].kind", "str"),
        f"use{_n}_to": (f"uses[{_n - 1}].to", "str"),
        f"use{_n}_amount": (f"uses[{_n - 1}].amount", "amount"),
        f"use{_n}_date": (f"uses[{_n - 1}].date", "date"),
        f"use{_n}_pretax": (f"uses[{_n - 1}].pretax", "amount"),
        f"use{_n}_basis_only_intent": (f"uses[{_n - 1}].basis_only_intent", "bool"),
        f"use{_n}_waiver": (f"uses[{_n - 1}].waiver.kind", "str"),
        f"use{_n}_waiver_reason": (f"uses[{_n - 1}].waiver.reason", "int"),
        f"use{_n}_waiver_reason_ended": (f"uses[{_n - 1}].waiver.reason_ended", "date"),
    })

_PERSON_COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("name", "str"),
    "ssn": ("ssn", "ssn"),
    "birth_date": ("birth_date", "lifedate"),
    "date_of_death": ("date_of_death", "lifedate"),
    "disabled": ("disabled", "bool"),
    "blind": ("blind", "bool"),
    "address": ("address", "str"),
    "separated_from_service_year": ("separated_from_service_year", "int"),
    "separated_from_service_date": ("separated_from_service_date", "date"),
    "public_safety_employee": ("public_safety_employee", "bool"),
    "public_safety_service_years": ("public_safety_service_years", "int"),
    "hsa_coverage": ("hsa_coverage", "str"),
    "earlier_hfd_year": ("earlier_hfd_year", "int"),
    "ira_nondeductible_contributions": ("ira.nondeductible_contributions", "amount"),
    "ira_nondeductible_after_year_end": ("ira.nondeductible_after_year_end", "amount"),
    "ira_deductible_contributions": ("ira.deductible_contributions", "amount"),
    "ira_contributions_made_before_conversion": ("ira.contributions_made_before_conversion", "amount"),
    "ira_prior_basis": ("ira.prior_basis", "amount"),
    "ira_ever_nondeductible": ("ira.ever_nondeductible", "bool"),
    "ira_last_8606_year": ("ira.last_8606_year", "int"),
    "ira_year_end_value": ("ira.year_end_value", "amount"),
    "ira_outstanding_rollovers": ("ira.outstanding_rollovers", "amount"),
    "ira_repayments_treated_as_rollovers": ("ira.repayments_treated_as_rollovers", "amount"),
    "ira_use_worksheet_1_1": ("ira.use_worksheet_1_1", "bool"),
    "ira_form_8606_filed": ("ira.form_8606_filed", "bool"),
    "ira_deductions_after_70_half_prior": ("ira.deductions_after_70_half_prior", "amount"),
    "ira_qcd_reductions_prior": ("ira.qcd_reductions_prior", "amount"),
    "roth_first_contribution_year": ("roth.first_contribution_year", "int"),
    "roth_contribution_basis": ("roth.contribution_basis", "amount"),
    "roth_contributions_this_year": ("roth.contributions_this_year", "amount"),
    "roth_prior_homebuyer": ("roth.prior_homebuyer", "amount"),
    "roth_homebuyer_expenses": ("roth.homebuyer_expenses", "amount"),
    "rollovers_last_12_months": ("rollovers_last_12_months", "dates"),
}
CLIENT_COLUMNS: dict[str, tuple[Optional[str], str]] = {
    "client_id": ("client_id", "str"),
    "tax_year": ("tax_year", "int"),
    "filing_status": ("filing_status", "lower"),
    "other_taxable_income": ("income.other_taxable_income", "signed"),
    "other_agi": ("income.other_agi", "signed"),
    "itemized_deductions": ("income.itemized_deductions", "amount"),
    "medical_expenses": ("income.medical_expenses", "amount"),
    "state_local_taxes": ("income.state_local_taxes", "amount"),
    "charitable_contributions": ("income.charitable_contributions", "amount"),
    "social_security_benefits": ("income.social_security_benefits", "amount"),
    "tax_exempt_interest": ("income.tax_exempt_interest", "amount"),
    "mfs_lived_apart_all_year": ("income.mfs_lived_apart_all_year", "bool"),
    "qualified_dividends": ("income.qualified_dividends", "amount"),
    "net_capital_gain": ("income.net_capital_gain", "amount"),
    "net_investment_income": ("income.net_investment_income", "amount"),
    "notes": ("notes", "str"),
    "extra_json": ("", "json"),
}
for _who in ("taxpayer", "spouse"):
    CLIENT_COLUMNS.update({f"{_who}_{k}": (f"{_who}.{p}", t) for k, (p, t) in _PERSON_COLUMNS.items()})

_TRUE = {"x", "yes", "y", "true", "t", "1", "on"}
_FALSE = {"no", "n", "false", "f", "0", "off"}
CellError = WrittenError  # a cell's value is wrong as written (core/written.py)


def convert(value: str, typ: str) -> Any:
    """One CSV cell -> scenario value (strings the scenario model then validates)."""
    s = value.strip()
    if typ in ("str", "ssn"):
        return s
    if typ == "lower":
        return s.lower()
    if typ in ("signed", "amount"):  # signed may be negative: -5,750 or (5,750) as a spreadsheet shows it
        return amount(s, signed=typ == "signed")
    if typ == "bool":
        low = s.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise CellError(f"expected yes/no (or x, true/false, 1/0), got {s!r}")
    if typ == "int":
        return s.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", s) else s
    if typ == "date":
        return date_text(s)
    if typ == "lifedate":
        return date_text(s, full_year=True)
    if typ == "codes":
        codes = written_codes(s)
        if not codes:
            raise CellError(f"no distribution code in {s!r}")
        return codes
    if typ == "dates":
        return [{"distribution_date": date_text(x.strip())} for x in re.split(r"[;,]", s) if x.strip()]
    if typ == "exceptions":
        out = []
        for part in re.split(r"[;,]", s):
            part = part.strip()
            if not part:
                continue
            num, _, rest = part.partition(":")
            amt, _, event = rest.partition(":")  # number[:amount[:event]]
            item: dict[str, Any] = {"number": num.strip().zfill(2) if num.strip().isdigit() else num.strip()}
            if amt.strip():
                item["amount"] = convert(amt, "amount")
            if event.strip():
                item["event"] = event.strip()
            out.append(item)
        return out
    if typ == "json":
        if too_deep(s):
            raise CellError(TOO_DEEP)
        try:
            v = json.loads(s)
        except ValueError as e:
            raise CellError(f"not valid JSON: {e}") from None
        if not isinstance(v, dict):
            raise CellError("extra_json must be a JSON object")
        return v
    raise AssertionError(typ)


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def set_path(d: dict, path: str, value: Any) -> None:
    """set_path(d, 'uses[0].waiver.kind', v): creates the dicts and lists on the way."""
    parts = [(m.group(1), m.group(2)) for m in _PART.finditer(path)]
    node: Any = d
    for i, (name, idx) in enumerate(parts):
        last = i == len(parts) - 1
        nxt_is_idx = not last and parts[i + 1][1] is not None
        if name is not None:
            if last:
                node[name] = value
                return
            if name not in node or node[name] is None:
                node[name] = [] if nxt_is_idx else {}
            node = node[name]
        else:
            k = int(idx)
            while len(node) <= k:
                node.append({})
            if last:
                node[k] = value
                return
            node = node[k]


def _norm_header(h: str) -> str:
    return re.sub(r"\s+", "_", h.strip().lower().lstrip("\ufeff"))


def _dialect(sample: str) -> type[csv.Dialect]:
    """Excel CSV; the delimiter (, ; or tab, as some locales export) is the one the header uses most."""
    head = sample.split("\n", 1)[0]
    delim = max((",", ";", "\t"), key=head.count)

    class Dialect(csv.excel):
        delimiter = delim
    return Dialect


_ENCODINGS: dict[tuple, str] = {}  # (path, mtime, size) -> encoding: the header is peeked at more than once


def _encoding(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _ENCODINGS:
        _ENCODINGS[key] = _detect(path)
    return _ENCODINGS[key]


def _detect(path: Path) -> str:
    """UTF-8 (a BOM allowed); UTF-16 with its BOM (Excel's "Unicode Text"); else Windows-1252, what Excel's "CSV
    (Comma delimited)" writes on Windows, with a note. Neither: a clear error naming the file and the byte."""
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    try:
        raw.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as e:
        bad = e.start
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        raise TaxdocsError(f"{path}: not UTF-8 text (byte {bad}); save it from the spreadsheet as 'CSV UTF-8'") from None
    print(f"note: {path} is not UTF-8 (byte {bad}); read as Windows-1252, as Excel saves CSV on Windows",
          file=sys.stderr)
    return "cp1252"


def _reader(path: Path) -> tuple[Any, list[str]]:
    fh = open(path, newline="", encoding=_encoding(path))
    sample = fh.read(8192)
    fh.seek(0)
    rd = csv.reader(fh, _dialect(sample))
    try:
        header = [_norm_header(h) for h in next(rd)]
    except StopIteration:
        fh.close()
        raise TaxdocsError(f"{path}: empty CSV (no header row)") from None
    return (fh, rd), header


def _check_header(path: Path, header: list[str], known: dict, kind: str) -> None:
    unknown = [h for h in header if h and h not in known]
    if unknown:
        hints = []
        for h in unknown:
            close = difflib.get_close_matches(h, known, n=1)
            hints.append(f"{h!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise TaxdocsError(f"{path}: unknown {kind} column(s): {', '.join(hints)}; the columns are "
                           "listed in docs/batch.md")
    dup = sorted({h for h in header if h and header.count(h) > 1})
    if dup:
        raise TaxdocsError(f"{path}: repeated column(s): {', '.join(dup)}")
    if "client_id" not in header:
        raise TaxdocsError(f"{path}: the client_id column is required (it joins the two files)")


def _join_store() -> sqlite3.Connection:
    """The CSV pair's join database. It holds every cell (full SSNs too), so its file is made owner-only in a
    private directory and unlinked as soon as it is open: nothing is left by any exit, even SIGKILL (the data lives
    until the connection closes). Journal off: SQLite needs no other file beside it."""
    d = tempfile.mkdtemp(prefix="taxdocs-batch-join-")  # 0o700
    path = os.path.join(d, "join.sqlite")
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        db = sqlite3.connect(path)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            db.execute("CREATE TABLE opened(x)")  # the file is opened now (SQLite opens it lazily)
        except BaseException:
            db.close()
            raise
    finally:
        for step in (lambda: os.unlink(path), lambda: os.rmdir(d)):
            try:
                step()
            except OSError:
                pass
    return db


def _loose(cid: str) -> str:
    """A client id as it may have been retyped: case, inner blanks and leading zeros ignored."""
    return "".join(cid.split()).lower().lstrip("0")


class CsvPair(Input):
    """forms CSV (one row per 1099-R) + clients CSV (one row per client), joined on client_id."""
    kind = "csv"

    def __init__(self, a: Path, b: Path):
        ha, hb = self._peek(a), self._peek(b)
        is_forms = lambda h: "box1" in h or "form_id" in h  # noqa: E731
        if is_forms(ha) and not is_forms(hb):
            self.forms, self.clients = a, b
        elif is_forms(hb) and not is_forms(ha):
            self.forms, self.clients = b, a
        else:
            raise TaxdocsError(f"cannot tell the forms CSV (it has box1 and form_id columns) from the "
                               f"clients CSV in {a} and {b}")
        _check_header(self.forms, self._peek(self.forms), FORM_COLUMNS, "forms")
        _check_header(self.clients, self._peek(self.clients), CLIENT_COLUMNS, "clients")
        self._db: sqlite3.Connection | None = None

    @staticmethod
    def _peek(p: Path) -> list[str]:
        (fh, _), header = _reader(p)
        fh.close()
        return header

    def describe(self) -> str:
        return f"CSV pair {self.forms} (forms) + {self.clients} (clients)"

    def _load(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        where = tempfile.gettempdir()
        try:
            db = _join_store()
        except (OSError, sqlite3.Error) as e:
            raise TaxdocsError(f"cannot make the temporary file that joins the CSV pair in {where} ({e}); "
                               "set TMPDIR to a writable directory") from None
        try:
            self._fill_store(db)
        except sqlite3.Error as e:  # a full disk
            db.close()
            raise TaxdocsError(f"joining the CSV pair in {where} failed ({e}); free space there or set "
                               "TMPDIR") from None
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    def _fill_store(self, db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE forms(client_id TEXT, row INTEGER, cells TEXT)")
        db.execute("CREATE TABLE clients(client_id TEXT, row INTEGER, cells TEXT)")
        for table, path in (("forms", self.forms), ("clients", self.clients)):
            (fh, rd), header = _reader(path)
            blank = [i for i, h in enumerate(header, 1) if not h]  # column numbers with no header
            with fh:
                batch = []
                for n, cells in enumerate(rd, 2):
                    if not any(c.strip() for c in cells):
                        continue
                    d = dict(zip(header, cells))
                    d.pop("", None)
                    if len(cells) > len(header):
                        d["__extra_cells__"] = str(len(cells) - len(header))
                    unnamed = [str(i) for i in blank if i <= len(cells) and cells[i - 1].strip()]
                    if unnamed:
                        d["__unnamed_cells__"] = ", ".join(unnamed)
                    batch.append(((d.get("client_id") or "").strip(), n, json.dumps(d)))
                    if len(batch) >= 5000:
                        db.executemany(f"INSERT INTO {table} VALUES (?,?,?)", batch)
                        batch = []
                db.executemany(f"INSERT INTO {table} VALUES (?,?,?)", batch)
        db.execute("CREATE INDEX forms_cid ON forms(client_id, row)")
        db.execute("CREATE INDEX clients_cid ON clients(client_id)")
        db.commit()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def count(self) -> int:
        db = self._load()
        clients = db.execute("SELECT count(*) FROM clients").fetchone()[0]
        no_id = db.execute("SELECT count(*) FROM forms WHERE client_id = ''").fetchone()[0]
        orphans = db.execute("SELECT count(DISTINCT client_id) FROM forms WHERE client_id != '' AND "
                             "client_id NOT IN (SELECT client_id FROM clients)").fetchone()[0]
        return clients + no_id + orphans

    def records(self) -> Iterator[Record]:
        db = self._load()
        ff, cf = str(self.forms), str(self.clients)
        # a client id on two rows: whose 1099-Rs are whose cannot be told, so none of those rows is figured
        repeated = {cid: rows for cid, rows in db.execute(
            "SELECT client_id, group_concat(row, ', ') FROM clients WHERE client_id != '' GROUP BY client_id "
            "HAVING count(*) > 1")}
        orphans = db.execute("SELECT client_id, min(row), count(*) FROM forms WHERE client_id != '' AND client_id "
                             "NOT IN (SELECT client_id FROM clients) GROUP BY client_id ORDER BY min(row)").fetchall()
        # an id typed two ways (case, leading zeros): the client would be figured with no 1099-R and pass as done
        loose_orphans = {_loose(cid): (cid, row, n) for cid, row, n in orphans}
        loose_clients = {_loose(cid): (cid, row) for cid, row in db.execute(
            "SELECT client_id, min(row) FROM clients WHERE client_id != '' GROUP BY client_id")} if orphans else {}
        cur = db.cursor()
        for cid, row, cells in cur.execute("SELECT client_id, row, cells FROM clients ORDER BY row"):
            cells = json.loads(cells)
            forms = [] if cid in repeated else db.execute(
                "SELECT row, cells FROM forms WHERE client_id = ? ORDER BY row", (cid,)).fetchall()
            near = loose_orphans.get(_loose(cid)) if cid and not forms else None
            if near is not None and cid not in repeated:
                other, orow, n = near
                rec = Record(_record_id(cid, "clients", row), cf, row=row)
                rec.problems = [{"file": cf, "row": row, "column": "client_id", "field": "client_id",
                                 "reason": f"no 1099-R row has client_id {scrub(cid)!r}, but {n} row(s) from row {orow} "
                                           f"of {ff} have {scrub(other)!r}: make the ids match exactly (case and "
                                           "leading zeros count)"}]
                rec.digest = digest([cid, cells, other, n])
                yield rec
                continue
            if cid in repeated:
                rec = Record(_record_id(cid, "clients", row), cf, row=row)
                rec.problems = [{"file": cf, "row": row, "column": "client_id", "field": "client_id",
                                 "reason": f"client_id {scrub(cid)!r} is on rows {repeated[cid]} of {cf}: its 1099-R "
                                           "rows cannot be told apart; give each client its own id"}]
                rec.digest = digest([cid, cells])
                yield rec
                continue
            yield self._client_record(cid, row, cells, [(r, json.loads(c)) for r, c in forms], ff, cf)
        for row, cells in db.execute("SELECT row, cells FROM forms WHERE client_id = '' ORDER BY row").fetchall():
            rec = Record(f"forms-row-{row}", ff, row=row)
            rec.problems = [{"file": ff, "row": row, "column": "client_id", "field": "client_id",
                             "reason": "client_id is empty: this 1099-R belongs to no client"}]
            rec.digest = digest(json.loads(cells))
            yield rec
        for cid, row, n in orphans:
            rec = Record(_record_id(cid, "forms", row), ff, row=row)
            near_client = loose_clients.get(_loose(cid))
            if near_client is None:  # a typing slip (C-30O for C-300): the closest id, as a hint only
                close = difflib.get_close_matches(cid, [c for c, _ in loose_clients.values()], n=1, cutoff=0.8)
                near_client = next((v for v in loose_clients.values() if close and v[0] == close[0]), None)
            hint = (f"; row {near_client[1]} of {cf} has {scrub(near_client[0])!r}: make the ids match exactly (case "
                    "and leading zeros count)") if near_client else ""
            rec.problems = [{"file": ff, "row": row, "column": "client_id", "field": "client_id",
                             "reason": f"client_id {scrub(cid)!r} has {n} 1099-R row(s) but no row in {cf}{hint}"}]
            rec.digest = digest([cid, n])
            yield rec

    def _client_record(self, cid: str, row: int, cells: dict, forms: list[tuple[int, dict]],
                       ff: str, cf: str) -> Record:
        rec = Record(_record_id(cid, "clients", row), cf, row=row)
        data: dict[str, Any] = {}
        rec.locs[""] = (cf, row, None)
        for who in ("taxpayer", "spouse"):
            rec.locs[who] = (cf, row, None)
        problems: list[dict] = []
        if not cid:
            problems.append({"file": cf, "row": row, "column": "client_id", "field": "client_id",
                             "reason": "client_id is empty"})
        elif _digits(cid) in {_digits(cells.get(f"{w}_ssn")) for w in ("taxpayer", "spouse")} - {""}:
            # the id names the output files and fills summary.csv: the SSN would be printed there in full
            problems.append({"file": cf, "row": row, "column": "client_id", "field": "client_id",
                             "reason": "client_id is the client's SSN; use another id (it names the output files)"})
        self._fill(data, "", cells, CLIENT_COLUMNS, cf, row, rec.locs, problems)
        sp = data.get("spouse")
        if isinstance(sp, dict) and not any(v not in (None, "", [], {}) for v in _leaves(sp)):
            data.pop("spouse")
        fl: list[dict] = []
        for i, (frow, fcells) in enumerate(forms):
            base = f"forms_1099r[{i}]"
            rec.locs[base] = (ff, frow, None)
            fdata: dict[str, Any] = {}
            self._fill(fdata, base, fcells, FORM_COLUMNS, ff, frow, rec.locs, problems)
            fl.append(fdata)
        extra = data.get("forms_1099r")  # forms given in the client's extra_json come after the forms.csv rows
        data["forms_1099r"] = fl + (extra if isinstance(extra, list) else [])
        rec.data = data
        rec.problems = problems
        rec.digest = digest([cells, [c for _, c in forms]])
        return rec

    @staticmethod
    def _fill(out: dict, base: str, cells: dict, columns: dict, file: str, row: int,
              locs: dict, problems: list[dict]) -> None:
        if "__extra_cells__" in cells:
            problems.append({"file": file, "row": row, "field": base, "reason":
                             f"{cells['__extra_cells__']} more cell(s) than header columns (a stray delimiter?)"})
        if "__unnamed_cells__" in cells:
            n = cells["__unnamed_cells__"]
            problems.append({"file": file, "row": row, "column": n, "field": base, "reason":
                             f"a value in column {n}, which has no header: name the column or clear it"})
        extra = None
        for col, value in cells.items():
            if col not in columns:
                continue
            path, typ = columns[col]
            if path is None:
                continue
            full = f"{base}.{path}" if base and path else (base or path)
            if path:
                locs[full] = (file, row, col)
            if value is None or not value.strip():
                continue
            try:
                v = convert(value, typ)
            except CellError as e:
                problems.append({"file": file, "row": row, "column": col, "field": full or col,
                                 "reason": scrub(str(e)) if typ != "ssn" else "not a valid SSN"})
                continue
            if typ == "json":
                extra = v
            else:
                set_path(out, path, v)
        if extra:
            deep_merge(out, extra)


def _leaves(d: Any) -> Iterator[Any]:
    if isinstance(d, dict):
        for v in d.values():
            yield from _leaves(v)
    elif isinstance(d, list):
        if not d:
            yield d
        for v in d:
            yield from _leaves(v)
    else:
        yield d
