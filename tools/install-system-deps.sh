#!/bin/sh
# Installs the Debian packages the project needs when they are missing.
#   venv:    python3-venv (Debian ships venv apart from Python)
#   browser: postgresql (a throwaway server for the store tests), poppler-utils and
#            zbar-tools (PDFs and QR codes read back in tests), chromium (Playwright drives Debian's build; `playwright install` cannot download
#            here), fonts-noto-cjk (Chinese text in screenshots and charts) and nginx (the
#            example proxy in front of two resident servers, started by a test)
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=""
case "${1:-browser}" in
  venv)
    missing="python3-venv" ;;
  browser)
    command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
    fc-list :lang=zh 2>/dev/null | grep -q . || missing="$missing fonts-noto-cjk"
    # PostgreSQL server binaries: the store's tests run on PostgreSQL as well as SQLite
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
    # reading printed PDFs back in tests: text (poppler-utils) and QR codes (zbar-tools)
    command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
    command -v zbarimg >/dev/null 2>&1 || missing="$missing zbar-tools"
    # two resident servers behind one proxy (deploy/nginx.conf.example, its test)
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx" ;;
esac
if [ -n "$missing" ]; then
  echo "installing:$missing"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi
