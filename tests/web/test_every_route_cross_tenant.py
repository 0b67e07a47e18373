"""Every route in ``app.url_map`` that takes an id, asked by another organisation with the
ids of a fully populated organisation's objects, by every role, on the pages and the API:
always a refusal (4xx), the same refusal as for ids that name nothing (the owner's ids are
no oracle), and nothing of the owner's changes.

The routes are enumerated, not listed: a new route is covered on its own, and a route
whose ids this test cannot fill with a real object of the owner fails the test, naming the
route (add the object to ``Populated`` and its path segment to ``ID_AFTER``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text
from werkzeug.routing import Rule

from app.assistance.grants import create_grant, create_subtype
from app.assistance.inputs import GrantInput, ServiceInput, SubtypeInput
from app.assistance.service import record_service
from app.auth.models import Role
from app.cases import risks
from app.cases.inputs import Assignee, CaseOpening, RiskInput
from app.cases.service import assign_caseworker, open_case
from app.claims.service import ClaimFiling, file_claim
from app.clients.service import register_client
from app.consent.models import NoticeText, WithdrawalNotice
from app.consent.service import record_consent
from app.db import Base
from app.db.base import utcnow
from app.disclosure.break_glass import open_break_glass
from app.disclosure.inputs import BreakGlassInput, DisclosureInput
from app.disclosure.service import ask_for_disclosure
from app.referrals.inputs import ExternalReferral, PlatformReferral
from app.referrals.models import Referral
from app.referrals.service import refer_externally, refer_to_platform_organisation
from tests.cases.conftest import Work, work
from tests.clients.conftest import intake
from tests.conftest import ON_POSTGRES, Factory, Person, csrf_from, sign_in
from tests.consent.conftest import consent_input, notice_id

__all__ = ["work"]

#: Which of the owner's objects an id names, by the path segment just before it.
ID_AFTER = {
    "clients": "client",
    "cases": "case",
    "risks": "risk",
    "claims": "claim",
    "consents": "consent",
    "consent": "consent",
    "services": "service",
    "referrals": "referral",
    "incoming": "incoming_referral",
    "members": "member",
    "assignments": "member",
    "notices": "notice",
    "notice-texts": "notice_text",
    "withdrawals": "withdrawal",
    "grants": "grant",
    "service-types": "subtype",
    "service-subtypes": "subtype",
    "disclosures": "disclosure_request",
    "break-glass": "break_glass",
}
SECRET = "Zoryana Secretovna, Rue des Lilas 7"
#: Routes public by design, for anyone and any organisation: an organisation's audit
#: verifier key (public key material an auditor fetches with no account;
#: tests/auditor/test_public_key.py).
PUBLIC = {"auditor.public_key"}
#: Rows that change on any signed-in request, whoever makes it.
VOLATILE = {"api_tokens", "user_sessions"}


@dataclass
class Populated:
    """One of each kind of object a route can name, all in one organisation."""

    ids: dict[str, uuid.UUID] = field(default_factory=dict)


def _populate(factory: Factory, work: Work, owner: Any, partner: Any) -> Populated:
    worker = factory.person("cw@owner.org", {owner: {Role.caseworker}})
    made = Populated()
    today = date.today()
    with work(owner, worker, roles=("caseworker", "supervisor", "org_admin")) as (session, ctx):
        client = register_client(
            session, ctx, intake({"gender": "female", "age_band": "25_34"}, {"name": SECRET})
        )
        case = open_case(session, ctx, client.id, CaseOpening(date(2025, 3, 1)))
        assign_caseworker(session, ctx, client.id, case.id, Assignee(worker.user.id))
        risk = risks.add_risk(
            session, ctx, client.id, case.id, RiskInput("retaliation", "high", today, SECRET)
        )
        claim = file_claim(session, ctx, client.id, ClaimFiling("civil", "employer", "EUR"))
        grant = create_grant(
            session,
            ctx,
            GrantInput(
                code="G-1",
                name="Grant",
                funder="Funder",
                starts_on=date(2025, 1, 1),
                ends_on=date(2027, 12, 31),
                budget=Decimal("1000"),
                currency="EUR",
            ),
        )
        subtype = create_subtype(session, ctx, SubtypeInput(category="accommodation", name="Flat"))
        service = record_service(
            session,
            ctx,
            client.id,
            ServiceInput(
                category="accommodation", started_on=today, quantity=Decimal(1), notes=SECRET
            ),
        )
        referral = refer_externally(
            session,
            ctx,
            client.id,
            ExternalReferral(
                partner_kind="external_organisation",
                partner_name="Partner",
                services_requested=["legal"],
                sent_on=today,
            ),
        )
        withdrawal = WithdrawalNotice(
            exchange_id=uuid.uuid4(),
            sender_organisation_id=partner.id,
            client_id=None,
            field_groups=["identity"],
            withdrawn_at=utcnow(),
        )
        session.add(withdrawal)
        session.flush()
        made.ids.update(
            client=client.id,
            case=case.id,
            risk=risk.id,
            claim=claim.id,
            grant=grant.id,
            subtype=subtype.id,
            service=service.id,
            referral=referral.id,
            member=worker.user.id,
            withdrawal=withdrawal.id,
        )
    notice = notice_id(work, owner)
    with work(owner, worker) as (session, ctx):
        made.ids["consent"] = record_consent(session, ctx, client.id, consent_input(notice)).id
        made.ids["notice"] = notice
        made.ids["notice_text"] = session.scalars(
            select(NoticeText.id).where(NoticeText.notice_id == notice)
        ).first()
        asked = DisclosureInput(
            "police", "Police", "criminal_investigation", "court_order", ["identity"], "TJ 1"
        )
        made.ids["disclosure_request"] = ask_for_disclosure(session, ctx, client.id, asked).id
        opening = BreakGlassInput("emergency", SECRET, "60")
        made.ids["break_glass"] = open_break_glass(session, ctx, client.id, opening).id
    # A referral the owner received from a partner on the platform.
    with work(partner) as (session, ctx):
        theirs = register_client(session, ctx, intake({"gender": "male"}, {}))
        sent = refer_to_platform_organisation(
            session,
            ctx,
            theirs.id,
            PlatformReferral(
                organisation_id=owner.id, services_requested=["accommodation"], sent_on=date.today()
            ),
        )
        exchange = sent.exchange_id
    with work(owner) as (session, _ctx):
        received = session.scalar(select(Referral.id).where(Referral.exchange_id == exchange))
        assert received is not None
        made.ids["incoming_referral"] = received
    return made


def _url(rule: Rule, owner: Populated) -> str:
    """The rule's path with each id replaced by the owner's object of that kind (or, for an
    empty ``Populated``, by ids that name nothing)."""
    parts = rule.rule.split("/")
    for i, part in enumerate(parts):
        if not part.startswith("<"):
            continue
        before = parts[i - 1]
        kind = ID_AFTER.get(before)
        if not owner.ids:
            parts[i] = str(uuid.uuid4())
            continue
        assert kind in owner.ids, (
            f"{rule.rule}: no object of the owner for {part} after '{before}/'; add it to "
            "Populated and ID_AFTER so that this route is tried across organisations"
        )
        parts[i] = str(owner.ids[kind])
    return "/".join(parts)


def _snapshot(app: Flask, tenant: uuid.UUID) -> dict[str, list[str]]:
    """Every row of the owner's organisation, read past row-level security as the owner."""
    engine = create_engine(app.extensions["haven.settings"].migration_database_url)
    rows: dict[str, list[str]] = {}
    with engine.connect() as conn:
        if ON_POSTGRES:
            conn.execute(text("SELECT set_config('app.tenant_id', :t, false)"), {"t": str(tenant)})
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE or "tenant_id" not in table.c:
                continue
            found = conn.execute(table.select().where(table.c.tenant_id == tenant))
            rows[table.name] = sorted(repr(tuple(r)) for r in found)
    engine.dispose()
    return rows


