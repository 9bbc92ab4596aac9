"""`python -m bench [--count N]`: the report rendering benchmark (the only one so far)."""

from __future__ import annotations

import sys

from bench.report_rendering import main

if __name__ == "__main__":
    if sys.argv[1:2] == ["national"]:  # the national-scale data set and its reads (bench/national.py)
        from bench.national import main as national

        sys.exit(national(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
