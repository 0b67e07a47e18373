"""Input no field of Haven may hold, and bodies the API cannot read: a clear 4xx, never a
500, and nothing stored (app.web.inputs)."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.clients.models import Client
from tests.api.conftest import ApiWorld, assert_fields, refused

API_ROOT = "/api/v1"


def _raw(world: ApiWorld, method: str, url: str, data: bytes | str, content_type: str | None):
    headers = {"Authorization": f"Bearer {world.token()}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return world.http.open(url, method=method, data=data, headers=headers)


def _counts(world: ApiWorld) -> tuple[int, int]:
    with world.work() as (session, _ctx):
        clients = session.scalar(select(func.count()).select_from(Client))
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        return clients or 0, events or 0


def test_a_body_that_is_not_json_is_refused_not_read_as_an_empty_object(world: ApiWorld) -> None:
    client_id = world.client_of()
    body = json.dumps({"facts": {"gender": "female"}})
    world.token()  # creating the token is audited: before counting
    before = _counts(world)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        created = _raw(world, "POST", f"{API_ROOT}/clients", body, content_type)
        assert created.status_code == 415, (content_type, created.get_data(as_text=True))
        assert "JSON" in created.json["message"]
        patched = _raw(
            world, "PATCH", f"{API_ROOT}/clients/{client_id}/identity", body, content_type
        )
        assert patched.status_code == 415, content_type
    assert _counts(world) == before  # no empty client, no identity_updated event


def test_a_large_body_without_a_content_type_hits_the_size_limit(world: ApiWorld) -> None:
    response = _raw(world, "POST", f"{API_ROOT}/clients", b"x" * (2 * 1024 * 1024), None)
    assert response.status_code == 413


def test_deeply_nested_json_is_a_400(world: ApiWorld) -> None:
    deep_field = '{"facts": ' * 5000 + "1" + "}" * 5000
    for body in ("[" * 100_000, deep_field):
        response = _raw(world, "POST", f"{API_ROOT}/clients", body, "application/json")
        assert response.status_code == 400, response.get_data(as_text=True)[:200]
        assert response.json["message"] == "The body is nested too deeply."


def test_a_lone_surrogate_anywhere_in_json_is_a_field_message(world: ApiWorld) -> None:
    client_id = world.client_of()
    world.token()  # creating the token is audited: before the snapshots
    for method, url, body, field in [
        ("POST", f"{API_ROOT}/clients", '{"identity": {"name": "\\ud800x"}}', "identity.name"),
        ("PATCH", f"{API_ROOT}/clients/{client_id}/identity", '{"name": "\\udfff"}', "name"),
        ("POST", f"{API_ROOT}/clients/search", '{"field": "name", "value": "\\ud800"}', "value"),
    ]:
        before = world.snapshot()
        response = _raw(world, method, url, body, "application/json")
        assert_fields(response, field)
        assert world.snapshot() == before


def test_nul_and_control_characters_are_refused_but_tabs_and_newlines_are_text(
    world: ApiWorld,
) -> None:
    client_id = world.client_of()
    url = f"{API_ROOT}/clients/{client_id}/referrals/external"
    base = {
        "partner_kind": "external_organisation",
        "services_requested": ["legal"],
        "sent_on": "2026-01-05",
    }
    for bad in ("a\u0000b", "a\u0007b", "a\u001bb"):
        refused(world, "POST", url, {**base, "partner_name": bad}, "partner_name")
    ok = world.post(url, {**base, "partner_name": "Line one\n\tLine two"})
    assert ok.status_code == 201, ok.get_data(as_text=True)


def test_paging_numbers_are_bounded(world: ApiWorld) -> None:
    for page in ("9223372036854775807", "10000000000000000000000", "0", "-1", "abc"):
        response = world.get(f"{API_ROOT}/clients?page={page}")
        assert_fields(response, "page")


def test_every_api_answer_is_kept_out_of_caches(world: ApiWorld) -> None:
    client_id = world.client_of(identity={"name": "Olena"})
    revealed = world.post(f"{API_ROOT}/clients/{client_id}/reveal", {"field": "name"})
    assert revealed.status_code == 200
    assert revealed.headers["Cache-Control"] == "no-store"
    assert world.get(f"{API_ROOT}/clients").headers["Cache-Control"] == "no-store"
