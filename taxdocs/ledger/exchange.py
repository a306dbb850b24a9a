"""Export and import the ledger as JSON (moving a client between firms or machines).

Format `taxdocs.ledger-export/1`:

    {"schema": "taxdocs.ledger-export/1", "exported_at": "...", "schema_revision": "0003",
     "people": [{"client_id", "ssn_key", "ssn_last4", "name",
                 "years": [{"tax_year", "version", "current", "kind", "source", "committed_at",
                            "content_hash", "facts": {...}, "scenario": {...} | null}]}]}

Amounts are strings ("7000", "12.5"), dates ISO. No SSN: people are matched by client id and
SSN key (the same in every taxdocs install). `scenario` is the stored input with SSNs replaced
by key and last four digits; its sha256 is checked against `content_hash` on import.

Import checks the whole file first (taxdocs.ledger.validate: the facts as the scenario model would take them, no
unknown key, the years against the scenario's tax year and people, no (tax_year, version) twice) and writes nothing
unless all of it is right; each problem is named `import: FILE: people[0].years[1].facts.ira_basis: reason`.

Import is one transaction. Per person-year: a year the ledger lacks takes every version in the
file; a year whose current version is in the file takes the later versions; a year whose current
version is not in the file is a conflict, refused unless `amend` (then the file's current version
is added as a new version, the ledger's kept as history).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Optional

from taxdocs.ledger import keys
from taxdocs.ledger.store import SCHEMA_HEAD, CarryFacts, Entry, LedgerError, LedgerNeedsAmend, LedgerStore

SCHEMA = "taxdocs.ledger-export/1"


def export_doc(store: LedgerStore, client_id: Optional[str] = None, *, scenarios: bool = True) -> dict:
    people = store.people(client_id)
    if client_id is not None and not people:
        raise LedgerError(f"no client {client_id!r} in the ledger {store.display_url}")
    out = []
    for p in people:
        years = []
        for y in p.years:
            scen = store.scenario_json(p.client_id, p.ssn_key, y.tax_year, y.version) if scenarios else None
            years.append({"tax_year": y.tax_year, "version": y.version, "current": y.current, "kind": y.kind,
                          "source": y.source, "committed_at": y.committed_at.isoformat(),
                          "content_hash": y.content_hash, "facts": y.facts.as_dict(), "scenario": scen})
        out.append({"client_id": p.client_id, "ssn_key": p.ssn_key, "ssn_last4": p.ssn_last4, "name": p.name,
                    "years": years})
    return {"schema": SCHEMA, "exported_at": datetime.now(timezone.utc).isoformat(),
            "schema_revision": store.schema_revision(), "people": out}


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)       # "C-1 ***-**-6789 2025 v1"
    unchanged: list[str] = field(default_factory=list)
    amended: list[str] = field(default_factory=list)


MAX_SHOWN = 20  # problems listed; the rest are counted


def _refuse(file: str, problems: list[tuple[str, str]]) -> LedgerError:
    problems = list(dict.fromkeys(problems))  # one person's label wrong in each of its years: said once
    lines = [f"import: {file}: {p}: {r}" if p else f"import: {file}: {r}" for p, r in problems[:MAX_SHOWN]]
    if len(problems) > MAX_SHOWN:
        lines.append(f"... and {len(problems) - MAX_SHOWN} more")
    return LedgerError("\n".join(lines + ["Nothing was imported."]))


def check_export(doc, file: str = "<export>"):
    """The whole export checked before anything is written (taxdocs.ledger.validate); a `validate.Export`, or a
    LedgerError naming each bad place: `import: FILE: people[0].years[1].facts.ira_basis: must be 0 or more`."""
    from taxdocs.ledger import validate as v
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise _refuse(file, [("schema", f"not a taxdocs ledger export (schema must be {SCHEMA!r})")])
    rev = doc.get("schema_revision")
    if isinstance(rev, str) and rev.isdigit() and int(rev) > int(SCHEMA_HEAD):
        raise _refuse(file, [("schema_revision", f"{rev!r} is newer than this taxdocs knows ({SCHEMA_HEAD}): "
                              "upgrade taxdocs to import it")])
    if v.too_deep(doc):
        raise _refuse(file, [("", f"nested more than {v.MAX_NESTING} levels deep: not a ledger export")])
    try:
        model = v.export_model(doc)
    except v.Problems as e:
        raise _refuse(file, e.items) from None
    problems: list[tuple[str, str]] = []
    seen_people: dict[tuple[str, str], int] = {}
    for i, p in enumerate(model.people):
        w = f"people[{i}]"
        if (p.client_id, p.ssn_key) in seen_people:
            first = seen_people[p.client_id, p.ssn_key]
            problems.append((w, f"client {p.client_id!r} with the same SSN key as people[{first}]: give each person "
                             "once"))
        seen_people.setdefault((p.client_id, p.ssn_key), i)
        seen: dict[tuple[int, int], int] = {}
        for j, y in enumerate(p.years):
            wy = f"{w}.years[{j}]"
            if (y.tax_year, y.version) in seen:
                problems.append((wy, f"tax_year {y.tax_year} version {y.version} again (also years"
                                 f"[{seen[y.tax_year, y.version]}])"))
            seen.setdefault((y.tax_year, y.version), j)
            problems += [(f"{wy}.facts.{k}", r) for k, r in v.year_problems(y.facts, y.tax_year)]
            if y.scenario is not None:
                problems += _scenario_problems(p, y, w, wy)
    if problems:
        raise _refuse(file, problems)
    return model


def _scenario_problems(p, y, w: str, wy: str) -> list[tuple[str, str]]:
    """The stored scenario against its hash, and the year's labels against the scenario (a relabelled year)."""
    from taxdocs.ledger import validate as v
    try:
        text = keys.dumps(y.scenario)
    except (TypeError, ValueError, ArithmeticError) as e:
        return [(f"{wy}.scenario", f"cannot be read ({e})")]
    if keys.content_hash(text) != y.content_hash:
        return [(f"{wy}.scenario", "does not match its content_hash (edited or damaged export)")]
    sc, out = y.scenario, []
    if sc.get("tax_year") != y.tax_year:
        out.append((f"{wy}.tax_year", f"{y.tax_year}, but its scenario is for {sc.get('tax_year')}"))
    if "seed" in sc:  # a seed: {"seed": facts, "client_id", "ssn_key", "tax_year"} (LedgerStore.seed)
        if sc.get("ssn_key") != p.ssn_key:
            out.append((f"{wy}.scenario", "its seed is for another person (SSN key)"))
        try:
            recorded = CarryFacts.from_model(v.facts_model(sc["seed"])).as_dict()
        except v.Problems:
            return out + [(f"{wy}.scenario.seed", "not a readable seed record")]
        if recorded != CarryFacts.from_model(y.facts).as_dict():
            out.append((f"{wy}.facts", "differ from the seed record its content_hash covers (edited)"))
        return out
    people = {q.get("ssn_key"): q for q in (sc.get("taxpayer"), sc.get("spouse")) if isinstance(q, dict)}
    if p.ssn_key not in people:
        out.append((f"{wy}.scenario", f"names no person with this SSN key ({p.client_id}, "
                    f"{keys.masked(p.ssn_last4)}): the year belongs to someone else"))
    elif people[p.ssn_key].get("ssn_last4") != p.ssn_last4:
        said = people[p.ssn_key].get("ssn_last4")
        out.append((f"{w}.ssn_last4", f"{p.ssn_last4!r}, but the year's scenario has {said!r} for this SSN key"))
    return out


