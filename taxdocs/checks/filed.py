"""Checking a filed return: each filed line against the recomputation.

Filed figures come from the scenario (`filed.f1040`: 4a, 4b, 5a, 5b, 25b, schedule2_line8; `filed.f8606_taxpayer` /
`filed.f8606_spouse`: "1".."25c"; `filed.f5329_taxpayer` / `filed.f5329_spouse`: "1".."4"; `filed.f1040_notations`:
"4c", "5c") or from a filled Form 8606 PDF (`--filed-8606`), read back by
taxdocs.documents.readback. Amounts compare in whole dollars (i8606 and i1040 allow rounding to
dollars), line 10 as a 3-place decimal; a blank line equals 0. Form 1040 lines 4a and 5a may be
blank when the whole amount is taxable (i1040 lines 4a-5b).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Optional

from taxdocs.checks.catalogue import make, money
from taxdocs.checks.context import Ctx
from taxdocs.checks.finding import Finding
from taxdocs.core.money import dollars, z
from taxdocs.errors import TaxdocsError

LINES_8606 = [str(n) for n in range(1, 15)] + ["15a", "15b", "15c"] + [str(n) for n in range(16, 25)] + [
    "25a", "25b", "25c"]
LINES_1040 = {"4a": "f1040.line4a", "4b": "f1040.line4b", "5a": "f1040.line5a", "5b": "f1040.line5b",
              "25b": "f1040.line25b", "schedule2_line8": "f1040.schedule2_line8"}  # Schedule 2 line 8: the 10%
GROSS = {"4a": ("f1040.ira_gross", "f1040.line4b"), "5a": ("f1040.pension_gross", "f1040.line5b")}
LINES_5329 = ["1", "2", "3", "4"]   # Part I, the additional tax on early distributions
NOTATIONS = {"4c": "f1040.line4c", "5c": "f1040.line5c"}


@dataclass
class FiledSet:
    """One filed form's lines, and where they came from."""
    form: str                          # "f1040" | "f8606"
    who: Optional[str]                 # for Form 8606
    values: dict[str, Optional[Decimal]]
    source: str                        # words for messages
    path: str                          # field prefix, e.g. "filed.f8606_taxpayer"
    whole_form: bool = False           # a PDF: every line is given (absent = blank)
    unknown_person: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def norm_key(k: Any) -> str:
    s = str(k).strip().lower().replace(" ", "")
    return s.removeprefix("line")


def from_scenario(sc) -> list[FiledSet]:
    f = sc.filed
    if f is None:
        return []
    out = []
    if f.f1040:
        out.append(FiledSet("f1040", None, dict(f.f1040), "the scenario's filed.f1040", "filed.f1040"))
    for form, who, vals in (("f8606", "taxpayer", f.f8606_taxpayer), ("f8606", "spouse", f.f8606_spouse),
                            ("f5329", "taxpayer", f.f5329_taxpayer), ("f5329", "spouse", f.f5329_spouse)):
        if vals:
            out.append(FiledSet(form, who, dict(vals), f"the scenario's filed.{form}_{who}", f"filed.{form}_{who}"))
    return out


def read_filed_8606(path: str | Path) -> dict:
    """A filled Form 8606 PDF read back; clear errors (exit 2) when it cannot be read."""
    p = Path(path)
    if not p.is_file():
        raise TaxdocsError(f"{p}: file not found (--filed-8606)")
    try:
        from taxdocs.documents.readback import read_8606
    except ImportError as e:  # the documents module is optional
        raise TaxdocsError("reading a filled Form 8606 needs taxdocs.documents.readback, which is not available "
                           f"in this installation ({e}); put the filed lines under `filed:` in the scenario instead") from None
    try:
        return read_8606(p)
    except Exception as e:  # readback, field-map and PDF errors: one clear line (they never echo an SSN)
        raise TaxdocsError(f"{p}: cannot read it as a filled Form 8606: {e}") from None


def from_pdf(sc, doc: dict, file: str, who: Optional[str] = None) -> FiledSet:
    """`doc` as returned by read_8606. `who` None: match the SSN's last four digits to a person."""
    unknown = False
    if who is None:
        last4 = doc.get("ssn_last4")
        who = "taxpayer"
        if last4:
            matches = [w for w, p in sc.people() if p.ssn[-4:] == last4]
            if matches:
                who = matches[0]
            else:
                unknown = True
    lines = {norm_key(k): v for k, v in (doc.get("lines") or {}).items()}
    values = {k: lines.get(k) for k in LINES_8606}
    return FiledSet("f8606", who, values, f"{Path(file).name} (Form 8606, {doc.get('revision', '?')})",
                    "filed_8606_pdf", whole_form=True, unknown_person=unknown,
                    extra={"file": Path(file).name, "revision": doc.get("revision", "?"), "last4": doc.get("ssn_last4"),
                           "count": len(lines)})


