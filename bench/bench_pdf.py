"""Form 8606 fill throughput: pypdf clone+fill vs fill.py vs fastfill.

    python bench/bench_pdf.py [--n 300] [--year 2025] [--forms-dir ../shared/forms]

(i)   pypdf: PdfWriter(clone_from=blank) per document, fill with the map's
      names (appearance streams by pypdf, auto_regenerate=False), drop /XFA
(ii)  taxdocs.documents.fill.fill_8606 (pikepdf, blank parsed per document)
(iii) taxdocs.documents.fastfill.fastfill_8606 (blank parsed once per
      process, incremental update per document)
Each runs over N documents in one process, then with a 2-process pool.
"""
from __future__ import annotations

import argparse
import io
import logging
import multiprocessing as mp
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from taxdocs.documents import fastfill, fill  # noqa: E402
from taxdocs.documents.fieldmaps import load_map  # noqa: E402

logging.getLogger("pypdf").setLevel(logging.ERROR)

HEADER = {"name": "Jane Q. Taxpayer", "ssn": "123-45-6789",
          "preparer": {"name": "Pat Preparer", "ptin": "P01234567", "self_employed": True}}
_ARGS: dict = {}


def make_values(i: int) -> dict:
    rnd = random.Random(i)
    v = {k: Decimal(rnd.randrange(0, 500_000)) for k in fill.AMOUNT_LINES_8606 if rnd.random() < 0.7}
    v["10"] = Decimal(rnd.randrange(0, 1001)) / 1000
    return v


def pypdf_clone_fill(blank: Path, fmap, values: dict) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    fields = fill.prepare_8606(fmap, values, HEADER)
    by_page: dict[int, dict] = {}
    for key, val in fields.items():
        spec = fmap.fields[key]
        v = (spec.on if val else "/Off") if spec.type == "checkbox" else val
        by_page.setdefault(spec.page - 1, {})[spec.name] = v
    w = PdfWriter(clone_from=blank)
    for pno, vals in by_page.items():
        w.update_page_form_field_values(w.pages[pno], vals, auto_regenerate=False)
    af = w._root_object["/AcroForm"]
    if "/XFA" in af:
        del af[NameObject("/XFA")]  # pdf-notes §1
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def run_one(method: str, i: int) -> int:
    blank, fmap = _ARGS["blank"], _ARGS["fmap"]
    values = make_values(i)
    if method == "pypdf":
        data = pypdf_clone_fill(blank, fmap, values)
    elif method == "fill":
        data = fill.fill_8606(blank, fmap, values, HEADER)
    else:
        data = fastfill.fastfill_8606(blank, fmap, values, HEADER)
    return len(data)


def _init(blank: Path, year: int) -> None:
    _ARGS["blank"] = blank
    _ARGS["fmap"] = load_map("8606", year)
    logging.getLogger("pypdf").setLevel(logging.ERROR)


def _task(args: tuple[str, int]) -> int:
    return run_one(*args)


def bench(method: str, n: int, procs: int, blank: Path, year: int) -> float:
    if procs == 1:
        _init(blank, year)
        run_one(method, -1)  # warm-up (imports; fastfill parses the blank here)
        t = time.perf_counter()
        for i in range(n):
            run_one(method, i)
        return n / (time.perf_counter() - t)
    ctx = mp.get_context("fork" if os.name == "posix" else "spawn")
    with ctx.Pool(procs, initializer=_init, initargs=(blank, year)) as pool:
        pool.map(_task, [(method, -1 - k) for k in range(procs * 2)], chunksize=1)  # warm-up
        t = time.perf_counter()
        pool.map(_task, [(method, i) for i in range(n)], chunksize=max(1, n // (procs * 8)))
        return n / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--forms-dir", type=Path, default=REPO.parent / "shared" / "forms")
    a = ap.parse_args()
    blank = a.forms_dir / str(a.year) / "f8606.pdf"
    if not blank.is_file():
        sys.exit(f"blank not found: {blank} (pass --forms-dir)")
    print(f"Form 8606 ({a.year}), {a.n} docs per run, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    res: dict[tuple[str, int], float] = {}
    for procs in (1, 2):
        for method in ("pypdf", "fill", "fastfill"):
            r = res[method, procs] = bench(method, a.n, procs, blank, a.year)
            print(f"  {method:9s} {procs} proc: {r:8.1f} docs/s  ({1000 * procs / r:6.2f} ms/doc/proc)",
                  flush=True)
    for procs in (1, 2):
        print(f"fastfill vs pypdf clone+fill, {procs} proc: "
              f"{res['fastfill', procs] / res['pypdf', procs]:.0f}x; "
              f"vs fill.py: {res['fastfill', procs] / res['fill', procs]:.0f}x")


if __name__ == "__main__":
    main()
