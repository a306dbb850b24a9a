"""A finding: one inconsistency, with a stable code from the catalogue."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as dc_field  # the attribute `field` below shadows the name in the class body
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass
class Finding:
    code: str                 # stable, e.g. ROLLOVER_60_DAY_LATE (catalogue key)
    severity: str             # error | warning | info
    message: str              # plain English with the actual figures and dates
    rule: str                 # form and line, publication, notice
    fix: str                  # how to fix it
    record: str = ""          # 1099-R id, person, or "return"
    field: str = ""           # field path in the scenario, e.g. forms_1099r[0].uses[0].date
    data: dict[str, Any] = dc_field(default_factory=dict)

    def to_dict(self) -> dict:
        from taxdocs.output import plain
        return plain(asdict(self))
