"""taxdocs ledger: commit, show, history, export, import, seed (docs/ledger.md).

Every command takes --ledger URL-or-path (else $TAXDOCS_LEDGER, else ./taxdocs.db).
Exit status: 0 done (also "unchanged"); 1 refused (needs --amend, or a concurrent commit won);
2 bad input or unreadable ledger.
"""
from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from taxdocs.commands.common import EXIT_ERRORS, err, guarded, load_scenario, out

LEDGER_HELP = "ledger database: a file path or a SQLAlchemy URL (sqlite:///..., postgresql://...); " \
              "default $TAXDOCS_LEDGER, else ./taxdocs.db"

ledger_app = typer.Typer(
    name="ledger", no_args_is_help=True, add_completion=False,
    help="Carry Form 8606 basis, Roth layers, five-year clocks and rollover dates across years.\n\n"
         "`commit` records a finished year; `compute`/`check --ledger` fill blank prior-year facts from it.")


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")


def _ledger_opt():
    return typer.Option(None, "--ledger", envvar="TAXDOCS_LEDGER", help=LEDGER_HELP, show_envvar=False)


def _open(ledger: Optional[str], create: bool = True):
    from taxdocs.ledger.store import open_store
    return open_store(ledger, create=create)


def _refused(e: Exception) -> None:
    err.print("[bold red]Refused:[/]", highlight=False)
    err.print(str(e), markup=False, highlight=False)
    raise typer.Exit(EXIT_ERRORS)


def _money(x) -> str:
    from taxdocs.core.money import fmt
    from taxdocs.ledger.keys import money_text
    return "" if x is None else fmt(Decimal(money_text(Decimal(x))))


def _print_findings(findings) -> None:
    colors = {"error": "red", "warning": "yellow", "info": "dim"}
    for f in findings:
        out.print(f"[{colors.get(f.severity, 'white')}]{f.severity}[/] {f.code}: ", end="", highlight=False)
        out.print(f.message, markup=False, highlight=False)


# --------------------------------------------------------------------------- commit

@ledger_app.command("commit")
@guarded
def commit(scenario: Path = typer.Argument(..., help="scenario file (YAML or JSON) of a finished year"),
           amend: bool = typer.Option(False, "--amend", help="the year is recorded with different inputs: "
                                      "record a new version (the earlier one is kept as history)"),
           expect_version: Optional[int] = typer.Option(None, "--expect-version",
                                                        help="refuse unless the current version is this (0 = none)"),
           ledger: Optional[str] = _ledger_opt(),
           json_out: bool = typer.Option(False, "--json", help="print the result as JSON")) -> None:
    """Record a finished year (atomic; the same inputs again change nothing).

    Blank prior-year facts are filled from the ledger first. Different inputs for a recorded year
    need --amend; the earlier version is kept as history."""
    from taxdocs.ledger.store import LedgerConflict, LedgerNeedsAmend
    sc = load_scenario(scenario)
    with _open(ledger) as store:
        try:
            rep = store.commit(sc, amend=amend, source=str(scenario), expect_version=expect_version)
        except (LedgerNeedsAmend, LedgerConflict) as e:
            _refused(e)
        errors = _error_codes(sc, store)
    if json_out:
        from taxdocs.output import plain
        print(json.dumps({"tax_year": rep.tax_year, "content_hash": rep.content_hash, "changed": rep.changed,
                          "outcomes": [{"who": o.who, "client_id": o.client_id, "ssn": o.ssn_masked,
                                        "status": o.status, "version": o.version, "previous": o.previous,
                                        "changes": o.changes, "later_years": o.later_years} for o in rep.outcomes],
                          "findings": [f.to_dict() for f in rep.findings], "check_errors": errors},
                         indent=2, default=plain))
        return
    for o in rep.outcomes:
        what = {"new": f"recorded (version {o.version})", "unchanged": f"unchanged (version {o.version}, same inputs)",
                "amended": f"amended: version {o.version} replaces version {o.previous} (kept as history)"}[o.status]
        out.print(f"client {o.client_id} · {o.who} {o.ssn_masked} · {o.tax_year}: {what}", highlight=False)
        for c in o.changes:
            out.print(f"    {c}", highlight=False)
        if o.later_years:
            out.print(f"[yellow]    later years {', '.join(map(str, o.later_years))} were committed from the earlier "
                      f"version: commit them again with --amend[/]", highlight=False)
    _print_findings(rep.findings)
    if errors:
        out.print(f"[yellow]note: {rep.tax_year} is recorded, but its return has error findings ({', '.join(errors)}): "
                  f"what it carries to later years may be wrong. See `taxdocs check {scenario}`, then commit again "
                  "with --amend.[/]", highlight=False)


