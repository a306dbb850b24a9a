"""Build forms/<year>/<form>.yaml field maps from the shared field dumps.

Usage: python forms/build_maps.py [--shared ../shared/forms]

Reads <shared>/<year>/<form>.fields.json (made with pypdf from the blank)
and the blank PDF itself (for sha256). For a new revision: drop the blank
and its dump into <shared>/<year>/, add an entry to SPECS, run this, then run
tests/documents/test_positions.py, which checks every mapped field against
the printed line numbers / captions of the page.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parent.parent / "shared" / "forms"

IRS_CURRENT = "https://www.irs.gov/pub/irs-pdf/{form}.pdf"
IRS_PRIOR = "https://www.irs.gov/pub/irs-prior/{form}--{year}.pdf"

# (form, revision, tax years served, tax years with no known blank, source note, current?)
SPECS = [
    ("f8606", 2023, [2023], [2024, 2026],
     "PyPI habutax==0.2.1 wheel, habutax/forms/ty2023/f8606.pdf; line_map verified "
     "by rendering (shared dump) and by tests/documents/test_positions.py", False),
    ("f8606", 2025, [2025], [2024, 2026],
     "GitHub filedcom/opentax .state/field-dumps/cache/f8606.pdf (ffb3164b); line_map "
     "verified by rendering (shared dump) and by tests/documents/test_positions.py", True),
    ("f5329", 2025, [2025], [2023, 2024, 2026],
     "GitHub ustaxes/UsTaxes public/forms/Y2025/irs/f5329.pdf (4e4669e3); keys from the "
     "dump's XFA-text labels, checked by tests/documents/test_positions.py", True),
    ("f1099r", 2025, [2025], [2023, 2024, 2026],
     "GitHub ChrisGoAgentive/doc_gen templates/f1099r.pdf (2f8f5e06), original first "
     "revision (head -c 586922); Copy B only; keys from XFA text, checked by "
     "tests/documents/test_positions.py", True),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _entry(f: dict, **extra) -> dict:
    e = {"name": f["name"], "type": f["type"], "page": f["page"]}
    if f["type"] == "checkbox":
        assert len(f["on_values"]) == 1, f["name"]
        e["on"] = f["on_values"][0]  # pdf-notes §4: on-value from /AP /N, not /Yes
    else:
        e["max_len"] = f["max_len"]
        assert not f["comb"], f"comb field not supported: {f['name']}"
    e.update({k: v for k, v in extra.items() if v is not None})
    return e


def _caption(f: dict) -> str | None:
    c = f.get("xfa_caption")
    return c.strip() if c else None


def fields_8606(dump: dict) -> dict:
    by_name = {f["name"]: f for f in dump["fields"]}
    out = {}
    for key, name in dump["line_map"].items():
        if name is None:  # pdf-notes §12: no fillable taxpayer signature/date
            continue
        f = by_name[name]
        line = key.split(".")[0] if key[0].isdigit() else None
        out[key] = _entry(f, label=line, caption=None if line else _caption(f))
    return out


def fields_5329(dump: dict) -> dict:
    out = {}
    for f in dump["fields"]:
        if f["role_guess"]:
            out[f["role_guess"]] = _entry(f, caption=_caption(f))
        elif f["line_guess"] and f["line_guess_source"]:
            key = f["line_guess"]
            if key == "2" and (f["xfa_caption"] or "").startswith("Enter the appropriate exception"):
                out["2.exception"] = _entry(f, caption=_caption(f))
                continue
            assert key not in out, key
            out[key] = _entry(f, label=key)
    return out


_1099R_CAPTIONS = [  # caption prefix -> key (non-box fields of Copy B)
    ("CORRECTED", "corrected"),
    ("PAYER’S name", "payer_block"),
    ("PAYER’S TIN", "payer_tin"),
    ("RECIPIENT’S TIN", "recipient_tin"),
    ("RECIPIENT’S name", "recipient_name"),
    ("Street address", "recipient_street"),
    ("City or town", "recipient_city"),
    ("Account number", "account_number"),
]


def _box_key(f: dict) -> str:
    box, speak = f["line_guess"], f["xfa_speak"] or ""
    cap = f["xfa_caption"] or ""
    if box == "2b":
        return "box2b_not_determined" if "not determined" in speak else "box2b_total_distribution"
    if box == "7":
        return "box7_ira_sep_simple" if f["type"] == "checkbox" else "box7_codes"
    if box == "8":
        return "box8_percent" if cap == "%" else "box8_amount"
    if box == "12":
        return "box12_fatca"
    m = re.match(rf"{box}\. ([12])\. ", speak)  # boxes 14-19: two rows
    return f"box{box}_{m.group(1)}" if m else f"box{box}"


def fields_1099r(dump: dict) -> dict:
    out = {}
    for f in dump["fields"]:
        if ".CopyB[0]." not in f["name"]:
            continue
        if f["line_guess"]:
            key, extra = _box_key(f), {"label": f["line_guess"]}
        else:
            cap = _caption(f) or ""
            key = next(k for p, k in _1099R_CAPTIONS if cap.startswith(p))
            extra = {"caption": cap}
        if f["type"] != "text":
            extra.pop("caption", None)
            extra.pop("label", None)
        assert key not in out, key
        out[key] = _entry(f, multiline=True if key == "payer_block" else None, **extra)
    return out


BUILDERS = {"f8606": fields_8606, "f5329": fields_5329, "f1099r": fields_1099r}


def build(shared: Path, out_dir: Path) -> list[Path]:
    written = []
    for form, rev, years, missing, source, current in SPECS:
        pdf = shared / str(rev) / f"{form}.pdf"
        dump = json.loads((shared / str(rev) / f"{form}.fields.json").read_text())
        prior = IRS_PRIOR.format(form=form, year=rev)
        doc = {
            "form": form,
            "revision": rev,
            "tax_years": years,
            "tax_years_without_blank": missing,
            "sha256": sha256(pdf),
            "size": pdf.stat().st_size,
            "pages": dump["pages"],
            # the current URL serves this revision only until the next one is
            # published; then it moves to url_prior (blanks.fetch tries both)
            "url": IRS_CURRENT.format(form=form) if current else prior,
            "url_prior": prior,
            "source": source,
            "fields": BUILDERS[form](dump),
        }
        path = out_dir / str(rev) / f"{form}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        header = f"# generated by forms/build_maps.py from {form}.fields.json; do not edit by hand\n"
        path.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))
        written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=HERE)
    a = ap.parse_args()
    for p in build(a.shared, a.out):
        print(p)


if __name__ == "__main__":
    main()