def _val(v: Any) -> str:
    if v is None:
        return "blank"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, Decimal):
        return money(v) if v == v.to_integral_value() or abs(v) >= 1 else str(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v) or "none"
    return str(v)


def _short(key: str) -> str:
    if key.startswith("f1040.ira_taxable."):
        return f"taxable IRA amount of the {key.rsplit('.', 1)[-1]}"
    for pre in ("f8606.taxpayer.", "f8606.spouse.", "f1040.", "ws11.taxpayer.", "ws11.spouse.", "f5329.taxpayer.",
                "f5329.spouse."):
        if key.startswith(pre):
            rest = key[len(pre):]
            form = {"f8606": "8606", "f1040": "1040", "ws11": "Worksheet 1-1", "f5329": "5329"}[pre.split(".")[0]]
            return f"{form} " + (f"line {rest[4:]}" if rest.startswith("line") else rest)
    return key


def explain_text(g, key: str) -> str:
    """The first levels of the explanation: label, formula, and the values it read."""
    tree = g.explain(key, depth=1)
    name = "Schedule 2 line 8" if key == "f1040.schedule2_line8" else _short(key).split(' ', 1)[-1].capitalize()
    head = f"{name} is \u201c{tree['label']}\u201d"
    if tree.get("formula"):
        head += f", figured as {tree['formula']}"
    inputs = [f"{_short(c['key'])} = {_val(c['value'])}" for c in tree.get("inputs", [])
              if not isinstance(c["value"], (list, dict, tuple))]
    if inputs:
        head += ": " + ", ".join(inputs)
    notes = tree.get("notes") or []
    if notes:
        head += ". Note: " + "; ".join(notes)
    return head + "."


def _same(filed: Optional[Decimal], computed: Any, ratio: bool, tolerance: Decimal = Decimal(0)) -> bool:
    if ratio:  # "rounded to at least 3 places" (i8606 line 10): more places are fine
        q = Decimal("0.001")
        return z(filed).quantize(q, ROUND_HALF_UP) == z(computed).quantize(q, ROUND_HALF_UP)
    return abs(dollars(z(filed)) - dollars(z(computed))) <= tolerance


_ROUNDING = Decimal(1)  # a filed line $1 off the recomputation: whole-dollar rounding of cents (i8606, i1040)

# lines that follow from line 10: with a filed ratio of more places they differ by (L7 + L8) x the difference
_FROM_LINE_10 = {"11", "12", "13", "14", "15a", "15b", "15c", "17", "18"}


def _ratio_tolerance(g, s: FiledSet) -> Decimal:
    """A filed line 10 with more than 3 places, equal to the recomputed one at 3: the lines figured from it may
    differ by (line 7 + line 8) x the difference in the ratio, plus $1 of rounding."""
    filed = next((v for k, v in s.values.items() if norm_key(k) == "10"), None)
    key = f"f8606.{s.who}.line10"
    if filed is None or not g.has(key) or g[key] is None:
        return Decimal(0)
    filed = Decimal(str(filed))
    if filed.as_tuple().exponent >= -3 or not _same(filed, g[key], ratio=True):
        return Decimal(0)
    base = z(g[f"f8606.{s.who}.line7"]) + z(g[f"f8606.{s.who}.line8"])
    return dollars(base * abs(filed - g[key])) + 1


