"""The organisation's disclosure policy: which shipped set it follows and its own rules,
which may only forbid. Every decision asks :func:`active_policy`; every change is audited
with the new set's hash.
"""

from __future__ import annotations

import functools
import logging
from typing import NoReturn

from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.context import Actor
from app.db.base import utcnow
from app.db.session import keep_refusal
from app.db.tenancy import current_tenant
from app.disclosure.deciding import policy_ref
from app.disclosure.inputs import PolicyChoiceInput
from app.disclosure.models import DisclosureEvent, EventKind, PolicyChoice
from app.errors import Conflict, ValidationFailed
from app.i18n import N_
from app.validation import CHOOSE, FieldReader
from policies import (
    OverrideNotStricter,
    PolicyLoadError,
    PolicySet,
    UnknownPolicySet,
    compose,
    load_set,
    shipped_sets,
)

DEFAULT_SET = "default"
OVERRIDES_FILE = "overrides.cedar"
#: An organisation's own rules are a few forbids, not a second policy library.
OVERRIDES_MAX = 20_000
NOT_STRICTER = N_(
    "Your organisation's own rules may only forbid: %(problems)s. A rule that permits would "
    "make the jurisdiction's rules less strict."
)
DOES_NOT_VALIDATE = N_("These rules do not validate: %(problems)s")
SET_UNAVAILABLE = N_(
    "Your organisation's disclosure policy cannot be loaded, so nothing can be decided; an "
    "organisation admin must choose the policy set again."
)
log = logging.getLogger("haven.disclosure")


def load_shipped_sets() -> None:
    """Parse and validate every shipped set (at start-up): a set that does not validate
    raises :class:`policies.PolicyLoadError` naming its file and line, so the app refuses
    to start rather than decide with a broken policy."""
    for name in shipped_sets():
        load_set(name)


def policy_choice(session: Session) -> PolicyChoice | None:
    return session.get(PolicyChoice, (current_tenant(session), 1))


def active_policy(session: Session) -> PolicySet:
    """The set the organisation's decisions are made under (``default`` until one is
    chosen)."""
    choice = policy_choice(session)
    if choice is None:
        return load_set(DEFAULT_SET)
    try:
        return _composed(choice.policy_set, choice.overrides)
    except (UnknownPolicySet, PolicyLoadError) as error:
        # XXX: a set gone in an upgrade, or overrides that no longer validate against it:
        # decide nothing (never fall back to a less strict set) until an admin chooses.
        log.error("policy set of tenant %s unusable: %s", choice.tenant_id, error)
        raise Conflict(SET_UNAVAILABLE) from None


@functools.lru_cache(maxsize=128)
def _composed(name: str, overrides: str) -> PolicySet:
    # Sets are immutable; the key is the exact text, so a change is a new entry.
    return compose(load_set(name), overrides, file_name=OVERRIDES_FILE)


def choose_policy(session: Session, ctx: Actor, data: PolicyChoiceInput) -> PolicyChoice:
    """Follow a shipped set, with the organisation's own rules (forbid only). A rule that
    permits, or one that does not validate, is refused with the file, line and reason, and
    the refusal is recorded."""
    require(ctx, Permission.manage_policy)
    r = FieldReader.of(data)
    name = r.text("policy_set", 64, required=True)
    if name is not None and name not in shipped_sets():
        r.fail("policy_set", CHOOSE)
    overrides = r.text("overrides", OVERRIDES_MAX) or ""
    r.raise_if_failed()
    assert name is not None
    try:
        policy_set = _composed(name, overrides)
    except OverrideNotStricter as error:
        _refuse(session, ctx, "override_permits", NOT_STRICTER, error)
    except PolicyLoadError as error:
        _refuse(session, ctx, "override_invalid", DOES_NOT_VALIDATE, error)
    choice = policy_choice(session)
    if choice is None:
        choice = PolicyChoice()
        session.add(choice)
    choice.policy_set, choice.overrides = name, overrides
    choice.set_sha256, choice.updated_at, choice.updated_by = (
        policy_set.sha256,
        utcnow(),
        ctx.user_id,
    )
    session.add(
        DisclosureEvent(
            kind=EventKind.policy_changed,
            actor_id=ctx.user_id,
            policy_set_hash=policy_set.sha256,
            details={"policy_set": name, "override_rules": _override_count(policy_set)},
        )
    )
    record_event(
        session,
        ctx,
        AuditAction.disclosure_policy_changed,
        "policy_set",
        name,
        # No policy decided this change; the set it puts in force is named by its hash.
        deciding_policy=policy_ref((), policy_set.sha256),
        set_sha256=policy_set.sha256,
        override_rules=_override_count(policy_set),
    )
    session.flush()
    return choice


def _override_count(policy_set: PolicySet) -> int:
    return sum(1 for rule in policy_set.rules if rule.file == OVERRIDES_FILE)


def _refuse(
    session: Session, ctx: Actor, code: str, message: str, error: PolicyLoadError
) -> NoReturn:
    """Record the refused change (codes only: the text is the admin's, not audited) and
    raise the problems, each as ``file:line: [id] message``."""
    problems = "; ".join(str(p) for p in error.problems)
    session.add(
        DisclosureEvent(
            kind=EventKind.policy_changed, actor_id=ctx.user_id, details={"refused": code}
        )
    )
    record_event(
        session, ctx, AuditAction.disclosure_policy_refused, "policy_set", None, refused=code
    )
    keep_refusal(session)
    raise ValidationFailed({"overrides": [N_(message, problems=problems)]})
