#!/usr/bin/env bash
# Create .venv and install the pinned, CPU-only requirements (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Debian's Bokmål word list lets ingest repair OCR damage (optional: without it OCR'd text stays as it is).
if [ ! -e /usr/share/dict/bokmaal ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get install -y -qq wnorwegian >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wnorwegian >/dev/null 2>&1; }) \
    || echo "Merk: fant ikke ordlista wnorwegian; OCR-reparasjon blir slått av." >&2
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # torch first, pinned, so nothing later can pull a CUDA build.
  .venv/bin/python -m pip install --quiet "$(grep -E '^torch==' requirements.txt)"
  .venv/bin/python -m pip install --quiet -r requirements.txt
  echo "$want" > "$stamp"
fi
