"""Rendered documents: Jinja2 templates in <repo>/templates, printed with WeasyPrint.

    html = render_html("summary", res, findings)      # "f8606_facsimile" | "summary" | "findings"
    pdf = render_pdf(html)                             # bytes

What lives where:
  * templates/*.html say what is shown and in which order (the labels, the tables);
  * templates/base.css says how it looks (page size, header, page numbers, columns);
  * this module only gathers the values the templates read (`context`) and formats
    numbers (`money`, `ratio`, `date`, `pct` filters). It decides no tax question: every
    amount comes from the computed Result; the only arithmetic here is presentational
    (days between two dates, what is left of a Roth layer after this year's ordering).

Context every template receives (see `context`): `doc` (tax year, filing status,
people with masked SSNs, the input file name), `line(key)` -> LineView (value, status,
label, notes), `lines` (all values), and per document: `forms_8606` (facsimile),
`forms`, `groups`, `rollovers`, `ws11`, `early`, `tax`, `carry`, `flagged` (summary),
`findings` and `findings_by_severity` (findings report). The full SSN is never put in
a template context.

Speed (pdf-notes "Speed"): one FontConfiguration per process, the parsed stylesheet
is reused, and Jinja2 templates are compiled once.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Optional

import jinja2

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
KINDS = {
    "f8606_facsimile": "f8606_facsimile.html",
    "summary": "summary.html",
    "findings": "findings.html",
}
FINDINGS_FALLBACK = "_findings_basic.html"   # used while templates/findings.html does not exist
SEVERITY_ORDER = ("error", "warning", "info")
FILING_STATUS = {"single": "Single", "mfj": "Married filing jointly", "mfs": "Married filing separately",
                 "hoh": "Head of household", "qss": "Qualifying surviving spouse"}


# --- filters -----------------------------------------------------------------

def _dec(x: Any) -> Optional[Decimal]:
    if x is None or x == "" or isinstance(x, bool):
        return None
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float):
        raise TypeError(f"money must not be float: {x!r}")
    return Decimal(str(x).replace(",", ""))


def money(x: Any, cents: bool = False, blank: str = "") -> str:
    """Whole dollars for print: 1234.5 -> '1,235' (IRS rounding, half up); None -> blank.
    cents=True keeps two places: '2,488.20'. Negative amounts get a leading minus sign."""
    d = _dec(x)
    if d is None:
        return blank
    q = d.quantize(Decimal("0.01") if cents else Decimal(1), rounding=ROUND_HALF_UP)
    s = f"{abs(q):,.2f}" if cents else f"{int(abs(q)):,}"
    return ("\u2212" + s) if q < 0 else s


def ratio(x: Any, places: int = 3, blank: str = "") -> str:
    """Form 8606 line 10 style decimal: Decimal('0.833') -> '0.833', 1 -> '1.000'."""
    d = _dec(x)
    if d is None:
        return blank
    if d.as_tuple().exponent > -places:
        d = d.quantize(Decimal(1).scaleb(-places))
    return f"{d:f}"


def pct(x: Any, blank: str = "") -> str:
    """A rate as a percentage: Decimal('0.22') -> '22%', Decimal('0.125') -> '12.5%'."""
    d = _dec(x)
    if d is None:
        return blank
    s = f"{(d * 100).normalize():f}"
    return s + "%"


def date(x: Any, blank: str = "") -> str:
    """Dates for print: 2025-04-10 -> 'Apr 10, 2025' (unambiguous in any locale)."""
    if x is None or x == "":
        return blank
    if isinstance(x, str):
        x = dt.date.fromisoformat(x)
    if isinstance(x, dt.datetime):
        x = x.date()
    return f"{x:%b} {x.day}, {x.year}"


def words(x: Any) -> str:
    """An enum value or code as words: 'traditional_ira' -> 'traditional IRA'."""
    if x is None:
        return ""
    s = getattr(x, "value", x)
    s = str(s).replace("_", " ")
    for a, b in (("ira", "IRA"), ("qcd", "QCD"), ("hfd", "HFD"), ("sep", "SEP"), ("simple", "SIMPLE"),
                 ("roth", "Roth")):
        s = " ".join(b if w == a else w for w in s.split(" "))
    return s


# --- environment ---------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def environment(templates_dir: str | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir or str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, ratio=ratio, pct=pct, date=date, words=words)
    return env


def template_name(kind: str, templates_dir: str | None = None) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; one of {sorted(KINDS)}")
    name = KINDS[kind]
    if kind == "findings" and not (Path(templates_dir or TEMPLATES_DIR) / name).is_file():
        return FINDINGS_FALLBACK
    return name


# --- the values the templates read ------------------------------------------------

@dataclass
class LineView:
    key: str
    value: Any
    status: str = "complete"
    label: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.status != "complete"

    @property
    def blank(self) -> bool:
        return self.value is None


def _line_getter(res):
    g = res.graph
    cache: dict[str, LineView] = {}

    def line(key: str) -> LineView:
        if key not in cache:
            if not g.has(key):
                cache[key] = LineView(key, None, "complete", "")
            else:
                n = g.node(key)
                cache[key] = LineView(key, n.value, n.status, n.label, list(n.notes))
        return cache[key]
    return line


def _people(res) -> list[dict]:
    return [{"who": w, "name": p.name, "ssn": p.ssn_last4} for w, p in res.scenario.people()]


def _doc(res) -> dict:
    sc = res.scenario
    people = _people(res)
    return {
        "tax_year": sc.tax_year,
        "next_year": sc.tax_year + 1,
        "filing_status": FILING_STATUS.get(sc.filing_status.value, sc.filing_status.value),
        "people": people,
        "names": " & ".join(p["name"] for p in people),
        "ssn": people[0]["ssn"],
        "file": Path(res.file).name if res.file else "",
        "client_id": sc.client_id or "",
    }


def _facsimile(res, line) -> list[dict]:
    out = []
    for p in _people(res):
        w = p["who"]
        if not line(f"f8606.{w}.required").value:
            continue
        L = {k.split(".line", 1)[1]: line(k) for k in res.graph.defs if k.startswith(f"f8606.{w}.line")}
        out.append({**p, "L": L, "parts": {part: bool(line(f"f8606.{w}.{part}").value)
                                           for part in ("part1", "part1_full", "worksheet", "part2", "part3")}})
    return out


def _forms(res, line) -> list[dict]:
    rows = {r["id"]: r for r in line("f1040.forms").value or []}
    names = {p["who"]: p["name"] for p in _people(res)}
    out = []
    for info in res.forms.values():
        f = info.legs[0].form
        row = rows.get(f.id, {})
        out.append({
            "id": f.id, "person": names.get(info.person, info.person), "payer": f.payer.name,
            "source": info.source.value, "source_inferred": info.source_why, "paid": info.paid,
            "codes": "".join(f.box7), "ira_box": f.box7_ira_sep_simple, "box1": f.box1, "box2a": f.box2a,
            "box4": f.box4, "box5": f.box5, "line": row.get("line"), "taxable": row.get("taxable"),
            "notes": row.get("notes", []), "early": info.early, "qualified": info.qualified,
            "legs": [{"ref": l.ref, "kind": l.kind.value, "to": l.to.value if l.to else None, "amount": l.amount,
                      "counts": l.valid, "kept": l.kept, "taxable": l.taxable, "inferred": l.inferred,
                      "reasons": list(l.invalid_reasons)} for l in info.legs],
        })
    return out


def _groups(res) -> list[dict]:
    return [{"key": g.key, "gross": g.gross, "pretax": g.pretax, "aftertax": g.aftertax,
             "aftertax_source": g.aftertax_source, "notes": list(g.notes),
             "legs": [{"ref": l.ref, "form": l.form.id, "kind": l.kind.value, "to": l.to.value if l.to else None,
                       "amount": l.amount, "pretax": l.pretax, "aftertax": l.aftertax, "taxable": l.taxable,
                       "counts": l.valid, "chosen": l.use is not None and l.use.pretax is not None}
                      for l in g.legs]}
            for g in res.groups]


def _rollovers(res) -> list[dict]:
    """Every rollover leg with its dates; the verdict is the engine's (leg.valid and its events)."""
    from taxdocs.core.dates import days_between, plus_days
    from taxdocs.params import general
    window = general().periods.rollover_days.value
    events = {}
    for ev in res.events:
        events.setdefault(ev.leg, []).append(ev)
    names = {p["who"]: p["name"] for p in _people(res)}
    out = []
    for info in res.forms.values():
        for l in info.legs:
            if not l.is_rollover:
                continue
            evs = events.get(l.ref, [])
            deadline = None
            if l.kind.value == "indirect_rollover":
                deadline = next((e.detail.get("postponed_to") for e in evs if e.detail.get("postponed_to")), None) \
                    or plus_days(info.paid, window)
            waived = [e.code for e in evs if e.accepted]
            out.append({
                "ref": l.ref, "form": l.form.id, "person": names.get(info.person, info.person),
                "kind": l.kind.value, "from": info.source.value, "to": l.to.value if l.to else None,
                "amount": l.amount, "paid": info.paid, "deposited": l.deposited,
                "days": days_between(info.paid, l.deposited) if l.deposited and info.paid else None,
                "deadline": deadline, "counts": l.valid,
                "reasons": [r for r in l.invalid_reasons if r not in waived] if not l.valid else [],
                "accepted": waived,
                "notes": [r for r in l.invalid_reasons if r not in waived] if l.valid else [],
            })
    out.sort(key=lambda r: (r["paid"] or dt.date.min, r["ref"]))
    return out