def _error_codes(sc, store) -> list[str]:
    """The error findings of the year just committed (the ledger records it either way; the preparer should know)."""
    try:
        from taxdocs.checks.run import check
        from taxdocs.ledger.carry import fill_from_ledger
        from taxdocs.rules.engine import compute
        filled, _ = fill_from_ledger(sc, store)
        return sorted({f.code for f in check(compute(filled)) if f.severity == "error"})
    except Exception:  # noqa: BLE001 - a note only; the commit stands
        return []


# --------------------------------------------------------------------------- show / history

def _people(store, client: str):
    from taxdocs.ledger.store import LedgerError
    people = store.people(client)
    if not people:
        known = store.client_ids()
        hint = f" (clients: {', '.join(known[:10])}{' ...' if len(known) > 10 else ''})" if known else ""
        raise LedgerError(f"no client {client!r} in the ledger {store.display_url}{hint}")
    return people


def _periods():
    from taxdocs.params import general
    p = general().periods
    return p.roth_qualified_years.value, p.roth_conversion_years.value


def _layers_left(facts) -> Decimal:
    return sum((Decimal(l["amount"]) - Decimal(l["distributed"]) for l in facts.conversion_layers), Decimal(0))


def _show_doc(p) -> dict:
    from taxdocs.core.dates import add_months
    from taxdocs.ledger.carry import first_year_is_bound
    from taxdocs.output import plain
    qual, conv = _periods()
    cur = p.current()
    last = cur[-1] if cur else None
    doc = {"client_id": p.client_id, "name": p.name, "ssn": p.ssn_masked,
           "timeline": [{"tax_year": y.tax_year, "version": y.version, "kind": y.kind,
                         "ira_basis": y.facts.ira_basis, "year_end_value": y.facts.year_end_value,
                         "roth_contribution_basis": y.facts.roth_contribution_basis,
                         "conversion_basis_left": _layers_left(y.facts), "roth_first_year": y.facts.roth_first_year,
                         "first_year_bound": first_year_is_bound(y.facts),
                         "deductions_after_70_half": y.facts.deductions_after_70_half,
                         "qcd_reductions": y.facts.qcd_reductions,
                         "inherited_basis": y.facts.inherited_basis,
                         "inherited_roth": y.facts.inherited_roth,
                         "provisional": y.facts.provisional} for y in cur]}
    if last:
        f = last.facts
        doc["as_of"] = last.tax_year
        doc["layers"] = [{**l, "left": Decimal(l["amount"]) - Decimal(l["distributed"]),
                          "taxable_left": max(Decimal(l["taxable"]) - Decimal(l["distributed"]), Decimal(0)),
                          # the last day inside the 5-year window (it ends the Dec 31 before the 5th Jan 1)
                          "recapture_window_ends": date(int(l["year"]) + conv - 1, 12, 31)} for l in f.conversion_layers]
        doc["roth_five_year"] = None if f.roth_first_year is None else {
            "first_year": f.roth_first_year, "met_on": date(f.roth_first_year + qual, 1, 1),
            "at_latest": first_year_is_bound(f)}
        doc["rollovers"] = [{"distribution_date": d, "next_allowed": add_months(d, 12)} for d in f.ira_rollover_dates]
        if f.hfd_year is not None:  # one in a lifetime (IRC §408(d)(9)(C)(ii))
            doc["hfd_year"] = f.hfd_year
        if f.homebuyer_used:  # $10,000 in a lifetime (IRC §72(t)(8)(B))
            doc["homebuyer_used"] = f.homebuyer_used
    from taxdocs.ledger.carry import stale_link
    stale = stale_link(p.years, cur)
    if stale is not None:  # LEDGER_STALE, as next year's fill will report it
        later, earlier, what = stale
        doc["stale"] = {"year": later.tax_year, "version": later.version, "amended_year": earlier.tax_year,
                        "amended_version": earlier.version, "changed": what}
    return plain(doc)


