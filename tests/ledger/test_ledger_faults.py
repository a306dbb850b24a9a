"""Faults: a commit killed in the middle leaves the ledger as before; two commits of the same
year at once do not both win. Child processes run `python -m taxdocs.cli ledger commit` with the
test hook $TAXDOCS_LEDGER_TEST_HOOK (taxdocs/ledger/store.py `_hook`)."""
from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from ledger_helpers import dump_everything, spawn_cli
from ledger_scenarios import CLIENT, SSN, base, pat, with_, year1, year2

from taxdocs.ledger import keys
from taxdocs.ledger.store import LedgerConflict, LedgerNeedsAmend, open_store
from taxdocs.model.load import from_data


def write(tmp_path: Path, name: str, data: dict) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data))
    return p


def snapshot(url: str) -> str:
    with open_store(url) as s:
        return dump_everything(s)


def wait_for(path: Path, proc, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"child ended early ({proc.returncode}): {proc.stderr.read()}")
        if time.monotonic() > end:
            proc.kill()
            raise AssertionError("child never reached the hook")
        time.sleep(0.05)


def joint_2025() -> dict:
    spouse = {"name": "Lee Rivera", "ssn": "987-65-4321", "birth_date": "1982-02-02",
              "ira": {"nondeductible_contributions": 7000, "year_end_value": 9000}}
    return base(2025, pat(ira={"year_end_value": 40000}), filing_status="mfj", spouse=spouse)


@pytest.mark.parametrize("case", ["new year", "amend", "joint return"])
def test_killed_mid_commit_leaves_the_ledger_as_before(ledger_url, tmp_path, case):
    with open_store(ledger_url) as s:
        s.commit(from_data(year1()))
    before = snapshot(ledger_url)
    data, extra = {"new year": (year2(), []),
                   "amend": (with_(year1(), "taxpayer.ira.nondeductible_contributions", 5000), ["--amend"]),
                   "joint return": (joint_2025(), [])}[case]
    f = write(tmp_path, "s.json", data)
    marker = tmp_path / "inside-transaction"
    child = spawn_cli("ledger", "commit", str(f), "--ledger", ledger_url, *extra,
                      env={"TAXDOCS_LEDGER_TEST_HOOK": f"after_first_row=pause:{marker}"})
    wait_for(marker, child)
    if ledger_url.endswith(".db"):
        # the child has written inside its transaction: SQLite's rollback journal is there
        assert Path(ledger_url + "-journal").exists()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert snapshot(ledger_url) == before
    with open_store(ledger_url) as s:
        if ledger_url.endswith(".db"):
            with s.engine.connect() as c:
                assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        # nothing is left locked: the same commit now goes through
        t0 = time.monotonic()
        rep = s.commit(from_data(data), amend=bool(extra))
        assert time.monotonic() - t0 < 10
        assert rep.changed


@pytest.mark.parametrize("same", [False, True], ids=["different inputs", "same inputs"])
def test_two_processes_commit_the_same_year_at_once(ledger_url, tmp_path, same):
    open_store(ledger_url).close()
    a = write(tmp_path, "a.json", year1())
    b = write(tmp_path, "b.json", year1() if same else with_(year1(), "taxpayer.ira.year_end_value", 51000))
    env = {"TAXDOCS_LEDGER_TEST_HOOK": "after_read=sleep:1.5"}
    procs = [spawn_cli("ledger", "commit", str(p), "--ledger", ledger_url, env=env) for p in (a, b)]
    outs = [(p.wait(120), p.stdout.read(), p.stderr.read()) for p in procs]
    codes = [o[0] for o in outs]
    with open_store(ledger_url) as s:
        years = s.people(CLIENT)[0].years
    assert len(years) == 1 and years[0].version == 1
    if same:
        assert codes == [0, 0], outs
        text = outs[0][1] + outs[1][1]
        assert "recorded (version 1)" in text and "unchanged" in text
    else:
        assert sorted(codes) == [0, 1], outs
        loser = outs[codes.index(1)]
        assert "Refused" in loser[2] and ("--amend" in loser[2] or "same time" in loser[2])
        winner_file = (a, b)[codes.index(0)]
        expected = keys.content_hash(keys.canonical_scenario(from_data(json.loads(winner_file.read_text()))))
        assert years[0].content_hash == expected


def _race(ledger_url, datas, lock_rows: bool, monkeypatch):
    monkeypatch.setenv("TAXDOCS_LEDGER_TEST_HOOK", "after_read=sleep:0.5")
    barrier = threading.Barrier(len(datas))
    results: list = [None] * len(datas)

    def run(i, data):
        s = open_store(ledger_url)
        s.lock_rows = lock_rows
        sc = from_data(data)
        try:
            barrier.wait()
            results[i] = s.commit(sc)
        except (LedgerNeedsAmend, LedgerConflict) as e:
            results[i] = e
        finally:
            s.close()

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(datas)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    monkeypatch.delenv("TAXDOCS_LEDGER_TEST_HOOK")
    return results


def test_two_threads_one_wins(ledger_url, monkeypatch):
    open_store(ledger_url).close()
    results = _race(ledger_url, [year1(), with_(year1(), "taxpayer.ira.year_end_value", 1)], True, monkeypatch)
    wins = [r for r in results if not isinstance(r, Exception)]
    assert len(wins) == 1, results
    assert isinstance([r for r in results if isinstance(r, Exception)][0], LedgerNeedsAmend)
    with open_store(ledger_url) as s:
        assert [(y.tax_year, y.version) for y in s.people(CLIENT)[0].years] == [(2024, 1)]


def test_without_the_locks_the_unique_version_still_stops_a_double_win(ledger_url, monkeypatch):
    """Both writers read "no 2025 yet" before either writes (locks off): the database refuses
    the second (unique person-year-version on PostgreSQL; the write lock on SQLite)."""
    with open_store(ledger_url) as s:
        s.commit(from_data(year1()))          # the person exists: the race is on the year row
    results = _race(ledger_url, [year2(), with_(year2(), "taxpayer.ira.year_end_value", 41000)], False, monkeypatch)
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], LedgerConflict), losses[0]
    assert "nothing was written" in str(losses[0])
    with open_store(ledger_url) as s:
        assert [(y.tax_year, y.version) for y in s.people(CLIENT)[0].years] == [(2024, 1), (2025, 1)]
        assert s.current_years(CLIENT, keys.ssn_key(SSN))[-1].content_hash == wins[0].content_hash


def test_failure_inside_the_transaction_rolls_back(store, monkeypatch):
    store.commit(from_data(year1()))
    before = dump_everything(store)
    monkeypatch.setenv("TAXDOCS_LEDGER_TEST_HOOK", "after_first_row=fail")
    with pytest.raises(RuntimeError, match="failure injected"):
        store.commit(from_data(joint_2025()))
    assert dump_everything(store) == before
