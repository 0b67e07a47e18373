"""Nothing in the cases domain produces plaintext without a ``case.revealed`` audit event."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest

import app.cases
from app.cases import children, risks
from app.cases.inputs import ChildModule, RiskInput
from tests.cases.conftest import SECRET

CASES = Path(app.cases.__file__).parent


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _calls(node: ast.AST) -> set[str]:
    return {
        call.func.id
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    }


def _audits_reveal(node: ast.AST) -> bool:
    return any(
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "record_event"
        and any(
            (isinstance(a, ast.Constant) and a.value == "case.revealed")
            or (isinstance(a, ast.Attribute) and a.attr == "case_revealed")
            for a in call.args
        )
        for call in ast.walk(node)
    )


def test_every_decrypting_function_is_a_reveal_that_writes_an_audit_event():
    """A function that calls ``open_for_client`` (or ``open_for_reveal``, which wraps it)
    must record ``case.reveal`` itself, or be a private helper whose every caller in the
    module does."""
    checked = 0
    for path in sorted(CASES.glob("*.py")):
        functions = _functions(ast.parse(path.read_text()))
        for name, node in functions.items():
            if not {"open_for_client", "open_for_reveal"} & _calls(node):
                continue
            checked += 1
            if _audits_reveal(node):
                continue
            assert name.startswith("_"), f"{path.name}:{name} decrypts without an audit event"
            callers = [f for f in functions.values() if name in _calls(f)]
            assert callers, f"{path.name}:{name} decrypts and nobody audits it"
            for caller in callers:
                assert _audits_reveal(caller), f"{path.name}:{caller.name} reveals unaudited"
    assert checked >= 2  # risk notes and the child module


def test_a_reveal_whose_audit_event_fails_returns_nothing(
    world, work, new_client, new_case, monkeypatch
):
    client_id = new_client(world.north, minor=True)
    case_id = new_case(world.north, client_id, world.worker)
    with work(world.north, world.worker) as (session, ctx):
        risk = risks.add_risk(
            session,
            ctx,
            client_id,
            case_id,
            RiskInput("retaliation", "high", date.today() + timedelta(days=7), SECRET),
        )
        children.update_child_details(
            session,
            ctx,
            client_id,
            case_id,
            ChildModule(
                guardian=SECRET,
                schooling="enrolled",
                child_protection_service=None,
                child_protection_contact=None,
            ),
        )

    def refuse(*_args, **_kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(risks, "record_event", refuse)
    monkeypatch.setattr(children, "record_event", refuse)
    for reveal in (
        lambda s, c: risks.reveal_risk_notes(s, c, client_id, risk.id),
        lambda s, c: children.reveal_child_details(s, c, client_id, case_id),
    ):
        with pytest.raises(RuntimeError), work(world.north, world.worker) as (session, ctx):
            reveal(session, ctx)