@ledger_app.command("show")
@guarded
def show(client: str = typer.Argument(..., help="client id"), ledger: Optional[str] = _ledger_opt(),
         json_out: bool = typer.Option(False, "--json", help="as JSON")) -> None:
    """Where a client stands: basis and Roth figures by year, the Roth layers, the clocks."""
    with _open(ledger, create=False) as store:
        people = _people(store, client)
    docs = [_show_doc(p) for p in people]
    if json_out:
        print(json.dumps({"client_id": client, "people": docs}, indent=2))
        return
    for d in docs:
        out.print(f"[bold]{d['name'] or '(no name)'}[/] {d['ssn']} · client {d['client_id']}", highlight=False)
        t = Table("year", "v", "IRA basis (8606 l.14)", "Dec 31 IRA value (8606 l.6 less outstanding rollovers)", "Roth contrib. basis",
                  "conversion basis left", "first Roth year", title="Carried at each year end")
        starred = False
        for r in d["timeline"]:
            def star(label: str) -> str:
                nonlocal starred
                if label in r["provisional"]:
                    starred = True
                    return " *"
                return ""
            t.add_row(str(r["tax_year"]), str(r["version"]) + (" seed" if r["kind"] == "seed" else ""),
                      _money(r["ira_basis"]) + star("ira_basis"),
                      _money(r["year_end_value"]) + star("year_end_value"),
                      _money(r["roth_contribution_basis"]) + star("roth_contribution_basis"),
                      _money(r["conversion_basis_left"]) + star("conversion_layers"),
                      (f"{r['roth_first_year']} or before" if r.get("first_year_bound") and r["roth_first_year"]
                       else str(r["roth_first_year"] or "")))
        out.print(t)
        st = d.get("stale")
        if st:
            how = (f"was amended (now v{st['amended_version']}: {st['changed']})" if st["changed"] else "was recorded")
            out.print(f"[yellow]{st['year']} (v{st['version']}) was committed before {st['amended_year']} {how}: "
                      f"commit {st['year']} and later years again with --amend[/]", highlight=False)
        if starred:
            out.print("[yellow]* rested on an assumption when committed (see `history`)[/]")
        last = d["timeline"][-1] if d["timeline"] else None
        if last and (last["deductions_after_70_half"] or last["qcd_reductions"]):   # IRC §408(d)(8)(A)
            out.print(f"QCD offset through {last['tax_year']}: IRA deductions after 70½ "
                      f"{_money(last['deductions_after_70_half'])} · QCD reductions {_money(last['qcd_reductions'])}",
                      highlight=False)
        for name, basis in ((last or {}).get("inherited_basis") or {}).items():  # rules.md §4.1
            out.print(f"Basis in the IRAs inherited from {name} after {last['tax_year']}: {_money(basis)} "
                      "(their own Form 8606 line 14)", highlight=False)
        for name, r in ((last or {}).get("inherited_roth") or {}).items():  # rules.md §4.1
            first = f"; their first Roth year {r['first_year']}" if r.get("first_year") else ""
            out.print(f"Basis in the Roth IRAs inherited from {name} after {last['tax_year']}: {_money(r['basis'])}, "
                      f"of it conversions {_money(r['conversion_basis'])} (their own Form 8606 lines 22, 24){first}",
                      highlight=False)
        if d.get("layers"):
            t = Table("layer year", "amount", "taxable", "distributed", "left", "taxable left",
                      "10% recapture window ends", title=f"Roth conversion and rollover layers after {d['as_of']}")
            for l in d["layers"]:
                t.add_row(str(l["year"]), _money(l["amount"]), _money(l["taxable"]), _money(l["distributed"]),
                          _money(l["left"]), _money(l["taxable_left"]), l["recapture_window_ends"])
            out.print(t)
            if any(l["year"] > d["as_of"] for l in d["layers"]):  # IRC §408A(d)(3)(F)(i)(II)
                out.print(f"A layer of {d['as_of'] + 1}: converted or rolled over on the {d['as_of']} return (paid in "
                          f"December) and deposited in {d['as_of'] + 1}; its 5 years count from then.", highlight=False)
        if d.get("roth_five_year"):
            r = d["roth_five_year"]
            if r.get("at_latest"):
                out.print(f"Roth IRA 5-year period: first year {r['first_year']} at the latest (no earlier year given), "
                          f"so met by {r['met_on']} at the latest", highlight=False)
            else:
                out.print(f"Roth IRA 5-year period: first year {r['first_year']}, met from {r['met_on']}", highlight=False)
        for r in d.get("rollovers") or []:
            out.print(f"IRA-to-IRA 60-day rollover of a distribution on {r['distribution_date']}: "
                      f"next one allowed from {r['next_allowed']}", highlight=False)
        if d.get("hfd_year"):
            out.print(f"HSA funding distribution made in {d['hfd_year']}: no other one is allowed", highlight=False)
        if d.get("homebuyer_used"):
            from taxdocs.params import general
            limit = general().limits.first_time_homebuyer_lifetime.value  # IRC §72(t)(8)(B)
            out.print(f"first-time homebuyer distributions so far: {_money(d['homebuyer_used'])} of the "
                      f"{_money(limit)} lifetime limit", highlight=False)
        out.print()


