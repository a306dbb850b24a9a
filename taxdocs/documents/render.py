"""Rendered documents: Jinja2 templates in <repo>/templates, printed with WeasyPrint.

    html = render_html("summary", res, findings)      # "f8606_facsimile" | "summary" | "findings"
    pdf = render_pdf(html)                             # bytes

What lives where:
  * templates/*.html say what is shown and in which order (the labels, the tables);
  * templates/base.css says how it looks (page size, header, page numbers, columns);
  * this module only gathers the values the templates read (`context`) and formats
    numbers (`money`, `ratio`, `date`, `pct` filters). It decides no tax question: every
    amount comes from the computed Result; the only arithmetic here is presentational
    (days between two dates); what carries to next year comes from taxdocs.rules.carry.

Context every template receives (see `context`): `doc` (tax year, filing status, names,
`ssn` = the taxpayer's masked SSN, the input file name), `line(key)` -> LineView (value,
status, label, notes), `findings` (None when the checks were not run) and `checked`; per
document: `forms_8606` (facsimile and summary); `forms`, `sources_4b`, `groups`, `rollovers`,
`ws11`, `simplified`, `early`, `tax`, `carry`, `flagged` (summary); `findings_by_severity`
and `counts` (findings report). The full SSN is never put in a template context: only the
official form gets it (taxdocs.documents.fill).

Speed (pdf-notes "Speed"): templates are compiled once, one FontConfiguration serves the
whole process, and the fonts are pre-subset once (see "PDF" below).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Optional

import jinja2

from taxdocs.model.scenario import FILING_STATUS_NAMES

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
KINDS = {
    "f8606_facsimile": "f8606_facsimile.html",
    "summary": "summary.html",
    "findings": "findings.html",
}
FINDINGS_FALLBACK = "_findings_basic.html"   # used while templates/findings.html does not exist
SEVERITY_ORDER = ("error", "warning", "info")
FILING_STATUS = FILING_STATUS_NAMES


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


_LONG_RUN = re.compile(r"\S{21,}")


def softbreak(x: Any) -> str:
    """Text whose unbroken runs over 20 characters (ids, account numbers) may break every 10 characters: a zero-width
    space, so a column stays as wide as its usual words and a long id wraps inside the page."""
    return _LONG_RUN.sub(lambda m: "\u200b".join(m.group(0)[i:i + 10] for i in range(0, len(m.group(0)), 10)),
                         "" if x is None else str(x))


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
    env.filters.update(money=money, ratio=ratio, pct=pct, date=date, words=words, softbreak=softbreak)
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
        "ssn": " & ".join(p["ssn"] for p in people),  # each person's, in the order of the names (masked)
        "file": Path(res.file).name if res.file else "",
        "client_id": sc.client_id or "",
    }


def _facsimile(res, line) -> list[dict]:
    facts = _flagged(res, line)["facts"]
    out = []
    people = {p["who"]: p for p in _people(res)}
    for form in res.forms_8606():
        w = form.key
        p = {**people[form.who], "who": w, "inherited_from": form.decedent or "",
             "inherited_kind": "Roth IRAs" if form.roth else "IRAs"}
        if not line(f"f8606.{w}.required").value:
            continue
        L = {k.split(".line", 1)[1]: line(k) for k in res.graph.defs if k.startswith(f"f8606.{w}.line")}
        out.append({**p, "L": L, "facts": [f for f in facts if f.key.startswith(f"{w}.")],
                    "parts": {part: bool(line(f"f8606.{w}.{part}").value)
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
    names = {p["who"]: p["name"] for p in _people(res)}

    def title(g) -> str:
        forms = list(dict.fromkeys(l.form.id for l in g.legs))
        first = g.legs[0].form if g.legs else None
        info = res.forms.get(first.id) if first else None
        parts = [first.payer.name if first else g.key]
        if info is not None:
            parts.append(f"{names.get(info.person, info.person)}, {info.source.value}")
        return " · ".join(parts) + f" (Form{'s' if len(forms) > 1 else ''} 1099-R {', '.join(forms)})"
    return [{"key": g.key, "title": title(g), "paid": res.forms[g.legs[0].form.id].paid if g.legs else None,
             "gross": g.gross, "pretax": g.pretax, "aftertax": g.aftertax,
             "aftertax_source": g.aftertax_source, "notes": list(g.notes),
             "legs": [{"ref": l.ref, "form": l.form.id, "kind": l.kind.value, "to": l.to.value if l.to else None,
                       "amount": l.amount, "pretax": l.pretax, "aftertax": l.aftertax, "taxable": l.taxable,
                       "counts": l.valid, "chosen": None if l.use is None or l.use.pretax is None          # the participant's pre-tax choice
                       else "kept" if l.pretax == min(l.use.pretax, l.amount) else "overruled"}
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
                    or plus_days(l.form.received_on or info.paid, window)  # 60 days from receipt
            waived = [e.code for e in evs if e.accepted]
            out.append({
                "ref": l.ref, "form": l.form.id, "person": names.get(info.person, info.person),
                "kind": l.kind.value, "from": info.source.value, "to": l.to.value if l.to else None,
                "amount": l.amount, "paid": info.paid, "deposited": l.deposited,
                "days": days_between(l.form.received_on or info.paid, l.deposited) if l.deposited and info.paid else None,
                "deadline": deadline, "counts": l.valid,
                "reasons": [r for r in l.invalid_reasons if r not in waived] if not l.valid else [],
                "accepted": waived,
                "notes": [r for r in l.invalid_reasons if r not in waived] if l.valid else [],
            })
    out.sort(key=lambda r: (r["paid"] or dt.date.min, r["ref"]))
    return out


def _sources_4b(res, line) -> list[dict]:
    """What makes up line 4b for each person: the engine's own inputs of f1040.ira_taxable.<who>."""
    whose = {f.key: f" ({'Roth ' if f.roth else ''}IRAs inherited from {f.decedent})" for f in res.forms_8606()
             if f.decedent}
    out = []
    for p in _people(res):
        key = f"f1040.ira_taxable.{p['who']}"
        if not res.graph.has(key):
            continue
        tree = res.graph.explain(key, depth=1)
        inputs = []
        for i in tree.get("inputs", []):
            v = i["value"]
            if isinstance(v, (bool, list, dict)) or v is None:
                continue
            mt = re.fullmatch(r"f8606\.(\w+)\.line(\w+)", i["key"])
            inputs.append({"key": i["key"], "value": v, "status": i["status"],  # which Form 8606, when several
                           "label": f"Form 8606{whose.get(mt.group(1), '')} line {mt.group(2)}" if mt else i["label"]})
        nonzero = [i for i in inputs if i["value"] != 0]
        if nonzero or tree["value"] is not None and inputs:
            out.append({**p, "value": tree["value"], "inputs": nonzero or inputs})
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
    """What this year leaves for next year (taxdocs.rules.carry), per person, plus the Roth ordering."""
    from taxdocs.rules.carry import carry_forward
    from taxdocs.rules.roth import Layer
    out = []
    for p in _people(res):
        w = p["who"]
        cf = carry_forward(res, w)
        ordering = line(f"f8606.{w}.roth_ordering").value
        layers = []
        for d in cf.conversion_layers:
            lay = Layer(d["year"], d["amount"], d["taxable"], d["distributed"])
            layers.append({**d, "left": lay.left, "taxable_left": lay.taxable_left,
                           "this_year": d["year"] == res.scenario.tax_year})
        basis = line(f"f8606.{w}.basis_next_year")
        # each decedent's IRAs keep their own basis, on their own Form 8606 (rules.md §4.1)
        inherited = [{"decedent": f.decedent, "basis": line(f"f8606.{f.key}.basis_next_year")}
                     for f in res.inherited if f.who == w and not f.roth]
        if not (cf.ira_basis or layers or cf.roth_contribution_basis or ordering is not None
                or any(i["basis"].value for i in inherited)):
            continue
        out.append({**p, "cf": cf, "basis": basis, "line14": line(f"f8606.{w}.line14"), "layers": layers,
                    "roth_contrib_start": line(f"{w}.roth.contribution_basis"), "ordering": ordering,
                    "inherited": inherited})
    return out


