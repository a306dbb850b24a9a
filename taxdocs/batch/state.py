"""The resume database, OUTDIR/.taxdocs-batch/state.sqlite (one writer: the batch's parent process).

records(id PRIMARY KEY, hash, status, source, run, seq, outputs, row, error, csv)
  * `hash` is the content hash of the record's input (plus the code and options that
    shape the outputs) for which `outputs` were written; it is set only after the
    outputs are in place, so a batch killed at any point is redone where needed.
  * `run`/`seq`: the run that last saw the record and its position in that run's input;
    the tally and the summaries are over `run = current`.
  * `row` is the summary row (JSON), `csv` the same as a line of summary.csv.
dups(run, seq, id, source, error): a second record with an id already seen in the run.

SQLite in WAL mode survives SIGKILL; commits are batched (every ~0.5 s), and what was
not committed is simply redone on the next run (outputs are replaced atomically). Finished
records are written in groups (`finish` holds them until the next read or commit), and the
runner looks records up a chunk at a time (`lookup_many`): one statement each instead of one
per record.
"""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Iterator, Optional

import orjson

from taxdocs.batch.rows import CSV_COLUMNS, csv_line, error_row
from taxdocs.errors import TaxdocsError

STATE_DIR = ".taxdocs-batch"
SCHEMA = 1


def _dumps(x) -> str:
    try:
        return orjson.dumps(x, default=str).decode()
    except TypeError:  # an integer beyond 64 bits
        return json.dumps(x, default=str)


