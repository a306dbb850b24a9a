"""Locate, verify and fetch official blank forms. The repo holds no PDFs.

Search order: --forms-dir argument, $TAXDOCS_FORMS_DIR, then the user cache
$XDG_CACHE_HOME/taxdocs/forms (default ~/.cache/taxdocs/forms). In each
directory both <dir>/<year>/f8606.pdf and <dir>/f8606.pdf are accepted.
Every file found is checked against the map's sha256.
"""
from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path

from .fieldmaps import FieldMap, FieldMapError, load_map, map_by_sha256, norm_form

ENV_DIR = "TAXDOCS_FORMS_DIR"
TIMEOUT = 20  # seconds
MAX_BYTES = 20 * 1024 * 1024


class BlankFormError(Exception):
    """A blank exists but is wrong, or it cannot be fetched."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "taxdocs" / "forms"


def search_dirs(forms_dir: str | Path | None = None) -> list[Path]:
    dirs = [Path(forms_dir)] if forms_dir else []
    if os.environ.get(ENV_DIR):
        dirs.append(Path(os.environ[ENV_DIR]))
    dirs.append(cache_dir())
    return dirs


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _advice(fmap: FieldMap, tax_year: int) -> str:
    urls = " or ".join(dict.fromkeys([fmap.url_prior, fmap.url]))
    return (f"download the {fmap.revision} revision of {fmap.form}.pdf ({urls}; "
            f"sha256 {fmap.sha256}) and pass --forms-dir DIR with DIR/{tax_year}/"
            f"{fmap.form}.pdf or DIR/{fmap.form}.pdf (or set {ENV_DIR})")


def find_blank(form: str, tax_year: int, forms_dir: str | Path | None = None) -> Path | None:
    """Verified blank for (form, tax_year), or None when none is available
    (callers then fall back to a facsimile). A file with the wrong content
    raises BlankFormError."""
    try:
        fmap = load_map(form, tax_year)
    except FieldMapError:
        return None  # no known revision serves this year
    name = f"{fmap.form}.pdf"
    for d in search_dirs(forms_dir):
        years = dict.fromkeys([str(tax_year), str(fmap.revision)])
        for p, flat in [*((d / y / name, False) for y in years), (d / name, True)]:
            if not p.is_file():
                continue
            actual = _sha256(p)
            if actual == fmap.sha256:
                return p
            other = map_by_sha256(actual)
            if flat and other is not None and other.form == fmap.form:
                continue  # flat dir holding another revision of the same form
            raise BlankFormError(
                f"{p}: not the {fmap.form} blank for tax year {tax_year}: sha256 expected "
                f"{fmap.sha256}, actual {actual}"
                + (f" (that is the {other.revision} revision)" if other else "")
                + f"; {_advice(fmap, tax_year)}")
    return None


def _mkdirs(path: Path) -> None:
    """Create missing directories with 0o700 (umask-proof)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for p in reversed(missing):
        p.mkdir(mode=0o700)
        os.chmod(p, 0o700)


def _download(url: str) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "taxdocs (blank form fetch)"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
        data = r.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise BlankFormError(f"{url}: more than {MAX_BYTES} bytes")
    return data


def fetch(form: str, tax_year: int) -> Path:
    """Download the blank into the user cache (sha256-checked, atomic, 0o600).
    Tries the map's url, then url_prior (the IRS moves last year's form)."""
    try:
        fmap = load_map(form, tax_year)
    except FieldMapError as e:
        raise BlankFormError(f"cannot fetch {norm_form(form)} for tax year {tax_year}: {e}") from None
    dest_dir = cache_dir() / str(tax_year)
    dest = dest_dir / f"{fmap.form}.pdf"
    if dest.is_file() and _sha256(dest) == fmap.sha256:
        return dest
    problems = []
    for url in dict.fromkeys([fmap.url, fmap.url_prior]):
        try:
            data = _download(url)
        except (urllib.error.URLError, OSError, TimeoutError, ValueError, BlankFormError) as e:
            problems.append(f"{url}: {getattr(e, 'reason', e)}")
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != fmap.sha256:
            problems.append(f"{url}: sha256 {actual}, expected {fmap.sha256} (IRS re-issued the form?)")
            continue
        _mkdirs(dest_dir)
        from taxdocs.core.files import write_atomic
        write_atomic(dest, data, 0o600)
        return dest
    raise BlankFormError(f"could not fetch {fmap.form} for tax year {tax_year}: "
                         + "; ".join(problems) + f". To fix: {_advice(fmap, tax_year)}")
