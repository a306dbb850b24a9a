"""The local web checker (`taxdocs serve`): see taxdocs/web/app.py and docs/web.md."""
from __future__ import annotations


def create_app(forms_dir=None, allowed_hosts=None):
    from taxdocs.web.app import create_app as _create
    return _create(forms_dir=forms_dir, allowed_hosts=allowed_hosts)


__all__ = ["create_app"]
