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
directories are streamed; the CSV pair (taxdocs.batch.csvpair) is joined through a temporary SQLite file.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

import orjson

from taxdocs.core.nesting import MAX_NESTING
from taxdocs.core.nesting import too_deep as nested
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
    from taxdocs.batch.csvpair import CsvPair  # here: it reads this module's Record and Input
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


def deep_merge(base: dict, extra: dict) -> dict:
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            deep_merge(base[k], v)
        else:
            base[k] = v
    return base


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

