"""How deeply lists and mappings nest in data read from a file: told without recursion, before anything recursive
(hashing, pickling, pydantic, JSON writing) walks a hostile file and exhausts the stack."""
from __future__ import annotations

from typing import Any

MAX_NESTING = 32  # a scenario's deepest part is 5 levels (forms_1099r[].uses[].waiver.x); a batch record's alike


def too_deep(data: Any, limit: int = MAX_NESTING) -> bool:
    """Lists and mappings nested more than `limit` deep. A node shared by YAML aliases is walked again only when
    reached deeper than before, so aliases of aliases (10^n paths) cannot make it slow."""
    todo, deepest = [(data, 1)], {}
    while todo:
        node, depth = todo.pop()
        items = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if items is None or deepest.get(id(node), 0) >= depth:
            continue
        if depth > limit:
            return True
        deepest[id(node)] = depth
        todo.extend((v, depth + 1) for v in items if isinstance(v, (dict, list)))
    return False
