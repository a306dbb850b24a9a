"""Parse scenario files (YAML or JSON) into Scenario models, or clear InputErrors."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

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
            msg += f" (got {val!r})"
    return msg


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
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else (f"line {e.lineno}" if hasattr(e, "lineno") else "")
        raise InputError([Problem(str(path), where, f"not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {getattr(e, 'problem', None) or e}")]) from None


def load(path: str | Path) -> Scenario:
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(str(p), "", "file not found")])
    return from_data(read_data(p), str(p))
