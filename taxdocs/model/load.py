"""Parse scenario files (YAML or JSON) into Scenario models, or clear InputErrors."""
from __future__ import annotations

import copy
import difflib
import functools
import json
import re
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import ValidationError

from taxdocs.core import written, yamlfile
from taxdocs.core.nesting import MAX_NESTING, too_deep
from taxdocs.errors import InputError, Problem
from taxdocs.model.scenario import _STATUS_WORDS, Scenario
from taxdocs.model.validate import semantic_problems


def _path(loc: tuple, data: Any) -> tuple[str, str]:
    """Turn a pydantic location into `forms_1099r[0].box2a`, plus the record id if any."""
    parts, record, node = [], "", data
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
            if isinstance(node, list) and item < len(node):
                node = node[item]
                if isinstance(node, dict) and "id" in node and not record:
                    record = str(node["id"])
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts), record


@functools.lru_cache(maxsize=1)
def _field_names() -> tuple[str, ...]:
    """Every field name of the scenario's models (for "did you mean")."""
    from taxdocs.model.docs import models
    return tuple(sorted({name for m in models() for name in m.model_fields}))


def _message(err: dict) -> str:
    msg = err["msg"].removeprefix("Value error, ")  # a validator's own words
    if err["type"] == "extra_forbidden":
        near = difflib.get_close_matches(str(err["loc"][-1]), _field_names(), n=1, cutoff=0.75) if err["loc"] else []
        return "unknown field" + (f" (did you mean {near[0]!r}?)" if near else
                                  " (check the spelling against `taxdocs schema` or docs/input.md)")
    if err["type"] == "missing":
        return "required field is missing"
    if "input" in err and err["type"] not in ("model_type",):
        val = err["input"]
        if not isinstance(val, (dict, list)):
            if err["loc"] and err["loc"][-1] in ("ssn", "tin"):  # never echo a full SSN or TIN, even a mistyped one
                digits = "".join(ch for ch in str(val) if ch.isdigit())
                msg += f" (got {len(digits)} digits, ending {digits[-4:]})" if digits else f" (got {val!r})"
            else:
                msg += f" (got {_LONG_NUMBER.sub(_last4, repr(val))})"
    return msg


_LONG_NUMBER = re.compile(r"\d[\d -]{5,}\d")  # 7 or more digits, maybe with dashes or spaces: may be an SSN


_DATE_SHAPED = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/-]\d{1,2}[/-]\d{4}")  # shown as typed: never an SSN


def _last4(m: re.Match) -> str:
    if _DATE_SHAPED.fullmatch(m.group(0).strip()):
        return m.group(0)
    digits = "".join(ch for ch in m.group(0) if ch.isdigit())
    return "*" * (len(digits) - 4) + digits[-4:] if len(digits) >= 7 else m.group(0)


def from_data(data: Any, file: str = "<input>") -> Scenario:
    if not isinstance(data, dict):
        raise InputError([Problem(file, "", "a scenario must be a mapping (YAML/JSON object)")])
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as e:
        errors = e.errors()
        # amounts and dates as people write them ("$12,345", "6/1/2025"): read, then validated again. Only on this
        # path, so a scenario written the model's way pays nothing for it
        data, written = _rewritten(data, errors)
        if written is not None:
            try:
                sc = Scenario.model_validate(data)
                errors = []
            except ValidationError as e2:
                errors = e2.errors()
            errors = [err for err in errors if tuple(err["loc"]) not in written] + list(written.values())
        if errors:
            probs = []
            for err in errors:
                path, record = _path(err["loc"], data)
                probs.append(Problem(file, path, _message(err), record=record))
            raise InputError(probs) from None
    probs = semantic_problems(sc, file)
    if probs:
        raise InputError(probs)
    return sc


_AMOUNT_ERRORS = {"decimal_parsing", "decimal_type"}
_SIGNED = {"other_taxable_income", "other_agi"}  # the model's SignedMoney fields: "(5,750)" is -5,750
_DATE_ERRORS = {"date_from_datetime_parsing", "date_parsing", "date_type", "datetime_from_date_parsing"}


