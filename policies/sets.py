"""Policy sets: the shipped default and jurisdictions, organisation overrides, the set hash.

A set is ``default.cedar`` + one jurisdiction file (+ an organisation's overrides), parsed,
checked and validated against the schema as one; nothing half-loaded is ever returned.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cedarpy

from policies.errors import OverrideNotStricter, PolicyLoadError, Problem, UnknownPolicySet
from policies.rules import Effect, Rule, read_rule
from policies.source import guess_line, parse_policies, validate_text

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_FILE = PACKAGE_DIR / "schema.cedarschema"
SETS_DIR = PACKAGE_DIR / "sets"
DEFAULT_SET = "default"
#: Every ``@id`` in an organisation's overrides starts with this, so that a later release
#: of a jurisdiction file can never collide with an organisation's rule.
OVERRIDE_ID_PREFIX = "org."


@dataclass(frozen=True)
class Source:
    """One file of a set: its name and its text (line endings normalised to ``\\n``)."""

    name: str
    text: str

    @classmethod
    def of(cls, name: str, text: str) -> Source:
        return cls(name, text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True, eq=False)
class PolicySet:
    """A loaded, validated set, ready for :func:`policies.decide`. Immutable; share it."""

    #: ``default``, ``example_labour_firewall``, or ``<jurisdiction>+overrides``.
    name: str
    #: The schema first, then the policy files in the order they were combined.
    sources: tuple[Source, ...]
    rules: tuple[Rule, ...]
    #: SHA-256 (hex) of the canonical concatenation of ``sources``: names what decided.
    sha256: str
    cedar: cedarpy.PolicySet = field(repr=False)
    schema: cedarpy.Schema = field(repr=False)
    _by_id: dict[str, Rule] = field(init=False, repr=False)
    _position: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {rule.policy_id: rule for rule in self.rules})
        positions = {rule.policy_id: n for n, rule in enumerate(self.rules)}
        object.__setattr__(self, "_position", positions)

    def rule(self, policy_id: str) -> Rule:
        return self._by_id[policy_id]

    def in_set_order(self, policy_ids: Iterable[str]) -> tuple[str, ...]:
        """The ids in the order their rules appear in the files (Cedar's is unspecified)."""
        return tuple(sorted(policy_ids, key=lambda pid: self._position.get(pid, -1)))


def set_hash(sources: Sequence[Source]) -> str:
    """SHA-256 over each source as ``len(name):name\\n len(text):text\\n`` (UTF-8 bytes).

    Length prefixes make the concatenation unambiguous: moving text from one file to the
    next, or renaming a file, changes the hash.
    """
    digest = hashlib.sha256()
    for source in sources:
        name, text = source.name.encode(), source.text.encode()
        digest.update(b"%d:%s\n%d:" % (len(name), name, len(text)))
        digest.update(text + b"\n")
    return digest.hexdigest()


def shipped_sets() -> tuple[str, ...]:
    """Names of the shipped sets: ``default`` and one per jurisdiction file."""
    stems = sorted(p.stem for p in SETS_DIR.glob("*.cedar") if p.stem != DEFAULT_SET)
    return (DEFAULT_SET, *stems)


@functools.cache
def load_set(name: str) -> PolicySet:
    """A shipped set by name; parsed and validated once per process."""
    return read_shipped_set(name)


def read_shipped_set(name: str) -> PolicySet:
    """A shipped set read from disk now (``load_set`` without the cache, for checks)."""
    if name not in shipped_sets():
        raise UnknownPolicySet(f"no policy set named {name!r}; shipped: {shipped_sets()}")
    if name == DEFAULT_SET:
        return _assemble(DEFAULT_SET, [_default_source()])
    path = SETS_DIR / f"{name}.cedar"
    return build_set(name, path.read_text(encoding="utf-8"), file_name=path.name)


def build_set(name: str, jurisdiction_text: str, *, file_name: str) -> PolicySet:
    """``default.cedar`` followed by a jurisdiction file given as text (shipped or not)."""
    return _assemble(name, [_default_source(), Source.of(file_name, jurisdiction_text)])


def compose(
    jurisdiction: PolicySet, overrides_text: str, *, file_name: str = "overrides.cedar"
) -> PolicySet:
    """The jurisdiction set plus an organisation's overrides, which may only forbid.

    Blank overrides give back ``jurisdiction`` itself (same hash). A ``permit`` anywhere in
    the overrides raises :class:`OverrideNotStricter`; the check reads the parsed policies'
    effects, so no comment or string can hide one.
    """
    if not overrides_text.strip():
        return jurisdiction
    overrides = Source.of(file_name, overrides_text)
    files = [*jurisdiction.sources[1:], overrides]
    return _assemble(f"{jurisdiction.name}+overrides", files, overrides=overrides.name)


def load_schema(path: Path = SCHEMA_FILE) -> tuple[Source, cedarpy.Schema]:
    source = Source.of(path.name, path.read_text(encoding="utf-8"))
    try:
        return source, cedarpy.Schema.from_str(source.text)
    except ValueError as exc:
        line = guess_line(source.text, str(exc))
        raise PolicyLoadError([Problem(source.name, line, None, str(exc))]) from exc


_shipped_schema = functools.lru_cache(maxsize=1)(load_schema)


def _default_source() -> Source:
    path = SETS_DIR / f"{DEFAULT_SET}.cedar"
    return Source.of(path.name, path.read_text(encoding="utf-8"))


@dataclass
class _Loading:
    """What loading a set gathers, file by file."""

    schema: cedarpy.Schema
    rules: list[Rule] = field(default_factory=list)
    #: Cedar JSON bodies keyed by @id, so that Cedar's diagnostics name policies by @id.
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    permit_in_overrides: bool = False


def _assemble(name: str, files: Sequence[Source], *, overrides: str | None = None) -> PolicySet:
    schema_source, schema = _shipped_schema()
    loading = _Loading(schema)
    for source in files:
        _read_file(loading, source, is_override=source.name == overrides)
    if loading.problems:
        error = OverrideNotStricter if loading.permit_in_overrides else PolicyLoadError
        raise error(loading.problems)
    cedar = cedarpy.PolicySet.from_json_str(
        json.dumps({"staticPolicies": loading.bodies, "templates": {}, "templateLinks": []})
    )
    sources = (schema_source, *files)
    return PolicySet(name, sources, tuple(loading.rules), set_hash(sources), cedar, schema)


def _read_file(loading: _Loading, source: Source, *, is_override: bool) -> None:
    """Parse, read and validate one file, adding its rules and bodies to ``loading``."""
    parsed, problems = parse_policies(source.name, source.text)
    loading.problems += problems
    if not parsed and problems:
        return
    for policy in parsed:
        rule, rule_problems = read_rule(policy)
        loading.problems += rule_problems
        if rule is not None:
            _place(loading, rule, policy.est, is_override=is_override)
    ids = {p.positional_id: p.annotations.get("id", p.positional_id) for p in parsed}
    loading.problems += validate_text(source.name, source.text, loading.schema, ids)


def _place(loading: _Loading, rule: Rule, body: dict[str, Any], *, is_override: bool) -> None:
    def refuse(message: str) -> None:
        loading.problems.append(Problem(rule.file, rule.line, rule.policy_id, message))

    if rule.policy_id in loading.bodies:
        refuse("this @id is already used by another policy of the set")
    if is_override and rule.effect is Effect.permit:
        loading.permit_in_overrides = True
        refuse(
            "an organisation's overrides may only forbid: this rule permits, which "
            "would make the jurisdiction's rules less strict"
        )
    if is_override != rule.policy_id.startswith(OVERRIDE_ID_PREFIX):
        where = "an organisation's overrides" if is_override else "a shipped set"
        refuse(
            f"@id must {'' if is_override else 'not '}start with {OVERRIDE_ID_PREFIX!r} in {where}"
        )
    loading.rules.append(rule)
    loading.bodies[rule.policy_id] = body
