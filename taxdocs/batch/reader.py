"""Batch inputs -> a stream of records (one record = one return).

Accepted inputs (docs/batch.md):
  * a directory of scenario files (*.yaml, *.yml, *.json), plus filled Form 1099-R
    Copy B PDFs (*.pdf, one client each, facts from an optional <name>.facts.yaml);
  * a JSON Lines file (*.jsonl, *.ndjson): one scenario per line;
  * a pair of CSV files, one row per 1099-R (forms) and one row per client (clients),
    joined on client_id; given as two paths, or a directory holding just the two;
  * one filled Form 1099-R Copy B PDF (one client).

Reading never raises for a bad record: the record carries its problems and the
runner puts it in errors.jsonl. A bad *file* (unknown CSV columns, missing file)
raises TaxdocsError before anything is processed. Memory stays flat: JSON Lines and
directories are streamed; the CSV pair is joined through a temporary SQLite file.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import json
import os
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

import orjson

from taxdocs.core.nesting import MAX_NESTING
from taxdocs.core.nesting import too_deep as nested
from taxdocs.core.written import WrittenError, amount, date_text
from taxdocs.core.written import codes as written_codes
from taxdocs.errors import TaxdocsError

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FACTS_SUFFIX = ".facts.yaml"
_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_SSN = re.compile(r"(?<!\d)(\d{3})[- ]?(\d{2})[- ]?(\d{4})(?!\d)")
# Lists and objects in a record nest at most this deep (a scenario needs about 6). Deeper ones would overflow
# the recursive parsers, the content hash, pickling and errors.jsonl, so the record is refused before those.
MAX_DEPTH = MAX_NESTING
TOO_DEEP = f"nested too deeply (lists and objects more than {MAX_DEPTH} levels deep)"
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def scrub(text: str) -> str:
    """Mask anything shaped like an SSN (9 digits, dashes optional): ***-**-1234."""
    return _SSN.sub(lambda m: "***-**-" + m.group(3), text)


def safe_id(raw: Any) -> str:
    """A record id usable as a file name. Ids that need changing get a short hash
    suffix so that two different ids never map to the same name."""
    s = str(raw).strip()
    clean = _SAFE.sub("_", s).lstrip("._-").rstrip("._") or "record"  # no hidden or option-like names
    if clean != s or len(clean) > 120:
        clean = clean[:100] + "-" + hashlib.sha1(s.encode()).hexdigest()[:8]
    return clean


def holds_ssn(text: str) -> bool:
    """Nine digits in a row (dashes or spaces allowed between): may be an SSN, so it names no file and no row."""
    return bool(_SSN.search(text))


def _record_id(cid: str, table: str, row: int) -> str:
    """A CSV record's id: its client id, or its row when the id is blank or holds an SSN-shaped number (the id names
    files and fills summary.csv, where an SSN would be printed in full)."""
    return safe_id(cid) if cid and not holds_ssn(cid) else f"{table}-row-{row}"


def _digits(s: Any) -> str:
    return re.sub(r"\D", "", str(s or ""))


def digest(data: Any) -> str:
    """Content hash of a record's data: canonical JSON (sorted keys), so key order does not count."""
    try:
        blob = orjson.dumps(data, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except TypeError:  # an integer beyond 64 bits: the json module writes it (the record's checks refuse it)
        blob = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


def too_deep(text: bytes | str) -> bool:
    """JSON text nested deeper than MAX_DEPTH, told without parsing it (brackets in strings do not count)."""
    raw = text.encode("utf-8", "replace") if isinstance(text, str) else text
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return False
    depth = 0
    for c in _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS):
        depth += 1 if c in b"[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def nested_too_deeply(data: Any) -> bool:
    """Parsed data nested deeper than MAX_DEPTH."""
    return nested(data, MAX_DEPTH)


_NINES = bytes.maketrans(b"0123456789", b"9" * 10)  # every digit -> 9: a run of 19 nines is 19 digits


