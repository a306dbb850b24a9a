"""Imported by the local engine's fork server: loads the rules, params and findings catalogue once,
so every worker forked from it starts with them (worker.warm_up)."""
from taxdocs.batch.worker import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001 - e.g. a broken year file: the records that need it report it, the rest run
    pass
