"""Parse scenario files (YAML or JSON) into Scenario models, or clear InputErrors."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from taxdocs.core import yamlfile
from taxdocs.errors import InputError, Problem
from taxdocs.model.scenario import Scenario
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


def _message(err: dict) -> str:
    msg = err["msg"].removeprefix("Value error, ")  # a validator's own words
    if err["type"] == "extra_forbidden":
        return "unknown field (check the spelling against `taxdocs schema`)"
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


def _last4(m: re.Match) -> str:
    digits = "".join(ch for ch in m.group(0) if ch.isdigit())
    return "*" * (len(digits) - 4) + digits[-4:] if len(digits) >= 7 else m.group(0)


def from_data(data: Any, file: str = "<input>") -> Scenario:
    if not isinstance(data, dict):
        raise InputError([Problem(file, "", "a scenario must be a mapping (YAML/JSON object)")])
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as e:
        probs = []
        for err in e.errors():
            path, record = _path(err["loc"], data)
            probs.append(Problem(file, path, _message(err), record=record))
        raise InputError(probs) from None
    probs = semantic_problems(sc, file)
    if probs:
        raise InputError(probs)
    return sc


def read_data(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yamlfile.load_input(text)
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else (f"line {e.lineno}" if hasattr(e, "lineno") else "")
        raise InputError([Problem(str(path), where, f"not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {getattr(e, 'problem', None) or e}")]) from None


def load(path: str | Path) -> Scenario:
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(str(p), "", "file not found")])
    return from_data(read_data(p), str(p))
