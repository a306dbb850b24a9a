"""Fast form filling by incremental update (pdf-notes "Speed").

The blank is parsed once per process. Each document is the blank's bytes,
unchanged, followed by one appended revision holding:
  * for every filled text field a new appearance stream (/AP /N) and a new
    copy of the field/widget dictionary with /V and /AP,
  * for every filled checkbox a new copy with /V and /AS set to its on-state (its /AP kept)
    (pdf-notes §4: /1, or /2 for the 1099-R CORRECTED box),
  * a new /AcroForm without /XFA (pdf-notes §1) and a new catalog without
    /Perms (the usage-rights signature only covers the original bytes),
  * a cross-reference *stream* with /Prev: the IRS blanks use xref streams
    and object streams (and the 1099-R is linearized), so the update uses the
    same kind of xref section (checked with qpdf, pypdf and poppler).
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pikepdf

from .fieldmaps import FieldMap, iter_fields, verify_map
from .fill import (FillError, Font, _inherited, font_from_dict, parse_da, prepare_5329_part1,
                   prepare_8606, text_appearance, validate)

_DROP = ("/V", "/AP", "/AS")


@dataclass(frozen=True)
class _Field:
    num: int
    gen: int
    base: bytes  # dictionary without /V /AP /AS and without the closing ">>"
    type: str
    on: bytes = b""  # checkbox on-state, e.g. b"/1"
    width: float = 0.0
    height: float = 0.0
    da: str = ""
    q: int = 0
    font: Font | None = None
    font_res: bytes = b""  # b"<< /Font << /Name 37 0 R >> >>"
    multiline: bool = False


def _ref(o: Any) -> bytes:
    n, g = o.objgen
    return b"%d %d R" % (n, g)


def _unparse_without(d: Any, drop: tuple[str, ...]) -> bytes:
    body = pikepdf.Dictionary({k: v for k, v in d.items() if k not in drop}).unparse()
    body = body.rstrip()
    assert body.endswith(b">>")
    return body[:-2].rstrip()


def pdf_text_string(s: str) -> bytes:
    """PDF text string: literal for printable ASCII, else UTF-16BE with BOM."""
    if all(32 <= ord(c) < 127 for c in s):
        return b"(" + s.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    return b"<feff" + s.encode("utf-16-be").hex().encode() + b">"


class FastFiller:
    """Parse `blank` once; `fill(fields)` returns a complete filled PDF."""

    def __init__(self, blank: Path | bytes, fmap: FieldMap):
        data = Path(blank).read_bytes() if isinstance(blank, (str, Path)) else bytes(blank)
        self.fmap = fmap
        i = data.rindex(b"startxref")
        self.prev = int(data[i + 9:].split()[0])
        self.blank = data if data.endswith((b"\n", b"\r")) else data + b"\n"
        with pikepdf.open(io.BytesIO(data)) as pdf:
            verify_map(fmap, pdf)  # pdf-notes §3
            tr = pdf.trailer
            self.size = int(tr.Size)
            self.root_ref = _ref(pdf.Root)
            self.info_ref = _ref(tr.Info) if "/Info" in tr and tr.Info.is_indirect else None
            self.id0 = bytes(tr.ID[0]) if "/ID" in tr else hashlib.md5(data).digest()
            self.fixed = self._fixed_objects(pdf)
            self.fields = self._fields(pdf)

    def _fixed_objects(self, pdf: pikepdf.Pdf) -> list[tuple[int, int, bytes]]:
        """Catalog without /Perms, AcroForm without /XFA and /NeedAppearances."""
        af = pdf.Root.AcroForm
        af_body = _unparse_without(af, ("/XFA", "/NeedAppearances")) + b" >>"
        root_drop = ("/Perms",) if af.is_indirect else ("/Perms", "/AcroForm")
        root_body = _unparse_without(pdf.Root, root_drop)
        if not af.is_indirect:
            root_body += b" /AcroForm " + af_body
        out = [(*pdf.Root.objgen, root_body + b" >>")]
        if af.is_indirect:
            out.append((*af.objgen, af_body))
        return out

    def _fields(self, pdf: pikepdf.Pdf) -> dict[str, _Field]:
        by_name = dict(iter_fields(pdf))
        dr = pdf.Root.AcroForm.get("/DR")
        fonts = dr.get("/Font") if dr is not None else None
        out = {}
        for key, spec in self.fmap.fields.items():
            f = by_name[spec.name]
            if "/Kids" in f or not f.is_indirect:
                raise FillError(f"{key}: field and widget are not one object; use fill.fill_form")
            if spec.type == "checkbox":
                # its /AP holds the on and off drawings that /AS picks: kept (a viewer that does not redraw
                # fields shows nothing without it)
                base = _unparse_without(f, ("/V", "/AS"))
                states = set(f.AP.N.keys()) if "/AP" in f else set()
                if spec.on not in states:  # pdf-notes §4
                    raise FillError(f"{key}: on-state {spec.on} not in /AP /N {sorted(states)}")
                out[key] = _Field(*f.objgen, base, "checkbox", on=spec.on.encode())
                continue
            base = _unparse_without(f, _DROP)
            da = str(_inherited(f, "/DA") or pdf.Root.AcroForm.get("/DA", ""))
            fname = parse_da(da)[0]
            fdict = fonts.get(fname) if fonts is not None else None
            x0, y0, x1, y1 = (float(v) for v in f.Rect)
            res = (b"<< /Font << %s %s >> >>" % (fname.encode(), _ref(fdict))
                   if fdict is not None and fdict.is_indirect else b"<< >>")
            out[key] = _Field(*f.objgen, base, "text", width=abs(x1 - x0), height=abs(y1 - y0),
                              da=da, q=int(_inherited(f, "/Q") or 0),
                              font=font_from_dict(fname, fdict), font_res=res,
                              multiline=spec.multiline)
        return out

    def update(self, fields: Mapping[str, Any]) -> bytes:
        """Only the appended revision (blank + update = filled PDF)."""
        fields = {k: v for k, v in fields.items() if v is not None and v != ""}
        validate(self.fmap, fields)
        base_pos = len(self.blank)
        chunks: list[bytes] = []
        pos = base_pos
        offsets: dict[int, tuple[int, int]] = {}
        nxt = self.size

        def add(num: int, gen: int, body: bytes) -> None:
            nonlocal pos
            c = b"%d %d obj\n%s\nendobj\n" % (num, gen, body)
            offsets[num] = (pos, gen)
            chunks.append(c)
            pos += len(c)

        for num, gen, body in self.fixed:
            add(num, gen, body)
        for key, value in fields.items():
            f = self.fields[key]
            if f.type == "checkbox":
                state = f.on if value else b"/Off"
                add(f.num, f.gen, f.base + b" /V %s /AS %s >>" % (state, state))
                continue
            content = text_appearance(value, f.width, f.height, f.da, f.q, f.font, f.multiline, key)
            ap = nxt
            nxt += 1
            add(ap, 0, b"<< /Type /XObject /Subtype /Form /BBox [0 0 %.3f %.3f] /Resources %s "
                       b"/Length %d >>\nstream\n%s\nendstream" % (f.width, f.height, f.font_res,
                                                                  len(content), content))
            add(f.num, f.gen, f.base + b" /V %s /AP << /N %d 0 R >> >>" % (pdf_text_string(value), ap))
        # the xref stream lists itself too
        xnum = nxt
        offsets[xnum] = (pos, 0)
        nums = sorted(offsets)
        index: list[int] = []
        for n in nums:
            if index and index[-2] + index[-1] == n:
                index[-1] += 1
            else:
                index += [n, 1]
        rows = b"".join(b"\x01" + offsets[n][0].to_bytes(4, "big") + offsets[n][1].to_bytes(2, "big")
                        for n in nums)
        id1 = hashlib.md5(b"".join(chunks)).hexdigest().encode()
        info = b" /Info " + self.info_ref if self.info_ref else b""
        xdict = (b"<< /Type /XRef /Size %d /Root %s%s /ID [<%s> <%s>] /Prev %d /W [1 4 2] "
                 b"/Index [%s] /Length %d >>" % (xnum + 1, self.root_ref, info, self.id0.hex().encode(),
                                                 id1, self.prev, b" ".join(b"%d" % i for i in index),
                                                 len(rows)))
        chunks.append(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
                      % (xnum, xdict, rows, pos))
        return b"".join(chunks)

    def fill(self, fields: Mapping[str, Any]) -> bytes:
        return self.blank + self.update(fields)


_CACHE: dict[tuple[str, str, int], FastFiller] = {}


def get_filler(blank: Path, fmap: FieldMap) -> FastFiller:
    """Per-process cache: one parsed blank per (path, form, revision)."""
    key = (str(Path(blank).resolve()), fmap.form, fmap.revision)
    f = _CACHE.get(key)
    if f is None:
        f = _CACHE[key] = FastFiller(blank, fmap)
    return f


def fastfill_8606(blank: Path, fmap: FieldMap, values: Mapping[str, Any],
                  header: Mapping[str, Any]) -> bytes:
    """Same inputs and readback as fill.fill_8606 (no flatten)."""
    return get_filler(blank, fmap).fill(prepare_8606(fmap, values, header))


def fastfill_5329_part1(blank: Path, fmap: FieldMap, values: Mapping[str, Any],
                        header: Mapping[str, Any]) -> bytes:
    return get_filler(blank, fmap).fill(prepare_5329_part1(fmap, values, header))
