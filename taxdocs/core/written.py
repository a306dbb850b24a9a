"""Amounts and dates as people write them -> the scenario model's own spelling. One set of rules for scenario
files, CSV cells and the web form.

    amount("$12,345.67") -> "12345.67"      amount("(5,750)", signed=True) -> "-5750"
    date_text("6/1/2025") -> "2025-06-01"   date_text("June 1, 2025") -> "2025-06-01"

What is not recognised is returned as it is (the model then names the problem); what is recognised but wrong
(a decimal comma, a negative 1099-R amount, a day that does not exist) is a WrittenError with the reason.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d*)?")     # 12,345.67: commas between thousands only
US_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")  # month first (US)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_LOOSE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")     # 2025-6-1
WORDS = ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%b. %d, %Y")


class WrittenError(ValueError):
    pass


def amount(s: str, signed: bool = False) -> str:
    """"$1,234.50" -> "1234.50". `signed`: "(5,750)" (a spreadsheet's negative) -> "-5750"."""
    t = s.strip().replace("$", "").replace(" ", "")
    negative = signed and t.startswith("(") and t.endswith(")")
    if negative:
        t = t[1:-1]
    if "," in t:  # thousands separators only: "1,5" or "1234,56" is a decimal comma, not 15 or 123456
        if not GROUPED.fullmatch(t.strip("()")):
            raise WrittenError(f"amount {s!r}: commas may only separate thousands (12,345.67); write cents with a point")
        t = t.replace(",", "")
    if t.startswith("(") and t.endswith(")"):
        raise WrittenError(f"negative amount {s!r}: this amount is never negative")
    return "-" + t if negative else t


def date_text(s: str, full_year: bool = False) -> str:
    """A date written month first (6/1/2025, 06-01-25), with an unpadded ISO date (2025-6-1) or in words (June 1,
    2025) -> ISO. `full_year`: a two-digit year is refused (a birth or death date: 1925 or 2025?)."""
    s = s.strip()
    if ISO.match(s):
        return s  # the model's own spelling: its own words if the day does not exist
    m = US_DATE.match(s)
    if m:
        mo, d, y = (int(x) for x in m.groups())
        if y < 100 and full_year:
            raise WrittenError(f"{s!r}: write the year in full (a two-digit year is ambiguous for a birth or death date)")
        y = y + 2000 if y < 100 else y
    else:
        m = ISO_LOOSE.match(s)
        if m:
            y, mo, d = (int(x) for x in m.groups())
        else:
            for fmt in WORDS:
                try:
                    return dt.datetime.strptime(s, fmt).date().isoformat()
                except ValueError:
                    continue
            return s  # ISO or wrong: the scenario model says which
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        raise WrittenError(f"not a date: {s!r}") from None


def codes(text) -> list[str]:
    """Box 7 as printed: each distribution code is one character, so "G4", "4, G" and 7 are read as codes (i1099r)."""
    return [c.upper() for c in str(text) if c.isalnum()]


# letters with no decomposition to a base letter the form font has (NFKD leaves them whole)
_PLAIN = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i",
                        "Ŀ": "L", "ŀ": "l", "Ŧ": "T", "ŧ": "t", "ĸ": "k", "Ŋ": "N", "ŋ": "n", "Ə": "E", "ə": "e"})


def form_text(text: str) -> str:
    """Text the official form's font can show (/WinAnsiEncoding, cp1252): as it is when it can, else each letter
    the font lacks as its plain Latin letter ("Łukasz Wróbel" -> "Lukasz Wróbel"), else "?". A name is written
    as a preparer would write it by hand, rather than the form not being filled."""
    if text.isascii():  # nearly every name: no encoding to look up
        return text
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = ch.translate(_PLAIN)
            base = base if base != ch else "".join(c for c in unicodedata.normalize("NFKD", ch)
                                                   if not unicodedata.combining(c))
            try:
                base.encode("cp1252")
                out.append(base or "?")
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)
