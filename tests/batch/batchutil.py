"""Helpers shared by the batch tests."""
from __future__ import annotations

import json
from pathlib import Path


def outputs(outdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((outdir / "returns").iterdir())}


def read_jsonl(p: Path) -> list[dict]:
    return [json.loads(line) for line in p.read_text().splitlines() if line.strip()]