def _token(app: Flask, slug: str, role: str) -> str:
    result = app.test_cli_runner().invoke(
        args=["token", "create", "--org", slug, "--name", f"{role} probe", "--role", role]
    )
    assert result.exit_code == 0, result.output
    return next(w for w in result.output.split() if w.startswith("hvn_"))


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
API_ROLES = ("caseworker", "supervisor", "org_admin", "auditor", "funder")


@pytest.mark.parametrize("surface", ["html", "api"])
def test_no_route_answers_another_organisation_with_the_owners_ids(
    surface: str, app: Flask, factory: Factory, work: Work, client: FlaskClient
) -> None:
    owner = factory.organisation("owner")
    partner = factory.organisation("partner")
    other = factory.organisation("other")
    populated = _populate(factory, work, owner, partner)
    before = _snapshot(app, owner.id)

    rules = [
        r
        for r in app.url_map.iter_rules()
        if any(a != "filename" for a in r.arguments)
        and r.endpoint not in PUBLIC
        and r.rule.startswith("/api/") == (surface == "api")
    ]
    assert rules, "no route takes an id?"
    callers = _callers(app, factory, client, other, surface)
    failures: list[str] = []
    for rule in rules:
        url, unknown = _url(rule, populated), _url(rule, Populated())
        for method in sorted(set(METHODS) & (rule.methods or set())):
            for name, call in callers.items():
                theirs, nobodys = call(method, url), call(method, unknown)
                if not 400 <= theirs[0] < 500:
                    failures.append(f"{method} {rule.rule}: {name} got {theirs[0]}")
                elif theirs != nobodys:
                    failures.append(
                        f"{method} {rule.rule}: {name} can tell the owner's ids from unknown "
                        f"ones ({theirs[0]} vs {nobodys[0]})"
                    )
    assert not failures, "\n".join(failures)
    assert _snapshot(app, owner.id) == before, "another organisation changed the owner's data"


def _callers(
    app: Flask, factory: Factory, client: FlaskClient, other: Any, surface: str
) -> dict[str, Any]:
    """Who asks: the other organisation's people with every role, through each surface."""
    if surface == "api":
        tokens = {role: _token(app, "other", role) for role in API_ROLES}

        def api(token: str) -> Any:
            def call(method: str, url: str) -> tuple[int, Any]:
                headers = {"Authorization": f"Bearer {token}"}
                body = {} if method in ("POST", "PUT", "PATCH") else None
                answer = client.open(url, method=method, json=body, headers=headers)
                return answer.status_code, answer.get_json(silent=True)

            return call

        return {role: api(token) for role, token in tokens.items()}

    people: dict[str, Person] = {
        "casework": factory.person(
            "all@other.org", {other: {Role.caseworker, Role.supervisor, Role.org_admin}}
        ),
        "auditor": factory.person("aud@other.org", {other: {Role.auditor}}),
        "funder": factory.person("fun@other.org", {other: {Role.funder}}),
    }
    browsers: dict[str, Any] = {}
    for name, person in people.items():
        browser = app.test_client()
        sign_in(browser, person, other)
        token = csrf_from(browser, "/account")

        def html(
            method: str, url: str, browser: FlaskClient = browser, token: str = token
        ) -> tuple[int, None]:
            # Pages carry a fresh CSRF token each time: compare statuses only.
            data = {"csrf_token": token} if method != "GET" else None
            return browser.open(url, method=method, data=data).status_code, None

        browsers[name] = html
    return browsers
