"""The application wall: the ORM guard filters by tenant and refuses cross-tenant writes."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Membership
from app.db import TenantMismatch, bind_actor
from app.keys.models import TenantKey


def test_session_sees_only_its_tenants_rows(db, factory):
    north = factory.organisation("north")
    south = factory.organisation("south")
    factory.person("a@example.org", {north: {"caseworker"}})
    factory.person("b@example.org", {south: {"caseworker"}})

    bind_actor(db, north.id, None)
    members = db.scalars(select(Membership)).all()
    assert {m.tenant_id for m in members} == {north.id}
    events = db.scalars(select(AuditEvent)).all()
    assert events and {e.tenant_id for e in events} == {north.id}


def test_session_without_tenant_sees_no_tenant_rows(db, factory):
    factory.person("a@example.org", {factory.organisation("north"): {"caseworker"}})
    bind_actor(db, None, None)
    assert db.scalars(select(Membership)).all() == []
    assert db.scalars(select(TenantKey)).all() == []


def test_get_by_primary_key_of_other_tenant_finds_nothing(db, factory):
    north = factory.organisation("north")
    south = factory.organisation("south")
    person = factory.person("b@example.org", {south: {"caseworker"}})
    bind_actor(db, north.id, None)
    assert db.scalars(select(Membership).where(Membership.user_id == person.user.id)).all() == []


def test_writing_a_row_into_another_tenant_is_refused(db, factory):
    north = factory.organisation("north")
    south = factory.organisation("south")
    bind_actor(db, north.id, None)
    db.add(AuditEvent(tenant_id=south.id, action="test.cross", details={}))
    with pytest.raises(TenantMismatch):
        db.flush()


def test_rows_without_tenant_are_stamped_with_the_sessions_tenant(db, factory):
    north = factory.organisation("north")
    bind_actor(db, north.id, None)
    event = AuditEvent(action="test.stamp", details={})
    db.add(event)
    db.flush()
    assert event.tenant_id == north.id
