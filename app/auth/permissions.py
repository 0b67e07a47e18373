"""The one table of what each role may do. Deny by default.

Every check in Haven names a :class:`Permission` and asks :func:`can` or :func:`require`:
services before they act, the screens' guard (``app.auth.access.requires``), the API's
guard (``api_actor``) and templates (``can('reveal_identity')``). To change who may do
something, change :data:`RULES` and nothing else.

Some permissions depend on more than the role: the child module opens to a caseworker
assigned to the case. The caller states such facts (``can(ctx, P.reveal_child_module,
assigned=True)``); the table says which fact opens which permission to which role.
Disclosure permissions will also ask the organisation's Cedar policy set
(:mod:`policies`) about the request: that question plugs in after this table says yes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.context import Actor, Role
from app.errors import Forbidden
from app.i18n import N_

R = Role


class Permission(enum.StrEnum):
    #: Open client records: intake, cases, services, claims, referrals, risks, contacts.
    casework = "casework"
    #: Show a sealed identity field, a service's or a risk's notes (each showing audited).
    reveal_identity = "reveal_identity"
    #: Read and change the child module of a minor's case.
    reveal_child_module = "reveal_child_module"
    #: Erase a client (destroy their key).
    erase_client = "erase_client"
    #: Assign caseworkers to cases and unassign them.
    assign_cases = "assign_cases"
    #: See the organisation's grants and service types (to record services against them).
    read_catalogue = "read_catalogue"
    #: Create, correct, retire and delete grants and service types.
    manage_catalogue = "manage_catalogue"
    #: Invite members, change roles, end sessions, issue API tokens.
    manage_members = "manage_members"
    #: Read accountability reports and export them (a funder: only grants linked to them).
    read_reports = "read_reports"
    #: Read the organisation-wide State / NRM, GRETA and evaluation reports.
    read_state_reports = "read_state_reports"
    #: Read the audit log, the consent ledger and the disclosure register (pseudonyms only).
    read_audit = "read_audit"
    #: Record, renew and withdraw a client's consent.
    record_consent = "record_consent"
    #: Write the organisation's consent notices and set how long a consent may last.
    manage_consent = "manage_consent"
    #: Ask for a disclosure decision and prepare a package.
    request_disclosure = "request_disclosure"
    #: Approve a disclosure under legal obligation (never one's own request).
    approve_disclosure = "approve_disclosure"
    #: Open a case outside one's normal access, for a stated reason, for a limited time.
    break_glass = "break_glass"
    #: Review break-glass openings.
    review_break_glass = "review_break_glass"
    #: Choose the organisation's policy set and add its own (stricter) rules.
    manage_policy = "manage_policy"


@dataclass(frozen=True)
class Rule:
    #: Roles that hold the permission outright.
    roles: frozenset[Role]
    #: Roles that hold it only for a case they are assigned to (``assigned=True``).
    if_assigned: frozenset[Role] = frozenset()
    #: The refusal, in words a user understands.
    refusal: str = N_("Your role in this organisation does not allow this.")
    #: Holding it shows or changes sealed or client-level data: a second factor is needed.
    sensitive: bool = True
    #: The platform admin and the operator at the command line hold it too (to set up an
    #: organisation's first members), without any role in the organisation.
    operators: bool = False


CASEWORK = frozenset({R.caseworker, R.supervisor})
RULES: dict[Permission, Rule] = {
    Permission.casework: Rule(
        CASEWORK, refusal=N_("Only caseworkers and supervisors work with client records.")
    ),
    Permission.reveal_identity: Rule(
        CASEWORK, refusal=N_("Only caseworkers and supervisors can show sealed fields.")
    ),
    Permission.reveal_child_module: Rule(
        frozenset({R.supervisor}),
        if_assigned=frozenset({R.caseworker}),
        refusal=N_(
            "Only supervisors and the caseworkers assigned to this case see its child module."
        ),
    ),
    Permission.erase_client: Rule(
        frozenset({R.supervisor}), refusal=N_("Only a supervisor can erase a client.")
    ),
    Permission.assign_cases: Rule(
        frozenset({R.supervisor}),
        refusal=N_("Only a supervisor can assign caseworkers to a case."),
    ),
    Permission.read_catalogue: Rule(
        frozenset({R.caseworker, R.supervisor, R.org_admin}), sensitive=False
    ),
    Permission.manage_catalogue: Rule(
        frozenset({R.supervisor, R.org_admin}),
        refusal=N_("Only an organisation admin or a supervisor can change this."),
        sensitive=False,
    ),
    Permission.manage_members: Rule(
        frozenset({R.org_admin}),
        refusal=N_("Only an organisation admin can do this."),
        operators=True,
    ),
    Permission.read_reports: Rule(
        frozenset({R.funder, R.supervisor, R.org_admin}), sensitive=False
    ),
    Permission.read_state_reports: Rule(
        frozenset({R.supervisor, R.org_admin}),
        refusal=N_("Only a supervisor or an organisation admin reads organisation-wide reports."),
        sensitive=False,
    ),
    Permission.read_audit: Rule(frozenset({R.auditor, R.org_admin})),
    Permission.record_consent: Rule(CASEWORK),
    Permission.manage_consent: Rule(
        frozenset({R.supervisor, R.org_admin}),
        refusal=N_("Only an organisation admin or a supervisor can change consent notices."),
        sensitive=False,
    ),
    Permission.request_disclosure: Rule(CASEWORK),
    Permission.approve_disclosure: Rule(
        frozenset({R.supervisor}), refusal=N_("Only a supervisor can approve a disclosure.")
    ),
    Permission.break_glass: Rule(CASEWORK),
    Permission.review_break_glass: Rule(frozenset({R.supervisor})),
    Permission.manage_policy: Rule(frozenset({R.org_admin})),
}


def can(ctx: Actor, permission: Permission, *, assigned: bool = False) -> bool:
    """Whether the actor holds ``permission`` in their organisation. ``assigned``: the
    actor is assigned to the case in question (for permissions that depend on it)."""
    if ctx.tenant_id is None:
        return False
    rule = RULES[permission]
    if rule.operators and (ctx.is_system or ctx.is_platform_admin):
        return True
    return bool(ctx.roles & rule.roles) or (assigned and bool(ctx.roles & rule.if_assigned))


def require(ctx: Actor, permission: Permission, *, assigned: bool = False) -> None:
    """:func:`can`, or Forbidden (403) with the permission's own reason."""
    if not can(ctx, permission, assigned=assigned):
        raise Forbidden(RULES[permission].refusal)


def roles_with(permission: Permission) -> frozenset[Role]:
    """Roles that hold ``permission`` outright (e.g. who may be assigned to a case)."""
    return RULES[permission].roles


def needs_second_factor(roles: frozenset[Role]) -> bool:
    """A person holding any sensitive permission signs in with a second factor."""
    return any(roles & (rule.roles | rule.if_assigned) for rule in RULES.values() if rule.sensitive)
