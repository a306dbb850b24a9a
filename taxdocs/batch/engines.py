"""Engines: run `worker.process` over chunks of records with bounded work in flight.

Both take an iterator of chunks (lists of (record, digest)) and yield outcomes as
they complete. The iterator is consumed lazily, never more than `window` chunks
ahead of the results, so memory stays flat however long the input is.

  * LocalEngine: a process pool on this machine (forkserver start; the workers parse
    the blank forms once and write the outputs themselves).
  * DaskEngine: a Dask distributed cluster (`scheduler` address) or a LocalCluster;
    the workers return the files and this process writes them, so the cluster needs
    no shared file system, only taxdocs installed on the workers.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing as mp
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Iterable, Iterator, Optional

from taxdocs.batch.worker import Context, process
from taxdocs.entry import PRELOAD
from taxdocs.errors import TaxdocsError

Chunk = list  # list[tuple[Record, str]]


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def process_chunk(chunk: Chunk, ctx: Context) -> list[dict]:
    return [process(rec, ctx, dig) for rec, dig in chunk]


# --- local ---------------------------------------------------------------------------------

_CTX: Optional[Context] = None


def _init(ctx: Context, parent: Optional[int] = None) -> None:
    global _CTX
    _CTX = ctx
    if parent is not None:
        _watch(parent)
    try:  # parse the blank forms once per worker, before the first record
        from taxdocs.batch.worker import _filler, warm_up
        for year in ctx.blanks:
            _filler(ctx, year)
        warm_up()
    except Exception:  # noqa: BLE001 - a record will report it
        pass
    # Each return is freed by reference counting (worker.process releases its lines), so the
    # cyclic GC only has to sweep up stragglers: once per chunk instead of every 700 allocations,
    # and never through the modules loaded above (frozen). This is ~25% of a return's CPU time.
    # Not with --documents: the PDF renderer leaves ~40k cyclic objects per return.
    gc.freeze()
    if not ctx.documents:
        gc.disable()


def _watch(parent: int, every: float = 0.5) -> None:
    """End this worker when the batch process is gone (killed with SIGKILL, say). The pool's pipes are held by every
    worker, so a write to the dead parent blocks for ever instead of failing, and a worker left running could write
    an old version of a return over the rerun's (a corrected input)."""
    import threading
    import time
    born = _started(parent)
    if born == "dead":  # killed while this worker was being started (a worker starts when first needed)
        os._exit(70)

    def loop() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(parent, 0)
                alive = _started(parent) == born  # not the same pid given to a new process
            except OSError:  # gone (or, PermissionError, the pid now another user's)
                alive = False
            if not alive:
                os._exit(70)  # no cleanup: nothing of this worker's is wanted any more

    threading.Thread(target=loop, name="taxdocs-parent-watch", daemon=True).start()


def _started(pid: int) -> Optional[str]:
    """A process's start time (Linux /proc/PID/stat field 22), None where there is no /proc; "dead" once it is a
    zombie (field 3 Z or X: killed, not yet reaped by its own parent, which os.kill(pid, 0) does not tell)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return "dead" if fields[0] in (b"Z", b"X") else fields[19].decode()
    except (OSError, IndexError):
        return None


def _local_chunk(chunk: Chunk) -> list[dict]:
    assert _CTX is not None
    try:
        return process_chunk(chunk, _CTX)
    finally:
        gc.collect()
        # What survived the chunk (mostly caches it filled) joins the frozen set, so the next collection
        # walks only the next chunk's survivors: ~0.1 ms a chunk instead of ~1.8 ms (~4% of the work).
        # Not with --documents: the renderer's caches may later drop objects in cycles, which frozen would
        # never be collected (and a rendered return takes ~0.5 s: the walk does not count there).
        if not _CTX.documents:
            gc.freeze()


class LocalEngine:
    name = "local"
    writes_outputs = True   # the workers write the files

    def __init__(self, workers: int, ctx: Context, window: Optional[int] = None):
        self.workers = max(1, workers)
        self.ctx = ctx
        self.window = window or self.workers * 3

    def describe(self) -> str:
        return f"local, {self.workers} worker process{'es' if self.workers != 1 else ''}"

    def run(self, chunks: Iterable[Chunk]) -> Iterator[dict]:
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        mpctx = mp.get_context(method)
        if method == "forkserver":
            mpctx.set_forkserver_preload(PRELOAD)
        it = iter(chunks)
        with ProcessPoolExecutor(self.workers, mp_context=mpctx, initializer=_init, initargs=(self.ctx, os.getpid())) as ex:
            pending: set = set()
            exhausted = False
            try:
                while True:
                    while not exhausted and len(pending) < self.window:
                        try:
                            chunk = next(it)
                        except StopIteration:
                            exhausted = True
                            break
                        pending.add(ex.submit(_local_chunk, chunk))
                    if not pending:
                        return
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        yield from f.result()
            except BrokenProcessPool:
                raise TaxdocsError("a worker process died (out of memory? killed?); what finished is saved: "
                                   "run the same command again to resume") from None
            finally:
                for f in pending:
                    f.cancel()


# --- Dask -------------------------------------------------------------------------------------

class DaskEngine:
    name = "dask"
    writes_outputs = False  # workers return the files; this process writes them

    def __init__(self, ctx: Context, scheduler: Optional[str] = None, workers: Optional[int] = None,
                 window: Optional[int] = None):
        self.ctx, self.scheduler, self.workers = ctx, scheduler, workers
        self._window = window
        self.client: Any = None
        self.cluster: Any = None

    def describe(self) -> str:
        if self.scheduler:
            return f"dask, scheduler {self.scheduler}"
        return f"dask, local cluster of {self.workers or default_workers()} workers"

    def _start(self) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover
            raise TaxdocsError(f"--engine dask needs the 'distributed' package ({e})") from None
        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout=30)
            except (OSError, TimeoutError) as e:
                raise TaxdocsError(f"cannot reach the Dask scheduler at {self.scheduler}: {e}") from None
        else:
            self.cluster = LocalCluster(n_workers=self.workers or default_workers(), threads_per_worker=1,
                                        processes=True, dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def run(self, chunks: Iterable[Chunk]) -> Iterator[dict]:
        from distributed import as_completed
        self._start()
        try:
            nworkers = max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})) or 1)
        except TypeError:  # older distributed
            nworkers = max(1, len(self.client.scheduler_info().get("workers", {})) or 1)
        window = self._window or nworkers * 3
        try:
            ctx_f = self.client.scatter(self.ctx, broadcast=True)
            it = iter(chunks)
            ac = as_completed()
            inflight = 0
            for chunk in it:
                ac.add(self.client.submit(process_chunk, chunk, ctx_f, pure=False))
                inflight += 1
                if inflight >= window:
                    break
            for fut in ac:
                try:
                    out = fut.result()
                except Exception as e:  # noqa: BLE001 - process() does not raise: this is the cluster
                    raise TaxdocsError(f"a Dask task failed ({type(e).__name__}: {e}); what finished is "
                                       "saved: run the same command again to resume") from None
                fut.release()
                yield from out
                nxt = next(it, None)
                if nxt is not None:
                    ac.add(self.client.submit(process_chunk, nxt, ctx_f, pure=False))
        finally:
            self.close()
