"""batch, import-1099r."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from taxdocs.commands.common import EXIT_ERRORS, EXIT_INTERNAL, err, guarded


class EngineName(str, Enum):
    local = "local"
    dask = "dask"


class ProgressMode(str, Enum):
    auto = "auto"
    rich = "rich"
    plain = "plain"
    none = "none"


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
    app.command("import-1099r")(import_1099r)


@guarded
def batch(inputs: List[Path] = typer.Argument(..., metavar="INPUT",
                                              help="directory of scenario files, a .jsonl file, the forms CSV "
                                                   "and the clients CSV, or a filled 1099-R Copy B PDF"),
          outdir: Path = typer.Option(..., "-o", "--outdir", help="output directory (rerun over it to resume)"),
          workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1,
                                                help="worker processes (default: one per core)"),
          engine: EngineName = typer.Option(EngineName.local, "--engine", help="local process pool or a Dask cluster"),
          scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. "
                                                  "tcp://10.0.0.5:8786 (default with --engine dask: a local cluster)"),
          documents: bool = typer.Option(False, "--documents", help="also render the PDF documents (slower)"),
          forms_dir: Optional[Path] = typer.Option(None, "--forms-dir", help="official blank forms: DIR/<year>/f8606.pdf"),
          ledger: Optional[str] = typer.Option(None, "--ledger", help="read prior-year facts from this ledger URL"),
          commit: bool = typer.Option(False, "--commit", help="write this year's results to the ledger"),
          amend: bool = typer.Option(False, "--amend", help="with --commit: a year already recorded with other "
                                     "inputs gets a new version (the earlier one is kept as history)"),
          force: bool = typer.Option(False, "--force", help="redo every record, even if unchanged"),
          progress: ProgressMode = typer.Option(ProgressMode.auto, "--progress",
                                                help="rich bar on a terminal, plain lines otherwise")) -> None:
    """Run a whole season of returns in parallel: resumable, with summary.csv, summary.html and errors.jsonl."""
    from taxdocs.batch.runner import run_batch
    tally = run_batch([str(p) for p in inputs], outdir, workers=workers, engine=engine.value, scheduler=scheduler,
                      documents=documents, forms_dir=str(forms_dir) if forms_dir else None, ledger=ledger,
                      commit=commit, amend=amend, force=force, progress=progress.value)
    print(tally.text())
    print(f"outputs in {outdir}/: returns/, summary.csv, summary.html, errors.jsonl")
    if not tally.ok:
        err.print("[bold red]The tally does not add up[/]: some records were not finished; run the same "
                  "command again to resume.")
        raise typer.Exit(EXIT_INTERNAL)
    if tally.error:
        err.print(f"[yellow]{tally.error:,} record(s) in error[/]: see {outdir}/errors.jsonl", highlight=False)
        raise typer.Exit(EXIT_ERRORS)


@guarded
def import_1099r(pdf: Path = typer.Argument(..., help="filled official Form 1099-R, Copy B"),
                 form_id: Optional[str] = typer.Option(None, "--id", help="id for the form in the scenario")) -> None:
    """Read a filled Form 1099-R (Copy B) PDF and print the scenario YAML fragment for it."""
    from taxdocs.batch.pdf1099r import PdfReadError, fragment, read
    from taxdocs.errors import TaxdocsError
    if not pdf.is_file():
        raise TaxdocsError(f"{pdf}: not found")
    try:
        rb = read(pdf)
    except PdfReadError as e:
        raise TaxdocsError(f"{pdf}: {e}") from None
    print(fragment(rb, str(pdf), form_id), end="")