def _ws11(res, line) -> list[dict]:
    out = []
    for p in _people(res):
        w = p["who"]
        if line(f"ws11.{w}.applies").value:
            out.append({**p, "L": {str(n): line(f"ws11.{w}.line{n}") for n in range(1, 12)}})
    return out


def _early(res, line) -> list[dict]:
    out = []
    for p in _people(res):
        w = p["who"]
        items = line(f"f5329.{w}.items").value or []
        l1 = line(f"f5329.{w}.line1")
        if not items and not (l1.value or 0):
            continue
        out.append({**p, "items": items, "required": bool(line(f"f5329.{w}.required").value),
                    "L": {k: line(f"f5329.{w}.line{k}") for k in ("1", "2", "2_exception", "3", "4")},
                    "simple_part": line(f"f5329.{w}.simple_part")})
    return out


def _carry(res, line) -> list[dict]:
    """Basis carried to next year, and the Roth IRA layers before and after this year's ordering."""
    g, year = res.graph, res.scenario.tax_year
    out = []
    for p in _people(res):
        w = p["who"]
        ordering = line(f"f8606.{w}.roth_ordering").value
        taken: dict[int, Decimal] = {}
        for s in (ordering.slices if ordering is not None else []):
            taken[s.year] = taken.get(s.year, Decimal(0)) + s.taxable_part + s.nontaxable_part
        layers = [{"year": lay.year, "amount": lay.amount, "taxable": lay.taxable, "start": lay.left,
                   "source": "earlier years"} for lay in g.get(f"{w}.roth.layers") or []]
        conv16 = line(f"f8606.{w}.line16").value
        if conv16:
            layers.append({"year": year, "amount": conv16, "taxable": line(f"f8606.{w}.line18").value or Decimal(0),
                           "start": conv16, "source": f"{year} conversion (Form 8606 lines 16, 18)"})
        plan_in = g.get(f"{w}.roth.plan_rollovers")
        if plan_in:
            layers.append({"year": year, "amount": plan_in, "start": plan_in,
                           "taxable": g.get(f"{w}.roth.plan_rollovers_taxable") or Decimal(0),
                           "source": f"{year} plan rollovers to Roth IRAs"})
        layers.sort(key=lambda x: x["year"])  # stable: the ordering takes each year's layers in this order
        for lay in layers:
            t = min(lay["start"], taken.get(lay["year"], Decimal(0)))
            taken[lay["year"]] = taken.get(lay["year"], Decimal(0)) - t
            lay["taken"] = t or None
            lay["after"] = lay["start"] - t
        contrib = g.get(f"{w}.roth.contribution_basis")
        added = (g.get(f"{w}.roth.contributions_this_year") or Decimal(0)) + (g.get(f"{w}.roth.drac_basis_rolled_in")
                                                                             or Decimal(0))
        used = ordering.from_contributions if ordering is not None else Decimal(0)
        roth_contrib = {"start": line(f"{w}.roth.contribution_basis"), "added": added, "taken": used,
                        "after": (contrib or Decimal(0)) + added - used}
        basis = line(f"f8606.{w}.basis_next_year")
        if not (basis.value or layers or roth_contrib["after"] or ordering is not None):
            continue
        out.append({**p, "basis": basis, "line14": line(f"f8606.{w}.line14"), "layers": layers,
                    "roth_contrib": roth_contrib, "ordering": ordering, "first_year": line(f"{w}.roth.first_year")})
    return out