def _rewritten(data: dict, errors: list) -> tuple[dict, Optional[dict]]:
    """A copy of `data` with each amount or date the model refused as written rewritten its own way
    (taxdocs.core.written), and {location: error} for those that are wrong as written (a decimal comma, say).
    (data, None): nothing to rewrite."""
    todo = [err for err in errors if _kind(err) is not None]
    if not todo:
        return data, None
    out, wrong, changed = copy.deepcopy(data), {}, False
    for err in todo:
        loc, text, kind = tuple(err["loc"]), err["input"], _kind(err)
        try:
            if kind == "amount":
                new = written.amount(text, signed=loc[-1] in _SIGNED)
            elif kind == "date":
                new = written.date_text(text, full_year=loc[-1] in ("birth_date", "date_of_death"))
            elif kind == "codes":  # box 7 as printed: each code is one character ("G4", "4, G", 7)
                new = written.codes(text)
            elif kind == "ssn":  # unquoted in YAML: read as a number
                digits = str(text)
                if len(digits) != 9:
                    raise written.WrittenError("write the SSN in quotes, as text: unquoted, it was read as a "
                                               "number and its leading zeros were lost")
                new = f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
            elif kind == "payer":  # the payer by name alone
                new = {"name": text}
            else:  # the filing status in words
                key = " ".join(text.replace("_", " ").replace("-", " ").lower().split())
                new = _STATUS_WORDS.get(key, key)
        except written.WrittenError as w:
            # its own words, which quote the value (masked if it may be an SSN); not quoted twice
            wrong[loc] = {k: v for k, v in err.items() if k != "input"} | {"msg": _LONG_NUMBER.sub(_last4, str(w)),
                                                                           "type": "value_error"}
            continue
        if new != text and _put(out, loc, new):
            changed = True
    return (out, wrong) if changed or wrong else (data, None)


def _kind(err: dict) -> Optional[str]:
    """Which way of writing a refused value can be read: amount, date, codes, payer, status (None: none)."""
    v, t, last = err.get("input"), err["type"], err["loc"][-1] if err["loc"] else None
    if last == "box7" and t == "list_type" and (isinstance(v, str) or isinstance(v, int) and not isinstance(v, bool)):
        return "codes"
    if last == "ssn" and t == "string_type" and isinstance(v, int) and not isinstance(v, bool) and v >= 0:
        return "ssn"
    if not isinstance(v, str):
        return None
    if t in _AMOUNT_ERRORS:
        return "amount"
    if t in _DATE_ERRORS:
        return "date"
    if last == "payer" and t == "model_type":
        return "payer"
    if last == "filing_status" and t == "enum":
        return "status"
    return None


def _put(node: Any, loc: tuple, value: Any) -> bool:
    for item in loc[:-1]:
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            return False
    try:
        node[loc[-1]] = value
        return True
    except (KeyError, IndexError, TypeError):
        return False


def read_data(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        hint = ("a PDF: `taxdocs import-1099r` reads a filled 1099-R Copy B into a scenario, `taxdocs batch` takes "
                "it as one" if path.suffix.lower() == ".pdf" or _is_pdf(path) else "save it as UTF-8 text")
        raise InputError([Problem(str(path), "", f"not a YAML or JSON scenario (not UTF-8 text): {hint}")]) from None
    deep = False
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yamlfile.load_input(text)
    except RecursionError:
        data, deep = None, True
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else (f"line {e.lineno}" if hasattr(e, "lineno") else "")
        raise InputError([Problem(str(path), where, f"not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {getattr(e, 'problem', None) or e}")]) from None
    if deep or too_deep(data):
        raise InputError([Problem(str(path), "", f"nested more than {MAX_NESTING} levels deep: not a scenario "
                                  "(the deepest part of one is 5 levels)")])
    return data



def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False


def load(path: str | Path) -> Scenario:
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(str(p), "", "file not found")])
    if p.is_dir():
        raise InputError([Problem(str(p), "", "a folder, not a scenario file: give one .yaml or .json file, or use "
                                  "`taxdocs render` or `taxdocs batch` for a folder of them")])
    if p.suffix.lower() == ".pdf" or _is_pdf(p):
        raise InputError([Problem(str(p), "", "a PDF, not a scenario file: `taxdocs import-1099r` reads a filled "
                                  "1099-R Copy B into a scenario; `taxdocs batch` takes it as one")])
    return from_data(read_data(p), str(p))