class State:
    def __init__(self, outdir: Path):
        self.dir = outdir / STATE_DIR
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._lock = os.fdopen(os.open(self.dir / "lock", os.O_RDWR | os.O_CREAT, 0o600), "r+")
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise TaxdocsError(f"another batch is running with output directory {outdir} "
                               "(wait for it, or use another -o)") from None
        path = self.dir / "state.sqlite"
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))  # SQLite gives -wal/-shm the same mode
        os.chmod(path, 0o600)
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS records(id TEXT PRIMARY KEY, hash TEXT, status TEXT, source TEXT,
                run INTEGER, seq INTEGER, outputs TEXT, row TEXT, error TEXT);
            CREATE INDEX IF NOT EXISTS records_run ON records(run, seq);
            CREATE TABLE IF NOT EXISTS dups(run INTEGER, seq INTEGER, id TEXT, source TEXT, error TEXT);
        """)
        v = self._meta("schema")
        if v is not None and int(v) != SCHEMA:
            raise TaxdocsError(f"{path}: written by another version of taxdocs batch; use a new output directory")
        cols = {r[1] for r in self.db.execute("PRAGMA table_info(records)")}
        if "csv" not in cols:  # written before summary lines were kept (the line is made from `row`)
            self.db.execute("ALTER TABLE records ADD COLUMN csv TEXT")
        layout = ",".join(CSV_COLUMNS)
        if self._meta("csv_columns") != layout:  # lines kept under other columns: made again from `row`
            self.db.execute("UPDATE records SET csv = NULL")
            self._set_meta("csv_columns", layout)
        self.run = int(self._meta("run") or 0) + 1
        self._set_meta("schema", str(SCHEMA))
        self._set_meta("run", str(self.run))
        self.db.execute("DELETE FROM dups WHERE run < ?", (self.run,))
        self.db.commit()
        self._last_commit = time.monotonic()
        self._finished: list[tuple] = []   # finish() rows not yet written (written before any read)

    # -- meta -----------------------------------------------------------------------
    def _meta(self, key: str) -> Optional[str]:
        r = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return r[0] if r else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- per record -------------------------------------------------------------------
    def lookup_many(self, ids: list[str]) -> dict[str, dict]:
        """id -> what the last run that saw it left (hash, status, source, run, outputs, row), for those of
        `ids` in the database, finished records of this run included."""
        self._flush()
        out: dict[str, dict] = {}
        ids = list(dict.fromkeys(ids))
        for i in range(0, len(ids), 500):  # SQLite's limit on bound parameters is 999 in old builds
            part = ids[i:i + 500]
            q = ("SELECT id, hash, status, source, run, outputs, row FROM records WHERE id IN "
                 f"({','.join('?' * len(part))})")
            for r in self.db.execute(q, part):
                out[r[0]] = {"hash": r[1], "status": r[2], "source": r[3], "run": r[4],
                             "outputs": orjson.loads(r[5] or "[]"), "row": r[6]}
        return out

    def seen(self, rid: str, seq: int) -> None:
        """A record of an earlier run is in this run's input (before it is processed or skipped). A new
        record is written when it finishes (`finish`); until then the runner holds it."""
        self.db.execute("UPDATE records SET run = ?, seq = ? WHERE id = ?", (self.run, seq, rid))
        self._maybe_commit()

    def unchanged(self, rid: str, source: str, old: dict) -> dict:
        """A record skipped as unchanged; its summary row (the source updated if it moved in the input)."""
        row = orjson.loads(old["row"]) if old.get("row") else {}
        if source != old["source"]:  # moved in the input: keep the summary row right
            row["source"] = source
            self.db.execute("UPDATE records SET source = ?, row = ?, csv = ? WHERE id = ?",
                            (source, _dumps(row), csv_line(row), rid))
        return row

    def finish(self, outcome: dict, seq: int) -> None:
        """The record's outputs are in place: its row, with the hash they were made from. Held until
        the next read or commit (`_flush`), so it is never missing from what this object reads."""
        row_json = outcome.get("row_json") or _dumps(outcome["row"])
        self._finished.append((outcome["id"], outcome["digest"], outcome["status"], outcome["source"], self.run, seq,
                               _dumps(outcome["outputs"]), row_json,
                               _dumps(outcome["error"]) if outcome["error"] else None,
                               outcome.get("csv") or csv_line(outcome["row"])))
        self._maybe_commit()

    def _flush(self) -> None:
        if self._finished:
            self.db.executemany("INSERT OR REPLACE INTO records(id, hash, status, source, run, seq, outputs, row, "
                                "error, csv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self._finished)
            self._finished.clear()

    def duplicate(self, seq: int, rid: str, source: str, error: dict) -> None:
        self.db.execute("INSERT INTO dups VALUES (?, ?, ?, ?, ?)", (self.run, seq, rid, source, json.dumps(error)))
        self._maybe_commit()

    def _maybe_commit(self) -> None:
        now = time.monotonic()
        if now - self._last_commit > 0.5:
            self._flush()
            self.db.commit()
            self._last_commit = now

    def commit(self) -> None:
        self._flush()
        self.db.commit()
        self._last_commit = time.monotonic()

    # -- results ----------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        self._flush()
        out = {"done": 0, "findings": 0, "error": 0, "pending": 0}
        for status, n in self.db.execute("SELECT status, count(*) FROM records WHERE run = ? GROUP BY status", (self.run,)):
            out[status] = out.get(status, 0) + n
        out["duplicates"] = self.db.execute("SELECT count(*) FROM dups WHERE run = ?", (self.run,)).fetchone()[0]
        return out

    def others(self) -> int:
        """Records of earlier runs that are not in this input (their outputs are kept)."""
        self._flush()
        return self.db.execute("SELECT count(*) FROM records WHERE run < ?", (self.run,)).fetchone()[0]

    def csv_lines(self) -> Iterator[str]:
        """summary.csv's lines of this run in input order, duplicates included (as errors)."""
        self._flush()
        q = ("SELECT seq, csv, row, NULL FROM records WHERE run = ? UNION ALL "
             "SELECT seq, NULL, NULL, error FROM dups WHERE run = ? ORDER BY 1")
        for _, line, row, err in self.db.execute(q, (self.run, self.run)):
            if line is not None:
                yield line
            else:
                yield csv_line(orjson.loads(row) if row is not None else error_row(orjson.loads(err)))

    def errors(self) -> Iterator[dict]:
        self._flush()
        q = ("SELECT seq, error FROM records WHERE run = ? AND status = 'error' UNION ALL "
             "SELECT seq, error FROM dups WHERE run = ? ORDER BY 1")
        for _, err in self.db.execute(q, (self.run, self.run)):
            yield orjson.loads(err)

    def close(self) -> None:
        try:
            self._flush()
            self.db.commit()
            self.db.close()
        finally:
            self._lock.close()


def outputs_exist(returns: Path, names: list[str]) -> bool:
    return all((returns / n).is_file() for n in names)
