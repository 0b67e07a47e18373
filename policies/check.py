"""``check``: every problem of a policy file or of the shipped sets, for CI and the CLI.

``haven policy check`` (wired by the app) and ``python -m policies check`` print these and
fail when there is any. Loading a set in the app raises the same problems as one
:class:`~policies.errors.PolicyLoadError`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from policies.errors import PolicyLoadError, Problem, UnknownPolicySet
from policies.sets import (
    SETS_DIR,
    build_set,
    compose,
    load_schema,
    load_set,
    read_shipped_set,
    shipped_sets,
)


def check(path: Path | None = None, *, overrides_on: str | None = None) -> list[Problem]:
    """Problems of one file, or of the schema and every shipped set when ``path`` is None.

    A ``.cedarschema`` file is parsed as the schema. A ``.cedar`` file is checked as a
    jurisdiction file on top of the shipped default or, with ``overrides_on`` naming a
    shipped set, as an organisation's overrides of that set (forbid only). A shipped
    set's own file is checked as that set.
    """
    if path is None:
        problems = _problems(load_schema)
        for name in shipped_sets():
            problems += _problems(functools.partial(read_shipped_set, name))
        return problems
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(path.name, None, None, f"cannot read: {exc}")]
    if path.suffix == ".cedarschema":
        return _problems(lambda: load_schema(path))
    if overrides_on is not None:
        return _problems(lambda: compose(load_set(overrides_on), text, file_name=path.name))
    if path.resolve().parent == SETS_DIR and path.stem in shipped_sets():
        return _problems(lambda: read_shipped_set(path.stem))
    return _problems(lambda: build_set(path.stem, text, file_name=path.name))


def _problems(load: Callable[[], object]) -> list[Problem]:
    try:
        load()
    except PolicyLoadError as exc:
        return list(exc.problems)
    except UnknownPolicySet as exc:
        return [Problem("(policy set)", None, None, str(exc))]
    return []