@ledger_app.command("history")
@guarded
def history(client: str = typer.Argument(..., help="client id"), ledger: Optional[str] = _ledger_opt(),
            json_out: bool = typer.Option(False, "--json", help="as JSON")) -> None:
    """Every recorded version, amendments included, with what changed."""
    from taxdocs.output import plain
    with _open(ledger, create=False) as store:
        people = _people(store, client)
    if json_out:
        print(json.dumps(plain({"client_id": client, "people": [
            {"name": p.name, "ssn": p.ssn_masked, "versions": [
                {"tax_year": y.tax_year, "version": y.version, "current": y.current, "kind": y.kind,
                 "source": y.source, "committed_at": y.committed_at, "content_hash": y.content_hash,
                 "facts": y.facts.as_dict()} for y in p.years]} for p in people]}), indent=2))
        return
    for p in people:
        out.print(f"[bold]{p.name or '(no name)'}[/] {p.ssn_masked} · client {p.client_id}", highlight=False)
        prev = None
        for y in p.years:
            f = y.facts
            tag = "" if y.current else " [dim](superseded)[/]"
            out.print(f"[bold]{y.tax_year} v{y.version}[/] {y.kind}{tag} · {y.committed_at:%Y-%m-%d %H:%M} UTC"
                      + (f" · {y.source}" if y.source else ""), highlight=False)
            layers = ", ".join(f"{l['year']}: {_money(Decimal(l['amount']) - Decimal(l['distributed']))} left"
                               f" (taxable left {_money(max(Decimal(l['taxable']) - Decimal(l['distributed']), 0))})"
                               for l in f.conversion_layers) or "none"
            out.print(f"    IRA basis {_money(f.ira_basis)} · Dec 31 value {_money(f.year_end_value) or 'blank'} · "
                      f"Roth contribution basis {_money(f.roth_contribution_basis)} · first Roth year "
                      f"{f.roth_first_year or 'none'}", highlight=False)
            out.print(f"    layers: {layers}", highlight=False)
            if f.ira_rollover_dates:
                out.print("    IRA-to-IRA rollovers: " + ", ".join(d.isoformat() for d in f.ira_rollover_dates),
                          highlight=False)
            if f.deductions_after_70_half or f.qcd_reductions:   # IRC §408(d)(8)(A)
                out.print(f"    QCD offset: IRA deductions after 70½ {_money(f.deductions_after_70_half)} · "
                          f"QCD reductions {_money(f.qcd_reductions)}", highlight=False)
            for name, basis in f.inherited_basis.items():
                out.print(f"    inherited from {name}: basis {_money(basis)}", highlight=False)
            for name, r in f.inherited_roth.items():
                out.print(f"    Roth IRAs inherited from {name}: basis {_money(r['basis'])} (conversions "
                          f"{_money(r['conversion_basis'])})", highlight=False)
            if prev is not None and prev.tax_year == y.tax_year:
                from taxdocs.ledger.store import _changes
                ch = _changes(prev.facts, f)
                out.print(f"    [cyan]changed from v{prev.version}: {'; '.join(ch) or 'inputs only'}[/]",
                          highlight=False)
            for n in f.notes:
                out.print(f"    note: {n}", markup=False, highlight=False)
            for k in f.provisional:
                out.print(f"    [yellow]{k} rested on an assumption[/]", highlight=False)
            prev = y
        out.print()


