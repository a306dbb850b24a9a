"""Position checker: does each mapped field sit on the printed line it claims?

What is checked, per mapped text field (page coordinates, points):
1. The map's field is filled with a unique marker (its own line label or
   key); the filled PDF is reopened and the widget holding that marker gives
   the page and /Rect [x0 y0 x1 y1] actually used for that key.
2. The page's printed text is taken from the content stream with pypdf
   (`extract_text(visitor_text=...)`, baseline start of each text chunk).
3. Rule by kind of field:
   * line fields of 8606/5329 ("row"): the nearest printed line number
     (chunk matching ^\\d{1,2}[a-z]?$ once spaces are removed) to the LEFT of
     x0 whose baseline lies in the field's vertical band [y0-1, y1+1] must
     equal the field's label ("15a"); both forms print the number just left
     of the entry box on the same row.
   * box fields of the 1099-R ("box"): the box number printed at the top-left
     of the box, i.e. among number chunks with baseline in (y1-1, y1+30] and
     x <= x0+10, the lowest one (then the rightmost) must equal the label.
   * header / preparer / payer fields ("caption"): the nearest chunk starting
     within x0±10 above the field (baseline in [y1-2, y1+30]) or else the
     nearest chunk to the left in the band, must be part of the field's XFA
     caption (case and quotes normalised).
4. Keys sharing one label (10.int/10.dec, the two rows of 1099-R boxes
   14-19) must appear in reading order in the map.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

import pikepdf
import pypdf

from taxdocs.documents.fieldmaps import FieldMap, iter_fields
from taxdocs.documents.fill import fill_form

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pdf-notes §11 (CFF font noise)

# (form, revision) of every map kept in forms/
MAPS = [("f8606", 2023), ("f8606", 2025), ("f5329", 2025), ("f1099r", 2025)]

_NUM = re.compile(r"^\d{1,2}[a-z]?$")


@dataclass(frozen=True)
class Chunk:
    text: str
    x: float
    y: float

    @property
    def token(self) -> str:
        return re.sub(r"\s+", "", self.text)


def norm(s: str) -> str:
    s = s.replace("’", "'").replace("“", '"').replace("”", '"').lower()
    s = re.sub(r"(\s*\.){2,}\s*$", "", s)  # leader dots
    return re.sub(r"\s+", " ", s).strip()


def page_chunks(page: pypdf.PageObject) -> list[Chunk]:
    out: list[Chunk] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append(Chunk(text, x, y))

    page.extract_text(visitor_text=visit)
    return out


def markers(fmap: FieldMap) -> dict[str, str]:
    """Unique fill value per text field: its label/key, or a short code."""
    out, used = {}, set()
    codes = iter("ABCDEFGHJKLMNPQRSTUVWXYZ")
    for key, spec in fmap.fields.items():
        if spec.type != "text":
            continue
        m = (spec.label or key)[: spec.max_len or None]
        if m in used:
            m = next(codes)
        used.add(m)
        out[key] = m
    return out


def check_row(rect, label, chunks) -> str | None:
    x0, y0, x1, y1 = rect
    cands = [c for c in chunks if _NUM.match(c.token) and y0 - 1 <= c.y <= y1 + 1 and c.x < x0]
    if not cands:
        return "no printed line number left of the field in its band"
    got = max(cands, key=lambda c: c.x).token
    return None if got == label else f"printed line number in band is {got!r}"


def check_box(rect, label, chunks) -> str | None:
    x0, y0, x1, y1 = rect
    cands = [c for c in chunks if _NUM.match(c.token) and y1 - 1 < c.y <= y1 + 30 and c.x <= x0 + 10]
    if not cands:
        return "no box number above the field"
    got = min(cands, key=lambda c: (round(c.y - y1, 1), -c.x)).token
    return None if got == label else f"box number above is {got!r}"


def check_caption(rect, caption, chunks) -> str | None:
    x0, y0, x1, y1 = rect
    cap = norm(caption)
    above = [c for c in chunks if abs(c.x - x0) <= 10 and y1 - 2 <= c.y <= y1 + 30]
    left = [c for c in chunks if y0 - 1 <= c.y <= y1 + 1 and c.x < x0]
    seen = []
    if above:
        c = min(above, key=lambda c: c.y)
        if norm(c.text) and norm(c.text) in cap:
            return None
        seen.append(c.text.strip())
    if left:
        c = max(left, key=lambda c: c.x)
        if norm(c.text) and norm(c.text) in cap:
            return None
        seen.append(c.text.strip())
    return f"caption not next to field (nearest text: {seen})"


def check_positions(blank, fmap: FieldMap) -> dict[str, str]:
    """{key: problem} for every mapped text field that is not where the map
    says (empty dict = all good)."""
    marks = markers(fmap)
    filled = fill_form(blank, fmap, marks)
    problems: dict[str, str] = {}
    where: dict[str, tuple[int, tuple[float, ...]]] = {}
    with pikepdf.open(io.BytesIO(filled)) as pdf:
        page_of = {a.objgen: i for i, pg in enumerate(pdf.pages) for a in pg.get("/Annots", [])}
        by_value = {str(f.get("/V")): f for _, f in iter_fields(pdf) if "/V" in f}
        for key, m in marks.items():
            f = by_value.get(m)
            if f is None:
                problems[key] = "marker not found in any field"
                continue
            where[key] = (page_of[f.objgen], tuple(float(v) for v in f.Rect))
    reader = pypdf.PdfReader(io.BytesIO(filled))
    chunks = {}
    for key, (pno, rect) in where.items():
        spec = fmap.fields[key]
        if pno + 1 != spec.page:
            problems[key] = f"on page {pno + 1}, map says {spec.page}"
            continue
        if pno not in chunks:
            chunks[pno] = page_chunks(reader.pages[pno])
        if spec.label:
            rule = check_box if fmap.form == "f1099r" else check_row
            err = rule(rect, spec.label, chunks[pno])
        elif spec.caption:
            err = check_caption(rect, spec.caption, chunks[pno])
        else:
            err = "map entry has neither label nor caption"
        if err:
            problems[key] = f"{spec.name}: {err}"
    # same label twice (10.int/10.dec, 1099-R rows 14-19): map order must be
    # reading order, left to right on a row, then top to bottom
    prev: dict[str, tuple[str, tuple[float, ...]]] = {}
    for key, (pno, rect) in where.items():
        label = fmap.fields[key].label
        if label in prev:
            pkey, prect = prev[label]
            same_row = abs(prect[1] - rect[1]) < 1
            if not (same_row and prect[0] < rect[0] or prect[1] > rect[1] + 1):
                problems[key] = f"comes before {pkey} in reading order, map says after"
        if label:
            prev[label] = (key, rect)
    return problems
