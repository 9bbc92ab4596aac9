"""`python -m bench [--count N]`: the report rendering benchmark (the only one so far)."""

from __future__ import annotations

import sys

from bench.report_rendering import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
