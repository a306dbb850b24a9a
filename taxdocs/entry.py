"""The console entry point. For `taxdocs batch` it starts the fork server first, so the workers' code
(rules, parameters, findings) loads while this process is still importing the command line."""
from __future__ import annotations

import sys

# imported by the fork server before it forks the batch workers (taxdocs/batch/warm.py)
PRELOAD = ["taxdocs.batch.warm"]


def prestart(argv: list[str]) -> None:
    """Start the local engine's fork server now (it is the one `LocalEngine` uses later)."""
    if not _is_local_batch(argv):
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


def _is_local_batch(argv: list[str]) -> bool:
    return len(argv) >= 2 and argv[1] == "batch" and not any(
        a in ("--help", "-h") or a == "dask" or a.startswith("--engine=dask") for a in argv)


def exit_now(code) -> None:
    """End the process without tearing the interpreter down: a batch has closed its files and database by now,
    and freeing a season's worth of objects one by one takes ~0.15 s for 10,000 returns. Output is flushed first."""
    import logging
    import os
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    logging.shutdown()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def quiet_pydantic_plugins() -> None:
    """taxdocs uses no pydantic plugins; looking for them (every installed package's entry points) took
    ~0.06 s of each start, on the fork server's path to the first record too. A value already set wins."""
    import os
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def main() -> None:  # pragma: no cover - console entry
    quiet_pydantic_plugins()  # before anything imports pydantic, and inherited by the fork server
    prestart(sys.argv)
    if not _is_local_batch(sys.argv):
        from taxdocs.cli import app
        app()
        return
    # only the batch commands: the others' modules took ~0.07 s to import, on the path to the first record
    from taxdocs.commands import new_app
    app = new_app(("batch",))
    try:
        app()
    except SystemExit as e:
        if isinstance(e.code, str):  # a message to print: the usual way
            raise
        exit_now(e.code)
    exit_now(0)


if __name__ == "__main__":  # pragma: no cover
    main()
