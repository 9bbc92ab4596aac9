"""`python -m bench [http|pdf] [options]`: `http` compares plain reads with bare FastAPI, `pdf` times reports.

Without a name it runs both, the HTTP comparison first. `python -m bench [--count N]` (options only) is the PDF
benchmark, as before.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if argv and argv[0] == "http":
        from bench.http import main as http

        return http(argv[1:])
    if argv and argv[0] == "pdf":
        argv = argv[1:]
    elif not argv:
        from bench.http import main as http

        http([])
    from bench.report_rendering import main as pdf

    return pdf(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
