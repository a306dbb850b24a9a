"""Form lines as declarations, evaluated lazily, each able to explain itself.

A `Graph` holds facts (inputs, with the place in the scenario they came from) and
line definitions (label, formula, citation, function). Evaluating a line records
which facts and lines it read, so the explanation tree comes from the same
definition. Every node has a status: complete, provisional (rests on an assumption)
or missing; the worst status of its inputs flows downstream.
"""
from __future__ import annotations

from typing import Any, Callable

from taxdocs.core.money import z

STATUSES = ("complete", "provisional", "missing")
RANK = {s: i for i, s in enumerate(STATUSES)}
_PROVISIONAL = 1


class Node:
    """A fact or an evaluated line. Slots and a plain __init__: a return creates a few hundred."""
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


class LineDef:
    __slots__ = ("key", "label", "cite", "formula", "fn")

    def __init__(self, key: str, label: str, cite: str, formula: str, fn: Callable[["Graph"], Any]) -> None:
        self.key, self.label, self.cite, self.formula, self.fn = key, label, cite, formula, fn


class CycleError(RuntimeError):
    pass


class Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.defs: dict[str, LineDef] = {}
        # one frame per line being evaluated: [key, keys read, notes, worst rank read]
        self._stack: list[list] = []
        self._active: set[str] = set()

    # -- declaring -------------------------------------------------------
    def fact(self, key: str, value: Any, label: str, source: str,
             status: str = "complete", note: str | None = None) -> None:
        self.nodes[key] = Node(key, label, value, "", "", source, status, None, [note] if note else None)

    def define(self, key: str, label: str, cite: str, formula: str,
               fn: Callable[["Graph"], Any]) -> None:
        self.defs[key] = LineDef(key, label, cite, formula, fn)
        if key in self.nodes:
            del self.nodes[key]

    def has(self, key: str) -> bool:
        return key in self.nodes or key in self.defs

    # -- evaluating ------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        node = self.nodes.get(key)
        if node is None:
            node = self._evaluate(key)
        if self._stack:  # inside an evaluation: record what the line read
            frame = self._stack[-1]
            frame[1].append(key)
            if node.rank > frame[3]:
                frame[3] = node.rank
        return node.value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if self.has(key) else default

    def node(self, key: str) -> Node:
        node = self.nodes.get(key)
        return node if node is not None else self._evaluate(key)

    def reads(self, *keys: str) -> None:
        """Record facts the line being evaluated rests on without using their values (they explain it)."""
        for k in keys:
            self[k]

    def note(self, text: str) -> None:
        """Attach a note (an assumption, a choice) to the line being evaluated."""
        if self._stack:
            self._stack[-1][2].append(text)

    def provisional(self, text: str) -> None:
        """Mark the line being evaluated as resting on an assumption."""
        if self._stack:
            frame = self._stack[-1]
            frame[2].append(text)
            if frame[3] < _PROVISIONAL:
                frame[3] = _PROVISIONAL

    def _evaluate(self, key: str) -> Node:
        d = self.defs.get(key)
        if d is None:
            raise KeyError(f"no line or fact named {key!r}")
        if key in self._active:
            raise CycleError(" -> ".join([f[0] for f in self._stack] + [key]))
        frame = [key, [], [], 0]
        self._stack.append(frame)
        self._active.add(key)
        try:
            value = d.fn(self)
        finally:
            self._stack.pop()
            self._active.discard(key)
        node = Node(key, d.label, value, d.formula, d.cite, "", "", frame[1], frame[2], frame[3])
        self.nodes[key] = node
        return node

    def evaluate_all(self, prefix: str = "") -> dict[str, Any]:
        nodes, out = self.nodes, {}
        for k in list(self.defs):
            if k.startswith(prefix):
                node = nodes.get(k)
                out[k] = (node if node is not None else self._evaluate(k)).value
        return out

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
        deps = [k for k in node.deps if gates or not isinstance(self.nodes[k].value, (bool, list))]
        if depth > 0 and deps:
            out["inputs"] = [self.explain(k, depth - 1, gates, seen) for k in deps]
        return out


class Form:
    """Helper to declare a form's lines under one prefix so they read like the form.

        f = Form(g, "f8606.taxpayer")
        f.line("3", "Add lines 1 and 2", "8606 line 3", "L1 + L2", lambda g: f.z("1") + f.z("2"))
    """

    _KEYS: dict[str, dict[str, str]] = {}  # prefix -> line -> key, shared by every return in the process

    def __init__(self, graph: Graph, prefix: str) -> None:
        self.g, self.prefix = graph, prefix
        keys = Form._KEYS.get(prefix)
        if keys is None:
            keys = {}
            if len(Form._KEYS) < 256:  # bounded: per-1099-R prefixes vary from return to return
                Form._KEYS[prefix] = keys
        self._keys = keys

    def key(self, line: str) -> str:
        k = self._keys.get(line)
        if k is None:
            k = self._keys[line] = f"{self.prefix}.line{line}" if line[:1].isdigit() else f"{self.prefix}.{line}"
        return k

    def line(self, line: str, label: str, cite: str, formula: str, fn: Callable[[Graph], Any]) -> None:
        self.g.define(self.key(line), label, cite, formula, fn)

    def __getitem__(self, line: str) -> Any:
        return self.g[self.key(line)]

    def z(self, line: str):
        return z(self[line])
