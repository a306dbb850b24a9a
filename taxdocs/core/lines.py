"""Form lines as declarations, evaluated lazily, each able to explain itself.

A `Graph` holds facts (inputs, with the place in the scenario they came from) and
line definitions (label, formula, citation, function). Evaluating a line records
which facts and lines it read, so the explanation tree comes from the same
definition. Every node has a status: complete, provisional (rests on an assumption)
or missing; the worst status of its inputs flows downstream.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable

from taxdocs.core.money import z

STATUSES = ("complete", "provisional", "missing")
RANK = {s: i for i, s in enumerate(STATUSES)}
_PROVISIONAL = 1


class Node:
    """A fact or an evaluated line, as explained. Built on request (`Graph.node`): the graph itself
    keeps values, statuses and what each line read in plain dicts (a return has ~120 of them)."""
    __slots__ = ("key", "label", "value", "formula", "cite", "source", "rank", "read", "notes")

    def __init__(self, key: str, label: str, value: Any, formula: str = "", cite: str = "", source: str = "",
                 status: str = "complete", deps: list[str] | None = None, notes: list[str] | None = None,
                 rank: int | None = None) -> None:
        self.key, self.label, self.value = key, label, value
        self.formula, self.cite, self.source = formula, cite, source
        self.rank = RANK[status] if rank is None else rank
        self.read = deps if deps is not None else []   # keys read, in order, repeats included
        self.notes = notes if notes is not None else []

    @property
    def status(self) -> str:
        return STATUSES[self.rank]

    @property
    def deps(self) -> list[str]:
        """The facts and lines this line read, each once, in order."""
        return list(dict.fromkeys(self.read))

    @property
    def is_fact(self) -> bool:
        return bool(self.source)

    def __repr__(self) -> str:
        return f"Node({self.key!r}, {self.value!r}, {self.status})"


# A line definition is a plain tuple (a return declares ~80): label, cite, formula, function, and the
# line (a yes/no) without which it is blank (a part of the form not completed), or None.
LABEL, CITE, FORMULA, FN, WHEN = range(5)
# What evaluating a line recorded: [key, keys read (in order, repeats included), notes or None, worst rank].
_READ, _NOTES, _RANK = 1, 2, 3
_NO = object()  # "not evaluated yet" (None is a value)


class CycleError(RuntimeError):
    pass


class Graph:
    def __init__(self) -> None:
        self.vals: dict[str, Any] = {}          # facts and evaluated lines -> value
        self.ranks: dict[str, int] = {}         # status rank, only where not complete
        self.facts: dict[str, tuple] = {}       # fact -> (label, source, note or None)
        self.defs: dict[str, tuple] = {}        # line -> (label, cite, formula, fn, when)
        self.trace: dict[str, list] = {}        # line -> its evaluation frame (also: being evaluated)
        self._stack: list[list] = []

    # -- declaring -------------------------------------------------------
    def fact(self, key: str, value: Any, label: str, source: str,
             status: str = "complete", note: str | None = None) -> None:
        self.vals[key] = value
        self.facts[key] = (label, source, note)  # note: None or one text (Node lists it)
        if status != "complete":
            self.ranks[key] = RANK[status]
        elif key in self.ranks:
            del self.ranks[key]

    def define(self, key: str, label: str, cite: str, formula: str,
               fn: Callable[["Graph"], Any], when: str | None = None) -> None:
        """`when`: a yes/no line or fact; while it is false the line is blank (None) and `fn` is not called."""
        self.defs[key] = (label, cite, formula, fn, when)
        if key in self.vals:  # replaces a fact, or a line already evaluated
            self._forget(key)

    def _forget(self, key: str) -> None:
        del self.vals[key]
        self.facts.pop(key, None)
        self.ranks.pop(key, None)
        self.trace.pop(key, None)

    def has(self, key: str) -> bool:
        return key in self.vals or key in self.defs

    # -- evaluating ------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        v = self.vals.get(key, _NO)
        if v is _NO:
            v = self._evaluate(key)
        if self._stack:  # inside an evaluation: record what the line read
            frame = self._stack[-1]
            frame[_READ].append(key)
            r = self.ranks.get(key)
            if r is not None and r > frame[_RANK]:
                frame[_RANK] = r
        return v

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if self.has(key) else default

    def status(self, key: str) -> str:
        if key not in self.vals:
            self._evaluate(key)
        return STATUSES[self.ranks.get(key, 0)]

    def node(self, key: str) -> Node:
        if key not in self.vals:
            self._evaluate(key)
        rank = self.ranks.get(key, 0)
        fact = self.facts.get(key)
        if fact is not None:
            return Node(key, fact[0], self.vals[key], "", "", fact[1], deps=[], notes=[fact[2]] if fact[2] else [],
                        rank=rank)
        d, frame = self.defs[key], self.trace[key]
        return Node(key, d[LABEL], self.vals[key], d[FORMULA], d[CITE], "", deps=frame[_READ],
                    notes=frame[_NOTES] if frame[_NOTES] is not None else [], rank=rank)

    @property
    def nodes(self) -> "Nodes":
        """Facts and evaluated lines as `Node`s (built on access)."""
        return Nodes(self)

    def reads(self, *keys: str) -> None:
        """Record facts the line being evaluated rests on without using their values (they explain it)."""
        for k in keys:
            self[k]

    def note(self, text: str) -> None:
        """Attach a note (an assumption, a choice) to the line being evaluated."""
        if self._stack:
            frame = self._stack[-1]
            if frame[_NOTES] is None:
                frame[_NOTES] = []
            frame[_NOTES].append(text)

    def provisional(self, text: str) -> None:
        """Mark the line being evaluated as resting on an assumption."""
        if self._stack:
            self.note(text)
            frame = self._stack[-1]
            if frame[_RANK] < _PROVISIONAL:
                frame[_RANK] = _PROVISIONAL

    def _evaluate(self, key: str) -> Any:
        d = self.defs.get(key)
        if d is None:
            raise KeyError(f"no line or fact named {key!r}")
        trace = self.trace
        if key in trace:  # in the trace but without a value: being evaluated
            raise CycleError(" -> ".join([f[0] for f in self._stack] + [key]))
        when = d[WHEN]
        if when is not None and self.vals.get(when, True) is False:
            # a part not completed, its yes/no already known: blank, having read only that (most lines
            # of most returns: the same result as below, without the evaluation's machinery)
            rank = self.ranks.get(when, 0)
            trace[key] = [key, [when], None, rank]
            self.vals[key] = None
            if rank:
                self.ranks[key] = rank
            return None
        frame = [key, [], None, 0]
        trace[key] = frame
        stack = self._stack
        stack.append(frame)
        try:
            value = None if when is not None and not self[when] else d[FN](self)
        except BaseException:
            stack.pop()
            del trace[key]
            raise
        stack.pop()
        self.vals[key] = value
        if frame[_RANK]:
            self.ranks[key] = frame[_RANK]
        return value

    def evaluate_all(self, prefix: str = "") -> dict[str, Any]:
        vals, out = self.vals, {}
        for k in list(self.defs):
            if not prefix or k.startswith(prefix):
                v = vals.get(k, _NO)
                out[k] = self._evaluate(k) if v is _NO else v
        return out

    def clear(self) -> None:
        """Drop everything (the line functions may close over objects that refer to this graph)."""
        for d in (self.vals, self.ranks, self.facts, self.defs, self.trace):
            d.clear()

    # -- explaining ------------------------------------------------------
    def explain(self, key: str, depth: int = 50, gates: bool = False, _seen: set | None = None) -> dict:
        """The tree of what a line read. Yes/no conditions and lists (gates) and repeats are folded unless asked."""
        seen = set() if _seen is None else _seen
        node = self.node(key)
        out = {"key": node.key, "label": node.label, "value": node.value, "status": node.status}
        if node.formula:
            out["formula"] = node.formula
        if node.cite:
            out["cite"] = node.cite
        if node.source:
            out["source"] = node.source
        if node.notes:
            out["notes"] = list(node.notes)
        if key in seen and node.deps:
            out["repeat"] = True
            return out
        seen.add(key)
        deps = [k for k in node.deps if gates or not isinstance(self.vals[k], (bool, list))]
        if depth > 0 and deps:
            out["inputs"] = [self.explain(k, depth - 1, gates, seen) for k in deps]
        return out


class Nodes(Mapping):
    """Read-only view: key -> Node for every fact and evaluated line."""
    __slots__ = ("g",)

    def __init__(self, g: Graph) -> None:
        self.g = g

    def __getitem__(self, key: str) -> Node:
        if key not in self.g.vals:
            raise KeyError(key)
        return self.g.node(key)

    def __contains__(self, key: object) -> bool:
        return key in self.g.vals

    def __iter__(self):
        return iter(list(self.g.vals))

    def __len__(self) -> int:
        return len(self.g.vals)


class Named(dict):
    """name -> head + name, made on first use: keys (and sources) repeat from return to return."""
    __slots__ = ("head",)

    def __init__(self, head: str) -> None:
        super().__init__()
        self.head = head

    def __missing__(self, name: str) -> str:
        s = self[name] = self.head + name
        return s


class _Keys(Named):
    """line -> key under one prefix: "3" -> prefix.line3, "part1" -> prefix.part1."""
    __slots__ = ()

    def __init__(self, prefix: str) -> None:
        super().__init__(prefix + ".")

    def __missing__(self, line: str) -> str:
        k = self[line] = f"{self.head}line{line}" if line[:1].isdigit() else self.head + line
        return k


class Form:
    """Helper to declare a form's lines under one prefix so they read like the form.

        f = Form(g, "f8606.taxpayer")
        f.line("3", "Add lines 1 and 2", "8606 line 3", "L1 + L2", lambda g: f.z("1") + f.z("2"))
    """
    __slots__ = ("g", "prefix", "_keys")
    _KEYS: dict[str, _Keys] = {}  # prefix -> line -> key, shared by every return in the process

    def __init__(self, graph: Graph, prefix: str) -> None:
        self.g, self.prefix = graph, prefix
        keys = Form._KEYS.get(prefix)
        if keys is None:
            keys = _Keys(prefix)
            if len(Form._KEYS) < 256:  # bounded: per-1099-R prefixes vary from return to return
                Form._KEYS[prefix] = keys
        self._keys = keys

    def key(self, line: str) -> str:
        return self._keys[line]

    def line(self, line: str, label: str, cite: str, formula: str, fn: Callable[[Graph], Any],
             when: str | None = None) -> None:
        """`when`: a yes/no line of this form (a part completed); while it is false the line is blank."""
        keys, g = self._keys, self.g
        key = keys[line]  # Graph.define, inlined (a return declares ~90 lines)
        g.defs[key] = (label, cite, formula, fn, None if when is None else keys[when])
        if key in g.vals:
            g._forget(key)

    def __getitem__(self, line: str) -> Any:
        return self.g[self._keys[line]]

    def z(self, line: str):
        v = self.g[self._keys[line]]
        return v if v.__class__ is Decimal else z(v)  # a blank line (None) is 0