def _flagged(res, line) -> dict:
    """Lines that rest on an assumption (provisional) or on a missing fact, and the facts behind them."""
    g = res.graph
    read = {d for n in list(g.nodes.values()) for d in n.deps}
    facts = [line(k) for k, n in g.nodes.items() if n.is_fact and n.status != "complete" and k in read]
    shown = []
    for k in g.defs:
        n = g.nodes.get(k)
        if n is None or n.status == "complete" or k.startswith("f1040.ira_taxable."):
            continue
        if not isinstance(n.value, (Decimal, int, str, type(None))) or isinstance(n.value, bool):
            continue
        if ".line" in k or k.startswith(("tax.", "f1040.")):
            shown.append(line(k))
    return {"facts": facts, "lines": shown}


def _tax(res, line) -> dict | None:
    eff = line("tax.effect").value
    if eff is None:
        return None
    return {"effect": eff, "other_income": line("income.other_taxable_income"),
            "retirement": line("f1040.retirement_taxable"), "without": line("tax.without"),
            "with": line("tax.with"), "difference": line("tax.difference"),
            "additional": line("tax.additional_tax"), "total": line("tax.total_cost")}


def _findings(findings) -> list[tuple[str, list]]:
    groups = {s: [] for s in SEVERITY_ORDER}
    for f in findings or []:
        groups.setdefault(getattr(f, "severity", "info"), []).append(f)
    return [(s, fs) for s, fs in groups.items() if fs]


