"""Instructions per return (callgrind): a figure that does not move with the VM's speed.

    python bench/bench_instructions.py            # 200 returns of the synthetic season
    python bench/bench_instructions.py --n 500

The wall-clock figures of bench_batch.py swing ~2x from minute to minute on this VM (the host
shares the cores), so a change of a few percent cannot be seen there. This counts the machine
instructions of compute + checks + JSON (worker.process, no file written) for N returns of the
same seeded season, under `valgrind --tool=callgrind` with the instrumentation switched on only
for those N returns (imports, warm-up and the first 30 returns are not counted). The same code
and input give the same count to within ~0.1%, whatever else the machine is doing: compare two
versions of the code with it. Instructions are not time (cache misses, branch mispredictions), so
confirm a real gain with bench_batch.py, alternating runs. Needs valgrind (Debian: valgrind).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WARM = 30


def child(n: int, season: Path, flag: Path) -> None:
    """Runs under valgrind: warm up, wait for the instrumentation, process n returns, say so."""
    import gc
    from taxdocs.batch.reader import open_input
    from taxdocs.batch.worker import Context, process, warm_up
    warm_up()
    recs = []
    for _, r in zip(range(n + WARM), open_input(season).records()):
        r.shed()
        recs.append(r)
    ctx = Context()
    gc.freeze()
    gc.disable()  # as the batch workers run (engines._init)
    for r in recs[:WARM]:
        process(r, ctx)
    gc.collect()
    _signal(flag, "ready", "go")
    for r in recs[WARM:]:
        process(r, ctx)
    gc.collect()
    _signal(flag, "done", "off")


def _signal(flag: Path, say: str, wait: str, limit: float = 600) -> None:
    flag.with_suffix("." + say).touch()
    end = time.monotonic() + limit  # the parent may be gone: do not wait for ever
    while not flag.with_suffix("." + wait).exists():
        if time.monotonic() > end:
            sys.exit(f"no {wait!r} from the parent in {limit:.0f}s")
        time.sleep(0.02)


def _wait_for(path: Path, proc: subprocess.Popen) -> None:
    while not path.exists():
        if proc.poll() is not None:
            sys.exit(f"the child ended early ({proc.returncode}); see its log")
        time.sleep(0.05)


def count(n: int, season: Path, work: Path) -> int:
    flag, out = work / "flag", work / "callgrind.out"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    with open(work / "child.log", "w") as log:
        proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                                 sys.executable, __file__, "--child", str(n), str(season), str(flag)],
                                env=env, stdout=log, stderr=log, cwd=REPO)
        try:
            _wait_for(flag.with_suffix(".ready"), proc)
            subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], check=True, capture_output=True)
            flag.with_suffix(".go").touch()
            _wait_for(flag.with_suffix(".done"), proc)
            subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], check=True, capture_output=True)
            flag.with_suffix(".off").touch()
            if proc.wait() != 0:
                sys.exit(f"valgrind failed ({proc.returncode}); see {work / 'child.log'}")
        finally:
            if proc.poll() is None:  # a failure above: do not leave valgrind running
                proc.kill()
                proc.wait()
    for line in out.read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    sys.exit(f"no totals in {out}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, str(REPO))
        child(int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--keep", metavar="FILE", help="also keep callgrind's output there (for callgrind_annotate)")
    a = ap.parse_args()
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        sys.exit("needs valgrind (Debian: apt-get install valgrind)")
    sys.path.insert(0, str(REPO / "bench"))
    import saved
    import synth
    with tempfile.TemporaryDirectory(prefix="taxdocs-instr-") as tmp:
        work = Path(tmp)
        season = work / "season.jsonl"
        synth.write_jsonl(a.n + WARM, a.seed, season)
        t = time.perf_counter()
        total = count(a.n, season, work)
        if a.keep:
            shutil.copy(work / "callgrind.out", a.keep)
    per = total / a.n
    res = {"n": a.n, "seed": a.seed, "python": sys.version.split()[0], "instructions": total,
           "instructions_per_return": round(per), "seconds_under_valgrind": round(time.perf_counter() - t, 1)}
    print(f"compute + checks + JSON: {per / 1e6:.3f} M instructions per return ({a.n} returns, seed {a.seed}, "
          f"Python {res['python']})")
    saved.save("instructions", res)


if __name__ == "__main__":
    main()