def import_doc(store: LedgerStore, doc: dict, *, amend: bool = False, source: Optional[str] = None,
               file: Optional[str] = None) -> ImportReport:
    model = check_export(doc, file or source or "<export>")
    rep = ImportReport()
    plan = []  # (entry, tax_year, [years to add])
    refuse = []
    for p in model.people:
        current = {r.tax_year: r for r in store.current_years(p.client_id, p.ssn_key)}
        by_year: dict[int, list] = {}
        for y in sorted(p.years, key=lambda y: (y.tax_year, y.version)):
            by_year.setdefault(y.tax_year, []).append(y)
        for year, versions in by_year.items():
            label = f"{p.client_id} {keys.masked(p.ssn_last4)} {year}"
            have = current.get(year)
            hashes = [v.content_hash for v in versions]
            if have is None:
                todo = versions
            elif have.content_hash == hashes[-1]:
                rep.unchanged.append(label)
                continue
            elif have.content_hash in hashes:
                todo = versions[hashes.index(have.content_hash) + 1:]
            else:
                if not amend:
                    refuse.append(f"{label}: the ledger's version {have.version} is not in the file")
                    continue
                todo = versions[-1:]
                rep.amended.append(label)
            entry_base = (p.client_id, p.ssn_key, p.ssn_last4, p.name)
            plan.append((entry_base, year, todo))
    if refuse:
        raise LedgerNeedsAmend("import refused, nothing was written; these years differ from the ledger:\n  "
                               + "\n  ".join(refuse) + "\nUse --amend to add the file's version as a new version "
                               "(the ledger's is kept as history).")
    with store.transaction("another writer changed the same years during the import; nothing was imported. "
                           "Run the import again.") as s:
        # in the order they were first committed, across years, so which year was figured from which version of the
        # year before holds as in the exported ledger (LEDGER_STALE reads it from the commit order)
        steps = []
        for base, year, todo in plan:
            at = datetime.min.replace(tzinfo=timezone.utc)
            for v in todo:  # a year's versions stay in their order, whatever their times say (a clock set back)
                at = max(at, _when(v.committed_at) or at)
                steps.append((at, year, v.version, base, v))
        steps.sort(key=lambda t: t[:3])
        for _, year, _, (cid, key, last4, name), v in steps:
            e = Entry(cid, key, last4, name, "taxpayer", CarryFacts.from_model(v.facts))
            scen = keys.dumps(v.scenario) if v.scenario is not None else None
            src = f"import{' ' + source if source else ''}: {v.kind}" + (f" of {v.source}" if v.source else "")
            outs = store._record(s, [e], year, v.content_hash, scen, "import", src, True, None, _when(v.committed_at))
            for o in outs:
                if o.status != "unchanged":
                    rep.added.append(f"{cid} {keys.masked(last4)} {year} v{o.version}")
    return rep


def _when(d: Optional[datetime]) -> Optional[datetime]:
    if d is None:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def read_export(path) -> dict:
    """The export file as JSON: exact decimals, no NaN or Infinity, no key given twice; clear errors, never a
    traceback (a folder, not UTF-8, nested without end)."""
    from pathlib import Path
    p = Path(path)
    if not p.exists():
        raise LedgerError(f"import: {p}: file not found")
    if p.is_dir():
        raise LedgerError(f"import: {p}: a folder, not an export file: give the .json file `taxdocs ledger export` "
                          "wrote")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LedgerError(f"import: {p}: not a ledger export (not UTF-8 text)") from None
    except OSError as e:
        raise LedgerError(f"import: {p}: cannot read it ({e.strerror})") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=_once)
    except json.JSONDecodeError as e:
        raise LedgerError(f"import: {p}: not valid JSON (line {e.lineno}: {e.msg})") from None
    except ValueError as e:
        raise LedgerError(f"import: {p}: not valid JSON ({e})") from None
    except RecursionError:
        raise LedgerError(f"import: {p}: nested without end: not a ledger export") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def _once(pairs: list) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"the key {k!r} is given twice in one object")
        out[k] = v
    return out
