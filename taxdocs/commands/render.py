"""render: JSON, the Form 8606 facsimile, the worksheet summary, the findings report and,
when the official blanks are at hand, the filled Form 8606 (and Form 5329 Part I)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from taxdocs.commands.common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, err, guarded, out
from taxdocs.errors import InputError, TaxdocsError

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


def register(app: typer.Typer) -> None:
    app.command("render")(render)


# --- inputs ---------------------------------------------------------------------

def expand_inputs(args: list[Path]) -> tuple[list[Path], list[str]]:
    """Files as given; a directory gives its *.yaml/*.yml/*.json (sorted, not recursive)."""
    files, problems = [], []
    for a in args:
        if a.is_dir():
            found = sorted(p for p in a.iterdir() if p.is_file() and p.suffix.lower() in SCENARIO_SUFFIXES)
            if not found:
                problems.append(f"{a}: no *.yaml, *.yml or *.json scenario files in this directory")
            files += found
        else:
            files.append(a)  # a missing file is reported by the loader, with the others still rendered
    return list(dict.fromkeys(files)), problems


class Checker:
    """taxdocs.checks.run.check, loaded lazily. Absent (or failing to import): documents without findings."""

    def __init__(self) -> None:
        self._check = None
        self.unavailable: Optional[str] = None
        try:
            from taxdocs.checks.run import check
            self._check = check
        except ModuleNotFoundError as e:
            if e.name not in ("taxdocs.checks.run", "taxdocs.checks"):
                self.unavailable = f"{type(e).__name__}: {e}"
            else:
                self.unavailable = "not installed"
        except Exception as e:  # a broken checker must not stop the documents
            self.unavailable = f"{type(e).__name__}: {e}"

    def __call__(self, res) -> Optional[list]:
        return None if self._check is None else list(self._check(res))


# --- official forms ---------------------------------------------------------------

@dataclass
class Official:
    """Finds (once per form and year) the official blanks; says once when the facsimile stands in."""
    forms_dir: Optional[Path]
    flatten: bool = False
    enabled: bool = True
    _blanks: dict = field(default_factory=dict)
    _said: set = field(default_factory=set)

    def blank(self, form: str, year: int) -> Optional[Path]:
        key = (form, year)
        if key not in self._blanks:
            from taxdocs.documents.blanks import BlankFormError, find_blank
            try:
                self._blanks[key] = find_blank(form, year, self.forms_dir)
            except BlankFormError as e:
                err.print(f"[yellow]Official {form} not used:[/] {escape(str(e))}",
                          highlight=False, soft_wrap=True)
                self._blanks[key] = None
                self._said.add(key)
        return self._blanks[key]

    def say_facsimile(self, form: str, year: int) -> None:
        if (form, year) in self._said:
            return
        self._said.add((form, year))
        fetch = f"`taxdocs forms fetch {year}`, " if form == "f8606" and _fetchable(form, year) else ""
        stands_in = "the Form 8606 facsimile stands in" if form == "f8606" else "its Part I figures are in the summary"
        err.print(f"No official {form}.pdf for tax year {year} (use {fetch}--forms-dir DIR or TAXDOCS_FORMS_DIR); "
                  f"{stands_in}.", highlight=False, soft_wrap=True)

    def documents(self, res, must_file: list) -> list[tuple[str, bytes]]:
        """[(suffix, pdf bytes)]: f8606-<who>.pdf per Form 8606 to file (f8606-<who>-inherited-<n>.pdf for
        inherited IRAs); f5329-<who>.pdf when line 4 > 0, or when the form is required to claim an exception."""
        if not self.enabled:
            return []
        from taxdocs.documents.fieldmaps import load_map
        from taxdocs.documents.fill import LINES_8606, fill_5329_part1, fill_8606
        sc, g = res.scenario, res.graph
        year = sc.tax_year
        docs = []
        if must_file:
            blank = self.blank("f8606", year)
            if blank is None:
                self.say_facsimile("f8606", year)
            else:
                fmap = load_map("f8606", year)
                for form in must_file:
                    values = {ln: g[f"f8606.{form.key}.line{ln}"] for ln in LINES_8606}
                    docs.append((f"f8606-{form.slug}", fill_8606(blank, fmap, values, _header(sc, form.who),
                                                                 flatten=self.flatten)))
        # with tax, or required to claim an exception box 7 does not show (i5329 Who Must File), though no tax is left
        owes = [w for w, _ in sc.people() if (g.get(f"f5329.{w}.line4") or 0) > 0
                or (g.get(f"f5329.{w}.required") and (g.get(f"f5329.{w}.line1") or 0) > 0)]
        if owes:
            blank = self.blank("f5329", year)
            if blank is None:
                self.say_facsimile("f5329", year)
            else:
                fmap = load_map("f5329", year)
                for who in owes:
                    values = {"1": g[f"f5329.{who}.line1"], "2": g[f"f5329.{who}.line2"],
                              "2.exception": g[f"f5329.{who}.line2_exception"],
                              "3": g[f"f5329.{who}.line3"], "4": g[f"f5329.{who}.line4"]}
                    docs.append((f"f5329-{who}", fill_5329_part1(blank, fmap, values, _header(sc, who),
                                                                 flatten=self.flatten)))
        return docs


def _header(sc, who: str) -> dict:
    """The official form's header: name and the full SSN (the one place it is printed)."""
    p = sc.person(who)
    return {"name": p.name, "ssn": p.ssn}


# --- one scenario --------------------------------------------------------------------

def render_one(path: Path, outdir: Path, stem: str, official: Official,
               checker: Checker) -> tuple[list[Path], list[str]]:
    """Writes one scenario's outputs; returns them and what failed without stopping the rest."""
    from taxdocs.documents.output_files import write_atomic
    from taxdocs.documents.render import render_html, render_pdf
    from taxdocs.model.load import load
    from taxdocs.output import dumps, result_dict
    from taxdocs.rules.engine import compute

    res = compute(load(path), str(path))
    failed: list[str] = []
    try:
        findings = checker(res)
    except Exception as e:  # the documents are still worth having; the caller reports it and exits 3
        findings = None
        failed.append(f"the checks failed ({type(e).__name__}: {e}); documents written without findings")
    written = [write_atomic(outdir, f"{stem}.json", dumps(result_dict(res, findings)) + "\n")]
    lines = res.lines()
    must_file = [f for f in res.forms_8606() if lines.get(f"f8606.{f.key}.required")]
    kinds = (["f8606_facsimile"] if must_file else []) + ["summary"] + (["findings"] if findings is not None else [])
    names = {"f8606_facsimile": "f8606-facsimile", "summary": "summary", "findings": "findings"}
    for kind in kinds:
        pdf = render_pdf(render_html(kind, res, findings))
        written.append(write_atomic(outdir, f"{stem}-{names[kind]}.pdf", pdf))
    try:
        docs = official.documents(res, must_file)
    except Exception as e:  # the filler refused a value: the facsimile and the rest still stand
        docs = []
        failed.append(f"official form not filled ({type(e).__name__}: {e}); the facsimile stands in")

    for suffix, pdf in docs:
        written.append(write_atomic(outdir, f"{stem}-{suffix}.pdf", pdf))
    return written, failed


def _problem_lines(e: Exception) -> list[str]:
    if isinstance(e, InputError):
        return [str(p) for p in e.problems] or [str(e)]
    return [str(e)]


@guarded
def render(inputs: list[Path] = typer.Argument(..., metavar="SCENARIO_OR_DIR...",
                                               help="scenario files (YAML/JSON) or directories of them"),
           outdir: Path = typer.Option(..., "-o", "--out", help="output directory (created 0o700 if missing)"),
           forms_dir: Optional[Path] = typer.Option(None, "--forms-dir",
                                                    help="folder of official blank PDFs (DIR/<year>/f8606.pdf or DIR/f8606.pdf)"),
           flatten: bool = typer.Option(False, "--flatten", help="flatten the filled official forms (no fields left)"),
           no_official: bool = typer.Option(False, "--no-official", help="do not fill official forms; facsimile only"),
           ) -> None:
    """Write, per scenario, <stem>.json and the PDFs: Form 8606 facsimile (when any person must file),
    worksheet summary, findings report and, when the official blanks are available, the filled
    Form 8606 per person (and Form 5329 Part I when it has tax or claims an exception). One bad scenario does not stop the others;
    the exit code is 2 if any input was unusable."""
    from taxdocs.documents.output_files import OutputNames, ensure_dir

    files, problems = expand_inputs(inputs)
    for p in problems:
        err.print(f"[bold red]Input problem:[/] {escape(p)}", highlight=False, soft_wrap=True)
    if forms_dir is not None and not forms_dir.is_dir():
        raise TaxdocsError(f"--forms-dir {forms_dir}: not a directory")
    try:
        ensure_dir(outdir)
    except OSError as e:
        raise TaxdocsError(f"-o {outdir}: cannot use it as the output directory ({e.strerror or e})") from None
    official = Official(forms_dir, flatten=flatten, enabled=not no_official)
    names = OutputNames()
    checker = Checker()
    code = EXIT_BAD_INPUT if problems else EXIT_OK
    done = 0
    for path in files:
        stem = names.stem_for(path)
        try:
            written, failed = render_one(path, outdir, stem, official, checker)
        except (InputError, TaxdocsError) as e:
            err.print(f"[bold red]{escape(str(path))}: not rendered[/]", highlight=False, soft_wrap=True)
            for line in _problem_lines(e):
                err.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
            code = max(code, EXIT_BAD_INPUT)
            continue
        except OSError as e:
            err.print(f"[bold red]{escape(str(path))}: could not write output:[/] {escape(str(e))}",
                      highlight=False, soft_wrap=True)
            code = max(code, EXIT_BAD_INPUT)
            continue
        except Exception as e:  # one scenario's internal failure must not stop the batch; no traceback, no PII
            err.print(f"[bold red]{escape(str(path))}: internal error:[/] ", end="")
            err.print(f"{type(e).__name__}: {e}. Please report it with the command you ran.",
                      markup=False, highlight=False, soft_wrap=True)
            code = max(code, EXIT_INTERNAL)
            continue
        done += 1
        for msg in failed:
            err.print(f"[bold red]{escape(str(path))}:[/] {escape(msg)}", highlight=False, soft_wrap=True)
            code = max(code, EXIT_INTERNAL)
        out.print(f"{path} -> " + ", ".join(p.name for p in written), markup=False, highlight=False, soft_wrap=True)
    if checker.unavailable and done:
        err.print(f"The checker (taxdocs.checks.run) is not available ({escape(checker.unavailable)}): "
                  "no findings report, JSON without findings.", highlight=False, soft_wrap=True)
    out.print(f"{done} of {len(files)} scenario{'s' if len(files) != 1 else ''} rendered into {outdir}", markup=False,
              highlight=False, soft_wrap=True)
    if code != EXIT_OK:
        raise typer.Exit(code)


def _fetchable(form: str, year: int) -> bool:
    """A verified blank is known for the year (a field map serves it), so `taxdocs forms fetch` can get it."""
    from taxdocs.documents.fieldmaps import FieldMapError, load_map
    try:
        load_map(form, year)
    except FieldMapError:
        return False
    return True
