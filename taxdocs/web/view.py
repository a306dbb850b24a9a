"""The form page's view: values and messages by input name, for the templates.

The form body is rendered first; the view records which names got an input and which
messages were shown next to a field. The page around it then lists every message in
an error summary at the top (each linked to its field, or to the nearest part of the
form that was rendered) and carries any scenario value the page has no input for as a
hidden field, so "Change my answers" never loses data entered elsewhere (e.g. YAML).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from taxdocs.web.fields import field_id


@dataclass
class Message:
    path: str
    text: str
    anchor: str = ""      # id to link to from the summary
    shown: bool = False   # shown next to a field


def friendly(message: str, path: str = "") -> str:
    """pydantic's words -> plain words for a person filling a form."""
    m = re.sub(r"\s*\(got .*\)\s*$", "", message, flags=re.S)  # the field shows the value already
    m = re.sub(r"^Value error,\s*", "", m)
    leaf = path.rsplit(".", 1)[-1]
    low = m.lower()
    if low in ("required field is missing", "field required"):
        if re.search(r"box7(\[\d+\])?$", path):
            return "Choose the code shown in box 7."
        return "This is needed."
    if "list should have at least 1 item" in low and re.search(r"box7$", path):
        return "Choose the code shown in box 7."
    if "valid decimal" in low or "decimal input" in low and "valid" in low:
        return "Enter an amount in dollars, like 1234.56."
    if "greater than or equal to 0" in low:
        return "Enter an amount of 0 or more."
    if "no more than 2 decimal places" in low:
        return "Enter dollars and cents (at most 2 decimal places)."
    if "valid date" in low or "date" in low and ("input should be" in low or "invalid" in low):
        return "Enter a date that exists, as 2025-03-03, 3/3/2025 or March 3, 2025."
    if "valid integer" in low:
        return "Enter a year as four digits (for example 2019)." if "year" in leaf or leaf == "box11" \
            else "Enter a whole number."
    if low.startswith("input should be '"):
        return "Choose one of the options."
    if "unknown field" in low:
        return "This field is not part of a scenario."
    return m[:1].upper() + m[1:]


class FormView:
    def __init__(self, values: dict[str, Any], problems: Iterable = (), notices: Iterable[str] = ()):
        self.values = values
        self.used: set[str] = set()
        self.containers: set[str] = set()
        self.messages: list[Message] = []
        self.notices = list(notices)
        for p in problems:
            path = getattr(p, "path", "") or ""
            if re.search(r"(^|\.)payer$", path):   # the whole payer block is missing: ask for its name
                path += ".name"
            self.messages.append(Message(path, friendly(getattr(p, "message", str(p)), path)))

    # -- inputs -------------------------------------------------------------------------
    def v(self, name: str) -> str:
        self.used.add(name)
        val = self.values.get(name)
        if val is None or isinstance(val, bool):
            return ""
        return str(val)

    def checked(self, name: str) -> bool:
        self.used.add(name)
        val = self.values.get(name)
        return val is True or (isinstance(val, str) and val.lower() in ("on", "true", "1", "yes"))

    def id(self, name: str) -> str:
        return field_id(name)

    # -- messages -----------------------------------------------------------------------
    def errs(self, name: str, *, container: bool = False) -> list[str]:
        """Messages for exactly this name; `container` marks a fieldset that can be linked to."""
        if container:
            self.containers.add(name)
        out = []
        for m in self.messages:
            if m.path == name and not m.shown:
                m.shown = True
                m.anchor = field_id(name)
                out.append(m.text)
        return out

    def invalid(self, name: str) -> bool:
        return any(m.path == name for m in self.messages)

    def summary(self) -> list[Message]:
        """Every message, with a link target; call after the body is rendered."""
        known = self.used | self.containers
        for m in self.messages:
            if m.anchor:
                continue
            path = m.path
            while path:
                if path in known:
                    m.anchor = field_id(path)
                    break
                shorter = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
                if shorter == path:  # nothing left to take off (a name the page has no input for): no anchor
                    break
                path = shorter
        return self.messages

    def carried(self) -> list[tuple[str, str]]:
        """Scenario values with no input on the page, as hidden fields."""
        out = []
        for name, val in self.values.items():
            if name in self.used:
                continue
            if val is None:
                val = ""  # kept for filed lines (a blank line), dropped everywhere else
            out.append((name, ("true" if val else "false") if isinstance(val, bool) else str(val)))
        return out
