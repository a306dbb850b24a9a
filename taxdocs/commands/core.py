"""compute, explain, schema."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.tree import Tree

from taxdocs.commands.common import guarded, load_scenario, out
from taxdocs.core.money import fmt
from taxdocs.errors import TaxdocsError


def register(app: typer.Typer) -> None:
    app.command("compute")(compute)
    app.command("explain")(explain)
    app.command("schema")(schema)


@guarded
def compute(scenario: Path = typer.Argument(..., help="scenario file (YAML or JSON)"),
            json_out: bool = typer.Option(False, "--json", help="print every line as JSON (stable keys)"),
            ledger: Optional[str] = typer.Option(None, "--ledger", envvar="TAXDOCS_LEDGER",
                                                 help="take blank prior-year facts from this ledger (path or URL)")) -> None:
    """Compute Form 8606, Form 5329 Part I and the Form 1040 retirement lines for one scenario."""
    from taxdocs.output import dumps, result_dict
    from taxdocs.rules.engine import compute as run
    sc, notes = load_scenario(scenario), []
    if ledger:
        from taxdocs.ledger.carry import fill_from_ledger
        sc, notes = fill_from_ledger(sc, ledger)
    res = run(sc, str(scenario))
    if json_out:
        print(dumps(result_dict(res, notes if ledger else None)))
        return
    print_summary(res)
    for n in notes:
        out.print(f"ledger: {n.severity}: {n.message}", highlight=False, markup=False)


def print_summary(res) -> None:
    sc, g = res.scenario, res.graph
    lines = res.lines()
    out.print(f"[bold]{sc.tax_year} · {sc.filing_status.value}[/] · "
              + ", ".join(f"{p.name} ({p.ssn_last4})" for _, p in sc.people()), highlight=False)
    t = Table("1099-R", "person", "from", "box 1", "line", "taxable", "withheld", "what happened", title="Forms 1099-R")
    for row in g["f1040.forms"]:
        info = res.forms[row["id"]]
        what = "; ".join(f"{l.kind.value}{' to ' + l.to.value if l.to else ''} {fmt(l.amount)}"
                         + ("" if l.valid else " (does not count)") for l in info.legs)
        t.add_row(row["id"], row["person"], row["source"], fmt(row["gross"]), row["line"],
                  fmt(row["taxable"]) if row["taxable"] is not None else "see 8606", fmt(row["withheld"]), what)
    out.print(t)
    for form in res.forms_8606():
        who = form.key
        if not lines[f"f8606.{who}.required"]:
            out.print(f"Form 8606 ({form.title}): not required")
            continue
        t = Table("line", "amount", "label", title=f"Form 8606 ({form.title})")
        for k, v in lines.items():
            if k.startswith(f"f8606.{who}.line") and v is not None:
                st = g.node(k).status
                t.add_row(k.split(".line")[1], fmt(v) + ("" if st == "complete" else f" [{st}]"), g.node(k).label)
        out.print(t)
    t = Table("line", "amount", title="Form 1040")
    for key in ("4a", "4b", "4c", "5a", "5b", "5c", "25b", "schedule2_line8"):
        v = lines[f"f1040.line{key}" if key[0].isdigit() else f"f1040.{key}"]
        t.add_row(key, ", ".join(v) if isinstance(v, list) else fmt(v))
    out.print(t)
    eff = lines.get("tax.effect")
    if eff is not None:
        out.print(f"Tax effect: {fmt(eff.tax_without)} -> {fmt(eff.tax_with)} (+{fmt(eff.difference)}); "
                  f"additional tax {fmt(lines['tax.additional_tax'])}", highlight=False)
        for s in eff.slices:
            out.print(f"  {fmt(s.amount_in_bracket)} at {s.rate * 100:.0f}% = {fmt(s.tax)}", highlight=False)
        moved = sum((s.amount_in_bracket for s in eff.slices), Decimal(0))
        own = lines.get("f1040.retirement_taxable")
        if eff.slices and own is not None and moved != own:  # with the AGI: Social Security and deductions move too
            out.print(f"  (the brackets hold the change in taxable income, {fmt(moved)}: the retirement income "
                      f"{fmt(own)}, plus Social Security made taxable and deductions lost with it)", highlight=False)
        if eff.gains_with is not None:
            w, v = eff.gains_without, eff.gains_with
            out.print(f"  qualified dividends and capital gain {fmt(eff.gains)}: at 0/15/20% {fmt(w.at_zero)}/"
                      f"{fmt(w.at_middle)}/{fmt(w.at_top)} -> {fmt(v.at_zero)}/{fmt(v.at_middle)}/{fmt(v.at_top)}: "
                      f"+{fmt(eff.gains_difference)}" + ("; the regular tax is less (worksheet line 24): the gains are "
                                                         "taxed as ordinary income" if w.regular or v.regular else ""),
                      highlight=False)
        if lines.get("tax.line16_with") is not None:
            from taxdocs.params import general
            below = fmt(general().tax_table.below)
            out.print(f"Form 1040 line 16: {fmt(lines['tax.line16_without'])} -> {fmt(lines['tax.line16_with'])} "
                      f"(+{fmt(lines['tax.line16_difference'])}; whole dollars: the Tax Table below {below} of taxable "
                      "income, the rate schedule from there)", highlight=False)
        if "tax.niit_difference" in lines:
            out.print(f"Net investment income tax: {fmt(lines['tax.niit_without'])} -> {fmt(lines['tax.niit_with'])} "
                      f"(+{fmt(lines['tax.niit_difference'])})", highlight=False)
    provisional = [k for k in lines if g.node(k).status != "complete"]
    if provisional:
        out.print(f"[yellow]{len(provisional)} lines rest on assumptions or missing facts; run `taxdocs check`.[/]")


def _resolve(res, line: str) -> str:
    g = res.graph
    if g.has(line):
        return line
    # short forms: f8606.15c -> f8606.taxpayer.line15c ; 1040.4b -> f1040.line4b
    form, _, ln = line.partition(".")
    form = form if form.startswith("f") or form in ("tax", "ws11") else "f" + form
    cands = [f"{form}.line{ln}", f"{form}.{ln}"] + [f"{form}.{w}.line{ln}" for w in res.people()] + \
            [f"{form}.{w}.{ln}" for w in res.people()]
    for c in cands:
        if g.has(c):
            return c
    if ".spouse." in f".{line}." and res.scenario.spouse is None:
        raise TaxdocsError(f"no line {line!r}: this return has no spouse (the spouse's lines are there when a spouse "
                           "is given); try the taxpayer's, e.g. f8606.taxpayer.line15c")
    import difflib
    near = difflib.get_close_matches(line, list(res.lines()), n=3, cutoff=0.8)
    hint = f"did you mean {', '.join(near)}? " if near else ""
    raise TaxdocsError(f"no line {line!r}; {hint}try keys from `taxdocs compute --json`, e.g. f8606.taxpayer.line15c")


@guarded
def explain(scenario: Path = typer.Argument(..., help="scenario file"),
            line: str = typer.Argument(..., help="line key, e.g. f8606.15c, f8606.spouse.line10, f1040.4b"),
            json_out: bool = typer.Option(False, "--json", help="the explanation tree as JSON"),
            depth: int = typer.Option(12, help="how deep to go"),
            gates: bool = typer.Option(False, "--gates", help="also show the yes/no conditions (which parts apply)"),
            ledger: Optional[str] = typer.Option(None, "--ledger", envvar="TAXDOCS_LEDGER",
                                                 help="take blank prior-year facts from this ledger, as compute does")) -> None:
    """Explain how one line was computed, as a tree down to the inputs."""
    from taxdocs.output import plain
    from taxdocs.rules.engine import compute as run
    sc = load_scenario(scenario)
    if ledger:
        from taxdocs.ledger.carry import fill_from_ledger
        sc, _ = fill_from_ledger(sc, ledger)
    res = run(sc, str(scenario))
    key = _resolve(res, line)
    res.graph[key]
    tree = res.graph.explain(key, depth, gates)
    if json_out:
        print(json.dumps(plain(tree), indent=2))
        return
    out.print(_tree(tree))


def _tree(node: dict, parent: Tree | None = None) -> Tree:
    v = node["value"]
    shown = fmt(v) if isinstance(v, (Decimal, int)) and not isinstance(v, bool) else ("blank" if v is None else str(v)[:80])
    from rich.markup import escape as e
    text = f"[bold]{e(node['key'])}[/] = {e(shown)}  {e(node['label'])}"
    if node.get("formula"):
        text += f"\n   [dim]{e(node['formula'])}[/]"
    if node.get("cite"):
        text += f"  [cyan]({e(node['cite'])})[/]"
    if node.get("source"):
        text += f"\n   [green]{e(node['source'])}[/]"
    if node.get("repeat"):
        text += "  [dim](shown above)[/]"
    if node["status"] != "complete":
        text += f"  [yellow]{node['status']}[/]"
    for n in node.get("notes", []):
        text += f"\n   [magenta]note: {e(n)}[/]"
    branch = Tree(text) if parent is None else parent.add(text)
    for child in node.get("inputs", []):
        _tree(child, branch)
    return branch


def schema() -> None:
    """Print the JSON Schema of the scenario file."""
    from taxdocs.model.scenario import Scenario
    print(json.dumps(Scenario.model_json_schema(), indent=2))
