"""Input problems as findings: what `taxdocs check` reports (exit 2) when a scenario cannot be used.

The problems come from taxdocs.model (load / validate). Box arithmetic problems are re-derived
from the scenario so their findings carry the figures (BOX_*); the rest keep the loader's message.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from taxdocs.checks.catalogue import make
from taxdocs.checks.finding import Finding
from taxdocs.errors import Problem

_BOX_MSG = re.compile(r"larger than box 1")


def classify(p: Problem) -> str:
    """The INPUT_* (or BOX_*) code of one loader problem."""
    path, msg = p.path or "", p.message.lower()
    last = path.rsplit(".", 1)[-1]
    if path.startswith("line ") or (not path and any(w in msg for w in ("file not found", "not valid", "mapping", "a folder, not", "a pdf, not",
                                                                     "not utf-8"))):
        return "INPUT_FILE"
    if not path:
        return "INPUT_INVALID"
    if _BOX_MSG.search(p.message):
        box = re.sub(r"\[\d+\]$", "", last)
        if box in ("box2a", "box3", "box4", "box5"):
            return f"BOX_{box[3:].upper()}_EXCEEDS_BOX1"
    if re.search(r"\.box7\[\d+\]$", path) and "unknown distribution code" in msg:
        return "INPUT_UNKNOWN_CODE"
    if last in ("date_paid", "box13") and ("date" in msg):
        return "INPUT_DATE_PAID"
    if re.search(r"\.uses$", path) and "add up" in msg:
        return "INPUT_USES_EXCEED_BOX1"
    if re.search(r"\.uses\[\d+\]\.to$", path) and "needs" in msg:
        return "INPUT_USE_DESTINATION"
    if re.search(r"\.uses\[\d+\]\.date$", path):
        return "INPUT_USE_DATE"
    if re.search(r"\.uses\[\d+\]\.pretax$", path) and "exceeds" in msg:
        return "INPUT_USE_PRETAX"
    if re.search(r"^(taxpayer|spouse)\.birth_date$", path):
        return "INPUT_BIRTH_DATE"
    schema = msg.startswith(("input should", "value error", "required field", "unknown field"))
    if re.search(r"^(taxpayer|spouse)\.((ira|roth)\.|public_safety_service_years$)", path) and not schema:
        return "INPUT_PERSON_FACTS"
    return "INPUT_INVALID"


def input_findings(problems: list[Problem], data: Optional[Any] = None) -> list[Finding]:
    """Findings for the problems of an unusable scenario. `data` (the parsed file) lets box
    arithmetic findings show the figures."""
    out: list[Finding] = []
    covered: set[str] = set()
    if isinstance(data, dict) and any(classify(p).startswith("BOX_") for p in problems):
        from pydantic import ValidationError

        from taxdocs.checks.box_checks import box_arithmetic
        from taxdocs.model.scenario import Scenario
        try:
            sc = Scenario.model_validate(data)  # the model is fine; only the cross-box checks failed
        except ValidationError:
            sc = None
        if sc is not None:
            for f in box_arithmetic(sc):
                if f.code.endswith("_EXCEEDS_BOX1"):
                    out.append(f)
                    covered.add(f.field)
    for p in problems:
        code = classify(p)
        if p.path in covered:
            continue
        if code.startswith("BOX_"):
            code = "INPUT_INVALID"  # figures not available: keep the loader's words
        f = make(code, record=p.record or (p.path.split(".")[0] if p.path.startswith(("taxpayer", "spouse")) else ""),
                 field=p.path, message=p.message, file=p.file)
        if p.rule:
            f.rule = p.rule
        out.append(f)
    return out
