"""Form lines as declarations, evaluated lazily, each able to explain itself.

A `Graph` holds facts (inputs, with the place in the scenario they came from) and
line definitions (label, formula, citation, function). Evaluating a line records
which facts and lines it read, so the explanation tree comes from the same
definition. Every node has a status: complete, provisional (rests on an assumption)
or missing; the worst status of its inputs flows downstream.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

STATUSES = ("complete", "provisional", "missing")
RANK = {s: i for i, s in enumerate(STATUSES)}


@dataclass
class Node:
    key: str
    label: str
    value: Any
    formula: str = ""
    cite: str = ""
    source: str = ""          # for facts: where in the input it came from
    status: str = "complete"
    deps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def is_fact(self) -> bool:
        return bool(self.source)


@dataclass
class LineDef:
    key: str
    label: str
    cite: str
    formula: str
    fn: Callable[["Graph"], Any]


class CycleError(RuntimeError):
    pass


class Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.defs: dict[str, LineDef] = {}
        self._stack: list[tuple[str, list[str], list[str]]] = []

    # -- declaring -------------------------------------------------------
    def fact(self, key: str, value: Any, label: str, source: str,
             status: str = "complete", note: str | None = None) -> None:
        self.nodes[key] = Node(key, label, value, source=source, status=status,
                               notes=[note] if note else [])

    def define(self, key: str, label: str, cite: str, formula: str,
               fn: Callable[["Graph"], Any]) -> None:
        self.defs[key] = LineDef(key, label, cite, formula, fn)
        self.nodes.pop(key, None)

    def has(self, key: str) -> bool:
        return key in self.nodes or key in self.defs

    # -- evaluating ------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        if not self._stack:  # outside an evaluation nothing is recorded
            node = self.nodes.get(key)
            return node.value if node is not None else self._node(key).value
        node = self._node(key)
        self._stack[-1][1].append(key)
        return node.value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if self.has(key) else default

    def node(self, key: str) -> Node:
        return self._node(key)

    def note(self, text: str) -> None:
        """Attach a note (an assumption, a choice) to the line being evaluated."""
        if self._stack:
            self._stack[-1][2].append(text)

    def provisional(self, text: str) -> None:
        """Mark the line being evaluated as resting on an assumption."""
        self.note(text)
        if self._stack:
            self._stack[-1][1].append("!provisional")

    def _node(self, key: str) -> Node:
        node = self.nodes.get(key)
        if node is not None:
            return node
        d = self.defs.get(key)
        if d is None:
            raise KeyError(f"no line or fact named {key!r}")
        if any(k == key for k, _, _ in self._stack):
            raise CycleError(" -> ".join([k for k, _, _ in self._stack] + [key]))
        self._stack.append((key, [], []))
        try:
            value = d.fn(self)
        finally:
            _, deps, notes = self._stack.pop()
        rank, real, nodes = 0, [], self.nodes
        for k in dict.fromkeys(deps):
            if k == "!provisional":
                rank = max(rank, 1)
                continue
            real.append(k)
            r = RANK[nodes[k].status]
            if r > rank:
                rank = r
        node = Node(key, d.label, value, d.formula, d.cite, status=STATUSES[rank], deps=real, notes=notes)
        nodes[key] = node
        return node

    def evaluate_all(self, prefix: str = "") -> dict[str, Any]:
        return {k: self[k] for k in list(self.defs) if k.startswith(prefix)}

    # -- explaining ------------------------------------------------------
    def explain(self, key: str, depth: int = 50, gates: bool = False, _seen: set | None = None) -> dict:
        """The tree of what a line read. Yes/no conditions and lists (gates) and repeats are folded unless asked."""
        seen = set() if _seen is None else _seen
        node = self._node(key)
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

    def __init__(self, graph: Graph, prefix: str) -> None:
        self.g, self.prefix = graph, prefix

    def key(self, line: str) -> str:
        return f"{self.prefix}.line{line}" if line[:1].isdigit() else f"{self.prefix}.{line}"

    def line(self, line: str, label: str, cite: str, formula: str, fn: Callable[[Graph], Any]) -> None:
        self.g.define(self.key(line), label, cite, formula, fn)

    def __getitem__(self, line: str) -> Any:
        return self.g[self.key(line)]

    def z(self, line: str):
        from taxdocs.core.money import z
        return z(self[line])
