"""Progress: a rich bar with rate and ETA on a terminal, plain periodic lines otherwise."""
from __future__ import annotations

import sys
import time
from typing import IO, Optional

BUCKETS = ("done", "findings", "error", "unchanged")


def _hms(sec: float) -> str:
    sec = int(max(sec, 0))
    return f"{sec // 3600}:{sec % 3600 // 60:02d}:{sec % 60:02d}"


class Progress:
    """update(bucket) once per record: done | findings | error | unchanged (skipped on resume)."""

    def __init__(self, total: int, mode: str = "auto", stream: Optional[IO[str]] = None,
                 interval: float = 5.0, label: str = "batch"):
        self.total, self.label, self.interval = total, label, interval
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "rich" if getattr(self.stream, "isatty", lambda: False)() else "plain"
        self.mode = mode
        self.counts = dict.fromkeys(BUCKETS, 0)
        self.start = time.monotonic()
        self._last_print = self.start
        self._last_push = 0.0
        self._bar = None
        if mode == "rich":
            self._start_rich()

    # -- numbers --------------------------------------------------------------------
    @property
    def finished(self) -> int:
        return sum(self.counts.values())

    @property
    def processed(self) -> int:
        return self.finished - self.counts["unchanged"]

    def rate(self) -> float:
        el = time.monotonic() - self.start
        return self.processed / el if el > 0 else 0.0

    def eta(self) -> Optional[float]:
        r = self.rate()
        left = self.total - self.finished
        return left / r if r > 0 else None

    def _counts_text(self) -> str:
        c = self.counts
        s = f"done {c['done']:,} · findings {c['findings']:,} · error {c['error']:,}"
        return s + (f" · unchanged {c['unchanged']:,}" if c["unchanged"] else "")

    def line(self) -> str:
        pct = 100.0 * self.finished / self.total if self.total else 100.0
        eta = self.eta()
        return (f"{self.label}: {self.finished:,}/{self.total:,} ({pct:.0f}%) · {self.rate():,.0f} returns/s · "
                f"ETA {_hms(eta) if eta is not None else '?'} · {self._counts_text()}")

    # -- updates ------------------------------------------------------------------------
    def update(self, bucket: str, n: int = 1) -> None:
        self.counts[bucket] = self.counts.get(bucket, 0) + n
        now = time.monotonic()
        if self.mode == "plain":
            if now - self._last_print >= self.interval:
                self._last_print = now
                print(self.line(), file=self.stream, flush=True)
        elif self.mode == "rich" and now - self._last_push >= 0.1:
            self._push(now)

    def close(self) -> None:
        if self.mode == "rich" and self._bar is not None:
            self._push(time.monotonic())
            self._bar.stop()
        elif self.mode == "plain":
            print(self.line(), file=self.stream, flush=True)

    # -- rich ------------------------------------------------------------------------------
    def _start_rich(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, ProgressColumn,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task) -> Text:  # type: ignore[override]
                r = task.fields.get("rate", 0.0)
                return Text(f"{r:,.0f}/s" if r else "–/s", style="progress.data.speed")

        self._bar = Bar(TextColumn(f"[bold]{self.label}"), BarColumn(), MofNCompleteColumn(), Rate(),
                        TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
                        TextColumn("{task.fields[counts]}"),
                        console=Console(file=self.stream), transient=False, refresh_per_second=4)
        self._task = self._bar.add_task(self.label, total=self.total, counts="", rate=0.0)
        self._bar.start()

    def _push(self, now: float) -> None:
        self._last_push = now
        self._bar.update(self._task, completed=self.finished, counts=self._counts_text(), rate=self.rate())