def context(kind: str, res, findings: list | None = None) -> dict:
    res.lines()  # evaluate every line once, so statuses are final
    line = _line_getter(res)
    ctx: dict[str, Any] = {"kind": kind, "doc": _doc(res), "line": line, "findings": findings,
                           "checked": findings is not None}
    if kind == "f8606_facsimile":
        ctx["forms_8606"] = _facsimile(res, line)
    elif kind == "summary":
        ctx.update(forms=_forms(res, line), groups=_groups(res), rollovers=_rollovers(res), ws11=_ws11(res, line),
                   early=_early(res, line), tax=_tax(res, line), carry=_carry(res, line),
                   flagged=_flagged(res, line), forms_8606=_facsimile(res, line))
    elif kind == "findings":
        ctx["findings_by_severity"] = _findings(findings)
        ctx["counts"] = {s: len(fs) for s, fs in ctx["findings_by_severity"]}
    return ctx


def render_html(kind: str, res, findings: list | None = None, templates_dir: str | Path | None = None) -> str:
    td = str(templates_dir) if templates_dir else None
    env = environment(td)
    return env.get_template(template_name(kind, td)).render(**context(kind, res, findings))


# --- PDF -------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration
    return FontConfiguration()


def render_pdf(html: str, templates_dir: str | Path | None = None) -> bytes:
    """HTML -> PDF bytes. base_url is the templates dir, so <link href="base.css"> and images load."""
    import logging

    from weasyprint import HTML
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    base = Path(templates_dir) if templates_dir else TEMPLATES_DIR
    return HTML(string=html, base_url=str(base) + "/").write_pdf(font_config=_font_config())


def render(kind: str, res, findings: list | None = None) -> bytes:
    """The PDF of one document."""
    return render_pdf(render_html(kind, res, findings))
