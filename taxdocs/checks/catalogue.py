"""The findings catalogue (catalogue.yaml): codes, severities, citations, messages, fixes.

    make("ROLLOVER_60_DAY_LATE", record="ira-1", field="forms_1099r[0].uses[0].date",
         form="ira-1", amount=Decimal("8000"), paid=date(2025, 3, 1), ...)  -> Finding

Messages, fixes and rules are templates (`str.format` syntax). Values are written for
people: Decimal amounts as $1,234 (cents only when present), dates as "Mar 1, 2025",
lists joined with commas; `{x:r}` prints a value as is (e.g. a line 10 ratio 0.070).
`who` ("taxpayer"/"spouse") also gives `{person}` ("Taxpayer"/"Spouse") for the start of a message.
An unknown code or a missing placeholder is a programming error (KeyError), caught by tests.
"""
from __future__ import annotations

import datetime as dt
import functools
import string
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any


from taxdocs.checks.finding import SEVERITIES, Finding
from taxdocs.core import yamlfile

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")
TOPICS = {
    "input": "Input problems (the scenario cannot be used; exit status 2)",
    "boxes": "Form 1099-R boxes",
    "codes": "Box 7 distribution codes",
    "basis": "Basis and Form 8606",
    "rollovers": "Rollovers, withholding and Notice 2014-54",
    "qcd": "Qualified charitable distributions",
    "roth": "Roth IRAs",
    "return": "The whole return",
    "filed": "Checking a filed return",
    "ledger": "Prior-year facts from the ledger",
}
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Entry:
    code: str
    severity: str
    topic: str
    title: str
    rule: str
    message: str
    fix: str

    def placeholders(self) -> set[str]:
        out = set()
        for text in (self.message, self.fix, self.rule):
            for _, name, _, _ in string.Formatter().parse(text):
                if name:
                    out.add(name.split(".")[0].split("[")[0])
        return out


class CatalogueError(ValueError):
    pass


def _load(path: Path) -> dict[str, Entry]:
    data = yamlfile.load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: must be a mapping of codes")
    out: dict[str, Entry] = {}
    for code, e in data.items():
        if not (isinstance(code, str) and code.replace("_", "").isalnum() and code.upper() == code):
            raise CatalogueError(f"{path}: bad code {code!r} (UPPER_SNAKE_CASE)")
        want = {"severity", "topic", "title", "rule", "message", "fix"}
        if not isinstance(e, dict) or set(e) != want:
            raise CatalogueError(f"{path}: {code} must have exactly {sorted(want)}")
        if e["severity"] not in SEVERITIES:
            raise CatalogueError(f"{path}: {code}: severity {e['severity']!r} not in {SEVERITIES}")
        if e["topic"] not in TOPICS:
            raise CatalogueError(f"{path}: {code}: topic {e['topic']!r} not in {sorted(TOPICS)}")
        out[code] = Entry(code, **{k: str(e[k]).strip() for k in want})
        Entry.placeholders(out[code])  # parse now: a bad template fails at load
    return out


@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, Entry]:
    return _load(CATALOGUE_FILE)


def entry(code: str) -> Entry:
    try:
        return catalogue()[code]
    except KeyError:
        raise KeyError(f"finding code {code!r} is not in {CATALOGUE_FILE.name}") from None


# --- formatting values for people ----------------------------------------------------------

def money(x: Decimal | int) -> str:
    d = Decimal(x)
    neg = d < 0
    d = abs(d)
    if d == d.to_integral_value():
        s = f"${int(d):,}"
    else:
        s = f"${d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return "-" + s if neg else s


def when(d: dt.date) -> str:
    return f"{d:%b} {d.day}, {d.year}"


def human(v: Any) -> str:
    if v is None:
        return "blank"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, Decimal):
        return money(v)
    if isinstance(v, dt.date):
        return when(v)
    if isinstance(v, (list, tuple, set)):
        return ", ".join(human(x) for x in v)
    if hasattr(v, "value") and hasattr(v, "name") and not isinstance(v, (str, int)):
        return str(v.value).replace("_", " ")
    return str(v)


