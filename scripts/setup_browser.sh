#!/usr/bin/env bash
# Install headless Chromium from Debian's packages for the table PNGs (great-tables' gtsave via
# nokap) and the report's browser test. Safe to run twice: does nothing when a browser is found.
# Usage: scripts/setup_browser.sh        (as root, or with sudo available)
set -euo pipefail

CHROMIUM=${CHROME_PATH:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
    echo "chromium already installed: $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "no apt-get here: install Chromium or Chrome yourself and set CHROME_PATH" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "need root (or sudo) to install chromium with apt-get" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core

echo "installed: $(/usr/bin/chromium --version)"