def _loads(raw: bytes) -> Any:
    """orjson when it can (several times faster); the json module for what orjson refuses or reads
    differently (integers beyond 64 bits, which orjson would make floats; NaN; UTF-16) and for its
    error messages (line and column)."""
    if b"9999999999999999999" not in raw.translate(_NINES):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)


@dataclass
class Record:
    """One return to process. `data` is scenario data (None when unreadable);
    `problems` are read-time problems (dicts, already located)."""
    id: str
    file: str
    line: Optional[int] = None      # JSON Lines: line number
    row: Optional[int] = None       # CSV: clients.csv row (header = row 1)
    data: Optional[dict] = None
    problems: list[dict] = field(default_factory=list)
    locs: dict[str, tuple] = field(default_factory=dict)  # scenario path -> (file, row, column)
    digest: str = ""
    raw: Optional[bytes] = None     # JSON Lines: the line, from which `data` can be read again

    def shed(self) -> None:
        """Drop `data` when it can be read again from `raw` (before the record goes to a worker: the
        line's bytes pickle and unpickle several times faster than the parsed dict)."""
        if self.raw is not None and self.data is not None and not self.problems:
            self.data = None

    def load(self) -> Optional[dict]:
        """`data`, read again from `raw` when it was shed."""
        if self.data is None and self.raw is not None and not self.problems:
            self.data = _loads(self.raw)
        return self.data

    @property
    def source(self) -> str:
        if self.row is not None:
            return f"{self.file} row {self.row}"
        if self.line is not None:
            return f"{self.file} line {self.line}"
        return self.file

    def where(self) -> dict:
        """file + line/row of the record itself."""
        out: dict[str, Any] = {"file": self.file}
        if self.line is not None:
            out["line"] = self.line
        if self.row is not None:
            out["row"] = self.row
        return out

    def locate(self, path: str) -> dict:
        """Where a scenario field path (forms_1099r[1].box2a) is in the input."""
        p = path or ""
        while True:
            if p in self.locs:
                f, row, col = self.locs[p]
                out: dict[str, Any] = {"file": f}
                if row is not None:
                    out["row"] = row
                if col:
                    out["column"] = col
                return out
            if not p:
                return self.where()
            p = re.sub(r"(\.[^.\[\]]+|\[\d+\]|^[^.\[\]]+)$", "", p)


# --- opening ------------------------------------------------------------------

class Input:
    kind = "?"

    def count(self) -> int:
        raise NotImplementedError

    def records(self) -> Iterator[Record]:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def skipped(self) -> list[str]:
        """Files given that are not read as records (a directory's other files), for a note."""
        return []

    def close(self) -> None:
        pass


