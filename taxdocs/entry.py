"""The console entry point. For `taxdocs batch` it starts the fork server first, so the workers' code
(rules, parameters, findings) loads while this process is still importing the command line."""
from __future__ import annotations

import sys

# imported by the fork server before it forks the batch workers (taxdocs/batch/warm.py)
PRELOAD = ["taxdocs.batch.warm"]


def prestart(argv: list[str]) -> None:
    """Start the local engine's fork server now (it is the one `LocalEngine` uses later)."""
    if len(argv) < 2 or argv[1] != "batch" or any(a in ("--help", "-h") for a in argv):
        return
    if any(a == "dask" or a.startswith("--engine=dask") for a in argv):
        return
    try:
        import multiprocessing as mp
        if "forkserver" not in mp.get_all_start_methods():
            return
        from multiprocessing import forkserver
        forkserver.set_forkserver_preload(PRELOAD)
        forkserver.ensure_running()
    except Exception:  # noqa: BLE001 - only a head start: the engine starts it otherwise
        pass


def main() -> None:  # pragma: no cover - console entry
    prestart(sys.argv)
    from taxdocs.cli import app
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
