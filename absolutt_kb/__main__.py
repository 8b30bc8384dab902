"""Entry point for ``python -m absolutt_kb``."""

import sys

from absolutt_kb.cli import main

sys.exit(main())
