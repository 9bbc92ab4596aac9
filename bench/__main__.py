"""`python -m bench [--count N]`: the report rendering benchmark; `python -m bench load [...]`: the load test;
`python -m bench national [generate|time] ...`: the national-scale data set and its heaviest reads."""

from __future__ import annotations

import sys

from bench.report_rendering import main

if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:  # the bounded multi-worker load test (bench/load.py); by hand, not in `make bench`
        from bench.load import main as load

        sys.exit(load(sys.argv[2:]))
    if sys.argv[1:2] == ["national"]:  # the national-scale data set and its reads (bench/national.py)
        from bench.national import main as national

        sys.exit(national(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
