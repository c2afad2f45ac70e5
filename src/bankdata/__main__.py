"""`python -m bankdata sql|digest|summary`: print the data set as SQL, its digest, or counts."""

from __future__ import annotations

import argparse
import sys

from bankdata.generate import generate
from bankdata.sql import full_script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bankdata", description=__doc__)
    parser.add_argument("command", choices=["sql", "digest", "summary"])
    args = parser.parse_args(argv)
    dataset = generate()
    if args.command == "sql":
        sys.stdout.write(full_script(dataset))
    elif args.command == "digest":
        print(dataset.digest())
    else:
        print(f"{len(dataset.users)} users, {len(dataset.transactions)} transactions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