def open_input(paths: list[str | Path] | str | Path) -> Input:
    """Decide what the input is. Raises TaxdocsError for an input that cannot be read at all."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    ps = [Path(p) for p in paths]
    for p in ps:
        if not p.exists():
            raise TaxdocsError(f"{p}: not found")
    if len(ps) == 2:
        if not all(p.suffix.lower() == ".csv" for p in ps):
            raise TaxdocsError("two inputs must be the CSV pair (forms CSV and clients CSV)")
        return CsvPair(*ps)
    if len(ps) != 1:
        raise TaxdocsError("give one input (directory, .jsonl file, PDF) or the two CSV files")
    p = ps[0]
    if p.is_dir():
        csvs = sorted(x for x in p.iterdir() if x.suffix.lower() == ".csv")
        scen = [x for x in p.iterdir() if x.suffix.lower() in SCENARIO_SUFFIXES + (".pdf",)]
        if len(csvs) == 2 and not scen:
            return CsvPair(*csvs)
        return Directory(p)
    suf = p.suffix.lower()
    if suf in JSONL_SUFFIXES:
        return JsonLines(p)
    if suf == ".pdf":
        return PdfInput([p], p.parent)
    if suf == ".csv":
        raise TaxdocsError(f"{p}: a CSV input is a pair: give the forms CSV and the clients CSV "
                           "(taxdocs batch forms.csv clients.csv -o OUTDIR)")
    if suf in SCENARIO_SUFFIXES:
        return Directory(p.parent, only=[p])
    raise TaxdocsError(f"{p}: not a directory, .jsonl, .csv pair or .pdf")


# --- directory of scenario files --------------------------------------------------

class Directory(Input):
    kind = "directory"

    def __init__(self, root: Path, only: list[Path] | None = None):
        self.root = root
        self.only = only

    def _walk(self) -> Iterator[tuple[Path, str]]:
        """(file, what it is): "record", "facts" (read with its scenario), "other" (not read) or "hidden" (.DS_Store
        and the like). Hidden directories (.git...) are not entered."""
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                low = name.lower()
                if low.endswith(FACTS_SUFFIX):
                    what = "facts"
                elif not name.startswith("."):
                    what = "record" if low.endswith(SCENARIO_SUFFIXES + (".pdf",)) else "other"
                else:  # a hidden file is worth a mention only when it looks like an input
                    what = "other" if low.endswith(SCENARIO_SUFFIXES + (".pdf", ".csv", ".jsonl")) else "hidden"
                yield Path(dirpath) / name, what

    def _files(self) -> Iterator[Path]:
        if self.only is not None:
            yield from self.only
            return
        yield from (p for p, what in self._walk() if what == "record")

    def count(self) -> int:
        return sum(1 for _ in self._files())

    def skipped(self) -> list[str]:
        if self.only is not None:
            return []
        return [p.relative_to(self.root).as_posix() for p, what in self._walk() if what == "other"]

    def describe(self) -> str:
        return f"directory {self.root}"

    def records(self) -> Iterator[Record]:
        from taxdocs.errors import InputError
        from taxdocs.model.load import read_data
        for n, p in enumerate(self._files(), 1):
            rel = p.relative_to(self.root) if self.only is None else Path(p.name)
            name = rel.with_suffix("").as_posix().replace("/", "--")
            # a file named by an SSN: never that name in output names (masked, with its place to keep it apart)
            rid = safe_id(name) if not holds_ssn(name) else safe_id(scrub(name).replace("*", "x")) + f"-{n}"
            if p.suffix.lower() == ".pdf":
                yield pdf_record(p, rid)
                continue
            rec = Record(rid, scrub(str(p)))
            try:
                rec.data = _read_scenario(p, read_data)
                rec.digest = digest(rec.data)
            except InputError as e:
                rec.problems = [_file_problem(scrub(str(p)), pr) for pr in e.problems]
                rec.digest = _raw_digest(p)
            except (OSError, UnicodeDecodeError) as e:
                rec.problems = [{"file": scrub(str(p)), "field": "", "reason": scrub(f"cannot read the file: {e}")}]
                rec.digest = _raw_digest(p)
            yield rec


def _read_scenario(p: Path, read_data: Any) -> Any:
    """read_data, refusing a file nested too deeply: before the recursive parsers (JSON), when they overflow
    (YAML), or after them (what they read is hashed and pickled, recursively too)."""
    from taxdocs.errors import InputError, Problem
    data = None
    deep = p.suffix.lower() == ".json" and too_deep(p.read_bytes())
    if not deep:
        try:
            data = read_data(p)
        except RecursionError:
            deep = True
        else:
            deep = nested_too_deeply(data)
    if deep:
        raise InputError([Problem(str(p), "", TOO_DEEP)])
    return data


def _file_problem(file: str, pr) -> dict:
    """A scenario file's problem for errors.jsonl: a syntax error's "line N" is the line, not a field."""
    m = re.fullmatch(r"line (\d+)", pr.path or "")
    if m:
        return {"file": file, "line": int(m.group(1)), "field": "", "reason": scrub(pr.message)}
    return {"file": file, "field": pr.path, "reason": scrub(pr.message)}


def _raw_digest(p: Path) -> str:
    try:
        return hashlib.sha256(p.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


# --- JSON Lines ---------------------------------------------------------------------

class JsonLines(Input):
    kind = "jsonl"

    def __init__(self, path: Path):
        self.path = path
        self.encoding = _jsonl_encoding(path)

    def describe(self) -> str:
        return f"JSON Lines {self.path}"

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, UTF-8 bytes). A UTF-16/32 file (its BOM says so) is read as text: split as
        bytes, its newlines would cut characters in half."""
        if self.encoding is None:
            with open(self.path, "rb") as fh:
                yield from enumerate(fh, 1)
            return
        enc = self.encoding
        try:
            with open(self.path, encoding=enc, newline="\n") as th:
                for no, line in enumerate(th, 1):
                    yield no, line.encode("utf-8")
        except UnicodeDecodeError as e:
            raise TaxdocsError(f"{self.path}: starts with a {enc.upper()} byte order mark but is not valid "
                               f"{enc.upper()} text ({e.reason}); save it as UTF-8") from None

    def count(self) -> int:
        return sum(1 for _, raw in self._lines() if raw.strip())

    def records(self) -> Iterator[Record]:
        f = str(self.path)
        for no, raw in self._lines():
            if not raw.strip():
                continue
            rec = Record(f"line-{no}", f, line=no)
            bad = TOO_DEEP if too_deep(raw) else None
            if bad is None:
                try:
                    data = _loads(raw)
                except (ValueError, UnicodeDecodeError) as e:
                    msg = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
                    col = f" at column {e.colno}" if isinstance(e, json.JSONDecodeError) else ""
                    bad = f"not valid JSON: {msg}{col}"
            if bad is not None:
                rec.problems = [{"file": f, "line": no, "field": "", "reason": bad}]
                rec.digest = hashlib.sha256(raw.strip()).hexdigest()
                yield rec
                continue
            cid = data.get("client_id") if isinstance(data, dict) else None
            if isinstance(cid, (str, int)) and str(cid).strip() and not holds_ssn(str(cid)):
                rec.id = safe_id(cid)  # an id holding an SSN names nothing: the record keeps its line
            rec.data = data
            rec.raw = raw
            rec.digest = digest(data)
            yield rec


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _jsonl_encoding(path: Path) -> Optional[str]:
    """None for UTF-8 (read as bytes: a BOM is allowed); "utf-16"/"utf-32" when the file starts with that BOM."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError as e:
        raise TaxdocsError(f"{path}: cannot read it ({e.strerror})") from None
    return next((enc for bom, enc in _BOMS if head.startswith(bom)), None)


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


def deep_merge(base: dict, extra: dict) -> dict:
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            deep_merge(base[k], v)
        else:
            base[k] = v
    return base


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


# --- Form 1099-R Copy B PDF ---------------------------------------------------------------

class PdfInput(Input):
    kind = "pdf"

    def __init__(self, pdfs: list[Path], root: Path):
        self.pdfs, self.root = pdfs, root

    def describe(self) -> str:
        return f"Form 1099-R PDF {', '.join(map(str, self.pdfs))}"

    def count(self) -> int:
        return len(self.pdfs)

    def records(self) -> Iterator[Record]:
        for p in self.pdfs:
            yield pdf_record(p, safe_id(p.stem))


def facts_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + FACTS_SUFFIX)


def pdf_record(pdf: Path, rid: str) -> Record:
    """A 1099-R Copy B PDF (+ optional <stem>.facts.yaml) as one record."""
    from taxdocs.batch.pdf1099r import scenario_from_pdf
    rec = Record(rid, scrub(str(pdf)))
    data, problems, raw = scenario_from_pdf(pdf)
    rec.data = data
    rec.problems = problems
    rec.digest = digest(raw)
    fp = facts_path(pdf)
    rec.locs[""] = (scrub(str(fp) if fp.exists() else str(pdf)), None, None)
    rec.locs["forms_1099r[0]"] = (scrub(str(pdf)), None, None)
    return rec

