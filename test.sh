#!/usr/bin/env bash
# Set up (if needed) and run the test suite, on two workers (one per core; TEST_WORKERS=0 runs in one process).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadfile "$@"
