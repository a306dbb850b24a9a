"""A realistic synthetic tax season (deterministic): Form 1099-R scenarios for taxdocs batch.

    python bench/synth.py 10000 -o season.jsonl               # JSON Lines (default)
    python bench/synth.py 500 --format csv -o season/         # season/forms.csv + season/clients.csv
    python bench/synth.py 50 --format dir -o season/          # one YAML file per client
    python bench/synth.py --copy-b client.pdf                 # one filled 1099-R Copy B (needs the blank)

Mix (weights in PROFILES): IRA distributions (code 7, early code 1, QCDs), plan direct
rollovers (G) incl. Notice 2014-54 splits of after-tax money to a Roth IRA, indirect
rollovers with 20% withholding (some deposited late, some only partly), backdoor Roth
conversions (clean and pro-rata), partial conversions with basis, Roth IRA
distributions (J, Q, T), designated Roth rollovers (H), joint returns with both
spouses' forms, 2024/2023 returns among the 2025 ones, and about 2% deliberately bad
records (box 2a > box 1, missing birth date, 8-digit SSN, unknown code, date outside the
year, indirect rollover without a date, unknown field, and invalid JSON lines).
The same seed gives the same season, byte for byte.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator

REPO = Path(__file__).resolve().parents[1]
FIRST = ["Alex", "Jordan", "Casey", "Riley", "Morgan", "Taylor", "Jamie", "Avery", "Quinn", "Drew", "Robin",
         "Pat", "Sam", "Kerry", "Dana", "Lee", "Maria", "Wei", "Priya", "Omar", "Elena", "Kofi", "Hana", "Luis"]
LAST = ["Rivera", "Chen", "Patel", "Nguyen", "Smith", "Garcia", "Kowalski", "Okafor", "Brooks", "Lee", "Morgan",
        "Novak", "Haddad", "Silva", "Tanaka", "Schmidt", "Dubois", "Rossi", "Khan", "Larsen"]
PLANS = ["Acme Corp 401(k) Plan", "Widget Inc. Savings Plan", "State Teachers 403(b)", "BigCo 401(k)",
         "City of Springfield 457(b)", "Regional Health 403(b) Plan", "Northwind Retirement Plan"]
IRA_PAYERS = ["Brokerage Trust Co", "Fidelis Custodial Services", "Vanguardian IRA Custodian",
              "First National Bank IRA", "Schwabish Trust Company"]


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.n = 0

    def amount(self, lo: int, hi: int, cents: bool = False) -> Any:
        v = self.r.randint(lo, hi)
        if cents and self.r.random() < 0.5:
            return f"{v}.{self.r.randint(0, 99):02d}"
        return v

    def tin(self) -> str:
        return f"{self.r.randint(10, 99)}-{self.r.randint(1000000, 9999999)}"

    def person(self, year: int, age_lo: int, age_hi: int) -> dict:
        age = self.r.randint(age_lo, age_hi)
        born = date(year - age, self.r.randint(1, 12), self.r.randint(1, 28))
        self.n += 1
        return {"name": f"{self.r.choice(FIRST)} {self.r.choice(LAST)}",
                "ssn": f"400-{self.r.randint(10, 99)}-{self.r.randint(1000, 9999)}",
                "birth_date": born.isoformat()}

    def paid(self, year: int, month_hi: int = 11) -> date:
        return date(year, self.r.randint(1, month_hi), self.r.randint(1, 28))

    def payer(self, plan: bool) -> dict:
        return {"name": self.r.choice(PLANS if plan else IRA_PAYERS), "tin": self.tin()}


def _ira_form(g: Gen, fid: str, year: int, code: str, box1: Any, **kw: Any) -> dict:
    f = {"id": fid, "payer": g.payer(False), "account_number": f"IRA-{g.r.randint(10000, 99999)}",
         "box1": box1, "box2a": box1, "box2b_not_determined": True, "box7": [code], "box7_ira_sep_simple": True,
         "date_paid": g.paid(year).isoformat()}
    f.update(kw)
    return f


# --- profiles: each returns (scenario) -------------------------------------------------------

def p_ira_normal(g: Gen, year: int) -> dict:
    box1 = g.amount(2000, 60000, cents=True)
    sc = _base(g, year, 60, 78)
    sc["forms_1099r"] = [_ira_form(g, "ira-dist", year, "7", box1, box4=round(float(box1) * 0.1))]
    sc["taxpayer"]["ira"] = {"year_end_value": g.amount(20000, 900000)}
    return sc


def p_ira_early(g: Gen, year: int) -> dict:
    sc = _base(g, year, 30, 58)
    box1 = g.amount(1000, 30000)
    f = _ira_form(g, "ira-early", year, "1", box1, box4=box1 // 10)
    if g.r.random() < 0.3:
        f["exceptions"] = [{"number": g.r.choice(["01", "05", "07", "09"])}]
    sc["forms_1099r"] = [f]
    sc["taxpayer"]["ira"] = {"year_end_value": g.amount(0, 200000)}
    return sc


def p_direct_rollover(g: Gen, year: int) -> dict:
    sc = _base(g, year, 35, 70)
    box1 = g.amount(20000, 600000)
    sc["forms_1099r"] = [{"id": "plan-g", "payer": g.payer(True), "account_number": f"401K-{g.r.randint(1000, 9999)}",
                          "box1": box1, "box2a": 0, "box2b_total_distribution": True, "box7": ["G"],
                          "date_paid": g.paid(year).isoformat(),
                          "uses": [{"kind": "direct_rollover", "to": "traditional_ira", "amount": box1}]}]
    sc["taxpayer"]["ira"] = {"year_end_value": box1 + g.amount(0, 50000)}
    return sc


def p_plan_split(g: Gen, year: int) -> dict:
    """Notice 2014-54: pre-tax to a traditional IRA, after-tax to a Roth IRA, same day, two forms."""
    sc = _base(g, year, 50, 66)
    pre, after = g.amount(50000, 500000), g.amount(5000, 150000)
    payer, acct, paid = g.payer(True), f"401K-{g.r.randint(1000, 9999)}", g.paid(year).isoformat()
    sc["forms_1099r"] = [
        {"id": "plan-pretax", "payer": payer, "account_number": acct, "box1": pre, "box2a": 0,
         "box2b_total_distribution": True, "box7": ["G"], "date_paid": paid,
         "uses": [{"kind": "direct_rollover", "to": "traditional_ira", "amount": pre}]},
        {"id": "plan-aftertax", "payer": payer, "account_number": acct, "box1": after, "box2a": 0,
         "box2b_total_distribution": True, "box5": after, "box7": ["G"], "date_paid": paid,
         "uses": [{"kind": "direct_rollover", "to": "roth_ira", "amount": after}]}]
    sc["taxpayer"]["ira"] = {"year_end_value": pre + g.amount(0, 20000)}
    return sc


def p_indirect(g: Gen, year: int) -> dict:
    """Plan check with 20% withheld; redeposited within 60 days, late, or only in part."""
    sc = _base(g, year, 30, 64)
    box1 = g.amount(10000, 120000)
    withheld = box1 // 5
    paid = g.paid(year, 10)
    roll = g.r.random()
    days = g.r.randint(65, 120) if roll < 0.25 else g.r.randint(5, 58)
    deposited = box1 if roll > 0.6 else box1 - withheld
    code = "7" if sc["_age"] >= 60 else "1"
    sc["forms_1099r"] = [{"id": "plan-check", "payer": g.payer(True), "account_number": f"P-{g.r.randint(100, 999)}",
                          "box1": box1, "box2a": box1, "box2b_total_distribution": True, "box4": withheld,
                          "box7": [code], "date_paid": paid.isoformat(),
                          "uses": [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": deposited,
                                    "date": (paid + timedelta(days=days)).isoformat()}]}]
    if days > 60 and g.r.random() < 0.3:
        sc["forms_1099r"][0]["uses"][0]["waiver"] = {"kind": "self_certification", "reason": g.r.randint(1, 11)}
    sc["taxpayer"]["ira"] = {"year_end_value": deposited + g.amount(0, 100000)}
    return sc


def p_backdoor(g: Gen, year: int) -> dict:
    sc = _base(g, year, 28, 58)
    contrib = 7000 if year >= 2024 else 6500
    spoiled = g.r.random() < 0.3
    sc["taxpayer"]["ira"] = {"nondeductible_contributions": contrib, "prior_basis": 0,
                             "year_end_value": g.amount(10000, 300000) if spoiled else 0}
    sc["forms_1099r"] = [_ira_form(g, "ira-conversion", year, "2", contrib,
                                   uses=[{"kind": "conversion", "to": "roth_ira", "amount": contrib,
                                          "basis_only_intent": True}])]
    sc["income"] = {"other_taxable_income": g.amount(160000, 400000)}
    return sc


def p_partial_conversion(g: Gen, year: int) -> dict:
    sc = _base(g, year, 45, 72)
    conv = g.amount(10000, 100000)
    sc["taxpayer"]["ira"] = {"prior_basis": g.amount(0, 40000), "year_end_value": g.amount(50000, 800000)}
    sc["forms_1099r"] = [_ira_form(g, "ira-conversion", year, "7" if sc["_age"] >= 60 else "2", conv,
                                   uses=[{"kind": "conversion", "to": "roth_ira", "amount": conv}])]
    return sc


def p_roth_dist(g: Gen, year: int) -> dict:
    sc = _base(g, year, 30, 75)
    box1 = g.amount(2000, 40000)
    age = sc["_age"]
    code = "Q" if age >= 60 and g.r.random() < 0.7 else ("T" if age >= 60 else "J")
    f = {"id": "roth-dist", "payer": g.payer(False), "box1": box1, "box2b_not_determined": True, "box7": [code],
         "date_paid": g.paid(year).isoformat()}
    sc["forms_1099r"] = [f]
    first = year - g.r.randint(1, 20)
    sc["taxpayer"]["roth"] = {"first_contribution_year": first, "contribution_basis": g.amount(0, 60000)}
    if g.r.random() < 0.4:
        sc["taxpayer"]["roth"]["conversions"] = [{"year": first + 1 if first + 1 < year else first,
                                                  "amount": 20000, "taxable": 20000}]
    return sc


def p_drac_rollover(g: Gen, year: int) -> dict:
    sc = _base(g, year, 40, 70)
    box1 = g.amount(20000, 300000)
    basis = int(box1 * g.r.uniform(0.4, 0.9))
    sc["forms_1099r"] = [{"id": "roth-401k", "payer": g.payer(True), "account_number": f"R401-{g.r.randint(10, 99)}",
                          "box1": box1, "box2a": 0, "box2b_total_distribution": True, "box5": basis, "box7": ["H"],
                          "box11": year - g.r.randint(2, 15), "date_paid": g.paid(year).isoformat()}]
    return sc


def p_qcd(g: Gen, year: int) -> dict:
    sc = _base(g, year, 71, 88)
    box1 = g.amount(5000, 40000)
    qcd = min(box1, g.amount(1000, 20000))
    sc["forms_1099r"] = [_ira_form(g, "ira-rmd", year, "7", box1,
                                   uses=[{"kind": "qcd", "amount": qcd}])]
    sc["taxpayer"]["ira"] = {"year_end_value": g.amount(100000, 900000)}
    return sc


def p_joint(g: Gen, year: int) -> dict:
    sc = g.r.choice([p_ira_normal, p_direct_rollover, p_backdoor, p_indirect])(g, year)
    sc["filing_status"] = "mfj"
    sc["spouse"] = g.person(year, 30, 75)
    box1 = g.amount(3000, 50000)
    f = _ira_form(g, "spouse-ira", year, "7" if g.r.random() < 0.7 else "1", box1, recipient="spouse")
    spouse_age = year - int(sc["spouse"]["birth_date"][:4])
    if spouse_age < 60 and f["box7"] == ["7"]:
        f["box7"] = ["1"]
    sc["forms_1099r"].append(f)
    sc["spouse"]["ira"] = {"year_end_value": g.amount(0, 300000)}
    return sc


PROFILES: list[tuple[Callable[[Gen, int], dict], int]] = [
    (p_ira_normal, 22), (p_ira_early, 8), (p_direct_rollover, 14), (p_plan_split, 5), (p_indirect, 10),
    (p_backdoor, 10), (p_partial_conversion, 7), (p_roth_dist, 8), (p_drac_rollover, 4), (p_qcd, 4), (p_joint, 8),
]


def _base(g: Gen, year: int, lo: int, hi: int) -> dict:
    p = g.person(year, lo, hi)
    return {"tax_year": year, "filing_status": g.r.choice(["single", "single", "hoh"]), "taxpayer": p,
            "income": {"other_taxable_income": g.amount(15000, 250000)},
            "_age": year - int(p["birth_date"][:4])}


def _spoil(g: Gen, sc: dict) -> dict:
    """Deliberately bad records: one realistic mistake each."""
    f = sc["forms_1099r"][0]
    kind = g.r.randrange(7)
    if kind == 0:
        f["box2a"] = int(float(f["box1"])) + g.amount(1, 5000)           # box 2a > box 1
    elif kind == 1:
        sc["taxpayer"].pop("birth_date")                                   # age decides the 10% tax
    elif kind == 2:
        sc["taxpayer"]["ssn"] = sc["taxpayer"]["ssn"][:-1]                 # 8-digit SSN
    elif kind == 3:
        f["box7"] = ["Z"]                                                  # unknown code
    elif kind == 4:
        f["date_paid"] = f"{sc['tax_year'] - 1}-12-15"                     # outside the year
    elif kind == 5:
        f["uses"] = [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": f["box1"]}]  # no date
    else:
        f["box_1"] = f.pop("box1")                                         # misspelt field
    return sc


def season(n: int, seed: int = 2025, bad: float = 0.02) -> Iterator[tuple[str, Any]]:
    """(client_id, scenario dict) or (client_id, str) for an invalid JSON line."""
    g = Gen(seed)
    profiles, weights = zip(*PROFILES)
    for i in range(n):
        cid = f"C{i + 1:06d}"
        roll = g.r.random()
        if roll < bad * 0.15:
            yield cid, '{"client_id": "%s", "tax_year": 2025, "filing_status": "single", ' % cid  # truncated line
            continue
        year = 2025 if g.r.random() < 0.9 else g.r.choice([2024, 2024, 2023])
        sc = g.r.choices(profiles, weights)[0](g, year)
        sc.pop("_age", None)
        sc = {"client_id": cid, **sc}
        if roll < bad:
            sc = _spoil(g, sc)
        yield cid, sc


# --- writers ----------------------------------------------------------------------------------

def write_jsonl(n: int, seed: int, out: Path) -> None:
    with open(out, "w", encoding="utf-8") as fh:
        for _, sc in season(n, seed):
            fh.write((sc if isinstance(sc, str) else json.dumps(sc, separators=(",", ":"))) + "\n")


def write_dir(n: int, seed: int, out: Path) -> None:
    import yaml
    out.mkdir(parents=True, exist_ok=True)
    for cid, sc in season(n, seed):
        if isinstance(sc, str):
            (out / f"{cid}.yaml").write_text("tax_year: [2025\n", encoding="utf-8")  # YAML syntax error
        else:
            (out / f"{cid}.yaml").write_text(yaml.safe_dump(sc, sort_keys=False), encoding="utf-8")


def _flatten(d: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _flatten(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(d, list) and d and all(isinstance(x, dict) for x in d):
        for i, v in enumerate(d):
            yield from _flatten(v, f"{prefix}[{i}]")
    else:
        yield prefix, d


def _cell(v: Any, typ: str) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if typ == "codes":
        return "".join(v)
    if typ == "dates":
        return ";".join(x["distribution_date"] for x in v)
    if typ == "exceptions":
        return ";".join(x["number"] + (f":{x['amount']}" if x.get("amount") is not None else "") for x in v)
    return str(v)


def _to_row(d: dict, columns: dict, skip: tuple = ()) -> dict:
    """Scenario/form dict -> CSV cells; what has no column goes to extra_json."""
    by_path = {p: (c, t) for c, (p, t) in columns.items() if p}
    row: dict[str, str] = {}
    extra: dict = {}
    for path, v in _flatten({k: v for k, v in d.items() if k not in skip}):
        top = path.split("[")[0].split(".")[0]
        if path in by_path:
            c, t = by_path[path]
            row[c] = _cell(v, t)
        elif top in by_path and by_path[top][1] in ("codes", "dates", "exceptions"):
            c, t = by_path[top]
            row[c] = _cell(d[top], t)
        elif isinstance(v, list) and top in by_path:
            row[by_path[top][0]] = _cell(v, by_path[top][1])
        else:
            from taxdocs.batch.csvpair import set_path
            set_path(extra, path, v)
    if extra:
        row["extra_json"] = json.dumps(extra, separators=(",", ":"))
    return row


def write_csv(n: int, seed: int, out: Path) -> None:
    from taxdocs.batch.csvpair import CLIENT_COLUMNS, FORM_COLUMNS
    out.mkdir(parents=True, exist_ok=True)
    fcols = [c for c in FORM_COLUMNS]
    ccols = [c for c in CLIENT_COLUMNS]
    with open(out / "forms.csv", "w", newline="", encoding="utf-8") as ff, \
            open(out / "clients.csv", "w", newline="", encoding="utf-8") as cf:
        fw = csv.DictWriter(ff, fcols)
        cw = csv.DictWriter(cf, ccols)
        fw.writeheader()
        cw.writeheader()
        for cid, sc in season(n, seed):
            if isinstance(sc, str):
                cw.writerow({"client_id": cid, "tax_year": "20x5", "filing_status": "single"})
                continue
            crow = _to_row(sc, CLIENT_COLUMNS, skip=("forms_1099r",))
            cw.writerow(crow)
            for f in sc.get("forms_1099r", []):
                frow = _to_row(f, FORM_COLUMNS)
                frow["client_id"] = cid
                fw.writerow(frow)


def copy_b(out: Path, forms_dir: Path) -> None:
    """One filled Form 1099-R Copy B (2025), plus its facts file, for `taxdocs batch`/`import-1099r`."""
    sys.path.insert(0, str(REPO))
    from taxdocs.batch.pdf1099r import fill_copy_b
    blank = forms_dir / "2025" / "f1099r.pdf"
    form = {"payer": {"name": "OldJob LLC 401(k) Plan", "tin": "27-9876543", "address": "100 Main St, Springfield, IL 62701"},
            "account_number": "OJ-5521", "box1": 50000, "box2a": 50000, "box2b_total_distribution": True,
            "box4": 10000, "box7": ["1"], "box13": "03/03/2025",
            "state": [{"tax_withheld": 2000, "state": "IL", "payer_state_no": "1234567", "distribution": 50000}]}
    recipient = {"name": "Jordan Lee", "tin": "400-44-5504", "street": "12 Elm St", "city": "Springfield, IL 62704"}
    out.write_bytes(fill_copy_b(form, recipient, blank))
    out.with_name(out.stem + ".facts.yaml").write_text(
        "# facts the 1099-R does not give (see docs/batch.md)\nfiling_status: single\n"
        "taxpayer: {birth_date: 1980-06-12, ira: {year_end_value: 41250}}\n"
        "income: {other_taxable_income: 65000}\n"
        "form_1099r:\n  id: oldjob-401k\n  uses:\n"
        "    - {kind: indirect_rollover, to: traditional_ira, amount: 40000, date: 2025-04-25}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("-o", "--out", type=Path)
    ap.add_argument("--format", choices=("jsonl", "csv", "dir"), default="jsonl")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--copy-b", type=Path, help="write one filled Form 1099-R Copy B PDF here (and its .facts.yaml)")
    ap.add_argument("--forms-dir", type=Path, default=REPO.parent / "shared" / "forms")
    a = ap.parse_args(argv)
    if a.copy_b:
        copy_b(a.copy_b, a.forms_dir)
        print(f"wrote {a.copy_b} and {a.copy_b.with_name(a.copy_b.stem + '.facts.yaml')}")
        return
    if a.out is None:
        ap.error("-o/--out is required")
    sys.path.insert(0, str(REPO))
    {"jsonl": write_jsonl, "csv": write_csv, "dir": write_dir}[a.format](a.n, a.seed, a.out)
    print(f"wrote {a.n} records ({a.format}) to {a.out}")


if __name__ == "__main__":
    main()
