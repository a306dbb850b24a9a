"""The documents a person downloads, made fresh from the posted scenario (nothing kept).

* Form 8606: the official IRS fill-in PDF when a verified blank is found
  (--forms-dir, $TAXDOCS_FORMS_DIR or the user cache, see documents/blanks.py),
  otherwise the facsimile rendered from templates/f8606_facsimile.html.
* The worksheet summary and the findings report: templates rendered with WeasyPrint.
* The scenario as YAML, so `taxdocs compute` / `taxdocs check` can take over.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Optional

import yaml

log = logging.getLogger("taxdocs.web")


@dataclass
class Doc:
    body: bytes
    filename: str
    media_type: str
    note: str = ""


def blank_8606(year: int, forms_dir: Optional[str | Path]) -> tuple[Optional[Path], str]:
    """(verified blank path or None, why not)."""
    try:
        from taxdocs.documents.blanks import BlankFormError, find_blank
    except ImportError:  # pragma: no cover
        return None, "official form filling is not installed"
    try:
        p = find_blank("f8606", year, forms_dir)
    except BlankFormError:
        return None, "the blank Form 8606 found is not the right revision"
    except Exception as e:
        log.warning("find_blank failed: %s", type(e).__name__)
        return None, "the blank Form 8606 could not be checked"
    if p is None:
        return None, f"no official blank Form 8606 for {year} is available on this computer"
    return p, ""


def values_8606(res, who: str) -> dict[str, Any]:
    """Line values for the official form: whole dollars (half up), line 10 as its ratio."""
    from taxdocs.documents.fill import LINES_8606
    out: dict[str, Any] = {}
    g = res.graph
    for ln in LINES_8606:
        key = f"f8606.{who}.line{ln}"
        v = g[key] if g.has(key) else None
        if v is None:
            continue
        d = Decimal(v)
        if ln == "10":
            out[ln] = min(max(d, Decimal(0)), Decimal(1))
        else:
            out[ln] = max(d.quantize(Decimal(1), rounding=ROUND_HALF_UP), Decimal(0))
    return out


def form_8606(res, who: str, findings, forms_dir, ssn_given: bool) -> Doc:
    year = res.scenario.tax_year
    person = res.scenario.person(who)
    if person is None:
        who, person = "taxpayer", res.scenario.taxpayer
    suffix = "" if who == "taxpayer" else "-spouse"
    path, why_not = blank_8606(year, forms_dir)
    if path is not None:
        try:
            from taxdocs.documents.fieldmaps import load_map
            from taxdocs.documents.fill import fill_8606
            header = {"name": person.name}
            if ssn_given:
                header["ssn"] = person.ssn
            body = fill_8606(path, load_map("f8606", year), values_8606(res, who), header)
            return Doc(body, f"f8606-{year}{suffix}.pdf", "application/pdf", "official")
        except Exception as e:
            log.warning("filling the official Form 8606 failed: %s", type(e).__name__)
            why_not = "the official form could not be filled"
    from taxdocs.documents.render import render_html, render_pdf
    body = render_pdf(render_html("f8606_facsimile", res, findings))
    return Doc(body, f"f8606-{year}-facsimile.pdf", "application/pdf", why_not)


def summary_pdf(res, findings) -> Doc:
    from taxdocs.documents.render import render_html, render_pdf
    return Doc(render_pdf(render_html("summary", res, findings)), f"worksheets-{res.scenario.tax_year}.pdf",
               "application/pdf")


def findings_pdf(res, findings) -> Doc:
    from taxdocs.documents.render import render_html, render_pdf
    return Doc(render_pdf(render_html("findings", res, findings)), f"findings-{res.scenario.tax_year}.pdf",
               "application/pdf")


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper, d: Decimal):
    # whole amounts as YAML ints; others quoted (a YAML float is never money)
    if d == d.to_integral_value():
        return dumper.represent_int(int(d))
    return dumper.represent_str(f"{d:f}")


def _enum(dumper, e: Enum):
    return dumper.represent_str(str(e.value))


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_multi_representer(Enum, _enum)


def scenario_yaml(sc, ssn_given: dict[str, bool]) -> Doc:
    """The scenario with defaults left out, amounts as numbers, dates as YYYY-MM-DD."""
    data = sc.model_dump(mode="python", exclude_defaults=True)
    head = ["# taxdocs scenario, saved from the web checker.",
            "# Run: taxdocs compute THIS.yaml   (or taxdocs check THIS.yaml)"]
    if not all(ssn_given.values()):
        head.append("# ssn 000-00-0000 is a placeholder (none was entered): put the real one before filing.")
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return Doc(("\n".join(head) + "\n" + text).encode("utf-8"), f"scenario-{sc.tax_year}.yaml",
               "application/yaml")
