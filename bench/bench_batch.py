"""Batch benchmark: a synthetic season through `taxdocs batch`, on this machine.

    python bench/bench_batch.py                       # 10,000 returns; memory at 10,000 and 100,000
    python bench/bench_batch.py --n 2000 --big 0      # quicker

Measures (wall clock, all records of the season, the bad ones included):
  0. CPU per return in one process, on each CPython build found (bench/pythons.py: this interpreter and
     the system's, in a virtual environment of their own); the batch runs on the one that needs least
  1. compute + checks + JSON for N returns             target >= 2,000 returns/s on 2 cores
     (--repeat runs, median reported; then once on the other interpreter, for comparison)
  2. the same with the filled official Form 8606        target >= 200 returns/s
     and, on the same Form 8606 values, one document at a time in one process:
     pypdf "clone the blank and fill it" vs taxdocs fastfill (ratio; aim >= 20x)
  3. peak resident memory of the whole process tree (parent, forkserver, workers), compute
     only, for N and for BIG returns: it must not grow with the batch (< 500 MB)
Results are printed and saved to bench/results/batch-<time>.json.

On this machine (ext4 without a journal) creating a file costs ~10-30x more for about five minutes after
many files were deleted near it (docs/batch.md, "Measure on a quiet file system"). The benchmark asks ext4
to place each output directory like a top-level one (`chattr +T` on its work directory, a new name per
run), so an earlier run's deletions do not slow this one, and it prints the workers' system time per
return so a slow file system shows.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import saved  # noqa: E402
import synth  # noqa: E402

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _proc_tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc/<pid>/task/<tid>/children (Linux)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:  # gone meanwhile
            pass
    return out


def _proc_mem(pid: int) -> tuple[int, int]:
    """(current, peak) resident memory of one process in bytes: VmRSS and the kernel's high-water
    mark VmHWM, so a process's own peak is exact however seldom it is sampled."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, hwm


_CLK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_FS_IOC_GETFLAGS, _FS_IOC_SETFLAGS, _FS_TOPDIR_FL = 0x80086601, 0x40086602, 0x00020000  # <linux/fs.h>, 64-bit


