"""`python -m stages COMMAND`: reset to / solve / restore / identify a workshop stage.

  reset STAGE        back up your files, then reset src/, kubernetes/, … to the start of STAGE
  solve STAGE        apply the solution of STAGE to your files (backed up first)
  restore [--backup DIR]   put back the files of a backup (the latest by default)
  which              which stage your files are at
  list               the stages and their solutions

The repository is $WORKSHOP_ROOT, else the one this package lives in; the course
files come from $WORKSHOP_BASE_REF, else origin/main (or origin/HEAD), else HEAD.
"""

from __future__ import annotations

import argparse
import sys

from stages import StageError, commands, default_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("reset", "solve"):
        sub.add_parser(name).add_argument("stage", help="a01, a02, … (or 1, 2, …)")
    sub.add_parser("restore").add_argument("--backup", metavar="DIR",
                                           help="a backup folder (default: the latest)")
    sub.add_parser("which")
    sub.add_parser("list")
    args = parser.parse_args(argv)
    root = default_root()
    try:
        if args.command == "reset":
            return commands.reset(root, args.stage)
        if args.command == "solve":
            return commands.solve(root, args.stage)
        if args.command == "restore":
            return commands.restore(root, args.backup)
        if args.command == "which":
            return commands.which(root)
        return commands.list_stages(root)
    except StageError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except OSError as error:  # e.g. a file we may not read or write
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
