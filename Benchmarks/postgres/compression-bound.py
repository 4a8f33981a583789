#!/usr/bin/env python3
"""How small the changed rows of a table get under zstd, with no keys and no overhead.

Usage: compression-bound.py FILE...   (each FILE the COPY text of some rows, e.g.
    psql -c "COPY (SELECT * FROM pgbench_history) TO STDOUT" > history.txt
    psql -c "COPY (SELECT * FROM pgbench_accounts WHERE abalance <> 0 ORDER BY aid) TO STDOUT" > accounts.txt)

Prints, per file and level, the zstd size of the rows as they are (row by row) and of the
same values column by column (every column's values together, as columnar formats lay them
out). Needs the zstd command. See docs/row-incrementals.md.
"""
import subprocess
import sys


def zstd_size(data: bytes, level: int) -> int:
    out = subprocess.run(["zstd", "-q", f"-{level}", "-c", "--no-check"], input=data, capture_output=True, check=True)
    return len(out.stdout)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8")]
        by_row = "".join("\t".join(r) + "\n" for r in rows).encode()
        width = max(len(r) for r in rows)
        by_column = "".join("\n".join(r[i] if i < len(r) else "" for r in rows) + "\n" for i in range(width)).encode()
        for level in (3, 9, 19):
            print(f"{path}: {len(rows)} rows, zstd -{level}: row by row {zstd_size(by_row, level):,} B, "
                  f"column by column {zstd_size(by_column, level):,} B")


if __name__ == "__main__":
    main()
