"""Export and import the ledger as JSON (moving a client between firms or machines).

Format `taxdocs.ledger-export/1`:

    {"schema": "taxdocs.ledger-export/1", "exported_at": "...", "schema_revision": "0003",
     "people": [{"client_id", "ssn_key", "ssn_last4", "name",
                 "years": [{"tax_year", "version", "current", "kind", "source", "committed_at",
                            "content_hash", "facts": {...}, "scenario": {...} | null}]}]}

Amounts are strings ("7000", "12.5"), dates ISO. No SSN: people are matched by client id and
SSN key (the same in every taxdocs install). `scenario` is the stored input with SSNs replaced
by key and last four digits; its sha256 is checked against `content_hash` on import.

Import is one transaction. Per person-year: a year the ledger lacks takes every version in the
file; a year whose current version is in the file takes the later versions; a year whose current
version is not in the file is a conflict, refused unless `amend` (then the file's current version
is added as a new version, the ledger's kept as history).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from taxdocs.ledger import keys
from taxdocs.ledger.store import CarryFacts, Entry, LedgerError, LedgerNeedsAmend, LedgerStore, schema_revision

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
            "schema_revision": schema_revision(store.engine), "people": out}


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)       # "C-1 ***-**-6789 2025 v1"
    unchanged: list[str] = field(default_factory=list)
    amended: list[str] = field(default_factory=list)


def _bad(where: str, what: str) -> LedgerError:
    return LedgerError(f"import: {where}: {what}")


def _check(doc) -> None:
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise _bad("(top)", f"not a taxdocs ledger export (schema must be {SCHEMA!r})")
    if not isinstance(doc.get("people"), list):
        raise _bad("people", "must be a list")
    for i, p in enumerate(doc["people"]):
        w = f"people[{i}]"
        for k in ("client_id", "ssn_key", "ssn_last4"):
            if not isinstance(p.get(k), str) or not p[k]:
                raise _bad(f"{w}.{k}", "required text")
        if len(p["ssn_key"]) != 64 or any(c not in "0123456789abcdef" for c in p["ssn_key"]):
            raise _bad(f"{w}.ssn_key", "must be 64 lowercase hex characters")
        if len(p["ssn_last4"]) != 4 or not p["ssn_last4"].isdigit():
            raise _bad(f"{w}.ssn_last4", "must be four digits")
        for j, y in enumerate(p.get("years") or []):
            wy = f"{w}.years[{j}]"
            for k in ("tax_year", "version"):
                if not isinstance(y.get(k), int):
                    raise _bad(f"{wy}.{k}", "required whole number")
            if not isinstance(y.get("content_hash"), str):
                raise _bad(f"{wy}.content_hash", "required text")
            try:
                CarryFacts.from_dict(y.get("facts") or {})
            except (KeyError, ValueError, TypeError, ArithmeticError) as e:
                raise _bad(f"{wy}.facts", f"cannot read ({type(e).__name__}: {e})") from None
            if y.get("scenario") is not None and keys.content_hash(keys.dumps(y["scenario"])) != y["content_hash"]:
                raise _bad(f"{wy}.scenario", "does not match its content_hash (edited or damaged export)")


def import_doc(store: LedgerStore, doc: dict, *, amend: bool = False, source: Optional[str] = None) -> ImportReport:
    _check(doc)
    rep = ImportReport()
    plan = []  # (entry, tax_year, [year dicts to add], allow_amend)
    refuse = []
    for p in doc["people"]:
        current = {r.tax_year: r for r in store.current_years(p["client_id"], p["ssn_key"])}
        by_year: dict[int, list[dict]] = {}
        for y in sorted(p.get("years") or [], key=lambda y: (y["tax_year"], y["version"])):
            by_year.setdefault(y["tax_year"], []).append(y)
        for year, versions in by_year.items():
            label = f"{p['client_id']} {keys.masked(p['ssn_last4'])} {year}"
            have = current.get(year)
            hashes = [v["content_hash"] for v in versions]
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
            entry_base = (p["client_id"], p["ssn_key"], p["ssn_last4"], p.get("name"))
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
                at = max(at, _when(v.get("committed_at")) or at)
                steps.append((at, year, v["version"], base, v))
        steps.sort(key=lambda t: t[:3])
        for _, year, _, (cid, key, last4, name), v in steps:
            e = Entry(cid, key, last4, name, "taxpayer", CarryFacts.from_dict(v["facts"]))
            scen = keys.dumps(v["scenario"]) if v.get("scenario") is not None else None
            when = _when(v.get("committed_at"))
            src = f"import{' ' + source if source else ''}: {v.get('kind', 'commit')}" + \
                  (f" of {v['source']}" if v.get("source") else "")
            outs = store._record(s, [e], year, v["content_hash"], scen, "import", src, True, None, when)
            for o in outs:
                if o.status != "unchanged":
                    rep.added.append(f"{cid} {keys.masked(last4)} {year} v{o.version}")
    return rep


def _when(text: Optional[str]) -> Optional[datetime]:
    if not text:
        return None
    try:
        d = datetime.fromisoformat(text)
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def read_export(path) -> dict:
    from pathlib import Path
    p = Path(path)
    if not p.exists():
        raise LedgerError(f"import: {p}: file not found")
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise LedgerError(f"import: {p}: not valid JSON (line {e.lineno}: {e.msg})") from None
