"""Loading sets: validation against the schema with file and line, conventions, the hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from policies import (
    Effect,
    PolicyLoadError,
    Problem,
    UnknownPolicySet,
    build_set,
    check,
    load_set,
    shipped_sets,
)
from policies.__main__ import main
from policies.sets import SCHEMA_FILE, SETS_DIR, Source, load_schema, set_hash

RULE = """
@id("{pid}")
@reason("{pid}")
@explain("Some rule.")
{effect} (principal, action in Action::"share", resource)
when {{ {condition} }};
"""


def _rule(pid: str, condition: str = "true", effect: str = "forbid") -> str:
    return RULE.format(pid=pid, condition=condition, effect=effect)


def _problems(text: str, file_name: str = "bad.cedar") -> list[Problem]:
    with pytest.raises(PolicyLoadError) as raised:
        build_set("bad", text, file_name=file_name)
    return list(raised.value.problems)


def test_shipped_sets_load_with_unique_ids_and_keep_the_defaults() -> None:
    assert shipped_sets()[0] == "default"
    assert len(shipped_sets()) >= 3
    default_forbids = {r.policy_id for r in load_set("default").rules if r.effect is Effect.forbid}
    assert {"immigration_needs_court_order", "location_needs_court_order"} <= default_forbids
    for name in shipped_sets():
        policy_set = load_set(name)
        ids = [r.policy_id for r in policy_set.rules]
        assert len(ids) == len(set(ids))
        assert default_forbids <= set(ids), name
        assert all(r.reason.text and r.line for r in policy_set.rules)
        assert load_set(name) is policy_set  # parsed once per process


def test_unknown_set_is_refused() -> None:
    with pytest.raises(UnknownPolicySet):
        load_set("atlantis")


def test_a_schema_error_names_file_line_and_policy() -> None:
    text = _rule("fine") + _rule(
        "bad_recipient", 'context.recipient_type == RecipientType::"neighbour"'
    )
    problems = _problems(text)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.line, problem.policy_id) == ("bad.cedar", 8, "bad_recipient")
    assert "neighbour" in problem.message
    assert str(problem).startswith("bad.cedar:8: [bad_recipient] ")
    assert "`bad_recipient`" in problem.message  # Cedar's positional id replaced


def test_a_type_error_and_a_missing_attribute_name_their_lines() -> None:
    text = (
        '// one comment; with a semicolon and "quotes\n'
        + _rule("wrong_type", 'context.is_minor == "yes"')
        + '\n@id("semi") @reason("semi") @explain("a ; in a string; and // not a comment")\n'
        + 'forbid (principal, action in Action::"share", resource)\n'
        + "when { context.no_such_key };\n"
    )
    problems = _problems(text)
    # Cedar validates each action (disclose, release) and reports each.
    assert {(p.line, p.policy_id) for p in problems} == {(3, "wrong_type"), (9, "semi")}


def test_a_syntax_error_names_the_line_of_its_policy() -> None:
    text = _rule("fine") + _rule("broken", "context.is_minor &&")
    problems = _problems(text)
    assert [(p.file, p.line) for p in problems] == [("bad.cedar", 8)]
    assert problems[0].message.startswith("syntax error")


@pytest.mark.parametrize(
    ("annotations", "message"),
    [
        ('@id("x") @reason("x")', "@explain"),
        ('@id("x") @explain("Text.")', "@reason"),
        ('@reason("x") @explain("Text.")', "@id"),
        ('@id("Bad Id") @reason("x") @explain("Text.")', "@id"),
        (
            '@id("x") @reason("x") @explain("Text.") @obligations("supervisor_approval")',
            "unknown annotation @obligations",
        ),
        ('@id("x") @reason("x") @explain("Text.") @obligation("a_coffee")', "unknown obligation"),
        (
            '@id("x") @reason("x") @explain("Text.") @min_fields("identity,shoe_size")',
            "@min_fields",
        ),
        ('@id("x") @reason("x") @explain("Text.") @notify_client("sometimes")', "@notify_client"),
    ],
)
def test_annotations_are_checked(annotations: str, message: str) -> None:
    text = f'{annotations}\npermit (principal, action in Action::"share", resource);\n'
    problems = _problems(text)
    assert any(message in p.message and p.line == 1 for p in problems), problems


def test_obligations_on_a_forbid_are_refused() -> None:
    text = _rule("x").replace(
        '@explain("Some rule.")', '@explain("Some rule.")\n@obligation("supervisor_approval")'
    )
    assert any("obligations belong on permits" in p.message for p in _problems(text))


def test_duplicate_ids_and_org_prefix_in_a_shipped_set_are_refused() -> None:
    mine = _rule("org.mine").replace('@reason("org.mine")', '@reason("mine")')
    problems = _problems(_rule("location_needs_court_order") + mine)
    messages = [p.message for p in problems]
    assert any("already used" in m for m in messages)
    assert any("must not start with 'org.'" in m for m in messages)


def test_templates_are_refused() -> None:
    text = (
        '@id("t") @reason("t") @explain("T.")\nforbid (principal == ?principal, action, resource);'
    )
    assert any("templates" in p.message for p in _problems(text))


def test_a_broken_schema_names_its_file_and_line(tmp_path: Path) -> None:
    schema = tmp_path / "schema.cedarschema"
    schema.write_text(
        SCHEMA_FILE.read_text(encoding="utf-8").replace(
            "is_minor: Bool,\n  // The resource", "is_minor: Boolean,\n  // The resource"
        ),
        encoding="utf-8",
    )
    problems = check(schema)
    assert len(problems) == 1
    expected = 1 + schema.read_text(encoding="utf-8").splitlines().index("  is_minor: Boolean,")
    assert (problems[0].file, problems[0].line) == ("schema.cedarschema", expected)
    with pytest.raises(PolicyLoadError):
        load_schema(schema)


def test_the_set_hash_is_stable_canonical_and_follows_content() -> None:
    policy_set = load_set("example_labour_firewall")
    digest = hashlib.sha256()
    for path in (
        SCHEMA_FILE,
        SETS_DIR / "default.cedar",
        SETS_DIR / "example_labour_firewall.cedar",
    ):
        text = path.read_text(encoding="utf-8").encode()
        digest.update(f"{len(path.name)}:{path.name}\n{len(text)}:".encode() + text + b"\n")
    assert policy_set.sha256 == digest.hexdigest()

    text = (SETS_DIR / "example_labour_firewall.cedar").read_text(encoding="utf-8")
    same = build_set("copy", text, file_name="example_labour_firewall.cedar")
    crlf = build_set("copy", text.replace("\n", "\r\n"), file_name="example_labour_firewall.cedar")
    assert same.sha256 == crlf.sha256 == policy_set.sha256
    edited = build_set(
        "edit",
        text.replace("unpaid-wage", "unpaid wage"),
        file_name="example_labour_firewall.cedar",
    )
    renamed = build_set("copy", text, file_name="labour.cedar")
    assert len({policy_set.sha256, edited.sha256, renamed.sha256}) == 3
    assert set_hash([Source("a", "bc")]) != set_hash([Source("ab", "c")])


def test_check_reports_nothing_for_the_shipped_sets_and_problems_for_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check() == []
    assert check(SETS_DIR / "example_mandatory_child_report.cedar") == []
    bad = tmp_path / "atlantis.cedar"
    bad.write_text(_rule("deep", "context.depth > 3"), encoding="utf-8")
    problems = check(bad)
    assert {(p.file, p.line, p.policy_id) for p in problems} == {("atlantis.cedar", 2, "deep")}

    assert main(["check"]) == 0
    assert main(["check", str(bad)]) == 1
    assert "atlantis.cedar:2: [deep]" in capsys.readouterr().out
    assert check(tmp_path / "missing.cedar")[0].message.startswith("cannot read")
