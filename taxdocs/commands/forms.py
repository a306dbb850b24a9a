"""`taxdocs forms`: the official blank PDFs (fetch into the cache, list what is known and where)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from taxdocs.commands.common import EXIT_BAD_INPUT, err, out

forms_app = typer.Typer(help="Official IRS blank PDFs: fetch them into the cache, or list what is known.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(forms_app, name="forms")


@forms_app.command("fetch")
def fetch(year: int = typer.Argument(..., help="tax year, e.g. 2025"),
          form: list[str] = typer.Option(["f8606", "f5329"], "--form", help="form(s) to fetch")) -> None:
    """Download the official blanks for YEAR from irs.gov into the cache, checking the pinned sha256."""
    from taxdocs.documents.blanks import BlankFormError, cache_dir
    from taxdocs.documents.blanks import fetch as do_fetch
    failed = False
    for name in form:
        try:
            path = do_fetch(name, year)
            out.print(f"{name} {year}: {path}", highlight=False)
        except BlankFormError as e:
            failed = True
            err.print(f"{name} {year}: {e}", highlight=False, markup=False)
        except Exception as e:  # noqa: BLE001 - e.g. no map for that year
            failed = True
            err.print(f"{name} {year}: {e}", highlight=False, markup=False)
    if failed:
        err.print(f"Documents still render: the tool's own Form 8606 facsimile stands in. Cache: {cache_dir()}",
                  highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)


# what a missing blank means
_WITHOUT = {"f8606": "the Form 8606 facsimile stands in", "f5329": "the summary's Form 5329 Part I stands in",
            "f1099r": "a blank copy is not needed: filled 1099-Rs are read as they come"}


@forms_app.command("list")
def list_forms(forms_dir: Optional[Path] = typer.Option(None, "--forms-dir", help="folder of blank PDFs")) -> None:
    """List the field maps this version knows, and whether each blank is available."""
    from taxdocs.documents.blanks import BlankFormError, find_blank
    from taxdocs.documents.fieldmaps import all_maps
    t = Table("form", "revision", "tax years", "sha256", "blank")
    for m in all_maps():
        for year in m.tax_years:
            try:
                where = find_blank(m.form, year, forms_dir)
                state = str(where) if where else f"not found ({_WITHOUT.get(m.form, 'not filled')})"
            except BlankFormError as e:
                state = f"mismatch: {e}"
            t.add_row(m.form, str(m.revision), str(year), m.sha256[:12] + "…", state)
    out.print(t)