def _simplified(res, line) -> list[dict]:
    """Simplified Method Worksheets (plan annuities with after-tax cost), one per 1099-R that uses one."""
    out = []
    for info in res.forms.values():
        f = info.legs[0].form
        if res.graph.has(f"sm.{f.id}.line1"):
            out.append({"id": f.id, "payer": f.payer.name,
                        "L": {str(n): line(f"sm.{f.id}.line{n}") for n in range(1, 12)}})
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
            "additional": line("tax.additional_tax"), "total": line("tax.total_cost"),
            "line16_without": line("tax.line16_without"), "line16_with": line("tax.line16_with"),
            "line16_difference": line("tax.line16_difference"),
            **({"agi": line("income.other_agi"), "deduction_without": line("tax.deduction_without"),
                "deduction_with": line("tax.deduction_with"), "taxable_with": line("tax.taxable_with"),
                "ss_without": line("tax.ss_taxable_without") if res.graph.has("tax.ss_taxable_without") else None,
                "ss_with": line("tax.ss_taxable_with") if res.graph.has("tax.ss_taxable_with") else None}
               if res.graph.has("income.other_agi") else {"agi": None}),
            **({k: line(f"tax.{k}") if res.graph.has("tax.niit_difference") else None
                for k in ("niit_without", "niit_with", "niit_difference")})}


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
        ctx.update(forms=_forms(res, line), sources_4b=_sources_4b(res, line), groups=_groups(res), rollovers=_rollovers(res), ws11=_ws11(res, line),
                   early=_early(res, line), tax=_tax(res, line), carry=_carry(res, line), simplified=_simplified(res, line),
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
#
# Most of a WeasyPrint PDF's time goes to subsetting the fonts (pdf-notes "Speed"): fontTools
# parses the whole 750 KB DejaVu Sans for every document. base.css therefore asks for
# "Taxdocs Sans", served through `url_fetcher` from a Latin-only subset of the system font that
# is made once and cached (~/.cache/taxdocs/fonts). Subsetting that small font per document is
# quick. If the subset cannot be made, the CSS falls back to the system font: slower, same look.

FONT_SCHEME = "taxdocs-font:"
FONT_FACES = {"sans.ttf": "DejaVu Sans:style=Book", "sans-bold.ttf": "DejaVu Sans:style=Bold"}
FONT_SUBSET_VERSION = "2"
FONT_UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2040), 0x20AC, 0x2116, 0x2122,
                 *range(0x2190, 0x21A0), 0x21B3, 0x2212, 0x2264, 0x2265, 0x2713, 0x2717]


