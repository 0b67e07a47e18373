"""Disclosure policy: who may receive what of a client, as Cedar policy sets per jurisdiction.

Imports nothing from ``app``. Evaluated in-process with ``cedarpy``; deciding needs no
database: the app computes the request (consent ledger answer included) and calls
:func:`decide`, which is also what the "what if" tool calls.

Files
-----
::

    policies/schema.cedarschema        principals, resources, actions, context types
    policies/sets/default.cedar        the defaults every set keeps, and what they allow
    policies/sets/<jurisdiction>.cedar one file per jurisdiction (the shipped ones are
                                       examples to adapt, each rule citing the kind of
                                       provision it stands for)

A **set** is ``default.cedar`` + one jurisdiction file (the set named ``default`` is the
first alone), + optionally an organisation's **overrides**, in that order. In Cedar a
``forbid`` beats any ``permit``, so the default's forbids hold in every set; everything not
permitted is denied. Overrides may only forbid (a ``permit`` raises
:class:`OverrideNotStricter`; the check reads parsed effects, so comments cannot hide one),
and their ids start with ``org.``. Every file is parsed and validated against the schema at
load; any problem raises :class:`PolicyLoadError` listing ``file:line: [policy id] message``
(Cedar gives no positions, so the line is where the faulty policy starts).

The Cedar request
-----------------
One evaluation per field group: principal ``User::"<user id>"`` (attribute ``roles``, in
``Organisation::"<org id>"``), action ``disclose`` / ``release`` (both in the group
``share``) or ``view_break_glass``, resource ``FieldGroup::"<group>"``. Recipient types,
purposes, legal bases, field groups and roles are enumerated entity types, so a misspelt
value in a policy fails validation. The context is always complete (Cedar refuses a
request missing any attribute, and that is a deny). For ``disclose``/``release``:

=========================  ======================  ========================================
key                        type                    meaning
=========================  ======================  ========================================
recipient_type             RecipientType           who would receive it
purpose                    Purpose                 why
legal_basis                LegalBasis              the basis the request states
legal_obligation           Bool                    basis in ``LEGAL_OBLIGATION``
reference_required         Bool                    basis in ``REFERENCE_REQUIRED``
legal_reference_present    Bool                    the basis's reference was given
court_order_present        Bool                    a court order is recorded
consent_valid              Bool                    ledger: valid consent for this purpose,
                                                   recipient and *this* group, now
is_minor                   Bool
resource_sensitive         Bool                    this group in ``SENSITIVE_GROUPS``
field_groups_requested     Set<FieldGroup>         every group asked for
=========================  ======================  ========================================

``view_break_glass``: ``reason_code`` (String), ``reason_given`` (Bool),
``duration_minutes`` (Long), ``is_minor`` (Bool). Derived keys are computed here from
:mod:`policies.vocabulary`, so each list (sensitive groups, obligation bases) has one home.

Annotations
-----------
Every policy carries ``@id("...")`` (stable, unique in the set), ``@reason("code")`` (the
app translates the code) and ``@explain("English text")``. Permits may carry obligations:
``@obligation("supervisor_approval")`` / ``("supervisor_review")`` (comma-separated),
``@min_fields("identity,case_facts")``, ``@notify_client("always" | "unless_endangering")``.
Unknown keys or values, or obligations on a forbid, are load errors.

Decisions
---------
Per field group: **denied** if any error occurred (a policy failed to evaluate, the
request was refused: XXX Cedar would skip a failing forbid and allow, this does not), if
a forbid applies (its ids and reasons are given), or if nothing permits
(``no_rule_permits``). Otherwise the obligations are those of **all** the permits that
applied, merged (flags or-ed, ``always`` notice beats ``unless_endangering``, min_fields
intersected); a group outside its min_fields is denied (``outside_min_fields``); a group
whose merged obligations include ``supervisor_approval`` **needs_approval**; else
**allowed**. Write permits so that they do not overlap where their duties differ.

Public API
----------
Sets (:mod:`policies.sets`)
    ``load_set(name) -> PolicySet`` (cached), ``shipped_sets()``,
    ``build_set(name, jurisdiction_text, file_name=...)``,
    ``compose(jurisdiction, overrides_text, file_name=...) -> PolicySet``;
    ``PolicySet.name``, ``.rules``, ``.rule(id)``, ``.sources``, ``.sha256`` (SHA-256 over
    ``len:name\\n len:text\\n`` of the schema and each file, in order: audit it with
    every decision and every change of set or overrides).
Deciding (:mod:`policies.decide`)
    ``decide(policy_set, DisclosureRequest | BreakGlassRequest) -> Decision``;
    ``Decision.groups`` (``GroupDecision``: ``field_group``, ``outcome``, ``policy_ids``,
    ``reasons``, ``obligations``, ``errors``), ``decision[group]``, ``.releasable``,
    ``.needs_approval``, ``.obligations``, ``.as_audit()``; ``Requester``, ``Action``,
    ``Outcome``; ``disclosure_context`` / ``decide_context`` for tests and tooling;
    ``BUILTIN_REASONS``: the evaluator's own reason codes, to translate with the others.
Rules and rendering (:mod:`policies.rules`, :mod:`policies.render`)
    ``Rule(policy_id, effect, reason: Reason(code, text), obligations, file, line)``,
    ``Obligations``, ``NotifyClient``, ``Obligation``, ``Effect``;
    ``describe(policy_set)`` (forbids first), ``plain_text(policy_set)``.
Checking (:mod:`policies.check`)
    ``check(path=None, overrides_on=None) -> list[Problem]``; ``python -m policies check``.
Errors (:mod:`policies.errors`)
    ``PolicyError`` > ``PolicyLoadError(problems)`` > ``OverrideNotStricter``;
    ``UnknownPolicySet``; ``Problem(file, line, policy_id, message)``.
"""

from policies.check import check
from policies.decide import (
    BUILTIN_REASONS,
    Action,
    BreakGlassRequest,
    Decision,
    DisclosureRequest,
    GroupDecision,
    Outcome,
    Requester,
    decide,
    decide_context,
    disclosure_context,
)
from policies.errors import (
    OverrideNotStricter,
    PolicyError,
    PolicyLoadError,
    Problem,
    UnknownPolicySet,
)
from policies.render import describe, plain_text
from policies.rules import Effect, NotifyClient, Obligation, Obligations, Reason, Rule
from policies.sets import PolicySet, build_set, compose, load_set, shipped_sets

__all__ = [
    "BUILTIN_REASONS",
    "Action",
    "BreakGlassRequest",
    "Decision",
    "DisclosureRequest",
    "Effect",
    "GroupDecision",
    "NotifyClient",
    "Obligation",
    "Obligations",
    "OverrideNotStricter",
    "Outcome",
    "PolicyError",
    "PolicyLoadError",
    "PolicySet",
    "Problem",
    "Reason",
    "Requester",
    "Rule",
    "UnknownPolicySet",
    "build_set",
    "check",
    "compose",
    "decide",
    "decide_context",
    "describe",
    "disclosure_context",
    "load_set",
    "plain_text",
    "shipped_sets",
]
