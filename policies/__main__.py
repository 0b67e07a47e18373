"""``python -m policies check [FILE ...] [--overrides-on SET]`` and ``describe SET``.

``check`` without files checks the schema and every shipped set; it prints each problem as
``file:line: [policy id] message`` and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from policies.check import check
from policies.errors import PolicyError
from policies.render import plain_text
from policies.sets import compose, load_set, shipped_sets


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policies")
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="check policy files or the shipped sets")
    checking.add_argument("files", nargs="*", type=Path)
    checking.add_argument(
        "--overrides-on",
        metavar="SET",
        help="check the files as an organisation's overrides of SET",
    )
    describing = commands.add_parser("describe", help="print a set's rules in plain English")
    describing.add_argument("set", choices=shipped_sets())
    describing.add_argument("--overrides", type=Path, help="an organisation's overrides file")
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.files, args.overrides_on)
    try:
        policy_set = load_set(args.set)
        if args.overrides is not None:
            text = args.overrides.read_text(encoding="utf-8")
            policy_set = compose(policy_set, text, file_name=args.overrides.name)
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(plain_text(policy_set))
    return 0


def _check(files: Sequence[Path], overrides_on: str | None) -> int:
    problems = (
        check(None)
        if not files
        else [problem for file in files for problem in check(file, overrides_on=overrides_on)]
    )
    for problem in problems:
        print(problem)
    if not problems:
        print("policies: no problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
