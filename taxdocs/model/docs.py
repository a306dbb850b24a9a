"""Write docs/input.md from the models, so the documentation cannot drift from the code."""
from __future__ import annotations

import typing
from enum import Enum

from pydantic import BaseModel

from taxdocs.model.scenario import Scenario


def _type(ann) -> tuple[str, list[type]]:
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [_type(a) for a in args if a is not type(None)]
        return " or ".join(p[0] for p in parts), [m for p in parts for m in p[1]]
    if origin in (list, tuple):
        inner, models = _type(args[0])
        return f"list of {inner}", models
    if origin is dict:
        return "mapping", []
    if origin is typing.Literal:
        return " / ".join(repr(a) for a in args), []
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return f"[{ann.__name__}](#{ann.__name__.lower()})", [ann]
    if isinstance(ann, type) and issubclass(ann, Enum):
        return " / ".join(f"`{m.value}`" for m in ann), []
    name = getattr(ann, "__name__", str(ann))
    return {"Decimal": "amount", "date": "date (YYYY-MM-DD)", "str": "text", "int": "whole number",
            "bool": "true/false"}.get(name, name), []


def models() -> list[type]:
    """The scenario's models, Scenario first, each once, in the order the reference lists them."""
    seen: list[type] = []
    todo = [Scenario]
    while todo:
        m = todo.pop(0)
        if m in seen:
            continue
        seen.append(m)
        for f in m.model_fields.values():
            todo += [x for x in _type(f.annotation)[1] if x not in seen]
    return seen


def render() -> str:
    out = ["# Scenario file reference", "",
           "One YAML or JSON file per taxpayer-year. Generated from `taxdocs/model/scenario.py` "
           "by `python -m taxdocs.model.docs`; `taxdocs schema` prints the same as JSON Schema.", "",
           "Amounts are dollars (whole or with cents, never negative, except the two income figures that say so). Dates are "
           "YYYY-MM-DD. Written as on paper they are read too: amounts with `$` and commas between thousands (`$12,345.67`; "
           "a spreadsheet's `(5,750)` where a negative is allowed), dates month first (`6/1/2025`, `06-01-25`; a birth or "
           "death date needs the full year) or in words (`June 1, 2025`). Box 7 may be written as printed (`G4`, `7`), the "
           "payer by name alone, and the filing status in words (`Married filing jointly`).", "",
           "YAML is read as YAML 1.2 reads numbers: `0500` is 500 (not octal), `1:40` is refused (not base 60), an "
           "account number with a leading zero keeps it, and a key given twice is refused. A file nested deeper than "
           "32 levels is refused unread.", ""]
    for m in models():
        out += [f"## {m.__name__}", "", (m.__doc__ or "").strip().split("\n\n")[0], "",
                "| field | type | default | meaning |", "|---|---|---|---|"]
        for name, f in m.model_fields.items():
            t, _ = _type(f.annotation)
            default = "required" if f.is_required() else ("" if f.default is None else f"`{f.default!r}`"
                                                          if not callable(f.default_factory) else "")
            default = default.replace("Decimal('0')", "0")
            out.append(f"| `{name}` | {t} | {default} | {f.description or ''} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    from pathlib import Path
    Path(__file__).parents[2].joinpath("docs", "input.md").write_text(render(), encoding="utf-8")