# --------------------------------------------------------------------------- export / import

@ledger_app.command("export")
@guarded
def export(client: Optional[str] = typer.Argument(None, help="client id (default: every client)"),
           output: Path = typer.Option(..., "-o", "--output", help="JSON file to write ('-' for standard output)"),
           no_scenarios: bool = typer.Option(False, "--no-scenarios", help="leave out the stored scenario inputs"),
           ledger: Optional[str] = _ledger_opt()) -> None:
    """Write the ledger (or one client) as JSON, for another firm or machine. No SSNs in it."""
    from taxdocs.ledger.exchange import export_doc
    from taxdocs.ledger.store import LedgerError
    if str(output) != "-":  # before reading the ledger: a clear word, not an OSError after the work
        if output.is_dir():
            raise LedgerError(f"export: -o {output}: a folder: give a file name (e.g. {output / 'ledger.json'})")
        if not output.parent.is_dir():
            raise LedgerError(f"export: -o {output}: folder {output.parent} does not exist")
    with _open(ledger, create=False) as store:
        doc = export_doc(store, client, scenarios=not no_scenarios)
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if str(output) == "-":
        print(text)
        return
    from taxdocs.core.files import write_atomic
    try:
        write_atomic(output, text + "\n")  # owner-only (names and amounts), whole or not at all
    except OSError as e:
        raise LedgerError(f"export: cannot write {output}: {e.strerror or e}") from None
    n = sum(len(p["years"]) for p in doc["people"])
    err.print(f"wrote {output}: {len(doc['people'])} people, {n} year versions", highlight=False)


@ledger_app.command("import")
@guarded
def import_(file: Path = typer.Argument(..., help="JSON written by `taxdocs ledger export`"),
            amend: bool = typer.Option(False, "--amend", help="where a year differs, add the file's version as a "
                                       "new version (the ledger's is kept)"),
            ledger: Optional[str] = _ledger_opt()) -> None:
    """Read a ledger export into this ledger (one transaction)."""
    from taxdocs.ledger.exchange import check_export, import_doc, read_export
    from taxdocs.ledger.store import LedgerConflict, LedgerNeedsAmend
    doc = read_export(file)
    check_export(doc, str(file))  # the whole file, before the ledger is opened (or created)
    with _open(ledger) as store:
        try:
            rep = import_doc(store, doc, amend=amend, source=file.name, file=str(file))
        except (LedgerNeedsAmend, LedgerConflict) as e:
            _refused(e)
    out.print(f"imported {file}: {len(rep.added)} year versions added, {len(rep.unchanged)} years unchanged"
              + (f", {len(rep.amended)} amended" if rep.amended else ""), highlight=False)
    for a in rep.added:
        out.print(f"  added {a}", highlight=False)


# --------------------------------------------------------------------------- seed

