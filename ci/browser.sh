#!/usr/bin/env bash
# Install what the web checker's end-to-end tests (tests/web/test_e2e.py) need:
# Debian's Chromium (/usr/bin/chromium) and the Playwright Python package, which drives
# that Chromium through `executable_path` (never `playwright install`: it downloads a browser
# build of its own, which cannot be fetched here).
#
# Quick when already installed (checks first), quiet (logs to $LOG), and it always exits 0:
# if the install fails the e2e tests skip with a visible reason instead of failing.
#
#   bash ci/browser.sh            # install if missing, print one status line
#   BROWSER_SH_FORCE=1 bash ci/browser.sh   # re-run apt-get/pip even if present
set -u
LOG="${BROWSER_SH_LOG:-${TMPDIR:-/tmp}/taxdocs-browser-install.log}"
PY="${PYTHON:-python3}"
start=$(date +%s)
: >"$LOG" 2>/dev/null || LOG=/dev/null

say() { echo "ci/browser.sh: $*"; }

have_chromium() { [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >>"$LOG" 2>&1; }
have_playwright() { "$PY" -c "import playwright.sync_api" >>"$LOG" 2>&1; }

if [ -z "${BROWSER_SH_FORCE:-}" ] && have_chromium && have_playwright; then
    say "chromium and playwright already installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
    exit 0
fi

if [ -z "${BROWSER_SH_FORCE:-}" ] && have_chromium; then
    :
else
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        # update only if the lists are missing or older than a day
        if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
            timeout 300 apt-get update -qq >>"$LOG" 2>&1 || say "apt-get update failed (see $LOG)"
        fi
        timeout 600 apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >>"$LOG" 2>&1 \
            || say "apt-get install chromium failed (see $LOG)"
    else
        say "cannot install chromium here (needs apt-get as root)"
    fi
fi

if [ -n "${BROWSER_SH_FORCE:-}" ] || ! have_playwright; then
    timeout 300 "$PY" -m pip install -q --disable-pip-version-check 'playwright>=1.40' >>"$LOG" 2>&1 \
        || say "pip install playwright failed (see $LOG)"
fi

took=$(( $(date +%s) - start ))
if have_chromium && have_playwright; then
    say "ready in ${took}s: $(/usr/bin/chromium --version 2>/dev/null | head -1), playwright $("$PY" -c 'import importlib.metadata as m; print(m.version("playwright"))' 2>/dev/null)"
else
    say "browser not available after ${took}s; the e2e tests will skip (log: $LOG)"
fi
exit 0
