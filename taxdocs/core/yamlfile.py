"""Reading taxdocs' own YAML data (params, field maps, the findings catalogue): libyaml's C loader
when PyYAML has it (about 10x faster: the field maps alone took 0.45 s at every batch start),
else the pure-Python safe loader. Same safe subset either way."""
from __future__ import annotations

import re
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: Any) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader


class _InputLoader(yaml.SafeLoader):
    """The safe loader for user files, where a date that does not exist (2025-13-03, 2025-02-30) stays text, so the
    model names the field and says what is wrong instead of PyYAML raising ValueError."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_InputLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

# Numbers as YAML 1.2 reads them, not YAML 1.1: `box4: 0500` was octal (320) and `65:00` base 60 (3,900), read
# without a word. Now a number with a leading zero or a colon stays text (`account_number: 0123` keeps its zero),
# and the model reads it as an amount or refuses it, naming the field. YAML 1.2 core schema, §10.3.2.
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")  # (no octal or hex: not an amount, a year or a count)
# a float needs its point, as in YAML 1.1 (`1E5`, an account number, stays text) and a digit after a bare point
_FLOAT = re.compile(r"^(?:[-+]?(?:(?:0|[1-9][0-9_]*)\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_InputLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_InputLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_InputLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


def _int(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return int(loader.construct_scalar(node).replace("_", ""))


def _float(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_float(loader, node)
    except ValueError:  # (nothing the resolver lets through; text rather than a crash if it ever does)
        return loader.construct_scalar(node)


_MERGE = "tag:yaml.org,2002:merge"


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    """A key given twice is refused (YAML 1.2 §3.2.1.1: keys are unique); PyYAML kept the last without a word. Keys
    merged in (`<<: *anchor`) may be overridden by the mapping's own."""
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE:
            continue
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (str, int)) and key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark,
                f"`{key}` is given twice (first on line {seen[key] + 1}): keep one", key_node.start_mark)
        if isinstance(key, (str, int)):
            seen[key] = key_node.start_mark.line
    return loader.construct_yaml_map(node)


_InputLoader.add_constructor("tag:yaml.org,2002:float", _float)
_InputLoader.add_constructor("tag:yaml.org,2002:int", _int)
_InputLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


def load_input(text: Any) -> Any:
    """A scenario or facts file (user input)."""
    return yaml.load(text, Loader=_InputLoader)  # noqa: S506 - a safe loader