def _amount(text: Optional[str], opt: str) -> Optional[Decimal]:
    from decimal import InvalidOperation
    from taxdocs.ledger.store import LedgerError
    if text is None:
        return None
    try:
        d = Decimal(text.replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise LedgerError(f"{opt}: not an amount: {text!r}") from None
    if not d.is_finite() or d < 0:
        raise LedgerError(f"{opt}: must be 0 or more")
    return d


@ledger_app.command("seed")
@guarded
def seed(client: str = typer.Argument(..., help="client id"),
         year: int = typer.Option(..., "--year", help="tax year of the Form 8606"),
         f8606: Optional[Path] = typer.Option(None, "--f8606", help="that year's filled Form 8606 (PDF)"),
         ssn: Optional[str] = typer.Option(None, "--ssn", help="the person's SSN (asked for, hidden, when not "
                                           "given); only its key and last four digits are stored"),
         name: Optional[str] = typer.Option(None, "--name", help="the person's name (default: from the form)"),
         ira_basis: Optional[str] = typer.Option(None, "--ira-basis", help="basis at year end (default: line 14)"),
         roth_basis: Optional[str] = typer.Option(None, "--roth-basis",
                                                      help="Roth contribution basis left at year end"),
         roth_first_year: Optional[int] = typer.Option(None, "--roth-first-year", help="first Roth IRA year"),
         conversion: Optional[List[str]] = typer.Option(None, "--conversion",
                                                        help="a layer YEAR:AMOUNT:TAXABLE[:DISTRIBUTED]; repeat"),
         rollover: Optional[List[str]] = typer.Option(None, "--rollover",
                                                      help="IRA-to-IRA 60-day rollover distribution date; repeat"),
         year_end_value: Optional[str] = typer.Option(None, "--year-end-value", help="Dec 31 IRA value"),
         deductions_after_70: Optional[str] = typer.Option(
             None, "--deductions-after-70-half", help="IRA deductions allowed for years from the one of reaching 70½ "
             "through this year (the QCD offset, IRC §408(d)(8)(A))"),
         qcd_reductions: Optional[str] = typer.Option(
             None, "--qcd-reductions", help="QCD exclusions already reduced by them, through this year"),
         amend: bool = typer.Option(False, "--amend", help="replace a year already recorded (kept as history)"),
         ledger: Optional[str] = _ledger_opt()) -> None:
    """Start a client's history from a prior year's filled Form 8606.

    Give what the form does not show with the options (Roth basis, first Roth year, layers)."""
    from taxdocs.ledger import keys
    from taxdocs.ledger.seed import check, facts_from_8606, parse_layer, read_pdf
    from taxdocs.ledger.store import LedgerConflict, LedgerError, LedgerNeedsAmend
    if f8606 is None and ira_basis is None:
        raise LedgerError("give --f8606 FILE.pdf, or at least --ira-basis")
    if ssn is None:
        if not sys.stdin.isatty():
            raise LedgerError("give --ssn (the SSN is needed for the ledger key; only its key and last four "
                              "digits are stored)")
        ssn = typer.prompt("SSN", hide_input=True)
    try:
        keys.ssn_digits(ssn)
    except ValueError:
        raise LedgerError("--ssn: an SSN has 9 digits") from None
    read = read_pdf(f8606) if f8606 is not None else None
    if read and read.get("ssn_last4") and read["ssn_last4"] != keys.last4(ssn):
        raise LedgerError(f"{f8606} is for {keys.masked(read['ssn_last4'])}, not {keys.masked(keys.last4(ssn))}: "
                          "wrong form or wrong SSN")
    try:
        dates = tuple(date.fromisoformat(r) for r in (rollover or []))
    except ValueError:
        raise LedgerError("--rollover: dates are YYYY-MM-DD") from None
    ira_basis, roth_basis, year_end_value = (_amount(ira_basis, "--ira-basis"), _amount(roth_basis, "--roth-basis"),
                                             _amount(year_end_value, "--year-end-value"))
    facts = facts_from_8606(read, year, ira_basis=ira_basis, roth_basis=roth_basis, roth_first_year=roth_first_year,
                            layers=tuple(parse_layer(c) for c in (conversion or [])), rollovers=dates,
                            year_end_value=year_end_value,
                            deductions_after_70_half=_amount(deductions_after_70, "--deductions-after-70-half"),
                            qcd_reductions=_amount(qcd_reductions, "--qcd-reductions"))
    check(facts, year, client, name or (read or {}).get("name"))  # as an import's (taxdocs.ledger.validate)
    with _open(ledger) as store:
        try:
            o = store.seed(client, ssn, year, facts, name=name or (read or {}).get("name"),
                           source=str(f8606) if f8606 else "seed by hand", amend=amend)
        except (LedgerNeedsAmend, LedgerConflict) as e:
            _refused(e)
    what = {"new": f"seeded (version {o.version})", "unchanged": "unchanged (same figures)",
            "amended": f"seed amended: version {o.version}"}[o.status]
    out.print(f"client {client} · {o.ssn_masked} · {year}: {what}: IRA basis {_money(facts.ira_basis)}, "
              f"Roth contribution basis {_money(facts.roth_contribution_basis)}, "
              f"{len(facts.conversion_layers)} conversion layer(s)", highlight=False)
    for n in facts.notes:
        out.print(f"  {n}", markup=False, highlight=False)
    for k in facts.provisional:
        out.print(f"  [yellow]{k}: an assumption; give it to be sure[/]", highlight=False)
