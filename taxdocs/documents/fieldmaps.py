"""Per-revision AcroForm field maps (forms/<revision>/<form>.yaml).

pdf-notes §3: field names change between revisions, so a map is keyed by
revision (and sha256 of the blank), and every mapped name is checked against
the PDF before use, because pypdf silently ignores unknown names.
"""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from taxdocs.core import yamlfile


# forms/ at the repository root; TAXDOCS_MAPS_DIR overrides (e.g. installed copies)
MAPS_DIR = Path(__file__).resolve().parents[2] / "forms"


class FieldMapError(Exception):
    """No map for a form/year, or a map that does not fit the PDF."""


@dataclass(frozen=True)
class FieldSpec:
    key: str  # line key, e.g. "15a", "10.int", "ssn", "box2a"
    name: str  # fully qualified AcroForm name
    type: str  # "text" | "checkbox"
    page: int
    max_len: int | None = None
    on: str | None = None  # checkbox on-state, e.g. "/1" (pdf-notes §4)
    label: str | None = None  # printed line/box number
    caption: str | None = None  # printed caption (header / preparer / payer fields)
    multiline: bool = False


@dataclass(frozen=True)
class FieldMap:
    form: str  # "f8606"
    revision: int
    tax_years: tuple[int, ...]
    tax_years_without_blank: tuple[int, ...]
    sha256: str
    size: int
    pages: int
    url: str
    url_prior: str
    source: str
    fields: dict[str, FieldSpec] = field(hash=False)
    path: Path | None = None

    def names(self) -> set[str]:
        return {f.name for f in self.fields.values()}

    def verify(self, doc: Any) -> None:
        """Raise FieldMapError unless every mapped name is a field of `doc`."""
        verify_map(self, doc)


def norm_form(form: str) -> str:
    """'8606', 'f8606', 'Form 8606', '1099-R' -> 'f8606' / 'f1099r'."""
    f = str(form).lower().replace("form", "").replace("-", "").replace(" ", "")
    return f if f.startswith("f") else "f" + f


def maps_dir() -> Path:
    return Path(os.environ.get("TAXDOCS_MAPS_DIR") or MAPS_DIR)


def _parse(path: Path) -> FieldMap:
    d = yamlfile.load(path.read_text(encoding="utf-8"))
    fields = {str(k): FieldSpec(key=str(k), **v) for k, v in d["fields"].items()}
    return FieldMap(
        form=d["form"], revision=int(d["revision"]), tax_years=tuple(d["tax_years"]),
        tax_years_without_blank=tuple(d.get("tax_years_without_blank") or ()),
        sha256=d["sha256"].lower(), size=int(d["size"]), pages=int(d["pages"]),
        url=d["url"], url_prior=d.get("url_prior") or d["url"], source=d.get("source", ""),
        fields=fields, path=path)


@lru_cache(maxsize=8)
def _all(root: str) -> tuple[FieldMap, ...]:
    return tuple(_parse(p) for p in sorted(Path(root).glob("*/*.yaml")))


def all_maps(form: str | None = None) -> list[FieldMap]:
    maps = _all(str(maps_dir()))
    return [m for m in maps if form is None or m.form == norm_form(form)]


def load_map(form: str, tax_year: int, pdf: Any = None) -> FieldMap:
    """Map serving `tax_year`; with `pdf`, also verify it against that PDF."""
    form = norm_form(form)
    cands = all_maps(form)
    for m in cands:
        if int(tax_year) in m.tax_years:
            if pdf is not None:
                verify_map(m, pdf)
            return m
    if any(int(tax_year) in m.tax_years_without_blank for m in cands):
        known = ", ".join(str(m.revision) for m in cands)
        raise FieldMapError(
            f"no blank {form}.pdf is known for tax year {tax_year} (maps exist for "
            f"revision(s) {known}; field names differ between revisions, pdf-notes §3)")
    raise FieldMapError(f"no field map for {form} tax year {tax_year} in {maps_dir()}")


def map_by_sha256(sha: str) -> FieldMap | None:
    sha = sha.lower()
    return next((m for m in all_maps() if m.sha256 == sha), None)


def map_for_blank(path: Path | bytes) -> FieldMap:
    """Map of a blank identified by its sha256, verified against its names."""
    sha = sha256_of(path)
    m = map_by_sha256(sha)
    if m is None:
        raise FieldMapError(f"no field map for a PDF with sha256 {sha}")
    verify_map(m, path)
    return m


def map_for_pdf(reader: Any, form: str | None = None) -> FieldMap:
    """Detect the revision of an opened PDF (pypdf/pikepdf, path or bytes) by
    the field names present; the map whose names all exist and that leaves the
    fewest unmapped fields wins."""
    names = field_names(reader)
    fits = [m for m in all_maps(form) if m.names() <= names]
    if not fits:
        raise FieldMapError(
            f"no known {form or 'form'} revision matches this PDF's {len(names)} field names")
    return min(fits, key=lambda m: (len(names - m.names()), -m.revision))


def verify_map(fmap: FieldMap, doc: Any) -> None:
    missing = sorted(fmap.names() - field_names(doc))
    if missing:
        raise FieldMapError(
            f"{fmap.form} revision {fmap.revision} map does not fit this PDF: "
            f"{len(missing)} mapped field(s) missing, e.g. {missing[:3]} "
            "(wrong revision? pdf-notes §3)")


# --- field tree walking (pypdf and pikepdf) -------------------------------

def _is_pike(doc: Any) -> bool:
    return type(doc).__module__.startswith("pikepdf")


def iter_fields(doc: Any) -> Iterator[tuple[str, Any]]:
    """(fully qualified name, terminal field dict) for a pikepdf.Pdf or pypdf
    PdfReader/PdfWriter. Widgets without /T are merged into their field."""
    if _is_pike(doc):
        af = doc.Root.get("/AcroForm")
        top = af.get("/Fields") if af is not None else None
        deref = lambda o: o  # noqa: E731
    else:
        root = doc.trailer["/Root"] if hasattr(doc, "trailer") else doc._root_object
        af = root.get_object().get("/AcroForm")
        top = af.get_object().get("/Fields") if af is not None else None
        deref = lambda o: o.get_object()  # noqa: E731
    if top is None:
        return
    stack = [(deref(f), "", 0) for f in reversed(list(deref(top)))]
    while stack:
        f, prefix, depth = stack.pop()
        if depth > 32:  # malformed (cyclic) field tree
            raise FieldMapError("AcroForm field tree deeper than 32 levels")
        t = f.get("/T")
        name = f"{prefix}.{t}" if prefix and t is not None else (str(t) if t is not None else prefix)
        kids = f.get("/Kids")
        kids = [deref(k) for k in deref(kids)] if kids is not None else []
        if kids and any("/T" in k for k in kids):
            stack.extend((k, name, depth + 1) for k in reversed(kids))
        else:
            yield name, f


def _open(doc: Any) -> Any:
    if isinstance(doc, (str, Path)):
        import pikepdf
        return pikepdf.open(doc)
    if isinstance(doc, (bytes, bytearray)):
        import pikepdf
        return pikepdf.open(io.BytesIO(doc))
    return doc


def field_names(doc: Any) -> set[str]:
    d = _open(doc)
    return {n for n, _ in iter_fields(d)}


def sha256_of(data: bytes | Path) -> str:
    if isinstance(data, (str, Path)):
        data = Path(data).read_bytes()
    return hashlib.sha256(data).hexdigest()
