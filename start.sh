#!/usr/bin/env bash
# Set everything up on a fresh machine and start the app on the bundled corpus.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
.venv/bin/python -m absolutt_kb ingest --if-stale
exec .venv/bin/streamlit run app.py --server.headless true "$@"