def _cents_tolerance(ctx: Ctx, line: str) -> Decimal:
    """i1040: amounts are added with their cents and only the total is rounded; taxdocs rounds each 1099-R to
    dollars, so a Form 1040 total may differ by up to $1 for every two forms with cents."""
    boxes = ("box4",) if line == "25b" else ("box1", "box2a")
    with_cents = sum(1 for f in ctx.sc.forms_1099r
                     if any(v is not None and v != v.to_integral_value() for v in (getattr(f, b) for b in boxes)))
    return Decimal(with_cents // 2)


def _explanation(ctx: Ctx, key: str) -> dict:
    tree = ctx.g.explain(key, depth=2)
    from taxdocs.output import plain
    return plain(tree)


def compare(ctx: Ctx, sets: list[FiledSet]) -> list[Finding]:
    from taxdocs.checks.status_checks import _roots
    out: list[Finding] = []
    g = ctx.g
    ctx.res.lines()
    for s in sets:
        if s.who == "spouse" and ctx.sc.spouse is None:
            out.append(make("FILED_LINE_UNKNOWN", "spouse", s.path, where=s.path,
                            why="there is no spouse in the scenario", known=f"filed.{s.form}_taxpayer"))
            continue
        if s.extra.get("file"):
            out.append(make("FILED_8606_PDF", s.who, s.path, file=s.extra["file"], revision=s.extra["revision"],
                            who=s.who, count=s.extra["count"]))
            if s.unknown_person:
                out.append(make("FILED_8606_PDF_PERSON", s.who, s.path, file=s.extra["file"], who=s.who,
                                last4=s.extra["last4"]))
        known = list(LINES_1040) if s.form == "f1040" else LINES_5329 if s.form == "f5329" else LINES_8606
        # a line 10 of more places moves the lines figured from it, and so line 4b, which takes line 15c
        ratio_tol = _ratio_tolerance(g, s) if s.form == "f8606" else sum(
            (_ratio_tolerance(g, t) for t in sets if t.form == "f8606"), Decimal(0))
        for raw_key, filed in s.values.items():
            k = norm_key(raw_key)
            if k not in known:
                out.append(make("FILED_LINE_UNKNOWN", s.who or "return", f"{s.path}.{raw_key}",
                                where=f"{s.path}.{raw_key}", why=f"{str(raw_key)!r} is not a line this check compares",
                                known=", ".join(known)))
                continue
            key = LINES_1040[k] if s.form == "f1040" else f"{s.form}.{s.who}.line{k}"
            if not g.has(key):
                continue
            computed = g[key]
            filed = Decimal(str(filed)) if filed is not None and not isinstance(filed, Decimal) else filed
            tol = (_cents_tolerance(ctx, k) + (ratio_tol if k == "4b" else 0) if s.form == "f1040"
                   else ratio_tol if k in _FROM_LINE_10 else Decimal(0))
            ratio = s.form == "f8606" and k == "10"
            if _same(filed, computed, ratio=ratio, tolerance=tol):
                continue
            if s.form == "f1040" and k == "25b" and filed is not None and z(filed) > z(computed):
                # line 25b also holds tax withheld on other Forms 1099 (SSA-1099, 1099-INT, ...): i1040 line 25b
                state = _state_local_withheld(ctx.sc)
                if state > 0 and _same(z(filed) - z(computed), state, False):  # the difference is boxes 14 and 17
                    out.append(make("FILED_25B_STATE_TAX", "return", f"{s.path}.{raw_key}", filed=filed,
                                    computed=computed, state=state))
                else:
                    out.append(make("FILED_25B_OTHER_FORMS", "return", f"{s.path}.{raw_key}", filed=filed,
                                    computed=computed))
                continue
            if s.form == "f1040" and k in GROSS:
                gross_key, taxable_key = GROSS[k]
                taxable = g[taxable_key]
                # i1040: line 4a/5a may be left blank when the whole amount is taxable; filling it in is harmless
                if computed is None and (filed is None or _same(filed, g[gross_key], False)):
                    continue
                if filed is None and computed is not None and _same(computed, taxable, False):
                    continue
            where = ("Schedule 2 line 8" if k == "schedule2_line8" else f"Form 1040 line {k}" if s.form == "f1040"
                     else f"Form {s.form[1:]} ({s.who}) line {k}")
            if s.whole_form:
                where += f" ({s.source})"
            node = g.node(key)
            data = dict(where=where, filed=filed if not ratio or filed is None else str(filed),
                        computed=computed if not ratio or computed is None else str(computed),
                        explanation=explain_text(g, key), cite=node.cite or node.label, line=key,
                        explain=_explanation(ctx, key), source=s.source)
            record = s.who or "return"
            fpath = f"{s.path}.{raw_key}"
            if not ratio and filed is not None and computed is not None and _same(filed, computed, False, _ROUNDING):
                out.append(make("FILED_ROUNDING", record, fpath, **data))  # $1: rounding, not a wrong figure
            elif node.status != "complete":
                roots = sorted(_roots(g, key, set()))
                assumptions = "; ".join(
                    f"{r}" + (f" ({'; '.join(g.nodes[r].notes)})" if g.nodes[r].notes else f" ({g.nodes[r].status})")
                    for r in roots) or node.status
                out.append(make("FILED_MISMATCH_PROVISIONAL", record, fpath, assumptions=assumptions, **data))
            else:
                out.append(make("FILED_MISMATCH", record, fpath, **data))
        if s.form == "f1040" and not s.whole_form:
            out += _not_given(ctx, s)
    _name_the_cause(g, out)
    return out


def _name_the_cause(g, found: list[Finding]) -> None:
    """A filed line that differs only because a line it is figured from differs says so: one mistake (line 2 left
    off) gave ten mismatches that read as ten."""
    wrong = {f.data["line"]: f for f in found if f.code.startswith("FILED_MISMATCH") and f.data.get("line")}
    ancestors = {k: _ancestors(g, k) for k in wrong}
    for key, f in wrong.items():
        causes = ancestors[key] & wrong.keys()
        # only the first causes: a cause figured from another cause names that one itself
        first = [k for k in causes if not ancestors[k] & causes]
        if first:
            names = ", ".join(sorted(wrong[k].data["where"] for k in first))
            f.message += f" This follows from {names}, also filed differently: correct that first."
            f.data["follows"] = sorted(first)


def _ancestors(g, key: str) -> set:
    seen, todo = set(), list(g.node(key).deps)
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.add(k)
            todo.extend(g.node(k).deps)
    return seen


def _state_local_withheld(sc) -> Decimal:
    """State and local income tax withheld on the Forms 1099-R (boxes 14 and 17)."""
    return sum((r.tax_withheld or 0 for f in sc.forms_1099r for r in (*f.state, *f.local)), Decimal(0))


def form_8606_not_given(ctx: Ctx, sets: list[FiledSet]) -> list[Finding]:
    """Filed figures given, a Form 8606 required, and none of its lines among them (nor `form_8606_filed`): the most
    costly thing to leave off a return (i8606 Who Must File; the basis is lost from the record)."""
    from taxdocs.checks.basis_checks import why_8606
    if not any(s.values for s in sets):
        return []
    given = {s.who for s in sets if s.form == "f8606" and s.values}
    out = []
    for who, person in ctx.sc.people():
        if who in given or person.ira.form_8606_filed is not None or not ctx.line(f"f8606.{who}.required"):
            continue
        out.append(make("FORM_8606_NOT_GIVEN", who, f"filed.f8606_{who}", who=who, year=ctx.year,
                        **why_8606(ctx, who)))
    return out


# Form 1040 lines that, left out of the filed figures while the recomputation has an amount, are likely missing
# from the return itself: income untaxed, the 10% unpaid. (Not line 25b: leaving it out of the figures costs the
# taxpayer, not the IRS, and a second read found it raised on correct returns entered in part.)
_MUST_SHOW = {"4b": "that taxable IRA income is missing from the return",
              "5b": "that taxable pension income is missing from the return",
              "schedule2_line8": "the additional tax is owed and unpaid"}


def _not_given(ctx: Ctx, s: FiledSet) -> list[Finding]:
    given = {norm_key(k) for k in s.values}
    out = []
    for k, consequence in _MUST_SHOW.items():
        computed = ctx.g.get(LINES_1040[k])
        if k in given or not computed or z(computed) <= 0:
            continue
        where = "Schedule 2 line 8" if k == "schedule2_line8" else f"Form 1040 line {k}"
        out.append(make("FILED_LINE_NOT_GIVEN", "return", f"{s.path}.{k}", where=where, computed=computed,
                        consequence=consequence, key=k))
    return out


def _notation(text: Any) -> str:
    return " ".join(str(text).split()).upper()


def compare_notations(ctx: Ctx) -> list[Finding]:
    """Form 1040 lines 4c and 5c as filed against the notations the recomputation writes there (Rollover, QCD,
    HFD, PSO...): case and spacing aside, as sets (i1040 lines 4a-4b, 5a-5b)."""
    f = ctx.sc.filed
    if f is None or not f.f1040_notations:
        return []
    out: list[Finding] = []
    lines = ctx.res.lines()
    for raw_key, filed in f.f1040_notations.items():
        k, path = norm_key(raw_key), f"filed.f1040_notations.{raw_key}"
        if k not in NOTATIONS:
            out.append(make("FILED_LINE_UNKNOWN", "return", path, where=path,
                            why=f"{str(raw_key)!r} is not a line this check compares", known=", ".join(NOTATIONS)))
            continue
        computed = lines.get(NOTATIONS[k]) or []
        have, want = {_notation(x) for x in filed if str(x).strip()}, {_notation(x) for x in computed}
        if have == want:
            continue
        node = ctx.g.node(NOTATIONS[k])
        out.append(make("FILED_NOTATION_MISMATCH", "return", path, line=k, filed=", ".join(sorted(have)) or "nothing",
                        computed=", ".join(computed) or "nothing", missing=", ".join(sorted(want - have)) or "none",
                        extra=", ".join(sorted(have - want)) or "none", cite=node.cite or node.label))
    return out