def _font_cache_dir() -> Path:
    import os
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "taxdocs" / "fonts"


def _system_font(pattern: str) -> Optional[Path]:
    import shutil
    import subprocess
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--format=%{file}", pattern], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    p = Path(out.stdout.strip())
    return p if out.returncode == 0 and p.suffix.lower() in (".ttf", ".otf") and p.is_file() else None


@functools.lru_cache(maxsize=8)
def font_subset(name: str) -> Optional[bytes]:
    """The subset font served as taxdocs-font:<name>, or None (the CSS then uses the system font)."""
    import hashlib
    import io
    import os
    import tempfile
    src = _system_font(FONT_FACES[name]) if name in FONT_FACES else None
    if src is None:
        return None
    st = src.stat()
    key = hashlib.sha256(f"{src}|{st.st_size}|{st.st_mtime_ns}|{FONT_SUBSET_VERSION}".encode()).hexdigest()[:16]
    cached = _font_cache_dir() / f"{Path(name).stem}-{key}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
        opts = subset.Options()
        opts.layout_features, opts.name_IDs, opts.hinting, opts.notdef_outline = ["*"], ["*"], False, True
        import logging
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        font = TTFont(str(src))
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=FONT_UNICODES)
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
        data = buf.getvalue()
    except Exception:  # any fontTools problem: fall back to the system font
        return None
    try:  # cache for the next process; a read-only home only costs speed
        d = cached.parent
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".part-", suffix=".ttf")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, cached)
        for old in d.glob(f"{Path(name).stem}-*.ttf"):  # subsets of an older font or version
            if old != cached:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return data


@functools.lru_cache(maxsize=1)
def url_fetcher():
    """Fonts from the subset cache; files (base.css) from disk; nothing from the network."""
    try:  # WeasyPrint >= 68: a URLFetcher class
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:  # older WeasyPrint: a function returning a dict
        from weasyprint import default_url_fetcher

        def fetch(url, timeout=10, ssl_context=None):
            if url.startswith(FONT_SCHEME):
                data = font_subset(url[len(FONT_SCHEME):])
                if data is None:
                    raise ValueError(f"no subset font for {url}")
                return {"string": data, "mime_type": "font/ttf", "redirected_url": url}
            if not url.startswith(("file:", "data:")):
                raise ValueError(f"documents load no remote resources: {url}")
            return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
        return fetch

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(FONT_SCHEME):
                data = font_subset(url[len(FONT_SCHEME):])
                if data is None:
                    raise ValueError(f"no subset font for {url}")  # WeasyPrint then tries local()
                return URLFetcherResponse(url, data, {"Content-Type": "font/ttf"})
            return super().fetch(url, headers)

    return Fetcher(allowed_protocols=("file", "data"))


@functools.lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration
    return FontConfiguration()


def render_pdf(html: str, templates_dir: str | Path | None = None) -> bytes:
    """HTML -> PDF bytes. base_url is the templates dir, so <link href="base.css"> loads."""
    import logging

    from weasyprint import HTML
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    base = Path(templates_dir) if templates_dir else TEMPLATES_DIR
    return HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=url_fetcher()).write_pdf(
        font_config=_font_config())


def render(kind: str, res, findings: list | None = None) -> bytes:
    """The PDF of one document."""
    return render_pdf(render_html(kind, res, findings))
