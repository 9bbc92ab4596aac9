"""`python -m bench [http|pdf|load|national] [options]`: the benchmarks in `bench/`.

- `http`: plain reads side by side with a bare FastAPI app (bench/http.py);
- `pdf` (or options only, `python -m bench --count N`, as before): report rendering (bench/report_rendering.py);
- `load`: the bounded multi-worker load test (bench/load.py); by hand, not in `make bench`;
- `national [generate|time] ...`: the national-scale data set and its heaviest reads (bench/national.py);
- `import [--rows N] [--million]`: indicator-value imports on PostgreSQL against `psql \\copy` (bench/imports.py);
- `webhooks [--events N] [--workers N]`: webhook delivery by `tilsyn worker` processes (bench/webhooks.py).

Without a name it runs `http`, then `pdf`: what `make bench` does.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    name, rest = (argv[0], argv[1:]) if argv and not argv[0].startswith("-") else (None, argv)
    if name == "http":
        from bench.http import main as http

        return http(rest)
    if name == "load":
        from bench.load import main as load

        return load(rest)
    if name == "national":
        from bench.national import main as national

        return national(rest)
    if name == "import":
        from bench.imports import main as imports

        return imports(rest)
    if name == "webhooks":
        from bench.webhooks import main as webhooks

        return webhooks(rest)
    if name not in (None, "pdf"):
        print(f"unknown benchmark {name!r}: http, pdf, load, national, import or webhooks", file=sys.stderr)
        return 2
    if name is None and not rest:
        from bench.http import main as http

        http([])
    from bench.report_rendering import main as pdf

    return pdf(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
