"""Imported by the local engine's fork server: loads the rules, params and findings catalogue once,
so every worker forked from it starts with them (worker.warm_up)."""
from taxdocs.batch.worker import warm_up

warm_up()
