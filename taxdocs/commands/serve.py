"""serve: the local web checker (FastAPI + uvicorn), bound to 127.0.0.1 by default."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(host: str = typer.Option("127.0.0.1", "--host",
                                   help="address to listen on; keep 127.0.0.1 unless you know why (the page "
                                        "shows personal data and has no login)"),
          port: int = typer.Option(8000, "--port", help="port to listen on"),
          forms_dir: Optional[Path] = typer.Option(None, "--forms-dir",
                                                   help="folder with official blank forms (DIR/<year>/f8606.pdf "
                                                        "or DIR/f8606.pdf); else $TAXDOCS_FORMS_DIR or the cache")) -> None:
    """Start the local web checker: enter a Form 1099-R in a browser and see what it means."""
    import uvicorn

    from taxdocs.web.app import LOOPBACK_HOSTS, create_app, log_config
    local = host in LOOPBACK
    if not local:
        typer.echo(f"Warning: listening on {host}: anyone who can reach this address can use the checker "
                   "and see what is entered in it.", err=True)
    web = create_app(forms_dir=forms_dir, allowed_hosts=LOOPBACK_HOSTS if local else ["*"])
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"taxdocs web checker: http://{shown}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(web, host=host, port=port, log_config=log_config(), access_log=True,
                server_header=False, proxy_headers=False)