class _Formatter(string.Formatter):
    def format_field(self, value: Any, spec: str) -> str:
        if spec == "r":
            return str(value)
        if spec:
            return format(value, spec)
        return human(value)

    def get_value(self, key, args, kwargs):
        if isinstance(key, str) and key not in kwargs:
            raise KeyError(f"placeholder {{{key}}} has no value")
        return super().get_value(key, args, kwargs)


_FMT = _Formatter()


@functools.lru_cache(maxsize=None)
def _parsed(template: str) -> tuple | None:
    """(literal, name, spec) parts of a template with plain {name} / {name:spec} placeholders;
    None when it uses more of str.format (the general formatter then does it)."""
    parts = tuple(string.Formatter().parse(template))
    if any(name and (conv or not name.isidentifier()) for _, name, _, conv in parts):
        return None
    return tuple((lit, name, spec) for lit, name, spec, _ in parts)


def render(template: str, data: dict[str, Any]) -> str:
    parts = _parsed(template)
    if parts is None:
        return _FMT.format(template, **data)
    out = []
    for lit, name, spec in parts:
        out.append(lit)
        if name is not None:
            if name not in data:
                raise KeyError(f"placeholder {{{name}}} has no value")
            out.append(_FMT.format_field(data[name], spec))
    return "".join(out)


def make(code: str, /, record: str = "", field: str = "", **data: Any) -> Finding:
    """A finding from the catalogue, its templates filled with `data` (kept raw in `.data`)."""
    e = entry(code)
    if data.get("who") in ("taxpayer", "spouse"):
        data.setdefault("person", data["who"].capitalize())  # "Taxpayer: ..." at the start of a message
    try:
        message, fix, rule = (render(t, data) for t in (e.message, e.fix, e.rule))
    except KeyError as err:
        raise KeyError(f"{code}: {err.args[0]}") from None
    return Finding(code=code, severity=e.severity, message=message, rule=rule, fix=fix,
                   record=record, field=field, data=dict(data))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; the order within a severity is kept."""
    return sorted(findings, key=lambda f: SEVERITY_RANK.get(f.severity, 99))


# --- documentation ---------------------------------------------------------------------------

def as_rows() -> list[dict[str, str]]:
    return [{"code": e.code, "severity": e.severity, "topic": e.topic, "title": e.title, "rule": e.rule,
             "message": e.message, "fix": e.fix} for e in catalogue().values()]


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """docs/findings.md, generated from catalogue.yaml (a test checks it is up to date)."""
    cat = catalogue()
    out = [
        "# Findings catalogue",
        "",
        "<!-- Generated from taxdocs/checks/catalogue.yaml by `taxdocs findings --markdown`. Do not edit by hand. -->",
        "",
        "`taxdocs check SCENARIO` recomputes the return and reports findings. Each finding has a stable code,",
        "a severity, a message with the actual figures and dates, the rule it rests on, the record and field",
        "it concerns (a Form 1099-R id or a person, and a scenario path such as `forms_1099r[2].uses[0].date`),",
        "and how to fix it.",
        "",
        "- **error**: the return is wrong or will be rejected;",
        "- **warning**: likely wrong; a person must look;",
        "- **info**: worth knowing; nothing to correct.",
        "",
        "Exit status of `taxdocs check`: 0 when there is no error finding, 1 when there is one, 2 when the",
        "input cannot be used (the input problems are reported as `INPUT_*` / `BOX_*` findings).",
        "`taxdocs findings` lists this catalogue (`--json` for machines).",
        "",
        f"{len(cat)} codes. Placeholders such as `{{amount}}` are filled with the figures of each case.",
        "",
    ]
    for topic, heading in TOPICS.items():
        entries = [e for e in cat.values() if e.topic == topic]
        if not entries:
            continue
        out += [f"## {heading}", "", "| Code | Severity | Title | Rule |", "|---|---|---|---|"]
        out += [f"| `{e.code}` | {e.severity} | {_md(e.title)} | {_md(e.rule)} |" for e in entries]
        out.append("")
        for e in entries:
            out += [f"### `{e.code}`", "", f"*{e.severity}* — {_md(e.title)}", "",
                    f"- **Message:** {_md(e.message)}", f"- **Fix:** {_md(e.fix)}", f"- **Rule:** {_md(e.rule)}", ""]
    return "\n".join(out).rstrip() + "\n"
