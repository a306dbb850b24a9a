"""Fixtures for the web checker: a TestClient, an in-process server on a free loopback
port, and a headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

When the browser or Playwright is missing, browser tests skip with the reason (install
both with `bash ci/browser.sh`)."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_FORMS = REPO.parent / "shared" / "forms"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SAMPLE4 = REPO / "samples" / "04-indirect-rollover-withholding.yaml"
SAMPLE6A = REPO / "samples" / "06a-backdoor-roth.yaml"
CHROMIUM = os.environ.get("TAXDOCS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)


def shared_forms_dir() -> Path | None:
    return SHARED_FORMS if (SHARED_FORMS / "2025" / "f8606.pdf").is_file() else None


@pytest.fixture(autouse=True)
def _no_blank_cache(tmp_path_factory, monkeypatch):
    """Blank forms come only from what a test passes (no user cache, no env)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("TAXDOCS_FORMS_DIR", raising=False)


def make_client(forms_dir=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from taxdocs.web.app import create_app
    return TestClient(create_app(forms_dir=forms_dir), base_url="http://127.0.0.1")


@pytest.fixture
def client():
    return make_client()


@pytest.fixture
def official_client():
    d = shared_forms_dir()
    if d is None:
        pytest.skip(f"official blank Form 8606 not found under {SHARED_FORMS} (not committed)")
    return make_client(d)


# --- a real server ------------------------------------------------------------------------

class LiveServer:
    def __init__(self, app) -> None:
        import uvicorn
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        import urllib.request
        self.thread.start()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the web checker did not start")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="session")
def live_server():
    from taxdocs.web.app import create_app
    with LiveServer(create_app(forms_dir=shared_forms_dir())) as s:
        yield s


# --- the browser ------------------------------------------------------------------------------

def browser_missing() -> str:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which("chromium"):
        return f"Chromium not installed ({CHROMIUM}); run `bash ci/browser.sh`"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed; run `bash ci/browser.sh`"
    return ""


@pytest.fixture(scope="session")
def browser():
    why = browser_missing()
    if why:
        pytest.skip(why)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                   headless=True, args=CHROMIUM_ARGS)
        except Exception as e:  # pragma: no cover - depends on the machine
            pytest.skip(f"Chromium could not start: {type(e).__name__}: {str(e)[:200]}")
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    p = ctx.new_page()
    p.set_default_timeout(20_000)
    yield p
    ctx.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end test in headless Chromium (skips without a browser)")


def pytest_terminal_summary(terminalreporter):
    """Say why the browser tests skipped, even without -rs."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "test_e2e.py" in getattr(r, "nodeid", "")]
    why = browser_missing()
    if skipped and why:
        terminalreporter.write_line(f"tests/web: {len(skipped)} browser test(s) skipped: {why}", yellow=True)