def spread_dirs(path: Path) -> bool:
    """Ask ext4 to place directories made in `path` as it places top-level ones: in a group chosen from a
    hash of the name among those with the most room (Orlov), instead of beside `path`. On a file system
    without a journal, ext4 will not reuse an inode deleted in the last five minutes and scans past each
    one at every file it creates (`recently_deleted()`): a batch written beside an output just deleted
    paid ~0.3 ms of system time per file instead of ~0.05 ms. False where the flag is not supported."""
    import fcntl
    import struct
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        buf = fcntl.ioctl(fd, _FS_IOC_GETFLAGS, struct.pack("l", 0))
        fcntl.ioctl(fd, _FS_IOC_SETFLAGS, struct.pack("l", struct.unpack("l", buf)[0] | _FS_TOPDIR_FL))
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _proc_cpu(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of one process so far, from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            f = fh.read().rsplit(")", 1)[1].split()
        return int(f[11]) / _CLK, int(f[12]) / _CLK
    except (OSError, IndexError, ValueError):
        return 0.0, 0.0


def run_cli(args: list[str], python: str = sys.executable) -> tuple[float, int, int, dict]:
    """Run `taxdocs batch` in a subprocess; (seconds, peak tree RSS, peak single-process RSS, tally).
    The tally gets `cpu`: user and system seconds of the parent and of the processes under it (the fork
    server, the workers), as last sampled (a process's time up to its last sample, < 0.1 s before it ends).

    Memory is sampled from /proc every 0.1 s (~0.1 ms of CPU a sample). psutil, which scans every
    process on the machine to find the children, took ~1 ms a sample: at 20 samples a second that was
    ~2% of one of the two cores the batch is measured on."""
    t = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "taxdocs", "batch", *args, "--progress", "none"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    use_proc = os.path.isdir(f"/proc/{proc.pid}/task")
    if not use_proc:
        try:
            import psutil
        except ImportError:
            sys.exit("without /proc the benchmark measures memory with psutil: python3 -m pip install -e '.[bench]'")
        ps = psutil.Process(proc.pid)
    peak_tree = peak_one = 0
    cpu: dict[int, tuple[float, float]] = {}
    while proc.poll() is None:
        if use_proc:
            pids = _proc_tree(proc.pid)
            for p in pids:
                cpu[p] = _proc_cpu(p)
            mem = [_proc_mem(p) for p in pids]
            peak_tree = max(peak_tree, sum(r for r, _ in mem))
            peak_one = max(peak_one, max((h for _, h in mem), default=0))
        else:
            try:
                rss = []
                for p in [ps, *ps.children(recursive=True)]:
                    try:
                        rss.append(p.memory_info().rss)
                    except psutil.Error:
                        pass
                peak_tree, peak_one = max(peak_tree, sum(rss)), max(peak_one, max(rss, default=0))
            except psutil.Error:
                pass
        time.sleep(0.1)
    secs = time.perf_counter() - t
    out, err = proc.communicate()
    if proc.returncode not in (0, 1):
        sys.exit(f"batch failed ({proc.returncode}):\n{out}\n{err}")
    outdir = Path(args[args.index("-o") + 1])
    tally = json.loads((outdir / "tally.json").read_text())
    if cpu:
        kids = [c for p, c in cpu.items() if p != proc.pid]
        tally["cpu"] = {"parent_user": cpu.get(proc.pid, (0, 0))[0], "parent_system": cpu.get(proc.pid, (0, 0))[1],
                        "others_user": round(sum(u for u, _ in kids), 2),
                        "others_system": round(sum(s for _, s in kids), 2)}
    return secs, peak_tree, peak_one, tally


def print_cpu(tally: dict, n: int) -> None:
    c = tally.get("cpu")
    if not c:  # no /proc: nothing sampled
        return
    sys_ms = c["others_system"] / n * 1000
    warn = " - the file system is slow right now (files deleted nearby in the last minutes?)" if sys_ms > 0.15 else ""
    print(f"   CPU: workers and fork server {c['others_user'] / n * 1000:.3f} ms user + {sys_ms:.3f} ms system "
          f"per return; parent {c['parent_user'] + c['parent_system']:.2f} s{warn}", flush=True)


def fill_ratio(outdir: Path, forms_dir: Path, docs: int) -> dict:
    """pypdf clone+fill vs fastfill, per document, same values, one process."""
    from bench_pdf import pypdf_clone_fill
    from taxdocs.documents.fastfill import FastFiller
    from taxdocs.documents.fieldmaps import load_map
    from taxdocs.documents.fill import prepare_8606
    from taxdocs.batch.worker import f8606_values
    blank = forms_dir / "2025" / "f8606.pdf"
    fmap = load_map("f8606", 2025)
    header = {"name": "Jane Q. Taxpayer", "ssn": "400-12-3456"}
    values = []
    for p in sorted((outdir / "returns").glob("*.json")):
        d = json.loads(p.read_text())
        if d["tax_year"] == 2025 and d["lines"].get("f8606.taxpayer.required"):
            lines = {k: Decimal(str(v)) for k, v in d["lines"].items() if k.startswith("f8606.taxpayer.line")
                     and v is not None}
            values.append(f8606_values(lines, "taxpayer"))
            if len(values) >= docs:
                break
    ff = FastFiller(blank, fmap)
    ff.fill(prepare_8606(fmap, values[0], header))
    pypdf_clone_fill(blank, fmap, values[0])
    t = time.perf_counter()
    for v in values:
        ff.fill(prepare_8606(fmap, v, header))
    fast = len(values) / (time.perf_counter() - t)
    t = time.perf_counter()
    for v in values:
        pypdf_clone_fill(blank, fmap, v)
    slow = len(values) / (time.perf_counter() - t)
    return {"docs": len(values), "fastfill_docs_per_s": round(fast, 1), "pypdf_docs_per_s": round(slow, 1),
            "ratio": round(fast / slow, 1)}


def cpu_per_return(season: Path, forms_dir: Path | None, n: int = 1000) -> dict:
    """CPU time per return in this process (time.process_time: not inflated by other load on the
    machine), and where it goes. The ceiling on C cores is about C / (ms per return) * 1000."""
    from taxdocs.batch.reader import open_input
    from taxdocs.batch.runner import make_context
    from taxdocs.batch.worker import process
    inp = open_input(season)
    recs = [r for _, r in zip(range(n + 50), inp.records())]
    ctx = make_context(False, str(forms_dir) if forms_dir else None, None, False)
    out = {}
    for label, c in (("json", type(ctx)()), ("with_8606", ctx)):
        for r in recs[:50]:
            process(r, c)
        t = time.process_time()
        for r in recs[50:]:
            process(r, c)
        out[label + "_ms"] = round((time.process_time() - t) / len(recs[50:]) * 1000, 3)
    return out


def compile_package(python: str = sys.executable) -> str:
    """Byte-compile taxdocs for `python`, as `pip install .` does. An editable install under
    PYTHONDONTWRITEBYTECODE=1 (this VM sets it) has no .pyc files, so every batch compiled ~40 modules
    from source twice (the command line, and the fork server loading the engine): ~0.05-0.1 s of
    the start of a 10,000-return run. Python checks each .pyc against its source, so a stale one is
    never used."""
    pkg = REPO / "taxdocs"
    ok = subprocess.run([python, "-m", "compileall", "-q", str(pkg)], capture_output=True).returncode == 0
    return f"{pkg} byte-compiled for {python}" + ("" if ok else " (some files failed)")


def reference_loop(reps: int = 5) -> float:
    """Milliseconds for a fixed pure-Python loop (best of `reps`): how fast this machine's CPU is right
    now. On this 2-core VM it swings between ~110 and ~240 ms from minute to minute (the host), and the
    batch figures swing with it; compare runs at similar values."""
    best = float("inf")
    for _ in range(reps):
        t = time.process_time()
        s = 0
        for i in range(3_000_000):
            s += i & 7
        best = min(best, time.process_time() - t)
    return round(best * 1000, 1)


def step0(python: str, season: Path, forms_dir: Path | None) -> dict:
    """cpu_per_return under another interpreter (a subprocess of this script)."""
    args = [python, __file__, "--step0", str(season)] + (["--forms-dir", str(forms_dir)] if forms_dir else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True, cwd=REPO).stdout
    return json.loads(out.strip().splitlines()[-1])


def choose_python(a: argparse.Namespace, season: Path, forms_dir: Path | None) -> tuple[list[dict], dict]:
    """The interpreters to compare and the one the batch runs on: the one with the least CPU per return
    (step 0, best of two rounds taken in turn, so a slow minute of the VM does not decide it)."""
    import pythons
    if a.python not in ("auto", "current"):
        return [{"exe": a.python, "py": a.python, "label": a.python, "version": "?"}], {}
    cands = pythons.candidates() if a.python == "auto" else pythons.candidates()[:1]
    for c in cands:
        c["py"] = pythons.venv_python(c, log=lambda m: print(m, flush=True))
    cands = [c for c in cands if c["py"]]
    best: dict[str, dict] = {}
    for _ in range(2 if len(cands) > 1 else 1):
        for c in list(cands):
            try:  # each in a fresh process of its own, this interpreter too, so neither is measured warmer
                r = step0(c["py"], season, forms_dir)
            except (OSError, subprocess.SubprocessError, ValueError) as e:
                if c["label"] == "current":
                    raise
                print(f"   {c['label']} not used: step 0 failed ({type(e).__name__})", flush=True)
                cands.remove(c)
                best.pop(c["label"], None)
                continue
            b = best.setdefault(c["label"], r)
            for k, v in r.items():
                b[k] = min(b[k], v)
    return cands, best


def batch_line(n: int, secs: float, ceiling: float, tally: dict, tree: int, one: int) -> str:
    return (f"{n:,} in {secs:.1f}s = {n / secs:,.0f} returns/s (target 2,000; {n / secs / ceiling:.0%} of step 0's "
            f"ceiling); tally done {tally['done']:,} findings {tally['findings']:,} error {tally['error']:,}; "
            f"peak RSS {tree / 2**20:.0f} MB tree, {one / 2**20:.0f} MB largest process")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=100_000, help="second memory run (0: skip)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--repeat", type=int, default=3, help="runs of step 1 (the VM's speed moves: the median is reported)")
    ap.add_argument("--python", default="auto",
                    help="interpreter for the batch runs: auto (the fastest build found, bench/pythons.py), current, "
                         "or the path of a Python with taxdocs installed")
    ap.add_argument("--docs", type=int, default=300, help="documents for the pypdf/fastfill comparison")
    ap.add_argument("--forms-dir", type=Path, default=REPO.parent / "shared" / "forms")
    ap.add_argument("--keep", type=Path, help="work directory to keep (default: a temp dir)")
    ap.add_argument("--step0", type=Path, help=argparse.SUPPRESS)  # internal: step 0 under another interpreter
    a = ap.parse_args()
    forms_dir = a.forms_dir if (a.forms_dir / "2025").is_dir() else None
    if a.step0:
        print(json.dumps(cpu_per_return(a.step0, forms_dir)))
        return
    work = a.keep or Path(tempfile.mkdtemp(prefix="taxdocs-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    spread = spread_dirs(work)
    tag = time.strftime("%Y%m%d-%H%M%S")  # a new name each run: Orlov's choice of group starts from its hash
    cores = len(os.sched_getaffinity(0))
    wargs = ["--workers", str(a.workers)] if a.workers else []
    res: dict = {"cores": cores, "workers": a.workers or cores, "python": sys.version.split()[0],
                 "load_before": os.getloadavg()[0], "reference_loop_ms_before": reference_loop()}
    print(f"{cores} cores, Python {res['python']}, load average {res['load_before']:.2f}, reference loop "
          f"{res['reference_loop_ms_before']} ms (lower = faster CPU right now)", flush=True)

    res["spread_dirs"] = spread
    print(f"output directories spread (chattr +T on {work}): {'yes' if spread else 'no (not supported here)'}",
          flush=True)
    season = work / f"season-{a.n}.jsonl"
    t = time.perf_counter()
    synth.write_jsonl(a.n, a.seed, season)
    print(f"season: {a.n:,} returns generated in {time.perf_counter() - t:.1f}s ({season})", flush=True)

    cands, best = choose_python(a, season, forms_dir)
    for c in cands:
        print(compile_package(c["py"]), flush=True)
    if best:
        for c in cands:
            cpu = best[c["label"]]
            print(f"0. CPU per return, one process, Python {c['version']} {c['label']}: {cpu['json_ms']} ms "
                  f"compute+checks+JSON, {cpu['with_8606_ms']} ms with Form 8606 -> ceiling on {cores} cores "
                  f"~{cores * 1000 / cpu['json_ms']:,.0f} and ~{cores * 1000 / cpu['with_8606_ms']:,.0f} returns/s",
                  flush=True)
        chosen = min(cands, key=lambda c: best[c["label"]]["json_ms"])
    else:
        chosen = cands[0]
        best[chosen["label"]] = step0(chosen["py"], season, forms_dir)
    py = chosen["py"]
    cpu = res["cpu_per_return"] = best[chosen["label"]]
    res["interpreters"] = [{"label": c["label"], "exe": c["exe"], "version": c["version"],
                            "cpu_per_return": best.get(c["label"])} for c in cands]
    res["batch_python"] = {"label": chosen["label"], "exe": chosen["exe"], "version": chosen["version"]}
    print(f"   the batch runs on Python {chosen['version']} {chosen['label']}", flush=True)

    ceiling = cores * 1000 / cpu["json_ms"]
    runs = []
    for i in range(max(1, a.repeat)):
        secs, tree, one, tally = run_cli([str(season), "-o", str(work / f"json-{tag}-{i}"), *wargs], py)
        runs.append((secs, tree, one, tally))
        print(f"1. compute+checks+JSON, run {i + 1}: " + batch_line(a.n, secs, ceiling, tally, tree, one), flush=True)
        print_cpu(tally, a.n)
    secs, tree, one, tally = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    res["json"] = {"n": a.n, "seconds": round(secs, 2), "returns_per_s": round(a.n / secs),
                   "runs_per_s": [round(a.n / r[0]) for r in runs],
                   "inside_batch_per_s": round(tally["processed"] / tally["seconds"]),
                   "peak_rss_tree_mb": round(max(r[1] for r in runs) / 2**20),
                   "peak_rss_process_mb": round(max(r[2] for r in runs) / 2**20),
                   "done": tally["done"], "findings": tally["findings"], "error": tally["error"],
                   "cpu": tally.get("cpu"), "share_of_ceiling": round(a.n / secs / ceiling, 2)}
    print(f"   median of {len(runs)}: {a.n / secs:,.0f} returns/s (runs: "
          f"{', '.join(f'{v:,}' for v in res['json']['runs_per_s'])})", flush=True)
    others = [c for c in cands if c is not chosen]
    for c in others:  # the same batch on the interpreter not chosen, once, for comparison
        s2, t2, o2, tl2 = run_cli([str(season), "-o", str(work / f"json-{tag}-{c['label'][:7]}"), *wargs], c["py"])
        res.setdefault("json_other_interpreters", {})[c["label"]] = round(a.n / s2)
        print(f"   for comparison, Python {c['version']} {c['label']}: " + batch_line(a.n, s2, ceiling, tl2, t2, o2),
              flush=True)

    if (a.forms_dir / "2025" / "f8606.pdf").is_file():
        secs, tree, one, tally = run_cli([str(season), "-o", str(work / f"pdf-{tag}"), "--forms-dir", str(a.forms_dir),
                                        *wargs], py)
        pdfs = sum(1 for p in (work / f"pdf-{tag}" / "returns").iterdir() if p.suffix == ".pdf")
        res["with_8606"] = {"n": a.n, "seconds": round(secs, 2), "returns_per_s": round(a.n / secs),
                            "pdfs": pdfs, "pdfs_per_s": round(pdfs / secs), "peak_rss_tree_mb": round(tree / 2**20)}
        print(f"2. with the official Form 8606: {a.n:,} in {secs:.1f}s = {a.n / secs:,.0f} returns/s (target 200); "
              f"{pdfs:,} Forms 8606 filled ({pdfs / secs:,.0f}/s)", flush=True)
        print_cpu(tally, a.n)
        r = res["fill"] = fill_ratio(work / f"json-{tag}-0", a.forms_dir, a.docs)
        print(f"   per document, one process, {r['docs']} docs: fastfill {r['fastfill_docs_per_s']:,} docs/s, "
              f"pypdf clone+fill {r['pypdf_docs_per_s']:,} docs/s: {r['ratio']}x (aim 20x)", flush=True)
    else:
        print(f"2. skipped: no blank at {a.forms_dir}/2025/f8606.pdf (--forms-dir)")

    res["memory"] = {str(a.n): res["json"]["peak_rss_tree_mb"]}
    if a.big:
        big = work / f"season-{a.big}.jsonl"
        synth.write_jsonl(a.big, a.seed, big)
        secs, tree, one, tally = run_cli([str(big), "-o", str(work / f"big-{tag}"), *wargs], py)
        res["memory"][str(a.big)] = round(tree / 2**20)
        res["big"] = {"n": a.big, "seconds": round(secs, 1), "returns_per_s": round(a.big / secs),
                      "peak_rss_tree_mb": round(tree / 2**20), "peak_rss_process_mb": round(one / 2**20),
                      "tally_ok": tally["ok"]}
        print(f"3. memory, compute only: {a.n:,} returns -> {res['json']['peak_rss_tree_mb']} MB, "
              f"{a.big:,} returns -> {round(tree / 2**20)} MB peak RSS (whole process tree; largest process "
              f"{round(one / 2**20)} MB); {a.big:,} at {a.big / secs:,.0f} returns/s", flush=True)
        print_cpu(tally, a.big)
    res["load_after"] = os.getloadavg()[0]
    res["reference_loop_ms_after"] = reference_loop()
    print(f"reference loop after: {res['reference_loop_ms_after']} ms", flush=True)
    saved.save("batch", res)


if __name__ == "__main__":
    main()
