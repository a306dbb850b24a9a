"""The ledger: Form 8606 basis, Roth layers and clocks, rollover dates, carried across years.

`open_store(url_or_path)` opens (creates, upgrades) it; `fill_from_ledger(scenario, store)`
fills a scenario's blank prior-year facts. See docs/ledger.md.
"""
from __future__ import annotations


def open_store(url_or_path=None, **kw):
    from taxdocs.ledger.store import open_store as _open
    return _open(url_or_path, **kw)


def fill_from_ledger(scenario, store):
    from taxdocs.ledger.carry import fill_from_ledger as _fill
    return _fill(scenario, store)


__all__ = ["open_store", "fill_from_ledger"]
